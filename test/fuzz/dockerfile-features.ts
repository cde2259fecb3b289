/**
 * Dockerfile shapes of the fuzzer's grammar (./grammar.ts): what real builder and runtime
 * Dockerfiles carry beyond the plain FROM/WORKDIR/COPY/RUN, each a way the merge could change
 * the final image. Drawn from a stream of their own (DOCKERFILE_STREAM), after every other
 * feature, so that each seed keeps the choices it made before these were added; a seed whose
 * draws all stay plain writes exactly the repository it wrote before. Rendered by
 * ./render-dockerfile.ts.
 */
// Types only: ./grammar.ts spreads DOCKERFILE_FEATURES into its own, so this module reads nothing of it at load.
import type { Feature, RepoSpec } from './grammar.js';

export const DOCKERFILE_FEATURES = {
  /**
   * Parser directives in one file only: `# syntax=` in the builder (moved to the top of the
   * merged file); `# escape=\`` in the builder or in the runtime, each file continuing a line
   * with its own escape character; or `# escape=\`` after the builder's first comment, where
   * it is a comment and not a directive (the builder continues lines with `\`).
   */
  dfDirective: ['none', 'syntax-builder', 'escape-builder', 'escape-runtime', 'not-a-directive'],
  /** `SHELL ["/bin/sh", "-ec"]` in the builder stage or in the runtime stage (then a shell-form RUN). */
  dfShell: ['none', 'builder', 'runtime'],
  /** Runtime image metadata: ENTRYPOINT (exec form with CMD as arguments, or shell form), HEALTHCHECK, EXPOSE + STOPSIGNAL, VOLUME + ONBUILD. */
  dfRuntimeMeta: ['none', 'entrypoint-exec', 'entrypoint-shell', 'healthcheck', 'expose-stopsignal', 'volume-onbuild'],
  /**
   * Paths through variables: the runtime's COPY destination (or WORKDIR) through an `ENV`, the
   * builder's output folder through an `ARG` or an `ENV`, or the builder's WORKDIR written
   * relative to an earlier one.
   */
  dfPaths: ['none', 'runtime-env', 'builder-arg', 'builder-env', 'relative-workdir'],
  /** A second artifact extracted and copied into the runtime: a config file, or a folder of static files. */
  dfExtra: ['none', 'second-file', 'second-folder'],
  /** The runtime COPY of the artifact with `--chmod=0755`, or `--chown` through a runtime ARG. */
  dfCopyFlag: ['none', 'chmod', 'chown-arg'],
  /** An allowlist `.dockerignore`: `*`, then `!` exceptions for what the builds read. */
  dfIgnore: ['none', 'allowlist'],
  /**
   * Stages already there: the builder starts from a `deps` stage of its own (or one named
   * `builder`, the name the merge would give it), its final stage is named `build`; the runtime
   * starts from a `base` stage of its own, or copies the artifact in that base stage.
   */
  dfStages: ['none', 'builder-deps', 'builder-deps-builder', 'builder-named', 'runtime-base', 'runtime-copy-in-base'],
  /**
   * How the builder's own command is `cat` of the artifact (cmd-cat): `ENTRYPOINT ["cat"]` with
   * the path as CMD (in the `deps` stage when there is one, so inherited), a shell-form
   * ENTRYPOINT, or `CMD ["sh", "-c", "cat …"]`.
   */
  dfBuilderEntry: ['none', 'entrypoint-cat', 'entrypoint-shell', 'cmd-sh-c'],
  /**
   * A stage name both files use, `tools` (the merge renames the builder file's: one build sees
   * both). Each file's `tools` writes /tools.txt with its own text: the runtime copies it with
   * `COPY --from=tools` and the builder checks its own (a mix-up fails the build or changes the
   * image); `case`: the runtime's is `Tools` (a name matched without case by the tool and BuildKit; buildah matches references exactly, so written alike); `from`: each file starts a
   * stage `FROM tools` (the builder's its build stage, the runtime's its final one); `target`:
   * the builder's build stage itself is `tools`, built with `--target tools` (a later stage
   * follows), so a kept builder build (tagUse) targets it by its new name.
   * Drawn from a stream of its own (SHARED_STAGE_STREAM).
   */
  dfSharedStage: ['none', 'copy', 'case', 'from', 'target'],
} as const;

export type DockerfileFeature = keyof typeof DOCKERFILE_FEATURES;

/** The chance each Dockerfile feature leaves its plainest option (more for one that applies to one extraction only). */
const ODDS: Record<DockerfileFeature, number> = { dfDirective: 0.3, dfShell: 0.3, dfRuntimeMeta: 0.3, dfPaths: 0.3, dfExtra: 0.3, dfCopyFlag: 0.3, dfIgnore: 0.3, dfStages: 0.3, dfBuilderEntry: 0.75, dfSharedStage: 0.3 };

/** Features added after the first Dockerfile shapes, each drawn from a stream of its own seeded from the seed. */
const OWN_STREAMS: Partial<Record<DockerfileFeature, number>> = { dfSharedStage: 0x85ebca6b };

/** The Dockerfile features of a stream of their own (OWN_STREAMS), for the tests that set them plain. */
export const LATER_DOCKERFILE_FEATURES = Object.keys(OWN_STREAMS) as DockerfileFeature[];

/** Draws the Dockerfile features from their own stream (a later one from a stream of its own: the earlier ones keep their draws). */
export function drawDockerfileFeatures(spec: Record<string, unknown>, seed: number, prng: (seed: number) => () => number): void {
  const draw = (k: DockerfileFeature, own: () => number) => {
    const options = DOCKERFILE_FEATURES[k] as readonly string[];
    spec[k] = own() < ODDS[k] ? options[1 + Math.floor(own() * (options.length - 1))] : options[0];
  };
  const own = prng(seed ^ 0x3c6ef372);
  for (const k of Object.keys(DOCKERFILE_FEATURES) as DockerfileFeature[]) if (OWN_STREAMS[k] === undefined) draw(k, own);
  for (const [k, salt] of Object.entries(OWN_STREAMS) as [DockerfileFeature, number][]) draw(k, prng(seed ^ salt));
}

/** Makes the Dockerfile features consistent with the rest of the spec (part of normalize). */
export function normalizeDockerfile(s: RepoSpec): void {
  // A spec written before these features existed reads as all plain.
  for (const k of Object.keys(DOCKERFILE_FEATURES) as DockerfileFeature[]) if (s[k] === undefined) (s as Record<string, unknown>)[k] = DOCKERFILE_FEATURES[k][0];
  const stock = s.extraction === 'stock-build';
  const runTimeBuild = s.extraction === 'run-name' || s.extraction === 'mount-build';
  // A stock toolchain image has no builder Dockerfile.
  if (stock && (s.dfDirective === 'syntax-builder' || s.dfDirective === 'escape-builder' || s.dfDirective === 'not-a-directive')) s.dfDirective = 'none';
  if (stock && s.dfShell === 'builder') s.dfShell = 'none';
  if (stock && (s.dfStages === 'builder-deps' || s.dfStages === 'builder-deps-builder' || s.dfStages === 'builder-named')) s.dfStages = 'none';
  // The output folder is named in the builder's RUN lines: a run-time build names it on the command line.
  if ((s.dfPaths === 'builder-arg' || s.dfPaths === 'builder-env') && (stock || runTimeBuild)) s.dfPaths = 'none';
  if (s.dfPaths === 'relative-workdir' && stock) s.dfPaths = 'none';
  // A backslash at the end of the build continues nothing under a backtick escape. (These
  // features give way, never the others: a seed keeps every choice it made before they existed.)
  if (s.dfDirective === 'escape-builder' && s.trailingBackslash) s.dfDirective = 'none';
  // The second artifact is copied out of a container with `docker cp`.
  if (!['create-cp', 'id-var', 'inline-create', 'run-name', 'detached-idle'].includes(s.extraction)) s.dfExtra = 'none';
  if (s.dfCopyFlag === 'chown-arg' && s.runtimeChown) s.dfCopyFlag = 'none';
  if (s.extraction !== 'cmd-cat') s.dfBuilderEntry = 'none';
  // The allowlist replaces the ignore file; a stock build mounts the whole folder.
  if (s.ignoreFile !== 'none' || stock) s.dfIgnore = 'none';
  // A stock build has no builder file to share a name with. The build stage is already named
  // `build` (builder-named); a later stage after a RUN continued into a comment would continue it.
  if (stock) s.dfSharedStage = 'none';
  if (s.dfSharedStage === 'target' && (s.dfStages === 'builder-named' || s.trailingBackslash)) s.dfSharedStage = 'none';
}

/** True when `k` is one of the Dockerfile features. */
export const isDockerfileFeature = (k: Feature): boolean => k in DOCKERFILE_FEATURES;

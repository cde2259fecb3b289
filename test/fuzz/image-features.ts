/**
 * How the pattern's docker commands are run and what else the pipeline does with its images
 * (./grammar.ts): every docker command of the pattern under a wrapper (`sudo`, `sudo -E`,
 * `nice -n 5`, `timeout 600`, `command`; `env DOCKER_BUILDKIT=0` on its builds), another build
 * of the runtime Dockerfile (a `:dev` image with the runtime build's flags and context, in the
 * build or in a script run later: must migrate, both images compared; or with a `--build-arg`
 * the builder declares, or from another context: must refuse RUNTIME_REBUILT), and a use of an
 * image by its tag or id (`docker tag` of the builder image, `docker save` or `docker image
 * inspect` of the runtime image, the runtime build's `--iidfile` read by a `docker tag`).
 * Drawn from streams of their own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import type { PipelineEntry, RepoFile } from './render.js';
import { outArgFlag } from './out-arg-features.js';

export const IMAGE_FEATURES = {
  /** What runs each docker command of the pattern (the trials run as root: ./bin/sudo stands in for sudo where there is none). */
  engineWrapper: ['none', 'sudo', 'sudo-E', 'nice', 'env', 'timeout', 'command'],
  /** Another build of the runtime Dockerfile, tagged APP:dev: alike (in the build, or in `dev-image.sh` run later), with a `--build-arg` the builder declares, or from another context. */
  runtimeRebuild: ['none', 'same', 'later', 'build-arg', 'context'],
  /** An image used by its tag or id: `docker tag` of the builder, `docker save` / `docker image inspect` of the runtime image, the runtime build's `--iidfile` tagged again. */
  imageUse: ['none', 'tag-builder', 'save-runtime', 'inspect-runtime', 'iidfile'],
} as const;

/** The image features as the rest of the spec allows (a spec stored before they existed reads them as `none`). */
export function normalizeImages(s: RepoSpec): void {
  for (const k of Object.keys(IMAGE_FEATURES) as (keyof typeof IMAGE_FEATURES)[]) if (s[k] === undefined) (s as Record<string, unknown>)[k] = 'none';
  // a script run after the pipeline: only where a script runs the pipeline (a CI job or JS script is one entry here)
  if (s.runtimeRebuild === 'later' && s.runner !== 'script') s.runtimeRebuild = 'same';
  // a rebuild run after the pipeline copies the program from the host: a release step must not have moved it away (fuzz seed 7991)
  if (s.runtimeRebuild === 'later' && s.releaseStep === 'move') s.releaseStep = 'install';
  // a --build-arg the builder declares (BUILD_MODE, with argAfterFrom; a stock toolchain image has no builder file to declare it)
  if (s.runtimeRebuild === 'build-arg' && !s.argAfterFrom) s.runtimeRebuild = 'context';
  // a stock toolchain image has no builder tag
  if (s.imageUse === 'tag-builder' && s.extraction === 'stock-build') s.imageUse = 'inspect-runtime';
}

/** The wrapper's words before `docker` (env: on builds only), or ''. */
function wrapperOf(s: RepoSpec, build: boolean): string {
  switch (s.engineWrapper) {
    case 'sudo':
      return 'sudo ';
    case 'sudo-E':
      return 'sudo -E ';
    case 'nice':
      return 'nice -n 5 ';
    case 'env':
      return build ? 'env DOCKER_BUILDKIT=0 ' : '';
    case 'timeout':
      return 'timeout 600 ';
    case 'command':
      return 'command ';
    default:
      return '';
  }
}

/** Docker commands as the pattern writes them: at a line's start, after `$(`, `| `, `&& `, `then `, `{ `… (not inside a trap's quotes). */
const DOCKER = /(^|\$\(|[|&;{] ?|\bthen |\belse )docker (?=(build|create|cp|rm|rmi|run|inspect|container|tag|save|image)\b)/g;

/** `line` with each docker command of it under the drawn wrapper. */
export function wrapEngine(s: RepoSpec, line: string): string {
  if (s.engineWrapper === 'none') return line;
  return line.replace(DOCKER, (_m, lead: string, verb: string) => `${lead}${wrapperOf(s, verb === 'build')}docker `);
}

/**
 * The builder build's build argument (./render.ts), which a build alike must carry too: merged,
 * that build also builds the builder stage, and without it, another one (RUNTIME_REBUILT). The
 * runtime Dockerfile does not read it: the old pipeline builds the same image with it.
 */
const builderArgs = (s: RepoSpec) => `${s.buildArg ? '--build-arg BUILD_MODE=debug ' : ''}${outArgFlag(s)}`;

/** The tag of the other build of the runtime Dockerfile. */
export const devTag = (s: RepoSpec) => `${s.app}:dev`;

/**
 * The lines after the runtime build for runtimeRebuild (in the build's own commands): `top` the
 * artifact's top path on the host (quoted as the shell needs it), `extra` a second artifact's.
 */
export function rebuildLines(s: RepoSpec, top: string, extra: string | null): string[] {
  switch (s.runtimeRebuild) {
    case 'same':
      return [`docker build ${builderArgs(s)}-t ${devTag(s)} .`];
    case 'build-arg':
      return [`docker build --build-arg BUILD_MODE=trace -t ${devTag(s)} .`];
    case 'context':
      // a context holding only what the runtime COPY reads: the merged builder stage finds no sources there
      return [`rm -rf ctx && mkdir ctx && cp -r ${[top, ...(extra ? [extra] : [])].join(' ')} ctx/`, `docker build -t ${devTag(s)} -f Dockerfile ctx`, 'rm -rf ctx'];
    default:
      return [];
  }
}

/** The script run after the pipeline for runtimeRebuild `later`, if drawn. */
export function rebuildFiles(s: RepoSpec): RepoFile[] {
  if (s.runtimeRebuild !== 'later') return [];
  return [{ path: 'dev-image.sh', content: `#!/bin/sh\nset -e\n# The development image: the runtime image under another tag.\ndocker build ${builderArgs(s)}-t ${devTag(s)} .\n`, mode: 0o755 }];
}

export function rebuildEntries(s: RepoSpec): PipelineEntry[] {
  return s.runtimeRebuild === 'later' ? [{ kind: 'script', script: 'dev-image.sh' }] : [];
}

/** True when something after the pipeline rebuilds the runtime image from the artifact left on the host. */
export const rebuildKeepsArtifact = (s: RepoSpec) => s.runtimeRebuild === 'later';

/** The code the tool must refuse with (the old pipeline runs; a migration would build another image than its own, which the final images may not show). */
export function rebuildRefusal(s: RepoSpec): string | null {
  return s.runtimeRebuild === 'build-arg' || s.runtimeRebuild === 'context' ? 'RUNTIME_REBUILT' : null;
}

/** Flags the runtime build gets for imageUse (`--iidfile`), each ending in a space. */
export function runtimeBuildFlags(s: RepoSpec): string {
  return s.imageUse === 'iidfile' ? `--iidfile ${s.app}.iid ` : '';
}

/** The line after the builder build for imageUse `tag-builder`. */
export function afterBuilderLines(s: RepoSpec, builderTag: string): string[] {
  return s.imageUse === 'tag-builder' ? [`docker tag ${builderTag} ${s.app}:build-cache`] : [];
}

/** The lines after the runtime build for imageUse (`image` the runtime tag as the commands name it, `dollar` how a `$` is written). */
export function afterRuntimeLines(s: RepoSpec, image: string, dollar: string): string[] {
  const a = s.app;
  switch (s.imageUse) {
    case 'save-runtime':
      return [`docker save -o ${a}-image.tar ${image}`];
    case 'inspect-runtime':
      return [`docker image inspect --format '{{json .Config.Cmd}}' ${image} > ${a}.cmd`];
    case 'iidfile':
      return [`docker tag "${dollar}(cat ${a}.iid)" ${a}:release`];
    default:
      return [];
  }
}

/** Tags the image features add to the final images the trial compares (the builder's other tag: a migration that keeps the builder image must keep it alike). */
export function imageFinalTags(s: RepoSpec): string[] {
  const use = s.imageUse === 'iidfile' ? [`${s.app}:release`] : s.imageUse === 'tag-builder' ? [`${s.app}:build-cache`] : [];
  return [...(s.runtimeRebuild !== 'none' ? [devTag(s)] : []), ...use];
}

/** Host files the image features leave that hold an image's id or bytes (times inside: never the same twice). */
export function imageScratch(s: RepoSpec): string[] {
  if (s.imageUse === 'save-runtime') return [`${s.app}-image.tar`];
  if (s.imageUse === 'iidfile') return [`${s.app}.iid`];
  return [];
}

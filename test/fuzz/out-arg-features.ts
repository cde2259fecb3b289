/**
 * The builder's output folder as a build argument (./grammar.ts): `ARG OUT_DIR=/out` in the
 * builder, its build lines writing `${OUT_DIR}`, and the builder build given
 * `--build-arg OUT_DIR=/opt/out`: the artifact is in /opt/out, where the extraction reads it, not in
 * the folder the ARG's default names. A merged build must give the builder stage the same
 * value, or copy from the folder the default names (the file is not there). With
 * `runtime-declares` the runtime Dockerfile declares an `OUT_DIR` of its own and writes its
 * value into the image: the value given to one merged build would reach both stages (a
 * migration that passes it changes the runtime image; one that leaves it out copies from an
 * empty folder), so the tool must make it the default of the builder stage's ARG
 * (src/plan/baked-args.ts) or refuse. Drawn from a stream of its own, after every other feature:
 * `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const OUT_ARG_FEATURES = {
  outArg: ['none', 'override', 'runtime-declares'],
} as const;

/** The folder the ARG's default names, where the builder writes without the build argument. */
const DEFAULT_OUT = '/out';
/** The folder the build argument names (named `out` too: `docker cp c:/opt/out .` lands where `c:/out` did). */
export const GIVEN_OUT = '/opt/out';

/** The build argument as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeOutArg(s: RepoSpec): void {
  if (s.outArg === undefined) s.outArg = 'none';
  // the output folder is named in the builder's RUN lines: a run-time build or a stock image names it on the command line
  if (s.extraction === 'run-name' || s.extraction === 'mount-build' || s.extraction === 'stock-build') s.outArg = 'none';
  // an `ENV OUT_DIR` of the builder's own would win over the argument (this feature gives way: a seed keeps its earlier draws)
  if (s.dfPaths === 'builder-env') s.outArg = 'none';
}

const overridden = (s: RepoSpec) => s.outArg !== undefined && s.outArg !== 'none';

/** The folder in the built builder image that holds the artifact: the build argument's, or the default. */
export const outRoot = (s: RepoSpec): string => (overridden(s) ? GIVEN_OUT : DEFAULT_OUT);

/** A container path under outRoot as the builder's Dockerfile writes it (under the ARG's default, which its RUN lines read through `${OUT_DIR}`). */
export const inBuilderFile = (s: RepoSpec, p: string): string => (overridden(s) && (p === GIVEN_OUT || p.startsWith(`${GIVEN_OUT}/`)) ? DEFAULT_OUT + p.slice(GIVEN_OUT.length) : p);

/** True when the builder declares `ARG OUT_DIR` (this feature, or ./dockerfile-features.ts dfPaths `builder-arg`). */
export const builderDeclaresOutDir = (s: RepoSpec): boolean => overridden(s) || s.dfPaths === 'builder-arg';

/** The builder build's flag, ending in a space, or ''. */
export const outArgFlag = (s: RepoSpec): string => (overridden(s) ? `--build-arg OUT_DIR=${GIVEN_OUT} ` : '');

/** The runtime's own OUT_DIR, declared and written into its image, before the artifact's COPY. */
export function runtimeOutDirLines(s: RepoSpec): string[] {
  return s.outArg === 'runtime-declares' ? [`ARG OUT_DIR=/var/lib/${s.app}`, `RUN echo "out=\${OUT_DIR}" > /etc/${s.app}.out`] : [];
}

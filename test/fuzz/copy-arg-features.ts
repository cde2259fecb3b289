/**
 * A runtime COPY source written through a build argument (./grammar.ts): the artifact's own
 * COPY reads `${APP_SRC}`, whose default names it (`default`) or names NOTICE while the runtime
 * build passes `--build-arg APP_SRC=<artifact>` (`given`); or, beside the artifact's literal
 * COPY, a second line `COPY ${EXTRA_FILE} /usr/share/doc/APP/` copies NOTICE by default while the
 * build passes the program (`second-given`), or the other way round (`second-other`: the
 * default names the program, the build passes NOTICE, and a later build of the runtime
 * Dockerfile without the argument reads the program by the default). Merged, the context no
 * longer holds the artifact: a line that still reads it there fails. Drawn from a stream of its
 * own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const COPY_ARG_FEATURES = {
  copyArg: ['none', 'default', 'given', 'second-given', 'second-other'],
} as const;

/** The build argument as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeCopyArg(s: RepoSpec): void {
  if (s.copyArg === undefined) s.copyArg = 'none';
  // a name with a space would need quoting inside the build argument's word (and a JS argument list split)
  if (s.spaceName) s.copyArg = 'none';
  // the artifact's own line through the argument: a file copied by its own name (a folder's `${APP_SRC}/` would read NOTICE/ by default)
  if ((s.copyArg === 'default' || s.copyArg === 'given') && (s.artifact !== 'file' || s.dest === 'holder-dir')) s.copyArg = 'second-given';
  // a rebuild from a context holding only the artifact (runtimeRebuild `context`) has no NOTICE for a line that reads it by default: the old pipeline would fail
  if (s.runtimeRebuild === 'context' && s.copyArg !== 'default') s.copyArg = 'none';
}

const on = (s: RepoSpec) => s.copyArg !== undefined && s.copyArg !== 'none';

/** The artifact's COPY source (`hostPath` as the runtime line writes it): through the argument, or as written. */
export const artifactSource = (s: RepoSpec, hostPath: string): string => (s.copyArg === 'default' || s.copyArg === 'given' ? '${APP_SRC}' : hostPath);

/** Runtime lines before the artifact's COPY (the argument it reads). */
export function beforeArtifactCopy(s: RepoSpec, hostPath: string): string[] {
  if (s.copyArg === 'default') return [`ARG APP_SRC=${hostPath}`];
  if (s.copyArg === 'given') return ['ARG APP_SRC=NOTICE'];
  return [];
}

/** Runtime lines after the artifact's COPY: the second line through its argument (`program`: the program's host path). */
export function afterArtifactCopy(s: RepoSpec, program: string): string[] {
  if (s.copyArg === 'second-given') return ['ARG EXTRA_FILE=NOTICE', `COPY \${EXTRA_FILE} /usr/share/doc/${s.app}/`];
  if (s.copyArg === 'second-other') return [`ARG EXTRA_FILE=${program}`, `COPY \${EXTRA_FILE} /usr/share/doc/${s.app}/`];
  return [];
}

/** The runtime build's flag, ending in a space, or ''. */
export function copyArgFlag(s: RepoSpec, hostPath: string, program: string): string {
  switch (s.copyArg) {
    case 'given':
      return `--build-arg APP_SRC=${hostPath} `;
    case 'second-given':
      return `--build-arg EXTRA_FILE=${program} `;
    case 'second-other':
      return '--build-arg EXTRA_FILE=NOTICE ';
    default:
      return '';
  }
}

/** True when an allowlist .dockerignore must let NOTICE through (a line reads it by default or by the argument). */
export const readsNotice = (s: RepoSpec): boolean => on(s) && s.copyArg !== 'default';

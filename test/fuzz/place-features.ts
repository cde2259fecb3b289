/**
 * The extracted file copied into place on the host (./grammar.ts), the runtime build copying the
 * copy: `mkdir -p bin`, then `cp APP bin/APP` (also `cp -p`, `cp -a`, or `cp APP bin/` into the
 * folder), `install APP bin/APP` (mode 0755) or `install -m 0750 APP bin/APP`, and the runtime
 * Dockerfile's COPY reads `bin/APP`. The tool folds an exact copy into the extraction
 * (src/analyze/copied-artifacts.ts): the runtime COPY then reads the builder stage, with the mode
 * the copy gave the file. The extracted file itself is a by-product once placed. Drawn from a
 * stream of its own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const PLACE_FEATURES = {
  hostPlace: ['none', 'cp', 'cp-p', 'cp-a', 'cp-into', 'install', 'install-mode'],
} as const;

/** Extractions that land one file at a path of the script's choosing (a `docker cp`, or a stream into a file). */
const FILE_EXTRACTIONS = new Set(['create-cp', 'run-name', 'detached-idle', 'id-var', 'inline-create', 'cat-redirect', 'cmd-cat']);

/** The copy as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizePlace(s: RepoSpec): void {
  if (s.hostPlace === undefined) s.hostPlace = 'none';
  // one file landed at the root (`./app`, `./app-linux`), not Make's `$@` (the file target is the extracted one)
  if (!FILE_EXTRACTIONS.has(s.extraction) || s.artifact !== 'file' || !(s.dest === 'same' || s.dest === 'rename') || s.makeAuto) s.hostPlace = 'none';
}

export const placed = (s: RepoSpec): boolean => s.hostPlace !== undefined && s.hostPlace !== 'none';

/** The folder the copy goes into. */
export const PLACE_DIR = 'bin';

/** Where the copy of `landed` (the extracted file's host path) lands, which the runtime build reads: `bin/APP`, or its own name in bin/. */
export const placedPath = (s: RepoSpec, landed: string): string => `${PLACE_DIR}/${s.hostPlace === 'cp-into' ? landed : s.app}`;

/** The lines that copy `landed` into place (`quote` writes a path as a shell word), first after the extraction. */
export function placeLines(s: RepoSpec, landed: string, quote: (p: string) => string): string[] {
  const from = quote(landed);
  const to = quote(placedPath(s, landed));
  switch (s.hostPlace) {
    case 'cp':
      return [`mkdir -p ${PLACE_DIR}`, `cp ${from} ${to}`];
    case 'cp-p':
      return [`mkdir -p ${PLACE_DIR}`, `cp -p ${from} ${to}`];
    case 'cp-a':
      return [`mkdir -p ${PLACE_DIR}`, `cp -a ${from} ${to}`];
    case 'cp-into':
      return [`mkdir -p ${PLACE_DIR}`, `cp ${from} ${PLACE_DIR}/`];
    case 'install':
      return [`mkdir -p ${PLACE_DIR}`, `install ${from} ${to}`];
    case 'install-mode':
      return [`mkdir -p ${PLACE_DIR}`, `install -m 0750 ${from} ${to}`];
    default:
      return [];
  }
}

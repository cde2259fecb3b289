/**
 * A shell script that runs the Makefile's or package.json's image target (./grammar.ts): from
 * the root (`ci.sh`: `make image`, `npm run image`), or from a folder of its own (`ci/image.sh`:
 * `make -C .. image`, `cd .. && npm run image`). The pipeline is then that script: the migration
 * rewrites the Makefile or package.json and must leave the caller working. Drawn from a stream
 * of its own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import type { PipelineEntry, RepoFile } from './render.js';
import { makeOverrideWords } from './make-override-features.js';

export const CALLER_FEATURES = {
  toolCaller: ['none', 'root', 'subdir'],
} as const;

/** The caller as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeCallers(s: RepoSpec): void {
  if (s.toolCaller === undefined) s.toolCaller = 'none';
  if (s.runner !== 'script' || (s.driver !== 'make' && s.driver !== 'npm')) s.toolCaller = 'none';
}

/** The caller script and the entry that runs it, or null (the Makefile or package.json is run itself). */
export function toolCallerOf(s: RepoSpec): { file: RepoFile; entry: PipelineEntry } | null {
  if (s.toolCaller === undefined || s.toolCaller === 'none') return null;
  const root = s.toolCaller === 'root';
  // (a Makefile variable set on the command line: ./make-override-features.ts)
  const run = s.driver === 'make' ? `${root ? 'make image' : 'make -C .. image'}${makeOverrideWords(s)}` : root ? 'npm run --silent image' : 'cd .. && npm run --silent image';
  const script = root ? 'ci.sh' : 'ci/image.sh';
  return { file: { path: script, content: `#!/bin/sh\nset -e\n# Builds the ${s.app} image.\n${run}\n`, mode: 0o755 }, entry: { kind: 'script', script } };
}

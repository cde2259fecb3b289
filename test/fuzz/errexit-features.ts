/**
 * A sh or bash script without errexit (./grammar.ts `errexit`): the `set` line keeps its other
 * options (`set -u`, `set -uo pipefail`) or goes when `-e` was its only one. Every command then
 * runs whatever the one before it returned, so the old pipeline goes past a failing step where
 * the merged build would stop: the tool must still migrate what builds in the image (the builder
 * build and its copy succeed in both) and refuse a build the builder's container ran
 * (`BUILD_AT_RUN_TIME`) unless a guard (`|| exit 1`, an `&&` chain) stops the old script.
 * Drawn from a stream of its own, after every other feature: `on` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const ERREXIT_FEATURES = {
  errexit: ['on', 'off'],
} as const;

/** The draw as the rest of the spec allows (a spec stored before it existed reads it as `on`). */
export function normalizeErrexit(s: RepoSpec): void {
  if (s.errexit === undefined) s.errexit = 'on';
  // only a sh or bash script has a `set` line of its own (a Makefile recipe line, an npm script, a CI step or a JS call stop on their own terms)
  if (s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash')) s.errexit = 'on';
}

/** The script's `set` line (none when errexit was its only option and is off). */
export function setLine(s: RepoSpec): string[] {
  const opts = s.shellOpts === 'euo' ? 'euo pipefail' : s.shellOpts;
  if (s.errexit !== 'off') return [`set -${opts}`];
  const rest = opts.replace('e', '');
  return rest === '' ? [] : [`set -${rest}`];
}

/**
 * A Makefile whose variables the recipes also read as the shell's own (./render.ts): `exported`
 * writes each definition `export NAME := …` (or `?=`) and the builder's tag and the container's
 * name as `$${NAME}` in the recipe lines, which the shell then expands from the environment make
 * gives it (`$(IMAGE)` stays Make's). The old pipeline is the same; the tool must read the two
 * spellings as one value only where Make exports the variable (src/analyze/hosts/make-shell-names.ts).
 * Drawn from a stream of its own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const MAKE_SHELL_VAR_FEATURES = {
  makeShellVars: ['none', 'exported'],
} as const;

/** The draw as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeMakeShellVars(s: RepoSpec): void {
  if (s.makeShellVars === undefined) s.makeShellVars = 'none';
  // a Makefile run as the pipeline's script, with its names held in variables
  if (s.runner !== 'script' || s.driver !== 'make' || s.vars === 'none') s.makeShellVars = 'none';
}

/** The names a recipe reads as the shell's `$${NAME}` when exported (the final image's stays `$(IMAGE)`). */
export const SHELL_READ = new Set(['BUILDER', 'CONTAINER']);

/**
 * The pipeline of a sh or bash script inside a shell function (./grammar.ts): `build_APP() {
 * … }`, then called with the script's arguments, once, or twice in a row (a second run of the
 * whole pipeline, each command again: the migration rewrites the function's body, and both calls
 * must build what they built before). The variables, and the `clean` branch that exits early,
 * stay outside, at the top. Drawn from a stream of its own, after every other feature: `none`
 * writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const FUNCTION_FEATURES = {
  scriptFunction: ['none', 'once', 'twice'],
} as const;

/** The function as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeFunctions(s: RepoSpec): void {
  if (s.scriptFunction === undefined) s.scriptFunction = 'none';
  // only a sh or bash script has functions (a Makefile recipe, an npm script, a CI step or a JS call is a command line of its own)
  if (s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash')) s.scriptFunction = 'none';
  // a container removed by the EXIT trap lives until the script ends: a second call could not make it again under its name
  if (s.scriptFunction === 'twice' && s.trapCleanup) s.scriptFunction = 'once';
  // podman will not write an image archive over one that exists, where docker does (`docker save -o`: fuzz seed 170530)
  if (s.scriptFunction === 'twice' && s.imageUse === 'save-runtime') s.scriptFunction = 'once';
}

/** The function's name. */
export const functionName = (s: RepoSpec) => `build_${s.app}`;

/**
 * `lines` (the pipeline's commands) as the body of the function, then its calls; unchanged when
 * the draw is `none`. Only a command's first line is indented: a here-document's own lines and
 * its terminator stay where they were.
 */
export function inFunction(s: RepoSpec, lines: string[]): string[] {
  if (s.scriptFunction === undefined || s.scriptFunction === 'none') return lines;
  const name = functionName(s);
  const call = `${name} "$@"`;
  return [`${name}() {`, ...lines.map((l) => `  ${l}`), '}', '', ...(s.scriptFunction === 'twice' ? [call, call] : [call])];
}

/**
 * A Makefile variable set on make's command line by the shell script that runs the image target
 * (./caller-features.ts): `make image IMAGE=APP:ci` (the final tag) or `make image
 * BUILDER=APP:ci-build` (the builder's tag), over the Makefile's own `IMAGE := …` / `IMAGE ?= …`.
 * The migration rewrites the Makefile and must leave that run building what it built: the
 * final image under the tag the caller gives it. Drawn from a stream of its own, after every
 * other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const MAKE_OVERRIDE_FEATURES = {
  makeOverride: ['none', 'image', 'builder'],
} as const;

/** The override as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeMakeOverride(s: RepoSpec): void {
  if (s.makeOverride === undefined) s.makeOverride = 'none';
  // a shell script running a Makefile whose names are held in variables
  if (s.runner !== 'script' || s.driver !== 'make' || s.toolCaller === 'none' || s.vars === 'none') s.makeOverride = 'none';
  // what reads the builder by its tag outside that make run (a check script, a Dockerfile FROM it, a `make clean`) names the Makefile's own; a stock image has none
  if (s.makeOverride === 'builder' && (s.tagUse !== 'none' || s.builderRmi === 'elsewhere' || s.extraction === 'stock-build')) s.makeOverride = 'image';
}

/** The words the caller adds to its make run, each after a space, or ''. */
export function makeOverrideWords(s: RepoSpec): string {
  if (s.makeOverride === 'image') return ` IMAGE=${s.app}:ci`;
  if (s.makeOverride === 'builder') return ` BUILDER=${s.app}:ci-build`;
  return '';
}

/** The tag the pipeline's final build gives its image. */
export const finalImageTag = (s: RepoSpec): string => (s.makeOverride === 'image' ? `${s.app}:ci` : `${s.app}:latest`);

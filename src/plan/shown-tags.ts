/**
 * The tags a build gives its image, as the report and its notes show them. A tag holding text
 * the script's reader does not model (a Makefile's `$(call tag,app)`, read in the recipe's
 * shell as `${__make_expansion_0}`) is matched by that stand-in inside the tool, but a user
 * must see what the file writes.
 */
import type { BuildStep } from '../model/setup.js';
import { flagValues } from '../model/docker-command.js';
import { holdsMakeExpansion } from '../model/make-expansion.js';

export function shownTags(step: BuildStep): string[] {
  const words = flagValues(step.inv, '--tag');
  // step.tags is read from these words one for one (analyze/link.ts buildStep); a step made another way keeps its own.
  if (words.length !== step.tags.length) return step.tags;
  return step.tags.map((tag, i) => (holdsMakeExpansion(words[i]!) ? words[i]!.raw : tag));
}

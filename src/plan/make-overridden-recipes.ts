/**
 * MAKE_RECIPE_OVERRIDDEN: a setup with a step in a recipe of a target that several rules give a
 * recipe (src/analyze/hosts/make-overridden.ts). Make runs only the last one: steps in an
 * earlier recipe never ran in the old pipeline (which failed or left a stale file), and the
 * migration would make them run; the tool reads every recipe of the target as running, so the
 * last one's setup is not read as make runs it either.
 */
import { partHolding, type MakeScript } from '../analyze/embedded.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { ScriptFile } from '../model/script.js';
import { setupCommands, type Setup } from '../model/setup.js';

export function makeOverridden(setup: Setup, scripts: ReadonlyMap<string, ScriptFile>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const cmd of setupCommands(setup)) {
    const script = scripts.get(cmd.file) as Partial<MakeScript> | undefined;
    if (script?.kind !== 'make' || !script.overriddenRecipes) continue;
    const scope = partHolding(script as MakeScript, cmd)?.part.snippet.scope;
    const hit = scope === undefined ? undefined : script.overriddenRecipes.find((o) => o.rules.some((r) => r.scope === scope));
    if (!hit || out.some((d) => d.file === cmd.file && d.message.includes(`\`${hit.target}\``))) continue;
    const last = hit.rules[hit.rules.length - 1]!;
    const lines = hit.rules.map((r) => r.line).join(', ');
    const ran = last.scope === scope ? `this recipe (line ${last.line}) is the one that runs, but the tool reads the others as running too` : `the recipe holding this step (line ${hit.rules.find((r) => r.scope === scope)!.line}) never runs: make runs the one at line ${last.line}`;
    out.push(
      diag('MAKE_RECIPE_OVERRIDDEN', 'error', `\`${hit.target}\` gets a recipe from several rules of ${cmd.file} (lines ${lines}); make runs only the last ("overriding recipe for target '${hit.target}'"), so ${ran}`, {
        file: cmd.file,
        line: cmd.line,
        setup: setup.id,
        hint: `Keep one recipe for \`${hit.target}\` (merge the others into it, or give them targets of their own), then run the tool again.`,
      }),
    );
  }
  return out;
}

/**
 * Messages as a user reads them: the names a reading stands in for text of a file it does not
 * model (`${__ci_expression_0}`, `${__azp_tag}`, `${__js_expression_0}`, `${__make_expansion_0}`,
 * `${__ps_expression_…}`: ../model/placeholders.ts) are shown as that file writes the text
 * (`${{ github.workspace }}`, `$(tag)`), wherever a message got them from: a word, a command, a
 * path or value read from one.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { showPlaceholders } from '../model/placeholders.js';
import type { ScriptFile } from '../model/script.js';
import type { Plan } from './index.js';

/** Each script's placeholders, by its path (taken before the plan lets scripts go). */
export type PlaceholderTexts = ReadonlyMap<string, Readonly<Record<string, string>>>;

export function placeholderTexts(scripts: Iterable<ScriptFile>): PlaceholderTexts {
  const out = new Map<string, Readonly<Record<string, string>>>();
  for (const s of scripts) if (s.placeholders) out.set(s.file, s.placeholders);
  return out;
}

/** The plan's messages, hints and notes, and its setups' tags and artifact paths, with their placeholders shown as written. */
export function showPlanPlaceholders(plan: Plan, texts: PlaceholderTexts): void {
  if (texts.size === 0) return;
  // A name of another file, where only one file's reading gives it one text.
  const anywhere = new Map<string, string | null>();
  for (const table of texts.values()) {
    for (const [name, text] of Object.entries(table)) anywhere.set(name, text === '' || (anywhere.has(name) && anywhere.get(name) !== text) ? null : text);
  }
  const written = (files: readonly (string | undefined)[]) => (name: string): string | undefined => {
    for (const f of files) {
      const t = f === undefined ? undefined : texts.get(f)?.[name];
      // ('' : the file's name stands for several texts, and another file's says nothing of it)
      if (t !== undefined) return t === '' ? undefined : t;
    }
    return anywhere.get(name) ?? undefined;
  };
  const fix = (d: Diagnostic, script?: string): void => {
    const w = written([d.file, script]);
    d.message = showPlaceholders(d.message, w);
    if (d.hint !== undefined) d.hint = showPlaceholders(d.hint, w);
  };
  for (const d of plan.diagnostics) fix(d);
  for (const s of plan.setups) {
    for (const d of s.diagnostics) fix(d, s.script);
    const w = written([s.script]);
    s.notes = s.notes.map((n) => showPlaceholders(n, w));
    // (the JSON report's paths and tags too)
    s.finalTags = s.finalTags.map((t) => showPlaceholders(t, w));
    for (const a of s.artifacts) a.hostPath = showPlaceholders(a.hostPath, w);
  }
}

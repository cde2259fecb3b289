/**
 * `echo Building app:build` right before the builder build, `echo "Extracting the binary"`
 * right before the copy: lines that only announced a step that goes would describe something
 * that no longer happens. Such an echo goes with the step, as a comment paragraph does. Only
 * an `echo`/`printf` that immediately precedes a removed command, runs under the same
 * conditions, names the removed build's tag (and no tag that is still built), or describes the
 * extraction (names its container, or says extract/copy) right before an extraction step. A
 * name counts as a word of its own (`echo next` does not name the container `x`), and an echo
 * holding a Make expansion the reader does not model (`echo $(call tag,x)`) is no plain echo:
 * Make expands it first, which may run commands.
 */
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { holdsMakeExpansion } from '../model/make-expansion.js';

const EXTRACTING = /\b(extract|extracting|extracted|copy|copying|copied)\b/i;

/** Echo commands that only announced one of the removed commands. */
export function announcements(setup: Setup, script: ScriptFile, removed: readonly number[]): ScriptCommand[] {
  const gone = new Set(removed);
  const builderTags = words(flagValues(setup.builder.inv, '--tag'));
  const keptTags = setup.runtime ? words(flagValues(setup.runtime.inv, '--tag')) : [];
  const containers = setup.extraction.flatMap((c) => {
    const inv = dockerInvocation(c);
    return inv && (inv.verb === 'create' || inv.verb === 'run') ? words(flagValues(inv, '--name')) : [];
  });
  const extraction = new Set(setup.extraction.map((c) => c.index));
  const out: ScriptCommand[] = [];
  for (const r of [...gone].sort((a, b) => a - b)) {
    const next = script.commands[r];
    const echo = script.commands[r - 1];
    if (!next || !echo || gone.has(echo.index) || out.includes(echo) || !isPlainEcho(echo, script)) continue;
    if (echo.conditional !== next.conditional || echo.loop !== next.loop || echo.iteration?.label !== next.iteration?.label) continue;
    const text = echo.words.slice(1).map((w) => w.value ?? w.symbol).join(' ');
    if (keptTags.some((t) => names(text, t))) continue;
    const namesBuild = builderTags.some((t) => names(text, t));
    const describesExtraction = extraction.has(r) && (EXTRACTING.test(text) || containers.some((n) => n !== '' && names(text, n)));
    if (namesBuild || describesExtraction) out.push(echo);
  }
  return out;
}

/** Whether `text` holds `name` as a name of its own: not inside a longer one (`next` does not hold `x`). */
const names = (text: string, name: string): boolean => {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    // (a full stop after it ends a sentence: `echo Built app:build.`)
    const after = text.slice(at + name.length, at + name.length + 2);
    if (!/[\w.-]/.test(text[at - 1] ?? '') && !/^([\w-]|\.[\w-])/.test(after)) return true;
  }
  return false;
};

const words = (ws: { value: string | null; symbol: string }[]) => ws.map((w) => w.value ?? w.symbol).filter((t) => t !== '');

/** `echo …` / `printf …` to the terminal or stderr, with no command substitution in it. */
function isPlainEcho(c: ScriptCommand, script: ScriptFile): boolean {
  const prog = c.words[0]?.value;
  if (prog !== 'echo' && prog !== 'printf') return false;
  if (c.words.some(holdsMakeExpansion)) return false;
  if (!c.redirects.every((r) => r.op === '>&' && r.target.value === '2')) return false;
  // A `$(…)` in its words runs commands of its own (read as commands inside its range).
  return !script.commands.some((o) => o !== c && o.start >= c.start && o.end <= c.end);
}

/**
 * `echo Building app:build` right before the builder build, `echo "Extracting the binary"`
 * right before the copy: lines that only announced a step that goes would describe something
 * that no longer happens. Such an echo goes with the step, as a comment paragraph does. Only
 * an `echo`/`printf` that immediately precedes a removed command, runs under the same
 * conditions, names the removed build's tag (and no tag that is still built), or describes the
 * extraction (names its container, or says extract/copy) right before an extraction step.
 */
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

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
    if (keptTags.some((t) => text.includes(t))) continue;
    const namesBuild = builderTags.some((t) => text.includes(t));
    const describesExtraction = extraction.has(r) && (EXTRACTING.test(text) || containers.some((n) => n !== '' && text.includes(n)));
    if (namesBuild || describesExtraction) out.push(echo);
  }
  return out;
}

const words = (ws: { value: string | null; symbol: string }[]) => ws.map((w) => w.value ?? w.symbol).filter((t) => t !== '');

/** `echo …` / `printf …` to the terminal or stderr, with no command substitution in it. */
function isPlainEcho(c: ScriptCommand, script: ScriptFile): boolean {
  const prog = c.words[0]?.value;
  if (prog !== 'echo' && prog !== 'printf') return false;
  if (!c.redirects.every((r) => r.op === '>&' && r.target.value === '2')) return false;
  // A `$(…)` in its words runs commands of its own (read as commands inside its range).
  return !script.commands.some((o) => o !== c && o.start >= c.start && o.end <= c.end);
}

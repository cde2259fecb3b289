/**
 * Writing side of embedded shell: removes commands snippet by snippet with the shell
 * adapter, maps the (pure deletion) edits back to file offsets, and removes a snippet
 * whole through its host (recipe line, CI step, npm script) when nothing is left of it.
 */
import type { EmbeddedScript, Part, SnippetHost, SpelledWord } from '../src/analyze/embedded.js';
import { fileOffset } from '../src/analyze/offset-runs.js';
import { parseShell } from '../src/analyze/shell.js';
import { fileKind } from '../src/kinds/registry.js';
import { applyEdits, type Edit } from '../src/model/edits.js';
import { removeListItems, type ListSpans } from '../src/model/list-items.js';
import type { ScriptAdapter } from '../src/model/script.js';
import { LineIndex } from '../src/model/text.js';
import { deleteLines } from './lines.js';
import { shellQuote } from '../src/model/shell-quote.js';
import { shellAdapter } from './shell.js';
import { addTo } from '../src/model/multimap.js';

/**
 * Whole lines removed from the host file go through the same line tidying as shell scripts
 * (no doubled blank lines where a block stood, no comment paragraph left without its code).
 */
function tidyLines(script: EmbeddedScript, edits: Edit[]): Edit[] {
  const { comment, braces } = fileKind(script.kind);
  if (!comment) return edits;
  const idx = new LineIndex(script.text);
  const lines = new Set<number>();
  const rest: Edit[] = [];
  // Removals inside one line (PowerShell statements sharing a line): a line they leave with
  // nothing but blanks and `;` goes whole, as if its statements had been alone on it.
  const inLine = new Map<number, Edit[]>();
  for (const e of edits) {
    const first = idx.lineOf(e.start);
    const last = idx.lineOf(Math.max(e.start, e.end - 1));
    if (e.text === '' && e.start === idx.lineStart(first) && e.end === idx.lineEndWithTerminator(last) && e.end > e.start) {
      for (let l = first; l <= last; l++) lines.add(l);
    } else if (e.text === '' && first === last) addTo(inLine, first, e);
    else rest.push(e);
  }
  for (const [line, es] of inLine) {
    const [ls, le] = [idx.lineStart(line), idx.lineEndWithTerminator(line)];
    const left = applyEdits(script.text.slice(ls, le), es.map((e) => ({ ...e, start: e.start - ls, end: e.end - ls })));
    if (/^[ \t;]*\r?\n?$/.test(left)) lines.add(line);
    else rest.push(...es);
  }
  return [...rest, ...deleteLines(script.text, lines, { comment, braces: braces === true })];
}

/** The part holding a global command index (parts are in file order and do not overlap). */
function partOf(script: EmbeddedScript, index: number): Part | undefined {
  const parts = script.parts;
  let lo = 0;
  let hi = parts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = parts[mid]!;
    if (index < p.first) hi = mid - 1;
    else if (index >= p.first + p.count) lo = mid + 1;
    else return p;
  }
  return undefined;
}

/**
 * Global command indices grouped by the part holding each, as indices local to it (in the
 * order given), parts in file order: a file with thousands of snippets (a monorepo's root
 * workflow) is not scanned once per index.
 */
function localsByPart(script: EmbeddedScript, indices: Iterable<number>): [Part, number[]][] {
  const by = new Map<Part, number[]>();
  for (const i of indices) {
    const p = partOf(script, i);
    if (!p) continue;
    const local = by.get(p);
    if (local) local.push(i - p.first);
    else by.set(p, [i - p.first]);
  }
  return [...by].sort((a, b) => a[0].first - b[0].first);
}

/** Whether words written in snippet `from` read the same in snippet `to` (Snippet.scope). */
function sameScope(from: Part | undefined, to: Part): boolean {
  return from === to || (from !== undefined && to.snippet.scope !== undefined && from.snippet.scope === to.snippet.scope);
}

function toHost(part: Part, edits: readonly Edit[], text: string): Edit[] {
  const map = (o: number) => fileOffset(part.snippet.toFile, Math.min(o, part.snippet.toFile.length - 1))!;
  return edits.map((e) => {
    const start = map(e.start);
    const end = map(e.end);
    if (e.text !== '') return { start, end, text: part.snippet.encode(e.text) };
    // A whole line of a snippet indented in the file (a YAML block scalar's line, a recipe line)
    // goes with its indentation: left behind, it would join the next line (`      ` + `- next item`
    // would put the next list item inside the block).
    let lineStart = start;
    while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
    const whole = (lineStart === 0 || text[lineStart - 1] === '\n') && end > start && text[end - 1] === '\n';
    return { start: whole ? lineStart : start, end, text: '' };
  });
}

/**
 * How shell text is written into the part's snippet: the host's encoder for it (a recipe line's,
 * a YAML scalar's, a Groovy string's quoting), why it cannot be (Snippet.shellText), or null when
 * the snippet is no shell text (an argv array, PowerShell: it writes words its own way).
 */
function shellEncoder(part: Part): ((shellText: string) => string) | { error: string } | null {
  const s = part.snippet;
  if (s.shellText !== undefined) return s.shellText === true ? s.encode : s.shellText;
  return s.insertWords || s.replaceCommand || s.replaceWord ? null : s.encode;
}

/** What removing the commands `indices` of an embedded file takes with it. */
export interface Emptied {
  /** The commands removed: those asked, and the calls of every snippet emptied (`npm run X`). */
  doomed: Set<number>;
  /** The snippets left with no command, which go whole through their host. */
  emptied: Set<Part>;
  /** Each part's removal, as the shell adapter writes it (offsets in the snippet's text). */
  removal: (part: Part, local: number[]) => Edit[] | { error: string };
}

/**
 * The snippets the removal of `indices` empties: a snippet emptied goes whole, and so do the
 * commands that call it (`npm run X` of a removed script): repeated until nothing more empties.
 */
export function emptiedParts(script: EmbeddedScript, indices: Iterable<number>): Emptied {
  const doomed = new Set(indices);
  const emptied = new Set<Part>();
  // Each part's removal, by the commands removed from it: the loop and the edits ask again.
  const removals = new Map<Part, { local: string; inner: Edit[] | { error: string } }>();
  const removal = (part: Part, local: number[]) => {
    const key = local.join(',');
    const known = removals.get(part);
    if (known?.local === key) return known.inner;
    const inner = shellAdapter.deleteCommands(part.script, local);
    removals.set(part, { local: key, inner });
    return inner;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [part, local] of localsByPart(script, doomed)) {
      if (emptied.has(part)) continue;
      const inner = removal(part, local);
      if ('error' in inner) continue;
      const rest = applyEdits(part.snippet.shell, inner);
      // Only a text of blanks, `;`, `:` and comments can read as no command: the reading
      // confirms it. A snippet removed whole leaves no text at all, which needs no reading.
      if (/[^\s;:]/.test(rest.replace(/#.*$/gm, ''))) continue;
      if (rest === '' || parseShell(script.file, rest).script?.commands.length === 0) {
        emptied.add(part);
        for (const c of part.snippet.callers ?? []) {
          if (!doomed.has(c)) {
            doomed.add(c);
            changed = true;
          }
        }
      }
    }
  }
  return { doomed, emptied, removal };
}

export const embeddedAdapter: ScriptAdapter<EmbeddedScript> = {
  kind: 'shell',
  quote: shellAdapter.quote,
  companions(script, indices) {
    return localsByPart(script, indices).flatMap(([part, local]) => shellAdapter.companions(part.script, local).map((i) => i + part.first));
  },
  deleteCommands(script, indices) {
    const { doomed, emptied, removal } = emptiedParts(script, indices);
    const edits: Edit[] = [];
    // A host item (a PowerShell CI step) whose snippets are all emptied goes whole.
    const hostsGone = new Set<NonNullable<Part['snippet']['host']>>();
    for (const part of emptied) {
      const host = part.snippet.host;
      if (host && [...emptied].filter((p) => p.snippet.host === host).length === host.size) hostsGone.add(host);
    }
    const withinGone = new Map<NonNullable<SnippetHost['within']>, number>();
    for (const host of hostsGone) {
      if (!host.remove) return { error: 'a step would be left empty, and it cannot be removed' };
      if ('error' in host.remove) return host.remove;
      edits.push(...host.remove);
      if (host.within) withinGone.set(host.within, (withinGone.get(host.within) ?? 0) + 1);
    }
    for (const [within, gone] of withinGone) if (gone === within.size) return { error: within.error, ...(within.hint ? { hint: within.hint } : {}) };
    // Emptied items of one list (package.json scripts) go together: see ../src/model/list-items.ts.
    // By where the list opens: the snippets' copies of it may be distinct objects (read in another thread).
    const listsGone = new Map<number, { list: ListSpans; items: number[] }>();
    for (const [part, local] of localsByPart(script, doomed)) {
      const inner = removal(part, local);
      if ('error' in inner) return { error: `${part.snippet.label}: ${inner.error}` };
      if (emptied.has(part)) {
        if (part.snippet.host && hostsGone.has(part.snippet.host)) continue;
        if (!part.snippet.remove) return { error: `${part.snippet.label} would be left empty, and it cannot be removed` };
        const item = part.snippet.listItem;
        if (item) {
          const gone = listsGone.get(item.list.open) ?? { list: item.list, items: [] };
          listsGone.set(item.list.open, { list: gone.list, items: [...gone.items, item.index] });
        }
        else edits.push(...part.snippet.remove);
        continue;
      }
      edits.push(...toHost(part, inner, script.text));
    }
    for (const { list, items } of listsGone.values()) edits.push(...removeListItems(list, items));
    return tidyLines(script, edits);
  },
  repairs(script, index) {
    const part = partOf(script, index);
    if (!part) return [];
    return toHost(part, part.script.continuationRepairs.get(index - part.first) ?? [], script.text);
  },
  replaceWord(script, index, word, value) {
    const part = partOf(script, index);
    if (part?.snippet.replaceWord) return part.snippet.replaceWord(script.commands[index]!, word, value);
    const encode = part ? shellEncoder(part) : null;
    if (encode === null) return { error: 'this command is an argument array; edit it by hand' };
    if (typeof encode !== 'function') return encode;
    const w = script.commands[index]!.words[word]!;
    return [{ start: w.start, end: w.end, text: encode(shellQuote(value)) }];
  },
  insertWords(script, index, after, words) {
    const part = partOf(script, index);
    const cmd = script.commands[index]!;
    if (part?.snippet.insertWords) return part.snippet.insertWords(cmd, after, words);
    // Shell-text hosts: the words as written in this file already use its syntax.
    const at = cmd.words[after]!.end;
    return [{ start: at, end: at, text: ` ${words.map((w) => w.raw).join(' ')}` }];
  },
  encode(script, index, shellText) {
    const part = partOf(script, index);
    return part ? part.snippet.encode(shellText) : shellText;
  },
  replaceCommand(script, index, words) {
    const part = partOf(script, index);
    const cmd = script.commands[index]!;
    if (!part) return { error: 'the command is in no snippet of the file' };
    const spelled: SpelledWord[] = [];
    // A snippet that writes whole commands its own way (an argv array) is no shell text.
    const encode = part.snippet.replaceCommand ? null : shellEncoder(part);
    if (encode !== null && typeof encode !== 'function') return encode;
    const env = words.filter((w) => 'env' in w);
    if (env.length > 0 && encode === null) {
      return { error: `${part.snippet.label} is not shell text, so ${env.map((w) => w.env).join(', ')} cannot be set for the command in it` };
    }
    for (const w of words) {
      if ('env' in w) spelled.push({ written: encode!(`${w.env}=${shellQuote(w.to)}`) });
      else if ('value' in w) spelled.push(w);
      // A word of the same snippet is already written in its syntax; one of another snippet
      // (another step, another call) is carried by its value, the one thing both agree on.
      else if (sameScope(partOf(script, w.from), part)) spelled.push({ written: script.text.slice(w.copy.start, w.copy.end) });
      else if (w.copy.value !== null) spelled.push({ value: w.copy.value });
      else return { error: `${script.text.slice(w.copy.start, w.copy.end)} is only known when ${partOf(script, w.from)?.snippet.label ?? 'its command'} runs, and cannot be written into ${part.snippet.label}` };
    }
    if (part.snippet.replaceCommand) return part.snippet.replaceCommand(cmd, spelled);
    if (encode === null) return { error: `${part.snippet.label} is not shell text; edit it by hand` };
    const text = spelled.map((w) => ('value' in w ? encode(shellQuote(w.value)) : w.written)).join(' ');
    return [{ start: cmd.start, end: cmd.end, text }];
  },
};

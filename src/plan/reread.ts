/**
 * Proof, first layer, for scripts: a rewritten script is read again with the same reader that
 * analysed it (tree-sitter-bash, the Makefile, package.json, CI YAML or JavaScript host), and
 * its commands must be exactly the old commands minus the ones the plan removed, in the same
 * order, with the commands the plan rewrote in place holding exactly the planned words. The
 * only addition allowed is the no-op `:` that keeps an emptied body valid. Anything else (a
 * parse error, a command swallowed by a deletion, a command that now runs in another folder or
 * outside its `if`) means the edit did not do what was planned, and the setups using the file
 * are refused before anything is offered.
 */
import { isExpanded } from '../analyze/compose.js';
import type { EmbeddedScript } from '../analyze/embedded.js';
import { readScript } from '../analyze/index.js';
import { firstReading } from '../analyze/first-reading.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { emptiedYamlKey } from './emptied-yaml-keys.js';

/**
 * A planned change of one command's words (an insert's `carries`: the commands of command
 * substitutions in the inserted words, `cat VERSION` of `--build-arg V="$(cat VERSION)"` carried
 * from the builder build, which now run with this command, and no longer where they stood when
 * the command holding them there is removed), by the command's index in the analysed script and
 * word indexes of the command as it was; a word is given by its symbol (its value when static).
 */
export type WordChange =
  | { index: number; kind: 'insert'; after: number; words: string[]; carries?: readonly number[] }
  | { index: number; kind: 'replace'; word: number; with: string }
  | { index: number; kind: 'remove'; word: number }
  | { index: number; kind: 'whole'; words: string[]; env?: Readonly<Record<string, string>>; absorbs?: readonly number[] };

export interface PlannedScript {
  /** The script as analysed (compose commands possibly expanded). */
  script: ScriptFile;
  after: string;
  /** Indexes (in `script`) of the commands the plan removes. */
  removed: readonly number[];
  rewrites: readonly WordChange[];
}

/** Null when the rewritten script reads back as planned, else why not. */
export function rereadScript(p: PlannedScript, fs: RepoFs): string | null {
  const { base, removed, rewrites } = asWritten(p);
  // A command replaced whole may take the place of the commands piped into it (`cat FILE | …`): they are gone too.
  for (const r of rewrites) if (r.kind === 'whole') for (const i of r.absorbs ?? []) removed.add(i);
  const start = base.startCwd !== undefined ? { cwd: base.startCwd } : undefined;
  const before = firstReading(base, start) ?? readScript(base.kind, base.file, base.text, fs, start);
  const after = readScript(base.kind, base.file, p.after, fs, start);
  // A problem the old text did not have (counted by code: one more unparsable snippet counts).
  const count = (ds: typeof before.diagnostics, code: string) => ds.filter((d) => d.code === code).length;
  const fresh = after.diagnostics.find((d) => count(after.diagnostics, d.code) > count(before.diagnostics, d.code));
  if (fresh) return `the rewritten file no longer reads cleanly: ${fresh.message}`;
  if (!after.script && after.diagnostics.length > 0) return `the rewritten file cannot be read: ${after.diagnostics[0]!.message}`;
  const oldCommands = before.script?.commands ?? [];
  if (oldCommands.length !== base.commands.length) return 'reading the file again does not give the commands it was planned from';
  const emptied = emptiedYamlKey(base.kind, base.text, p.after);
  if (emptied) return emptied;

  const expected: Shape[] = [];
  const expectedFrom: ScriptCommand[] = [];
  const within = (c: ScriptCommand, w: ScriptCommand) => w !== c && w.file === c.file && c.start >= w.start && c.end <= w.end;
  // Substitutions carried in inserted words: gone from a removed command, read again before the
  // command they were inserted into (or before its own substitutions in words after the insertion).
  const carriers = rewrites.flatMap((r) => (r.kind === 'insert' && r.carries?.length ? [{ target: oldCommands[r.index]!, after: r.after, carried: r.carries.map((i) => oldCommands[i]!) }] : []));
  const moved = new Set(carriers.flatMap((x) => x.carried.filter((c) => oldCommands.some((w) => removed.has(w.index) && within(c, w))).map((c) => c.index)));
  const pending = [...carriers];
  for (const c of oldCommands) {
    for (let k = 0; k < pending.length; k++) {
      const { target, after, carried } = pending[k]!;
      if (c !== target && !(within(c, target) && c.start >= (target.words[after]?.end ?? target.end))) continue;
      for (const m of carried) {
        expected.push({ ...shapeOf(m), cwd: target.cwd, conditional: target.conditional, loop: target.loop, iteration: target.iteration?.label ?? null });
        expectedFrom.push(m);
      }
      pending.splice(k--, 1);
    }
    if (removed.has(c.index) || moved.has(c.index)) continue;
    expected.push({ ...shapeOf(c), ...rewritten(c, rewrites.filter((r) => r.index === c.index)) });
    expectedFrom.push(c);
  }
  const gotCommands = after.script?.commands ?? [];
  const got = gotCommands.map(shapeOf);
  // A PowerShell status read names the command whose status it reads by its text: when the plan
  // rewrote that command in place (a builder build kept with `--target`), the read names the
  // rewritten text, and still reads the same command.
  const retexts: [string, string][] = [];
  let g = 0;
  for (const [k, planned] of expected.entries()) {
    const want = statusReadRetexted(planned, retexts);
    // The no-op `:` left in an emptied body is the one command an edit may add.
    while (g < got.length && isNoOp(got[g]!) && !sameShape(got[g]!, want)) g++;
    const have = got[g];
    if (have && sameShape(have, want)) {
      const [was, now] = [wordsText(expectedFrom[k]!), wordsText(gotCommands[g]!)];
      if (was !== now) retexts.push([was, now]);
    }
    if (!have) return `\`${want.words.join(' ')}\` (line ${want.line}) is missing from the rewritten file`;
    if (!sameShape(have, want)) {
      const words = have.words.join(' ') === want.words.join(' ') ? `, as planned from line ${want.line}, but` : ` where the plan expects \`${want.words.join(' ')}\` (line ${want.line}):`;
      return `line ${have.line} reads as \`${have.words.join(' ')}\`${words} ${difference(have, want)}`;
    }
    g++;
  }
  const extra = got.slice(g).find((c) => !isNoOp(c));
  if (extra) return `line ${extra.line} adds \`${extra.words.join(' ')}\`, which the plan did not write`;
  return null;
}

interface Shape {
  words: string[];
  /** Variables set for the command alone, `NAME=value` sorted. */
  env: string[];
  redirects: string[];
  cwd: string | null;
  conditional: boolean;
  loop: boolean;
  iteration: string | null;
  line: number;
}

function shapeOf(c: ScriptCommand): Shape {
  return {
    words: c.words.map((w) => w.symbol),
    env: envShape(c.env ?? []),
    redirects: c.redirects.map((r) => `${r.fd ?? ''}${r.op}${r.target.symbol}`),
    cwd: c.cwd,
    conditional: c.conditional,
    loop: c.loop,
    iteration: c.iteration?.label ?? null,
    line: c.line,
  };
}

function sameShape(a: Shape, b: Shape): boolean {
  return (
    a.cwd === b.cwd &&
    a.conditional === b.conditional &&
    a.loop === b.loop &&
    a.iteration === b.iteration &&
    a.words.length === b.words.length &&
    a.words.every((w, i) => w === b.words[i]) &&
    a.env.join('\0') === b.env.join('\0') &&
    a.redirects.join('\0') === b.redirects.join('\0')
  );
}

/** The first part in which a command read back differs from the planned one, both shown: the whole texts alone may look the same. */
function difference(have: Shape, want: Shape): string {
  for (let k = 0; k < Math.max(have.words.length, want.words.length); k++) {
    const [h, w] = [have.words[k], want.words[k]];
    if (h !== w) return `the first difference is word ${k + 1}, read as ${h === undefined ? 'missing' : `\`${h}\``} where the plan expects ${w === undefined ? 'no more words' : `\`${w}\``}`;
  }
  const list = (xs: string[], none: string) => (xs.length > 0 ? xs.map((x) => `\`${x.replace('\0', '(a value known at run time)')}\``).join(' ') : none);
  if (have.redirects.join('\0') !== want.redirects.join('\0')) return `its redirects are ${list(have.redirects, 'none')} where the plan expects ${list(want.redirects, 'none')}`;
  if (have.env.join('\0') !== want.env.join('\0')) return `the variables set for it are ${list(have.env, 'none')} where the plan expects ${list(want.env, 'none')}`;
  const folder = (cwd: string | null) => (cwd === null ? 'an unknown folder' : `folder "${cwd}"`);
  if (have.cwd !== want.cwd) return `it runs in ${folder(have.cwd)} where the plan expects ${folder(want.cwd)}`;
  if (have.conditional !== want.conditional) return `it runs ${have.conditional ? 'conditionally' : 'unconditionally'} where the plan expects it to run ${want.conditional ? 'conditionally' : 'unconditionally'}`;
  const loop = (s: Shape) => (s.loop ? `in a loop${s.iteration !== null ? ` (${s.iteration})` : ''}` : 'outside any loop');
  return `it runs ${loop(have)} where the plan expects it to run ${loop(want)}`;
}

/** A command's words as the shell text holding them has them (a PowerShell statement's redirects are not words). */
const wordsText = (c: ScriptCommand) => c.words.map((w) => w.raw).join(' ');

/** A `__ps_last_status 'TEXT'` stand-in (src/analyze/hosts/powershell.ts) whose TEXT holds a command the plan rewrote: TEXT as rewritten. */
function statusReadRetexted(want: Shape, retexts: readonly [string, string][]): Shape {
  if (want.words[0] !== '__ps_last_status' || want.words.length !== 2) return want;
  let text = want.words[1]!;
  for (const [was, now] of retexts) if (text.includes(was)) text = text.replace(was, now);
  return text === want.words[1] ? want : { ...want, words: [want.words[0], text] };
}

const isNoOp = (s: Shape) => s.words.length === 1 && s.words[0] === ':' && s.redirects.length === 0;

/**
 * The planned words of a command (its old words with the plan's changes, all by old word index)
 * and the variables set for it alone. A command replaced whole is written anew from its first
 * word to its last redirect: the old command's redirects (a `< steps.sh` that fed the builder
 * container) go with it, and the replacement has none.
 */
function rewritten(c: ScriptCommand, changes: readonly WordChange[]): { words: string[]; env: string[]; redirects?: string[] } {
  const whole = changes.find((x) => x.kind === 'whole');
  if (whole) return { words: [...whole.words], env: envShape(Object.entries(whole.env ?? {})), redirects: [] };
  const slots: (string | null)[] = c.words.map((w) => w.symbol);
  const inserted: string[][] = c.words.map(() => []);
  for (const x of changes) {
    if (x.kind === 'insert') inserted[x.after]?.push(...x.words);
    else if (x.kind === 'replace') slots[x.word] = x.with;
    else if (x.kind === 'remove') slots[x.word] = null;
  }
  return { words: slots.flatMap((s, i) => [...(s === null ? [] : [s]), ...inserted[i]!]), env: envShape(c.env ?? []) };
}

const envShape = (env: Iterable<[string, string | null]>) => [...env].map(([name, value]) => `${name}=${value ?? '\0'}`).sort();

/**
 * The plan works on the analysed script; the check reads the file as written. Compose commands
 * were read as what they stand for: one as written goes when everything it stood for goes. An
 * npm script emptied by the removal goes with the `npm run` calls to it.
 */
function asWritten(p: PlannedScript): { base: ScriptFile; removed: Set<number>; rewrites: WordChange[] } {
  const doomed = new Set(p.removed);
  let base = p.script;
  let removed = new Set(doomed);
  let rewrites = [...p.rewrites];
  if (isExpanded(p.script)) {
    const x = p.script.compose;
    base = x.base;
    removed = new Set(x.baseIndex.filter((b) => x.baseIndex.every((bb, k) => bb !== b || doomed.has(k))));
    rewrites = rewrites.filter((r) => x.origin[r.index] === null).map((r) => ({ ...r, index: x.baseIndex[r.index]!, ...(r.kind === 'whole' && r.absorbs ? { absorbs: r.absorbs.map((i) => x.baseIndex[i]!) } : {}) }));
  }
  if ('parts' in base) {
    const parts = (base as EmbeddedScript).parts;
    for (let changed = true; changed; ) {
      changed = false;
      for (const part of parts) {
        let all = part.count > 0;
        for (let k = 0; all && k < part.count; k++) all = removed.has(part.first + k);
        if (!all) continue;
        for (const caller of part.snippet.callers ?? []) {
          if (!removed.has(caller)) {
            removed.add(caller);
            changed = true;
          }
        }
      }
    }
  }
  return { base, removed, rewrites };
}

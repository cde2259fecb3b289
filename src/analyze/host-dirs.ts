/**
 * Which host folders exist when a command runs: the repository's own, changed by the
 * script's `mkdir`, `mkdir -p`, `rm -r`/`rm -rf` and `rmdir` before it. `cp -r extras app`,
 * `mv`, `ln -s` and `install -d` may leave a folder where there was none (and `mv` may take
 * one away): after them, what is at such a path is not known. `docker cp x:/p dst`
 * lands at `dst/<base>` when `dst` is a folder at that moment, so the script's own steps
 * decide where an artifact lands, not only the repository's files.
 */
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptFile } from '../model/script.js';
import { repeatedBody } from './repeated-bodies.js';

export type DirState = 'dir' | 'absent' | 'unknown';

interface DirChange {
  /** null: a path only known at run time, which may be any folder of the repository. */
  path: string | null;
  made: boolean;
  /** `mkdir -p`: the parents are made too. */
  parents: boolean;
  /** Runs only sometimes (a branch, a loop): what exists afterwards is not known. */
  uncertain: boolean;
  /** A copy, move or link that may leave a folder at `path` ('made') or take it away ('moved'). */
  maybe?: 'made' | 'moved';
}

/** Commands that change the shell's folder, or may (a sourced file). */
const FOLDER_CHANGERS: ReadonlySet<string> = new Set(['cd', 'pushd', 'popd', 'source', '.']);

/** Programs whose last operand (or `-t DIR`) is where they put what their other operands name. */
const PLACING = new Set(['cp', 'mv', 'ln', 'install']);

/**
 * The paths where `cp -r`/`mv`/`ln`/`install -d` may leave a folder (each destination, and each
 * source's name inside it, should the destination be a folder) or, for `mv`, take one away.
 */
function placedPaths(cmd: ScriptCommand, prog: string): DirChange[] {
  const words = cmd.words.slice(1);
  const flags = words.filter((w) => w.value !== null && w.value.startsWith('-') && w.value !== '-').map((w) => w.value!);
  const tAt = words.findIndex((w) => w.value === '-t' || w.value === '--target-directory');
  const tLong = flags.find((f) => f.startsWith('--target-directory='));
  const operands = words.filter((w, k) => k !== tAt + 1 || tAt < 0).filter((w) => !(w.value !== null && w.value.startsWith('-') && w.value !== '-'));
  const known = operands.flatMap((w) => (w.value === null ? [] : [resolveRel(cmd.cwd!, w.value)]));
  const change = (p: string | null, maybe: 'made' | 'moved'): DirChange => ({ path: p, made: false, parents: false, uncertain: true, maybe });
  // without -r/-R/-a, cp copies no folder
  if (prog === 'cp' && !flags.some((f) => f === '--recursive' || f === '--archive' || (!f.startsWith('--') && /[rRa]/.test(f)))) return [];
  if (prog === 'install') return flags.some((f) => f === '--directory' || (!f.startsWith('--') && f.includes('d'))) ? known.map((p) => change(p, 'made')) : [];
  const targetWord = tAt >= 0 ? words[tAt + 1]?.value : tLong !== undefined ? tLong.slice('--target-directory='.length) : undefined;
  const last = operands.length > 1 ? operands[operands.length - 1]!.value : undefined;
  const target = targetWord !== undefined ? (targetWord === null ? null : resolveRel(cmd.cwd!, targetWord)) : typeof last === 'string' ? resolveRel(cmd.cwd!, last) : null;
  const sources = (targetWord !== undefined ? operands : operands.slice(0, -1)).flatMap((w) => (w.value === null ? [] : [resolveRel(cmd.cwd!, w.value)]));
  if (prog === 'ln' && targetWord === undefined && operands.length === 1 && known.length === 1) return [change(resolveRel(cmd.cwd!, known[0]!.split('/').pop()!), 'made')];
  const out: DirChange[] = [];
  if (target !== null) out.push(change(target, 'made'), ...sources.map((s) => change(target === '' ? s.split('/').pop()! : `${target}/${s.split('/').pop()}`, 'made')));
  // A destination only known at run time may be any folder.
  else if (last === null || targetWord === null) out.push(change(null, 'made'));
  if (prog === 'mv') out.push(...sources.map((s) => change(s, 'moved')));
  return out;
}

/**
 * Whether a path only known at run time lies outside the repository for sure: an absolute
 * beginning (`/tmp/$X`) or the home folder (`$HOME/.cache`, `~/x`).
 */
const outside = (w: Word) => w.staticPrefix.startsWith('/') || /^(~|\$HOME\b|\$\{HOME\}|"\$HOME\b|"\$\{HOME\})/.test(w.raw);

/**
 * The folder changes one command makes, or [] when it is none of mkdir/rm -r/rmdir. A path
 * only known at run time (`mkdir -p "$OUT"`, with OUT from the environment, a sourced file, a
 * `read`), or from a folder not known, may be any folder: after it, what is there is not known.
 */
export function dirChanges(cmd: ScriptCommand): DirChange[] {
  const prog = cmd.words[0]?.value;
  if (cmd.cwd !== null && prog !== undefined && prog !== null && PLACING.has(prog)) return placedPaths(cmd, prog);
  if (prog !== 'mkdir' && prog !== 'rm' && prog !== 'rmdir') return [];
  const flags = cmd.words.slice(1).filter((w) => w.value !== null && /^-[A-Za-z]+$|^--[a-z-]+$/.test(w.value)).map((w) => w.value!);
  const operands = cmd.words.slice(1).filter((w) => !(w.value !== null && w.value.startsWith('-')));
  const recursive = flags.some((f) => f === '--recursive' || (!f.startsWith('--') && /[rR]/.test(f)));
  if (prog === 'rm' && !recursive) return [];
  const parents = prog === 'mkdir' && flags.some((f) => f === '--parents' || (!f.startsWith('--') && f.includes('p')));
  const uncertain = cmd.conditional || cmd.loop;
  const unknown = (w: Word): DirChange[] => (outside(w) || w.value?.startsWith('/') ? [] : [{ path: null, made: false, parents: false, uncertain: true, maybe: prog === 'mkdir' ? 'made' : 'moved' }]);
  return operands.flatMap((w) => (w.value === null || cmd.cwd === null ? unknown(w) : [{ path: resolveRel(cmd.cwd, w.value), made: prog === 'mkdir', parents, uncertain }]));
}

const TESTS = new Set(['[', '[[', 'test']);

/** The path `[ -d P ]` (`test -d P`, `[[ -d P ]]`) tests, resolved, with `!` read: `[ ! -d P ]` is `{ path, negated: true }`; null for any other command. */
function dirTest(cmd: ScriptCommand): { path: string; negated: boolean } | null {
  const v = cmd.words.map((w) => w.value);
  if (v.some((x) => x === null) || !TESTS.has(v[0]!) || cmd.cwd === null) return null;
  const close = v[0] === '[' ? ']' : v[0] === '[[' ? ']]' : null;
  if (close !== null && v[v.length - 1] !== close) return null;
  const words = v.slice(1, close === null ? undefined : -1) as string[];
  const negated = words[0] === '!';
  const [op, target, ...rest] = negated ? words.slice(1) : words;
  return op === '-d' && target !== undefined && rest.length === 0 ? { path: resolveRel(cmd.cwd, target), negated } : null;
}

/**
 * The test that decides whether `cmd`, a `mkdir` of one folder, runs, when it only runs where
 * that folder is not one: `[ -d out ] || mkdir out`, `test -d out || mkdir -p out`,
 * `[ ! -d out ] && mkdir out`. Wherever the test runs, the folder is there after the list (as
 * after a plain `mkdir`, a failed one is not weighed), so the mkdir counts as run wherever the
 * test does. Null for any other command. `before` holds the commands run before `cmd`.
 */
function dirGuard(cmd: ScriptCommand, before: readonly ScriptCommand[]): ScriptCommand | null {
  const branches = cmd.branches ?? [];
  const last = branches[branches.length - 1];
  if (cmd.words[0]?.value !== 'mkdir' || cmd.loop || !last?.after || last.after.length !== 1 || last.negated) return null;
  const test = before.find((c) => c.file === cmd.file && c.index === last.after![0]);
  const tested = test ? dirTest(test) : null;
  if (!test || !tested || tested.negated !== (last.on === 'success')) return null;
  // the test's own branches are the mkdir's others: nothing else decides whether it runs
  const own = test.branches ?? [];
  if (own.length !== branches.length - 1 || own.some((b, k) => b.id !== branches[k]!.id)) return null;
  const made = dirChanges(cmd);
  return made.length === 1 && made[0]!.path === tested.path ? test : null;
}

/** What runs whenever `cmd` does, for the folders it changes: `cmd` itself, or the test a guarded mkdir runs after (dirGuard). */
function governing(cmd: ScriptCommand, before: readonly ScriptCommand[]): ScriptCommand {
  return dirGuard(cmd, before) ?? cmd;
}

/** Whether `cmd` makes or removes folder `rel` (`mkdir -p rel/sub` makes it too; `rm -rf` of a folder holding it removes it). */
export function changesDir(rel: string, cmd: ScriptCommand): boolean {
  return dirChanges(cmd).some((c) => hitsDir(c, rel));
}

const hitsDir = (c: DirChange, rel: string): boolean =>
  c.path === null ? true : c.maybe ? c.path === rel || rel.startsWith(`${c.path}/`) : c.made ? c.path === rel || (c.parents && c.path.startsWith(`${rel}/`)) : c.path === rel || rel.startsWith(`${c.path}/`) || c.path === '';

/** What is at `rel` after a change that hits it: a copy may only make a folder where none was, a move only take one away. */
function stateAfter(state: DirState, c: DirChange, certain: boolean): DirState {
  if (c.maybe === 'made') return state === 'absent' ? 'unknown' : state;
  if (c.maybe === 'moved') return state === 'dir' ? 'unknown' : state;
  return c.uncertain && !certain ? 'unknown' : c.made ? 'dir' : 'absent';
}

/**
 * The state of folder `rel` after the commands of `before` (in order), starting from the
 * repository. A folder under one removed is gone; `mkdir -p a/b` makes `a` too.
 */
export function dirStateAfter(rel: string, before: readonly ScriptCommand[], fs: RepoFs, certain: (cmd: ScriptCommand) => boolean = () => false): DirState {
  if (rel === '') return 'dir';
  let state: DirState = fs.kind(rel) === 'dir' ? 'dir' : 'absent';
  for (const cmd of before) {
    const g = governing(cmd, before);
    for (const c of dirChanges(cmd)) if (hitsDir(c, rel)) state = stateAfter(state, g === cmd ? c : { ...c, uncertain: g.conditional || g.loop }, certain(g));
  }
  return state;
}

/**
 * Commands that run whenever `cmd` does, before it, in the body of a function it is in: in
 * that body (and every branch they are in one `cmd` is in too), outside any loop of their own.
 * A function body's commands are conditional (it runs when called), but its own `mkdir -p out`
 * before a copy in it runs in every call that copies.
 */
function sameBodyBefore(script: ScriptFile, cmd: ScriptCommand): (c: ScriptCommand) => boolean {
  const fns = new Set((script as { functions?: ReadonlyMap<string, string> }).functions?.values() ?? []);
  const path = (c: ScriptCommand) => (c.branches ?? []).map((b) => b.id);
  const own = path(cmd);
  return (c) => {
    const p = path(c);
    return !c.loop && c.iteration === null && p.some((id) => fns.has(id)) && p.length <= own.length && p.every((id, k) => own[k] === id);
  };
}

/**
 * A command in a function body runs when the function is called, after whatever the script ran
 * before the call, which may be written after the body (`image() { docker cp x:/out/app out; }`,
 * `mkdir -p out`, `image`): a change of `rel` outside the body, written after `cmd`, leaves what
 * is there unknown, unless the body itself makes or removes `rel` first on `cmd`'s path.
 */
function laterCallerMayChange(rel: string, cmd: ScriptCommand, before: readonly ScriptCommand[], script: ScriptFile): boolean {
  if (rel === '') return false;
  const fns = new Set((script as { functions?: ReadonlyMap<string, string> }).functions?.values() ?? []);
  const fn = (cmd.branches ?? []).find((b) => fns.has(b.id))?.id;
  if (fn === undefined) return false;
  const hits = (c: ScriptCommand) => dirChanges(c).some((ch) => hitsDir(ch, rel));
  const own = sameBodyBefore(script, cmd);
  if (before.some((c) => own(governing(c, before)) && hits(c))) return false;
  return script.commands.some((c) => c.index > cmd.index && !(c.branches ?? []).some((b) => b.id === fn) && hits(c));
}

/**
 * The commands of a shell script that run before `cmd`, in the order they run, where function
 * bodies make that order differ from the written one: each body runs at its one call, which
 * stands outside any body, branch or loop (`prepare() { mkdir -p out; }`, `image() { … docker
 * cp x:/out/app out; }`, `prepare`, `image`: the mkdir runs before the copy, wherever the bodies
 * are written). `certain`: a command of such a body that runs in every call (in no branch or
 * loop of its own, in a body with no `return`, or a guarded mkdir whose test is: dirGuard). Null where that order is not
 * known this way: `before` holds commands of other files, or a body `cmd` or a command before it
 * is in runs at no such single call; the written order is then read.
 */
function runOrder(script: ScriptFile, cmd: ScriptCommand, before: readonly ScriptCommand[]): { before: ScriptCommand[]; certain: (c: ScriptCommand) => boolean } | null {
  const functions = (script as { functions?: ReadonlyMap<string, string> }).functions;
  if (script.kind !== 'shell' || !functions || functions.size === 0 || before.some((c) => c.file !== cmd.file)) return null;
  const ids = new Map([...functions].map(([name, id]) => [id, name]));
  const bodyOf = (c: ScriptCommand) => (c.branches ?? []).find((b) => ids.has(b.id))?.id;
  // the one call of each body: outside every body, branch and loop
  const callOf = new Map<string, ScriptCommand | null>();
  const call = (id: string) => {
    if (!callOf.has(id)) {
      const calls = script.commands.filter((c) => c.words[0]?.value === ids.get(id) && c.words[0]?.raw === ids.get(id));
      const one = calls.length === 1 && !calls[0]!.conditional && !calls[0]!.loop && calls[0]!.iteration === null && !(calls[0]!.branches?.length) ? calls[0]! : null;
      callOf.set(id, one);
    }
    return callOf.get(id)!;
  };
  // where a command runs: [the index of the top-level command it runs as, its own index]
  const at = (c: ScriptCommand): [number, number] | null => {
    const id = bodyOf(c);
    if (id === undefined) return [c.index, -1];
    const q = call(id);
    return q ? [q.index, c.index] : null;
  };
  const mine = at(cmd);
  if (!mine) return null;
  // A body's folders are read where it is written: the same where it is called only when the
  // script never changes folder (its top-level commands share one) and no body does.
  const top = script.commands.filter((c) => bodyOf(c) === undefined);
  if (top.some((c) => c.cwd === null || c.cwd !== top[0]!.cwd)) return null;
  if (script.commands.some((c) => bodyOf(c) !== undefined && FOLDER_CHANGERS.has(c.words[0]?.value ?? ''))) return null;
  const placed: { c: ScriptCommand; key: [number, number] }[] = [];
  for (const c of script.commands) {
    if (c === cmd) continue;
    const key = at(c);
    // a body run at no single call (or never): where its commands run is not known here
    if (!key) {
      if (dirChanges(c).length > 0 || PLACING.has(c.words[0]?.value ?? '')) return null;
      continue;
    }
    if (key[0] < mine[0] || (key[0] === mine[0] && key[1] < mine[1])) placed.push({ c, key });
  }
  // every command read before cmd in the written order still runs before it
  const kept = new Set(placed.map((p) => p.c));
  if (before.some((c) => !kept.has(c) && dirChanges(c).length > 0)) return null;
  placed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
  // (a body that may `return` early may end before any of its commands: none of them runs in every call)
  const returns = new Set(script.commands.filter((c) => c.words[0]?.value !== 'return' ? false : bodyOf(c) !== undefined).map((c) => bodyOf(c)!));
  const inBody = (c: ScriptCommand) => {
    const id = bodyOf(c);
    return id !== undefined && !returns.has(id) && !c.loop && c.iteration === null && (c.branches ?? []).length === 1;
  };
  const ordered = placed.map((p) => p.c);
  return { before: ordered, certain: (c) => inBody(c) };
}

/**
 * The state of folder `rel` when `cmd` runs, after the commands of `before`. In the body of a
 * function that may run more than once (./repeated-bodies.ts), a later call finds what the
 * earlier ones left: only the body's own changes that run whenever `cmd` does (earlier in it,
 * in no branch or loop `cmd` is not in) say what is there; else it is not known, and `again`
 * names the function.
 */
export function dirStateAt(rel: string, cmd: ScriptCommand, before: readonly ScriptCommand[], fs: RepoFs, script: ScriptFile): { state: DirState; again?: string } {
  const body = repeatedBody(script, cmd);
  if (body === null && rel !== '') {
    const ran = runOrder(script, cmd, before);
    // (a change written after the copy's body but run before its call still leaves it unknown: other readers of these folders, ./artifact-folder.ts, src/plan/export-build.ts, read the written order)
    if (ran && !ran.before.some((c) => c.index > cmd.index && changesDir(rel, c))) return { state: dirStateAfter(rel, ran.before, fs, (c) => sameBodyBefore(script, cmd)(c) || ran.certain(c)) };
  }
  if (body === null || rel === '') return { state: laterCallerMayChange(rel, cmd, before, script) ? 'unknown' : dirStateAfter(rel, before, fs, sameBodyBefore(script, cmd)) };
  const path = (c: ScriptCommand) => (c.branches ?? []).map((b) => b.id);
  const own = path(cmd);
  // runs whenever cmd does: in the same body, its branches a prefix of cmd's, outside any loop of its own
  const always = (c: ScriptCommand) => !c.loop && c.iteration === null && path(c).includes(body.id) && path(c).every((id, k) => own[k] === id);
  let state: DirState = 'unknown';
  for (const c of before.filter((c) => always(governing(c, before)))) {
    for (const ch of dirChanges(c)) if (hitsDir(ch, rel)) state = stateAfter(state, ch, true);
  }
  return state === 'unknown' ? { state, again: body.name } : { state };
}


/**
 * Which host folders exist when a command runs: the repository's own, changed by the
 * script's `mkdir`, `mkdir -p`, `rm -r`/`rm -rf` and `rmdir` before it. `docker cp x:/p dst`
 * lands at `dst/<base>` when `dst` is a folder at that moment, so the script's own steps
 * decide where an artifact lands, not only the repository's files.
 */
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand } from '../model/script.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptFile } from '../model/script.js';
import { repeatedBody } from './repeated-bodies.js';

export type DirState = 'dir' | 'absent' | 'unknown';

interface DirChange {
  path: string;
  made: boolean;
  /** `mkdir -p`: the parents are made too. */
  parents: boolean;
  /** Runs only sometimes (a branch, a loop): what exists afterwards is not known. */
  uncertain: boolean;
}

/** The folder changes one command makes, or [] when it is none of mkdir/rm -r/rmdir. */
export function dirChanges(cmd: ScriptCommand): DirChange[] {
  const prog = cmd.words[0]?.value;
  if (cmd.cwd === null || (prog !== 'mkdir' && prog !== 'rm' && prog !== 'rmdir')) return [];
  const flags = cmd.words.slice(1).filter((w) => w.value !== null && /^-[A-Za-z]+$|^--[a-z-]+$/.test(w.value)).map((w) => w.value!);
  const operands = cmd.words.slice(1).filter((w) => !(w.value !== null && w.value.startsWith('-')));
  const recursive = flags.some((f) => f === '--recursive' || (!f.startsWith('--') && /[rR]/.test(f)));
  if (prog === 'rm' && !recursive) return [];
  const parents = prog === 'mkdir' && flags.some((f) => f === '--parents' || (!f.startsWith('--') && f.includes('p')));
  const uncertain = cmd.conditional || cmd.loop;
  return operands.flatMap((w) => (w.value === null ? [] : [{ path: resolveRel(cmd.cwd!, w.value), made: prog === 'mkdir', parents, uncertain }]));
}

/** Whether `cmd` makes or removes folder `rel` (`mkdir -p rel/sub` makes it too; `rm -rf` of a folder holding it removes it). */
export function changesDir(rel: string, cmd: ScriptCommand): boolean {
  return dirChanges(cmd).some((c) => hitsDir(c, rel));
}

const hitsDir = (c: DirChange, rel: string) => (c.made ? c.path === rel || (c.parents && c.path.startsWith(`${rel}/`)) : c.path === rel || rel.startsWith(`${c.path}/`) || c.path === '');

/**
 * The state of folder `rel` after the commands of `before` (in order), starting from the
 * repository. A folder under one removed is gone; `mkdir -p a/b` makes `a` too.
 */
export function dirStateAfter(rel: string, before: readonly ScriptCommand[], fs: RepoFs, certain: (cmd: ScriptCommand) => boolean = () => false): DirState {
  if (rel === '') return 'dir';
  let state: DirState = fs.kind(rel) === 'dir' ? 'dir' : 'absent';
  for (const cmd of before) {
    for (const c of dirChanges(cmd)) {
      const hits = c.made ? c.path === rel || (c.parents && c.path.startsWith(`${rel}/`)) : c.path === rel || rel.startsWith(`${c.path}/`) || c.path === '';
      if (!hits) continue;
      state = c.uncertain && !certain(cmd) ? 'unknown' : c.made ? 'dir' : 'absent';
    }
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
  const hits = (c: ScriptCommand) => dirChanges(c).some((ch) => (ch.made ? ch.path === rel || (ch.parents && ch.path.startsWith(`${rel}/`)) : ch.path === rel || rel.startsWith(`${ch.path}/`) || ch.path === ''));
  const own = sameBodyBefore(script, cmd);
  if (before.some((c) => own(c) && hits(c))) return false;
  return script.commands.some((c) => c.index > cmd.index && !(c.branches ?? []).some((b) => b.id === fn) && hits(c));
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
  if (body === null || rel === '') return { state: laterCallerMayChange(rel, cmd, before, script) ? 'unknown' : dirStateAfter(rel, before, fs, sameBodyBefore(script, cmd)) };
  const path = (c: ScriptCommand) => (c.branches ?? []).map((b) => b.id);
  const own = path(cmd);
  // runs whenever cmd does: in the same body, its branches a prefix of cmd's, outside any loop of its own
  const always = (c: ScriptCommand) => !c.loop && c.iteration === null && path(c).includes(body.id) && path(c).every((id, k) => own[k] === id);
  let state: DirState = 'unknown';
  for (const c of before.filter(always)) {
    for (const ch of dirChanges(c)) {
      const hits = ch.made ? ch.path === rel || (ch.parents && ch.path.startsWith(`${rel}/`)) : ch.path === rel || rel.startsWith(`${ch.path}/`) || ch.path === '';
      if (hits) state = ch.made ? 'dir' : 'absent';
    }
  }
  return state === 'unknown' ? { state, again: body.name } : { state };
}


/**
 * Files a command writes through descriptors it did not open itself: those an `exec` before it
 * opened in the same shell (`exec 3> build.log`, then `docker cp … >&3`; `exec > build.log
 * 2>&1`; `exec > >(tee build.log)`), and those of the compound statements around it (`{ docker
 * cp …; } > build.log`, ScriptCommand.around). A removed command's output no longer reaches
 * them, as a file it wrote through its own redirect is no longer written (./removed-outputs.ts).
 *
 * Every removed docker command may print on its standard output and error (a container's id, a
 * build's steps and progress, `docker rm`'s name), so each counts as writing both, wherever they
 * lead once its own redirects and a capture or pipe of its output are applied. A path only known
 * at run time (`exec > "$LOG"`, a process substitution other than `>(tee FILE…)`) is null.
 *
 * A file the shell sources (`. ./lib/log.sh`) runs in it: its own `exec`s open descriptors
 * where it is sourced, and one in a function it defines (`start_log() { exec > build.log
 * 2>&1; }`) may be called anywhere after that, so what it opens counts from the sourcing on.
 */
import { partHolding } from '../analyze/embedded.js';
import { branchKind } from '../analyze/conditions.js';
import { SOURCING, sourcedFile } from '../analyze/sourced-files.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import { programAt } from '../model/wrappers.js';
import { carriedCommands, runsInText, scriptRuns } from '../analyze/script-runs.js';
import { callWrites, pipeWritesUntold } from './untold-writers.js';
import { shownCommand, type Redirect, type ScriptCommand, type ScriptFile } from '../model/script.js';

/** A file a descriptor leads to, and the redirect that opened it. */
export interface Sink {
  path: string | null;
  /** The `exec` that opened it, or the command whose compound's redirect it is. */
  opener: ScriptCommand;
  /** The redirect as written (`3> build.log`). */
  raw: string;
  /** Opened by an `exec` (else by a compound statement around the command). */
  exec: boolean;
  /** Written by a program whose writes the tool cannot tell (./untold-writers.ts): it may be any file (`path` null). */
  anywhere?: true;
}

/** A redirect as written (`3> build.log` as `3>build.log`, `> >(tee log)`). */
export const redirectText = (r: Redirect) => `${r.fd ?? ''}${r.op}${/^[<>]/.test(r.target.raw) ? ' ' : ''}${r.target.raw}`;

type Table = Map<string, readonly Sink[]>;

/**
 * The caller's shell, as a pipe or a function call leads through it: its command of an index
 * (in the call's file), the commands of one of its functions' bodies, and the calls of the
 * functions whose bodies hold a command.
 */
export interface CallerShell {
  at(index: number): ScriptCommand | undefined;
  /**
   * The commands of the body of the function `cmd` runs (by its first word); undefined when the
   * shell defines none of that name, null when it may and its body cannot be read (a function
   * another step of a CI file defines).
   */
  body(cmd: ScriptCommand): readonly ScriptCommand[] | null | undefined;
  /** The commands that call a function whose body holds `cmd` (where the body runs, it runs with their descriptors). */
  callers(cmd: ScriptCommand): readonly ScriptCommand[];
}

/**
 * `commands` (of `file`, and of `script`) as a CallerShell. The functions are those of the shell
 * a command runs in: a shell script's own, or those of the snippet of an embedded script (a CI
 * step, a recipe: ../analyze/embedded.ts) holding it, whose reading is asked for only then.
 */
export function callerShell(commands: readonly ScriptCommand[], file: string, script?: ScriptFile): CallerShell {
  const mine = commands.filter((c) => c.file === file);
  const own = (script as { functions?: ReadonlyMap<string, string> } | undefined)?.functions;
  const defined = (script as { definedFunctions?: ReadonlySet<string> } | undefined)?.definedFunctions;
  const shellOf = (cmd: ScriptCommand): { functions: ReadonlyMap<string, string>; commands: readonly ScriptCommand[] } | null => {
    if (own) return { functions: own, commands: mine };
    const held = script && defined ? partHolding(script, cmd) : null;
    const functions = held?.part.script.functions;
    return held && functions ? { functions, commands: mine.filter((c) => c.index >= held.part.first && c.index < held.part.first + held.part.count) } : null;
  };
  return {
    at: (index) => mine.find((c) => c.index === index),
    body: (cmd) => {
      const name = cmd.words[0]?.value;
      if (!name || !(own?.has(name) || defined?.has(name))) return undefined;
      const shell = shellOf(cmd);
      const id = shell?.functions.get(name);
      if (!shell || id === undefined) return defined?.has(name) ? null : undefined;
      return shell.commands.filter((c) => c.branches?.some((b) => ownId(b.id) === id));
    },
    callers: (cmd) => {
      if (!(cmd.branches ?? []).some((b) => branchKind(b) === 'fn')) return [];
      const shell = shellOf(cmd);
      if (!shell) return [];
      const names = new Map([...shell.functions].map(([name, id]) => [id, name]));
      const called = new Set((cmd.branches ?? []).flatMap((b) => names.get(ownId(b.id)) ?? []));
      return called.size === 0 ? [] : shell.commands.filter((c) => c !== cmd && c.words[0]?.value != null && called.has(c.words[0].value));
    },
  };
}

/** A branch's id as its snippet's reading gives it (an embedded script's commands carry it after `N/`: ../analyze/embedded.ts). */
const ownId = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/** A shell with no commands. */
const NO_SHELL: CallerShell = { at: () => undefined, body: () => undefined, callers: () => [] };

/** Whether a command is in a function body (../analyze/shell/statements.ts: its branch `fn…`). */
const inFunction = (cmd: ScriptCommand) => (cmd.branches ?? []).some((b) => branchKind(b) === 'fn');

/** Whether a command runs once where it is written (not in a branch, a chain after its first member, a loop or a function). */
const once = (cmd: ScriptCommand) => !cmd.conditional && !cmd.loop && (cmd.branches?.length ?? 0) === 0;

/** Whether a command in the subshells `inside` (ScriptCommand.subshell) runs in `subshell`. */
const within = (inside: string, subshell: string) => inside === subshell || inside.startsWith(`${subshell}/`);

/** `exec` with redirects only: it changes the descriptors of the shell running it. */
export const isExecRedirect = (cmd: ScriptCommand) => cmd.words.length === 1 && cmd.words[0]!.value === 'exec' && cmd.redirects.length > 0;

/**
 * The descriptors of one shell as its commands run: `see` each command in the order they run
 * (an `exec` changes them; a command of another file or another snippet of an embedded file
 * starts from none), `written` for the files a command's standard output and error reach
 * through descriptors it did not open itself.
 */
export class Descriptors {
  private table: Table;
  private shell: string | undefined;
  /** The subshells an `exec` changed the descriptors in (ScriptCommand.subshell), innermost last, each with the descriptors it started with. */
  private scopes: { subshell: string; saved: Table }[] = [];
  /** The `exec`s of the bodies of functions of this shell only ever called in a subshell, by name: they open their files at each call. */
  private deferred = new Map<string, ScriptCommand[]>();
  /** The `exec`s in the functions of the files this shell sourced so far, which may run after any later command. */
  private sourcedFunctions: ScriptCommand[] = [];
  /**
   * `inherited`: what the script's standard output and error lead to as its caller runs it;
   * `fs`: where the files it sources are read (without it, a sourcing opens nothing).
   */
  constructor(private readonly script: ScriptFile | undefined, private readonly inherited: Table = new Map(), private readonly fs?: RepoFs) {
    this.table = inherited;
  }

  see(cmd: ScriptCommand): void {
    const shell = this.shellOf(cmd);
    if (shell !== this.shell) {
      const start = this.shell === undefined ? this.inherited : new Map();
      [this.shell, this.scopes, this.deferred, this.sourcedFunctions] = [shell, [], new Map(), []];
      this.table = this.fromFunctions(shell, start);
    }
    // What an `exec` in a subshell changed ends with the subshell (`( exec > build.log 2>&1 )`).
    const inside = cmd.subshell ?? '';
    for (let top = this.scopes.at(-1); top && !within(inside, top.subshell); top = this.scopes.at(-1)) this.table = this.scopes.pop()!.saved;
    // (a call, in a subshell, of a function whose body runs an `exec`: `( log )`)
    // (where its body is written, such an `exec` opens nothing)
    const deferred = [...this.deferred.values()].some((d) => d.includes(cmd));
    const execs = isExecRedirect(cmd) ? (deferred ? [] : [cmd]) : cmd.words[0]?.value ? this.deferred.get(cmd.words[0].value) ?? [] : [];
    const sourcing = this.fs !== undefined && SOURCING.has(cmd.words[0]?.value ?? '');
    if (execs.length === 0 && !sourcing) return;
    if (inside !== '' && this.scopes.at(-1)?.subshell !== inside) this.scopes.push({ subshell: inside, saved: this.table });
    // (an `exec` in a branch or a loop may run or not: what it opens is added to what was there)
    for (const e of execs) this.table = applied(this.table, e.redirects, e, true, e === cmd && once(cmd));
    // (a function a sourced file defined may still be called after this one)
    if (isExecRedirect(cmd) && !deferred) for (const c of this.sourcedFunctions) this.table = applied(this.table, c.redirects, c, true, false);
    if (sourcing) this.source(cmd, once(cmd), new Set());
  }

  /**
   * What the file `by` sources opens as it runs (`once`: where the sourcing runs once, as
   * written), and the `exec`s of the functions it defines, from here on. A file that cannot be
   * read is not followed.
   */
  private source(by: ScriptCommand, once_: boolean, seen: Set<string>): void {
    const s = sourcedFile(by, this.fs!);
    if (s && 'unknown' in s) {
      // A file of the repository that cannot be read, or one only known at run time (`. "$CONF"`),
      // may open any file with an `exec` of its own: what follows may write any file, as a program
      // whose writes the tool cannot tell does (not a file outside the repository, `/etc/os-release`).
      const v = by.words[1]?.value ?? null;
      if (v !== null && /^[/~]/.test(v)) return;
      const sink: Sink = { path: null, opener: by, raw: shownCommand(by), exec: true, anywhere: true };
      for (const fd of ['1', '2']) this.table = new Map([...this.table, [fd, [...(this.table.get(fd) ?? []), sink]]]);
      return;
    }
    if (!s || seen.has(s.rel) || seen.size > 16) return;
    seen.add(s.rel);
    const functions: ScriptCommand[] = [];
    for (const c of s.script.commands) {
      if (isExecRedirect(c) && inFunction(c)) functions.push(c);
      else if (isExecRedirect(c)) this.table = applied(this.table, c.redirects, c, true, once_ && once(c));
      else if (SOURCING.has(c.words[0]?.value ?? '')) this.source(c, once_ && once(c), seen);
    }
    for (const c of functions) this.table = applied(this.table, c.redirects, c, true, false);
    this.sourcedFunctions.push(...functions);
  }

  private shellOf(cmd: ScriptCommand): string {
    return `${cmd.file}\0${this.script ? partHolding(this.script, cmd)?.at ?? '' : ''}`;
  }

  /**
   * `table` with what each `exec` in a function body of `shell` opens added: the function may
   * be called anywhere in it, before the commands written above it (`main` defined first,
   * calling `log() { exec > build.log 2>&1; }`), and what its `exec` opens lasts after the call.
   */
  private fromFunctions(shell: string, table: Table): Table {
    let t = table;
    for (const c of this.script?.commands ?? []) {
      if (!isExecRedirect(c) || !inFunction(c) || this.shellOf(c) !== shell) continue;
      // A function only ever called by name in a subshell (`( log )`) opens them there alone.
      const name = this.subshellOnly(c, shell);
      if (name !== null) this.deferred.set(name, [...(this.deferred.get(name) ?? []), c]);
      else t = applied(t, c.redirects, c, true, false);
    }
    return t;
  }

  /**
   * The name of the function whose body holds `exec` when every command of `shell` that may run
   * it is a call by that name in a subshell (`( log )`): none names it otherwise (`trap log
   * EXIT`, `command log`, a word holding it), runs a program only known at run time, or runs
   * text or a file (`eval`, `source`, `.`) that may call it; else null.
   */
  private subshellOnly(exec: ScriptCommand, shell: string): string | null {
    const fns = (exec.branches ?? []).filter((b) => branchKind(b) === 'fn');
    const functions = (this.script as { functions?: ReadonlyMap<string, string> } | undefined)?.functions;
    const name = fns.length === 1 ? [...(functions ?? [])].find(([, id]) => id === fns[0]!.id)?.[0] : undefined;
    if (name === undefined) return null;
    for (const c of this.script?.commands ?? []) {
      if (this.shellOf(c) !== shell || c.words.length === 0) continue;
      const program = c.words[0]!.value;
      if (program === null || program === 'eval' || program === 'source' || program === '.') return null;
      const names = (w: ScriptCommand['words'][number]) => w.value !== null && w.value.split(/[\s;&|()<>`$"'{}=]+/).includes(name);
      if (program === name && c.subshell !== undefined && !c.words.slice(1).some(names)) continue;
      if (c.words.some((w) => (w.value === null ? program === 'trap' : names(w)))) return null;
    }
    return name;
  }

  /**
   * Where a call's standard output and error lead as it runs (the script it runs inherits
   * them): these descriptors, a compound's redirects and pipe around it, a pipe from it (read
   * through `shell`, the caller's commands), its own redirects, and in a function body those of
   * the function's calls, all of them files it sends them to. `script`: the file the call runs,
   * which a program running it may write to files of its own (./untold-writers.ts).
   */
  callSinks(call: ScriptCommand, shell: CallerShell, script?: string, depth = 0): Table {
    let t = commandSinks(this.table, call, shell, 0);
    // A program running the script may write what it prints to files of its own (`script -qc
    // ./build.sh build.log`), one the tool does not model (`retry ./build.sh`) to any.
    const p = programAt(call.words);
    let files = script === undefined ? [] : callWrites(call, p.at, p.known, script);
    const inText = script !== undefined && runsInText(call);
    // A text a shell runs (`sh -c './build.sh > build.log 2>&1'`, `su ci -c '…'`) is a shell of
    // its own, starting with the call's descriptors: the command of it running the script sends
    // the output where that shell's `exec`s, its redirects and pipes say.
    const inner = inText && depth < 3 ? carriedCommands(call) : null;
    const running = (inner ?? []).filter((c) => scriptRuns(c).some((r) => r.path === null || r.cwd === null || r.anyFolder || r.ownFolder || resolveRel(r.cwd, r.path) === script));
    if (inner && running.length > 0) {
      const fds = new Descriptors(undefined, t, this.fs);
      const innerShell = callerShell(inner, call.file);
      const sinks: Table = new Map();
      for (const c of inner) {
        fds.see(c);
        if (!running.includes(c)) continue;
        for (const [fd, s] of fds.callSinks(c, innerShell, script, depth + 1)) sinks.set(fd, [...(sinks.get(fd) ?? []), ...s]);
      }
      t = sinks;
    } else if (inText && files !== null && files.length === 0) {
      // (a text run another way, `xargs sh -c '{} > build.log'`, `find … -exec sh -c …`: its redirects are not read)
      files = null;
    }
    const raw = shownCommand(call);
    const own: Sink[] = files === null ? [{ path: null, opener: call, raw: call.words[p.known ? p.at : 0]?.raw ?? '', exec: false, anywhere: true }] : files.filter((f) => f !== '/dev/null').map((f) => ({ path: call.cwd === null ? null : resolveRel(call.cwd, f), opener: call, raw, exec: false }));
    return new Map([['1', [...(t.get('1') ?? []), ...own]], ['2', [...(t.get('2') ?? []), ...own]]]);
  }

  /** A copy, as they are now. */
  snapshot(): Descriptors {
    const d = new Descriptors(this.script, this.inherited, this.fs);
    [d.table, d.shell, d.scopes, d.deferred, d.sourcedFunctions] = [this.table, this.shell, [...this.scopes], this.deferred, [...this.sourcedFunctions]];
    return d;
  }

  /** The files `cmd`'s standard output and error reach through descriptors it did not open itself. */
  written(cmd: ScriptCommand): Sink[] {
    let t = this.table;
    if (cmd.around) t = applied(t, cmd.around, cmd, false, true);
    // A pipe or a capture takes the output before the command's own redirects apply.
    if (cmd.stdout) t = new Map([...t, ['1', []], ...(cmd.stdout.kind === 'pipe' && cmd.stdout.errors ? ([['2', []]] as const) : [])]);
    t = applied(t, cmd.redirects, cmd, null, true);
    const out: Sink[] = [];
    for (const s of [...(t.get('1') ?? []), ...(t.get('2') ?? [])]) if (!out.some((o) => o.path === s.path && o.opener === s.opener && o.anywhere === s.anywhere && o.raw === s.raw)) out.push(s);
    return out;
  }
}

/**
 * Where `cmd`'s standard output and error lead as it runs in `shell` with the descriptors
 * `table`: a compound's redirects around it and a pipe it is in, a pipe from it and its own
 * redirects (a capture: nowhere). In a function body, it runs wherever the function is called,
 * with the descriptors of each call (`run | tee build.log`, `run() { sh build.sh; }`), added.
 */
function commandSinks(table: Table, cmd: ScriptCommand, shell: CallerShell, depth: number): Table {
  let t = table;
  if (depth < 8) {
    for (const c of shell.callers(cmd)) {
      const from = commandSinks(table, c, shell, depth + 1);
      t = new Map(['1', '2'].map((fd) => [fd, [...new Set([...(t.get(fd) ?? []), ...(from.get(fd) ?? [])])]]));
    }
  }
  const follow = (r: Redirect) => readersSinks(r, cmd, shell, depth);
  if (cmd.around) t = applied(t, cmd.around, cmd, false, true, follow);
  // A pipe or a capture takes the output before the command's own redirects apply (`2>&1 | tee log`: both).
  if (cmd.stdout?.kind === 'pipe') {
    const sinks = piped(shell.at(cmd.stdout.to), cmd, shell, depth);
    t = new Map([...t, ['1', sinks], ...(cmd.stdout.errors ? ([['2', sinks]] as const) : [])]);
  } else if (cmd.stdout) t = new Map([...t, ['1', []]]);
  t = applied(t, cmd.redirects, cmd, false, true, follow);
  return new Map([['1', t.get('1') ?? []], ['2', t.get('2') ?? []]]);
}

/** What the commands reading a pipe around `writer` (Redirect.pipe: a compound statement's, all of them) write of what they read. */
function readersSinks(r: Redirect, writer: ScriptCommand, shell: CallerShell, depth: number): Sink[] {
  const out: Sink[] = [];
  for (const i of r.pipe ?? []) {
    // (the compound's text, shown whole, says where each of its commands writes)
    for (const s of piped(shell.at(i), writer, shell, depth + 1, `| ${r.target.raw}`)) if (!out.some((o) => o.path === s.path)) out.push({ ...s, raw: `| ${r.target.raw}` });
  }
  return out;
}

/**
 * The commands the pipes `cmd`'s output goes into feed, and those these feed in turn (`./build.sh
 * | tee build.log | gzip > log.gz`): a simple reader, every command of a compound one (`|
 * while read l; do …; done`), the body of a function read so (`| save`); for a command in a
 * function body, those of the function's calls too (`run | tee build.log`).
 */
export function pipeReaders(cmd: ScriptCommand, shell: CallerShell): ScriptCommand[] {
  const out: ScriptCommand[] = [];
  const seen = new Set<ScriptCommand>();
  const visit = (c: ScriptCommand, depth: number) => {
    if (seen.has(c) || depth > 8 || out.length > 64) return;
    seen.add(c);
    const add = (r: ScriptCommand | undefined) => {
      if (!r || out.includes(r)) return;
      out.push(r);
      for (const b of shell.body(r) ?? []) if (!out.includes(b)) out.push(b);
    };
    const next: ScriptCommand[] = [];
    if (c.stdout?.kind === 'pipe') next.push(...[shell.at(c.stdout.to)].flatMap((r) => r ?? []));
    for (const r of c.around ?? []) next.push(...(r.pipe ?? []).flatMap((i) => shell.at(i) ?? []));
    for (const r of next) add(r);
    for (const r of [...out]) visit(r, depth + 1);
    for (const k of shell.callers(c)) visit(k, depth + 1);
  };
  visit(cmd, 0);
  return out;
}

/**
 * `table` after `redirects` of `by`, in order: a file opened gives its descriptor that file as
 * a sink (a command's own, `exec` null, gives none: ./removed-outputs.ts reads those), a move
 * (`2>&1`, `>&3`) copies another descriptor's sinks, a close or /dev/null leaves none. `replace`
 * false: the redirects may not run, so what they open is added to what was there.
 */
function applied(table: Table, redirects: readonly Redirect[], by: ScriptCommand, exec: boolean | null, replace: boolean, follow?: (r: Redirect) => readonly Sink[]): Table {
  const t: Table = new Map(table);
  const set = (fd: string, sinks: readonly Sink[]) => t.set(fd, replace ? sinks : [...(t.get(fd) ?? []), ...sinks]);
  for (const r of redirects) {
    if (r.body !== undefined) continue;
    // A pipe a compound statement's output goes into (Redirect.pipe): what its readers write
    // (`follow`); without it, where the readers' output goes, taken for the descriptors as they were.
    if (r.pipe) {
      if (!follow) continue;
      const sinks = follow(r);
      for (const d of r.op === '|&' ? ['1', '2'] : ['1']) set(d, sinks);
      continue;
    }
    const input = r.op.startsWith('<') && r.op !== '<>';
    const fd = r.fd ?? (input || r.op === '<>' ? '0' : '1');
    const v = r.target.value;
    if (r.op === '>&' || r.op === '<&') {
      if (v === '-') set(fd, []);
      else if (v !== null && /^[0-9]+$/.test(v)) set(fd, t.get(v) ?? []);
      // `>& build.log`: standard output and error into the file, as `&>`.
      else if (r.op === '>&' && r.fd === null) for (const d of ['1', '2']) set(d, file(r, by, exec));
      continue;
    }
    if (input) continue;
    if (r.op === '&>' || r.op === '&>>') for (const d of ['1', '2']) set(d, file(r, by, exec));
    else set(fd, file(r, by, exec));
  }
  return t;

  function file(r: Redirect, cmd: ScriptCommand, ex: boolean | null): readonly Sink[] {
    const v = r.target.value;
    if (v === '/dev/null') return [];
    const dev = v === '/dev/stdout' ? '1' : v === '/dev/stderr' ? '2' : v?.startsWith('/dev/fd/') ? v.slice('/dev/fd/'.length) : null;
    if (dev !== null) return t.get(dev) ?? [];
    if (ex === null) return [];
    // `> >(tee -a build.log)`: the files tee writes.
    const paths = r.tee === undefined ? [v] : r.tee === null ? [null] : r.tee.map((x) => x.value);
    return paths.map((p) => ({ path: p === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, p), opener: cmd, raw: redirectText(r), exec: ex }));
  }
}

/**
 * The files a caller's run of a shell script sends its output to (`./build.sh > build.log
 * 2>&1`, the call's own redirects and those of a compound around it, and what a pipe from it
 * writes: `./build.sh | tee build.log`, `sh build.sh 2>&1 | gzip > log.gz`) that `removed`,
 * commands of that script, write into: their output, not redirected elsewhere in the script,
 * reached the file through the call. `shell`: the caller's commands (a pipe's readers, its
 * functions and their calls); `caller`: the caller's descriptors as the call runs (`exec > ci.log 2>&1` before
 * it). A path only known at run time is null.
 */
export function callOutputs(script: ScriptFile, removed: ReadonlySet<ScriptCommand>, call: ScriptCommand, shell: CallerShell = NO_SHELL, caller: Descriptors = new Descriptors(undefined), fs?: RepoFs): { sink: Sink; by: ScriptCommand }[] {
  if (script.kind !== 'shell') return [];
  const inherited = caller.callSinks(call, shell, script.file);
  const mine = new Set([...inherited.values()].flat());
  if (mine.size === 0) return [];
  const fds = new Descriptors(script, inherited, fs);
  const out: { sink: Sink; by: ScriptCommand }[] = [];
  for (const cmd of script.commands) {
    fds.see(cmd);
    if (!removed.has(cmd)) continue;
    for (const sink of fds.written(cmd)) if (mine.has(sink) && !out.some((o) => o.sink.path === sink.path && o.sink.anywhere === sink.anywhere && (!sink.anywhere || o.sink.raw === sink.raw))) out.push({ sink, by: cmd });
  }
  return out;
}

/** `tee`'s options that leave its operands files to write. */
const TEE_OPTIONS = new Set(['-a', '--append', '-i', '--ignore-interrupts', '-p', '-ai', '-ia', '--output-error', ...['warn', 'warn-nopipe', 'exit', 'exit-nopipe'].map((m) => `--output-error=${m}`)]);

/**
 * The files what a pipe's `reader` reads goes on to, as sinks of `call` (whose output the pipe
 * carries): the files `tee` names, and where the reader's standard output leads (its
 * redirects, a compound's around it, a further pipe), as what it writes there is made of what
 * it read (`gzip > log.gz`, `wc -l > count.txt`); for a function of the caller's shell, what
 * the commands of its body write so (`save() { tee build.log; }`). A reader not known is a path
 * only known at run time; one whose own writes the tool cannot tell (`awk '{print > "build.log"}'`,
 * `sed -n 'w build.log'`: ./untold-writers.ts) may write any file. `shown`: the pipe as messages
 * show it (the reader's text by default).
 */
function piped(reader: ScriptCommand | undefined, call: ScriptCommand, shell: CallerShell, depth: number, shown?: string): Sink[] {
  const raw = shown ?? (reader ? `| ${shownCommand(reader)}` : '|');
  if (!reader || depth > 8) return [{ path: null, opener: call, raw, exec: false }];
  const body = shell.body(reader);
  // (a function whose body cannot be read may write anything)
  if (body === null) return [{ path: null, opener: call, raw, exec: false }];
  if (body) {
    const out: Sink[] = [];
    for (const c of body) for (const s of piped(c, call, shell, depth + 1, raw)) if (!out.some((o) => o.path === s.path && o.raw === s.raw)) out.push(s);
    // (and where the call's own output leads: `save > build.log`, `save() { cat; }`)
    return [...out, ...outputOf(reader, shell, depth, raw)].map((s) => ({ ...s, opener: call }));
  }
  const own: Sink[] = [];
  const t = stdoutOf(reader, shell, depth);
  // (past the wrappers that run it: `sudo tee build.log`, `stdbuf -oL tee build.log`; a wrapper whose options cannot be read may run tee)
  const program = programAt(reader.words);
  // (a program only known at run time, `| "$SAVER"`, may be tee too)
  if (!program.known || (reader.words[program.at] !== undefined && reader.words[program.at]!.value === null)) own.push({ path: null, opener: call, raw, exec: false });
  else if (reader.words[program.at]?.value === 'tee') {
    let options = true;
    for (const w of reader.words.slice(program.at + 1)) {
      const v = w.value;
      if (options && v === '--') options = false;
      else if (options && v !== null && v.startsWith('-') && v !== '-') {
        if (!TEE_OPTIONS.has(v)) own.push({ path: null, opener: call, raw, exec: false });
      } else if (v === '/dev/null') continue;
      else if (v === '/dev/stdout' || v === '/dev/stderr') own.push(...(t.get(v === '/dev/stdout' ? '1' : '2') ?? []));
      else own.push({ path: v === null || reader.cwd === null ? null : resolveRel(reader.cwd, v), opener: call, raw, exec: false });
    }
  } else if (pipeWritesUntold(reader, program.at)) own.push({ path: null, opener: call, raw, exec: false, anywhere: true });
  return [...own, ...outputOf(reader, shell, depth, raw, t)].map((s) => ({ ...s, opener: call }));
}

/** Where a pipe's reader's standard output and error lead, from none: a compound's redirects and pipe around it, a further pipe, its own redirects. */
function stdoutOf(reader: ScriptCommand, shell: CallerShell, depth: number): Table {
  let t: Table = new Map();
  const follow = (r: Redirect) => readersSinks(r, reader, shell, depth + 1);
  if (reader.around) t = applied(t, reader.around, reader, false, true, follow);
  if (reader.stdout?.kind === 'pipe') t.set('1', piped(shell.at(reader.stdout.to), reader, shell, depth + 1));
  else if (reader.stdout) t.set('1', []);
  return applied(t, reader.redirects, reader, false, true, follow);
}

/** The files a pipe's reader's standard output reaches, shown after the pipe (`| gzip >log.gz`). */
function outputOf(reader: ScriptCommand, shell: CallerShell, depth: number, raw: string, t: Table = stdoutOf(reader, shell, depth)): Sink[] {
  return (t.get('1') ?? []).map((s) => ({ ...s, raw: s.raw.startsWith(raw) ? s.raw : `${raw} ${s.raw}` }));
}

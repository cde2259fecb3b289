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

/** Whether a command is in a function body (../analyze/shell/statements.ts: its branch `fn…`). */
const inFunction = (cmd: ScriptCommand) => (cmd.branches ?? []).some((b) => branchKind(b) === 'fn');

/** Whether a command runs once where it is written (not in a branch, a chain after its first member, a loop or a function). */
const once = (cmd: ScriptCommand) => !cmd.conditional && !cmd.loop && (cmd.branches?.length ?? 0) === 0;

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
    if (shell !== this.shell) [this.table, this.shell, this.sourcedFunctions] = [this.fromFunctions(shell, this.shell === undefined ? this.inherited : new Map()), shell, []];
    // (an `exec` in a branch or a loop may run or not: what it opens is added to what was there)
    if (isExecRedirect(cmd)) {
      this.table = applied(this.table, cmd.redirects, cmd, true, once(cmd));
      // (a function a sourced file defined may still be called after this one)
      for (const c of this.sourcedFunctions) this.table = applied(this.table, c.redirects, c, true, false);
    }
    if (this.fs && SOURCING.has(cmd.words[0]?.value ?? '')) this.source(cmd, once(cmd), new Set());
  }

  /**
   * What the file `by` sources opens as it runs (`once`: where the sourcing runs once, as
   * written), and the `exec`s of the functions it defines, from here on. A file that cannot be
   * read is not followed.
   */
  private source(by: ScriptCommand, once_: boolean, seen: Set<string>): void {
    const s = sourcedFile(by, this.fs!);
    if (!s || 'unknown' in s || seen.has(s.rel) || seen.size > 16) return;
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
      if (isExecRedirect(c) && inFunction(c) && this.shellOf(c) === shell) t = applied(t, c.redirects, c, true, false);
    }
    return t;
  }

  /**
   * Where a call's standard output and error lead as it runs (the script it runs inherits
   * them): these descriptors, a compound's redirects around it, a pipe from it (`commandAt`:
   * its file's command of an index) and its own redirects, all of them files it sends them to.
   */
  callSinks(call: ScriptCommand, commandAt: (index: number) => ScriptCommand | undefined, script?: string): Table {
    let t = this.table;
    if (call.around) t = applied(t, call.around, call, false, true);
    // A pipe or a capture takes the output before the call's own redirects apply (`2>&1 | tee log`: both).
    if (call.stdout?.kind === 'pipe') {
      const sinks = piped(commandAt(call.stdout.to), call, commandAt, 0);
      t = new Map([...t, ['1', sinks], ...(call.stdout.errors ? ([['2', sinks]] as const) : [])]);
    } else if (call.stdout) t = new Map([...t, ['1', []]]);
    t = applied(t, call.redirects, call, false, true);
    // A program running the script may write what it prints to files of its own (`script -qc
    // ./build.sh build.log`), one the tool does not model (`retry ./build.sh`) to any.
    const p = programAt(call.words);
    const files = script === undefined ? [] : callWrites(call, p.at, p.known, script);
    const raw = shownCommand(call);
    const own: Sink[] = files === null ? [{ path: null, opener: call, raw: call.words[p.known ? p.at : 0]?.raw ?? '', exec: false, anywhere: true }] : files.filter((f) => f !== '/dev/null').map((f) => ({ path: call.cwd === null ? null : resolveRel(call.cwd, f), opener: call, raw, exec: false }));
    return new Map([['1', [...(t.get('1') ?? []), ...own]], ['2', [...(t.get('2') ?? []), ...own]]]);
  }

  /** A copy, as they are now. */
  snapshot(): Descriptors {
    const d = new Descriptors(this.script, this.inherited, this.fs);
    [d.table, d.shell, d.sourcedFunctions] = [this.table, this.shell, [...this.sourcedFunctions]];
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
 * `table` after `redirects` of `by`, in order: a file opened gives its descriptor that file as
 * a sink (a command's own, `exec` null, gives none: ./removed-outputs.ts reads those), a move
 * (`2>&1`, `>&3`) copies another descriptor's sinks, a close or /dev/null leaves none. `replace`
 * false: the redirects may not run, so what they open is added to what was there.
 */
function applied(table: Table, redirects: readonly Redirect[], by: ScriptCommand, exec: boolean | null, replace: boolean): Table {
  const t: Table = new Map(table);
  const set = (fd: string, sinks: readonly Sink[]) => t.set(fd, replace ? sinks : [...(t.get(fd) ?? []), ...sinks]);
  for (const r of redirects) {
    if (r.body !== undefined) continue;
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
 * reached the file through the call. `commandAt`: the caller's command of an index (the pipe's
 * readers); `caller`: the caller's descriptors as the call runs (`exec > ci.log 2>&1` before
 * it). A path only known at run time is null.
 */
export function callOutputs(script: ScriptFile, removed: ReadonlySet<ScriptCommand>, call: ScriptCommand, commandAt: (index: number) => ScriptCommand | undefined = () => undefined, caller: Descriptors = new Descriptors(undefined), fs?: RepoFs): { sink: Sink; by: ScriptCommand }[] {
  if (script.kind !== 'shell') return [];
  const inherited = caller.callSinks(call, commandAt, script.file);
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
 * it read (`gzip > log.gz`, `wc -l > count.txt`). A reader not known is a path only known at run
 * time; one whose own writes the tool cannot tell (`awk '{print > "build.log"}'`, `sed -n 'w
 * build.log'`: ./untold-writers.ts) may write any file.
 */
function piped(reader: ScriptCommand | undefined, call: ScriptCommand, commandAt: (index: number) => ScriptCommand | undefined, depth: number): Sink[] {
  const raw = reader ? `| ${shownCommand(reader)}` : '|';
  if (!reader || depth > 8) return [{ path: null, opener: call, raw, exec: false }];
  let t: Table = new Map();
  if (reader.around) t = applied(t, reader.around, reader, false, true);
  if (reader.stdout?.kind === 'pipe') t.set('1', piped(commandAt(reader.stdout.to), reader, commandAt, depth + 1));
  else if (reader.stdout) t.set('1', []);
  t = applied(t, reader.redirects, reader, false, true);
  const own: Sink[] = [];
  // (past the wrappers that run it: `sudo tee build.log`, `stdbuf -oL tee build.log`; a wrapper whose options cannot be read may run tee)
  const program = programAt(reader.words);
  if (!program.known) own.push({ path: null, opener: call, raw, exec: false });
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
  return [...own, ...(t.get('1') ?? []).map((s) => ({ ...s, raw: `${raw} ${s.raw}` }))].map((s) => ({ ...s, opener: call }));
}

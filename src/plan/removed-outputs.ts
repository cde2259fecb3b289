/**
 * Files the removed commands wrote through a redirect: `docker build … > build.log 2>&1`, `docker
 * run … go test ./... > report.txt`. The migrated script no longer writes them, so a command
 * that stays and reads one (`grep -c Step build.log`, `tar czf logs.tgz .`), or a CI key or step
 * of the same file taking it from the job's folder (`actions/upload-artifact` `path: build.log`),
 * would fail or read something else; so would a build that stays and copies it from its context
 * (the runtime Dockerfile's `COPY out/ /srv/`, ./output-copies.ts): the image would lack it. The
 * scripts run after the setup's own (callers, neighbours, sibling entries: ./caller-uses.ts) are
 * read for these alike. Such a read refuses the setup (REMOVED_OUTPUT_USED), and a
 * removed command writing to a file only known at run time refuses it too, as what reads that
 * file cannot be told. A file nothing reads afterwards is simply no longer written.
 *
 * The artifact itself (`docker run IMG cat /app > app`) is the extraction's own output, checked
 * as the artifact; `/dev/null` and descriptor moves (`2>&1`) write no file.
 */
import { artifactUse } from '../analyze/host-uses.js';
import { hostEffect, readsOnlyNamed } from './host-commands.js';
import { SOURCING } from '../analyze/sourced-files.js';
import { trapRuns } from '../analyze/trap-handlers.js';
import type { RepoFs } from '../model/fs.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation } from '../model/docker-command.js';
import { resolveRel } from '../model/paths.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import { jobOf, readMeets, workspaceReads, type WorkspaceRead } from './workspace-reads/index.js';

export { jobOf };
import { forcedRemoval } from './forced-removal.js';
import { Descriptors, isExecRedirect, redirectText } from './descriptor-outputs.js';
import { copiedFromContext, type BuildReading } from './output-copies.js';
import { keepsBuilderImage, type Artifact, type Setup } from '../model/setup.js';
import type { EmbeddedScript } from '../analyze/embedded.js';


/** Redirect operators that write a file. */
const WRITES = new Set(['>', '>>', '>|', '&>', '&>>', '>&']);

export interface Output {
  path: string | null;
  by: ScriptCommand;
  raw: string;
  /** How its output reached the file when the command did not open it (`; its output went there through \`exec 3>build.log\` (build.sh:3)`). */
  via?: string;
  /** Written by a program whose writes the tool cannot tell (./untold-writers.ts): it may be any file (`path` null). */
  anywhere?: true;
}

/**
 * The files `cmd` writes through its redirects, and through descriptors an `exec` before it or
 * a compound statement around it opened (./descriptor-outputs.ts; null: a path only known at
 * run time).
 */
function outputsOf(cmd: ScriptCommand, artifacts: readonly Artifact[], fds?: Descriptors): Output[] {
  const out: Output[] = [];
  for (const s of fds?.written(cmd) ?? []) {
    if (s.path !== null && artifacts.some((a) => a.hostPath === s.path)) continue;
    const where = s.exec ? `\`exec ${s.opener.redirects.map(redirectText).join(' ')}\` at ${s.opener.file}:${s.opener.line}` : `the redirect \`${s.raw}\` of the compound statement around it`;
    out.push({ path: s.path, by: cmd, raw: s.raw, via: `; its output went there through ${where}` });
  }
  for (const r of cmd.redirects) {
    if (!WRITES.has(r.op)) continue;
    // `> >(tee build.log)`: the files tee writes.
    if (r.tee) {
      for (const t of r.tee) {
        const path = t.value === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, t.value);
        if (path === null || !artifacts.some((a) => a.hostPath === path)) out.push({ path, by: cmd, raw: `${r.op} ${r.target.raw}` });
      }
      continue;
    }
    const v = r.target.value;
    // `>&2`, `2>&1`: a descriptor, no file.
    if (v !== null && (/^[0-9-]$/.test(v) || v === '/dev/null' || v === '/dev/stderr' || v === '/dev/stdout')) continue;
    const path = v === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, v);
    if (path !== null && artifacts.some((a) => a.hostPath === path)) continue;
    out.push({ path, by: cmd, raw: `${r.op}${r.target.raw}` });
  }
  return out;
}

/**
 * The diagnostics for the setup's commands that stay after a removed command wrote a file:
 * `sequence` in the order the commands run, `removed` what the migration takes out.
 */
export function removedOutputUses(setup: Setup, sequence: readonly ScriptCommand[], removed: ReadonlySet<ScriptCommand>, script?: ScriptFile, reading?: BuildReading): Diagnostic[] {
  const out: Diagnostic[] = [];
  const outputs: Output[] = [];
  const fds = new Descriptors(script, undefined, reading?.fs);
  for (const cmd of sequence) {
    fds.see(cmd);
    if (removed.has(cmd)) {
      for (const o of outputsOf(cmd, setup.artifacts, fds)) {
        if (o.path !== null) {
          outputs.push(o);
          continue;
        }
        out.push(unknownOutput(setup, o));
      }
      continue;
    }
    // `rm -f build.log` succeeds whether or not the file is there.
    if (outputs.length === 0 || forcedRemoval(cmd)) continue;
    // A file read where it was written, or through a folder or pattern holding it, as an artifact is.
    const d = outputRead(setup, cmd, outputs, artifactUse, '', reading);
    if (d) out.push(d);
    // Written anew on every path (`make test > build.log`): what reads it afterwards reads this
    // (when the removed writer ran where it is written, not from a function called later).
    for (const p of rewritten(cmd)) outputs.splice(0, outputs.length, ...outputs.filter((o) => o.path !== p || !inPlace(o.by)));
  }
  // A trap's handler runs when the script ends, whenever it was set (../analyze/trap-handlers.ts).
  for (const cmd of sequence) {
    if (removed.has(cmd) || outputs.length === 0) continue;
    const runs = trapRuns(cmd, script ?? null);
    if (runs === undefined) continue;
    if (runs === null) {
      const o = outputs[0]!;
      out.push(diag('REMOVED_OUTPUT_USED', 'error', `the trap \`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) runs text only known at run time when the script ends, which may read ${o.path}, written by \`${shownCommand(o.by)}\` (${o.by.file}:${o.by.line}${o.via ?? ''}), which the migration removes: the migrated script no longer writes it`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT }));
      continue;
    }
    for (const c of runs) {
      const d = outputRead(setup, c, outputs, artifactUse, `, in the trap \`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) sets, which runs when the script ends`, reading);
      if (d) {
        out.push(d);
        break;
      }
    }
  }
  // A CI key or step that takes the file from the job's folder afterwards (`actions/upload-artifact` `path: build.log`).
  if (script) {
    const job = jobOf(script, sequence);
    for (const o of outputs) {
      for (const r of workspaceReads(script.kind, script.text)) {
        const d = sameJob(r, job) ? outputTaken(setup, r, script.file, [o]) : null;
        if (d) {
          out.push(d);
          break;
        }
      }
    }
  }
  return out;
}

/**
 * What the migration stops writing for a setup, as a script run after the setup's own could find
 * it (a caller reading the log after `sh build.sh`, a script beside it, another Make target): the
 * files the commands it removes (the builder build unless its image is kept, the extraction and
 * the cleanup) wrote through a redirect, less those a command of the script that stays removes
 * after writing them (`rm -f build.log`), which the old script did not leave either. A path only
 * known at run time is the setup's own refusal (removedOutputUses).
 */
export function leftOutputs(setup: Setup, script: ScriptFile | undefined, fs?: RepoFs): Output[] {
  const removed = new Set([...(keepsBuilderImage(setup) ? [] : [setup.builder.inv.cmd]), ...setup.extraction, ...setup.cleanup]);
  // (the commands that stay are listed only when a removed one wrote something: most write
  // nothing, and a file of many setups asks for each setup once per entry it checks)
  let staying: ScriptCommand[] | undefined;
  const out: Output[] = [];
  // (the descriptors an `exec` opened are followed through the file in order, where it has one)
  const fds = script?.commands.some((c) => isExecRedirect(c) || (fs !== undefined && SOURCING.has(c.words[0]?.value ?? ''))) ? descriptorsAt(script, fs) : undefined;
  for (const cmd of removed) {
    for (const o of outputsOf(cmd, setup.artifacts, fds?.(cmd) ?? new Descriptors(script))) {
      if (o.path === null || out.some((x) => x.path === o.path)) continue;
      staying ??= (script?.commands ?? []).filter((c) => !removed.has(c));
      const gone = staying.some((c) => c.index > cmd.index && c.file === cmd.file && removes(c, o.path!));
      if (!gone) out.push(o);
    }
  }
  return out;
}

/** For each command of `script`, its shell's descriptors as they are when it runs (the file's commands in order). */
function descriptorsAt(script: ScriptFile, fs?: RepoFs): (cmd: ScriptCommand) => Descriptors {
  const fds = new Descriptors(script, undefined, fs);
  const at = new Map<ScriptCommand, Descriptors>();
  for (const c of script.commands) {
    fds.see(c);
    at.set(c, fds.snapshot());
  }
  return (cmd) => at.get(cmd) ?? new Descriptors(script);
}

/** `rm … PATH` (or a folder holding it), run where it can be resolved. */
function removes(cmd: ScriptCommand, target: string): boolean {
  if (cmd.words[0]?.value !== 'rm' || cmd.cwd === null) return false;
  return cmd.words.slice(1).some((w) => {
    if (w.value === null || w.value.startsWith('-')) return false;
    const p = resolveRel(cmd.cwd!, w.value);
    return p === target || target.startsWith(`${p}/`);
  });
}

/**
 * The refusal for a command run after the setup's script that reads one of `outputs` (the
 * artifacts' own reading, given as `uses`: a caller's, or the narrower one of a script that only
 * may run after it); `after` says where it is and why it runs after the setup's script.
 */
export function outputRead(setup: Setup, cmd: ScriptCommand, outputs: readonly Output[], uses: typeof artifactUse, after: string, reading?: BuildReading): Diagnostic | null {
  if (outputs.length === 0) return null;
  // A build that copies it from its context (the runtime build's `COPY out/ /srv/`): ./output-copies.ts.
  const inv = dockerInvocation(cmd);
  const copied = inv && reading ? copiedFromContext(inv, outputs.map((o) => o.path!), reading) : null;
  if (copied) {
    const o = outputs.find((x) => x.path === copied.path)!;
    return diag('REMOVED_OUTPUT_USED', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) builds from ${o.path}${after}: ${copied.why}, but it was written by \`${shownCommand(o.by)}\` (${o.by.file}:${o.by.line}${o.via ?? ''}), which the migration removes: the migrated script no longer writes it`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT });
  }
  const pseudo = outputs.map((o) => ({ hostPath: o.path! }) as Artifact);
  // A redirect that truncates the file (`> build.log`) writes it whatever was there: no read of it.
  const paths = new Set(outputs.map((o) => o.path));
  const kept = cmd.redirects.filter((r) => !(TRUNCATES.has(r.op) && paths.has(redirectPath(cmd, r))));
  const use = uses(kept.length === cmd.redirects.length ? cmd : { ...cmd, redirects: kept }, inv, pseudo);
  if (!use) return null;
  const o = outputs[pseudo.indexOf(use.artifacts[0]!)]!;
  return diag('REMOVED_OUTPUT_USED', 'error', `${use.why.replace(/\bit$/, o.path!)}${after}, but it was written by \`${shownCommand(o.by)}\` (${o.by.file}:${o.by.line}${o.via ?? ''}), which the migration removes: the migrated script no longer writes it`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT });
}

/**
 * The refusal for a command run after the setup's script that may read a file a program whose
 * writes the tool cannot tell wrote from the removed commands' output (`./build.sh | awk
 * '{print > "build.log"}'`, then `cat build.log`): one that reads a file (each path it reads is
 * checked as if that program wrote it, as `outputRead` does), a pattern or a path only known
 * at run time, a build from a context, or a program the tool does not model, which may read it.
 */
export function untoldRead(setup: Setup, cmd: ScriptCommand, outputs: readonly Output[], uses: typeof artifactUse, after: string, reading?: BuildReading): Diagnostic | null {
  const o = outputs.find((x) => x.anywhere);
  if (!o) return null;
  const refuse = (why: string) => diag('REMOVED_OUTPUT_USED', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${why}${after}, which may be a file \`${o.raw}\` wrote from the output of \`${shownCommand(o.by)}\` (${o.by.file}:${o.by.line}), which the migration removes: the tool does not know which files that program writes, and the migrated script no longer prints that output`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT });
  const inv = dockerInvocation(cmd);
  if (inv) return inv.verb === 'build' ? refuse('builds from a context') : null;
  const effect = hostEffect(cmd);
  if (!effect.known && !readsOnlyNamed(cmd, effect)) return refuse(`runs ${effect.program === null ? 'a program only known at run time' : 'a program the tool does not model'}, which may read files`);
  // (the last first: `grep -q Successfully build.log` reads the file after its pattern)
  for (const u of [...effect.reads].reverse()) {
    if (u.path === null || u.glob) return refuse(`reads ${u.glob ? `the pattern ${u.word.raw}` : `${u.word.raw}, a path only known at run time`}`);
    if (u.path === '') return refuse('reads the repository\'s root folder');
    const d = outputRead(setup, cmd, [{ ...o, path: u.path, anywhere: undefined }], uses, after, reading);
    if (d) return d;
  }
  return null;
}

/** Redirect operators that write a file from its start, whatever it held. */
const TRUNCATES = new Set(['>', '>|', '&>']);

const redirectPath = (cmd: ScriptCommand, r: ScriptCommand['redirects'][number]) => (r.target.value === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, r.target.value));

/**
 * The files `cmd` writes anew on every path through its script (`go test ./... > build.log`, not
 * in a branch, a chain after its first member or a loop): a later read reads what it wrote.
 */
export function rewritten(cmd: ScriptCommand): string[] {
  if (!inPlace(cmd)) return [];
  return cmd.redirects.filter((r) => TRUNCATES.has(r.op)).flatMap((r) => redirectPath(cmd, r) ?? []);
}

/** Whether a command runs once, where it is written: not in a branch, a chain after its first member, a function or a loop. */
export const inPlace = (cmd: ScriptCommand) => !cmd.conditional && !cmd.loop && (cmd.branches?.length ?? 0) === 0;

/** The refusal for a CI-native read (`actions/upload-artifact` `path: build.log`) of one of `outputs`, or null. */
export function outputTaken(setup: Setup, r: WorkspaceRead, file: string, outputs: readonly Output[], after = ''): Diagnostic | null {
  const o = outputs.find((x) => readMeets(r, x.path!, x.by.words[0]!) !== null);
  if (!o) return null;
  const what = r.path === null ? `a path only known at run time, which may be ${o.path}` : r.path === o.path ? o.path! : `${r.path}, which holds ${o.path}`;
  return diag('REMOVED_OUTPUT_USED', 'error', `${r.by} (${file}:${r.line}) reads ${what}${after}, but it was written by \`${shownCommand(o.by)}\` (${o.by.file}:${o.by.line}${o.via ?? ''}), which the migration removes: the migrated job no longer writes it`, { file, line: r.line, setup: setup.id, hint: HINT });
}

/**
 * Whether a CI-native read takes the folder of `job`'s run: another job of the same file starts
 * from a checkout of its own on its own machine (GitHub, GitLab, CircleCI), so a file one job's
 * commands wrote is not in another's folder unless an artifact or cache passes it, and that is a
 * read of the first job's own keys. A read of no known job (`default:`, a template) may be it.
 */
export function sameJob(r: WorkspaceRead, job: string | undefined): boolean {
  return r.job === undefined || job === undefined || r.job === job;
}

/**
 * The refusal for a removed command's output reaching a file only known at run time (`> "$LOG"`,
 * in its script or in a call of it, `at`): what reads that file cannot be told.
 */
export function unknownOutput(setup: Setup, o: Output, at: ScriptCommand = o.by): Diagnostic {
  const cmd = o.by;
  return diag('REMOVED_OUTPUT_USED', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) goes, and it wrote a file only known at run time (\`${o.raw}\`${o.via ?? ''}), which the migrated script no longer writes: what reads it cannot be told`, { file: at.file, line: at.line, setup: setup.id, hint: HINT });
}

const HINT = 'Write that file from a command that stays (or stop reading it), then run the tool again; or migrate by hand.';

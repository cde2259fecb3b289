/**
 * The folder a shell script (or a JavaScript build script) starts in. Run by hand, a script is assumed to run from its own
 * folder; but a script another script, a Makefile recipe, an npm script or a CI step runs
 * (`./scripts/build.sh` from the root) starts in its caller's folder, and its relative paths
 * are the caller's. This finds the callers of each shell script among the files read, and the
 * folder each runs it from:
 *
 * - every caller runs it from one folder: the script is read from that folder;
 * - callers run it from different folders (or from one the tool cannot follow), and the
 *   script's commands do not run in the same folders either way (it does not `cd` to a fixed
 *   place first): its setups are refused (`CALLER_FOLDERS_DIFFER`).
 *
 * A call is a command that runs the script in any form ./script-runs.ts reads: its path as the
 * program (`./scripts/build.sh`), after `sh`/`bash`/`dash`, past wrappers (`timeout 600`), from
 * `env -C DIR`, inside a `sh -c` text, or as a path only known at run time that `find -exec` or
 * `xargs` hand a shell; resolved against the folder it runs from. `source`/`.` run the file in
 * the caller's own shell and are not calls.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { folderOf, resolveRel } from '../model/paths.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { keptCommands } from './release-scripts.js';
import { mayRunNamed, runsInPlace, scriptRuns } from './script-runs.js';
import { mayBe, namings } from './script-namings.js';
import { COMPOSE_FILE, DOCKERFILE, isDocumentation } from '../discover/passed-over.js';
import { LineIndex } from '../model/text.js';
import { SCRIPT_SHELLS as SHELLS } from '../model/shells.js';
import { addTo } from '../model/multimap.js';
import { bashEnvOf } from './bash-env.js';
import { envPrefix } from '../model/wrappers.js';
import type { PathFolder } from './shell/types.js';
import type { TextOf } from './step-env-files.js';
import { callEnvironments, type CallEnvironment } from './call-environment.js';

/** One command that runs a script, and the folder it runs it from (null: not known). */
export interface Call {
  file: string;
  line: number;
  cwd: string | null;
  /** BASH_ENV the call runs the script with (null: only known at run time), when set (./bash-env.ts). */
  bashEnv?: string | null;
  /** A naming of the script the tool does not read as a run of it (why), counted as a call from a folder it cannot follow. */
  unread?: string;
  /** What the call's environment holds for the script beyond its own text, when anything (./call-environment.ts). */
  environment?: CallEnvironment;
}

/** Commands whose folder does not change what they do (a `cd` shows in the folders after it; the others print names the script finds itself by). */
const FOLDER_FREE = new Set(['set', 'echo', 'printf', 'export', 'readonly', 'local', 'true', 'false', ':', 'exit', 'return', 'shopt', 'umask', 'cd', 'pwd', 'dirname', 'basename', 'readlink', 'realpath']);

/** The script path a command runs (as written) and the folder it runs it from, or null. */
export function calledPath(cmd: ScriptCommand): string | null {
  const words = cmd.words;
  let i = words[0]?.value === 'exec' ? 1 : 0;
  if (words[i]?.value === 'env') {
    const env = envPrefix(cmd);
    if (env === null) return null;
    i = env.at;
  }
  let prog = words[i]?.value ?? null;
  if (prog === null) return null;
  if (SHELLS.has(path.basename(prog))) {
    // `bash -e scripts/build.sh`, `bash -o errexit -O extglob -- scripts/build.sh`: options
    // (`-o`/`-O`, also `+o`/`+O` and clustered as in `-eo`, and `--rcfile`/`--init-file` take
    // the next word), then the file; `-c` runs text, not a file.
    for (i++; ; i++) {
      const opt = words[i]?.value;
      if (opt === undefined || opt === null || opt === '-' || opt === '+' || !/^[-+]/.test(opt)) break;
      if (opt === '--') {
        i++;
        break;
      }
      if (/^-[a-zA-Z]*c/.test(opt)) return null;
      if (/^[-+][a-zA-Z]*[oO]$/.test(opt) || opt === '--rcfile' || opt === '--init-file') i++;
    }
    prog = words[i]?.value ?? null;
    return prog !== null && !prog.startsWith('/') && !prog.startsWith('~') ? prog : null;
  }
  // A program named without a slash is looked up on PATH, not in the repository.
  return prog.includes('/') && !prog.startsWith('/') && !prog.startsWith('~') ? prog : null;
}


/**
 * The scripts of `targets` a command runs (./script-runs.ts), each with the folder it runs it
 * from: the one its path names from its folder, or, from a folder the tool cannot follow, every
 * target of that file name (`named`: targets by base name). A run whose path is only known at
 * run time (`find . -name build.sh -exec sh {} \;`) is of every target whose file name `text`
 * (the caller's file) holds.
 */
export function targetCalls(cmd: ScriptCommand, targets: ReadonlySet<string>, named: ReadonlyMap<string, readonly string[]>, text: string): { target: string; cwd: string | null }[] {
  const out: { target: string; cwd: string | null }[] = [];
  const add = (target: string, cwd: string | null) => {
    if (!out.some((o) => o.target === target && o.cwd === cwd)) out.push({ target, cwd });
  };
  for (const run of scriptRuns(cmd)) {
    if (run.path === null) {
      for (const [name, ts] of named) if (text.includes(name)) for (const t of ts) add(t, run.ownFolder ? folderOf(t) : run.cwd);
    } else if (run.cwd === null) {
      for (const t of named.get(path.basename(run.path)) ?? []) add(t, null);
    } else {
      const rel = resolveRel(run.cwd, run.path);
      // Run by a program the tool does not model: from a folder only known at run time.
      if (targets.has(rel)) add(rel, run.anyFolder ? null : run.cwd);
    }
  }
  return out;
}

/** The scripts of `targets` a command of the file holding `text` runs (./script-runs.ts). */
export function calledTargets(cmd: ScriptCommand, targets: ReadonlySet<string>, named: ReadonlyMap<string, readonly string[]>, text: string): readonly string[] {
  return [...new Set(targetCalls(cmd, targets, named, text).map((c) => c.target))];
}


/**
 * The targets a command names by their file name in a word (as read, or as written in the
 * caller's file `text`) without the tool reading it as a run of a script of that name, when
 * the command may run what it names (./script-runs.ts `mayRunNamed`: not `echo`, `cp`, a
 * linter): `iex '.\scripts\build.ps1'`, `bash "$DIR/build.sh"`. It may run the script, from a
 * folder the tool cannot follow: a script's folder is never assumed to be its own because a
 * caller spells its run in a way the tool does not read. Comments are no commands, so a
 * script named in one is no call.
 */
function unreadNamings(cmd: ScriptCommand, named: ReadonlyMap<string, readonly string[]>, calls: readonly { target: string }[], text: string): string[] {
  const out: string[] = [];
  let may: boolean | undefined;
  const ran = new Set([...scriptRuns(cmd).flatMap((r) => (r.path === null ? [] : [path.basename(r.path)])), ...calls.map((c) => path.basename(c.target))]);
  for (const [name, ts] of named) {
    if (ran.has(name)) continue;
    const spelt = (w: ScriptCommand['words'][number]) => [w.raw, w.value ?? '', w.start >= 0 && w.end <= text.length ? text.slice(w.start, w.end) : ''].some((s) => s.includes(name) && namings(s, name).length > 0);
    if (!cmd.words.some(spelt)) continue;
    may ??= mayRunNamed(cmd);
    if (may) out.push(...ts);
  }
  return out;
}

/**
 * The calls of each of `targets` (repository-relative shell scripts) made by `callers`. A call
 * from a folder the tool cannot follow counts for every target of that file name.
 */
export function callsOf(targets: readonly string[], callers: Iterable<ScriptFile>, text?: TextOf): Map<string, Call[]> {
  const set = new Set(targets);
  const named = new Map<string, string[]>();
  for (const t of targets) addTo(named, path.basename(t), t);
  const out = new Map<string, Call[]>();
  for (const script of callers) {
    // A script released after analysis kept every command that calls a script (./release-scripts.ts).
    const kept = keptCommands(script);
    const environmentOf = text !== undefined ? callEnvironments(script, kept, text) : null;
    for (const cmd of kept) {
      const bashEnv = bashEnvOf(cmd);
      const calls = targetCalls(cmd, set, named, script.text);
      const given = calls.length > 0 ? environmentOf?.(cmd) : null;
      const environment = given ? { environment: given } : {};
      for (const { target: t, cwd } of calls) if (t !== script.file) addTo(out, t, { file: cmd.file, line: cmd.line, cwd, ...(bashEnv !== undefined && bashEnv !== '' ? { bashEnv } : {}), ...environment });
      for (const t of unreadNamings(cmd, named, calls, script.text)) {
        // Run where the command stands, in the folder the script is read from anyway (its own; a JS script's is its package's): the same reading, whether or not it runs this script.
        if (t === script.file || (cmd.cwd === folderOf(t) && !/\.(?:[cm]?[jt]s|[jt]sx)$/.test(t) && runsInPlace(cmd))) continue;
        addTo(out, t, { file: cmd.file, line: cmd.line, cwd: null, unread: 'names it in a command the tool does not read as a run of it' });
      }
    }
  }
  return out;
}

/**
 * Where a script starts when callers run it from a folder other than its own; with `conflict`,
 * callers run it from several (it is read from the first), which refuses its setups.
 */
export interface Start {
  cwd: string | null;
  conflict?: Diagnostic;
  /** The repository folders PATH holds where callers run the script (Call.environment; the shadow check's: ./shadowed-commands.ts). */
  callerPath?: { entry: PathFolder; at: string }[];
  /** The functions callers export to it (`export -f docker`), each with where: the shadow check's too. */
  callerFunctions?: { name: string; at: string }[];
}

/**
 * Where `script` starts given its calls: null for its own folder (no callers, or all run it
 * from there). `readFrom(cwd)` reads it from a folder: folders that differ matter only when
 * its commands run in different folders between those readings.
 */
export function startOf(script: string, calls: readonly Call[] | undefined, readFrom: (cwd: string | null) => ScriptFile | null, own = path.dirname(script) === '.' ? '' : path.dirname(script)): Start | null {
  if (!calls || calls.length === 0) return null;
  const folders = [...new Set(calls.map((c) => c.cwd))];
  // A caller running it with BASH_ENV set: bash sources that file first (./bash-env.ts).
  const withEnv = calls.find((c) => c.bashEnv !== undefined);
  if (withEnv) {
    return {
      cwd: folders[0]!,
      conflict: diag('BASH_ENV_SET', 'error', `${withEnv.file}:${withEnv.line} runs ${script} with BASH_ENV set to ${withEnv.bashEnv === null ? 'a value only known at run time' : `\`${withEnv.bashEnv}\``}: a bash started for it sources that file first, and what it defines (functions, aliases, shell options, traps) may change what the script's steps do; the tool does not read it`, {
        file: script,
        line: 1,
        hint: 'Source the file in the script itself (`. ./ci/env.sh`), where the tool reads it, or run the script without BASH_ENV; then run the tool again, or migrate by hand.',
      }),
    };
  }
  // A caller's earlier step setting a variable that matters for the later ones (./step-env-files.ts).
  const withStepEnv = calls.find((c) => c.environment?.env);
  if (withStepEnv) {
    return {
      cwd: folders[0]!,
      conflict: diag('STEP_ENV_WRITTEN', 'error', `${withStepEnv.environment!.env} before ${withStepEnv.file}:${withStepEnv.line} runs ${script}: a variable such as BASH_ENV, DOCKER_BUILDKIT or DOCKER_HOST changes what the script's steps run, and the tool reads the script with the environment its callers give`, {
        file: script,
        line: 1,
        hint: 'Set the variable in the YAML (`env:` of the job or step), where the tool reads it, or in the script itself; then run the tool again, or migrate by hand.',
      }),
    };
  }
  const callerPath = calls.flatMap((c) => c.environment?.path ?? []);
  const callerFunctions = calls.flatMap((c) => c.environment?.functions ?? []);
  const withPath = (s: Start | null): Start | null => (callerPath.length === 0 && callerFunctions.length === 0 ? s : { ...(s ?? { cwd: own }), ...(callerPath.length > 0 ? { callerPath } : {}), ...(callerFunctions.length > 0 ? { callerFunctions } : {}) });
  // Named only where the tool does not read a run (./script-namings.ts): from a folder it cannot follow, or by hand from its own.
  const unread = calls.find((c) => c.unread !== undefined);
  if (unread && folders.length === 1 && folders[0] === null) {
    const moves = readFrom(null)?.commands.filter((c) => !FOLDER_FREE.has(c.words[0]?.value ?? ''));
    if (!moves || moves.some((c) => c.cwd === null)) {
      return {
        cwd: null,
        conflict: diag('CALLER_FOLDERS_DIFFER', 'error', `${unread.file}:${unread.line} ${unread.unread}: it may run ${script} from a folder the tool cannot follow, where its relative paths name other files than from its own folder`, {
          file: script,
          line: 1,
          hint: 'Make the script move to a fixed folder first (cd "$(dirname "$0")/.."), or run it in a form the tool reads (`./scripts/build.sh`, `& ./scripts/build.ps1`), then run the tool again.',
        }),
      };
    }
  }
  if (folders.length > 1) {
    const readings = folders.map((f) => readFrom(f)?.commands.filter((c) => !FOLDER_FREE.has(c.words[0]?.value ?? '')).map((c) => c.cwd) ?? null);
    const first = readings[0];
    const same = first != null && readings.every((r) => r !== null && r.length === first.length && r.every((cwd, i) => cwd !== null && cwd === first[i]));
    if (!same) {
      const shown = (c: Call) => `${c.file}:${c.line} from ${c.cwd === null ? `a folder the tool cannot follow${c.unread ? ` (it ${c.unread})` : ''}` : c.cwd === '' ? 'the root' : c.cwd}`;
      return {
        cwd: folders[0]!,
        conflict: diag('CALLER_FOLDERS_DIFFER', 'error', `${script} is run from different folders (${calls.map(shown).join(', ')}), and its relative paths name different files from each`, {
          file: script,
          line: 1,
          hint: 'Make the script move to a fixed folder first (cd "$(dirname "$0")/.."), or run it from one folder, then run the tool again.',
        }),
      };
    }
  }
  return withPath(folders[0] === own ? null : { cwd: folders[0]! });
}

/** The reading of files the analysis needs here: a file's kind and its commands (from a start folder, for shell). */
export interface Reader {
  text(rel: string): string | null;
  isShell(rel: string, text: string): boolean;
  /**
   * For a script of another kind that starts in its callers' folder (a JavaScript/TypeScript
   * build script run by `node FILE`, `tsx FILE`…; a PowerShell script run by `pwsh -File FILE`),
   * the folder it is read from when nothing runs it from elsewhere (a JS script's package's, a
   * PowerShell script's own); undefined for any other file.
   */
  startFolder?(rel: string, text: string): string | undefined;
  read(rel: string, text: string, start: { cwd: string | null } | null): ScriptFile | null;
}

/**
 * The targets a file the tool cannot read as a script names (./script-namings.ts: a whole file
 * name, in a token that may be that script), each as a call at its first such naming. A run
 * starts in the folder its relative path is resolved from: a token that names the script from
 * the file's own folder (`./build.sh` beside it, `scripts/build.sh` from the root), read as
 * the tool reads a script nothing runs (from its own folder), runs it from there. Any other
 * (after a value only known when the file runs, `$DIR/build.sh`; a bare name naming it only
 * from elsewhere, after a `cd` the tool cannot see; absolute) runs it from a folder the tool
 * cannot follow.
 */
function unreadCalls(rel: string, text: string, targets: readonly string[]): [string, Call][] {
  const out: [string, Call][] = [];
  const dir = folderOf(rel);
  let lines: LineIndex | null = null;
  for (const t of targets) {
    if (t === rel || !text.includes(path.basename(t))) continue;
    const all = namings(text, path.basename(t)).filter((n) => mayBe(n.token, n.afterExpansion, rel, t));
    if (all.length === 0) continue;
    lines ??= new LineIndex(text);
    const here = (n: (typeof all)[number]) => !n.afterExpansion && !/^[/~]/.test(n.token) && resolveRel(dir, n.token) === t;
    const far = all.find((n) => !here(n));
    const hit = far ?? all[0]!;
    out.push([t, { file: rel, line: lines.lineOf(hit.at), cwd: far ? null : dir, ...(far ? { unread: 'names it, and the tool cannot read that file' } : {}) }]);
  }
  return out;
}

/**
 * Where each shell script of `files` that runs docker starts, for those its callers run from
 * elsewhere. Callers are the files of `files` and `quiet` (files without docker that may run
 * a script) that name a script's file name; a caller that is itself such a script is read
 * from its own start (a few rounds, for chains of scripts).
 */
export function startFolders(files: readonly string[], quiet: readonly string[], r: Reader): Map<string, Start> {
  const starts = new Map<string, Start>();
  // JavaScript and PowerShell scripts too: `node tools/build.js` from the root runs it from the root, whatever its own folder.
  const own = new Map<string, string>();
  const targets = files.filter((rel) => {
    const t = r.text(rel);
    if (t === null || !t.includes('docker')) return false;
    const other = r.startFolder?.(rel, t);
    if (other !== undefined) own.set(rel, other);
    return other !== undefined || r.isShell(rel, t);
  });
  if (targets.length === 0) return starts;
  const names = [...new Set(targets.map((t) => path.basename(t)))];
  const callers = [...files, ...quiet].filter((rel) => {
    const t = r.text(rel);
    return t !== null && names.some((n) => t.includes(n));
  });
  if (callers.length === 0) return starts;
  const readings = new Map<string, ScriptFile>();
  const readCaller = (rel: string) => {
    const s = starts.get(rel);
    const got = r.read(rel, r.text(rel)!, s ? { cwd: s.cwd } : null);
    if (got) readings.set(rel, got);
    else readings.delete(rel);
  };
  callers.forEach(readCaller);
  // A caller the tool cannot read (it does not parse, or no reader takes it: a justfile) may run a script it names from any folder.
  const unread = callers.filter((rel) => !readings.has(rel) && !DOCKERFILE.test(path.basename(rel)) && !COMPOSE_FILE.test(path.basename(rel)) && !isDocumentation(rel));
  for (let round = 0; round < 4; round++) {
    const calls = callsOf(targets, readings.values(), r.text);
    for (const rel of unread) for (const [t, call] of unreadCalls(rel, r.text(rel)!, targets)) addTo(calls, t, call);
    const changed: string[] = [];
    for (const t of targets) {
      const next = startOf(t, calls.get(t), (cwd) => r.read(t, r.text(t)!, { cwd }), own.get(t));
      const prev = starts.get(t) ?? null;
      if (JSON.stringify(prev) === JSON.stringify(next)) continue;
      if (next) starts.set(t, next);
      else starts.delete(t);
      changed.push(t);
    }
    const reread = changed.filter((t) => readings.has(t));
    if (reread.length === 0) break;
    reread.forEach(readCaller);
  }
  return starts;
}

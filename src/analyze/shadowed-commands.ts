/**
 * A script that defines a shell function or alias under the name of a program the setup runs
 * (`docker() { command docker "$@"; chmod 0700 "$3"; }`, `alias docker='docker --config ci'`,
 * `rm() { :; }`): every step read as `docker cp …` or `chmod …` runs that function instead, and
 * what it does besides (or instead) is not what the tool reads. The migration would remove the
 * call and with it whatever the function did to the artifact, so the setup is refused
 * (COMMAND_SHADOWED). A function or alias of any other name is no concern here, and so is an
 * alias bash never expands in the script (./alias-expansion.ts), unless a caller runs it with
 * another shell. So is a file of that name in a folder of the repository the script puts on PATH
 * (`export PATH="$PWD/tools:$PATH"` with tools/docker a wrapper).
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import { setupCommands, type Setup } from '../model/setup.js';
import { pathEntry } from './path-entries.js';
import { holdsFolder } from './script-folder.js';
import { aliasesOff } from './alias-expansion.js';
import type { RepoFs } from '../model/fs.js';
import { sourcedFiles } from './sourced-files.js';
import { githubPathEntries } from './step-env-files.js';
import { dockerEnvironment } from '../model/docker-command.js';
import { envPrefix } from '../model/wrappers.js';
import { CI_PATH_KINDS, expressionPathEntries } from './hosts/ci-path-expressions.js';
import type { PathFolder } from './shell/types.js';

/** The names `alias NAME=VALUE` defines in the sequence; null stands for a name only known at run time. */
function aliasNames(sequence: readonly ScriptCommand[]): Map<string | null, ScriptCommand> {
  const names = new Map<string | null, ScriptCommand>();
  for (const cmd of sequence) {
    if (cmd.words[0]?.value !== 'alias') continue;
    for (const w of cmd.words.slice(1)) {
      if (w.value === null) names.set(null, cmd);
      else if (w.value.includes('=')) names.set(w.value.slice(0, w.value.indexOf('=')), cmd);
    }
  }
  return names;
}

/** The names `hash -p FILE NAME…` binds to a file in the sequence (each NAME after the file). */
function hashedNames(sequence: readonly ScriptCommand[]): Map<string, ScriptCommand> {
  const names = new Map<string, ScriptCommand>();
  for (const cmd of sequence) {
    const w = cmd.words;
    if (w[0]?.value !== 'hash') continue;
    const p = w.findIndex((x, i) => i > 0 && x.value !== null && /^-[a-z]*p$/.test(x.value));
    if (p < 0) continue;
    for (const x of w.slice(p + 2)) if (x.value !== null && !x.value.startsWith('-')) names.set(x.value, cmd);
  }
  return names;
}

/**
 * COMMAND_SHADOWED for each program of the setup's own steps that the script redefines, or a
 * file it sources does (`. ./env.sh` defining `docker() { … }`: it stays defined after the
 * sourcing, and the tool does not edit the sourced file).
 */
export function shadowedCommands(script: ScriptFile, sequence: readonly ScriptCommand[], setup: Setup, fs: RepoFs): Diagnostic[] {
  // Shell scripts record the functions they define (src/analyze/shell/statements.ts), scripts
  // embedded in other files (CI steps, Make recipes) those of any snippet (../analyze/embedded.ts).
  const own = script as { functions?: ReadonlyMap<string, string>; definedFunctions?: ReadonlySet<string> };
  const functions = new Map<string, string>([...(own.functions?.keys() ?? []), ...(own.definedFunctions ?? [])].map((n) => [n, 'a function the script defines']));
  // (a function a caller exports, `export -f docker`, which a bash started for the script imports: ./callers.ts)
  for (const f of (script as { callerFunctions?: readonly { name: string; at: string }[] }).callerFunctions ?? []) if (!functions.has(f.name)) functions.set(f.name, `a function a caller exports to it (\`export -f\`, before its call at ${f.at}), which a bash started for the script imports`);
  // (PowerShell: its functions and aliases, and those of files it dot-sources, any case)
  for (const [n, by] of (script as { shadowNames?: ReadonlyMap<string, string> }).shadowNames ?? []) if (!functions.has(n)) functions.set(n, by);
  const aliases = new Map([...aliasNames(sequence)].map(([n, cmd]) => [n, { cmd, by: 'the script defines' }]));
  // `hash -p ./tools/docker docker`: bash runs that file for the name from then on, as a function would.
  for (const [n, cmd] of hashedNames(sequence)) if (!functions.has(n)) functions.set(n, `a file bash's \`hash -p\` binds to the name (${cmd.file}:${cmd.line})`);
  for (const f of sourcedFiles(sequence, fs)) {
    const by = `${f.rel} defines (sourced at ${f.by.file}:${f.by.line})`;
    for (const n of f.script.functions?.keys() ?? []) if (!functions.has(n)) functions.set(n, `a function ${by}`);
    for (const [n, cmd] of aliasNames(f.script.commands)) if (!aliases.has(n)) aliases.set(n, { cmd, by });
  }
  // Folders of the repository put on PATH, by the script or a file it sources: a program there runs instead of the one read.
  const onPath: { entry: PathFolder; at: string }[] = [];
  const ownPath = (script as { pathFolders?: readonly PathFolder[] }).pathFolders ?? [];
  for (const p of ownPath) onPath.push({ entry: p, at: `${script.file}:${p.line}` });
  for (const f of sourcedFiles(sequence, fs)) for (const p of f.script.pathFolders ?? []) onPath.push({ entry: p, at: `${f.rel}:${p.line}, sourced at ${f.by.file}:${f.by.line}` });
  // (and folders an earlier GitHub Actions step appends to $GITHUB_PATH: ./step-env-files.ts)
  onPath.push(...githubPathEntries(setup, sequence, fs));
  // (or an earlier step of a caller's job, before the step that runs this script: ./callers.ts)
  onPath.push(...((script as { callerPath?: readonly { entry: PathFolder; at: string }[] }).callerPath ?? []));
  // (and a PATH the host file gives the steps as a known value: a CI `env:`, Jenkins `environment {}` or `withEnv(['PATH+TOOLS=…'])`)
  for (const cmd of setupCommands(setup)) onPath.push(...knownPathEntries(cmd));
  // (or one a GitHub Actions `env:` writes with an expression, `${{ github.workspace }}/tools`: ./hosts/ci-path-expressions.ts)
  if (CI_PATH_KINDS.has(script.kind)) onPath.push(...expressionPathEntries(script));
  // (a PowerShell file dot-sourced and not read may define any name: ./hosts/powershell-shadows.ts)
  const unknownDefs = (script as { shadowUnknown?: string }).shadowUnknown;
  if (functions.size === 0 && aliases.size === 0 && onPath.length === 0 && !unknownDefs) return [];
  const steps = [setup.builder.inv.cmd, ...setup.extraction, ...(setup.runtime ? [setup.runtime.inv.cmd] : []), ...setup.cleanup, ...setup.builderTagUsers];
  const out: Diagnostic[] = [];
  // Aliases bash never expands in this script shadow nothing, unless a caller runs it otherwise.
  const aliasesIdle = aliases.size > 0 && aliasesOff(script, sequence);
  const held: Diagnostic[] = [];
  const seen = new Set<string>();
  const aliasAt = (a: { cmd: ScriptCommand; by: string }) => (a.cmd.file === script.file ? `line ${a.cmd.line}` : `${a.cmd.file}:${a.cmd.line}`);
  for (const cmd of steps) {
    const prog = cmd.words[0]?.value;
    if (prog == null || seen.has(prog)) continue;
    // (a program named by a path is no PATH lookup)
    const found = prog.includes('/') ? undefined : onPath.map((p) => ({ ...p, folder: pathCandidates(p.entry, script.file, cmd.cwd).find((d) => fs.kind(d === '' ? prog : `${d}/${prog}`) === 'file') })).find((p) => p.folder !== undefined);
    if (!functions.has(prog) && found) {
      seen.add(prog);
      const folder = found.folder!;
      const file = folder === '' ? prog : `${folder}/${prog}`;
      const where = folder === '' ? 'the repository\'s root' : `${folder}/`;
      const held = found.entry.folder === null ? `may be found first in ${where}: PATH holds a folder only known at run time ending ${found.entry.tail === '' ? 'anywhere' : `in \`${found.entry.tail}\``} (${found.at})` : `is found first in ${where}, which PATH holds (${found.at})`;
      out.push(
        diag('COMMAND_SHADOWED', 'error', `\`${prog}\` ${held}: ${file} runs instead of the program the tool reads, so \`${shownCommand(cmd)}\` may do more than it reads, and removing or rewriting the call would drop it`, {
          file: cmd.file,
          line: cmd.line,
          setup: setup.id,
          hint: `Call the program by its own path, or keep ${file} off PATH for these steps, then run the tool again; or migrate by hand.`,
        }),
      );
      continue;
    }
    const alias = aliases.get(prog);
    const unnamed = aliases.get(null);
    const how = functions.has(prog) ? functions.get(prog)! : unknownDefs ? `possibly another command of that name (${unknownDefs})` : alias ? `an alias (${aliasAt(alias)}) ${alias.by}` : unnamed ? `possibly an alias (${aliasAt(unnamed)} defines one by a name only known at run time)` : null;
    if (how === null) continue;
    seen.add(prog);
    (!functions.has(prog) && aliasesIdle ? held : out).push(
      diag('COMMAND_SHADOWED', 'error', `\`${prog}\` is ${how}, so \`${shownCommand(cmd)}\` runs that instead of the program the tool reads; removing or rewriting the call would drop whatever it does besides`, {
        file: cmd.file,
        line: cmd.line,
        setup: setup.id,
        hint: `Call the program itself (${script.kind === 'powershell' ? `\`& (Get-Command ${prog} -CommandType Application) …\`` : `\`command ${prog} …\``}) and do the function's other work as separate steps, then run the tool again; or migrate by hand.`,
      }),
    );
  }
  if (held.length > 0) setup.aliasShadows = held;
  return out;
}

/**
 * The folders of the repository a PATH entry may be: its own, or, for one under a value only
 * known at run time (`$ROOT/tools`), its tail under the root, the script's folder, the folder the
 * step runs in, or any folder above those two (where such variables point in practice).
 */
function pathCandidates(entry: PathFolder, file: string, cwd: string | null): string[] {
  if (entry.folder !== null) return [entry.folder];
  const bases = new Set<string>(['']);
  for (let d of [path.dirname(file), cwd ?? '.']) {
    for (; d !== '.' && d !== '' && d !== '/'; d = path.dirname(d)) bases.add(d);
  }
  return [...bases].map((b) => (entry.tail === '' ? b : b === '' ? entry.tail : `${b}/${entry.tail}`));
}

/**
 * The folders of the repository a known PATH value of `cmd` holds (relative entries, from its
 * folder), and those a Jenkins `PATH+NAME` variable puts before it. A value only known at run
 * time is the shell reader's to follow (its assignments' spelling: ./shell/assignments.ts).
 */
export function knownPathEntries(cmd: ScriptCommand): { entry: PathFolder; at: string }[] {
  const out: { entry: PathFolder; at: string }[] = [];
  // (its script's or step's variables, then those set for it alone: `PATH=… cmd`, `env PATH=… cmd`, `sudo env PATH=… docker …`)
  for (const vars of [cmd.vars, dockerEnvironment(cmd), envPrefix(cmd)?.vars ?? new Map<string, string | null>()]) {
    for (const [k, v] of vars) {
      if ((k !== 'PATH' && !k.startsWith('PATH+')) || typeof v !== 'string' || holdsFolder(v)) continue;
      // (a known value's `$` is text, no variable)
      for (const e of v.split(':')) {
        const entry = e.includes('$') ? null : pathEntry(e, cmd.cwd, cmd.line);
        if (entry) out.push({ entry, at: `the PATH ${cmd.file}:${cmd.line} runs with` });
      }
    }
  }
  return out;
}

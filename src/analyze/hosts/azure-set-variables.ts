/**
 * The variables an Azure Pipelines step sets for the later steps of its job, which read them
 * as macros `$(NAME)` and as environment variables: a logging command
 * (`##vso[task.setvariable variable=NAME]VALUE`) the step prints, written in its own text or in
 * a repository script it runs (`- script: ./ci/set-tag.sh`, `- bash: bash scripts/vars.sh`, a
 * `Bash@3` task's `filePath:`, an `AzureCLI@2` task's `scriptPath:`, a `.ps1` a `pwsh:` step
 * runs; scripts they run or source in turn too, three deep), and the tasks known to set variables (`AzureKeyVault@2` sets its
 * secrets, `AzureAppConfiguration` its keys). A script is searched for the logging command
 * through its whole text, as the step's own text is: any one there may run. Null: the step may
 * set any name (a name the tool cannot read, `variable=$NAME`; a script run from a path or a
 * folder only known at run time; a task that sets names from elsewhere). Other tasks are not
 * read for the variables they set.
 */
import type { YAMLMap } from 'yaml';
import { folderOf, resolveRel } from '../../model/paths.js';
import type { ScriptCommand } from '../../model/script.js';
import { parseShell } from '../shell.js';
import { scriptRuns } from '../script-runs.js';
import { SOURCING } from '../sourced-files.js';
import type { TextOf } from '../step-env-files.js';
import { isMap, isScalar } from './ci-yaml.js';

/** How deep scripts run by the scripts steps run are followed (as for the other writes of the next steps' environment). */
const DEPTH = 3;

/** The names a text's logging commands set; null when one names a variable the tool cannot read (`variable=$NAME`), which may be any. */
export function textSetVariables(text: string): string[] | null {
  const out: string[] = [];
  for (const m of text.matchAll(/##vso\[task\.setvariable\b([^\]]*)\]/gi)) {
    const name = /(?:^|;|\s)variable=([A-Za-z_][\w.-]*)\s*(?:;|$)/i.exec(m[1]!)?.[1];
    if (name === undefined) return null;
    out.push(name);
  }
  return out;
}

/** Both lists of names, or null when either may be any name. */
const join = (a: string[] | null, b: string[] | null): string[] | null => (a === null || b === null ? null : [...a, ...b]);

/**
 * The names repository script `rel` sets, run from `cwd`: its logging commands, and (a shell
 * script: `shell`) those of the scripts it runs or sources in turn, below `depth`. A file the
 * repository does not hold sets none here (a program installed or made at run time).
 */
function fileSetVariables(rel: string, cwd: string, text: TextOf, shell: boolean, depth: number): string[] | null {
  const body = text(rel);
  if (body === null) return [];
  let out = textSetVariables(body);
  if (!shell || out === null || depth + 1 >= DEPTH) return out;
  const script = parseShell(rel, body, { cwd }).script;
  // (one that does not read as shell: its own logging commands only)
  if (script) out = join(out, commandsSetVariables(script.commands, text, depth + 1));
  return out;
}

/**
 * The names the repository scripts `commands` run or source set (`depth`: how deep the commands
 * are). Commands translated from PowerShell (`sourcing` false) source nothing: the reader writes
 * a `.ps1` call's effect on the session as a file sourced from a path only known at run time,
 * after the call, whose script is read here by its path.
 */
export function commandsSetVariables(commands: readonly ScriptCommand[], text: TextOf, depth = 0, sourcing = true): string[] | null {
  let out: string[] | null = [];
  for (const cmd of commands) {
    const sourced = sourcing && SOURCING.has(cmd.words[0]?.value ?? '') && cmd.words[1] ? [{ path: cmd.words[1].value, cwd: cmd.cwd, ownFolder: false }] : [];
    for (const run of [...sourced, ...scriptRuns(cmd)]) {
      if (run.path === null || run.cwd === null) return null;
      if (run.path.startsWith('/') || run.path.startsWith('~')) continue;
      const rel = resolveRel(run.cwd, run.path);
      out = join(out, fileSetVariables(rel, 'ownFolder' in run && run.ownFolder ? folderOf(rel) : run.cwd, text, true, depth));
      if (out === null) return null;
    }
  }
  return out;
}

const SOURCES = /^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)(\/|$)/;

/** A task input naming a repository file or folder, from the sources folder; null when it is only known at run time or outside the repository. */
function repoPath(v: unknown, fallback: string): string | null {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string') return null;
  const p = v.replace(SOURCES, '');
  return p.includes('$') || p.startsWith('/') || /^[A-Za-z]:/.test(p) ? null : resolveRel('', p || '.');
}

/**
 * The names a task sets for the later steps, beyond the logging commands in its YAML text: a
 * script file it runs (Bash@3 `filePath`, ShellScript@2 `scriptPath`, AzureCLI `scriptPath`,
 * PowerShell@2 `filePath`, AzurePowerShell `ScriptPath`, BatchScript@1 `filename`), read from
 * the repository (a shell one with the scripts it runs in turn); an Azure Key Vault task's
 * secrets (`secretsFilter`, `*` by default: any name); App Configuration's keys (any name).
 */
export function taskSetVariables(step: YAMLMap, text: TextOf): string[] | null {
  const task = String(step.get('task'));
  const inputs = step.get('inputs', true);
  // (input names are case-insensitive)
  const value = (name: string): unknown => {
    const v = isMap(inputs) ? inputs.items.find((p) => isScalar(p.key) && String(p.key.value).toLowerCase() === name.toLowerCase())?.value : undefined;
    return isScalar(v) ? v.value : v;
  };
  const [name] = task.split('@');
  const kind = name!.toLowerCase();
  if (kind === 'azurekeyvault') {
    const filter = value('secretsFilter');
    if (filter === undefined || filter === null) return null;
    const names = String(filter).split(',').map((s) => s.trim()).filter((s) => s !== '');
    return names.length === 0 || names.some((s) => s === '*' || s.includes('$')) ? null : names;
  }
  if (kind === 'azureappconfiguration' || kind === 'azureappconfigurationexport') return null;
  const file = (path: unknown, cwd: unknown, shell: boolean): string[] | null => {
    const rel = repoPath(path, '');
    const dir = repoPath(cwd, '');
    if (rel === null || dir === null || rel === '') return null;
    return fileSetVariables(rel, dir, text, shell, 0);
  };
  const lower = (name: string) => String(value(name) ?? '').toLowerCase();
  if (kind === 'bash' && (lower('targetType') || 'filepath') === 'filepath') return file(value('filePath'), value('workingDirectory'), true);
  if (kind === 'shellscript') return file(value('scriptPath'), value('cwd'), true);
  if (kind === 'azurecli' && (lower('scriptLocation') || 'scriptpath') === 'scriptpath') return file(value('scriptPath'), value('workingDirectory'), /^(bash)?$/.test(lower('scriptType')) && !/\.(ps1|cmd|bat)$/i.test(String(value('scriptPath') ?? '')));
  if (kind === 'powershell' && (lower('targetType') || 'filepath') === 'filepath') return file(value('filePath'), value('workingDirectory'), false);
  if (kind === 'azurepowershell' && (lower('ScriptType') || 'filepath') === 'filepath') return file(value('ScriptPath'), value('workingDirectory'), false);
  if (kind === 'batchscript') return file(value('filename'), value('workingFolder'), false);
  return [];
}

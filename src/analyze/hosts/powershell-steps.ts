/**
 * PowerShell steps of CI files (GitHub Actions `shell: pwsh`/`shell: powershell`, Azure
 * Pipelines `pwsh:`/`powershell:` steps and `PowerShell@2` inline scripts): the step's text,
 * decoded from its YAML scalar, read by the PowerShell reader. Its statements are snippets of
 * one shell; when the migration empties every one of them, the step goes whole. The step's
 * status is the last native program's (SnippetHost.exitsWithLastExitCode).
 */
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Edit } from '../../model/edits.js';
import type { RepoFs } from '../../model/fs.js';
import type { EmbeddedScript, Snippet } from '../embedded.js';
import type { Decoded } from './ci-yaml.js';
import { finishPowerShell, powerShellSnippets, type PsSnippet } from './powershell.js';

export interface PowerShellStep {
  decoded: Decoded;
  cwd: string | null;
  vars: ReadonlyMap<string, string | null>;
  label: string;
  /** Edits removing the whole step. */
  remove: Edit[] | null;
  /** Azure Pipelines' `ignoreLASTEXITCODE` of the step: true, false (the default), or null when only known at run time. */
  ignoreLastExitCode?: boolean | null;
}

/** Snippets for one step (appended to `into`), and the PowerShell snippets to mark nested after composing. */
/** `fs`: the repository, to read the `.ps1` files the step runs (without it, each may change folder or set any name). */
export function powerShellStep(file: string, fileText: string, step: PowerShellStep, into: Snippet[], read: PsSnippet[], fs?: RepoFs): { ids: number[]; diagnostics: Diagnostic[] } {
  const { snippets, diagnostics } = powerShellSnippets(file, step.decoded.shell, {
    toFile: step.decoded.toFile,
    encode: step.decoded.encode,
    fileText,
    cwd: step.cwd,
    vars: step.vars,
    label: step.label,
    scriptFile: false,
    ...(fs ? { fs } : {}),
  });
  // GitHub Actions runs a `pwsh`/`powershell` step's text with `if ((Test-Path -LiteralPath
  // variable:\LASTEXITCODE)) { exit $LASTEXITCODE }` appended, and Azure Pipelines' PowerShell
  // task does the same unless `ignoreLASTEXITCODE` (its documented default is false): the step
  // fails when the last native program it ran failed, whatever ran after it.
  // With `ignoreLASTEXITCODE: true` it does not, and what the step's status then is the tool does not model.
  const ignores = step.ignoreLastExitCode === undefined || step.ignoreLastExitCode === false ? null : step.ignoreLastExitCode === true ? 'with `ignoreLASTEXITCODE: true`' : 'with `ignoreLASTEXITCODE` only known at run time';
  const host = ignores === null
    ? { size: snippets.length, remove: step.remove, exitsWithLastExitCode: `${step.label} (a PowerShell step, which the CI host ends with \`exit $LASTEXITCODE\`)` }
    : { size: snippets.length, remove: step.remove, statusUnmodelled: `${step.label} (a PowerShell step ${ignores}, whose status is not its last native program's)` };
  const ids: number[] = [];
  for (const s of snippets) {
    s.snippet.host = host;
    ids.push(into.length);
    into.push(s.snippet);
    read.push(s);
  }
  return { ids, diagnostics };
}

export { finishPowerShell };
export type { EmbeddedScript };

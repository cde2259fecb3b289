/**
 * A file the script sources (`. ./env.sh`, `source scripts/common.sh`) runs in the script's own
 * shell: a `cd` in it moves every command after it, which the script's reading (done without
 * the file) does not see. So the extraction lands elsewhere and another Dockerfile is built
 * than the ones the setup merged. A setup with a step after such a `source` is refused
 * (DYNAMIC_BUILD_INPUT) when the file, read as a shell script from the folder it is sourced
 * in, may end in another folder, or cannot be read (missing, a path only known at run time).
 * One that only sets variables is no concern here, and so is one in another shell than the
 * later steps (an earlier CI step: each step starts a shell of its own, in its own folder).
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { sameShell } from './host-umask.js';
import { sourcedFile } from './sourced-files.js';

/** Why sourcing `cmd` may leave the shell in another folder, or null when it provably does not. */
function movesFolder(cmd: ScriptCommand, fs: RepoFs): string | null {
  const read = sourcedFile(cmd, fs);
  if (read === null) return null;
  // A translated statement (a PowerShell `./ci/setup.ps1` the tool could not read) has no shell word worth showing.
  if ('unknown' in read) return cmd.shown !== undefined ? 'the tool cannot read what it runs, which may change folder' : `it sources ${read.unknown}; what it runs may change folder`;
  if (read.script.final.cwd !== cmd.cwd) return `${read.rel}, which it sources, ends in ${read.script.final.cwd === null ? 'a folder only known at run time' : `another folder (${read.script.final.cwd || '.'})`}`;
  return null;
}

/** DYNAMIC_BUILD_INPUT at the first `source` before the setup's last step that may move the shell. */
export function sourcedFolderChanges(setup: Setup, sequence: readonly ScriptCommand[], fs: RepoFs, script: ScriptFile): Diagnostic[] {
  const steps = [setup.builder.inv.cmd, ...setup.extraction, ...(setup.runtime ? [setup.runtime.inv.cmd] : []), ...setup.cleanup];
  const last = Math.max(...steps.map((c) => sequence.indexOf(c)));
  for (const [k, cmd] of sequence.slice(0, last).entries()) {
    const prog = cmd.words[0]?.value;
    if (prog !== '.' && prog !== 'source') continue;
    if (!steps.some((s) => sequence.indexOf(s) > k && sameShell(script, cmd, s))) continue;
    const why = movesFolder(cmd, fs);
    if (why === null) continue;
    return [
      diag('DYNAMIC_BUILD_INPUT', 'error', `\`${shownCommand(cmd) || lineOf(script, cmd)}\` runs in this shell, and ${why}: the setup's later steps would run in a folder the tool did not read them in`, {
        file: cmd.file,
        line: cmd.line,
        setup: setup.id,
        hint: 'Keep the `cd` in the script itself (or source the file in a subshell), then run the tool again.',
      }),
    ];
  }
  return [];
}

/** The text of the line `cmd` stands on, for a command the file does not spell (one a PowerShell statement's reading adds after it). */
function lineOf(script: ScriptFile, cmd: ScriptCommand): string {
  return script.text.split(/\r?\n/)[cmd.line - 1]?.trim() ?? '';
}

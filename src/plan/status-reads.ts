/**
 * A PowerShell `$LASTEXITCODE` or `$?` read that is not a guard of its own command
 * (`$copied = $LASTEXITCODE` after `docker cp`, checked after the `docker rm`): the reader
 * stands it in as `__ps_last_status 'TEXT'`, TEXT the docker command it reads the status of
 * (src/analyze/hosts/powershell.ts). When the migration removes that command, the read would
 * take the status of whatever ran before it, and the check after it would decide otherwise: the
 * script needs more than the removal (the read and its check go too, or move), as a shell
 * script's `$?` after a removed command does (transforms/shell.ts). The message names the
 * statement as the user wrote it, not the stand-in.
 */
import { shownCommand, type ScriptCommand } from '../model/script.js';


/** The statement's first line as written (the stand-in stands at its start). */
function writtenAt(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  const line = text.slice(offset, end < 0 ? undefined : end).replace(/\r$/, '').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * For a stand-in reading the status of a command the migration removes: the message saying so,
 * in the script's own words; null for any other command. `text`: the script file's text.
 */
export function removedStatusRead(cmd: ScriptCommand, removed: ReadonlySet<ScriptCommand>, text: string): { message: string; hint: string } | null {
  if (cmd.words[0]?.value !== '__ps_last_status') return null;
  const read = cmd.words[1]?.value;
  if (read === undefined || read === null) return null;
  const gone = [...removed].find((r) => shownCommand(r) === read || (r.words.length > 0 && read.startsWith(`${shownCommand(r)} `)));
  if (!gone) return null;
  return {
    message: `\`${writtenAt(text, cmd.start)}\` reads the exit status of \`${shownCommand(gone)}\` (line ${gone.line}), which the migration removes: it would then read the status of an earlier command`,
    hint: 'Check the status right after the command (`if ($LASTEXITCODE -ne 0) { exit 1 }` goes with it), or remove the read and what tests it, then run the tool again.',
  };
}

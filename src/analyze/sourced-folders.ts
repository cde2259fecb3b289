/**
 * A file the script sources (`. ./env.sh`, `source scripts/common.sh`) runs in the script's own
 * shell: a `cd` in it moves every command after it, which the script's reading (done without
 * the file) does not see. So the extraction lands elsewhere and another Dockerfile is built
 * than the ones the setup merged. A setup with a step after such a `source` is refused
 * (DYNAMIC_BUILD_INPUT) when the file, read as a shell script from the folder it is sourced
 * in, may end in another folder, or cannot be read (missing, a path only known at run time).
 * One that only sets variables is no concern here.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { parseShell } from './shell.js';

/** Why sourcing `cmd` may leave the shell in another folder, or null when it provably does not. */
function movesFolder(cmd: ScriptCommand, fs: RepoFs): string | null {
  const word = cmd.words[1];
  if (!word) return null;
  if (word.value === null || cmd.cwd === null) return `it sources ${word.raw}, a file only known at run time, which may change folder`;
  const rel = word.value.startsWith('/') || word.value.startsWith('~') ? null : resolveRel(cmd.cwd, word.value);
  const text = rel === null ? null : fs.readText(rel);
  if (rel === null || text === null) return `it sources ${word.value}, which the tool cannot read (outside the repository or missing), and which may change folder`;
  const read = parseShell(rel, text, { cwd: cmd.cwd }).script;
  if (read === null) return `it sources ${rel}, which cannot be read as a shell script, and which may change folder`;
  if (read.final.cwd !== cmd.cwd) return `${rel}, which it sources, ends in ${read.final.cwd === null ? 'a folder only known at run time' : `another folder (${read.final.cwd || '.'})`}`;
  return null;
}

/** DYNAMIC_BUILD_INPUT at the first `source` before the setup's last step that may move the shell. */
export function sourcedFolderChanges(setup: Setup, sequence: readonly ScriptCommand[], fs: RepoFs): Diagnostic[] {
  const steps = [setup.builder.inv.cmd, ...setup.extraction, ...(setup.runtime ? [setup.runtime.inv.cmd] : []), ...setup.cleanup];
  const last = Math.max(...steps.map((c) => sequence.indexOf(c)));
  for (const cmd of sequence.slice(0, last)) {
    const prog = cmd.words[0]?.value;
    if (prog !== '.' && prog !== 'source') continue;
    const why = movesFolder(cmd, fs);
    if (why === null) continue;
    return [
      diag('DYNAMIC_BUILD_INPUT', 'error', `\`${cmd.words.map((w) => w.raw).join(' ')}\` runs in this shell, and ${why}: the setup's later steps would run in a folder the tool did not read them in`, {
        file: cmd.file,
        line: cmd.line,
        setup: setup.id,
        hint: 'Keep the `cd` in the script itself (or source the file in a subshell), then run the tool again.',
      }),
    ];
  }
  return [];
}

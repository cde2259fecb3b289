/**
 * The export build takes the place of an extraction command whole, redirects included: a
 * replacement never inherits the old command's redirects (a `< steps.sh` that fed the builder
 * container would feed `docker build` instead). Dropping one is exact when it had no effect on
 * the host that the export build does not reproduce: reading (`<`, a heredoc), moving output
 * between the terminal's streams (`2>&1`), discarding it (`> /dev/null`), or writing the very
 * file the export writes (`docker run IMG cat /p > out/p`, the extraction itself). Any other
 * file the command wrote would no longer be written.
 */
import type { ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { resolveRel } from '../model/paths.js';

const READS = new Set(['<', '<<', '<<-', '<<<']);
const DUPS = new Set(['>&', '<&']);

/** The first redirect of `cmd` whose effect the export build would not have, written as in the script, or null. */
export function lostRedirect(setup: Setup, cmd: ScriptCommand): string | null {
  const written = new Set(setup.artifacts.filter((a) => a.via.cmd === cmd).map((a) => a.hostPath));
  for (const r of cmd.redirects) {
    const target = r.target.value;
    if (READS.has(r.op)) continue;
    // `2>&1`, `>&2`, `>&-`: a stream moved or closed, no file (bash's `>& file` names one).
    if (DUPS.has(r.op) && target !== null && /^(\d+|-)$/.test(target)) continue;
    if (target === '/dev/null') continue;
    if (target !== null && cmd.cwd !== null && (r.op === '>' || r.op === '>|') && written.has(resolveRel(cmd.cwd, target))) continue;
    return `${r.fd ?? ''}${r.op} ${r.target.raw}`;
  }
  return null;
}

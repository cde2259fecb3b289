/**
 * What a bind mount of the sources gave a stock-image build that a context COPY does not, made
 * explicit or refused (see stock-image.ts for the shape):
 *
 * - The mount point. A bind mount hides whatever the image has at that path; `COPY` would merge
 *   the sources into it. The generated stage removes the path first (`RUN ["rm", "-rf", "/src"]`,
 *   a no-op where the image has nothing there), so the command sees only the sources, as
 *   before. A mount over a system folder (`/usr`, `/etc`…) is refused: removing it would take
 *   the toolchain with it, and the old command could not have run there either.
 * - The user (`-u 1000:1000`). The command ran as that user in a tree the host user owns, the
 *   usual reason for `-u`; the stage copies the sources owned by that user
 *   (`COPY --chown=1000:1000`) and runs as it (`USER`, before any folder it makes), so the
 *   files it writes get the same owner and modes. A user only known at run time
 *   (`-u "$(id -u):$(id -g)"`) is refused.
 * - Tracked files under the mount. The command ran in the host's tree, so a tracked file it
 *   rewrote (generated code, a lock file, a version stamp) stayed rewritten for what came after;
 *   in the merged build the rewrite stays in the builder stage. A runtime COPY of a tracked file
 *   under the mount, or a later host command using one, is refused, unless the command is known
 *   to write nothing but its named output (`go build -o OUT`).
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { DockerInvocation } from '../model/docker-command.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { hostEffect } from '../plan/host-commands.js';

const SYSTEM = new Set(['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr', '/usr/bin', '/usr/lib', '/usr/local', '/usr/local/bin', '/usr/sbin', '/usr/share', '/var', '/var/lib']);

/** The generated stage's line that clears the mount point, or a refusal when it is a system folder. */
export function clearMountPoint(mountPoint: string, cmd: ScriptCommand): { line: string | null; problem: Diagnostic | null } {
  if (SYSTEM.has(mountPoint)) {
    return {
      line: null,
      problem: diag('STOCK_BUILD_UNSUPPORTED', 'error', `the sources are mounted over ${mountPoint}, a system folder of the image, which the mount hid from the command; a builder stage cannot reproduce that`, { file: cmd.file, line: cmd.line, hint: 'Mount the sources at a folder of their own (-v "$PWD":/src -w /src).' }),
    };
  }
  return { line: `RUN ["rm", "-rf", ${JSON.stringify(mountPoint)}]`, problem: null };
}

/** Commands known to write nothing in the tree but the output they name. */
export function writesOnlyItsOutput(argv: readonly string[] | null): boolean {
  if (argv === null) return false;
  return argv[0] === 'go' && argv[1] === 'build' && argv.some((a) => a === '-o' || a.startsWith('-o='));
}

/**
 * Refusals for tracked files under the mounted folder that the runtime build copies
 * (`copied`: repository paths of its COPY sources) or a command after the run uses.
 */
export function trackedFilesUsedLater(
  mountHost: string,
  run: { cmd: ScriptCommand; argv: readonly string[] | null; image: string },
  copied: readonly { path: string; file: string; line: number }[],
  after: readonly ScriptCommand[],
  fs: RepoFs,
): Diagnostic[] {
  if (writesOnlyItsOutput(run.argv)) return [];
  const under = (p: string) => mountHost === '' || p === mountHost || p.startsWith(`${mountHost}/`);
  const tracked = (p: string) => under(p) && fs.kind(p) === 'file';
  const out: Diagnostic[] = [];
  const why = (p: string) => `the build in ${run.image} ran in the mounted ${mountHost || '.'} and may have rewritten the tracked ${p}`;
  for (const c of copied) {
    if (!tracked(c.path)) continue;
    out.push(diag('STOCK_BUILD_UNSUPPORTED', 'error', `${why(c.path)}, which the runtime build copies; the merged build would copy the committed file`, { file: c.file, line: c.line, hint: 'Build with a command known to write only its output (go build -o …), or migrate this setup by hand.' }));
  }
  for (const cmd of after) {
    const e = hostEffect(cmd);
    const used = [...e.reads, ...e.writes, ...e.mayTouch].find((u) => u.path !== null && tracked(u.path));
    if (!used) continue;
    out.push(diag('STOCK_BUILD_UNSUPPORTED', 'error', `${why(used.path!)}, which \`${shownCommand(cmd)}\` uses afterwards; after the migration it would see the committed file`, { file: cmd.file, line: cmd.line, hint: 'Build with a command known to write only its output (go build -o …), or migrate this setup by hand.' }));
  }
  return out;
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;

/** The `-u` a stock build ran with: null without one; a refusal when it is not a plain literal. */
export function stockUser(inv: DockerInvocation): { user: string | null; problem: Diagnostic | null } {
  const f = inv.flags.filter((x) => x.name === '--user');
  if (f.length === 0) return { user: null, problem: null };
  const v = f[f.length - 1]!.value?.value ?? null;
  if (v !== null && USER.test(v)) return { user: v, problem: null };
  return {
    user: null,
    problem: diag('STOCK_BUILD_UNSUPPORTED', 'error', `the build runs as ${f[f.length - 1]!.value?.raw ?? 'a user'}, which is only known at run time (the host user, usually), so the stage cannot run as the same user`, { file: inv.cmd.file, line: inv.cmd.line, hint: 'Give -u a literal user (-u 1000:1000), or drop it (the build then runs as the image\'s user), then run the tool again.' }),
  };
}

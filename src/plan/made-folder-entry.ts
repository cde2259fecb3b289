/**
 * A folder the extraction made whole on the host (`docker cp x:/out ./dist`, dist not there
 * before), kept for the host by an export build (`COPY --from=builder /out /dist` in the export
 * stage). What the two put on the host, seen on podman 4 as root (`podman cp` against `podman
 * build --output type=local`): hard links stay hard links (one inode, two names), empty folders
 * stay, symbolic links keep their targets (relative and absolute), and every file and folder
 * below the folder keeps its mode and modification time in both. The folder's own entry does
 * not: `docker cp` gives it the container folder's mode and time (0750, 2020-01-02), the export
 * build the mode COPY gives a folder it makes (0755) and the time the exporter wrote it (each
 * run anew, even from a cached export stage). Owners differ on podman only (`podman cp` gives
 * the files to the user running it, as `docker cp` and BuildKit's local exporter do; podman's
 * exporter keeps the stage's owners).
 *
 * So a later command that sees that entry (an archive of it or of a folder holding it, `tar czf
 * release.tgz dist`, which then differs byte for byte; a copy, a long listing) refuses the
 * export build; one reading only what the folder holds (`sha256sum dist/bin/app`) does not. A
 * file artifact keeps its own mode and time in both.
 */
import { dockerInvocation } from '../model/docker-command.js';
import type { ScriptCommand } from '../model/script.js';
import type { Artifact } from '../model/setup.js';
import { hostEffect, meets } from './host-commands.js';

/**
 * Programs that hand on or show a folder's own mode or time: archivers record them, `cp -r`
 * makes the copy with the folder's mode (less the umask; `-a`/`-p` its time too), `rsync -a`
 * keeps both, `stat` prints them; `ls` with a long listing (`-l`, `-n`, `-o`, `-g`,
 * `--full-time`) and `find` printing them (`-ls`, `-printf`, `-perm`) likewise.
 */
const METADATA = new Set(['tar', 'bsdtar', 'gtar', 'zip', 'cpio', 'pax', '7z', '7za', 'rsync', 'cp', 'stat', 'mksquashfs', 'genisoimage', 'xorriso']);
const LONG_LS = /^-[a-zA-Z]*[lnog]/;
const FIND_SHOWS = new Set(['-ls', '-fls', '-printf', '-fprintf', '-perm']);

function showsEntries(cmd: ScriptCommand, program: string | null, at: number): boolean {
  if (program === null) return false;
  if (METADATA.has(program)) return true;
  const args = cmd.words.slice(at + 1).map((w) => w.value);
  if (program === 'ls') return args.some((v) => v === null || LONG_LS.test(v) || v === '--full-time' || v.startsWith('--format=l') || v === '--format=long');
  if (program === 'find') return args.some((v) => v === null || FIND_SHOWS.has(v));
  return false;
}

/**
 * The first of `later` that sees the entry of the folder `folder` itself, not only what it
 * holds (a program of METADATA given it, a folder holding it, a pattern or a path only known
 * at run time), or null. Other readers read what files hold (`cat`, `sha256sum`), and a program
 * the tool does not model is not taken to look at a folder's mode or time.
 */
export function folderEntrySeen(later: readonly ScriptCommand[], folder: string): ScriptCommand | null {
  for (const cmd of later) {
    // (a build copying the folder from its context copies what it holds, not its entry; the
    // runtime build now copies from the stage)
    if (dockerInvocation(cmd)) continue;
    const e = hostEffect(cmd);
    if (!showsEntries(cmd, e.program, e.at)) continue;
    for (const u of [...e.reads, ...e.mayTouch]) {
      const m = meets(u, folder);
      if (m !== null && m !== 'under') return cmd;
    }
  }
  return null;
}

/**
 * The artifacts the export build writes as folders the extraction made whole: the Dockerfiles
 * prove them folders (../plan/artifact-kind.ts; one whose kind is not proven is not taken for
 * one), not a folder's contents, absent before.
 */
export function madeFolders(artifacts: readonly Artifact[], isFolder: (a: Artifact) => boolean, absentBefore: (p: string) => boolean): Artifact[] {
  return artifacts.filter((a) => a.hostNeeded && !a.contentsOnly && isFolder(a) && absentBefore(a.hostPath));
}

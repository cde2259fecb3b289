/**
 * A folder the script makes only to hold the artifacts, copied whole by the runtime build:
 * `mkdir -p build; docker run --rm IMG cat /app > build/app; …; COPY build/ /srv/` (or
 * `ADD ./build /`). When the folder is not in the repository and nothing but the setup's own
 * extractions put anything into it before the runtime build, the old COPY copied exactly the
 * artifacts, each to `<dest>/<name>`: that is a `COPY --from` of each at its place.
 *
 * Refused (the caller keeps ARTIFACT_IN_BROAD_COPY) when the folder may hold anything else, or
 * the script does not make it (`mkdir`) before extracting into it: it is in the repository
 * (then src/analyze/broad-copy.ts may split the line instead), the setup's own builder build or
 * extraction writes a log there through a redirect (`> build/build.log`: the migration no longer
 * writes it), another command writes into it or may (a program the tool does
 * not model given a path there, a path only known at run time), or an artifact sits deeper
 * than directly in it (COPY would recreate the folders between with their host modes).
 */
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { hostEffect, meets, type PathUse } from '../plan/host-commands.js';
import { resolveRel } from '../model/paths.js';
import { dirStateAfter } from './host-dirs.js';

/** Docker verbs that write no host file (past redirects and the flags read below). */
const NO_HOST_WRITES = new Set(['build', 'rm', 'rmi', 'tag', 'push', 'stop', 'kill', 'start', 'create']);

/** The host paths a command writes or may write: docker commands by what their verb does. */
function writesOf(cmd: ScriptCommand): { uses: PathUse[]; program: string | null } {
  const effect = hostEffect(cmd);
  const inv = dockerInvocation(cmd);
  if (!inv || inv.verb === 'other' || effect.program !== 'docker') return { uses: [...effect.writes, ...effect.mayTouch], program: effect.program };
  const redirects = effect.writes;
  const asUse = (w: PathUse['word']): PathUse => ({ path: w.value === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, w.value.replace(/^[a-z]+=(local,)?dest=/, '')), glob: false, word: w });
  if (inv.verb === 'build') return { uses: [...redirects, ...['--output', '--iidfile', '--metadata-file'].flatMap((f) => flagValues(inv, f).map(asUse))], program: 'docker' };
  if (NO_HOST_WRITES.has(inv.verb)) return { uses: redirects, program: 'docker' };
  if (inv.verb === 'cp') return { uses: [...redirects, ...inv.operands.slice(-1).map((o) => asUse(o.word))], program: 'docker' };
  // run: what it prints, and every host folder it mounts (a mount value names it before the first colon).
  const mounts = flagValues(inv, '--volume').map((w) => {
    const host = (w.value ?? w.symbol).replace(/^\$\{PWD\}/, '.').split(':')[0]!;
    return { path: host.includes('$') || cmd.cwd === null ? null : resolveRel(cmd.cwd, host), glob: false, word: w };
  });
  // `--mount type=bind,…` is not read: it may bind anything.
  const binds = flagValues(inv, '--mount').map((w) => ({ path: null, glob: false, word: w }));
  return { uses: [...redirects, ...mounts, ...binds], program: 'docker' };
}

/**
 * Why `folder` may hold more than the setup's artifacts when the runtime build (at `until` in
 * `sequence`) copies it, or null when it holds exactly them, each directly inside it.
 */
export function folderOnlyHoldsArtifacts(folder: string, setup: Setup, sequence: readonly ScriptCommand[], until: ScriptCommand, fs: RepoFs): string | null {
  if (folder === '' || fs.kind(folder) !== null) return `${folder || '.'} is in the repository`;
  const inside = setup.artifacts.filter((a) => a.hostPath.startsWith(`${folder}/`));
  const deep = inside.find((a) => a.hostPath.slice(folder.length + 1).includes('/'));
  if (deep) return `${deep.hostPath} is not directly in ${folder}`;
  // The script makes the folder before it extracts into it (else the old copy had nowhere to go).
  const first = sequence.findIndex((c) => setup.extraction.includes(c) && inside.some((a) => a.via.cmd === c));
  if (first < 0 || dirStateAfter(folder, sequence.slice(0, first), fs) !== 'dir') return `the script does not make ${folder} before it extracts into it`;
  const own = new Set([...setup.extraction, setup.builder.inv.cmd]);
  for (const cmd of sequence) {
    if (cmd === until) break;
    // The setup's own commands put the artifacts there; a file one of them writes through a
    // redirect (`docker build … > build/build.log`) is in the folder too, and the migration
    // no longer writes it.
    if (own.has(cmd)) {
      const logged = cmd.redirects.find((r) => (r.op.startsWith('>') || r.op.startsWith('&>')) && r.target.value !== null && cmd.cwd !== null && !/^[0-9-]$/.test(r.target.value) && meets({ path: resolveRel(cmd.cwd, r.target.value), glob: false, word: r.target }, folder) === 'under' && !inside.some((a) => a.hostPath === resolveRel(cmd.cwd!, r.target.value!)));
      if (logged) return `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) writes ${logged.target.raw} into ${folder} too`;
      continue;
    }
    if (cmd.cwd === null || cmd.cwd === folder || cmd.cwd.startsWith(`${folder}/`)) return `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) runs in a folder that is only known at run time or inside ${folder}`;
    const { uses, program } = writesOf(cmd);
    for (const u of uses) {
      const how = meets(u, folder);
      if (how === null) continue;
      // A write to an artifact itself (`chmod +x build/app`) is the host-effects check's to judge.
      if (inside.some((a) => u.path === a.hostPath)) continue;
      // Making the folder, or emptying it, before anything is put in: the folder still holds only what follows.
      if (how === 'at' && (program === 'mkdir' || program === 'rm')) continue;
      return `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${how === 'unknown' ? 'writes to a path only known at run time' : `may write into ${folder}`}`;
    }
  }
  return null;
}

/**
 * An extraction into a temporary name, then renamed into place: `docker cp c:/out/app app.tmp`,
 * `mv app.tmp app` (so a half-copied file never stands at `app`). The rename is part of the
 * extraction: the artifact is what ends up at `app`, and the `mv` goes with the `docker cp`.
 *
 * Folded only when it is exactly a rename: `mv [-f] SRC DEST` run unconditionally after the
 * extraction, before anything else names SRC or DEST, SRC an extracted path, DEST a literal
 * path that is no folder then (`mv` would move SRC into a folder). Anything else leaves the
 * artifact at SRC, as before (then usually refused: nothing copies SRC).
 */
import { resolveRel } from '../model/paths.js';
import { dirStateAfter } from './host-dirs.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand } from '../model/script.js';
import type { Artifact } from '../model/setup.js';

/** The paths a command's words name, resolved from its folder (null: one only known at run time). */
function named(cmd: ScriptCommand): (string | null)[] {
  if (cmd.cwd === null) return [null];
  return [...cmd.words, ...cmd.redirects.map((r) => r.target)].map((w) => (w.value === null ? null : resolveRel(cmd.cwd!, w.value)));
}

const reaches = (p: string | null, target: string) => p === null || p === '' || p === target || p.startsWith(`${target}/`) || target.startsWith(`${p}/`);

/**
 * Renames `after` (the commands after the extraction, in order) makes of the artifacts: each
 * folded `mv` sets its artifact's host path to DEST. Returns the folded commands.
 */
export function foldRenames(artifacts: readonly Artifact[], after: readonly ScriptCommand[], before: readonly ScriptCommand[], fs: RepoFs): ScriptCommand[] {
  const out: ScriptCommand[] = [];
  for (const a of artifacts) {
    for (const [k, cmd] of after.entries()) {
      const paths = named(cmd);
      if (!paths.some((p) => reaches(p, a.hostPath))) continue;
      // The first command to name the extracted path: a rename of it, or no fold at all.
      const ops = cmd.words.slice(1);
      const flags = ops.filter((w) => w.value?.startsWith('-'));
      const operands = ops.filter((w) => !w.value?.startsWith('-'));
      const plain = cmd.words[0]?.value === 'mv' && cmd.redirects.length === 0 && cmd.stdout === null && cmd.stdinFrom === null && !cmd.conditional && !cmd.loop && cmd.cwd !== null;
      if (!plain || flags.some((f) => f.value !== '-f') || operands.length !== 2) break;
      const [src, dest] = operands.map((w) => (w.value === null ? null : resolveRel(cmd.cwd!, w.value))) as [string | null, string | null];
      const destRaw = operands[1]!.value;
      if (src !== a.hostPath || dest === null || dest === '' || destRaw === null || destRaw.endsWith('/') || destRaw.endsWith('/.')) break;
      // Nothing before it may name DEST, and DEST is no folder when it runs.
      if (after.slice(0, k).some((c) => named(c).some((p) => reaches(p, dest)))) break;
      if (artifacts.some((o) => o !== a && reaches(o.hostPath, dest))) break;
      if (dirStateAfter(dest, [...before, ...after.slice(0, k)], fs) !== 'absent' || fs.kind(dest) === 'dir') break;
      a.hostPath = dest;
      out.push(cmd);
      break;
    }
  }
  return out;
}

/**
 * An extracted file copied into place on the host: `docker cp c:/out/app ./app`, then
 * `cp app bin/app` (or `cp -p`, `cp -a`, `install -m 755 app bin/app`, or into a folder there,
 * `cp app bin/`), and the runtime build
 * copies bin/app. The copy is a second artifact of the same container path: the runtime COPY of
 * bin/app reads it from the builder stage, the `cp` goes with the extraction, and `app` stays
 * the artifact it was: extracted for the copy, it is no longer wanted on the host for itself,
 * but used later there, an export stage still writes it.
 *
 * Folded only when it is exactly such a copy: `cp` with no flag but `-f`, `-p`, `-a` (or
 * `install` with at most an octal `-m MODE`) of one extracted path to one literal path, run
 * after the extraction whenever it runs (the same branches: both on every path, or both in the
 * body of the function holding the pipeline), before anything else names the destination (a `mkdir`
 * of the folder it goes into does not, nor a `chmod MODE` of the extracted file, whose mode the
 * copy then reads, where it is known and no `umask` of the script's own changes it), which is
 * then no folder and not in the repository (cp would keep an existing file's mode), in a folder
 * that exists (else the old cp failed), and, but for `cp -a`, of a path the builder stage proves
 * a file (./file-landing.ts: cp and install copy no folder without it). The copy's mode: `cp -p`/`-a` keep the file's; `install`
 * gives its `-m` (0755 without); plain `cp` gives the file's less the umask, which the plan checks
 * the builder stage's mode does not feel (src/plan/artifact-kind.ts plainCopyChangesModes, for
 * the usual umask 022; a script that sets its own `umask` first is not folded, and a caller that
 * sets one before running the script refuses: src/plan/caller-uses.ts).
 */
import path from 'node:path/posix';
import { resolveRel } from '../model/paths.js';
import { dirStateAfter } from './host-dirs.js';
import { setsUmask } from './host-umask.js';
import { applyChmod } from './chmod-mode.js';
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
 * A `mkdir` (`mkdir -p bin` before `cp app bin/app`) whose every word is a flag or a folder
 * holding `dest`: it names the destination only through the folder the copy needs, whose being
 * there the fold checks on its own (dirStateAfter).
 */
function makesHoldersOf(cmd: ScriptCommand, dest: string): boolean {
  if (cmd.words[0]?.value !== 'mkdir' || cmd.cwd === null || cmd.redirects.length > 0 || cmd.stdout !== null) return false;
  const operands = cmd.words.slice(1).filter((w) => !(w.value !== null && w.value.startsWith('-')));
  return operands.length > 0 && operands.every((w) => w.value !== null && w.value !== '' && dest.startsWith(`${resolveRel(cmd.cwd!, w.value)}/`));
}

/**
 * `chmod MODE src` (one operand, no flag): the mode it gives the extracted file, which ./link.ts
 * then folds into the extraction too; null when `cmd` is no such step.
 */
function chmodOf(cmd: ScriptCommand, src: string): string | null {
  if (cmd.words[0]?.value !== 'chmod' || cmd.cwd === null || cmd.redirects.length > 0 || cmd.stdout !== null || cmd.conditional || cmd.loop || cmd.words.length !== 3) return null;
  const [mode, op] = [cmd.words[1]!.value, cmd.words[2]!.value];
  return mode === null || mode.startsWith('-') || op === null || resolveRel(cmd.cwd, op) !== src ? null : mode;
}

/** The branches a command runs in, as a key: two commands with the same key run on the same paths (a plain one: on every path). */
const pathsKey = (cmd: ScriptCommand): string | null => (cmd.loop || (cmd.conditional && !(cmd.branches?.length)) ? null : (cmd.branches ?? []).map((b) => b.id).join(' '));

/** How a plain copy command sets the mode of what it writes, with its two operands; null when it is no such copy. */
function copyOf(cmd: ScriptCommand): { src: string; dest: string; into: boolean; mode: number | null; masked: boolean; recursive: boolean } | null {
  const prog = cmd.words[0]?.value;
  const plain = (prog === 'cp' || prog === 'install') && cmd.redirects.length === 0 && cmd.stdout === null && cmd.stdinFrom === null && cmd.cwd !== null;
  if (!plain) return null;
  const words = cmd.words.slice(1);
  let mode: number | null = null;
  let keeps = false;
  let recursive = false;
  const operands: (string | null)[] = [];
  for (let k = 0; k < words.length; k++) {
    const v = words[k]!.value;
    if (v === null || !v.startsWith('-') || v === '-') {
      operands.push(v);
      continue;
    }
    if (prog === 'install' && v === '-m' && /^[0-7]{3,4}$/.test(words[k + 1]?.value ?? '')) {
      mode = parseInt(words[++k]!.value!, 8);
      continue;
    }
    if (prog === 'cp' && /^-[fpa]+$/.test(v)) {
      keeps ||= /[pa]/.test(v);
      recursive ||= v.includes('a');
      continue;
    }
    return null;
  }
  const [src, dest] = operands;
  if (operands.length !== 2 || src == null || dest == null) return null;
  // `cp app bin/`: into the folder, which must be there
  const into = dest.endsWith('/') || dest.endsWith('/.');
  return { src: resolveRel(cmd.cwd!, src), dest: resolveRel(cmd.cwd!, dest), into, mode: prog === 'install' ? mode ?? 0o755 : null, masked: prog === 'cp' && !keeps, recursive };
}

/** The mode a cp gives its copy of a file whose mode on the host is `mode` (null: the container's): the same, less the umask (022) without -p. */
const hostMode = (mode: number | null, masked: boolean) => (mode === null ? null : masked ? mode & 0o755 : mode);

/** A copy of an artifact on the host that was not folded, and why (for the refusal that follows when nothing else copies the artifact). */
export interface UnfoldedCopy {
  cmd: ScriptCommand;
  dest: string;
  why: string;
}

/**
 * The copies `after` (the commands after the extraction, in order) makes of the artifacts that
 * stand as the first command naming them: each a new artifact at the destination, and the
 * command that made it. A copy that is the first command naming an artifact and is not folded
 * goes into `unfolded`, with why.
 */
export function foldCopies(artifacts: readonly Artifact[], candidates: readonly ScriptCommand[], sequence: readonly ScriptCommand[], fs: RepoFs, isFile: (a: Artifact) => boolean, unfolded: UnfoldedCopy[] = []): { cmd: ScriptCommand; artifact: Artifact; source: Artifact; masked: boolean }[] {
  const out: { cmd: ScriptCommand; artifact: Artifact; source: Artifact; masked: boolean }[] = [];
  // (looked up: a script driving many setups has many candidates, each placed once per artifact)
  let order: Map<ScriptCommand, number> | undefined;
  const pos = (c: ScriptCommand) => (order ??= firstPositions(sequence)).get(c) ?? -1;
  for (const a of artifacts) {
    if (a.contentsOnly) continue;
    // From the command that extracts it on (`docker cp c:/out/app app`, `cp app bin/app`, then `docker rm c`).
    const after = candidates.filter((c) => pos(c) > pos(a.via.cmd));
    // The file's mode when the copy reads it: `cat > app` then `chmod +x app` (null: the container's).
    let mode = a.mode;
    let chmodded = false;
    for (const [k, cmd] of after.entries()) {
      if (!named(cmd).some((p) => reaches(p, a.hostPath))) continue;
      const chmod = chmodOf(cmd, a.hostPath);
      if (chmod !== null) {
        mode = mode === null ? (/^[0-7]{3,4}$/.test(chmod) ? parseInt(chmod, 8) : null) : applyChmod(mode, chmod);
        chmodded = true;
        if (mode === null) break;
        continue;
      }
      // The first command to name the extracted path: a copy of it, or no fold at all.
      const c = copyOf(cmd);
      if (!c || c.src !== a.hostPath || c.dest === '' || c.dest === a.hostPath) break;
      const skip = (dest: string, why: string) => unfolded.push({ cmd, dest, why });
      // run whenever the extraction runs: both on every path, or both in the same branches (the body of the function holding the pipeline)
      const paths = pathsKey(cmd);
      if (paths === null || paths !== pathsKey(a.via.cmd)) {
        skip(c.dest, 'it does not run on the same paths as the extraction (a branch, a loop or a function of its own)');
        break;
      }
      const upTo = sequence.slice(0, pos(cmd));
      // Into a folder (named so, or one there when it runs): the copy lands in it under the file's name.
      const dest = c.into || dirStateAfter(c.dest, upTo, fs) === 'dir' ? `${c.dest}/${path.basename(c.src)}` : c.dest;
      if (after.slice(0, k).some((x) => !makesHoldersOf(x, dest) && named(x).some((p) => reaches(p, dest)))) {
        skip(dest, `a command before it names ${dest}`);
        break;
      }
      if (artifacts.some((o) => reaches(o.hostPath, dest)) || out.some((o) => reaches(o.artifact.hostPath, dest))) {
        skip(dest, `${dest} is (or holds, or lies in) another extracted path`);
        break;
      }
      if (fs.kind(dest) !== null || dirStateAfter(dest, upTo, fs) !== 'absent') {
        skip(dest, `${dest} may already be there when it runs (cp keeps an existing file's mode)`);
        break;
      }
      const parent = path.dirname(dest) === '.' ? '' : path.dirname(dest);
      if (dirStateAfter(parent, upTo, fs) !== 'dir') {
        skip(dest, `the folder ${parent} is not surely there when it runs`);
        break;
      }
      if ((c.masked || chmodded) && upTo.some(setsUmask)) {
        skip(dest, 'the script sets a umask of its own before it, which the copy\'s mode then follows');
        break;
      }
      // Without -a, cp and install copy no folder (the old step failed): the builder must prove it a file.
      if (!c.recursive && !isFile(a)) {
        skip(dest, `the builder stage does not prove ${a.containerPath} a file, and without -a ${cmd.words[0]?.value ?? 'cp'} copies no folder`);
        break;
      }
      out.push({ cmd, source: a, masked: c.masked, artifact: { containerPath: a.containerPath, hostPath: dest, via: a.via, placedBy: cmd, consumers: [], mode: c.mode ?? hostMode(mode, c.masked), contentsOnly: false, ...(c.masked || a.modesMasked ? { modesMasked: a.modesMasked ?? 'cp' } : {}) } });
      break;
    }
  }
  return out;
}

/** Each command's first position in `sequence` (as `indexOf` finds it), found once. */
function firstPositions(sequence: readonly ScriptCommand[]): Map<ScriptCommand, number> {
  const out = new Map<ScriptCommand, number>();
  sequence.forEach((c, k) => {
    if (!out.has(c)) out.set(c, k);
  });
  return out;
}

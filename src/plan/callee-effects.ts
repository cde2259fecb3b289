/**
 * What a script the setup's script runs (`./prepare.sh`, `sh scripts/stamp.sh`) does to files,
 * read from the script itself: the effects of each of its commands (function bodies included,
 * whether or not they are called), run from the caller's folder, and of the scripts it runs in
 * turn. A script that cannot be read as a shell script (missing, another language, a path only
 * known at run time) gives nothing here: the command stays a program the tool does not model.
 * A docker command, a sourced file or a program the table does not know inside it leaves the
 * whole effect not known, as such a program run directly would.
 */
import path from 'node:path/posix';
import { calledPath } from '../analyze/callers.js';
import { shellScript } from '../analyze/later-uses.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { hostEffect, type HostEffect } from './host-commands.js';

const DOCKER = new Set(['docker', 'podman']);

/** One command of a script run, with its effect. */
export interface CalleeStep {
  cmd: ScriptCommand;
  effect: HostEffect;
}

/**
 * The commands of the script `cmd` runs, with their effects (those of the scripts it runs in
 * turn flattened in), their combined effect, and the first command whose effect is not known;
 * null when `cmd` runs no script the tool can read.
 */
export function calleeEffect(cmd: ScriptCommand, fs: RepoFs, seen: ReadonlySet<string> = new Set()): { steps: CalleeStep[]; effect: HostEffect; unknown: { cmd: ScriptCommand; where: string } | null } | null {
  if (cmd.cwd === null) return null;
  const file = calledPath(cmd);
  if (file === null) return null;
  const rel = resolveRel(cmd.cwd, file);
  if (rel === cmd.file || seen.has(rel)) return null;
  const callee = shellScript(rel, cmd, fs);
  if (!callee) return null;
  const effect: HostEffect = { program: cmd.words[0]?.value ?? null, at: 0, reads: [], writes: [], mayTouch: [], known: true };
  const steps: CalleeStep[] = [];
  let unknown: { cmd: ScriptCommand; where: string } | null = null;
  const where = `in ${rel}, which \`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) runs`;
  for (const c of callee.commands) {
    if (c.words.length === 0 && c.redirects.length === 0) continue;
    const inner = calleeEffect(c, fs, new Set([...seen, rel]));
    const own = hostEffect(c);
    if (inner) steps.push({ cmd: c, effect: { ...own, mayTouch: [], known: true } }, ...inner.steps);
    else steps.push({ cmd: c, effect: own });
    const e = inner?.effect ?? own;
    const prog = path.basename(e.program ?? '');
    const opaque = !e.known || e.program === null || DOCKER.has(prog) || prog === '.' || prog === 'source' || c.cwd === null;
    effect.reads.push(...own.reads, ...(inner?.effect.reads ?? []));
    effect.writes.push(...own.writes, ...(inner?.effect.writes ?? []));
    effect.mayTouch.push(...(inner ? inner.effect.mayTouch : own.mayTouch));
    if (opaque && effect.known) {
      effect.known = false;
      unknown = inner?.unknown ?? { cmd: c, where };
    }
  }
  return { steps, effect, unknown };
}

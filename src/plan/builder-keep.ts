/**
 * The last word on deleting a builder Dockerfile: a file some command of the repository still
 * names (src/plan/builder-mentions.ts) is kept, with a note saying where it is named. Asked
 * once every part of the root is planned (./parts.ts), of what each part kept of its setups.
 */
import path from 'node:path/posix';
import { DOCKERFILE_MENTIONS, SCRIPT_MENTION } from '../discover/walk.js';
import { rewrittenNamings, stillNamed, type NamingIndex } from './builder-mentions.js';
import type { FileChange, SetupPlan } from './index.js';

/** What the end of the plan needs of a setup that migrates. */
export interface Kept {
  plan: SetupPlan;
  /** The builder Dockerfile the setup deletes, if any (set to null when it is kept). */
  deleteBuilder: string | null;
}

/**
 * `active`: every setup that migrates, in the plan's order. `index`: the namings read before
 * planning, for the base name of every Dockerfile the plan may delete. `changes`: the plan's
 * changes to scripts and compose files (their new texts are what will name the file).
 */
export function keepNamedBuilders(active: readonly Kept[], index: NamingIndex, changes: readonly FileChange[]): void {
  const deleting = active.filter((d) => d.deleteBuilder !== null);
  if (deleting.length === 0) return;
  // The commands the migration removes or rewrites: every step of each migrating setup.
  const migrating = new Set(active.map((d) => d.plan.id));
  const ignored = (setups: readonly string[]) => setups.some((id) => migrating.has(id));
  const bases = [...new Set(deleting.map((d) => path.basename(d.deleteBuilder!)))];
  const changed = new Map(changes.map((c) => [c.path, c.after]));
  const rewritten = rewrittenNamings(index, changed, bases);
  const verdicts = new Map<string, string | null>();
  for (const d of deleting) {
    const file = d.deleteBuilder!;
    if (!verdicts.has(file)) verdicts.set(file, reasonToKeep(file, ignored, index, changed, rewritten, changes));
    const why = verdicts.get(file)!;
    if (why === null) continue;
    d.deleteBuilder = null;
    const deleted = d.plan.notes.findIndex((n) => n.startsWith(`${file} is deleted: `));
    const note = `${file} is kept: ${why}`;
    if (deleted >= 0) d.plan.notes[deleted] = note;
    else d.plan.notes.push(note);
  }
}

function reasonToKeep(file: string, ignored: (setups: readonly string[]) => boolean, index: NamingIndex, changed: ReadonlyMap<string, string | null>, rewritten: NamingIndex, changes: readonly FileChange[]): string | null {
  const base = path.basename(file);
  // The walk kept every candidate that says docker, Dockerfile or Containerfile: a file of
  // another name may be named in scripts it did not keep.
  if (![SCRIPT_MENTION, ...DOCKERFILE_MENTIONS].some((m) => base.includes(m))) return `the tool only looks for other scripts naming Dockerfiles whose name says Dockerfile, and cannot tell whether one names ${base}`;
  const n = stillNamed(file, ignored, index, changed, rewritten);
  if (n === null) return null;
  if (n.cmd) return `\`${n.cmd.words}\` (${n.file}:${n.line}) still names it`;
  const read = n.script
    ? 'outside the commands the tool reads there'
    : changes.some((c) => c.path === n.file)
      ? 'in what the migration leaves of that file'
      : n.passedOver
        ? 'a file the tool does not read as a script'
        : 'a file the tool does not read as a script, since it runs no docker command';
  return `${n.file}:${n.line} still names it (${read}), and deleting it could break what uses it`;
}

/**
 * The last word on deleting a builder Dockerfile: a file some command of the repository still
 * names (src/plan/builder-mentions.ts) is kept, with a note saying where it is named.
 */
import path from 'node:path/posix';
import { setupCommands, type Analysis } from '../analyze/index.js';
import { DOCKERFILE_MENTIONS, SCRIPT_MENTION } from '../discover/walk.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand } from '../model/script.js';
import { namingIndex, stillNamed, type NamingIndex } from './builder-mentions.js';
import type { Draft, FileChange } from './index.js';

/** `changes`: the plan's changes to scripts and compose files so far (their new texts are what will name the file). */
export function keepNamedBuilders(drafts: readonly Draft[], analysis: Analysis, fs: RepoFs, changes: readonly FileChange[]): void {
  const deleting = drafts.filter((d) => d.deleteBuilder !== null);
  if (deleting.length === 0) return;
  // The commands the migration removes or rewrites: every step of each migrating setup.
  const ignore = new Set(drafts.flatMap((d) => setupCommands(d.setup)));
  const bases = [...new Set(deleting.map((d) => path.basename(d.deleteBuilder!)))];
  const index = namingIndex(analysis, fs, bases, new Map(changes.map((c) => [c.path, c.after])));
  const verdicts = new Map<string, string | null>();
  for (const d of deleting) {
    const file = d.deleteBuilder!;
    if (!verdicts.has(file)) verdicts.set(file, reasonToKeep(file, ignore, analysis, index, changes));
    const why = verdicts.get(file)!;
    if (why === null) continue;
    d.deleteBuilder = null;
    const deleted = d.plan.notes.findIndex((n) => n.startsWith(`${file} is deleted: `));
    const note = `${file} is kept: ${why}`;
    if (deleted >= 0) d.plan.notes[deleted] = note;
    else d.plan.notes.push(note);
  }
}

function reasonToKeep(file: string, ignore: ReadonlySet<ScriptCommand>, analysis: Analysis, index: NamingIndex, changes: readonly FileChange[]): string | null {
  const base = path.basename(file);
  // The walk kept every candidate that says docker, Dockerfile or Containerfile: a file of
  // another name may be named in scripts it did not keep.
  if (![SCRIPT_MENTION, ...DOCKERFILE_MENTIONS].some((m) => base.includes(m))) return `the tool only looks for other scripts naming Dockerfiles whose name says Dockerfile, and cannot tell whether one names ${base}`;
  const n = stillNamed(file, ignore, index);
  if (n === null) return null;
  if (n.cmd) return `\`${n.cmd.words.map((w) => w.raw).join(' ')}\` (${n.file}:${n.line}) still names it`;
  const read = analysis.scripts.has(n.file) ? 'outside the commands the tool reads there' : changes.some((c) => c.path === n.file) ? 'in what the migration leaves of that file' : 'a file the tool does not read as a script, since it runs no docker command';
  return `${n.file}:${n.line} still names it (${read}), and deleting it could break what uses it`;
}

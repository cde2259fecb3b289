/**
 * Where a copy of ONE FILE lands in the body of a function run more than once. `docker cp
 * x:/out/app ./app` in a body called twice copies onto what the first call left: a folder
 * copied there nests (`app/app`), but a file only overwrites the file the first call made, so
 * every call lands it at `app`, as long as nothing makes `app` a folder. The builder stage
 * proves the copied path a file (src/plan/artifact-kind.ts: a compiler's output named nowhere
 * else); the runtime stage's program is no proof here, as the runtime build is not known yet.
 */
import type { DockerfileFacts } from './dockerfile.js';
import type { BuildStep } from '../model/setup.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { explainedKind } from '../plan/artifact-kind.js';
import { passedArgs } from './copy-variables.js';
import { dirChanges } from './host-dirs.js';

/**
 * True when no command of the script makes folder `rel` (or may: a `mkdir` of a path only known
 * at run time, a `cp -r`/`mv`/`ln -s`/`install -d` that may leave a folder there).
 */
export function neverMadeFolder(rel: string, script: ScriptFile): boolean {
  const makes = (c: ScriptCommand) => ['mkdir', 'cp', 'mv', 'ln', 'install'].includes(c.words[0]?.value ?? '');
  const unknown = (c: ScriptCommand) => c.cwd === null || c.words.slice(1).some((w) => w.value === null);
  const hits = (ch: ReturnType<typeof dirChanges>[number]) =>
    ch.path === null || (ch.maybe === 'made' ? ch.path === rel || rel.startsWith(`${ch.path}/`) : ch.made && (ch.path === rel || (ch.parents && ch.path.startsWith(`${rel}/`))));
  return !script.commands.some((c) => makes(c) && (unknown(c) || dirChanges(c).some(hits)));
}

/** Why the builder stage does not prove `containerPath` a file, or null when it does. */
export function unprovenFile(containerPath: string, builder: BuildStep, facts: DockerfileFacts | null): string | null {
  if (!facts) return 'the builder Dockerfile cannot be read';
  const stage = builder.target ? facts.stages.findIndex((s) => s.name?.toLowerCase() === builder.target!.toLowerCase()) : facts.stages.length - 1;
  if (stage < 0) return 'the builder stage is not known';
  // (copy -1: no runtime COPY is known, so only the builder's own proof counts)
  const { kind, why } = explainedKind({ stagePath: containerPath, builder: facts, builderStage: stage, appended: [], runtime: facts, copy: -1, hostBase: '', buildArgs: passedArgs(builder.inv) });
  if (kind === 'file') return null;
  return kind === 'folder' ? `${containerPath} is a folder in the builder stage` : why;
}

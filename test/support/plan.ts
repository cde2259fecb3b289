import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planMigration, type Plan } from '../../src/plan/index.js';
import { walk } from '../../src/discover/walk.js';
import { NodeRepoFs } from '../../src/discover/node-fs.js';

/** Plans a migration of an in-memory tree; every file is a candidate script. A `stageName` given is fixed, as --stage-name is. */
export function planFiles(files: Record<string, string>, stageName?: string): Plan {
  const fs = new MemoryFs(files);
  return planMigration(analyze(fs, Object.keys(files).sort()), fs, { stageName: stageName ?? 'builder', stageNameFixed: stageName !== undefined });
}

/** Plans a migration of a folder on disk, as the CLI does (a `stageName` given is fixed, as --stage-name is). */
export function planDir(dir: string, stageName?: string): Plan {
  const fs = new NodeRepoFs(dir);
  const walked = walk(dir);
  const analysis = analyze(fs, walked.files, undefined, walked.quiet);
  analysis.passedOver = walked.passedOver;
  analysis.quiet = walked.quiet;
  return planMigration(analysis, fs, { stageName: stageName ?? 'builder', stageNameFixed: stageName !== undefined });
}

/** The tree after applying every planned change. */
export function applied(files: Record<string, string>, plan: Plan): Record<string, string> {
  const out = { ...files };
  for (const c of plan.changes) {
    if (c.action === 'delete') delete out[c.path];
    else out[c.path] = c.after!;
  }
  return out;
}

/**
 * Files whose reader loads a large dependency of its own (JavaScript: jscodeshift and babel)
 * are analysed by the worker threads only while one lives (src/analyze/analyse-pool.ts), so
 * the main thread does not load that dependency to analyse them (only the plan does, when it
 * edits such a script); the plan is the one a single thread makes. Its own file: the check looks at what this process has loaded.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalysePool } from '../../src/analyze/analyse-pool.js';
import { analyze, assemble, followCallers } from '../../src/analyze/index.js';
import { NodeRepoFs } from '../../src/discover/node-fs.js';
import { walk } from '../../src/discover/walk.js';
import { planMigration } from '../../src/plan/index.js';
import { FIXTURES } from '../support/tree.js';

const WORKER = new URL('../../dist/src/analyze/analyse-worker.js', import.meta.url);
const loaded = (name: string) => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));

describe('analysis threads and file kinds', () => {
  it('JavaScript build scripts are analysed by the workers: the main thread does not load jscodeshift to analyse them', { timeout: 120_000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pool-kinds-'));
    for (const f of ['js-build-script', 'js-wrapper-build', 'href-counter-printed', 'makefile-targets']) fs.cpSync(path.join(FIXTURES, f, 'before'), path.join(root, f), { recursive: true });
    const fsys = new NodeRepoFs(root);
    const walked = walk(root, { repoFs: fsys });
    expect(walked.files.some((f) => /\.[cm]?[jt]s$/.test(f))).toBe(true);
    expect(loaded('jscodeshift')).toBe(false);
    const pool = new AnalysePool(fsys, 1, undefined, (f) => f(), WORKER);
    // One file a batch: the worker holds two at a time, the main thread would take the rest.
    for (const rel of walked.files) pool.add([[rel, fsys.readText(rel)!]]);
    const { analysed, dockerfiles } = await pool.finish(walked.files);
    followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
    // The JavaScript files were analysed (on the worker), their setups found.
    const js = walked.files.filter((f) => /\.[cm]?[jt]s$/.test(f) && (analysed.get(f)?.setups.length ?? 0) > 0);
    expect(js.length).toBeGreaterThanOrEqual(2);
    expect(loaded('jscodeshift')).toBe(false);
    // Planning their edits loads it (the rewritten scripts are read again).
    const threaded = JSON.stringify(planMigration(assemble(walked.files, analysed, dockerfiles, fsys), fsys, { stageName: 'builder' }));
    const oneFs = new NodeRepoFs(root);
    const one = walk(root, { repoFs: oneFs });
    const single = planMigration(analyze(oneFs, one.files, undefined, one.quiet), oneFs, { stageName: 'builder' });
    expect(threaded).toBe(JSON.stringify(single));
    expect(single.setups.filter((s) => s.status === 'migrate' && s.id.includes('js-')).length).toBeGreaterThanOrEqual(2);
  });
});

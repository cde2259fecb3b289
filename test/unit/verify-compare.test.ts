/** --verify's comparisons that need no engine: host files, image names, verdicts in the plan. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/model/verdict.js';
import { runRoot } from '../../src/pipeline.js';
import { planMigration } from '../../src/plan/index.js';
import { compareHostFiles, snapshotTree } from '../../src/verify/host-files.js';
import { normalRef, sameRef } from '../../src/verify/store-images.js';
import { copyToTemp, FIXTURES, writeTemp } from '../support/tree.js';

describe('host files', () => {
  it('compares what either run created, changed or removed, leaving out exempt paths', () => {
    const old = writeTemp({ 'build.sh': 'a\n', 'keep.txt': 'k\n' });
    const mig = writeTemp({ 'build.sh': 'b\n', 'keep.txt': 'k\n' });
    const oldBefore = snapshotTree(old);
    const newBefore = snapshotTree(mig);
    // The old run leaves a binary (0755), a checksum, an extracted folder, and removes keep.txt.
    fs.writeFileSync(path.join(old, 'app'), 'bin');
    fs.chmodSync(path.join(old, 'app'), 0o755);
    fs.writeFileSync(path.join(old, 'app.sha256'), 'sum');
    fs.mkdirSync(path.join(old, 'out'));
    fs.writeFileSync(path.join(old, 'out', 'x'), 'x');
    fs.rmSync(path.join(old, 'keep.txt'));
    // The migrated run leaves the binary with another mode, no checksum, and an extra file.
    fs.writeFileSync(path.join(mig, 'app'), 'bin');
    fs.chmodSync(path.join(mig, 'app'), 0o644);
    fs.rmSync(path.join(mig, 'keep.txt'));
    fs.writeFileSync(path.join(mig, 'extra'), 'e');
    const r = compareHostFiles({ before: oldBefore, after: snapshotTree(old) }, { before: newBefore, after: snapshotTree(mig) }, (p) => p === 'out' || p.startsWith('out/'));
    expect(r.compared).toEqual(['app', 'app.sha256', 'extra', 'keep.txt']);
    expect(r.differences).toEqual([
      expect.stringMatching(/^host file app: the old pipeline left a file \(mode 0755, sha256 \w+\), the migrated one a file \(mode 0644/),
      expect.stringMatching(/^host file app.sha256: the old pipeline left a file .*, the migrated one nothing$/),
      expect.stringMatching(/^host file extra: the old pipeline left nothing, the migrated one a file/),
    ]);
  });
});

describe('image names', () => {
  it('spells a name as docker and podman both read it', () => {
    expect(normalRef('app')).toBe('app:latest');
    expect(normalRef('localhost/app:build')).toBe('app:build');
    expect(normalRef('docker.io/library/alpine')).toBe('alpine:latest');
    expect(normalRef('registry.example:5000/team/app')).toBe('registry.example:5000/team/app:latest');
    expect(sameRef('alexellis2/href-counter:build', 'localhost/alexellis2/href-counter:build')).toBe(true);
    expect(sameRef('app:build', 'app:latest')).toBe(false);
  });
});

describe('verdicts are an input of the plan', () => {
  const verdict = (status: Verdict['status']): Verdict => ({ status, message: status === 'identical' ? 'verified' : `${status}: because`, differences: status === 'differs' ? ['host file app: …'] : [], entry: 'sh build.sh', old: null, migrated: null, images: [], hostFiles: [] });

  for (const [status, code] of [
    ['differs', 'VERIFY_FAILED'],
    ['not-verified', 'VERIFY_FAILED'],
    ['engine-error', 'ENGINE_ERROR'],
  ] as const) {
    it(`a setup that ${status} is refused with ${code} and plans no change`, () => {
      const run = runRoot(copyToTemp(path.join(FIXTURES, 'href-counter', 'before')), { stageName: 'builder' });
      const id = run.plan.setups[0]!.id;
      const plan = planMigration(run.analysis, run.fs, { stageName: 'builder', verdicts: new Map([[id, verdict(status)]]) });
      expect(plan.setups[0]).toMatchObject({ status: 'refused', verification: { status } });
      expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toContain(code);
      expect(plan.changes).toEqual([]);
    });
  }

  it('an identical setup keeps its changes, with a note', () => {
    const run = runRoot(copyToTemp(path.join(FIXTURES, 'href-counter', 'before')), { stageName: 'builder' });
    const id = run.plan.setups[0]!.id;
    const plan = planMigration(run.analysis, run.fs, { stageName: 'builder', verdicts: new Map([[id, verdict('identical')]]) });
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(plan.setups[0]!.notes).toContain('verified');
    expect(plan.changes).toEqual(run.plan.changes);
  });

  it('the test-only perturb hook rewrites planned changes (the CLI never sets it)', () => {
    const run = runRoot(copyToTemp(path.join(FIXTURES, 'href-counter', 'before')), { stageName: 'builder', perturb: (c) => (c.path === 'build.sh' ? { ...c, after: `${c.after}# perturbed\n` } : c) });
    expect(run.plan.changes.find((c) => c.path === 'build.sh')!.after).toMatch(/# perturbed\n$/);
  });
});

describe('the image compose builds for a builder service the migration removes', () => {
  it('is the project-service name either compose spells (Compose v2 with `-`, v1 and podman-compose with `_`)', async () => {
    const { composeServiceImage } = await import('../../src/verify/verify.js');
    expect(['localhost/cparg_builder:latest', 'cparg-builder', 'docker.io/cparg-builder:latest'].map((n) => composeServiceImage('compose-service:builder', n))).toEqual([true, true, true]);
    expect(['localhost/demo:latest', 'builder', 'localhost/cparg_builder2:latest', 'registry.example/x/cparg-builder'].map((n) => composeServiceImage('compose-service:builder', n))).toEqual([false, false, false, false]);
    expect(composeServiceImage('app:build', 'localhost/cparg_builder:latest')).toBe(false);
  });
});

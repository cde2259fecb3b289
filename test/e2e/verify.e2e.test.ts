/**
 * --verify on a real engine: a correct migration verifies; a deliberately broken one (wrong
 * COPY --from path, a dropped RUN, a changed WORKDIR) is caught with the difference named;
 * with --yes, a setup that does not verify is not written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRoot } from '../../src/pipeline.js';
import type { FileChange } from '../../src/plan/index.js';
import { STORAGE_DRIVER_ENV } from '../../src/verify/engine.js';
import { verifyRoot } from '../../src/verify/verify.js';
import { exampleCopy, runCli } from '../support/cli.js';
import { copyToTemp, FIXTURES, readTree } from '../support/tree.js';
import { ensureBaseImages } from './support/base-images.js';
import { engineForTests } from './support/engine-for-tests.js';

const engine = await engineForTests();
const ENV = { [STORAGE_DRIVER_ENV]: engine?.storageDriver ?? 'vfs' };

function tampered(changes: readonly FileChange[], edit: (dockerfile: string) => string): FileChange[] {
  return changes.map((c) => (c.path === 'Dockerfile' ? { ...c, after: edit(c.after!) } : c));
}

describe.skipIf(!engine)('--verify', () => {
  beforeAll(async () => {
    await ensureBaseImages(engine!);
  });

  it('verifies a correct migration (CLI, JSON report)', () => {
    const dir = exampleCopy();
    const r = runCli(['--verify', '--dry-run', '--json'], dir, ENV);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.setups[0].verification).toMatchObject({ status: 'identical' });
  });

  it('verifies builders merged into one runtime Dockerfile together, replaying every builder', () => {
    const dir = copyToTemp(path.join(FIXTURES, 'shared-base', 'before'));
    const r = runCli(['--verify', '--dry-run', '--json'], dir, ENV);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.setups.map((s: { verification?: { status: string } }) => s.verification?.status)).toEqual(['identical', 'identical']);
  });

  const broken: [string, (d: string) => string, RegExp][] = [
    ['a wrong COPY --from path', (d) => d.replace('href-counter/app .', 'href-counter/app.go ./app'), /\/root\/app\b.*(content|size)/],
    ['a dropped RUN', (d) => d.replace('RUN apk --no-cache add ca-certificates\n', ''), /ca-certificates|\/etc\//],
    ['a changed WORKDIR', (d) => d.replace('WORKDIR /root/', 'WORKDIR /srv/'), /WorkingDir/],
  ];
  for (const [what, edit, named] of broken) {
    it(`catches ${what}, naming the difference`, async () => {
      const dir = exampleCopy();
      const run = runRoot(dir, { stageName: 'builder' });
      const id = run.plan.setups[0]!.id;
      const results = await verifyRoot(engine!, run, tampered(run.plan.changes, edit), [id]);
      const v = results.get(id)!;
      expect(v.status).toBe('differs');
      expect(v.differences.join('\n')).toMatch(named);
    });
  }

  it('with --yes, does not write a setup whose old pipeline fails to build', () => {
    const dir = exampleCopy();
    // The builder does not produce what the script copies out: the old pipeline is broken.
    fs.writeFileSync(path.join(dir, 'Dockerfile.build'), fs.readFileSync(path.join(dir, 'Dockerfile.build'), 'utf8').replace('-o app .', '-o app2 .'));
    const before = readTree(dir);
    const r = runCli(['.', '--yes', '--verify'], dir, ENV);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/VERIFY_FAILED the old pipeline failed/);
    expect(readTree(dir)).toEqual(before);
  });

  it('leaves no image or container behind', async () => {
    const images = (await engine!.exec(['images', '--format', '{{.Repository}}'])).stdout.toString();
    expect(images).toContain('golang');
    expect(images).not.toContain('multistage-codemod-verify');
  });
});

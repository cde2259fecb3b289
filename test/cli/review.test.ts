/** Review modes: --patch round-trips through git apply, --check, the dirty-tree guard, the JSON schema. */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CRASH_ENV, JOURNAL_NAME } from '../../src/apply/apply.js';
import { BIN, exampleCopy, git, runCli, twoServices } from '../support/cli.js';
import { readTree } from '../support/tree.js';

const schema = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../src/review/report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const expectValid = (report: unknown) => {
  const ok = validate(report);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(ok).toBe(true);
};

describe('--patch', () => {
  it('writes one patch that git apply turns into exactly the --yes tree', () => {
    const viaYes = twoServices();
    const viaPatch = fs.mkdtempSync(path.join(path.dirname(viaYes), 'msc-patch-'));
    fs.cpSync(viaYes, viaPatch, { recursive: true });
    const patchFile = path.join(path.dirname(viaYes), `${path.basename(viaPatch)}.patch`);

    const before = readTree(viaPatch);
    const p = runCli(['--patch', patchFile], viaPatch);
    expect(p.code).toBe(0);
    expect(readTree(viaPatch)).toEqual(before);
    expect(runCli(['.', '--yes'], viaYes).code).toBe(0);

    git(viaPatch, 'init', '-q');
    git(viaPatch, 'apply', patchFile);
    expect(readTree(viaPatch)).toEqual(readTree(viaYes));
    expect(fs.statSync(path.join(viaPatch, 'api/build.sh')).mode & 0o111).not.toBe(0);
  });

  it('--patch - prints only the patch', () => {
    const r = runCli(['--patch', '-'], exampleCopy());
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('diff --git a/Dockerfile b/Dockerfile\n')).toBe(true);
    expect(r.stdout).toContain('deleted file mode 100644\n--- a/Dockerfile.build\n+++ /dev/null\n');
  });
});

describe('--check', () => {
  it('fails while setups remain, lists them, writes nothing; passes once migrated', () => {
    const dir = twoServices();
    const before = readTree(dir);
    const r = runCli(['--check'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 builder-pattern setup(s) found');
    expect(r.stdout).toContain('api/build.sh:4');
    expect(r.stdout).toContain('worker/build.sh:4');
    expect(readTree(dir)).toEqual(before);
    expect(runCli(['.', '--yes'], dir).code).toBe(0);
    const after = runCli(['--check'], dir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No builder-pattern setup found');
  });

  it('says on stderr what it could not read, where a setup may hide', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-unread-'));
    fs.writeFileSync(
      path.join(dir, 'Makefile'),
      '.ONESHELL: image\nimage:\n\tdocker build -t app:build -f Dockerfile.build .\n\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker build -t app .\n',
    );
    const r = runCli(['--check'], dir);
    expect(r.stdout).toBe('No builder-pattern setup found.\n');
    expect(r.stderr).toMatch(/^Makefile: .*SHELL_PARSE_ERROR.*\.ONESHELL/m);
  });

  it('counts refused setups too', () => {
    const dir = exampleCopy();
    fs.writeFileSync(path.join(dir, 'build.sh'), fs.readFileSync(path.join(dir, 'build.sh'), 'utf8').replace('./app  ', '"./$OUT"'));
    const r = runCli(['--check', '--json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expectValid(report);
    expect(report.setups[0].status).toBe('refused');
  });
});

describe('dirty-tree guard', () => {
  it('refuses to write over uncommitted changes unless --force', () => {
    const dir = exampleCopy();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(dir, 'Dockerfile'), '# local edit\n');
    const before = readTree(dir);
    const r = runCli(['.', '--yes'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Dockerfile: error DIRTY_TREE/);
    expect(r.stderr).not.toMatch(/build\.sh: error DIRTY_TREE/);
    expect(readTree(dir)).toEqual(before);
    // --json gets a report saying so, not nothing.
    const json = runCli(['.', '--yes', '--json'], dir);
    expect(json.code).toBe(3);
    const report = JSON.parse(json.stdout);
    expectValid(report);
    expect(report).toMatchObject({ mode: 'apply', applied: false, changes: [], setups: [{ status: 'planned' }] });
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'DIRTY_TREE', severity: 'error', file: 'Dockerfile' }));
    expect(readTree(dir)).toEqual(before);
    const forced = runCli(['.', '--yes', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(readTree(dir)['Dockerfile']).toContain('COPY --from=builder');
  });

  it('lets a clean work tree through', () => {
    const dir = exampleCopy();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    expect(runCli(['.', '--yes'], dir).code).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toContain(' D Dockerfile.build');
  });
});

describe('--json schema', () => {
  it('holds for dry-run, apply, nothing-found and refused reports', () => {
    const dir = twoServices();
    for (const args of [['--dry-run', '--json'], ['--json'], ['--yes', '--json'], ['--dry-run', '--json']]) {
      const r = runCli(['.', ...args], dir);
      expectValid(JSON.parse(r.stdout));
    }
    const refused = exampleCopy();
    fs.writeFileSync(path.join(refused, 'Dockerfile'), 'FROM alpine:latest\nCOPY . /root/\n');
    const r = runCli(['--dry-run', '--json'], refused);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expectValid(report);
    expect(report.setups[0].diagnostics.map((d: { code: string }) => d.code)).toContain('ARTIFACT_IN_BROAD_COPY');
  });

  it('after an interrupted --yes, says what it found and did about it: the files it completed, or why it could not', () => {
    const dir = twoServices();
    const killed = spawnSync(process.execPath, [BIN, '.', '--yes'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', [CRASH_ENV]: '10' }, encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    const halfway = readTree(dir);

    const review = runCli(['.', '--dry-run', '--json'], dir);
    expect(review.code).toBe(3);
    const would = JSON.parse(review.stdout);
    expectValid(would);
    expect(would).toMatchObject({ mode: 'dry-run', applied: false, setups: [], changes: [] });
    expect(would.interruptedRuns).toEqual([expect.objectContaining({ root: '.', outcome: 'completed', dryRun: true, message: expect.stringContaining('would complete it') })]);
    expect(readTree(dir)).toEqual(halfway);

    const r = runCli(['.', '--yes', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expectValid(report);
    expect(report).toMatchObject({ mode: 'apply', applied: true, changes: [] });
    const [done] = report.interruptedRuns;
    expect(done).toMatchObject({ root: '.', outcome: 'completed', dryRun: false });
    // The files it completed are the ones the review said, and those that were still old before.
    expect(done.files).toEqual(would.interruptedRuns[0].files);
    expect(done.removedTemps).toEqual(would.interruptedRuns[0].removedTemps);
    expect(done.files.length).toBeGreaterThan(0);
    for (const f of done.files as { path: string; action: string }[]) {
      expect(['updated', 'deleted', 'created']).toContain(f.action);
      if (f.action === 'deleted') expect(fs.existsSync(path.join(dir, f.path))).toBe(false);
      else expect(readTree(dir)[f.path]).not.toEqual(halfway[f.path]);
    }
    expect(fs.existsSync(path.join(dir, JOURNAL_NAME))).toBe(false);

    // A journal that cannot be used: a report still, saying why nothing was done.
    const broken = twoServices();
    fs.writeFileSync(path.join(broken, JOURNAL_NAME), '{"tool": "multistage-codemod", "vers');
    const b = runCli(['.', '--yes', '--json'], broken);
    expect(b.code).toBe(3);
    const blocked = JSON.parse(b.stdout);
    expectValid(blocked);
    expect(blocked).toMatchObject({ applied: false, setups: [], interruptedRuns: [{ outcome: 'blocked', files: [] }] });
    expect(blocked.diagnostics).toEqual([expect.objectContaining({ code: 'READ_ERROR', severity: 'error', file: JOURNAL_NAME })]);

    // --format sarif too: a log whose run says it stopped and why, with the journal's problem as a result.
    const sarif = runCli(['.', '--dry-run', '--format', 'sarif'], broken);
    expect(sarif.code).toBe(3);
    const log = JSON.parse(sarif.stdout);
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: expect.stringContaining('Nothing was planned for .') } }] }]);
    expect(log.runs[0].results).toEqual([expect.objectContaining({ ruleId: 'READ_ERROR', level: 'error' })]);
  });

  it('rejects a report that breaks the schema (the check can fail)', () => {
    const r = JSON.parse(runCli(['--dry-run', '--json'], exampleCopy()).stdout);
    r.setups[0].status = 'done';
    expect(validate(r)).toBe(false);
  });
});

describe('walking', () => {
  it('--ignore leaves out matching paths; binary candidates are reported as skipped', () => {
    const dir = twoServices();
    fs.writeFileSync(path.join(dir, 'release-tool'), Buffer.concat([Buffer.from('#!/bin/sh\ndocker cp x:/a b\n'), Buffer.from([0, 1, 2, 3])]));
    const r = runCli(['--dry-run', '--json', '--ignore', 'worker/'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.setups.map((s: { id: string }) => s.id)).toEqual(['api/build.sh:4']);
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'FILE_SKIPPED', file: 'release-tool', severity: 'info' }));
    expectValid(report);
  });
});

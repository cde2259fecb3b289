/**
 * Scale, not timing: a generated tree of 1,000 builder-pattern setups (shell, Makefile and
 * package.json in turn, from bench/generate.ts) must come out of the built CLI as exactly
 * 1,000 planned setups, while copies the walker must not see (node_modules, a gitignored
 * folder, VCS metadata, a symbolic link to a package) add none.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';

const BIN = path.resolve(import.meta.dirname, '../../dist/src/bin.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-thousand-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('a 1,000-setup tree', () => {
  it('plans 1,000 setups, no more and no fewer', () => {
    const g = generate(work, { packages: 1000, setups: 1000, filesPerPackage: 8 });
    expect(g.setups).toEqual({ shell: 334, make: 333, npm: 333 });
    // Copies of a real package where the walker must not look.
    const pkg = path.join(work, 'packages/team-00/pkg-0000');
    for (const hidden of ['node_modules/dep', 'vendor-build/dist', '.git/modules/x']) fs.cpSync(pkg, path.join(work, hidden), { recursive: true });
    fs.writeFileSync(path.join(work, 'vendor-build/.gitignore'), 'dist/\n');
    fs.symlinkSync(pkg, path.join(work, 'linked-pkg'));

    const r = spawnSync(process.execPath, [BIN, work, '--dry-run', '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { setups: { status: string; script: string }[]; diagnostics: unknown[] };
    expect(report.setups.filter((s) => s.status === 'planned')).toHaveLength(1000);
    expect(report.setups).toHaveLength(1000);
    expect(report.diagnostics).toEqual([]);
    // Every setup is its own package's, once.
    expect(new Set(report.setups.map((s) => path.relative(work, s.script).split(path.sep).slice(0, 3).join('/'))).size).toBe(1000);
    expect(report.setups.every((s) => path.relative(work, s.script).startsWith('packages/'))).toBe(true);
  }, 300_000);
});

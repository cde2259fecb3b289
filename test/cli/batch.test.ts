/**
 * Batch runs: several roots end with a summary table (per root, a total, and the codes that
 * refused setups), and a long run shows its progress on the terminal's stderr (through a pty)
 * while --json output stays clean.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';
import { runCli } from '../support/cli.js';
import { startCli } from '../support/pty.js';
import { FIXTURES } from '../support/tree.js';

function threeRoots(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-batch-'));
  fs.cpSync(path.join(FIXTURES, 'href-counter', 'before'), path.join(dir, 'a'), { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'npm-scripts', 'before'), path.join(dir, 'b'), { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'rename-gateway', 'before'), path.join(dir, 'c'), { recursive: true });
  fs.appendFileSync(path.join(dir, 'c', 'build.sh'), '\ndocker cp "$cid:$(cat p.txt)" .\n');
  fs.mkdirSync(path.join(dir, 'd'));
  return dir;
}

describe('batch runs', () => {
  it('end with a table: a row per root (one without setups too), a total, and the codes that refused setups', () => {
    const r = runCli(['a', 'b', 'c', 'd', '--dry-run'], threeRoots());
    expect(r.code, r.stderr).toBe(1);
    const table = r.stdout.slice(r.stdout.indexOf('  root'));
    expect(table).toBe(
      [
        '  root   setups  would migrate  skipped  refused  files to change',
        '  a           1              1        0        0                3',
        '  b           1              1        0        0                3',
        '  c           1              0        0        1                0',
        '  d           0              0        0        0                0',
        '  total       3              2        0        1                6',
        '  refused by: DYNAMIC_CONTAINER ×1',
        'Summary: 2 setup(s) would be migrated, 0 skipped, 1 refused; files would be created 0, updated 4, deleted 2',
        '',
      ].join('\n'),
    );
  });

  it('shows progress by phase on a terminal, and none with --json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-batch-'));
    generate(dir, { packages: 120, setups: 120, filesPerPackage: 6 });
    const s = startCli(['.', '--dry-run'], dir);
    expect(await s.exit).toBe(0);
    const screen = s.screen();
    expect(screen).toMatch(/\.: analysing 0\/\d+ files/);
    expect(screen).toMatch(/\.: planning 0\/120 setups/);
    expect(screen).toMatch(/Summary: 120 setup\(s\) would be migrated/);

    const json = startCli(['.', '--dry-run', '--json'], dir);
    expect(await json.exit).toBe(0);
    expect(json.screen()).not.toMatch(/analysing|planning|walking/);
    expect(JSON.parse(json.screen()).setups).toHaveLength(120);
  }, 120_000);
});

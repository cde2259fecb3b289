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
    // The counter moves: every phase ends on its full count.
    const files = Number(/\.: analysing 0\/(\d+) files/.exec(screen)![1]);
    expect(files).toBeGreaterThan(64);
    expect(screen).toContain(`.: analysing ${files}/${files} files`);
    expect(screen).toMatch(/\.: planning 0\/120 setups/);
    expect(screen).toContain('.: planning 120/120 setups');
    expect(screen).toMatch(/Summary: 120 setup\(s\) would be migrated/);

    const json = startCli(['.', '--dry-run', '--json'], dir);
    expect(await json.exit).toBe(0);
    expect(json.screen()).not.toMatch(/analysing|planning|walking/);
    expect(((await json.json()) as { setups: unknown[] }).setups).toHaveLength(120);
  }, 120_000);

  it('says which root of how many it is on, and the counts of each root end full', async () => {
    const s = startCli(['a', 'b', 'c', 'd', '--dry-run'], threeRoots());
    expect(await s.exit).toBe(1);
    const screen = s.screen();
    for (const [k, root] of ['a', 'b', 'c', 'd'].entries()) expect(screen).toContain(`root ${k + 1}/4 ${root}: walking`);
    expect(screen).toMatch(/root 1\/4 a: analysing (\d+)\/\1 files/);
    expect(screen).toContain('root 3/4 c: planning 1/1 setups');
  });

  it('colours a refused count red in the table, and only that cell', () => {
    const r = runCli(['a', 'b', 'c', 'd', '--dry-run'], threeRoots(), { NO_COLOR: '', FORCE_COLOR: '1' });
    const red = (t: string) => `\x1b[31m${t}\x1b[39m`;
    expect(r.stdout).toContain(`  c           1              0        0  ${red('      1')}                0`);
    expect(r.stdout).toContain(`  total       3              2        0  ${red('      1')}                6`);
    expect(r.stdout).toContain('  a           1              1        0        0                3');
  });
});

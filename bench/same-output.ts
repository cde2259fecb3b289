/**
 * A change made for speed must not change what the tool says: this runs two builds of the CLI
 * (e.g. main's and the changed one) with `--dry-run --json` on every fixture's before/ tree and
 * on the bench's 1× tree, and reports every run whose standard output, standard error or exit
 * status differ. Exits 1 when one does.
 *
 *   npx tsx bench/same-output.ts --base PATH/TO/OTHER/dist/src/bin.js [--bin dist/src/bin.js] [--tree DIR] [--no-tree]
 *
 * --tree: a 1× tree already generated (bench/generate.ts); without it one is generated in a
 * temporary folder and removed afterwards. Both builds run from the tree's parent folder with
 * the same relative path, so the paths in the reports compare.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './generate.js';

const REPO = path.resolve(import.meta.dirname, '..');

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

function run(bin: string, target: string, cwd: string): Run {
  const r = spawnSync(process.execPath, [bin, target, '--dry-run', '--json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function differs(a: Run, b: Run): string | null {
  if (a.status !== b.status) return `exit status ${a.status} against ${b.status}`;
  if (a.stdout !== b.stdout) return 'standard output';
  if (a.stderr !== b.stderr) return 'standard error';
  return null;
}

function main(): number {
  const { values } = parseArgs({ options: { base: { type: 'string' }, bin: { type: 'string', default: path.join(REPO, 'dist/src/bin.js') }, tree: { type: 'string' }, 'no-tree': { type: 'boolean', default: false } } });
  if (!values.base) throw new Error('--base PATH (the other build\'s dist/src/bin.js) is required');
  const [base, bin] = [path.resolve(values.base), path.resolve(values.bin)];
  const targets: { cwd: string; target: string }[] = fs
    .readdirSync(path.join(REPO, 'fixtures'))
    .filter((c) => fs.existsSync(path.join(REPO, 'fixtures', c, 'before')))
    .sort()
    .map((c) => ({ cwd: REPO, target: `fixtures/${c}/before` }));
  let temp: string | null = null;
  if (!values['no-tree']) {
    let tree = values.tree ? path.resolve(values.tree) : null;
    if (tree === null) {
      temp = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-same-output-'));
      tree = path.join(temp, 't1');
      generate(tree, { packages: 2000, setups: 1000 });
    }
    targets.push({ cwd: path.dirname(tree), target: path.basename(tree) });
  }
  let failed = 0;
  try {
    for (const { cwd, target } of targets) {
      const why = differs(run(base, target, cwd), run(bin, target, cwd));
      if (why !== null) {
        failed++;
        console.log(`DIFFERS ${target}: ${why}`);
      }
    }
  } finally {
    if (temp !== null) fs.rmSync(temp, { recursive: true, force: true });
  }
  console.log(`${targets.length - failed} of ${targets.length} trees give the same output`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();

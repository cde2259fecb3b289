/**
 * One test per exit code: 0 done or nothing to do; 1 findings with everything else applied;
 * 2 bad usage; 3 a write or engine failure; 130 interrupted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCopy, runCli, twoServices } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { readTree, writeTemp } from '../support/tree.js';

/** Two roots: `good` migrates, `bad` is refused (its artifact path is only known at run time). */
function goodAndBad(): string {
  const dir = writeTemp({});
  fs.cpSync(exampleCopy(), path.join(dir, 'good'), { recursive: true });
  fs.cpSync(exampleCopy(), path.join(dir, 'bad'), { recursive: true });
  const sh = path.join(dir, 'bad', 'build.sh');
  fs.writeFileSync(sh, fs.readFileSync(sh, 'utf8').replace('extract:/go/src/github.com/alexellis/href-counter/app', '"extract:$(cat path.txt)"'));
  return dir;
}

describe('exit codes', () => {
  it('0: everything applied, and again when there is nothing to do', () => {
    const dir = exampleCopy();
    expect(runCli(['.', '--yes'], dir).code).toBe(0);
    expect(runCli(['.', '--yes'], dir).code).toBe(0);
    expect(runCli(['--check'], dir).code).toBe(0);
  });

  it('1: a refused setup, with every other setup applied', () => {
    const dir = goodAndBad();
    const before = readTree(dir);
    const r = runCli(['good', 'bad', '--yes'], dir);
    expect(r.code, r.stderr).toBe(1);
    const after = readTree(dir);
    expect(after['good/Dockerfile.build']).toBeUndefined();
    for (const f of Object.keys(before).filter((p) => p.startsWith('bad/'))) expect(after[f]).toBe(before[f]);
  });

  it('1: --check finds setups; pending changes without a terminal or --yes', () => {
    const dir = exampleCopy();
    const before = readTree(dir);
    expect(runCli(['--check'], dir).code).toBe(1);
    const pending = runCli(['.'], dir);
    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain('Nothing was written');
    expect(readTree(dir)).toEqual(before);
  });

  it('2: bad usage', () => {
    const dir = exampleCopy();
    for (const args of [['--frob'], ['--dry-run', '--yes'], ['no/such/dir'], ['--engine', 'docker']]) expect(runCli(args, dir).code, args.join(' ')).toBe(2);
  });

  it('2: roots that overlap (one inside another, or one folder twice), before anything is read or written', () => {
    const dir = goodAndBad();
    const before = readTree(dir);
    const nested = runCli(['.', 'good', '--yes'], dir);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('good is inside ., which is read whole already (its setups would be planned twice): name . alone, or only the folders inside it');
    const twice = runCli(['good', './good/', '--dry-run'], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('good and ./good/ are the same folder: name it once');
    fs.symlinkSync('good', path.join(dir, 'link'));
    expect(runCli(['link', 'good', '--dry-run'], dir).stderr).toContain('link and good are the same folder');
    expect(readTree(dir)).toEqual(before);
    // Side by side is fine.
    expect(runCli(['good', 'bad', '--dry-run'], dir).code).toBe(1);
  });

  it('3: a write that fails (a file changed while the review waited) and nothing of it is written', async () => {
    const dir = twoServices();
    const r = await runInProcess(['.', '--no-pager'], dir, (n) => {
      if (n === 0) fs.appendFileSync(path.join(dir, 'api', 'Dockerfile'), '# edited meanwhile\n');
      return 'y';
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/FILE_CHANGED/);
    expect(fs.existsSync(path.join(dir, 'api', 'Dockerfile.build'))).toBe(true);
    // One root is one transaction: the worker setup, accepted too, is not written either.
    expect(fs.existsSync(path.join(dir, 'worker', 'Dockerfile.build'))).toBe(true);
  });

  it('3: no container engine for --verify', () => {
    const r = runCli(['.', '--dry-run', '--verify'], exampleCopy(), { PATH: writeTemp({}) });
    expect(r.code).toBe(3);
  });

  it('130: interrupted during the review, nothing written', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const r = await runInProcess(['.', '--no-pager'], dir, (n) => (n === 0 ? 'y' : null));
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupted: nothing was written.');
    expect(readTree(dir)).toEqual(before);
  });
});

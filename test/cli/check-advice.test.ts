/**
 * `--check` ends by saying what the tool can do for the setups it listed: a run that can only
 * refuse does not tell the user to run the tool to migrate them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCopy, runCli } from '../support/cli.js';
import { writeTemp } from '../support/tree.js';

/** Makes a copy of the example refuse: its artifact path is only known at run time. */
function spoil(dir: string): void {
  const sh = path.join(dir, 'build.sh');
  fs.writeFileSync(sh, fs.readFileSync(sh, 'utf8').replace('extract:/go/src/github.com/alexellis/href-counter/app', '"extract:$(cat path.txt)"'));
}

describe('--check advice', () => {
  it('only refused setups: no "Run multistage-codemod to migrate them"', () => {
    const dir = exampleCopy();
    spoil(dir);
    const r = runCli(['--check'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('needs a manual migration');
    expect(r.stdout).not.toContain('to migrate them');
    expect(r.stdout).toContain('It cannot be migrated by the tool: make the changes its errors ask for, or migrate it by hand.');
  });

  it('migratable and refused setups: the advice counts each', () => {
    const dir = writeTemp({});
    fs.cpSync(exampleCopy(), path.join(dir, 'good'), { recursive: true });
    fs.cpSync(exampleCopy(), path.join(dir, 'bad'), { recursive: true });
    spoil(path.join(dir, 'bad'));
    const r = runCli(['good', 'bad', '--check'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Run `multistage-codemod` to migrate the 1 migratable one(s); for the other 1, make the changes their errors ask for, or migrate them by hand.');
  });

  it('only migratable setups: run the tool to migrate them', () => {
    const r = runCli(['--check'], exampleCopy());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Run `multistage-codemod` to migrate them.');
  });
});

/**
 * Every scan of file content must be linear: a quadratic one turns a 280 KB inline source map
 * into minutes, and a 2 MiB file (the largest the walker reads) into hours. How the CPU grows
 * from 512 KiB to 2 MiB of adversarial bytes per file is the bench's to measure (bench/growth.ts,
 * `npm run bench`: at most 8×, linear being 4×); here, untimed, the pipeline reads those files
 * whole and still finds and plans the setup among them, and the scans that replaced single
 * patterns find what those patterns found.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsReferences } from '../../src/discover/walk.js';
import { compileIgnore, decide } from '../../src/discover/gitignore.js';
import { runRoot } from '../../src/pipeline.js';
import { adversarialRepo } from '../../bench/adversarial.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

describe('adversarial files', () => {
  it('are read whole at 2 MiB each, and the setup among them is planned', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-growth-'));
    made.push(dir);
    adversarialRepo(dir, 2 * 1024 * 1024);
    const run = runRoot(dir, { stageName: 'builder' });
    expect(run.plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(run.analysis.diagnostics.filter((d) => d.code === 'FILE_SKIPPED' || d.code === 'SHELL_PARSE_ERROR')).toEqual([]);
  }, 120_000);

  it('the JS/TS reference scan finds what the old single pattern found', () => {
    const OLD = /[\w@.+~-][\w@.+~/-]*\.(?:[cm]?[jt]s|[jt]sx)(?![\w/])/g;
    const alphabet = 'a/.jstxcm- @"_~+';
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let k = 0; k < 20000; k++) {
      let s = '';
      for (let i = rand(14) + 1; i > 0; i--) s += alphabet[rand(alphabet.length)];
      expect([...jsReferences(s)], JSON.stringify(s)).toEqual([...s.matchAll(OLD)].map((m) => m[0]));
    }
    expect([...jsReferences('node scripts/build.js && tsx ./src/x.mts; see a.b.ts/ and //lib/y.cjs-z')]).toEqual(['scripts/build.js', './src/x.mts', 'lib/y.cjs']);
  });

  it('a many-star or huge .gitignore pattern neither hangs nor fails to compile', () => {
    const stars = `${'*a'.repeat(40)}b`;
    expect(decide(compileIgnore(stars), 'a'.repeat(60), 'a'.repeat(60), false)).toBe(undefined);
    expect(decide(compileIgnore(stars), `${'a'.repeat(60)}b`, `${'a'.repeat(60)}b`, false)).toBe(true);
    const huge = `${'x'.repeat(1 << 20)}*`;
    expect(decide(compileIgnore(huge), 'n', `${'x'.repeat(1 << 20)}yz`, false)).toBe(true);
  });
});

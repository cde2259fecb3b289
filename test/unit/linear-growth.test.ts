/**
 * Every scan of file content must be linear: a quadratic one turns a 280 KB inline source map
 * into minutes, and a 2 MiB file (the largest the walker reads) into hours. The whole pipeline
 * (walk, analyse, plan) runs on repositories whose every file kind is filled with what makes a
 * careless pattern quadratic (long word runs, long lines, many quotes and backslashes, a
 * many-star .gitignore line), at 512 KiB and at 2 MiB per file: the time may grow 4× for 4× the
 * bytes, and must stay within 8×, the geometric middle between linear (4×) and quadratic (16×).
 * A ratio, not a timing: it holds on a slow machine too. (The bound was 6×: linear code measured
 * ×5.0 to ×5.98 on a 2-CPU machine at a load average of 16: a bound that close fails on load
 * alone, and 8× still fails every quadratic scan by a factor of two.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsReferences } from '../../src/discover/walk.js';
import { compileIgnore, decide } from '../../src/discover/gitignore.js';
import { runRoot } from '../../src/pipeline.js';
import { adversarialRepo } from '../support/adversarial.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function repo(bytes: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-growth-'));
  made.push(dir);
  adversarialRepo(dir, bytes);
  return dir;
}

/** Best of `n` runs of the pipeline on `dir`, in milliseconds. */
function pipelineTime(dir: string, n: number): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const run = runRoot(dir, { stageName: 'builder' });
    best = Math.min(best, performance.now() - t);
    // The setup in build.sh is found and planned: the adversarial bytes were read, not skipped.
    expect(run.plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(run.analysis.diagnostics.filter((d) => d.code === 'FILE_SKIPPED' || d.code === 'SHELL_PARSE_ERROR')).toEqual([]);
  }
  return best;
}

describe('linear growth on adversarial files', () => {
  it('the pipeline on 2 MiB files takes at most 8× its time on 512 KiB files', () => {
    const small = repo(512 * 1024);
    const large = repo(2 * 1024 * 1024);
    pipelineTime(small, 1); // load the parsers once
    // A shared machine's load can slow one measurement: up to three attempts, each best of 3.
    // A quadratic scan grows 16× every time; noise does not repeat.
    const seen: string[] = [];
    let ratio = Infinity;
    for (let attempt = 0; attempt < 3 && ratio > 8; attempt++) {
      const t512 = pipelineTime(small, 3);
      const t2m = pipelineTime(large, 3);
      ratio = t2m / t512;
      seen.push(`512 KiB ${t512.toFixed(0)} ms, 2 MiB ${t2m.toFixed(0)} ms, ×${ratio.toFixed(2)}`);
    }
    console.log(`growth: ${seen.join('; ')}`);
    expect(ratio, seen.join('; ')).toBeLessThanOrEqual(8);
  }, 400_000);

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
    const t = performance.now();
    const stars = `${'*a'.repeat(40)}b`;
    expect(decide(compileIgnore(stars), 'a'.repeat(60), 'a'.repeat(60), false)).toBe(undefined);
    expect(decide(compileIgnore(stars), `${'a'.repeat(60)}b`, `${'a'.repeat(60)}b`, false)).toBe(true);
    const huge = `${'x'.repeat(1 << 20)}*`;
    expect(decide(compileIgnore(huge), 'n', `${'x'.repeat(1 << 20)}yz`, false)).toBe(true);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

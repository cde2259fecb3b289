/** bench/bundled.ts: the bench refuses to measure a build that would run unbundled. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unbundled } from '../../bench/bundled.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-bundled-'));
  fs.mkdirSync(path.join(dir, 'dist/src'), { recursive: true });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = (f: string, seconds: number) => {
  const file = path.join(dir, 'dist/src', f);
  fs.writeFileSync(file, '');
  fs.utimesSync(file, seconds, seconds);
};

describe('unbundled', () => {
  const bin = () => path.join(dir, 'dist/src/bin.cjs');

  it('is null when the bundle is at least as new as main.js, as bin.cts would run it', () => {
    at('main.js', 1000);
    at('main.bundle.cjs', 1000);
    expect(unbundled(bin())).toBeNull();
    at('main.bundle.cjs', 2000);
    expect(unbundled(bin())).toBeNull();
  });

  it('says why, and how to bundle, when main.js is newer or there is no bundle', () => {
    at('main.bundle.cjs', 1000);
    at('main.js', 2000);
    expect(unbundled(bin())).toMatch(/main\.js is newer than its bundle.*node scripts\/bundle\.mjs/);
    fs.rmSync(path.join(dir, 'dist/src/main.bundle.cjs'));
    expect(unbundled(bin())).toMatch(/no bundle beside it/);
  });
});

/**
 * The executable's code cache (src/code-cache.cts): a run that did real work leaves V8's cached
 * data for the bundle, the next run uses it, and nothing uses a cache that may not be this
 * bundle's (another content, an unsafe folder) or when it is turned off.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LARGE_RUN_FILES } from '../../src/cache-run.js';
import { cacheFileFor, HASH_LINE, scriptText, WRAPPER_HEAD, WRAPPER_TAIL } from '../../src/code-cache.cjs';

const LOADER = path.resolve(import.meta.dirname, '../../dist/src/code-cache.cjs');
let dir: string;
let tmp: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-cc-'));
  tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A bundle as scripts/bundle.mjs writes one: a hash line, then CommonJS that does some work,
 * inside Node's module wrapper (`wrapped: false`: without it, as a bundle made by hand).
 */
function bundle(name: string, body: string, wrapped = true): string {
  const text = wrapped ? `${WRAPPER_HEAD}"use strict";\n${body}\n${WRAPPER_TAIL}` : `"use strict";\n${body}\n`;
  const file = path.join(dir, name);
  fs.writeFileSync(file, `// multistage-codemod bundle sha256:${crypto.createHash('sha256').update(text).digest('hex')}\n${text}`);
  return file;
}

const WORK = `function sum(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\nprocess.stdout.write(String(sum(10)) + ' ' + require('node:path').basename(__filename));`;

/** Runs `file` through runBundle in a fresh process; its output and what runBundle said. */
function run(file: string, args: string[] = [], env: Record<string, string> = {}) {
  const script = `import { runBundle } from ${JSON.stringify(LOADER)};\nconst r = runBundle(${JSON.stringify(file)}, { env: process.env, args: ${JSON.stringify(args)}, tmpdir: ${JSON.stringify(tmp)} });\nprocess.stderr.write(JSON.stringify(r));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env } });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, result: JSON.parse(r.stderr) as { file: string | null; used: boolean } };
}

describe('code cache', () => {
  it('is written at the end of the first run and used by the next, which runs the same', () => {
    const file = bundle('main.bundle.cjs', WORK);
    const first = run(file, ['repo', '--dry-run']);
    expect(first.stdout).toBe('45 main.bundle.cjs');
    expect(first.result.used).toBe(false);
    expect(fs.existsSync(first.result.file!)).toBe(true);
    const second = run(file, ['repo']);
    expect(second).toEqual({ stdout: first.stdout, result: { file: first.result.file, used: true } });
  });

  it('runs a bundle written without the module wrapper as Node would, wrapping it, with its cache too', () => {
    const file = bundle('main.bundle.cjs', WORK, false);
    expect(run(file)).toEqual({ stdout: '45 main.bundle.cjs', result: { file: expect.any(String), used: false } });
    expect(run(file)).toEqual({ stdout: '45 main.bundle.cjs', result: { file: expect.any(String), used: true } });
  });

  it('compiles a bundle written inside the wrapper as read, and wraps one written without it', () => {
    const wrapped = fs.readFileSync(bundle('a.cjs', WORK), 'latin1');
    expect(scriptText(wrapped)).toBe(wrapped);
    const bare = fs.readFileSync(bundle('b.cjs', WORK, false), 'latin1');
    expect(scriptText(bare)).toBe(Module.wrap(bare));
  });

  it('a bundle written inside the wrapper also runs as a module of its own (`node main.bundle.cjs`)', () => {
    const file = bundle('main.bundle.cjs', WORK);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '45 main.bundle.cjs', stderr: '' });
  });

  it('runs a bundle that is not ASCII as its UTF-8 text says, with its cache too', () => {
    const file = bundle('main.bundle.cjs', "process.stdout.write(['été …', '😀'.length].join(' '));");
    expect(run(file)).toEqual({ stdout: 'été … 2', result: { file: expect.any(String), used: false } });
    expect(run(file)).toEqual({ stdout: 'été … 2', result: { file: expect.any(String), used: true } });
  });

  it('is not written by a run that only prints help or the version', () => {
    const file = bundle('main.bundle.cjs', WORK);
    for (const a of ['--version', '-h']) expect(fs.existsSync(run(file, [a]).result.file!)).toBe(false);
  });

  it('is named by the content hash: another bundle of the same length does not find it', () => {
    const a = bundle('a.cjs', WORK);
    const b = bundle('b.cjs', WORK.replace('sum(10)', 'sum(11)'));
    expect(fs.statSync(a).size).toBe(fs.statSync(b).size);
    expect(run(a).result.file).not.toBe(run(b).result.file);
    expect(run(b)).toEqual({ stdout: '55 b.cjs', result: { file: expect.any(String), used: true } });
  });

  it('is named by the bundle\'s path too: a copy elsewhere makes its own, and its errors name its own file', () => {
    const STACK = `process.stdout.write(new Error('x').stack.split('\\n')[1].trim());`;
    const a = bundle('main.bundle.cjs', STACK);
    fs.mkdirSync(path.join(dir, 'other'));
    const b = path.join(dir, 'other', 'main.bundle.cjs');
    fs.copyFileSync(a, b);
    expect(run(a).result.used).toBe(false);
    expect(run(a)).toEqual({ stdout: expect.stringContaining(a), result: { file: expect.any(String), used: true } });
    const first = run(b);
    expect(first.result.used).toBe(false);
    expect(first.result.file).not.toBe(run(a).result.file);
    const second = run(b);
    expect(second.result.used).toBe(true);
    expect(second.stdout).toContain(b);
  });

  it('written by other flags, it is rejected and the bundle still runs from its text', () => {
    const file = bundle('main.bundle.cjs', WORK);
    const { result } = run(file);
    // Cached data V8 cannot take: another V8's, or damaged.
    fs.writeFileSync(result.file!, Buffer.alloc(fs.statSync(result.file!).size, 7));
    expect(run(file)).toEqual({ stdout: '45 main.bundle.cjs', result: { file: result.file, used: false } });
    expect(run(file).result.used).toBe(true);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE=1, and for a bundle without its hash line', () => {
    const file = bundle('main.bundle.cjs', WORK);
    expect(run(file, [], { NODE_DISABLE_COMPILE_CACHE: '1' }).result).toEqual({ file: null, used: false });
    expect(fs.readdirSync(tmp).flatMap((d) => fs.readdirSync(path.join(tmp, d)))).toEqual([]);
    const text = fs.readFileSync(file, 'utf8');
    expect(HASH_LINE.test(text)).toBe(true);
    expect(cacheFileFor(text.replace(HASH_LINE, ''), file, { env: {}, args: [], tmpdir: tmp })).toBeNull();
  });

  it.runIf(process.getuid !== undefined)('is not used from a folder others can write to', () => {
    const file = bundle('main.bundle.cjs', WORK);
    const text = fs.readFileSync(file, 'utf8');
    const folder = path.dirname(cacheFileFor(text, file, { env: {}, args: [], tmpdir: tmp })!);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    fs.chmodSync(folder, 0o777);
    expect(cacheFileFor(text, file, { env: {}, args: [], tmpdir: tmp })).toBeNull();
    fs.rmSync(folder, { recursive: true });
    fs.symlinkSync(tmp, folder);
    expect(cacheFileFor(text, file, { env: {}, args: [], tmpdir: tmp })).toBeNull();
  });
});

describe('which runs write the code cache (src/cache-run.ts)', () => {
  it('a bundle that marked its run large writes none; the next run, not marked, does', () => {
    const mark = `globalThis[Symbol.for('multistage-codemod.code-cache-run')] = { large: process.env.MSC_LARGE === '1' };`;
    const file = bundle('main.bundle.cjs', `${mark}\n${WORK}`);
    const large = run(file, ['repo'], { MSC_LARGE: '1' });
    expect(large.result.used).toBe(false);
    expect(fs.existsSync(large.result.file!)).toBe(false);
    const small = run(file, ['repo']);
    expect(small.result.used).toBe(false);
    expect(fs.existsSync(small.result.file!)).toBe(true);
    expect(run(file, ['repo'], { MSC_LARGE: '1' }).result.used).toBe(true);
  });

  it('the executable leaves the cache to a run of at most LARGE_RUN_FILES candidates', () => {
    const BIN = path.resolve(import.meta.dirname, '../../dist/src/bin.cjs');
    const cli = (root: string) => spawnSync(process.execPath, [BIN, root, '--dry-run', '--json'], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '' } });
    const caches = () => fs.readdirSync(tmp).flatMap((d) => fs.readdirSync(path.join(tmp, d)).filter((f) => f.endsWith('.v8cache')));
    const many = path.join(dir, 'many');
    for (let i = 0; i <= LARGE_RUN_FILES; i++) {
      fs.mkdirSync(path.join(many, `p${i}`), { recursive: true });
      fs.writeFileSync(path.join(many, `p${i}`, 'ps.sh'), '#!/bin/sh\ndocker ps\n');
    }
    const big = cli(many);
    expect(big.status, big.stderr).toBe(0);
    expect(JSON.parse(big.stdout).setups).toEqual([]);
    expect(caches()).toEqual([]);
    fs.rmSync(path.join(many, `p${LARGE_RUN_FILES}`), { recursive: true });
    expect(cli(many).status).toBe(0);
    expect(caches()).toHaveLength(1);
  });
});

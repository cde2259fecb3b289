/**
 * The tree-sitter modules compiled before loadTreeSitter: those bin.cts starts compiling while the
 * bundle loads (src/wasm-modules.cts) and those the main thread hands a worker thread. Each case
 * runs in a fresh Node process on the built modules (loadTreeSitter loads once per process),
 * counting the .wasm files it reads.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const TREE_SITTER = pathToFileURL(path.join(REPO, 'dist/src/analyze/tree-sitter.js')).href;
const RUNTIME = path.join(REPO, 'node_modules/web-tree-sitter/web-tree-sitter.wasm');
const BASH = path.join(REPO, 'grammars/tree-sitter-bash.wasm');

/** Runs `body` after counting reads of .wasm files; it prints its result with `done(value)`. */
function inFreshProcess(body: string): unknown {
  const script = `
import fs from 'node:fs';
const reads = [];
const read = fs.readFileSync;
fs.readFileSync = (file, ...rest) => { if (String(file).endsWith('.wasm')) reads.push(String(file).split('/').pop()); return read(file, ...rest); };
const compile = (file) => WebAssembly.compile(read(file));
const done = (value) => process.stdout.write(JSON.stringify({ reads, value }));
const ts = await import(${JSON.stringify(TREE_SITTER)});
${body}
`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, RUNTIME, BASH } }));
}

describe('tree-sitter modules compiled beforehand', () => {
  it('uses the modules the executable started compiling: reads no WebAssembly file, and hands the same modules on', () => {
    const out = inFreshProcess(`
const runtime = compile(process.env.RUNTIME);
const bash = compile(process.env.BASH);
globalThis[Symbol.for('multistage-codemod.wasm-early')] = { runtime, bash };
await ts.loadTreeSitter();
const type = ts.parseWith('tree-sitter-bash', 'docker build -t x .\\n').type;
const shared = ts.sharedModules();
done({ type, runtime: shared.runtime === (await runtime), bash: shared.grammars.find(([g]) => g === 'tree-sitter-bash')?.[1] === (await bash), taken: globalThis[Symbol.for('multistage-codemod.wasm-early')] === undefined });
`);
    expect(out).toEqual({ reads: [], value: { type: 'program', runtime: true, bash: true, taken: true } });
  });

  it("the executable's early start reads through the shared buffer, which the next read overwrites: the modules are whole", () => {
    const out = inFreshProcess(`
const { createRequire } = await import('node:module');
const req = createRequire(${JSON.stringify(path.join(REPO, 'dist/src/bin.cjs'))});
const early = req('./wasm-modules.cjs');
const shared = req('./transient-read.cjs');
early.startEarlyModules(${JSON.stringify(path.join(REPO, 'dist/src'))});
// What the executable reads next (the bundle) lands in the same memory as the grammar's bytes.
const over = shared.readTransient(${JSON.stringify(path.join(REPO, 'dist/src/main.bundle.cjs'))});
const overwritten = !over.subarray(0, 4).equals(Buffer.from([0, 97, 115, 109]));
await ts.loadTreeSitter();
done({ type: ts.parseWith('tree-sitter-bash', 'docker build -t x . && echo "$HOME"\\n').type, overwritten });
`);
    expect(out).toEqual({ reads: [], value: { type: 'program', overwritten: true } });
  });

  it("compiles from the files what the executable's early start failed to compile", () => {
    const out = inFreshProcess(`
const failed = Promise.reject(new Error('unreadable'));
failed.catch(() => {});
globalThis[Symbol.for('multistage-codemod.wasm-early')] = { runtime: failed, bash: failed };
await ts.loadTreeSitter();
done({ type: ts.parseWith('tree-sitter-bash', 'true\\n').type, runtime: ts.sharedModules().runtime instanceof WebAssembly.Module });
`);
    expect(out).toEqual({ reads: ['web-tree-sitter.wasm', 'tree-sitter-bash.wasm'], value: { type: 'program', runtime: true } });
  });

  it("a worker thread's loadTreeSitter instantiates the modules it is handed, compiling neither again", () => {
    const out = inFreshProcess(`
const runtime = await compile(process.env.RUNTIME);
const bash = await compile(process.env.BASH);
await ts.loadTreeSitter({ runtime, grammars: [['tree-sitter-bash', bash]] });
const type = ts.parseWith('tree-sitter-bash', 'echo hi\\n').type;
const make = ts.parseWith('tree-sitter-make', 'all:\\n\\techo hi\\n').type;
done({ type, make, runtime: ts.sharedModules().runtime === runtime });
`);
    // The make grammar was not handed over: it is read and compiled at its first use, as always.
    expect(out).toEqual({ reads: ['tree-sitter-make.wasm'], value: { type: 'program', make: 'makefile', runtime: true } });
  });

  it('rejects, instead of waiting for ever, when the runtime it is handed cannot start', () => {
    const out = inFreshProcess(`
// A valid module that is not the runtime: no dylink section, none of its exports.
const empty = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
const timeout = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10000));
const r = await Promise.race([ts.loadTreeSitter({ runtime: empty, grammars: [] }).then(() => 'loaded', (e) => 'rejected'), timeout]);
done(r);
process.exit(0);
`);
    expect(out).toEqual({ reads: [], value: 'rejected' });
  });
});

#!/usr/bin/env node
/**
 * The `multistage-codemod` executable (package.json "bin"). Start-up is most of a
 * single-repository run, so:
 *
 * - This file is CommonJS, as are the two it requires (./code-cache.cts, ./wasm-flags.cts): an
 *   ES module as the entry point makes Node load its ES module loader first (its resolver,
 *   translators and the promise-based fs with the streams behind it), about 8 ms of a 120 ms run.
 *   `dist/src/bin.js` (./bin.ts) is the same executable for those who run that file.
 * - Node's compile cache is turned on where Node has one (22.1+; NODE_DISABLE_COMPILE_CACHE=1
 *   turns it off): later runs skip compiling the JavaScript.
 * - A large run's heap grows by a quarter between full collections (./memory-policy.ts): peak RSS.
 * - The CLI runs from main.bundle.cjs, all of its modules in one file (scripts/bundle.mjs,
 *   part of `npm run build`), when that bundle is at least as new as main.js; a build that
 *   recompiled the modules without bundling them again runs them one by one (main.js).
 * - The bundle runs with a V8 code cache (./code-cache.cts): a run after the first skips
 *   compiling the functions the first one compiled.
 * - V8 runs without inlining, and optimises later (./wasm-flags.cts EXECUTABLE_FLAGS): less CPU on large sweeps.
 * - The tree-sitter runtime and the bash grammar are compiled on V8's background threads while
 *   the bundle loads (./wasm-modules.cts), not on the main thread at the first parse.
 */
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { INFO_ONLY, runBundle } from './code-cache.cjs';
import { EXECUTABLE_FLAGS } from './wasm-flags.cjs';
import { startEarlyModules } from './wasm-modules.cjs';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A large sweep's heap grows by a quarter between full collections, not up to 4×: the policy of
// ./memory-policy.ts, enabled here through its global state (this file requires nothing of the
// CLI's own but the cache loader and the flags, which require only Node's modules, so that it
// runs alone beside either build).
(globalThis as Record<symbol, unknown>)[Symbol.for('multistage-codemod.memory-policy')] = { enabled: true, applied: false };

// V8's flags for the whole run, before anything is compiled (the code cache is checked against them).
for (const flag of EXECUTABLE_FLAGS) v8.setFlagsFromString(flag);

const bundle = path.join(__dirname, 'main.bundle.cjs');
const modules = path.join(__dirname, 'main.js');
const mtime = (f: string) => fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs;
const [bundled, compiled] = [mtime(bundle), mtime(modules)];
const args = process.argv.slice(2);
const start = () => {
  if (bundled !== undefined && (compiled === undefined || bundled >= compiled)) runBundle(bundle, { env: process.env, args });
  // A failure to load the modules is an unhandled rejection: Node prints it and exits with 1.
  else void import(pathToFileURL(modules).href);
};
if (args.some((a) => INFO_ONLY.has(a))) start();
else {
  startEarlyModules(__dirname);
  // One turn of the event loop first: V8 starts the background compilation in a task of this thread.
  setImmediate(start);
}

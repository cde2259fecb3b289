#!/usr/bin/env node
/**
 * The `multistage-codemod` executable (package.json "bin"). Start-up is most of a
 * single-repository run, so:
 *
 * - This file is CommonJS, as are those it requires (./code-cache.cts, ./wasm-flags.cts,
 *   ./wasm-modules.cts, ./transient-read.cts): an ES module as the entry point makes Node load
 *   its ES module loader first (its resolver, translators and the promise-based fs with the
 *   streams behind it), about 8 ms of a 120 ms run.
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
 * - Those two files, the bundle and its code cache are read into one buffer, not four
 *   (./transient-read.cts): fresh memory is dear at a start.
 */
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { INFO_ONLY, runBundle } from './code-cache.cjs';
import { releaseTransient, reserveTransient } from './transient-read.cjs';
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
const bundleStat = fs.statSync(bundle, { throwIfNoEntry: false });
const compiled = fs.statSync(modules, { throwIfNoEntry: false })?.mtimeMs;
const useBundle = bundleStat !== undefined && (compiled === undefined || bundleStat.mtimeMs >= compiled);
const args = process.argv.slice(2);
// The start's reads share one buffer the size of the largest, the bundle (./transient-read.cts).
if (useBundle) reserveTransient(bundleStat.size);
const start = () => {
  if (useBundle) runBundle(bundle, { env: process.env, args });
  else {
    // runBundle lets the shared read buffer go once the bundle is compiled; the modules need none.
    releaseTransient();
    // A failure to load the modules is an unhandled rejection: Node prints it and exits with 1.
    void import(pathToFileURL(modules).href);
  }
};
if (args.some((a) => INFO_ONLY.has(a))) start();
else {
  startEarlyModules(__dirname);
  // One turn of the event loop first: V8 starts the background compilation in a task of this thread.
  setImmediate(start);
}

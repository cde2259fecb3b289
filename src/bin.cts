#!/usr/bin/env node
/**
 * The `multistage-codemod` executable. Start-up is most of a single-repository run, so:
 *
 * - Node's compile cache is turned on where Node has one (22.1+; NODE_DISABLE_COMPILE_CACHE=1
 *   turns it off): later runs skip compiling the JavaScript.
 * - A large run's heap grows by a quarter between full collections (./memory-policy.ts): peak RSS.
 * - The CLI runs from main.bundle.cjs, all of its modules in one file (scripts/bundle.mjs,
 *   part of `npm run build`), when that bundle is at least as new as main.js; a build that
 *   recompiled the modules without bundling them again runs them one by one (main.js).
 * - The bundle runs with a V8 code cache (./code-cache.ts): a run after the first skips
 *   compiling the functions the first one compiled.
 * - V8 runs without inlining (./wasm-flags.ts EXECUTABLE_FLAGS): less CPU on large sweeps.
 */
import fs from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runBundle } from './code-cache.js';
import { EXECUTABLE_FLAGS } from './wasm-flags.js';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A large sweep's heap grows by a quarter between full collections, not up to 4×: the policy of
// ./memory-policy.ts, enabled here through its global state (this file imports nothing of the
// CLI's own but the cache loader, which imports only Node's modules, so that it runs alone
// beside either build).
(globalThis as Record<symbol, unknown>)[Symbol.for('multistage-codemod.memory-policy')] = { enabled: true, applied: false };

// V8's flags for the whole run, before anything is compiled (the code cache is checked against them).
for (const flag of EXECUTABLE_FLAGS) v8.setFlagsFromString(flag);

const bundle = new URL('./main.bundle.cjs', import.meta.url);
const modules = new URL('./main.js', import.meta.url);
const mtime = (u: URL) => fs.statSync(u, { throwIfNoEntry: false })?.mtimeMs;
const [bundled, compiled] = [mtime(bundle), mtime(modules)];
if (bundled !== undefined && (compiled === undefined || bundled >= compiled)) runBundle(fileURLToPath(bundle), { env: process.env, args: process.argv.slice(2) });
else await import(modules.href);

#!/usr/bin/env node
/**
 * The `multistage-codemod` executable. Start-up is most of a single-repository run, so:
 *
 * - Node's compile cache is turned on where Node has one (22.1+; NODE_DISABLE_COMPILE_CACHE=1
 *   turns it off): later runs skip compiling the JavaScript.
 * - A large run's heap grows by half between full collections (./memory-policy.ts): peak RSS.
 * - The CLI runs from main.bundle.js, all of its modules in one file (scripts/bundle.mjs,
 *   part of `npm run build`), when that bundle is at least as new as main.js; a build that
 *   recompiled the modules without bundling them again runs them one by one (main.js).
 */
import fs from 'node:fs';
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A large sweep's heap grows by half between full collections, not up to 4×: the policy of
// ./memory-policy.ts, enabled here through its global state (this file imports nothing of the
// CLI's own, so that it runs alone beside either build).
(globalThis as Record<symbol, unknown>)[Symbol.for('multistage-codemod.memory-policy')] = { enabled: true, applied: false };

const bundle = new URL('./main.bundle.js', import.meta.url);
const modules = new URL('./main.js', import.meta.url);
const mtime = (u: URL) => fs.statSync(u, { throwIfNoEntry: false })?.mtimeMs;
const [bundled, compiled] = [mtime(bundle), mtime(modules)];
await import(bundled !== undefined && (compiled === undefined || bundled >= compiled) ? bundle.href : modules.href);

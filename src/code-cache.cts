/**
 * Runs the bundled CLI (dist/src/main.bundle.cjs) with a V8 code cache: the bytecode of every
 * function a run compiled, kept on disk so that later runs skip parsing and compiling them. On a
 * single repository that compilation was most of the run (Node 20 has no compile cache of its
 * own for modules; 22.1+ has one, but it keeps only what was compiled at load, not the functions
 * a run compiles lazily afterwards).
 *
 * What keeps a cache from being wrong:
 * - V8 accepts cached data only for a source of the same length, made by the same V8 with the
 *   same flags; anything else is rejected and the bundle compiles from its text.
 * - The cache file is named by the bundle's content hash (its first line, written by
 *   scripts/bundle.mjs), the Node version and the architecture: another build of the same length
 *   never finds this one's cache.
 * - It lives in a folder of the user's own (mode 0700) under the system's temporary folder, and is
 *   read only when that folder is a real folder the user owns. A write goes to a temporary file
 *   renamed into place, so runs at the same time never read half a file.
 * - The flags a run sets as it goes are set before compiling: bin.cts sets the executable's flags
 *   (./wasm-flags.cts EXECUTABLE_FLAGS, which include those the tree-sitter runtime sets again:
 *   src/analyze/tree-sitter.ts) before it calls runBundle, so the cache made at the end of a run
 *   carries the flags the next run starts with; a run whose heap policy changed a flag
 *   (src/memory-policy.ts) writes none.
 *
 * The cache is written once, at the end of the first run that did real work (not --help or
 * --version) on a single repository's worth of files (./cache-run.ts: a sweep's cache would slow
 * every later short run), and again only when V8 rejected it. NODE_DISABLE_COMPILE_CACHE=1 (Node's own
 * switch for its compile cache) turns it off.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { readTransient, releaseTransient } from './transient-read.cjs';

/** The first line scripts/bundle.mjs writes: the hash of everything after it. */
export const HASH_LINE = /^\/\/ multistage-codemod bundle sha256:([0-9a-f]{64})\n/;
const POLICY = Symbol.for('multistage-codemod.memory-policy');
/** Set by the CLI when a run analysed many files (./cache-run.ts): such a run writes no cache. */
const RUN = Symbol.for('multistage-codemod.code-cache-run');

export interface CacheOptions {
  env: NodeJS.ProcessEnv;
  /** The command line's arguments: a run that only prints help or the version makes no cache. */
  args: readonly string[];
  /** Where the cache folder goes (default: the system's temporary folder). */
  tmpdir?: string;
}

export interface CacheRun {
  /** The cache file, or null when there is none to use (turned off, no hash line, unsafe folder). */
  file: string | null;
  /** Whether V8 took the cached data. */
  used: boolean;
}

/** The folder for the cache, when it is the user's own: null if it cannot be made so. */
function cacheFolder(tmp: string): string | null {
  const uid = process.getuid?.();
  const dir = path.join(tmp, `multistage-codemod-cache${uid === undefined ? '' : `-${uid}`}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0))) return null;
  } catch {
    return null;
  }
  return dir;
}

/**
 * A short hash of a bundle's path (FNV-1a, 32 bits): node:crypto would add its load to every
 * start, and a collision only shares a cache between two copies, as before this was added.
 */
function pathHash(file: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The cache file for a bundle's text at `bundle` (its absolute path), or null when no cache may
 * be used. The path is part of the name: V8 accepts cached data made for the same text at
 * another path, and the functions it restores keep the path they were compiled at, so an error's
 * stack would name the other copy (two installs of one version: npx's and a global one).
 */
export function cacheFileFor(source: string, bundle: string, opts: CacheOptions): string | null {
  if (opts.env.NODE_DISABLE_COMPILE_CACHE === '1') return null;
  const hash = HASH_LINE.exec(source)?.[1];
  if (!hash) return null;
  const dir = cacheFolder(opts.tmpdir ?? os.tmpdir());
  return dir && path.join(dir, `${hash.slice(0, 32)}-${pathHash(bundle)}-node${process.version}-${process.arch}.v8cache`);
}

/** Arguments that make a run only print help or the version: it makes no cache and compiles no WebAssembly (bin.cts). */
export const INFO_ONLY: ReadonlySet<string> = new Set(['--help', '-h', '--version', '-V']);

/**
 * The bundle's text. scripts/bundle.mjs writes it in ASCII, which read as Latin-1 is a plain
 * copy into a one-byte string: decoding its 1.3 MB as UTF-8 took 1.5 to 4 ms of every start.
 * Any other text (a bundle not made so) is decoded as UTF-8. Read through the start's one
 * buffer (./transient-read.cts): the string is a copy.
 */
function readSource(file: string): string {
  const bytes = readTransient(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * What scripts/bundle.mjs writes around the bundle's modules, after the hash line: the function
 * Node wraps a CommonJS module's text in (`Module.wrapper`), inside a call that tells the two
 * ways the file is run apart. Compiled here as a script, at the top level (`this` is the global
 * object), its value is that function, which runBundle calls as Node would. Loaded by Node as a
 * module (`node main.bundle.cjs`, `require`), `this` is the module's exports and it calls the
 * function at once with the module's own arguments, so the file runs as any module does.
 *
 * Why the bundle is written so: wrapping it here joined its 1.8 MB to the head and tail, and V8
 * copied the joined string once more to compile it, another 1.8 MB of fresh memory at every start
 * (./transient-read.cts says what that costs). A bundle without it (made by hand) is still
 * wrapped here, as Node would.
 */
export const WRAPPER_HEAD =
  '(f => this === globalThis ? f : f.call(this, exports, require, module, __filename, __dirname))(function (exports, require, module, __filename, __dirname) { ';
export const WRAPPER_TAIL = '\n});';

/** The text V8 compiles for a bundle: its own when written wrapped (after the hash line), else wrapped as Node wraps a module. */
export function scriptText(source: string): string {
  const body = HASH_LINE.exec(source)?.[0].length ?? 0;
  return source.startsWith(WRAPPER_HEAD, body) ? source : Module.wrap(source);
}

/** Loads and runs the CommonJS bundle at `bundle` as Node would, with the code cache; the caller has set the run's V8 flags. */
export function runBundle(bundle: string, opts: CacheOptions): CacheRun {
  const source = readSource(bundle);
  const file = cacheFileFor(source, bundle, opts);
  let cached: Buffer | undefined;
  if (file) {
    try {
      cached = readTransient(file);
    } catch {
      cached = undefined;
    }
  }
  // V8 reads the cached data while it compiles, and not after: the shared buffer may go.
  const script = new vm.Script(scriptText(source), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  const used = cached !== undefined && !script.cachedDataRejected;
  releaseTransient();
  if (file && !used && !opts.args.some((a) => INFO_ONLY.has(a))) {
    process.once('exit', () => {
      const state = globalThis as Record<symbol, { applied?: boolean; large?: boolean } | undefined>;
      if (state[POLICY]?.applied || state[RUN]?.large) return;
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file);
      } catch {
        fs.rmSync(tmp, { force: true });
      }
    });
  }
  const mod = new Module(bundle);
  mod.filename = bundle;
  const require = Module.createRequire(bundle);
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, require, mod, bundle, path.dirname(bundle));
  return { file, used };
}

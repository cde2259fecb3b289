/**
 * The tree-sitter WebAssembly a run compiles: the runtime (web-tree-sitter.wasm) and the
 * grammars (grammars/*.wasm), where they are found, and the executable's early start on the
 * two every analysis needs.
 *
 * Why an early start: the executable runs V8 with eager WebAssembly compilation
 * (./wasm-flags.cts EXECUTABLE_FLAGS), and bin.cts starts compiling the runtime and the bash
 * grammar (`WebAssembly.compile`, on V8's background threads) before it loads the bundle, so the
 * compiling happens while the bundle loads and the CLI starts (see EAGER_WASM for the measure).
 * tree-sitter.ts takes the modules (`takeEarlyModules`); a module that failed to compile here is
 * compiled again there, where its error is reported as it always was.
 *
 * CommonJS with Node's modules only, like ./wasm-flags.cts: bin.cts requires it beside the bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readTransient } from './transient-read.cjs';

/** The modules bin.cts started compiling, each null when its file was not found or not readable. */
export interface EarlyModules {
  runtime: Promise<WebAssembly.Module> | null;
  bash: Promise<WebAssembly.Module> | null;
}

const EARLY = Symbol.for('multistage-codemod.wasm-early');

/**
 * The package's grammars/ folder, searched upwards from `from` (a module's folder: src/analyze
 * when run from source, dist/src or dist/src/analyze when built); null when no folder above
 * holds tree-sitter-bash.wasm.
 */
export function findGrammars(from: string): string | null {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    dir = path.dirname(dir);
    const candidate = path.join(dir, 'grammars');
    if (fs.existsSync(path.join(candidate, 'tree-sitter-bash.wasm'))) return candidate;
  }
  return null;
}

/**
 * web-tree-sitter's runtime as Node finds a package from `from`: the first
 * node_modules/web-tree-sitter in that folder or above; null when none holds it (tree-sitter.ts
 * then asks Node's resolver, for NODE_PATH and global folders).
 */
export function findRuntime(from: string): string | null {
  for (let dir = from, up = path.dirname(dir); ; dir = up, up = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm');
    if (fs.existsSync(file)) return file;
    if (up === dir) return null;
  }
}

/**
 * A WebAssembly file's bytes as the WebAssembly API takes them (also tree-sitter.ts's reader),
 * read by `read` (the early start passes the shared buffer's reader, ./transient-read.cts).
 */
export function wasmBytes(file: string, read: (file: string) => Buffer = fs.readFileSync): Uint8Array<ArrayBuffer> {
  const b = read(file);
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
}

function compileFile(file: string | null): Promise<WebAssembly.Module> | null {
  if (file === null) return null;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    // The start's one buffer (./transient-read.cts): WebAssembly.compile copies the bytes before it returns.
    bytes = wasmBytes(file, readTransient);
  } catch {
    return null;
  }
  const compiled = WebAssembly.compile(bytes);
  // Taken (and any failure seen) by tree-sitter.ts; a run that ends before it loads the parsers leaves it unheard.
  compiled.catch(() => undefined);
  return compiled;
}

/**
 * Starts compiling the runtime and the bash grammar found from `from` (bin.cts's folder), for
 * tree-sitter.ts to take. The compiling goes on while the caller's thread works, once it has
 * let its event loop turn: V8 begins the background compilation in a task of the main thread.
 */
export function startEarlyModules(from: string): void {
  const grammars = findGrammars(from);
  const early: EarlyModules = {
    runtime: compileFile(findRuntime(from)),
    bash: compileFile(grammars && path.join(grammars, 'tree-sitter-bash.wasm')),
  };
  (globalThis as Record<symbol, unknown>)[EARLY] = early;
}

/** What startEarlyModules started in this thread, once (null: nothing was started, or it was taken). */
export function takeEarlyModules(): EarlyModules | null {
  const g = globalThis as Record<symbol, unknown>;
  const early = (g[EARLY] as EarlyModules | undefined) ?? null;
  delete g[EARLY];
  return early;
}

/** A module's compilation, or null when it failed (the caller compiles the file again and reports that error). */
export async function settled(p: Promise<WebAssembly.Module> | null | undefined): Promise<WebAssembly.Module | null> {
  if (!p) return null;
  try {
    return await p;
  } catch {
    return null;
  }
}

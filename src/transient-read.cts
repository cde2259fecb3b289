/**
 * One buffer for the files the executable reads whole at its start and hands on at once: the
 * tree-sitter WebAssembly (which `WebAssembly.compile` copies before it returns), the bundle's
 * text (which becomes a string, a copy) and its V8 code cache (which V8 reads while it compiles
 * the bundle, and not after).
 *
 * Why: a page of memory a process touches for the first time costs a page fault, and on the
 * virtual machines measured here (docs/performance.md, "The cold run's fresh memory") one costs
 * about 11 µs, more than the work of a short run's busiest functions. Read with readFileSync,
 * those four files were four buffers of fresh memory (4.8 MB, about 1,200 faults); read into one
 * buffer sized for the largest, they touch 1.8 MB.
 *
 * What a caller must keep to: the bytes readTransient returns are good only until the next
 * call, so each caller consumes (copies) them before it returns. runBundle (./code-cache.cts)
 * releases the buffer once the bundle is compiled; bin.cts does when it runs the modules instead.
 *
 * CommonJS with Node's modules only, like ./wasm-flags.cts: bin.cts requires it beside the bundle.
 */
import fs from 'node:fs';

let scratch: Buffer | null = null;

/** Makes the buffer at least `bytes` long now, so the reads after it touch no fresh memory beyond it. */
export function reserveTransient(bytes: number): void {
  if (!scratch || scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(bytes);
}

/**
 * The whole of `file`, read into the shared buffer: a view of it that the next call overwrites.
 * Throws as readFileSync does (ENOENT, EISDIR, EACCES…). A file that grows while it is read is
 * read as long as it was when opened; one that shrinks, as far as it goes.
 */
export function readTransient(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    reserveTransient(size);
    const into = scratch!;
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, into, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return into.subarray(0, at);
  } finally {
    fs.closeSync(fd);
  }
}

/** Lets the buffer go (the collector frees it): after the bundle is compiled, nothing reads through it again. */
export function releaseTransient(): void {
  scratch = null;
}

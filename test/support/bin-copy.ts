/**
 * A temporary folder holding the built executable (bin.cjs, and bin.js that runs it) and the
 * modules it requires (the code-cache loader, the flags it sets, the early WebAssembly start and the
 * start's shared read buffer), beside stand-ins for what it
 * runs: for tests of the executable's own choices.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIST = path.resolve(import.meta.dirname, '../../dist/src');
/** The executable's files (it requires nothing else of the CLI's). */
export const BIN_FILES = ['bin.js', 'bin.cjs', 'code-cache.cjs', 'wasm-flags.cjs', 'wasm-modules.cjs', 'transient-read.cjs'];

/** Makes the folder; `files` maps a name to its text and, optionally, its modification time (seconds). */
export function binCopy(files: Record<string, { text: string; mtime?: number }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-bin-'));
  for (const f of BIN_FILES) fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  for (const [name, { text, mtime }] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
    if (mtime !== undefined) fs.utimesSync(path.join(dir, name), mtime, mtime);
  }
  return dir;
}

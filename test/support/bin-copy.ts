/**
 * A temporary folder holding the built bin.js and the modules it imports (the code-cache loader
 * and the flags it sets), beside stand-ins for what it runs: for tests of bin.js's own choices.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIST = path.resolve(import.meta.dirname, '../../dist/src');
/** What bin.js imports of its own (it imports nothing else of the CLI's). */
export const BIN_FILES = ['bin.js', 'code-cache.js', 'wasm-flags.js'];

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

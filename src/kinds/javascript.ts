/** JavaScript/TypeScript build scripts (execSync, spawn, zx), run from their package's folder. */
import { parseJavaScript } from '../analyze/hosts/javascript.js';
import type { RepoFs } from '../model/fs.js';
import type { FileKind } from './types.js';

const JS_EXT = new Set(['js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'jsx', 'tsx']);
const DECLARATION = /\.d\.[mc]?ts$/i;

export const javascriptKind: FileKind = {
  kind: 'javascript',
  // Read late, and under source folders only when another script names them (see the walker).
  candidate: (_rel, name, ext) => (ext !== null && JS_EXT.has(ext) && !DECLARATION.test(name) ? 'js' : null),
  claims(rel) {
    const base = rel.split('/').pop()!;
    return /\.[mc]?[jt]sx?$/.test(base) && !/\.d\.[mc]?ts$/.test(base);
  },
  read(rel, text, fs, start) {
    // Run from the folder its callers run it from (src/analyze/callers.ts), else its package's.
    const read = parseJavaScript(rel, text, packageDirOf(rel, fs), (json) => readJson(json, fs), start);
    if (start && read.script) read.script.startCwd = start.cwd;
    return read;
  },
  writer: 'embedded',
  comment: '//',
};

/** A JSON file's top-level object (`package.json` fields a script imports), or null. */
function readJson(rel: string, fs: RepoFs): Record<string, unknown> | null {
  const text = fs.readText(rel);
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Node scripts run from their package's folder (npm scripts start there): the nearest package.json. */
export function packageDirOf(rel: string, fs: RepoFs): string | null {
  let dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  for (;;) {
    if (fs.kind(dir === '' ? 'package.json' : `${dir}/package.json`) === 'file') return dir;
    if (dir === '') return null;
    dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  }
}

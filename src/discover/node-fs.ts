/** RepoFs over the real file system, rooted at one directory. Reads only; never follows a link out. */
import fs from 'node:fs';
import path from 'node:path';
import type { EntryKind, RepoFs } from '../model/fs.js';

/** Files larger than this are not read (a builder script or Dockerfile is never this big). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export class NodeRepoFs implements RepoFs {
  private readonly cache = new Map<string, string | null>();

  constructor(readonly root: string) {}

  abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** True when the path stays inside the root once resolved. */
  inside(rel: string): boolean {
    const r = path.relative(this.root, this.abs(rel));
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
  }

  kind(rel: string): EntryKind | null {
    if (!this.inside(rel)) return null;
    try {
      const st = fs.lstatSync(this.abs(rel));
      return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    } catch {
      return null;
    }
  }

  readText(rel: string): string | null {
    if (this.cache.has(rel)) return this.cache.get(rel)!;
    let text: string | null = null;
    if (this.inside(rel)) {
      try {
        const st = fs.lstatSync(this.abs(rel));
        if (st.isFile() && st.size <= MAX_FILE_BYTES) {
          const buf = fs.readFileSync(this.abs(rel));
          text = buf.includes(0) ? null : buf.toString('utf8');
        }
      } catch {
        text = null;
      }
    }
    this.cache.set(rel, text);
    return text;
  }
}

/**
 * The cache of parsed Dockerfiles when files are analysed on several threads. Each thread has
 * its own cache and records, per file, which Dockerfiles the file's analysis used and what it
 * put in the cache; `mergeDockerfiles` then builds the one map a single thread would have
 * built: its keys in the order the walk's files first stored them, each with the last value
 * stored (a stock-image build stores the builder Dockerfile it generated).
 *
 * That holds because each thread analyses its files in the walk's order: a key one file finds
 * in its thread's cache was stored by an earlier file of the walk.
 */
import type { DockerfileFacts } from './dockerfile.js';

export interface DockerfileTrace {
  /** Keys the file found in the cache or stored, in the order it first did. */
  used: string[];
  /** What the file stored, in order. */
  stored: [string, DockerfileFacts | null][];
}

export class TracedDockerfiles extends Map<string, DockerfileFacts | null> {
  private trace: DockerfileTrace = { used: [], stored: [] };
  private usedSet = new Set<string>();

  /** Starts recording a new file's use; returns the trace of the file before. */
  begin(): DockerfileTrace {
    const t = this.trace;
    this.trace = { used: [], stored: [] };
    this.usedSet = new Set();
    return t;
  }

  private use(key: string): void {
    if (this.usedSet.has(key)) return;
    this.usedSet.add(key);
    this.trace.used.push(key);
  }

  override has(key: string): boolean {
    const found = super.has(key);
    if (found) this.use(key);
    return found;
  }

  override get(key: string): DockerfileFacts | null | undefined {
    if (super.has(key)) this.use(key);
    return super.get(key);
  }

  override set(key: string, value: DockerfileFacts | null): this {
    // Map's constructor calls set before the fields exist (never with entries here).
    if (this.trace) {
      this.use(key);
      this.trace.stored.push([key, value]);
    }
    return super.set(key, value);
  }
}

/** The single-thread cache from the files' traces, visited in the walk's order. */
export function mergeDockerfiles(files: readonly string[], traces: ReadonlyMap<string, DockerfileTrace>): Map<string, DockerfileFacts | null> {
  const merged = new Map<string, DockerfileFacts | null>();
  const placed = new Set<string>();
  for (const rel of files) {
    const t = traces.get(rel);
    if (!t) continue;
    const stored = new Set(t.stored.map(([k]) => k));
    for (const k of t.used) {
      if (placed.has(k) || !stored.has(k)) continue;
      placed.add(k);
      merged.set(k, null);
    }
    for (const [k, v] of t.stored) {
      placed.add(k);
      merged.set(k, v);
    }
  }
  return merged;
}

/**
 * Compare two image snapshots and describe the differences for a human.
 *
 * What is compared, and what deliberately is not:
 *  - Every path's type, permission bits (incl. setuid/setgid/sticky), uid, gid, content
 *    sha256 (regular files), link target (symlinks) and device numbers (special files).
 *  - Config: Entrypoint, Cmd, Env, WorkingDir, User, ExposedPorts, Volumes, Labels,
 *    StopSignal, Healthcheck, Shell, OnBuild, Architecture, Os.
 *  - Env is compared as a set: an image's environment cannot hold a key twice and its order
 *    carries no meaning to the process, while a merged Dockerfile may legitimately declare the
 *    same ENV lines in another order. Everything else is compared exactly.
 *  - Nothing is ignored by default. Not even the `io.buildah.version` label or paths an engine
 *    may add: both sides are built by the same engine, so engine-made content is identical and
 *    cannot cause a false difference, and ignoring a path could hide a real one.
 *  - Not compared because they differ by construction between any two builds: image ID and
 *    digest, creation time, history, the layer list and sizes, file timestamps. (snapshot.ts
 *    does not even record them.)
 * Callers with a reason to ignore something must say so explicitly via CompareOptions.
 */
import { posix } from 'node:path';
import type { ImageConfig } from './engine.js';
import type { FileEntry, ImageSnapshot } from './snapshot.js';

export type FileAttribute = 'type' | 'mode' | 'uid' | 'gid' | 'content' | 'linkTarget' | 'special';
export type ConfigKey = keyof ImageConfig;

export type SnapshotDifference =
  /** Present only in snapshot b. */
  | { kind: 'added'; path: string; entry: FileEntry }
  /** Present only in snapshot a. */
  | { kind: 'removed'; path: string; entry: FileEntry }
  /** One attribute of a path present in both. `a`/`b` are display values (mode in octal). */
  | { kind: 'changed'; path: string; attribute: FileAttribute; a: string; b: string }
  | { kind: 'config'; key: ConfigKey; a: unknown; b: unknown };

export interface CompareOptions {
  /** Paths to leave out, e.g. a file known to embed a build timestamp. Default: none. */
  ignorePath?: (path: string) => boolean;
  /** Config keys to leave out. Default: none. */
  ignoreConfigKeys?: readonly ConfigKey[];
}

const CONFIG_KEYS: readonly ConfigKey[] = [
  'Entrypoint',
  'Cmd',
  'Env',
  'WorkingDir',
  'User',
  'ExposedPorts',
  'Volumes',
  'Labels',
  'StopSignal',
  'Healthcheck',
  'Shell',
  'OnBuild',
  'Architecture',
  'Os',
];

/** JSON with object keys sorted, so equal values always serialise equally. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

function comparable(key: ConfigKey, value: unknown): string {
  if (key === 'Env' && Array.isArray(value)) return canonical([...value].sort());
  return canonical(value);
}

export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function contentLabel(entry: FileEntry): string {
  return `sha256 ${entry.sha256 ?? '?'} (${entry.size ?? '?'} bytes)`;
}

function compareEntries(path: string, a: FileEntry, b: FileEntry): SnapshotDifference[] {
  if (a.type !== b.type) return [{ kind: 'changed', path, attribute: 'type', a: a.type, b: b.type }];
  const out: SnapshotDifference[] = [];
  if (a.mode !== b.mode) out.push({ kind: 'changed', path, attribute: 'mode', a: formatMode(a.mode), b: formatMode(b.mode) });
  if (a.uid !== b.uid) out.push({ kind: 'changed', path, attribute: 'uid', a: String(a.uid), b: String(b.uid) });
  if (a.gid !== b.gid) out.push({ kind: 'changed', path, attribute: 'gid', a: String(a.gid), b: String(b.gid) });
  if (a.type === 'file' && (a.sha256 !== b.sha256 || a.size !== b.size)) {
    out.push({ kind: 'changed', path, attribute: 'content', a: contentLabel(a), b: contentLabel(b) });
  }
  if (a.type === 'symlink' && a.linkTarget !== b.linkTarget) {
    out.push({ kind: 'changed', path, attribute: 'linkTarget', a: a.linkTarget ?? '', b: b.linkTarget ?? '' });
  }
  if (a.type === 'other' && a.special !== b.special) {
    out.push({ kind: 'changed', path, attribute: 'special', a: a.special ?? '', b: b.special ?? '' });
  }
  return out;
}

/** Differences from a to b: config keys first, then paths in sorted order. */
export function compareSnapshots(a: ImageSnapshot, b: ImageSnapshot, options: CompareOptions = {}): SnapshotDifference[] {
  const out: SnapshotDifference[] = [];
  const ignoredKeys = new Set(options.ignoreConfigKeys ?? []);
  for (const key of CONFIG_KEYS) {
    if (ignoredKeys.has(key)) continue;
    if (comparable(key, a.config[key]) !== comparable(key, b.config[key])) {
      out.push({ kind: 'config', key, a: a.config[key], b: b.config[key] });
    }
  }
  const ignorePath = options.ignorePath ?? (() => false);
  const inA = new Map(a.files.map((f) => [f.path, f]));
  const inB = new Map(b.files.map((f) => [f.path, f]));
  const paths = [...new Set([...inA.keys(), ...inB.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const path of paths) {
    if (ignorePath(path)) continue;
    const ea = inA.get(path);
    const eb = inB.get(path);
    if (ea && eb) out.push(...compareEntries(path, ea, eb));
    else if (ea) out.push({ kind: 'removed', path, entry: ea });
    else if (eb) out.push({ kind: 'added', path, entry: eb });
  }
  return out;
}

export interface FormatOptions {
  /** Names for the two sides. Default ['a', 'b']; e.g. ['old', 'new']. */
  labels?: readonly [string, string];
  /** At most this many lines of differences (default 40); the rest are counted. */
  maxLines?: number;
  /** Each value is cut to this many characters (default 200). */
  maxValueChars?: number;
}

function posixDirname(path: string): string {
  return posix.dirname(path);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describeEntry(entry: FileEntry): string {
  if (entry.type === 'symlink') return `symlink → ${entry.linkTarget ?? '?'}`;
  if (entry.type === 'file') return `file, ${formatMode(entry.mode)}, ${entry.size ?? '?'} bytes`;
  if (entry.type === 'other') return `${entry.special ?? 'special'}, ${formatMode(entry.mode)}`;
  return `dir, ${formatMode(entry.mode)}`;
}

/**
 * Readable, bounded report. Paths added or removed beneath a directory that is itself added
 * or removed are folded into that directory's line ("with N entries beneath"). The header
 * always gives the full count, so truncation never hides that differences exist.
 */
export function formatDifferences(diffs: readonly SnapshotDifference[], options: FormatOptions = {}): string {
  if (diffs.length === 0) return 'No differences.';
  const [la, lb] = options.labels ?? ['a', 'b'];
  const maxLines = options.maxLines ?? 40;
  const maxValue = options.maxValueChars ?? 200;

  // Directories only on one side: their descendants are counted, not listed.
  const wholeDirs = new Set(
    diffs.flatMap((d) => ((d.kind === 'added' || d.kind === 'removed') && d.entry.type === 'dir' ? [`${d.kind} ${d.path}`] : [])),
  );
  const outermostWholeDir = (kind: 'added' | 'removed', path: string): string | undefined => {
    let found: string | undefined;
    for (let p = posixDirname(path); p !== '/'; p = posixDirname(p)) if (wholeDirs.has(`${kind} ${p}`)) found = p;
    return found;
  };

  const lines: string[] = [];
  const lineOfDir = new Map<string, number>();
  const beneath = new Map<number, number>();
  for (const d of diffs) {
    if (d.kind === 'config') {
      lines.push(`config ${d.key}: ${clip(canonical(d.a), maxValue)} (${la}) vs ${clip(canonical(d.b), maxValue)} (${lb})`);
    } else if (d.kind === 'added' || d.kind === 'removed') {
      const outer = outermostWholeDir(d.kind, d.path);
      const outerLine = outer === undefined ? undefined : lineOfDir.get(`${d.kind} ${outer}`);
      if (outerLine !== undefined) {
        beneath.set(outerLine, (beneath.get(outerLine) ?? 0) + 1);
        continue;
      }
      const side = d.kind === 'added' ? lb : la;
      if (d.entry.type === 'dir') lineOfDir.set(`${d.kind} ${d.path}`, lines.length);
      lines.push(`${d.kind === 'added' ? '+' : '-'} ${d.path} (${describeEntry(d.entry)}) only in ${side}`);
    } else {
      // Full hashes stay in the data; 12 hex digits are plenty for a reader.
      const show = (v: string): string => clip(v.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1…'), maxValue);
      lines.push(`~ ${d.path}: ${d.attribute} ${show(d.a)} (${la}) vs ${show(d.b)} (${lb})`);
    }
  }
  const withCounts = lines.map((line, i) => {
    const count = beneath.get(i);
    return count ? `${line}, with ${count} entr${count === 1 ? 'y' : 'ies'} beneath` : line;
  });
  const header = `${diffs.length} difference${diffs.length === 1 ? '' : 's'} between ${la} and ${lb}:`;
  const shown = withCounts.slice(0, maxLines);
  const rest = withCounts.length - shown.length;
  return [header, ...shown.map((l) => `  ${l}`), ...(rest > 0 ? [`  … and ${rest} more`] : [])].join('\n');
}

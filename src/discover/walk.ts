/**
 * discover: which files to look at. Walks the root honouring .gitignore files at every
 * level (and --ignore patterns), skips VCS folders and node_modules, never follows
 * symbolic links, and returns repository-relative paths of files that could drive a setup.
 *
 * Cost model (measured on a 106,000-file monorepo, 2 cores): the walk is bound by system
 * calls (readdir, and open/read/close of candidates, which include every .js/.ts file), so
 * it stays synchronous and single-threaded: async readdir and reads through the libuv pool
 * were slower, and a worker thread reading half the candidates gained nothing (on a shared
 * 2-core machine; kernel time dominates). It never stats a file (the Dirent type is enough),
 * tests ignore rules only for folders and candidates, and holds one open file at a time,
 * reading at most MAX_FILE_BYTES of it. A candidate's bytes are searched for the word
 * analysis needs ("docker") before any text is decoded, so files that cannot drive a setup
 * are never decoded, kept or parsed, and texts that can are handed to the run's NodeRepoFs.
 */
import path from 'node:path';
import { candidateOf } from '../kinds/registry.js';
import { OTHER_ENGINES } from '../model/engine-names.js';
import { TEMP_RE } from '../model/temp-names.js';
import type { Progress } from '../model/progress.js';
import { compileIgnore, decide, type IgnoreRule } from './gitignore.js';
import { isDocumentation, passedOverByName } from './passed-over.js';
import { isBinary, MAX_FILE_BYTES, nodeIo, type FileIo, type NodeRepoFs } from './node-fs.js';

/** Never entered: VCS metadata and installed dependencies. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.bzr', '_darcs', 'CVS', '.jj', '.sl', 'node_modules']);

/**
 * The word every script that can drive a setup contains: analyze() drops any text without it
 * before parsing, so the walker may drop the file before decoding it. Keep the two in step.
 */
export const SCRIPT_MENTION = 'docker';
/** A script that runs rancher/dapper (which drives docker itself) is read too, to be refused by name. */
export const DAPPER_MENTION = 'dapper';
/**
 * Every word that makes a candidate a script the analysis reads: docker, dapper, and the other
 * engines (src/model/engine-names.ts), whose builds of a runtime Dockerfile a migration must
 * check (src/plan/runtime-rebuilds.ts).
 */
export const SCRIPT_MENTIONS: readonly string[] = [SCRIPT_MENTION, DAPPER_MENTION, ...OTHER_ENGINES];
/**
 * Also kept without docker: a script that names a Dockerfile (`hadolint Dockerfile.build`, a
 * Make prerequisite) breaks if the migration deletes that file (src/plan/builder-mentions.ts).
 * A lowercase `dockerfile` already holds SCRIPT_MENTION.
 */
export const DOCKERFILE_MENTIONS: readonly string[] = ['Dockerfile', 'Containerfile'];

/** Whether a candidate's bytes say what the default mention keeps. */
function mentionsDocker(bytes: Buffer): boolean {
  return SCRIPT_MENTIONS.some((m) => bytes.includes(m)) || DOCKERFILE_MENTIONS.some((m) => bytes.includes(m));
}

export interface WalkOptions {
  /**
   * --ignore patterns, gitignore syntax, relative to the root. They only add exclusions on top
   * of the .gitignore files: a `!pattern` here re-includes only what an earlier --ignore
   * pattern excluded, never what a .gitignore excludes.
   */
  ignore?: readonly string[];
  /**
   * Keep only candidates whose bytes contain this word (default SCRIPT_MENTION); null keeps
   * every readable text candidate.
   */
  mention?: string | null;
  /**
   * The run's file system: texts read while walking are kept there, so nothing is read twice
   * (or, walking in a worker thread, whatever sends them to the thread that analyses them).
   */
  repoFs?: Pick<NodeRepoFs, 'prime'>;
  /** Candidates larger than this are not read (default MAX_FILE_BYTES). */
  maxFileBytes?: number;
  /** The file-system layer (default: node:fs); tests inject failures through it. */
  io?: FileIo;
  /** Told the number of folders walked so far, every 256 folders. */
  progress?: Progress;
}

/** A candidate that was not read, for a notice: it might have held a setup. */
export interface SkippedFile {
  path: string;
  /** `too-large`: over the size limit (at most its first 64 KiB were read). `binary`: holds NUL bytes. */
  reason: 'too-large' | 'binary';
  bytes: number;
}

export interface WalkResult {
  /**
   * Candidate files to analyse, in a stable order (names sorted, depth first). With
   * `mention`, only those that contain it; a candidate that could not be read stays in,
   * so analysis reports it (READ_ERROR) as before.
   */
  files: string[];
  /** Folders that could not be read, with the reason (an errno code such as EACCES). */
  unreadable: { path: string; reason: string }[];
  /**
   * Candidates (not JS/TS) read and found without `mention` that may run a script by its path
   * (they hold `.sh`, `./` or `sh `, or a JS/TS or PowerShell extension): a script's callers (src/analyze/callers.ts).
   */
  quiet: string[];
  /**
   * Files the walk passed over that may use an image by its tag (./passed-over.ts): candidates
   * read and dropped for not saying `mention`, and files that are no candidate but may name an
   * image (compose files, Dockerfiles, other-language scripts and task runners). Only their
   * paths: the plan reads them again only if a setup would delete a builder build.
   */
  passedOver: string[];
  /**
   * Files an --ignore pattern leaves out by their own path (never those in a folder the
   * patterns leave out: the walk does not enter it), of the kinds that may run something or
   * use an image (candidates, and what `passedOver` records by name), documentation and
   * gitignored files aside. Never read here, and never a setup's script; they are also in
   * `passedOver`, so the plan searches them as it searches the files it passed over, and
   * their namings of a setup's container, outputs or artifacts count as an unreadable
   * file's do (src/plan/passed-over-callers.ts): ignoring a file leaves it alone, and it still
   * runs after a migration.
   */
  ignored: string[];
  /** Candidates not read because of their size, or read and found binary (and, with `mention`, containing it). */
  skipped: SkippedFile[];
  /**
   * Files named like the tool's own temporary files (`.NAME.msc-PID-….tmp`), wherever the walk
   * went: the CLI removes those a crashed run left, without a second walk of the tree.
   */
  temps: string[];
}

/**
 * Folders that hold an application's own code and tests, not its build scripts. JavaScript and
 * TypeScript files under them (at any depth) are read only when another script names them
 * (`node src/build-image.js` in package.json, a Makefile, a CI step or a shell script): in a
 * monorepo they are most of the files, and reading every one would cost most of a sweep.
 */
export const SOURCE_DIRS: ReadonlySet<string> = new Set(['src', 'lib', 'test', 'tests', '__tests__', 'spec', 'specs']);

/**
 * Paths of JS/TS files a script names (`node scripts/x.js`, `tsx ./src/build-image.ts`), as
 * written: in each maximal run of path characters, from its first character that is not a `/`
 * to the end of its last `.js`/`.ts`/… (an extension not followed by a word character or `/`).
 * The text is searched for the extensions alone, and only a run that holds one is measured
 * (once, from the first extension found in it), so the scan is linear in the file's size and
 * makes nothing for the runs without one (most words of a file): a single pattern
 * `[\w@.+~-][\w@.+~/-]*\.(?:js|…)` would rescan a run from each of its characters (quadratic;
 * minutes on one inline source map), and matching every run made an object per word.
 */
/** Text a file that runs a JavaScript/TypeScript or PowerShell script by its path holds (`node tools/build.js`, `.\\build.ps1`): such a file may be its caller. */
const JS_RUN_HINTS = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts', '.ps1'];
const JS_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)(?![\w/])/g;

/** `[\w@.+~/-]`: a character of a path run. */
function isPathChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 64 && c <= 90) || (c >= 45 && c <= 57) || c === 95 || c === 43 || c === 126;
}

export function* jsReferences(text: string): Generator<string> {
  const ext = new RegExp(JS_EXTENSION);
  // The run of the extensions seen last: where its path starts (after any leading `/`), where
  // it ends, and the end of its last extension that is not at the path's start (-1: none yet).
  let from = 0;
  let to = -1;
  let end = -1;
  for (let m = ext.exec(text); m !== null; m = ext.exec(text)) {
    const at = m.index;
    if (at >= to) {
      if (end !== -1) yield text.slice(from, end);
      let s = at;
      while (s > 0 && isPathChar(text.charCodeAt(s - 1))) s--;
      let e = at;
      while (e < text.length && isPathChar(text.charCodeAt(e))) e++;
      while (s < e && text.charCodeAt(s) === 47) s++;
      from = s;
      to = e;
      end = -1;
    }
    if (at > from) end = at + m[0].length;
  }
  if (end !== -1) yield text.slice(from, end);
}

/** Paths that can hold a script some file kind reads (src/kinds/registry.ts). */
export function isCandidate(rel: string, name: string): boolean {
  return candidateOf(rel, name) !== null;
}

/** One .gitignore's rules and the folder they are relative to ('' for the root). */
interface Level {
  base: string;
  rules: IgnoreRule[];
  parent: Level | null;
}

export function walk(root: string, options: WalkOptions = {}): WalkResult {
  const io = options.io ?? nodeIo;
  const maxBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const mention = options.mention === undefined ? SCRIPT_MENTION : options.mention;
  const extra = compileIgnore(options.ignore ?? []);
  const result: WalkResult = { files: [], unreadable: [], skipped: [], temps: [], quiet: [], passedOver: [], ignored: [] };

  /** Git's precedence: the deepest .gitignore with a matching rule decides; within one, the last rule. */
  const gitignored = (rel: string, name: string, isDir: boolean, level: Level | null): boolean => {
    for (let l = level; l; l = l.parent) {
      const verdict = decide(l.rules, l.base === '' ? rel : rel.slice(l.base.length + 1), name, isDir);
      if (verdict !== undefined) return verdict;
    }
    return false;
  };
  const flagged = (rel: string, name: string, isDir: boolean): boolean => extra.length > 0 && decide(extra, rel, name, isDir) === true;
  const ignored = (rel: string, name: string, isDir: boolean, level: Level | null): boolean => flagged(rel, name, isDir) || gitignored(rel, name, isDir, level);
  /**
   * Whether a file that may run something or use an image is left out; one an --ignore
   * pattern (and no .gitignore) leaves out is recorded, unread (see WalkResult.ignored).
   */
  const leftOut = (rel: string, name: string, level: Level | null): boolean => {
    if (!flagged(rel, name, false)) return gitignored(rel, name, false, level);
    if (!gitignored(rel, name, false, level) && !isDocumentation(rel)) {
      result.ignored.push(rel);
      result.passedOver.push(rel);
    }
    return true;
  };

  // JS/TS files under SOURCE_DIRS wait here until the walk ends; `named` collects the JS/TS
  // paths other candidates mention, resolved against their folder and against the root.
  const deferred: { rel: string; abs: string }[] = [];
  const named = new Set<string>();
  const noteReferences = (rel: string, bytes: Buffer) => {
    if (!bytes.includes('js') && !bytes.includes('ts')) return;
    const dir = path.posix.dirname(rel);
    for (const ref of jsReferences(bytes.toString('latin1'))) {
      named.add(path.posix.normalize(ref));
      if (dir !== '.') named.add(path.posix.join(dir, ref));
    }
  };

  const readCandidate = (rel: string, abs: string, kind: 'script' | 'js') => {
    let bytes;
    try {
      bytes = io.readFile(abs, maxBytes, true);
    } catch (e) {
      // Gone since readdir: nothing to say. Anything else: analysis reports it when it reads.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') result.files.push(rel);
      return;
    }
    if (bytes === null) return; // swapped for a link or a non-file since readdir
    if (!Buffer.isBuffer(bytes)) {
      result.skipped.push({ path: rel, reason: 'too-large', bytes: bytes.tooLarge });
      return;
    }
    noteReferences(rel, bytes);
    if (mention !== null && !(mention === SCRIPT_MENTION ? mentionsDocker(bytes) : bytes.includes(mention))) {
      if (kind === 'script' && (bytes.includes('.sh') || bytes.includes('./') || bytes.includes('sh ') || JS_RUN_HINTS.some((h) => bytes.includes(h)))) result.quiet.push(rel);
      if (!isDocumentation(rel)) result.passedOver.push(rel);
      return;
    }
    if (isBinary(bytes)) {
      result.skipped.push({ path: rel, reason: 'binary', bytes: bytes.length });
      return;
    }
    options.repoFs?.prime(rel, bytes.toString('utf8'));
    result.files.push(rel);
  };

  let folders = 0;
  const visit = (dirRel: string, dirAbs: string, parent: Level | null, inSource: boolean) => {
    if (options.progress && ++folders % 256 === 0) options.progress('walking', folders, null);
    let entries;
    try {
      entries = io.readdir(dirAbs);
    } catch (e) {
      result.unreadable.push({ path: dirRel || '.', reason: (e as NodeJS.ErrnoException).code ?? String(e) });
      return;
    }
    // Children are joined by concatenation, not path.join: dirAbs is already normal, and this
    // runs for every entry of the tree.
    const prefix = dirAbs.endsWith(path.sep) ? dirAbs : dirAbs + path.sep;
    let level = parent;
    const gi = entries.find((e) => e.name === '.gitignore');
    if (gi?.isFile()) {
      try {
        const bytes = io.readFile(`${prefix}.gitignore`, maxBytes, true);
        if (Buffer.isBuffer(bytes)) {
          const rules = compileIgnore(bytes.toString('utf8'));
          if (rules.length > 0) level = { base: dirRel, rules, parent };
        }
      } catch {
        /* an unreadable .gitignore ignores nothing */
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const name = e.name;
      // Links are never followed, in or out of the root: no loops, no escapes, and nothing the
      // writer would refuse to write through anyway.
      if (e.isSymbolicLink()) continue;
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !ignored(rel, name, true, level)) visit(rel, prefix + name, level, inSource || SOURCE_DIRS.has(name));
        continue;
      }
      if (!e.isFile()) continue;
      const kind = candidateOf(rel, name);
      if (kind !== null) {
        // Application code under the source folders is searched only when a script names it.
        if (kind === 'js' && inSource ? ignored(rel, name, false, level) : leftOut(rel, name, level)) continue;
        if (kind === 'js' && inSource) deferred.push({ rel, abs: prefix + name });
        else readCandidate(rel, prefix + name, kind);
      } else if (name.charCodeAt(0) === 46 && name.endsWith('.tmp') && TEMP_RE.test(name)) {
        result.temps.push(rel);
      } else if (passedOverByName(rel, name, inSource) && !leftOut(rel, name, level)) {
        result.passedOver.push(rel);
      }
    }
  };

  visit('', path.resolve(root), null, false);
  const late = deferred.filter((d) => named.has(d.rel));
  for (const d of late) readCandidate(d.rel, d.abs, 'js');
  if (late.length > 0) result.files.sort(byWalkOrder);
  return result;
}

/** The walk's order (names sorted, depth first), for files read after it. */
function byWalkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

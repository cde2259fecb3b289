/**
 * Scripts anywhere in the repository that reach a setup's artifact by a path naming it
 * (`deploy/upload.sh` running `scp ../out/app host:` from its own folder, or `sha256sum out/app`
 * written to be run from the root): run by hand after the setup's script, they found the
 * artifact it left, which the migration no longer leaves. ./caller-uses.ts reads the scripts
 * beside the setup's script and its artifacts whole; a script in another folder is read here,
 * and only its commands with a word whose path is the artifact, a path inside it or a folder
 * holding it (not the root: `tar czf all.tgz .` in a far script, or a path only known at run
 * time, names nothing of this setup). Who runs such a script, and from where, is unknown, so it
 * is read from its own folder and, for a shell script in a subfolder, from the root too (not a
 * setup's own script: the analysis already read it from the folder it runs in, and read from the
 * root its own later `sha256sum out/app` would name another setup's `out/app`). The files a
 * setup's removed commands wrote (`> out/report.txt`, ./removed-outputs.ts) disappear the same
 * way, and are looked for alike.
 *
 * Cost: a monorepo has thousands of candidate files and artifacts. Each file's text is first
 * searched, in one scan for both folders, for words that, taken as paths from either folder,
 * reach an artifact; only a file with such a word is read (the analysis's own reading for its
 * folder; one more reading from the root only when a word reaches an artifact from there).
 */
import path from 'node:path/posix';
import { readScript, scriptKindOf, type Analysis } from '../analyze/index.js';
import type { RepoFs } from '../model/fs.js';
import { mayNameFromAnywhere, resolveRel } from '../model/paths.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { addTo } from '../model/multimap.js';

/** A path the migration takes off the host (an artifact, or a file a removed command wrote) with its setup. */
interface Held {
  setup: Setup;
  hostPath: string;
}

/** Where a path reaches artifacts: the artifact's own path and every folder holding it (not the root). */
class ReachIndex {
  private readonly at = new Map<string, Held[]>();
  private readonly over = new Map<string, Held[]>();
  /** The last segment of every key: a word without one of them reaches nothing. */
  readonly names = new Set<string>();
  /** Paths with a character that ends a PATHS word (`beacon linux`): found in a text by their whole name. */
  readonly spaced: Held[] = [];

  add(h: Held): void {
    const p = h.hostPath;
    if (!WHOLE_WORD.test(p)) this.spaced.push(h);
    addTo(this.at, p, h);
    for (let d = p; d !== ''; d = path.dirname(d) === '.' ? '' : path.dirname(d)) {
      this.names.add(path.basename(d));
      if (d !== p) addTo(this.over, d, h);
    }
  }

  /** Whether one of the `/`-separated segments of `word` is a name of the index (most words have no `/`, and are looked up whole, without a split). */
  holdsName(word: string): boolean {
    if (!word.includes('/')) return this.names.has(word);
    return word.split('/').some((s) => this.names.has(s));
  }

  /** Every path held. */
  all(): Held[] {
    return [...this.at.values()].flat();
  }

  get size(): number {
    return this.at.size;
  }

  /** What repository path `p` reaches: the artifacts at or above it, or under it when it is a folder holding them. */
  reached(p: string): Held[] {
    // Outside the repository (`..`, or absolute after `cd /tmp`): no artifact; `dirname('/')` is `/`, so the loop needs this.
    if (p === '' || p.startsWith('..') || p.startsWith('/')) return [];
    const out = [...(this.over.get(p) ?? [])];
    for (let d = p; d !== ''; d = path.dirname(d) === '.' ? '' : path.dirname(d)) out.push(...(this.at.get(d) ?? []));
    return out;
  }
}

/** Words of a text or of a shell word's value, as paths may be written in them (`--file=../out/app`, `../out:/w`). */
const PATHS = /[^\s"'`;&|()<>=$,{}:\\]+/g;
/** A path PATHS reads as one word. */
const WHOLE_WORD = /^[^\s"'`;&|()<>=$,{}:\\]+$/;

/** The artifacts the path words of `text` reach from `cwd`; a word holding none of the index's names is not resolved. */
function reachedIn(text: string, cwd: string, index: ReachIndex): Held[] {
  const out: Held[] = [];
  for (const m of text.matchAll(PATHS)) {
    const word = m[0];
    if (!index.holdsName(word)) continue;
    // A word after a folder value (`$(dirname "$0")/../out/app` leaves `/../out/app`) is read from the folder too.
    out.push(...index.reached(resolveRel(cwd, word.replace(/^\/+/, ''))));
  }
  // A name PATHS splits (`sha256sum "beacon linux"`): a text that holds it may reach it, from any folder.
  for (const h of index.spaced) if (text.includes(path.basename(h.hostPath))) out.push(h);
  return out;
}

/**
 * For each of `cwds`, whether the path words of `text` reach an artifact from it, as reachedIn
 * tells, from one scan of the text for all of them (a far file is asked from its own folder and
 * from the root) that stops once every folder is answered.
 */
function reachesFrom(text: string, cwds: readonly string[], index: ReachIndex): boolean[] {
  // A name PATHS splits: a text that holds it may reach it, from any folder.
  if (index.spaced.some((h) => text.includes(path.basename(h.hostPath)))) return cwds.map(() => true);
  const out = cwds.map(() => false);
  let left = cwds.length;
  // exec, not matchAll: every file of the repository is scanned, and matchAll's iterator made
  // an object per word besides the match (about 20 MB of the bench's 1x sweep).
  const words = new RegExp(PATHS);
  for (let m = words.exec(text); m !== null && left > 0; m = words.exec(text)) {
    const word = m[0];
    if (!index.holdsName(word)) continue;
    const rel = word.replace(/^\/+/, '');
    for (let k = 0; k < cwds.length; k++) {
      if (out[k] || index.reached(resolveRel(cwds[k]!, rel)).length === 0) continue;
      out[k] = true;
      left--;
    }
  }
  return out;
}

/** The setups whose artifacts `cmd` names by a path, by the words the reader gave it. */
function reachedBy(cmd: ScriptCommand, index: ReachIndex): Set<Setup> {
  const out = new Set<Setup>();
  // From a folder only known at run time, a relative word ending as an artifact's path does may name it (../analyze/host-uses.ts).
  if (cmd.cwd === null) {
    for (const w of [...cmd.words, ...cmd.redirects.map((r) => r.target)]) {
      if (w.value === null || w.value.startsWith('-') || !index.holdsName(w.value)) continue;
      for (const h of index.all()) if (mayNameFromAnywhere(w.value, h.hostPath)) out.add(h.setup);
    }
    return out;
  }
  for (const w of [...cmd.words, ...cmd.redirects.map((r) => r.target)]) {
    if (w.value === null || w.value.startsWith('/')) continue;
    // The whole word is one path to the shell, whatever it holds (`"beacon linux"`); its parts may be paths too (`--file=out/app`).
    if (!WHOLE_WORD.test(w.value) && index.holdsName(w.value)) {
      for (const h of index.reached(resolveRel(cmd.cwd, w.value))) out.add(h.setup);
    }
    for (const h of reachedIn(w.value, cmd.cwd, index)) if (WHOLE_WORD.test(h.hostPath)) out.add(h.setup);
  }
  return out;
}

export interface FarReading {
  analysis: Analysis;
  fs: RepoFs;
  /** Setups with an artifact still to check, and whether a file is theirs to skip (their script, a caller, a callee…). */
  setups: readonly Setup[];
  skip(setup: Setup, rel: string, script: ScriptFile): boolean;
  /** The script as the analysis read it (from its own folder). */
  scriptOf(rel: string): ScriptFile | null;
  /** Commands that belong to a setup (never a use of it). */
  own: ReadonlySet<ScriptCommand>;
  /** The files a setup's removed commands wrote (./removed-outputs.ts): they disappear as its artifacts do. */
  outputs(setup: Setup): readonly string[];
  /** Checks `commands` of a file for reads of the setup's artifacts and outputs; `after` names where they are. */
  check(setup: Setup, commands: readonly ScriptCommand[], after: string, kind: ScriptFile['kind']): void;
}

/** Kinds of script a person runs by hand in the working tree; only a shell script is run by its path from any folder. */
const KINDS: ReadonlySet<ScriptFile['kind']> = new Set(['shell', 'make', 'package-json', 'javascript']);

export function markFarUses(r: FarReading): void {
  const index = new ReachIndex();
  for (const setup of r.setups) {
    for (const artifact of setup.artifacts) if (!artifact.hostNeeded) index.add({ setup, hostPath: artifact.hostPath });
    for (const hostPath of r.outputs(setup)) index.add({ setup, hostPath });
  }
  if (index.size === 0) return;
  const { analysis, fs } = r;
  const kept = new Set([...analysis.files, ...(analysis.quiet ?? [])]);
  // A setup's script is read from the folder the analysis gave it (its own, or its callers'): its commands are its setup's.
  const driving = new Set(analysis.setups.map((s) => s.script));
  for (const rel of [...new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])].sort()) {
    // A passed-over file is read once and let go (as the builder-tag search reads it).
    const text = kept.has(rel) || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null) continue;
    const dir = path.dirname(rel) === '.' ? '' : path.dirname(rel);
    const [fromOwn = false, fromRoot = false] = reachesFrom(text, dir !== '' && !driving.has(rel) ? [dir, ''] : [dir], index);
    if (!fromOwn && !fromRoot) continue;
    const kind = scriptKindOf(rel, text);
    if (kind === null || !KINDS.has(kind)) continue;
    if (fromOwn) checkFile(r, index, rel, r.scriptOf(rel), '');
    // Only a shell script is run by its path from another folder (a Makefile or package.json runs in its own).
    if (fromRoot && kind === 'shell') checkFile(r, index, rel, readScript(kind, rel, text, fs, { cwd: '' }).script, ' run from the repository root');
  }
}

function checkFile(r: FarReading, index: ReachIndex, rel: string, script: ScriptFile | null, how: string): void {
  if (!script) return;
  const bySetup = new Map<Setup, ScriptCommand[]>();
  for (const cmd of script.commands) {
    if (r.own.has(cmd)) continue;
    for (const s of reachedBy(cmd, index)) addTo(bySetup, s, cmd);
  }
  for (const [setup, commands] of bySetup) {
    if (r.skip(setup, rel, script)) continue;
    r.check(setup, commands, `, in ${rel}${how}, which may be run after ${setup.script} left it there`, script.kind);
  }
}

/**
 * A builder Dockerfile the migration would delete may still be named by a command it does not
 * touch: a linter (`hadolint Dockerfile.build`), a copy, a checksum, in any script of the
 * repository, with or without docker in it. Deleting the file would break that command, so
 * the file is kept (its instructions are in the merged Dockerfile all the same).
 *
 * Files the walk passed over (src/discover/passed-over.ts) are searched too, by their text.
 *
 * Docker builds are left to the plan's own index of build commands (a build of the file keeps
 * it, a build a migration rewrites does not). Any other place a candidate file's text names
 * the Dockerfile's base name counts, unless it is a word of a read command whose value and
 * folder are known and resolve to another file: a comment, a step the reader did not follow, a
 * word with a variable in it or a command whose folder is unknown all keep the file.
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import { dockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import { LineIndex } from '../model/text.js';
import { NAME_CHAR, resolveRel } from '../model/paths.js';

export interface Naming {
  file: string;
  line: number;
  /**
   * The read command the name is in, when it is in one: its words as written, and the setups
   * whose steps it is (a setup that migrates removes or rewrites it).
   */
  cmd: { words: string; setups: readonly string[] } | null;
  /** The file is a script the analysis read (its commands, not only its text). */
  script: boolean;
  /** The file is one the walk passed over (a Python script, a task runner's file), not a candidate. */
  passedOver: boolean;
  /** The base name found. */
  base: string;
}

interface Index {
  /** Names resolved to one repository path. */
  exact: Map<string, Naming[]>;
  /** Names that may be any file of that base name. */
  loose: Map<string, Naming[]>;
  /** Every candidate file read, and whether the analysis read it as a script. */
  files: Map<string, boolean>;
}

/**
 * Every candidate file's namings of the given base names, read once per analysis, before the
 * plan changes anything (and before any part of the root is planned and let go: ./parts.ts).
 * What the plan then changes is applied when asking (`stillNamed`). `setupsOf`: the setups
 * whose steps a command is.
 */
function buildIndex(analysis: Analysis, fs: RepoFs, bases: readonly string[], setupsOf: (cmd: ScriptCommand) => readonly string[]): Index {
  const index: Index = { exact: new Map(), loose: new Map(), files: new Map() };
  for (const rel of analysis.files) {
    const script = analysis.scripts.get(rel) ?? null;
    index.files.set(rel, script !== null);
    const text = fs.readText(rel);
    if (text === null) continue;
    scanNamings(index, rel, text, script, bases, setupsOf);
  }
  // The files the walk passed over that may run a build (a Python or Ruby script, a task
  // runner's file: src/discover/passed-over.ts) name it as well: `os.system("docker build -f
  // Dockerfile.build .")` would fail once it is deleted. Their text is searched, not their commands.
  if (bases.length > 0) {
    for (const rel of [...(analysis.passedOver ?? []), ...(analysis.quiet ?? [])]) {
      if (index.files.has(rel)) continue;
      index.files.set(rel, false);
      const text = fs.readText(rel);
      if (text !== null && bases.some((b) => text.includes(b))) scanNamings(index, rel, text, null, bases, setupsOf, true);
    }
  }
  return index;
}

/** The namings of `bases` in one file's text (`script`: its reading, when it is a script). */
function scanNamings(index: Index, rel: string, text: string, script: ScriptFile | null, bases: readonly string[], setupsOf: (cmd: ScriptCommand) => readonly string[], passedOver = false): void {
  const add = (map: Map<string, Naming[]>, key: string, n: Naming) => {
    const list = map.get(key);
    if (list) list.push(n);
    else map.set(key, [n]);
  };
  let lines: LineIndex | null = null;
  for (const base of bases) {
    for (let at = nameAt(text, base, 0); at >= 0; at = nameAt(text, base, at + 1)) {
      const cmd = script ? commandAt(script, at) : null;
      // Docker builds are the plan's build index's (src/plan/build-index.ts buildMentions), which needs a known folder.
      if (cmd && cmd.cwd !== null && dockerInvocation(cmd)?.verb === 'build') continue;
      lines ??= new LineIndex(text);
      const naming: Naming = { file: rel, line: lines.lineOf(at), cmd: cmd ? { words: shownCommand(cmd), setups: setupsOf(cmd) } : null, script: script !== null, passedOver, base };
      const resolved = cmd ? resolvedPath(cmd, at) : null;
      if (resolved !== null) add(index.exact, resolved, naming);
      else add(index.loose, base, naming);
    }
  }
}

/** Where `base` next stands as a whole name (not part of a longer one) from `from`, or -1. */
function nameAt(text: string, base: string, from: number): number {
  for (let at = text.indexOf(base, from); at >= 0; at = text.indexOf(base, at + 1)) {
    if (!NAME_CHAR.test(text[at - 1] ?? '') && !NAME_CHAR.test(text[at + base.length] ?? '')) return at;
  }
  return -1;
}

function commandAt(script: ScriptFile, at: number): ScriptCommand | null {
  return script.commands.find((c) => c.start <= at && at < c.end) ?? null;
}

/** The repository path a command's word at `at` names, when its value and the command's folder are known and it is a plain path. */
function resolvedPath(cmd: ScriptCommand, at: number): string | null {
  if (cmd.cwd === null) return null;
  const words: Word[] = [...cmd.words, ...cmd.redirects.map((r) => r.target)];
  const word = words.find((w) => w.start <= at && at < w.end);
  if (!word || word.value === null || word.value === '' || word.value.startsWith('-') || word.value.includes('=') || word.value.includes(':')) return null;
  return resolveRel(cmd.cwd, word.value);
}

/**
 * Where the repository, as the plan leaves it, still names `dockerfile` outside the commands
 * the migration removes or rewrites (`ignored`: those of a setup that migrates), the first
 * such place; null when nothing does. `index`: made by `namingIndex` for the base names of
 * every Dockerfile the plan may delete. `changed`: the plan's new text of each script and
 * compose file it changes (null: deleted). A script the plan rewrites is read as it was (the
 * commands it removes or rewrites are ignored), and still names the file only if its new text
 * holds the name: a comment that went with the steps it described (`# build Dockerfile.build`
 * above the builder build) names nothing any more. Any other file it changes (a compose file
 * losing the builder service) is read as it will be, every name there counting.
 */
export function stillNamed(dockerfile: string, ignored: (setups: readonly string[]) => boolean, index: Index, changed: ReadonlyMap<string, string | null>, rewritten: Index): Naming | null {
  const base = path.basename(dockerfile);
  const stays = (n: Naming) => (n.script ? !changed.has(n.file) || nameAt(changed.get(n.file) ?? '', n.base, 0) >= 0 : !changed.has(n.file));
  const all = [...(index.exact.get(dockerfile) ?? []), ...(index.loose.get(base) ?? [])].filter(stays);
  all.push(...(rewritten.loose.get(base) ?? []));
  return all.filter((n) => !(n.cmd && ignored(n.cmd.setups))).sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))[0] ?? null;
}

/** The namings of `bases` in the new text of each candidate file the plan changes that is not a script (`stillNamed`'s `rewritten`). */
export function rewrittenNamings(index: Index, changed: ReadonlyMap<string, string | null>, bases: readonly string[]): Index {
  const again: Index = { exact: new Map(), loose: new Map(), files: new Map() };
  for (const [file, text] of changed) if (text !== null && index.files.get(file) === false) scanNamings(again, file, text, null, bases, () => []);
  return again;
}

export { buildIndex as namingIndex, type Index as NamingIndex };

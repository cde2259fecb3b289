/**
 * A builder Dockerfile the migration would delete may still be named by a command it does not
 * touch: a linter (`hadolint Dockerfile.build`), a copy, a checksum, in any script of the
 * repository, with or without docker in it. Deleting the file would break that command, so
 * the file is kept (its instructions are in the merged Dockerfile all the same).
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
import type { ScriptCommand, ScriptFile, Word } from '../model/script.js';
import { LineIndex } from '../model/text.js';
import { resolveRel } from '../model/paths.js';

export interface Naming {
  file: string;
  line: number;
  /** The read command the name is in, when it is in one. */
  cmd: ScriptCommand | null;
}

interface Index {
  /** Names resolved to one repository path. */
  exact: Map<string, Naming[]>;
  /** Names that may be any file of that base name. */
  loose: Map<string, Naming[]>;
}

/** A character that may continue a file name: the base name found must not be part of a longer one. */
const NAME_CHAR = /[A-Za-z0-9_.\-]/;

/** Every candidate file's namings of the given base names, read once per analysis and set of names. */
function buildIndex(analysis: Analysis, fs: RepoFs, bases: readonly string[], changed: ReadonlyMap<string, string | null>): Index {
  const index: Index = { exact: new Map(), loose: new Map() };
  const add = (map: Map<string, Naming[]>, key: string, n: Naming) => {
    const list = map.get(key);
    if (list) list.push(n);
    else map.set(key, [n]);
  };
  for (const rel of analysis.files) {
    // A script the plan rewrites is read as it was: the commands it removes or rewrites are the
    // caller's to ignore. Any other file it changes (a compose file losing the builder service)
    // is read as it will be, every name there counting.
    const script = analysis.scripts.get(rel) ?? null;
    const text = !script && changed.has(rel) ? changed.get(rel)! : fs.readText(rel);
    if (text === null) continue;
    let lines: LineIndex | null = null;
    for (const base of bases) {
      // A script the plan rewrites still names the file only if its new text holds the name:
      // a comment that went with the steps it described (`# build Dockerfile.build` above the
      // builder build) names nothing any more. Where the name stays, the old reading says how.
      if (script && changed.has(rel) && nameAt(changed.get(rel) ?? '', base, 0) < 0) continue;
      for (let at = nameAt(text, base, 0); at >= 0; at = nameAt(text, base, at + 1)) {
        const cmd = script ? commandAt(script, at) : null;
        // Docker builds are the plan's build index's (src/plan/index.ts buildMentions), which needs a known folder.
        if (cmd && cmd.cwd !== null && dockerInvocation(cmd)?.verb === 'build') continue;
        lines ??= new LineIndex(text);
        const naming: Naming = { file: rel, line: lines.lineOf(at), cmd };
        const resolved = cmd ? resolvedPath(cmd, at) : null;
        if (resolved !== null) add(index.exact, resolved, naming);
        else add(index.loose, base, naming);
      }
    }
  }
  return index;
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
 * Where the repository, as the plan leaves it, still names `dockerfile` outside the given
 * commands (those the migration removes or rewrites), the first such place; null when nothing
 * does. `index`: made by
 * `namingIndex` for the base names of every Dockerfile the plan may delete, one reading of the
 * files for all of them, with the plan's new text of each file it changes that is not a script
 * (null: deleted).
 */
export function stillNamed(dockerfile: string, ignore: ReadonlySet<ScriptCommand>, index: Index): Naming | null {
  const base = path.basename(dockerfile);
  const all = [...(index.exact.get(dockerfile) ?? []), ...(index.loose.get(base) ?? [])];
  return all.filter((n) => !(n.cmd && ignore.has(n.cmd))).sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))[0] ?? null;
}

export { buildIndex as namingIndex, type Index as NamingIndex };

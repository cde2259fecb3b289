/**
 * The `bin` entries of the repository's package.json files: each names a file of the package
 * that `npx NAME` (`npm exec NAME`) runs, from the folder it is run in (npm's libnpmexec looks
 * for a bin of that name in the local package first). A script a bin names is called by that
 * name too (`npx build-image` for `"bin": { "build-image": "scripts/build.sh" }`).
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import type { RepoFs } from '../model/fs.js';
import { folderOf, resolveRel } from '../model/paths.js';
import type { ScriptCommand } from '../model/script.js';
import { programAt } from '../model/wrappers.js';

/** Each bin name with the repository path of the file it runs. */
export function packageBins(analysis: Analysis, fs: RepoFs): [string, string][] {
  const out: [string, string][] = [];
  const files = new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])]);
  for (const rel of [...files].sort()) {
    if (path.basename(rel) !== 'package.json') continue;
    const text = fs.readText(rel);
    if (text === null) continue;
    let pkg: { name?: unknown; bin?: unknown };
    try {
      pkg = JSON.parse(text) as typeof pkg;
    } catch {
      continue;
    }
    const entries: [string, unknown][] =
      typeof pkg.bin === 'string' ? (typeof pkg.name === 'string' ? [[pkg.name.replace(/^@[^/]+\//, ''), pkg.bin]] : []) : pkg.bin !== null && typeof pkg.bin === 'object' ? Object.entries(pkg.bin) : [];
    for (const [name, file] of entries) {
      if (typeof file !== 'string' || name === '') continue;
      const target = resolveRel(folderOf(rel), file);
      if (!target.startsWith('../')) out.push([name, target]);
    }
  }
  return out;
}

/** npm exec's options that take the next word as their value, or run other text. */
const EXEC_VALUED = new Set(['-p', '--package', '-c', '--call', '-w', '--workspace', '--prefix', '-C']);

/**
 * The bin names of `bins` a command runs through npm exec (`npx build-image`, `npm exec
 * build-image`, `npm x -- build-image`): the name the first operand gives, or every one where
 * an option may change what runs.
 */
export function binRuns(cmd: ScriptCommand, bins: ReadonlyMap<string, readonly string[]>): string[] {
  const { at, known } = programAt(cmd.words);
  if (!known) return [];
  const words = cmd.words.slice(at).map((w) => w.value);
  const prog = words[0] == null ? null : path.basename(words[0]);
  let k: number;
  if (prog === 'npx') k = 1;
  else if (prog === 'npm' && (words[1] === 'exec' || words[1] === 'x')) k = 2;
  else return [];
  for (; k < words.length; k++) {
    const v = words[k];
    if (v === null || v === undefined) return v === null ? [...bins.values()].flat() : [];
    if (v === '--') {
      k++;
      break;
    }
    if (!v.startsWith('-')) break;
    if (EXEC_VALUED.has(v.split('=', 1)[0]!)) return [...bins.values()].flat();
  }
  const name = words[k];
  if (name === null) return [...bins.values()].flat();
  return name === undefined ? [] : [...(bins.get(name) ?? [])];
}

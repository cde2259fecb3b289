/**
 * A Makefile rule that lists the builder Dockerfile as a prerequisite (`bin/app: Dockerfile.build
 * main.go`) cannot be made once the migration deletes that file: `make` stops with "No rule to
 * make target". Such a setup is refused (MAKE_PREREQUISITE_REMOVED), also when a prerequisite
 * is a variable and the Makefile names the file anywhere. Only a Makefile that holds the deleted
 * file's name is read, each once, however many setups ask.
 */
import path from 'node:path/posix';
import { scriptKindOf, type Analysis } from '../analyze/index.js';
import type { RepoFs } from '../model/fs.js';
import { parseWith } from '../analyze/tree-sitter.js';
import { prerequisiteWords } from '../analyze/hosts/make-prerequisite-words.js';
import { isMakeScript } from '../analyze/embedded.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { LineIndex } from '../model/text.js';
import { resolveRel } from '../model/paths.js';

interface Prerequisite {
  file: string;
  line: number;
  word: string;
  /** The repository path it names, or null for a word with an expansion. */
  path: string | null;
  /** The Makefile's text, to look for the deleted file's name when the word is a variable. */
  text: string;
}

const indexes = new WeakMap<Analysis, Map<string, Prerequisite[]>>();

/** A Makefile the walk kept: its text and, when the analysis read it, where its prerequisites are. */
interface Makefile {
  file: string;
  text: string;
  words?: readonly number[];
}

/**
 * The prerequisites a Makefile's rules list, read once per Makefile however many setups ask:
 * where the analysis found them, or from a parse of the text (a Makefile without docker in it).
 */
function prerequisites(analysis: Analysis, script: Makefile): Prerequisite[] {
  let byFile = indexes.get(analysis);
  if (!byFile) indexes.set(analysis, (byFile = new Map()));
  let all = byFile.get(script.file);
  if (all) return all;
  all = [];
  const dir = path.dirname(script.file) === '.' ? '' : path.dirname(script.file);
  const words = script.words ?? prerequisiteWords(parseWith('tree-sitter-make', script.text));
  const lines = new LineIndex(script.text);
  for (let k = 0; k < words.length; k += 2) {
    const word = script.text.slice(words[k], words[k + 1]);
    all.push({ file: script.file, line: lines.lineOf(words[k]!), word, path: word.includes('$') ? null : resolveRel(dir, word), text: script.text });
  }
  byFile.set(script.file, all);
  return all;
}

const makefileLists = new WeakMap<Analysis, Makefile[]>();

/**
 * Every Makefile the walk kept, also one without docker in it (it names the Dockerfile:
 * src/discover/walk.ts), with its text: listed once per analysis, since every setup a sweep
 * plans asks (reading and classing every file per setup made planning quadratic).
 */
function makefiles(analysis: Analysis, fs: RepoFs): Makefile[] {
  let list = makefileLists.get(analysis);
  if (list) return list;
  list = [];
  for (const file of analysis.files) {
    const script = analysis.scripts.get(file);
    const text = script?.text ?? fs.readText(file);
    if (text === null || scriptKindOf(file, text) !== 'make') continue;
    const words = script && isMakeScript(script) ? script.prerequisiteWords : undefined;
    list.push(words ? { file, text, words } : { file, text });
  }
  makefileLists.set(analysis, list);
  return list;
}

/** Lists the Makefiles before any part of the root is planned and its scripts let go (./parts.ts). */
export function listMakefiles(analysis: Analysis, fs: RepoFs): void {
  makefiles(analysis, fs);
}

/**
 * For one base name: the first Makefile (in the walk's order) that names it and lists a
 * prerequisite that is a variable, and for each path a prerequisite resolves to, the first
 * such Makefile that names it. Made once per name: a sweep's setups mostly share one builder
 * name (`Dockerfile.build`), and asking every Makefile for every setup was quadratic.
 */
interface FirstHits {
  variable: number;
  byPath: Map<string, number>;
}

const firstHits = new WeakMap<Analysis, Map<string, FirstHits>>();

function firstHitsOf(analysis: Analysis, fs: RepoFs, name: string): FirstHits {
  let byName = firstHits.get(analysis);
  if (!byName) firstHits.set(analysis, (byName = new Map()));
  let hits = byName.get(name);
  if (hits) return hits;
  hits = { variable: Infinity, byPath: new Map() };
  for (const [i, makefile] of makefiles(analysis, fs).entries()) {
    // Either kind of hit needs the file's name in the Makefile: a word that resolves to the
    // file ends with its name (a word whose last part comes from the Makefile's own folder,
    // `sub/..`, resolves to a folder), and a variable is a hit only when the text names the file.
    if (!makefile.text.includes(name)) continue;
    for (const p of prerequisites(analysis, makefile)) {
      if (p.path === null) hits.variable = Math.min(hits.variable, i);
      else if (!hits.byPath.has(p.path)) hits.byPath.set(p.path, i);
    }
  }
  byName.set(name, hits);
  return hits;
}

export function removedPrerequisite(deleted: string | null, setup: string, analysis: Analysis, fs: RepoFs): Diagnostic | null {
  if (deleted === null) return null;
  const name = path.basename(deleted);
  const hits = firstHitsOf(analysis, fs, name);
  const first = Math.min(hits.variable, hits.byPath.get(deleted) ?? Infinity);
  // The first Makefile with a hit, and its first hit.
  const hit = first === Infinity ? undefined : prerequisites(analysis, makefiles(analysis, fs)[first]!).find((p) => (p.path === null ? p.text.includes(name) : p.path === deleted));
  if (!hit) return null;
  return diag('MAKE_PREREQUISITE_REMOVED', 'error', `${hit.file} lists \`${hit.word}\` as a prerequisite${hit.path === null ? `, which may name ${deleted}` : ''}; the migration deletes ${deleted}, and make would then stop with "No rule to make target"`, {
    file: hit.file,
    line: hit.line,
    setup,
    hint: `Remove ${deleted} from the rule's prerequisites (its instructions now live in the runtime Dockerfile), then run the tool again.`,
  });
}

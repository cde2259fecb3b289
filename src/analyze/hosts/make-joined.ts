/**
 * `.ONESHELL` from make files joined by `include`: Make reads an included file as part of the
 * file that includes it, so a `.ONESHELL:` in either holds for the recipes of both (GNU make:
 * the special target holds for every recipe, wherever in the files read it appears). A Makefile
 * read as a caller of another setup's script must not be read line by line when that holds.
 *
 * The files Make reads with a make file are followed through their includes: a word resolved
 * from the folder Make runs in (the first make file's; GNU make reads every relative include
 * name from its current folder, nested ones too), a `$(NAME)` replaced by the file's static
 * value of NAME. Its includers are looked for where Make finds a makefile by default
 * (`GNUmakefile`, `makefile`, `Makefile` in its folder and each folder above). An include the
 * tool cannot resolve (a name Make only knows when it runs, a file the repository does not
 * hold) may set `.ONESHELL` or not: that matters only for a recipe of more than one line, and
 * such a file is then said to be read with its one-shell reading unknown (`unknown`).
 */
import path from 'node:path/posix';
import type { RepoFs } from '../../model/fs.js';
import { resolveRel } from '../../model/paths.js';
import { LineIndex } from '../../model/text.js';
import { parseWith, type TsNode } from '../tree-sitter.js';
import { conditioned, rulesIn, type Conditioned } from './make-conditionals.js';
import { makeVariables } from './make-variables.js';

/** Whether `.ONESHELL` holds for every recipe (true/false), or why the file is not read (string). */
export type OneShell = boolean | string;

export interface JoinedOneShell {
  /** `.ONESHELL` set by a joined file (true), or why the file is not read (string). */
  oneShell: OneShell;
  /** Why it is not known whether `.ONESHELL` holds (an include the tool cannot resolve), when a recipe's reading depends on it. */
  unknown?: string;
}

/**
 * Whether `.ONESHELL` holds for every recipe (GNU make: when it appears as a target anywhere in
 * the file, each rule's whole recipe goes to one shell), or why the file is not read: given
 * prerequisites, which GNU make 4.3 ignores but others may read as the only targets it holds for,
 * or under a conditional, which holds in some runs only.
 */
export function oneShellOf(rules: readonly Conditioned[], text: string): OneShell {
  const words = (n: TsNode | undefined) => (n?.namedChildren ?? []).map((w) => text.slice(w.startIndex, w.endIndex));
  const set = rules.filter(({ node }) => words(node.namedChildren.find((c) => c.type === 'targets')).includes('.ONESHELL'));
  if (set.length === 0) return false;
  if (set.some(({ branches }) => branches.length > 0)) return 'sets .ONESHELL under a conditional, so whether each recipe runs in one shell depends on it';
  if (set.some(({ node }) => node.namedChildren.some((c) => c.type === 'prerequisites' && c.namedChildren.length > 0))) return 'gives .ONESHELL prerequisites, which make versions read differently (every recipe in one shell, or only theirs)';
  return true;
}

interface Read {
  root: TsNode;
  text: string;
}

function readMake(fs: RepoFs, rel: string): Read | null {
  const text = fs.peekText ? fs.peekText(rel) : fs.readText(rel);
  return text === null ? null : { root: parseWith('tree-sitter-make', text), text };
}

/** What Make reads with make file `first` (run from `cwd`): whether `.ONESHELL` holds, the files read, and the includes the tool could not resolve. */
interface Closure {
  oneShell: OneShell;
  /** The files read, `first` among them. */
  files: Set<string>;
  /** The include words the tool could not resolve, each with the file saying it. */
  unresolved: { file: string; word: string }[];
  /** Which file sets .ONESHELL (for the reason given when it is not read). */
  setBy: string | null;
}

const REFERENCE = /^\$(?:\(([A-Za-z_][A-Za-z0-9_]*)\)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/;

function closure(fs: RepoFs, first: string, firstRead: Read): Closure {
  const cwd = path.dirname(first) === '.' ? '' : path.dirname(first);
  const out: Closure = { oneShell: false, files: new Set([first]), unresolved: [], setBy: null };
  const visit = (rel: string, read: Read, conditional: boolean) => {
    const lines = new LineIndex(read.text);
    const own = oneShellOf(rulesIn(read.root, read.text, (o) => lines.lineOf(o)), read.text);
    if (own !== false && typeof out.oneShell !== 'string') {
      out.oneShell = own === true && conditional ? 'is included under a conditional by a make file it is read with, and sets .ONESHELL' : own;
      out.setBy = rel;
    }
    const vars = makeVariables(read.root, read.text);
    // An include outside every conditional (one Make reads in each run); any other counts as under one.
    const always = new Set(conditioned(read.root, 'include_directive', read.text, (o) => lines.lineOf(o)).filter((c) => c.branches.length === 0).map((c) => c.node.startIndex));
    for (const inc of read.root.descendantsOfType('include_directive')) {
      const under = conditional || !always.has(inc.startIndex);
      const list = inc.namedChildren.find((c) => c.type === 'list');
      for (const w of list?.namedChildren ?? []) {
        const word = read.text.slice(w.startIndex, w.endIndex);
        // A word that is one `$(NAME)` with a static value stands for that value's words.
        const ref = REFERENCE.exec(word);
        const value = ref ? vars.get(ref[1] ?? ref[2]!) : undefined;
        const names = ref ? (typeof value === 'string' && !/[$*?[]/.test(value) ? value.split(/\s+/).filter((x) => x !== '') : null) : [word];
        if (names === null || names.some((n) => /[$*?[]/.test(n))) {
          out.unresolved.push({ file: rel, word });
          continue;
        }
        for (const n of names) {
          const target = n.startsWith('/') ? null : resolveRel(cwd, n);
          if (target !== null && out.files.has(target)) continue;
          const next = target === null ? null : readMake(fs, target);
          if (next === null) {
            out.unresolved.push({ file: rel, word: n });
            continue;
          }
          out.files.add(target!);
          visit(target!, next, under);
        }
      }
    }
  };
  visit(first, firstRead, false);
  return out;
}


/**
 * What Make reads with the make file `rel` of the repository, or null when it says no include:
 * found once per repository and file (every make file below a root Makefile asks about it).
 */
const includerClosures = new WeakMap<RepoFs, Map<string, Closure | null>>();
function includerClosure(fs: RepoFs, rel: string): Closure | null {
  let known = includerClosures.get(fs);
  if (!known) includerClosures.set(fs, (known = new Map()));
  let c = known.get(rel);
  if (c === undefined) {
    const text = fs.peekText ? fs.peekText(rel) : fs.readText(rel);
    c = text === null || !text.includes('include') ? null : closure(fs, rel, { root: parseWith('tree-sitter-make', text), text });
    known.set(rel, c);
  }
  return c;
}

/** Make files that may include `file` by Make's default names: in its folder and every folder above. */
function includerCandidates(file: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  for (;;) {
    for (const name of ['GNUmakefile', 'makefile', 'Makefile']) out.push(dir === '' ? name : `${dir}/${name}`);
    if (dir === '') break;
    dir = path.dirname(dir) === '.' ? '' : path.dirname(dir);
  }
  return out.filter((x) => x !== file);
}

/**
 * Whether `.ONESHELL` holds for the recipes of make file `file` by way of the files joined with
 * it by `include` (those it includes, those that include it), read with `fs`. `multiLine`:
 * whether a recipe of the file has more than one line (only those read differently under it).
 */
export function joinedOneShell(file: string, text: string, root: TsNode, fs: RepoFs, multiLine: boolean): JoinedOneShell {
  const unknowns: string[] = [];
  // (A file that says no include reads no other: its own .ONESHELL was read by its reader.)
  const own: Closure = text.includes('include') ? closure(fs, file, { root, text }) : { oneShell: false, files: new Set([file]), unresolved: [], setBy: null };
  const verdicts: { oneShell: OneShell; by: string | null; via: string }[] = [{ oneShell: own.oneShell, by: own.setBy, via: file }];
  for (const u of own.unresolved) unknowns.push(`${u.file} includes \`${u.word}\`, which the tool cannot resolve (a name Make only knows when it runs, or a file the repository does not hold)`);
  for (const rel of includerCandidates(file)) {
    const c = includerClosure(fs, rel);
    if (c === null) continue;
    if (c.files.has(file)) {
      verdicts.push({ oneShell: c.oneShell, by: c.setBy, via: rel });
      for (const u of c.unresolved) unknowns.push(`${u.file} (which includes ${file}) includes \`${u.word}\`, which the tool cannot resolve`);
    } else if (file.endsWith('.mk') && c.unresolved.length > 0 && c.oneShell !== false) {
      unknowns.push(`${rel}, which ${c.oneShell === true ? 'sets .ONESHELL' : 'may set .ONESHELL'}, includes \`${c.unresolved[0]!.word}\`, which may name ${file}`);
    }
  }
  const unread = verdicts.find((v) => typeof v.oneShell === 'string' && v.by !== null && v.by !== file);
  if (unread) return { oneShell: `is read with ${unread.by}, which ${unread.oneShell as string}` };
  const set = verdicts.find((v) => v.oneShell === true);
  if (set) {
    // Read under .ONESHELL; if the file may also run without it (a default makefile name of its own, not setting it), that is unknown too.
    if (verdicts.some((v) => v.oneShell === false && v.via === file && /(^|\/)(GNUmakefile|makefile|Makefile)$/.test(file))) unknowns.push(`${set.via} includes ${file}, and ${set.by} sets .ONESHELL, but ${file} may also be run alone, without it`);
    return { oneShell: true, ...(multiLine && unknowns.length > 0 ? { unknown: unknowns[0]! } : {}) };
  }
  return { oneShell: false, ...(multiLine && unknowns.length > 0 ? { unknown: unknowns[0]! } : {}) };
}

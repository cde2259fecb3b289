/**
 * Make files joined by `include`: Make reads an included file as part of the file that includes
 * it, so the variables, exports, special targets (`.ONESHELL`, `SHELL := …`, `.IGNORE`) and rules
 * of either reach the recipes of the other. The tool reads each make file alone (save for a
 * `.ONESHELL` a joined file sets: src/analyze/hosts/make-joined.ts), so a setup in a
 * make file joined with another is migrated only when the other holds nothing that could reach
 * its recipes: comments, `.PHONY` lines and rules for targets of its own. An include it cannot
 * read (a name Make only knows when it runs, a file the repository does not hold) is refused too.
 */
import path from 'node:path/posix';
import { parseWith, type TsNode } from '../analyze/tree-sitter.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import { LineIndex } from '../model/text.js';

const MAKE_NAME = /^(GNUmakefile|makefile|Makefile)$|\.mk$/;

export const isMakeFile = (rel: string) => MAKE_NAME.test(rel.split('/').pop()!);

interface Parsed {
  text: string;
  root: TsNode;
  lines: LineIndex;
  dir: string;
}

function parse(rel: string, text: string): Parsed {
  const dir = path.dirname(rel) === '.' ? '' : path.dirname(rel);
  return { text, root: parseWith('tree-sitter-make', text), lines: new LineIndex(text), dir };
}

const slice = (p: Parsed, n: TsNode) => p.text.slice(n.startIndex, n.endIndex);
const lineOf = (p: Parsed, n: TsNode) => p.lines.lineOf(n.startIndex);

/** The target names of every rule of a make file. */
function targetsOf(p: Parsed): Set<string> {
  const out = new Set<string>();
  for (const rule of p.root.descendantsOfType('rule')) {
    for (const w of rule.namedChildren.find((c) => c.type === 'targets')?.namedChildren ?? []) out.add(slice(p, w));
  }
  return out;
}

/** The words of each include directive (`include a.mk b.mk`, `-include`, `sinclude`), anywhere in the file. */
function includes(p: Parsed): { node: TsNode; words: string[] }[] {
  return p.root.descendantsOfType('include_directive').map((node) => {
    const list = node.namedChildren.find((c) => c.type === 'list');
    return { node, words: (list?.namedChildren ?? []).map((w) => slice(p, w)) };
  });
}

/** Whether an include word may name `file`, read from the folder `dir`. */
function mayName(word: string, dir: string, file: string): boolean {
  if (/[$*?[]/.test(word)) return file.endsWith('.mk') && (dir === '' || file.startsWith(`${dir}/`));
  return resolveRel(dir, word) === file;
}

/** The first part of `p` that may reach the recipes of a make file with `targets`, as text and line, or null. */
function reaching(p: Parsed, targets: ReadonlySet<string>, joinedBy: (n: TsNode) => boolean, unread = false): { what: string; line: number } | null {
  for (const n of p.root.namedChildren) {
    if (n.type === 'comment' || (n.type === 'include_directive' && joinedBy(n))) continue;
    if (n.type === 'rule') {
      const names = (n.namedChildren.find((c) => c.type === 'targets')?.namedChildren ?? []).map((w) => slice(p, w));
      if (names.length > 0 && names.every((t) => t === '.PHONY')) continue;
      // (a rule of a file the tool does not read as a make file, `release.inc`, is no sibling target whose recipe it reads: its recipe counts)
      const recipe = unread && (n.namedChildren.find((c) => c.type === 'recipe')?.descendantsOfType('recipe_line').length ?? 0) > 0;
      if (!recipe && names.length > 0 && names.every((t) => !t.startsWith('.') && !t.includes('$') && !t.includes('%') && !targets.has(t))) continue;
    }
    return { what: slice(p, n).split('\n', 1)[0]!.trim(), line: lineOf(p, n) };
  }
  return null;
}

/**
 * The make files of a root that say `include` at all, found once per root (a sweep asks for every
 * make file setup, and the files the walk kept or passed over are a monorepo's worth): read
 * without keeping their texts.
 */
const includersOf = new WeakMap<object, string[]>();
export function includers(root: object, known: () => Iterable<string>, fs: RepoFs): string[] {
  let found = includersOf.get(root);
  if (!found) {
    found = [];
    for (const rel of known()) if (isMakeFile(rel) && (fs.peekText ? fs.peekText(rel) : fs.readText(rel))?.includes('include')) found.push(rel);
    includersOf.set(root, found);
  }
  return found;
}

/** Make files that may include `file`: those named like one in its folder and every folder above, and the root's make files that say include. */
function candidates(file: string, known: readonly string[]): string[] {
  const out = new Set(known);
  let dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  for (;;) {
    for (const name of ['GNUmakefile', 'makefile', 'Makefile']) out.add(dir === '' ? name : `${dir}/${name}`);
    if (dir === '') break;
    dir = path.dirname(dir) === '.' ? '' : path.dirname(dir);
  }
  out.delete(file);
  return [...out];
}

/**
 * Refusals for a setup whose script `file` is a make file joined by `include` with another that
 * may reach its recipes. `known`: the root's make files that say include (`includers`).
 */
export function makeIncludes(file: string, known: readonly string[], fs: RepoFs, setup: string): Diagnostic[] {
  if (!isMakeFile(file)) return [];
  const text = fs.readText(file);
  if (text === null) return [];
  // Parsed only when some file is joined with it (most make files of a sweep are not).
  let parsed: { own: Parsed; targets: Set<string> } | null = null;
  const ownParse = () => {
    if (!parsed) {
      const own = parse(file, text);
      parsed = { own, targets: targetsOf(own) };
    }
    return parsed;
  };
  const out: Diagnostic[] = [];
  const hint = HINT;
  // What this file includes.
  const own = text.includes('include') ? ownParse().own : null;
  for (const inc of own ? includes(own) : []) {
    if (!own) break;
    for (const word of inc.words) {
      const where = { file, line: lineOf(own, inc.node), setup, hint };
      if (/[$*?[]/.test(word)) {
        out.push(diag('MAKE_INCLUDE', 'error', `${file} includes \`${word}\`, a name Make only knows when it runs; what it holds may reach the recipes the setup is read from`, where));
        continue;
      }
      const rel = resolveRel(own.dir, word);
      const other = fs.readText(rel);
      if (other === null) {
        out.push(diag('MAKE_INCLUDE', 'error', `${file} includes ${word}, which the repository does not hold (Make may make it when it runs); what it holds may reach the recipes the setup is read from`, where));
        continue;
      }
      const unread = !isMakeFile(rel);
      const hit = reaching(parse(rel, other), ownParse().targets, () => false, unread);
      if (hit) {
        const why = unread ? `, a file the tool does not read as a make file (only \`Makefile\`, \`GNUmakefile\`, \`makefile\` and \`*.mk\`), whose \`${hit.what}\` (${rel}:${hit.line}) may reach ${file}'s recipes or run with its targets, using what they leave` : `, whose \`${hit.what}\` (${rel}:${hit.line}) reaches ${file}'s recipes too; the tool reads each make file alone`;
        out.push(diag('MAKE_INCLUDE', 'error', `${file} includes ${rel}${why}`, where));
      }
    }
  }
  // What includes this file.
  for (const rel of candidates(file, known)) {
    const d = includedBy(file, rel, fs, setup, () => ownParse().targets);
    if (d) out.push(d);
  }
  return out;
}

const HINT = 'Move what the two files share into one of them (or migrate this setup by hand), then run the tool again.';

/**
 * MAKE_INCLUDE when the file `rel` includes the make file `file` and holds something that may
 * reach its recipes (`targets`: the target names of `file`), else null. `rel` may be a file the
 * tool does not read as a make file that a `make -f` runs (`Makefile.ci`).
 */
export function includedBy(file: string, rel: string, fs: RepoFs, setup: string, targets: () => ReadonlySet<string>, via = ''): Diagnostic | null {
  const other = fs.readText(rel);
  if (other === null || !other.includes('include')) return null;
  const p = parse(rel, other);
  const joining = includes(p).filter((inc) => inc.words.some((w) => mayName(w, p.dir, file)));
  if (joining.length === 0) return null;
  const hit = reaching(p, targets(), (n) => joining.some((j) => j.node.startIndex === n.startIndex));
  return hit ? diag('MAKE_INCLUDE', 'error', `${rel}${via} includes ${file} (${rel}:${lineOf(p, joining[0]!.node)}), and its \`${hit.what}\` (${rel}:${hit.line}) reaches ${file}'s recipes too; the tool reads ${file} alone`, { file, setup, hint: HINT }) : null;
}

/** The target names of the make file `file` (none when the repository does not hold it). */
export function makeTargets(file: string, fs: RepoFs): Set<string> {
  const text = fs.readText(file);
  return text === null ? new Set() : targetsOf(parse(file, text));
}

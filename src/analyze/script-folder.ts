/**
 * The script's own folder, as scripts find it: `cd "$(dirname "$0")"` (also `${BASH_SOURCE[0]}`,
 * through `readlink -f` or `realpath`, with `/..` after it), and a variable holding it:
 * `DIR=$(cd "$(dirname "$0")" && pwd)`, `SCRIPT_DIR="$( cd -- "$( dirname -- "${BASH_SOURCE[0]}" )"
 * &> /dev/null && pwd )"`, `DIR=$(dirname "$(readlink -f "$0")")`.
 *
 * Such a variable holds an absolute path at run time, whatever folder the script is in when it
 * uses it. The reader keeps it as a *folder value*: a marker and the repository-relative
 * folder (`\0/scripts`), which concatenation carries (`"$DIR/../docker"` is `\0/scripts/../docker`).
 * A command's words are then given as paths relative to the command's own folder
 * (`./../docker`), the form every later pass resolves against `cmd.cwd`; where that folder is
 * not known, the word is dynamic. The marker never leaves the reader.
 */
import path from 'node:path/posix';
import { resolveRel } from '../model/paths.js';
import type { Word } from '../model/script.js';
import type { TsNode } from './tree-sitter.js';

const MARK = '\u0000/';

/** The folder value of repository-relative `folder`. */
export const folderValue = (folder: string): string => `${MARK}${folder}`;

export const isFolderValue = (v: string | null | undefined): v is string => typeof v === 'string' && v.includes('\u0000');

/** isFolderValue for a value known to be text, without narrowing it away where it is not one. */
export const holdsFolder = (v: string): boolean => isFolderValue(v);

/** The repository-relative path a folder value names, or null when the marker is not at its start. */
export function folderOf(v: string): string | null {
  if (!v.startsWith(MARK) || v.indexOf('\u0000', 1) >= 0) return null;
  return resolveRel('', v.slice(MARK.length) || '.');
}

/** A value as the command in `cwd` sees it: a folder value becomes a path relative to cwd (trailing slash kept); null when it cannot be. */
export function relativeToCwd(v: string | null, cwd: string | null): string | null {
  if (!isFolderValue(v)) return v;
  const target = folderOf(v);
  if (target === null || cwd === null) return null;
  const rel = path.relative(cwd === '' ? '.' : cwd, target === '' ? '.' : target);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? rel : `./${rel}`;
  return v.endsWith('/') && !shown.endsWith('/') ? `${shown}/` : shown;
}

/** A word with its value as the command in `cwd` sees it. */
export function wordInCwd(w: Word, cwd: string | null): Word {
  return isFolderValue(w.value) ? { ...w, value: relativeToCwd(w.value, cwd) } : w;
}

/** Variables as commands see them: folder values are not known text. */
export function withoutFolderValues(vars: ReadonlyMap<string, string | null>): Map<string, string | null> {
  const out = new Map(vars);
  for (const [k, v] of out) if (isFolderValue(v)) out.set(k, null);
  return out;
}

/** The script's own path (`$0`, `${BASH_SOURCE[0]}`), optionally quoted. */
const SELF = String.raw`"?\$(?:0|\{0\}|BASH_SOURCE(?:\[0\])?|\{BASH_SOURCE(?:\[0\])?\})"?`;
/** The same with links resolved (`$(readlink -f "$0")`, `$(realpath "$0")`): the walked file is no link. */
const SELF_RESOLVED = String.raw`"?\$\(\s*(?:readlink\s+-f|realpath)\s+(?:--\s+)?${SELF}\s*\)"?`;
const SELF_DIR = String.raw`\$\(\s*dirname\s+(?:--\s+)?(?:${SELF}|${SELF_RESOLVED})\s*\)`;
/** The script's folder as a word: `$(dirname "$0")`, through readlink -f or realpath, or `$(realpath "$(dirname "$0")")`. */
const SCRIPT_DIR = new RegExp(String.raw`^("?)(?:${SELF_DIR}|\$\(\s*realpath\s+(?:--\s+)?"?${SELF_DIR}"?\s*\))(.*)$`);

/**
 * For `cd "$(dirname "$0")"` and `cd "$(dirname "$0")/.."` (also `${BASH_SOURCE[0]}`, and
 * `$(dirname "$(readlink -f "$0")")` or `realpath`): the literal path after the script's own
 * folder ('.' or './..'), or null for any other word.
 */
export function scriptRelative(raw: string): string | null {
  const m = SCRIPT_DIR.exec(raw);
  if (!m) return null;
  let rest = m[2]!;
  if (m[1] === '"') {
    if (!rest.endsWith('"')) return null;
    rest = rest.slice(0, -1);
  }
  return /^(\/[\w.-]+)*\/?$/.test(rest) ? `.${rest}` : null;
}

/**
 * Whether a script-folder word resolves `$0` to an absolute path (`readlink -f "$0"`,
 * `realpath "$0"`). Otherwise `dirname "$0"` is relative to the folder the script started
 * in, and names the script's folder only while the script is still there.
 */
export function absoluteSelf(raw: string): boolean {
  return new RegExp(String.raw`\$\(\s*(?:readlink\s+-f|realpath)\s+(?:--\s+)?${SELF}\s*\)`).test(raw);
}

/** `cd` options that do not change which folder it goes to. */
const CD_OPTIONS = new Set(['--', '-P', '-L', '-e', '-@']);

/** The folder operand of a `cd` command's argument words (options dropped), or undefined when there is not exactly one. */
export function cdOperand<T extends { value: string | null; raw: string }>(args: readonly T[]): T | undefined {
  let i = 0;
  while (i < args.length - 1 && CD_OPTIONS.has(args[i]!.raw)) i++;
  return args.length - i === 1 ? args[i] : undefined;
}

/** Redirects that only silence output (`&> /dev/null`, `>/dev/null 2>&1`). */
function onlySilences(redirects: readonly TsNode[], text: string): boolean {
  return redirects.every((r) => /^\s*(\d?>>?|&>>?)\s*\/dev\/null\s*$|^\s*\d?>&\d\s*$/.test(text.slice(r.startIndex, r.endIndex)));
}

/** The words of a simple command (name first), or null for anything else. */
function simpleWords(n: TsNode, text: string): string[] | null {
  if (n.type !== 'command') return null;
  const out: string[] = [];
  for (const c of n.namedChildren) {
    if (c.type === 'command_name' || c.type === 'word' || c.type === 'string' || c.type === 'raw_string' || c.type === 'concatenation' || c.type === 'command_substitution' || c.type === 'simple_expansion' || c.type === 'expansion') out.push(text.slice(c.startIndex, c.endIndex));
    else return null;
  }
  return out;
}

/** `cd DIR` (silenced or not) where DIR is the script's folder or below/above it: that relative path. */
function cdToScript(n: TsNode, text: string, atStart: boolean): string | null {
  let cmd = n;
  if (n.type === 'redirected_statement') {
    const body = n.childForFieldName('body');
    const redirects = n.namedChildren.filter((c) => c !== body);
    if (!body || !onlySilences(redirects, text)) return null;
    cmd = body;
  }
  const words = simpleWords(cmd, text);
  if (!words || words[0] !== 'cd') return null;
  const operand = cdOperand(words.slice(1).map((raw) => ({ raw, value: raw })));
  return operand && (atStart || absoluteSelf(operand.raw)) ? scriptRelative(operand.raw) : null;
}

/** `pwd`, `pwd -P` or `pwd -L`. */
function isPwd(n: TsNode, text: string): boolean {
  const words = simpleWords(n, text);
  return words !== null && words[0] === 'pwd' && words.slice(1).every((w) => w === '-P' || w === '-L');
}

/**
 * The repository-relative folder an assignment's value names when it is the script's own folder
 * (or a folder given relative to it), or null. `value` is the assignment's value node; `scriptDir`
 * the script's folder in the repository; `atStart`: the script is still in the folder it
 * started in (where a relative `$0` is relative to).
 */
export function scriptFolderAssigned(value: TsNode, text: string, scriptDir: string, atStart: boolean): string | null {
  const raw = text.slice(value.startIndex, value.endIndex);
  const direct = scriptRelative(raw);
  if (direct !== null) return atStart || absoluteSelf(raw) ? resolveRel(scriptDir, direct) : null;
  // `$(cd "$(dirname "$0")" && pwd)`, `"$( cd … &> /dev/null && pwd )"`, `$(cd …; pwd)`.
  let subst: TsNode | null = value.type === 'command_substitution' ? value : null;
  if (value.type === 'string' && value.namedChildren.length === 1 && value.namedChildren[0]!.type === 'command_substitution' && value.children.length === 3) subst = value.namedChildren[0]!;
  if (!subst) return null;
  const stmts = subst.namedChildren.filter((c) => c.type !== 'comment');
  let pair: TsNode[] | null = null;
  if (stmts.length === 2 && [';', ''].includes(text.slice(stmts[0]!.endIndex, stmts[1]!.startIndex).trim())) pair = stmts;
  else if (stmts.length === 1 && stmts[0]!.type === 'list') {
    const kids = stmts[0]!.children;
    if (kids.length === 3 && !kids[1]!.isNamed && kids[1]!.type === '&&') pair = [kids[0]!, kids[2]!];
  }
  if (!pair) return null;
  const rel = cdToScript(pair[0]!, text, atStart);
  return rel !== null && isPwd(pair[1]!, text) ? resolveRel(scriptDir, rel) : null;
}

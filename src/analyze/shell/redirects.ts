/** A redirect node (`> file`, `2>&1`, `<<EOF`) read into Redirects (a here-document's line may hold more). */
import type { Redirect, Word } from '../../model/script.js';
import { REDIRECTS } from './node-types.js';
import type { TsNode } from '../tree-sitter.js';
import type { Scope } from './types.js';
import { src, Untrusted, type ShellWalk } from './walk.js';
import { evalWord } from './words.js';

export function redirectOf(w: ShellWalk, r: TsNode, scope: Scope): Redirect[] {
  const fdNode = r.namedChildren.find((c) => c.type === 'file_descriptor') ?? null;
  const fd = fdNode ? src(w, fdNode) : null;
  if (r.type === 'heredoc_redirect') {
    const delim = r.namedChildren.find((c) => c.type === 'heredoc_start');
    if (!delim) return [];
    const op = r.children.find((c) => !c.isNamed && (c.type === '<<' || c.type === '<<-'))?.type ?? '<<';
    // The body's `$(…)` run before the command (an unquoted delimiter): their commands are read,
    // and the expansions' values kept for its text.
    const expanded = new Map<TsNode, string | null>();
    for (const part of r.namedChildren.find((c) => c.type === 'heredoc_body')?.namedChildren ?? []) if (part.type !== 'heredoc_content') expanded.set(part, evalWord(w, part, scope).value);
    // Its text: as written under a quoted delimiter; under a bare one, with the values of its
    // expansions where all are known, and no backquote or backslash (which the shell would read).
    const bodyNode = r.namedChildren.find((c) => c.type === 'heredoc_body');
    let text: string | null = bodyNode ? src(w, bodyNode) : '';
    if (bodyNode && !/['"\\]/.test(src(w, delim))) {
      const parts = bodyNode.namedChildren.filter((c) => c.type !== 'heredoc_content');
      const literal = (from: number, to: number) => (/[$`\\]/.test(w.text.slice(from, to)) ? null : w.text.slice(from, to));
      let at = bodyNode.startIndex;
      text = '';
      for (const part of [...parts, null]) {
        const before = literal(at, part ? part.startIndex : bodyNode.endIndex);
        const value = part ? expanded.get(part) ?? null : '';
        if (before === null || value === null) {
          text = null;
          break;
        }
        text += before + value;
        if (part) at = part.endIndex;
      }
    }
    const body = text !== null && op === '<<-' ? text.replace(/^\t+/gm, '') : text;
    const own: Redirect = { op, fd, target: { value: null, symbol: src(w, delim), staticPrefix: '', raw: src(w, delim), start: delim.startIndex, end: delim.endIndex }, body };
    // The grammar puts what follows `<<EOF` on its line inside the here-document: the command's
    // other redirects (`cat <<EOF > build/app.conf`) are read as its own; a pipe, a list or
    // another command there (`cat <<EOF | tee notes`, `cat <<EOF && rm x`) is not read.
    const rest = r.namedChildren.filter((c) => !HEREDOC_PARTS.has(c.type));
    const other = rest.find((c) => c.type !== 'file_redirect' && c.type !== 'herestring_redirect');
    if (other) throw new Untrusted('a command after a here-document on its first line', other.startIndex);
    return [own, ...rest.flatMap((c) => redirectOf(w, c, scope))];
  }
  const target = r.childForFieldName('destination') ?? r.namedChildren.filter((c) => c.type !== 'file_descriptor')[0];
  // `3>&-`, `<&-`: the grammar reads the close as one token, with no target; read as a move to `-`.
  const close = target ? undefined : r.children.find((c) => !c.isNamed && (c.type === '>&-' || c.type === '<&-'));
  if (close) return [{ op: close.type.slice(0, 2), fd, target: { value: '-', symbol: '-', staticPrefix: '-', raw: '-', start: close.endIndex - 1, end: close.endIndex } }];
  if (!target) return [];
  const word = evalWord(w, target, scope);
  const op = w.text.slice(fdNode ? fdNode.endIndex : r.startIndex, target.startIndex).trim();
  const tee = target.type === 'process_substitution' && op.startsWith('>') ? teeFiles(w, target, scope) : undefined;
  return [{ op, fd, target: word, ...(tee !== undefined ? { tee } : {}) }];
}

/** tee's options that leave its operands files. */
const TEE_FLAGS = new Set(['-a', '--append', '-i', '--ignore-interrupts', '-p']);

/**
 * The files of a process substitution that holds only `tee [-a] FILE…` (`exec > >(tee -a
 * build.log)`): Redirect.tee; null for another option, undefined for anything else.
 */
function teeFiles(w: ShellWalk, sub: TsNode, scope: Scope): Word[] | null | undefined {
  const inner = sub.namedChildren.filter((c) => c.type !== 'comment');
  const cmd = inner.length === 1 && inner[0]!.type === 'command' ? inner[0]! : null;
  const name = cmd?.childForFieldName('name')?.namedChildren[0];
  if (!cmd || !name || evalWord(w, name, scope).value !== 'tee' || cmd.namedChildren.some((c) => c.type === 'variable_assignment' || REDIRECTS.has(c.type))) return undefined;
  const files: Word[] = [];
  let operands = false;
  for (const arg of cmd.childrenForFieldName('argument')) {
    const word = evalWord(w, arg, scope);
    if (!operands && word.value === '--') operands = true;
    else if (!operands && word.value !== null && word.value.startsWith('-') && word.value !== '-') {
      if (!TEE_FLAGS.has(word.value)) return null;
    } else files.push(word);
  }
  return files;
}

/** A here-document's own parts. */
const HEREDOC_PARTS = new Set(['heredoc_start', 'heredoc_body', 'heredoc_end', 'file_descriptor']);

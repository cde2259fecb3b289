/** A redirect node (`> file`, `2>&1`, `<<EOF`) read into a Redirect. */
import type { Redirect } from '../../model/script.js';
import type { TsNode } from '../tree-sitter.js';
import type { Scope } from './types.js';
import { src, type ShellWalk } from './walk.js';
import { evalWord } from './words.js';

export function redirectOf(w: ShellWalk, r: TsNode, scope: Scope): Redirect | null {
  const fdNode = r.namedChildren.find((c) => c.type === 'file_descriptor') ?? null;
  const fd = fdNode ? src(w, fdNode) : null;
  if (r.type === 'heredoc_redirect') {
    const delim = r.namedChildren.find((c) => c.type === 'heredoc_start');
    if (!delim) return null;
    const op = r.children.find((c) => !c.isNamed && (c.type === '<<' || c.type === '<<-'))?.type ?? '<<';
    return { op, fd, target: { value: null, symbol: src(w, delim), staticPrefix: '', raw: src(w, delim), start: delim.startIndex, end: delim.endIndex } };
  }
  const target = r.childForFieldName('destination') ?? r.namedChildren.filter((c) => c.type !== 'file_descriptor')[0];
  if (!target) return null;
  const word = evalWord(w, target, scope);
  return { op: w.text.slice(fdNode ? fdNode.endIndex : r.startIndex, target.startIndex).trim(), fd, target: word };
}

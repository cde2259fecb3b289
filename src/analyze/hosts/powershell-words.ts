/**
 * PowerShell arguments as shell words. A PowerShell argument is read into pieces: literal text
 * (after PowerShell's quoting: `'…'` with `''` for a quote, `"…"` with backtick escapes and `""`),
 * variables (`$name`, `${name}`, `$env:NAME`), the script's own folder (`$PSScriptRoot`), and
 * anything else (`$(…)`, `@(…)`, a script block, a here-string, a backtick in a bare word) as an
 * unknown value. The pieces are then spelled as one shell word the shell reader reads back to
 * the same value (or the same unknown), so variables resolve exactly as they do for shell.
 */
import type { TsNode } from '../tree-sitter.js';
import { shellQuote } from '../../model/shell-quote.js';

/** An unknown or variable piece's `text`: the PowerShell text it is (absent for an unknown one: the whole argument), for messages. */
export type Piece = { kind: 'lit'; text: string } | { kind: 'var'; name: string; text?: string } | { kind: 'self' } | { kind: 'unknown'; text?: string };

/** Backtick escapes of expandable strings (`` `n `` is a newline; any other `` `x `` is x). */
const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)?/;

/**
 * The shell variable a PowerShell variable is read as: `$env:NAME` is the environment variable
 * NAME; `$name` (PowerShell names ignore case) is `__ps_name`; the CI readers' stand-ins for
 * their own substitutions (`${__ci_expression_0}`, `${__azp_name}`) keep their names. Null for
 * automatic and scoped variables whose value the tool does not model.
 */
export function shellVarOf(name: string): string | null {
  if (/^__(ci_expression_\w+|azp_\w+)$/.test(name)) return name;
  const scoped = /^([A-Za-z]+):(.+)$/.exec(name);
  if (scoped) {
    const scope = scoped[1]!.toLowerCase();
    if (scope === 'env') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(scoped[2]!) ? scoped[2]! : null;
    if (scope === 'script' || scope === 'global' || scope === 'local') return shellVarOf(scoped[2]!);
    return null;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return null;
  const lower = name.toLowerCase();
  // Automatic variables: set by PowerShell itself, never by the script's assignments.
  if (['_', 'args', 'input', 'true', 'false', 'null', 'lastexitcode', 'matches', 'myinvocation', 'pwd', 'home', 'host', 'pid', 'psitem', 'pscommandpath', 'this', 'error'].includes(lower)) return null;
  return `__ps_${lower}`;
}

/** The name inside `$name` or `${name}` (null when it is not a plain variable reference). */
export function variableName(raw: string): string | null {
  if (raw.startsWith('${') && raw.endsWith('}')) return raw.slice(2, -1);
  if (raw.startsWith('$') && NAME.test(raw.slice(1)) && NAME.exec(raw.slice(1))![0].length === raw.length - 1) return raw.slice(1);
  return null;
}

function variablePiece(raw: string): Piece {
  const name = variableName(raw);
  if (name === null) return { kind: 'unknown' };
  if (name.toLowerCase() === 'psscriptroot') return { kind: 'self' };
  // `$PWD`, the current location, is where native commands start: the shell's `$PWD`, read as the shell reader reads it.
  if (name.toLowerCase() === 'pwd') return { kind: 'var', name: 'PWD' };
  const v = shellVarOf(name);
  // `$env:PWD` is the environment's PWD when PowerShell started: Set-Location changes `$PWD`,
  // not the environment (PowerShell/PowerShell#7388), and Windows has none.
  if ((v === 'PWD' || v === 'OLDPWD')) return { kind: 'unknown' };
  return v === null ? { kind: 'unknown' } : { kind: 'var', name: v };
}

/** An unknown or variable piece with the PowerShell text it is, for messages (unknownTexts). */
const withText = (p: Piece, text: string): Piece => (p.kind === 'unknown' ? { kind: 'unknown', text } : p.kind === 'var' ? { ...p, text } : p);

/** A bare word (`app:$tag`, `./bin`): literal text and `$name` references; anything else is unknown. */
function barePieces(raw: string): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  for (let i = 0; i < raw.length; ) {
    const c = raw[i]!;
    if (c === '$') {
      const braced = raw[i + 1] === '{' ? raw.indexOf('}', i) : -1;
      const m = braced > 0 ? null : NAME.exec(raw.slice(i + 1));
      const ref = braced > 0 ? raw.slice(i, braced + 1) : m ? `$${m[0]}` : null;
      if (!ref) return [{ kind: 'unknown' }];
      if (lit) out.push({ kind: 'lit', text: lit });
      lit = '';
      out.push(withText(variablePiece(ref), ref));
      i += ref.length;
      continue;
    }
    // Quotes, escapes, subexpressions, arrays, splatting and script blocks inside a bare word.
    if ('`\'"(){}@,;'.includes(c)) return [{ kind: 'unknown' }];
    lit += c;
    i++;
  }
  if (lit) out.push({ kind: 'lit', text: lit });
  return out;
}

/** `$($name)` or `$('text')`: a subexpression that only yields one value is that value; any other is unknown. */
function subexpressionPiece(node: TsNode, text: string): Piece {
  const list = node.namedChildren.find((c) => c.type === 'statement_list');
  const stmts = list?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  if (stmts.length !== 1 || stmts[0]!.type !== 'pipeline') return { kind: 'unknown' };
  const inner = unwrap(stmts[0]!);
  if (inner.type === 'variable') return variablePiece(text.slice(inner.startIndex, inner.endIndex));
  if (inner.type === 'string_literal' && inner.namedChildren[0]?.type === 'verbatim_string_characters') {
    const body = text.slice(inner.startIndex, inner.endIndex);
    return { kind: 'lit', text: body.slice(1, -1).replace(/''/g, "'") };
  }
  return { kind: 'unknown' };
}

/** The pieces of an expandable string `"…"`: literal runs with escapes decoded, variables, `$(…)` unknown. */
function expandablePieces(node: TsNode, text: string): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  const raw = text.slice(node.startIndex, node.endIndex);
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return [{ kind: 'unknown' }];
  const children = node.namedChildren;
  let k = 0;
  for (let i = node.startIndex + 1; i < node.endIndex - 1; ) {
    const child = children[k];
    if (child && child.startIndex === i) {
      if (lit) out.push({ kind: 'lit', text: lit });
      lit = '';
      const piece = child.type === 'variable' ? variablePiece(text.slice(child.startIndex, child.endIndex)) : child.type === 'sub_expression' ? subexpressionPiece(child, text) : { kind: 'unknown' as const };
      out.push(withText(piece, text.slice(child.startIndex, child.endIndex)));
      i = child.endIndex;
      k++;
      continue;
    }
    const c = text[i]!;
    if (c === '`') {
      const n = text[i + 1]!;
      lit += ESCAPES[n] ?? n;
      i += 2;
    } else if (c === '"' && text[i + 1] === '"') {
      lit += '"';
      i += 2;
    } else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{' || /[A-Za-z_:?^]/.test(text[i + 1] ?? ''))) {
      // A reference the grammar did not give as a child: not modelled.
      return [{ kind: 'unknown' }];
    } else {
      lit += c;
      i++;
    }
  }
  if (lit) out.push({ kind: 'lit', text: lit });
  return out;
}

/** Follows single-child expression wrappers (`array_literal_expression` → … → `string_literal`). */
export function unwrap(node: TsNode): TsNode {
  let n = node;
  while (n.namedChildren.length === 1 && n.children.length === 1 && !['string_literal', 'variable', 'integer_literal', 'command', 'sub_expression'].includes(n.type)) n = n.namedChildren[0]!;
  return n;
}

/**
 * The pieces of one command argument node. A CI reader's stand-in for its own substitution
 * (`${{ … }}`, `$(macro)`) inside literal text is substituted before PowerShell runs: unknown.
 */
export function argumentPieces(node: TsNode, text: string): Piece[] {
  return piecesOf(node, text).map((p) => (p.kind === 'lit' && /\$\{__(ci_expression_\w+|azp_\w+)\}/.test(p.text) ? { kind: 'unknown' } : p));
}

function piecesOf(node: TsNode, text: string): Piece[] {
  const raw = text.slice(node.startIndex, node.endIndex);
  if (node.type === 'generic_token') return barePieces(raw);
  if (node.type === 'command_parameter') return /^-[\w-]+$/.test(raw) ? [{ kind: 'lit', text: raw }] : [{ kind: 'unknown' }];
  const inner = unwrap(node);
  if (inner.type === 'variable') return [variablePiece(text.slice(inner.startIndex, inner.endIndex))];
  if (inner.type === 'integer_literal') {
    // A number is its value, written in decimal: `010` is 10 (PowerShell has no octal literals).
    // One past the decimal type's 28 digits is a double, written otherwise (`1E+30`): unknown.
    const v = text.slice(inner.startIndex, inner.endIndex).replace(/^0+(?=[0-9])/, '');
    return /^[0-9]{1,28}$/.test(v) ? [{ kind: 'lit', text: v }] : [{ kind: 'unknown' }];
  }
  if (inner.type === 'string_literal') {
    const s = inner.namedChildren[0];
    if (!s) return [{ kind: 'unknown' }];
    const body = text.slice(s.startIndex, s.endIndex);
    if (s.type === 'verbatim_string_characters' && body.length >= 2 && body.startsWith("'") && body.endsWith("'")) return [{ kind: 'lit', text: body.slice(1, -1).replace(/''/g, "'") }];
    if (s.type === 'expandable_string_literal') return expandablePieces(s, text);
  }
  return [{ kind: 'unknown' }];
}

/** The static value of pieces, or null when any piece is only known at run time. */
export function staticValue(pieces: readonly Piece[]): string | null {
  let v = '';
  for (const p of pieces) {
    if (p.kind !== 'lit') return null;
    v += p.text;
  }
  return v;
}

/**
 * The name of the variable an unknown value is read as: `__ps_expression_` and a hash of the
 * PowerShell text it stands for. The same text gives the same name wherever it is read, so a
 * rewritten script reads back with the same symbols (a counter would shift when statements
 * before it are removed), and two spellings of one expression compare equal, as in shell.
 */
export function unknownName(source: string, kind: 'expression' | 'backslash' = 'expression'): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193) >>> 0;
  return `__ps_${kind}_${h.toString(16).padStart(8, '0')}`;
}

/**
 * The prefix of an unknown word that stands for a native program's argument holding a `\`
 * (`docker cp x:/out/app .\app`): docker takes it as a folder separator on Windows and as part
 * of a name elsewhere, so what it names depends on where the script runs. Messages say so.
 */
export const BACKSLASH_WORD = '__ps_backslash_';

/**
 * One shell word for the pieces of the PowerShell text `source`. Unknown pieces become
 * `${__ps_expression_…}` (a variable nothing assigns, named from `source` and the piece's
 * place); the script's folder is `$(dirname "$0")`, which the shell reader follows in `cd`.
 */
export function shellWord(pieces: readonly Piece[], source: string): string {
  const v = staticValue(pieces);
  if (v !== null) return shellQuote(v);
  let out = '"';
  for (const [k, p] of pieces.entries()) {
    if (p.kind === 'lit') out += p.text.replace(/[\\$`"]/g, (c) => `\\${c}`);
    else if (p.kind === 'var') out += `\${${p.name}}`;
    else if (p.kind === 'self') out += '$(dirname "$0")';
    else out += `\${${unknownName(`${source}#${k}`)}}`;
  }
  return `${out}"`;
}

/**
 * The names shellWord reads the unknown pieces of `source` as, and the script's own variables
 * (`$dir` read as `${__ps_dir}`), each with the PowerShell text it stands for (for messages).
 */
export function unknownTexts(pieces: readonly Piece[], source: string): [string, string][] {
  if (staticValue(pieces) !== null) return [];
  return pieces.flatMap((p, k): [string, string][] => {
    if (p.kind === 'unknown') return [[unknownName(`${source}#${k}`), p.text ?? source]];
    if (p.kind === 'var' && p.name.startsWith('__ps_')) return [[p.name, p.text ?? source]];
    return [];
  });
}

/** A PowerShell wildcard path as a shell pattern: its `*`, `?` and `[` left unquoted, the rest quoted. */
export function shellPattern(value: string): string {
  return value.split(/([*?[])/).map((part) => (part === '' || /^[*?[]$/.test(part) ? part : shellQuote(part))).join('');
}

/** A value spelled as one PowerShell argument: bare when it is plain, else single-quoted. */
export function psQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_%+=:./-]+$/.test(value) && !value.startsWith('-')) return value;
  if (/^-[\w-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, "''")}'`;
}

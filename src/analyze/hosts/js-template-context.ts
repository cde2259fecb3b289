/**
 * Where a `${…}` of a JavaScript template literal lands in the shell text an `exec`/`execSync`
 * call runs. JavaScript pastes the value in before the shell sees the text, so the value is
 * shell text itself, read in the quoting around it: between words or in double quotes it is
 * (for a plain value) one expansion, which the reader spells `${X-v}` or `${__js_expression_N}`;
 * inside single quotes it is literal text, where that spelling would read as the literal
 * `${X-v}`; after a backslash, a `$`, in `$'…'` or in a quoted heredoc it is something else
 * again. Only an escaped `\${…}` of the template is the shell's own expansion, and it is read
 * as the shell's (decoded with the template's other escapes).
 *
 * So each spelling is checked where it lands, in the shell text parsed with tree-sitter:
 * - an expansion of its own (its whole span one `expansion` node), or inside a comment: read
 *   as written;
 * - inside single quotes: spelled `'"${X-v}"'` there (the quotes closed around a double-quoted
 *   expansion), which reads as the pasted value does, then checked again;
 * - anywhere else: an unknown value (`${__js_expression_N}`, whose word is then unknown
 *   whatever its quoting: see unknownPlaceholders).
 */
import type { ScriptCommand, Word } from '../../model/script.js';
import { parseWith, type TsNode } from '../tree-sitter.js';

export type Landing = 'expansion' | 'single' | 'comment' | 'other';

/** The prefix of the shell variable an unknown JavaScript expression reads as. */
export const PLACEHOLDER = '__js_expression_';

/** Characters around a spelling that may change how the shell reads it: none of them, and every spelling is an expansion of its own. */
const QUOTING = new Set(["'", '\\', '#', '<', '`']);

/** Where each span of `shell` (each a spelling of a substitution) lands. */
export function landings(shell: string, spans: readonly { start: number; end: number }[]): Landing[] {
  if (spans.length === 0) return [];
  let plain = spans.every((s) => s.start === 0 || shell[s.start - 1] !== '$');
  for (let i = 0; plain && i < shell.length; i++) if (QUOTING.has(shell[i]!)) plain = false;
  if (plain) return spans.map(() => 'expansion');
  const root = parseWith('tree-sitter-bash', shell);
  return spans.map((s) => landing(root, s));
}

function landing(root: TsNode, span: { start: number; end: number }): Landing {
  let node = root;
  for (;;) {
    if (node.type === 'comment') return 'comment';
    const child = node.children.find((c) => c.startIndex <= span.start && span.end <= c.endIndex);
    if (!child) break;
    node = child;
  }
  if (node.type === 'expansion' && node.startIndex === span.start && node.endIndex === span.end) return 'expansion';
  return node.type === 'raw_string' ? 'single' : 'other';
}

/**
 * A word holding an unknown expression's spelling is unknown, with no fallback (the environment
 * does not decide the expression's value), also where the shell read the spelling as literal
 * text (`\${__js_expression_0}`, `$'${__js_expression_0}'`): never the same as another word.
 */
export function unknownPlaceholders(c: ScriptCommand): void {
  const fix = (w: Word): Word => {
    if (!w.raw.includes(PLACEHOLDER)) return w;
    // What the environment sets does not decide a JavaScript expression's value: no fallback.
    if (w.value === null || !w.value.includes(PLACEHOLDER)) return w.fallback === null || w.fallback === undefined ? w : { ...w, fallback: null };
    const spelled = w.value.indexOf(`\${${PLACEHOLDER}`);
    return { ...w, value: null, same: null, fallback: null, staticPrefix: w.value.slice(0, spelled >= 0 ? spelled : w.value.indexOf(PLACEHOLDER)) };
  };
  c.words = c.words.map(fix);
  c.redirects = c.redirects.map((r) => ({ ...r, target: fix(r.target) }));
}

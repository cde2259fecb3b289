/**
 * tree-sitter, shared by the shell and Makefile readers. The parser and its grammars are
 * native modules: each grammar is loaded the first time a file needs it, so a run that reads
 * no Makefile never loads tree-sitter-make.
 *
 * Why a copy of the tree: every property of the binding's nodes (`type`, `startIndex`,
 * `children`…) is a call into native code, and the readers look at each node several times.
 * One pass with a tree cursor copies the tree into plain objects, which then cost nothing to
 * read; on a monorepo sweep that halves the time spent in tree-sitter.
 *
 * Indices are JavaScript string indices (the binding parses the UTF-16 string it is given), so
 * `text.slice(node.startIndex, node.endIndex)` is the node.
 */
import { createRequire } from 'node:module';

export class TsNode {
  readonly children: TsNode[] = [];
  /** True when this node or one below it is an ERROR or MISSING node. */
  hasError: boolean;
  private named: TsNode[] | undefined;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    /** The grammar's field name for this node in its parent (`name`, `value`, `body`…). */
    readonly field: string | null,
  ) {
    this.hasError = type === 'ERROR' || isMissing;
  }

  get namedChildren(): TsNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): TsNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }

  childrenForFieldName(name: string): TsNode[] {
    return this.children.filter((c) => c.field === name);
  }

  /** Descendants of the given types, in document order (iterative: trees can nest deeply). */
  descendantsOfType(types: string | readonly string[]): TsNode[] {
    const wanted = new Set(typeof types === 'string' ? [types] : types);
    const out: TsNode[] = [];
    const stack: TsNode[] = [...this.children].reverse();
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (wanted.has(n.type)) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return out;
  }
}

export type Grammar = 'tree-sitter-bash' | 'tree-sitter-make';

interface Cursor {
  nodeType: string;
  nodeIsNamed: boolean;
  nodeIsMissing: boolean;
  startIndex: number;
  endIndex: number;
  currentFieldName: string | null | undefined;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}

interface Parser {
  parse(input: string): { walk(): Cursor };
}

const parsers = new Map<Grammar, Parser>();
const req = createRequire(import.meta.url);

/** Parses `text` with one grammar (its parser made on first use) and returns a plain copy of the tree. */
export function parseWith(grammar: Grammar, text: string): TsNode {
  let parser = parsers.get(grammar);
  if (!parser) {
    const Parser = req('tree-sitter');
    const p = new Parser();
    p.setLanguage(req(grammar));
    parser = p as Parser;
    parsers.set(grammar, parser);
  }
  const c = parser.parse(text).walk();
  const copy = () => new TsNode(c.nodeType, c.nodeIsNamed, c.nodeIsMissing, c.startIndex, c.endIndex, c.currentFieldName ?? null);
  const root = copy();
  const stack = [root];
  if (!c.gotoFirstChild()) return root;
  for (;;) {
    const node = copy();
    stack[stack.length - 1]!.children.push(node);
    if (node.hasError) for (let i = stack.length - 1; i >= 0 && !stack[i]!.hasError; i--) stack[i]!.hasError = true;
    if (c.gotoFirstChild()) {
      stack.push(node);
      continue;
    }
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent() || stack.length === 1) return root;
      stack.pop();
    }
  }
}

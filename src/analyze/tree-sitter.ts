/**
 * tree-sitter, shared by the shell and Makefile readers. The parser and its grammars are
 * native modules: each grammar is loaded the first time a file needs it, so a run that reads
 * no Makefile never loads tree-sitter-make.
 *
 * Indices (`startIndex`/`endIndex`) are JavaScript string indices (the binding parses the
 * UTF-16 string it is given), so `text.slice(node.startIndex, node.endIndex)` is the node.
 */
import { createRequire } from 'node:module';

export interface TsNode {
  type: string;
  isNamed: boolean;
  isMissing: boolean;
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  children: TsNode[];
  namedChildren: TsNode[];
  childCount: number;
  hasError: boolean;
  parent: TsNode | null;
  childForFieldName(name: string): TsNode | null;
  childrenForFieldName(name: string): TsNode[];
  descendantsOfType(type: string | string[]): TsNode[];
}

export type Grammar = 'tree-sitter-bash' | 'tree-sitter-make';

interface Parser {
  parse(input: string): { rootNode: TsNode };
}

const parsers = new Map<Grammar, Parser>();
const req = createRequire(import.meta.url);

/** Parses `text` with one grammar (its parser made on first use). */
export function parseWith(grammar: Grammar, text: string): TsNode {
  let parser = parsers.get(grammar);
  if (!parser) {
    const Parser = req('tree-sitter');
    const p = new Parser();
    p.setLanguage(req(grammar));
    parser = p as Parser;
    parsers.set(grammar, parser);
  }
  return parser.parse(text).rootNode;
}

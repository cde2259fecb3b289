/**
 * The plain copy of a tree-sitter tree (src/analyze/tree-sitter.ts) reads each node with as few
 * calls into WebAssembly as it can: it must hold exactly what the cursor reports when asked
 * for every property, on every grammar, for the fixtures' scripts and for broken input
 * (ERROR and MISSING nodes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser, type TreeCursor } from 'web-tree-sitter';
import { parseWith, type Grammar, type TsNode } from '../../src/analyze/tree-sitter.js';

interface Plain {
  type: string;
  isNamed: boolean;
  isMissing: boolean;
  startIndex: number;
  endIndex: number;
  field: string | null;
  hasError: boolean;
  children: Plain[];
}

/** Every property the cursor has, read for every node. */
function reference(c: TreeCursor): Plain {
  const node: Plain = { type: c.nodeType, isNamed: c.nodeIsNamed, isMissing: c.nodeIsMissing, startIndex: c.startIndex, endIndex: c.endIndex, field: c.currentFieldName ?? null, hasError: false, children: [] };
  if (c.gotoFirstChild()) {
    do node.children.push(reference(c));
    while (c.gotoNextSibling());
    c.gotoParent();
  }
  node.hasError = node.type === 'ERROR' || node.isMissing || node.children.some((k) => k.hasError);
  return node;
}

const plain = (n: TsNode): Plain => ({ type: n.type, isNamed: n.isNamed, isMissing: n.isMissing, startIndex: n.startIndex, endIndex: n.endIndex, field: n.field, hasError: n.hasError, children: n.children.map(plain) });

const ROOT = path.resolve(import.meta.dirname, '../..');
function files(match: (name: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && match(e.name)) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  visit(path.join(ROOT, 'fixtures'));
  return out;
}

const CASES: [Grammar, (name: string) => boolean, string[]][] = [
  ['tree-sitter-bash', (n) => n.endsWith('.sh'), ['if true; then\n  echo "unclosed\n', 'for x in; do\n', 'echo $(( 1 + ))\n', 'case x in\n a) echo ;;\n']],
  ['tree-sitter-make', (n) => n === 'Makefile' || n.endsWith('.mk'), ['app: a\n\techo $(\n', 'ifeq (a,b)\nx := 1\n', '\t\tbad\n:=\n']],
  ['tree-sitter-groovy', (n) => n === 'Jenkinsfile', ['pipeline {\n  stages {\n    stage("a") {\n      steps { sh "x"\n', 'def x = [1, 2\n']],
  ['tree-sitter-powershell', (n) => n.endsWith('.ps1'), ['if ($a) {\n  docker build .\n', 'function f( {\n']],
];

describe('the plain copy of a tree-sitter tree', () => {
  const parsers = new Map<Grammar, Parser>();
  beforeAll(async () => {
    for (const [grammar] of CASES) {
      const p = new Parser();
      p.setLanguage(await Language.load(fs.readFileSync(path.join(ROOT, 'grammars', `${grammar}.wasm`))));
      parsers.set(grammar, p);
    }
  });

  for (const [grammar, match, broken] of CASES) {
    it(`holds what the cursor reports, node for node (${grammar})`, () => {
      const texts = [...files(match), ...broken];
      expect(texts.length).toBeGreaterThan(broken.length);
      let errors = 0;
      let missing = 0;
      const countMissing = (n: Plain): number => (n.isMissing ? 1 : 0) + n.children.reduce((a, k) => a + countMissing(k), 0);
      for (const text of texts) {
        const tree = parsers.get(grammar)!.parse(text)!;
        const c = tree.walk();
        const want = reference(c);
        c.delete();
        tree.delete();
        if (want.hasError) errors++;
        missing += countMissing(want);
        expect(plain(parseWith(grammar, text))).toEqual(want);
      }
      expect(errors).toBeGreaterThan(0);
      if (grammar === 'tree-sitter-bash') expect(missing).toBeGreaterThan(0);
    });
  }
});

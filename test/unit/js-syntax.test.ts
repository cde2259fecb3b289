/** JavaScript build scripts are read at the places of their own text (src/analyze/hosts/js-syntax.ts). */
import { describe, expect, it } from 'vitest';
import { collectPaths, parseScriptTree } from '../../src/analyze/hosts/js-syntax.js';
import { parseJavaScript } from '../../src/analyze/hosts/javascript.js';

const BODY = [
  "import { execSync, spawnSync } from 'node:child_process';",
  '',
  'function image() {',
  '\texecSync(`docker build -t app:build -f Dockerfile.build .`);',
  "\t\tspawnSync('docker', ['cp', 'out:/out/app', './app']);",
  '}',
  '',
];

describe('a script read at the offsets of its own text', () => {
  for (const [what, text] of [
    ['indented with tabs', BODY.join('\n')],
    ['with CRLF line breaks', BODY.join('\r\n')],
    ['indented with tabs, with CRLF line breaks', BODY.map((l) => l.replace(/^\t/, '\t\t')).join('\r\n')],
  ] as const) {
    it(`reads each command and each word where the file has it (${what})`, () => {
      const script = parseJavaScript('scripts/image.mjs', text, '').script!;
      expect(script.commands.map((c) => c.words.map((w) => w.value))).toEqual([
        ['docker', 'build', '-t', 'app:build', '-f', 'Dockerfile.build', '.'],
        ['docker', 'cp', 'out:/out/app', './app'],
      ]);
      // Every word's range is its spelling in the file: in the shell text, and as an argv element.
      const [shell, argv] = script.commands;
      expect(shell!.words.map((w) => text.slice(w.start, w.end))).toEqual(shell!.words.map((w) => w.raw));
      expect(argv!.words.map((w) => text.slice(w.start, w.end))).toEqual(argv!.words.map((w) => `'${w.value}'`));
      expect(script.commands.map((c) => c.line)).toEqual([4, 5]);
    });
  }
});

describe('collectPaths', () => {
  it('gives what one find per type gave: every node of the type or a subtype, in walk order, with its parent', () => {
    const tree = parseScriptTree("const a = f(1);\nconst b = g?.(2);\nh(i(3));\nlet c;\n");
    const paths = collectPaths(tree, ['CallExpression', 'VariableDeclarator'] as const);
    expect(paths.CallExpression.map((p) => p.node.type)).toEqual(['CallExpression', 'OptionalCallExpression', 'CallExpression', 'CallExpression']);
    expect(paths.CallExpression.map((p) => p.node.arguments[0].type === 'NumericLiteral' ? p.node.arguments[0].value : 'call')).toEqual([1, 2, 'call', 3]);
    expect(paths.VariableDeclarator.map((p) => [p.node.id.name, p.parent.node.kind])).toEqual([['a', 'const'], ['b', 'const'], ['c', 'let']]);
  });
});

describe('collectPaths, one visitor for every walk', () => {
  it('gives each walk its own tree and types, after a walk that threw too', () => {
    const first = parseScriptTree('f(1);\nconst x = 2;\n');
    const second = parseScriptTree('g(h(3));\n');
    const names = (tree: unknown) => collectPaths(tree, ['Identifier'] as const).Identifier.map((p) => p.node.name);
    expect(names(first)).toEqual(['f', 'x']);
    expect(collectPaths(second, ['CallExpression'] as const).CallExpression.map((p) => p.node.callee.name)).toEqual(['g', 'h']);
    // A tree ast-types cannot walk: the walk throws, and the next one starts clean.
    expect(() => collectPaths({ type: 'File', program: { type: 'Program', body: [{ type: 'NoSuchNode' }] } }, ['Identifier'] as const)).toThrow();
    expect(names(second)).toEqual(['g', 'h']);
    expect(names(first)).toEqual(['f', 'x']);
  });
});

describe("TypeScript's type-only expressions", () => {
  it('are read as the expression they hold, which is what runs: `as`, `satisfies`, `!`, `as const`', () => {
    const text = [
      "import { execSync, type ExecSyncOptions } from 'node:child_process';",
      "const IMAGE = 'app' as const;",
      "const DF = ('Dockerfile.build' satisfies string)!;",
      "execSync(`docker build -t ${IMAGE}:build -f ${DF} .`, { cwd: 'svc' } as ExecSyncOptions);",
      '',
    ].join('\n');
    const script = parseJavaScript('scripts/image.ts', text, '').script!;
    expect(script.commands.map((c) => c.words.map((w) => w.value))).toEqual([['docker', 'build', '-t', 'app:build', '-f', 'Dockerfile.build', '.']]);
    expect(script.commands[0]!.cwd).toBe('svc');
  });
});

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { parseWith, type TsNode } from '../../src/analyze/tree-sitter.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const texts = (root: TsNode, text: string, type: string) => root.descendantsOfType(type).map((n) => text.slice(n.startIndex, n.endIndex));

describe('tree-sitter through WebAssembly', () => {
  it('reports JavaScript string indices, also after characters outside the BMP and multi-byte UTF-8', () => {
    const text = 'echo "héllo 😀" wörld\ndocker cp "$cid":/app/😀 ./out\n';
    const root = parseWith('tree-sitter-bash', text);
    expect(texts(root, text, 'command')).toEqual(['echo "héllo 😀" wörld', 'docker cp "$cid":/app/😀 ./out']);
    expect(texts(root, text, 'simple_expansion')).toEqual(['$cid']);
    expect(root.endIndex).toBe(text.length);
  });

  it('keeps field names, named and anonymous nodes, and marks errors up to the root', () => {
    const text = 'X=1\nif true; then echo "$X"; fi\n';
    const root = parseWith('tree-sitter-bash', text);
    const assignment = root.descendantsOfType('variable_assignment')[0]!;
    expect(text.slice(assignment.childForFieldName('name')!.startIndex, assignment.childForFieldName('name')!.endIndex)).toBe('X');
    const ifStatement = root.descendantsOfType('if_statement')[0]!;
    expect(ifStatement.children.map((c) => `${c.type}${c.isNamed ? '*' : ''}${c.field ? `=${c.field}` : ''}`)).toEqual(['if', 'command*=condition', ';=condition', 'then', 'command*', ';', 'fi']);
    expect(ifStatement.namedChildren.map((c) => text.slice(c.startIndex, c.endIndex))).toEqual(['true', 'echo "$X"']);
    expect(root.hasError).toBe(false);

    const broken = parseWith('tree-sitter-bash', 'if true; then echo x\n');
    expect(broken.hasError).toBe(true);
    expect(parseShell('build.sh', 'echo ok\nif true; then echo x\n').diagnostics.map((d) => d.code)).toEqual(['SHELL_PARSE_ERROR']);
  });

  it('parses Makefiles with the make grammar, recipe lines as their own nodes', () => {
    const text = 'IMG := app\nbuild: deps\n\tdocker build -t $(IMG) .\n\t@echo done é\n';
    const root = parseWith('tree-sitter-make', text);
    expect(texts(root, text, 'rule').length).toBe(1);
    expect(texts(root, text, 'recipe_line')).toEqual(['docker build -t $(IMG) .', '@echo done é']);
  });

  it('loads nothing at import: parsing before loadTreeSitter() says so; then each grammar loads on its first use', () => {
    const module = pathToFileURL(path.join(REPO, 'dist/src/analyze/tree-sitter.js')).href;
    const script = `
const ts = await import(${JSON.stringify(module)});
const out = { loaded: [ts.treeSitterLoaded()] };
try { ts.parseWith('tree-sitter-bash', 'true\\n'); } catch (e) { out.error = e.message; }
await ts.loadTreeSitter();
out.loaded.push(ts.treeSitterLoaded());
out.grammars = [ts.grammarLoaded('tree-sitter-bash'), ts.grammarLoaded('tree-sitter-make')];
out.type = ts.parseWith('tree-sitter-bash', 'true\\n').type;
out.grammars.push(ts.grammarLoaded('tree-sitter-bash'), ts.grammarLoaded('tree-sitter-make'));
process.stdout.write(JSON.stringify(out));
`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    expect(out).toEqual({ loaded: [false, true], error: expect.stringContaining('await loadTreeSitter()'), grammars: [false, false, true, false], type: 'program' });
  });

  it('ships exactly the grammar builds grammars/sources.json names', () => {
    expect(() => execFileSync(process.execPath, [path.join(REPO, 'scripts/vendor-grammars.mjs'), '--check'], { encoding: 'utf8' })).not.toThrow();
  });
});

/**
 * A Makefile recipe line as its shell receives it (src/analyze/hosts/makefile.ts): Make's
 * expansions replaced, `$$` as `$`, a continued line's leading tab dropped, and every other
 * character copied with its offset in the file, so an edit of the snippet lands where it should.
 */
import { describe, expect, it } from 'vitest';
import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { fileOffset } from '../../src/analyze/offset-runs.js';

const TEXT = ['X = 1', 'b: a', '\t@-docker build -t $(X) . \\', '\t&& echo \\$$(HOME) $(<D) ${Y} $$$$ 😀 x\\y $(subst a,b,$(X))done', ''].join('\n');

describe('Makefile recipe snippets', () => {
  const script = parseMakefile('Makefile', TEXT).script!;
  const snippet = script.parts[0]!.snippet;
  const at = (k: number) => fileOffset(snippet.toFile, k)!;

  it('reads the line as the shell receives it', () => {
    expect(script.parts).toHaveLength(1);
    expect(snippet.shell).toBe('docker build -t ${X} . \\\n&& echo \\$${HOME} . ${Y} $${__make_expansion_0}😀 x\\y ${__make_expansion_1}done');
  });

  it('maps each character to its offset in the file: text Make passes through to itself, an expansion to its start', () => {
    const offsets = Array.from({ length: snippet.shell.length + 1 }, (_, k) => at(k));
    const run = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);
    const same = (o: number, n: number) => Array<number>(n).fill(o);
    expect(offsets).toEqual([
      ...run(14, 16), // `docker build -t `
      ...same(30, 4), // $(X)
      ...run(34, 5), // ` . \` and its newline (the next line's tab dropped)
      ...run(40, 10), // `&& echo \`
      ...same(50, 7), // `$$(HOME)` as tree-sitter-make reads it
      ...run(57, 2),
      63, // $(<D): its value, `.`
      ...same(64, 4),
      ...run(68, 2),
      ...same(71, 21),
      ...run(74, 7),
      ...same(81, 21), // $(subst …)
      ...run(98, 5), // `done` and the end of the line
    ]);
    // Text passed through is the file's own, character for character.
    for (const [from, n] of [[0, 16], [-4, 4]] as const) {
      const k = from < 0 ? snippet.shell.length + from : from;
      expect(snippet.shell.slice(k, k + n)).toBe(TEXT.slice(at(k), at(k) + n));
    }
  });

  it('reads the words of the commands from it', () => {
    expect(script.commands[0]!.words.map((w) => w.value)).toEqual(['docker', 'build', '-t', '1', '.']);
    expect(script.commands[1]!.words[0]!.value).toBe('echo');
  });
});

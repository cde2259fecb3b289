/**
 * ARG declarations as BuildKit reads them (each word a name or name=default), in the facts
 * every check uses, and the global ARGs a builder's own file never reads.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { applyEdits } from '../../src/model/edits.js';
import { declarationsIn } from '../../src/analyze/arg-declarations.js';
import { unreadGlobalArgs } from '../../transforms/unread-global-args.js';

describe('ARG declarations', () => {
  it('reads every name of a line, `ARG A B` as two bare ARGs (not A defaulting to "B")', () => {
    const f = readDockerfile('Dockerfile', 'ARG GO=1.21 V=dev\nFROM golang:${GO}\nARG FLAVOR VERSION\nARG A="x y" B\n');
    expect(f.globalArgs).toEqual([{ name: 'GO', value: '1.21' }, { name: 'V', value: 'dev' }]);
    expect(f.stages[0]!.args).toEqual(['FLAVOR', 'VERSION', 'A', 'B']);
    expect(f.stages[0]!.bareArgs).toEqual(['FLAVOR', 'VERSION', 'B']);
  });
});

describe('ARG words as BuildKit splits them', () => {
  const read = (text: string, escape = '\\') => declarationsIn(text, escape).map((d) => [d.name, d.value, text.slice(d.start, d.end)]);
  it('keeps quotes and escapes in the default, and a quoted or escaped blank inside its word', () => {
    expect(read('ARG A="x y" B')).toEqual([['A', '"x y"', 'A="x y"'], ['B', null, 'B']]);
    expect(read("ARG F=a\\ b G='c d'")).toEqual([['F', 'a\\ b', 'F=a\\ b'], ['G', "'c d'", "G='c d'"]]);
    // Two defaults written differently are different: double quotes expand, single quotes do not.
    expect(read('ARG F="$X"')[0]![1]).not.toBe(read("ARG F='$X'")[0]![1]);
  });
  it('joins continuation lines, dropping comment and blank lines inside, with offsets in the original text', () => {
    const text = 'ARG A=1 \\  \r\n# about B\r\n\r\n    B=2';
    expect(read(text)).toEqual([['A', '1', 'A=1'], ['B', '2', 'B=2']]);
    // No blank before the continuation: the two lines make one word.
    expect(read('ARG A=1\\\nB=2')).toEqual([['A', '1B=2', 'A=1\\\nB=2']]);
    expect(read('ARG A=1 `\n  B=`"x` y`"', '`')).toEqual([['A', '1', 'A=1'], ['B', '`"x` y`"', 'B=`"x` y`"']]);
  });
});

describe('global ARGs nothing in their file reads', () => {
  const unread = (text: string) => [...unreadGlobalArgs(readDockerfile('Dockerfile.build', text)).names];
  const leaveOut = (text: string, names: string[]) => applyEdits(text, unreadGlobalArgs(readDockerfile('Dockerfile.build', text)).edits(new Set(names)));
  it('counts FROM lines (image and flags), other globals and stage re-declarations as readers', () => {
    expect(unread('ARG A=1\nARG B=2\nARG C=3\nARG D=4\nARG E=5\nFROM --platform=$B img:${A}\nARG D=x\nRUN echo $E\n')).toEqual(['C', 'E']);
    expect(unread('ARG A=1\nARG IMG=golang:$A\nFROM $IMG\n')).toEqual([]);
  });
  it('removes a line whose names all go whole, continuations and CRLF included', () => {
    const text = '# keep\r\nARG \\\r\n  A=1\r\n\r\nARG B=2\r\nFROM scratch\r\n';
    expect(leaveOut(text, ['A'])).toBe('# keep\r\n\r\nARG B=2\r\nFROM scratch\r\n');
    expect(leaveOut('ARG A=1 B=2\nFROM scratch\n', ['A', 'B'])).toBe('FROM scratch\n');
  });
  it('cuts a word from a line that keeps other names, with the blanks or continuation before it', () => {
    const text = 'ARG GO=1.21 V=dev\nFROM golang:${GO}\n';
    expect(unread(text)).toEqual(['V']);
    expect(leaveOut(text, ['V'])).toBe('ARG GO=1.21\nFROM golang:${GO}\n');
    expect(leaveOut('ARG V=dev   GO=1.21\nFROM golang:${GO}\n', ['V'])).toBe('ARG GO=1.21\nFROM golang:${GO}\n');
    const long = 'ARG A=1 \\\n    B="x y" \\\n    GO=1 \\\n    C=3\nFROM golang:${GO}\n';
    expect(leaveOut(long, ['A', 'B'])).toBe('ARG GO=1 \\\n    C=3\nFROM golang:${GO}\n');
    expect(leaveOut(long, ['B', 'C'])).toBe('ARG A=1 \\\n    GO=1\nFROM golang:${GO}\n');
    expect(leaveOut(long, ['A', 'C'])).toBe('ARG B="x y" \\\n    GO=1\nFROM golang:${GO}\n');
  });
  it('leaves the names of an ARG holding a comment line', () => {
    expect(unread('ARG A=1 \\\n# the version\n  B=2\nFROM scratch\n')).toEqual([]);
  });
});

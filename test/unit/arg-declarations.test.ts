/**
 * ARG declarations as BuildKit reads them (each word a name or name=default), in the facts
 * every check uses, and the global ARGs a builder's own file never reads.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { applyEdits } from '../../src/model/edits.js';
import { unreadGlobalArgs } from '../../transforms/unread-global-args.js';

describe('ARG declarations', () => {
  it('reads every name of a line, `ARG A B` as two bare ARGs (not A defaulting to "B")', () => {
    const f = readDockerfile('Dockerfile', 'ARG GO=1.21 V=dev\nFROM golang:${GO}\nARG FLAVOR VERSION\nARG A="x y" B\n');
    expect(f.globalArgs).toEqual([{ name: 'GO', value: '1.21' }, { name: 'V', value: 'dev' }]);
    expect(f.stages[0]!.args).toEqual(['FLAVOR', 'VERSION', 'A', 'B']);
    expect(f.stages[0]!.bareArgs).toEqual(['FLAVOR', 'VERSION', 'B']);
  });
});

describe('global ARGs nothing in their file reads', () => {
  const unread = (text: string) => [...unreadGlobalArgs(readDockerfile('Dockerfile.build', text)).keys()];
  it('counts FROM lines (image and flags), other globals and stage re-declarations as readers', () => {
    expect(unread('ARG A=1\nARG B=2\nARG C=3\nARG D=4\nARG E=5\nFROM --platform=$B img:${A}\nARG D=x\nRUN echo $E\n')).toEqual(['C', 'E']);
    expect(unread('ARG A=1\nARG IMG=golang:$A\nFROM $IMG\n')).toEqual([]);
  });
  it('leaves out only a name alone on its ARG line, whole lines, continuations and CRLF included', () => {
    expect(unread('ARG A=1 B=2\nFROM scratch\n')).toEqual([]);
    const text = '# keep\r\nARG \\\r\n  A=1\r\n\r\nARG B=2\r\nFROM scratch\r\n';
    const f = readDockerfile('Dockerfile.build', text);
    const edits = unreadGlobalArgs(f).get('A')!;
    expect(applyEdits(text, edits)).toBe('# keep\r\n\r\nARG B=2\r\nFROM scratch\r\n');
  });
});

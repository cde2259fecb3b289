/**
 * Exec-form (JSON) arguments survive the round trip: what the tool writes into a RUN is what
 * JSON.parse (Docker's reading) gives back, and what it reads from a CMD/ENTRYPOINT/COPY is what
 * JSON.parse gives, for any strings: spaces, quotes, backslashes, unicode, control characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { execFormArgs, writeExecForm } from '../../src/analyze/exec-form.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const arg = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom(' ', '"', '\\', "'", ',', '[', ']', '$', '\t', '\n', 'a', 'é', '\u{1F600}', '`') }),
  fc.string({ unit: 'binary' }),
);
const argv = fc.array(arg, { minLength: 1, maxLength: 6 });

describe('exec form', () => {
  it('writes what JSON.parse reads back, and reads it back itself', () => {
    fc.assert(
      fc.property(argv, (a) => {
        const written = writeExecForm(a);
        expect(JSON.parse(written)).toEqual(a);
        expect(execFormArgs(written)).toEqual(a);
        expect(written).not.toMatch(/[\r\n]/);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads CMD and ENTRYPOINT of a Dockerfile as JSON.parse does', () => {
    fc.assert(
      fc.property(argv, argv, (cmd, ep) => {
        const facts = readDockerfile('Dockerfile', `FROM alpine\nENTRYPOINT ${JSON.stringify(ep)}\nCMD ${writeExecForm(cmd)}\n`);
        expect(facts.stages[0]!.cmd).toEqual(JSON.parse(writeExecForm(cmd)));
        expect(facts.stages[0]!.entrypoint).toEqual(JSON.parse(JSON.stringify(ep)));
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the exact words of the examples that were read wrong', () => {
    const facts = readDockerfile('Dockerfile', 'FROM golang:1.21\nCMD ["sh","-c","go build -o /out/app ."]\nENTRYPOINT [ "a\\"b", "c\\\\d" , "\\u00e9 x"]\n');
    expect(facts.stages[0]!.cmd).toEqual(['sh', '-c', 'go build -o /out/app .']);
    expect(facts.stages[0]!.entrypoint).toEqual(['a"b', 'c\\d', 'é x']);
  });

  it('joins continued lines before reading, and falls back to the shell form on bad JSON', () => {
    expect(execFormArgs('["sh", \\\n  "-c", "make all"]')).toEqual(['sh', '-c', 'make all']);
    expect(execFormArgs('["sh", `\n "-c"]', '`')).toEqual(['sh', '-c']);
    expect(execFormArgs("['sh', '-c']")).toBeNull();
    expect(execFormArgs('[1, 2]')).toBeNull();
    expect(execFormArgs('make all')).toBeNull();
    expect(readDockerfile('Dockerfile', "FROM alpine\nCMD ['make']\n").stages[0]!.cmd).toBe("['make']");
  });
});

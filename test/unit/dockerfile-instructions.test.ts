/**
 * A parsed Dockerfile's facts do not hold dockerfile-ast's instructions (src/analyze/dockerfile.ts):
 * they are parsed again from the text when asked for, the parser keeping its last parses by text
 * (src/analyze/dockerfile-parses.ts). Every ask must give what the first parse gave, however
 * many Dockerfiles were parsed in between.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES } from '../../src/analyze/dockerfile-parses.js';
import { readDockerfile } from '../../src/analyze/dockerfile.js';

const text = (n: number) => `# syntax=docker/dockerfile:1\nFROM golang:1.${n} AS build\nARG V=${n}\nRUN --mount=type=cache,target=/root/.cache go build -o /out/app${n} .\n\nFROM alpine:3.19\nCOPY --from=build /out/app${n} /usr/local/bin/\nCMD ["app${n}"]\n`;

/** What the plan reads of instructions: keyword, range and arguments. */
const shape = (ins: ReturnType<typeof DockerfileParser.parse>['getInstructions'] extends () => infer T ? T : never) =>
  ins.map((i) => [i.getKeyword(), i.getRange().start.line, i.getRange().end.character, i.getRawArgumentsContent()]);

describe('the instructions of parsed Dockerfiles', () => {
  it('are not held by the facts, and read again as the first parse read them', () => {
    const many = Array.from({ length: MAX_ENTRIES + 40 }, (_, n) => readDockerfile(`svc${n}/Dockerfile`, text(n)));
    for (const f of many) expect(Object.keys(f)).not.toContain('instructions');
    // Asked for in turn, more Dockerfiles than are kept: each one parsed long ago is parsed
    // again (a new tree), and reads as the first parse read.
    const first = many[0]!.instructions;
    for (const [n, f] of many.entries()) {
      if (n === MAX_ENTRIES) expect(many[0]!.instructions).not.toBe(first);
      expect(shape(f.instructions)).toEqual(shape(DockerfileParser.parse(`${text(n)}\n`).getInstructions()));
      expect(f.instructions.map((i) => i.getKeyword())).toEqual(['FROM', 'ARG', 'RUN', 'FROM', 'COPY', 'CMD']);
    }
  });

  it('asked twice in a row, are one parse (the merge asks several times for one Dockerfile)', () => {
    const f = readDockerfile('Dockerfile', text(1));
    expect(f.instructions).toBe(f.instructions);
  });

  it('the facts read from them are kept as plain data', () => {
    const f = readDockerfile('Dockerfile', text(7));
    expect(f.stages.map((s) => [s.name, s.image, s.cmd])).toEqual([['build', 'golang:1.7', null], [null, 'alpine:3.19', ['app7']]]);
    expect(f.copies.map((c) => [c.from?.value, c.sources.map((s) => s.value), c.dest?.value])).toEqual([['build', ['/out/app7'], '/usr/local/bin/']]);
  });
});

/**
 * The merged Dockerfile's tree is shared by the validator and the structural check
 * (src/plan/merged-parse.ts): the tree the validator parsed is handed over once, for the same
 * text only, and dockerfile-ast's parser is left as it was.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { keepingParse, parseKept } from '../../src/plan/merged-parse.js';

const TEXT = 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n';

describe('the merged Dockerfile parsed once', () => {
  it("hands the validator's tree of the same text to the next reader, once", () => {
    const parse = DockerfileParser.parse;
    let validated: unknown;
    const problems = keepingParse(TEXT, () => {
      expect(DockerfileParser.parse).not.toBe(parse);
      const spy = DockerfileParser.parse;
      DockerfileParser.parse = (t: string) => (validated = spy(t)) as ReturnType<typeof parse>;
      try {
        return validate(TEXT);
      } finally {
        DockerfileParser.parse = spy;
      }
    });
    expect(problems).toEqual([]);
    expect(DockerfileParser.parse).toBe(parse);
    expect(validated).toBeDefined();
    expect(parseKept(TEXT)).toBe(validated);
    const again = parseKept(TEXT);
    expect(again).not.toBe(validated);
    expect(again.getInstructions().map((i) => i.getKeyword())).toEqual(['FROM', 'RUN', 'FROM', 'COPY']);
  });

  it('parses anew for another text, and keeps nothing the validator parsed for another text', () => {
    keepingParse(TEXT, () => validate(`${TEXT}# other\n`));
    const other = parseKept(TEXT);
    expect(other.getComments().length).toBe(0);
    keepingParse(TEXT, () => validate(TEXT));
    expect(parseKept(`${TEXT}# other\n`).getComments().length).toBe(1);
  });
});

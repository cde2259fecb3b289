/**
 * dockerfile-ast's parser keeps its last parses by their exact text (src/analyze/dockerfile-parses.ts):
 * the same text gives the same tree, any other text (one byte apart) a parse of its own, the
 * validator's parse is shared with the readers, and what is kept stays within its bounds.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it, vi } from 'vitest';
import { keptTrees, MAX_CHARS, MAX_ENTRIES, MAX_ONE, parseCounts } from '../../src/analyze/dockerfile-parses.js';

const TEXT = 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n';
const keywords = (t: string) => DockerfileParser.parse(t).getInstructions().map((i) => i.getKeyword());
/** A text no other test parses. */
let serial = 0;
const fresh = (body = TEXT) => `# ${process.pid}-${serial++}\n${body}`;

describe('Dockerfile parses kept by text', () => {
  it('gives the tree of a text parsed before, without parsing it again', () => {
    const text = fresh();
    const before = parseCounts();
    const first = DockerfileParser.parse(text);
    const again = DockerfileParser.parse(`${text}`);
    expect(again === first).toBe(true);
    expect(parseCounts()).toEqual({ parsed: before.parsed + 1, reused: before.reused + 1 });
    expect(keywords(text)).toEqual(['FROM', 'RUN', 'FROM', 'COPY']);
  });

  it('parses any other text anew, however close', () => {
    const text = fresh();
    const tree = DockerfileParser.parse(text);
    const before = parseCounts();
    for (const other of [`${text} `, `\uFEFF${text}`, text.replace('/out/app .', '/out/app .\\'), text.slice(0, -1)]) {
      const parsed = DockerfileParser.parse(other);
      expect(parsed === tree).toBe(false);
    }
    expect(parseCounts().parsed).toBe(before.parsed + 4);
    // The continued RUN swallows the next FROM: read from its own text, not the kept one.
    expect(keywords(text.replace('/out/app .', '/out/app .\\'))).toEqual(['FROM', 'RUN', 'COPY']);
  });

  it("shares the validator's parse of a text with the readers after it", () => {
    const text = fresh();
    expect(validate(text)).toEqual([]);
    const before = parseCounts();
    expect(keywords(text)).toEqual(['FROM', 'RUN', 'FROM', 'COPY']);
    expect(parseCounts()).toEqual({ parsed: before.parsed, reused: before.reused + 1 });
    // And the validator reads a kept tree as it reads its own parse.
    const twice = fresh(`${TEXT}CMD ["a"]\nCMD ["b"]\n`);
    const kept = DockerfileParser.parse(twice);
    const seen = parseCounts();
    const problems = validate(twice);
    expect(parseCounts()).toEqual({ parsed: seen.parsed, reused: seen.reused + 1 });
    expect(DockerfileParser.parse(twice) === kept).toBe(true);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(validate(`${twice}\n`));
  });

  it(`keeps the last ${MAX_ENTRIES} texts, the least recently used going first`, () => {
    const first = fresh();
    const tree = DockerfileParser.parse(first);
    const used = fresh();
    const usedTree = DockerfileParser.parse(used);
    for (let i = 0; i < MAX_ENTRIES - 1; i++) {
      DockerfileParser.parse(fresh());
      // `used` is asked for again and again: it stays.
      if (i % 8 === 0) expect(DockerfileParser.parse(used) === usedTree).toBe(true);
    }
    expect(keptTrees().entries).toBe(MAX_ENTRIES);
    const before = parseCounts();
    const again = DockerfileParser.parse(first);
    expect(again === tree).toBe(false);
    expect(parseCounts().parsed).toBe(before.parsed + 1);
    expect(again.getInstructions().map((i) => i.getKeyword())).toEqual(tree.getInstructions().map((i) => i.getKeyword()));
    expect(DockerfileParser.parse(used) === usedTree).toBe(true);
    expect(keptTrees().entries).toBe(MAX_ENTRIES);
  });

  it(`keeps no text longer than ${MAX_ONE} characters, and no more than ${MAX_CHARS} in all`, () => {
    const long = fresh(`${TEXT}${'RUN echo 0123456789abcdef\n'.repeat(Math.ceil(MAX_ONE / 25))}`);
    expect(long.length).toBeGreaterThan(MAX_ONE);
    expect(DockerfileParser.parse(long) === DockerfileParser.parse(long)).toBe(false);
    const large = () => fresh(`${TEXT}${'RUN echo 0123456789abcdef\n'.repeat(Math.floor(MAX_ONE / 26) - 10)}`);
    const texts = Array.from({ length: Math.ceil(MAX_CHARS / MAX_ONE) + 2 }, large);
    const trees = texts.map((t) => DockerfileParser.parse(t));
    expect(keptTrees().chars).toBeLessThanOrEqual(MAX_CHARS);
    expect(keptTrees().chars).toBeGreaterThan(MAX_CHARS - MAX_ONE);
    // The newest are kept, the oldest parsed again.
    expect(DockerfileParser.parse(texts.at(-1)!) === trees.at(-1)).toBe(true);
    expect(DockerfileParser.parse(texts[0]!) === trees[0]).toBe(false);
  });

  it('is installed once, whatever imports it again', async () => {
    const text = fresh();
    const tree = DockerfileParser.parse(text);
    vi.resetModules();
    const again = await import('../../src/analyze/dockerfile-parses.js');
    expect(again.parseCounts()).toEqual(parseCounts());
    const before = parseCounts();
    expect(DockerfileParser.parse(text) === tree).toBe(true);
    expect(parseCounts()).toEqual({ parsed: before.parsed, reused: before.reused + 1 });
  });
});

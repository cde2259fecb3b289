/**
 * An instruction's arguments are read from the document once (src/analyze/dockerfile-arguments.ts):
 * every later call must give what dockerfile-ast computes, as new objects, so that callers that
 * shift the array or edit a range in place (FROM's image-name range) change nothing for the next.
 */
import { Argument, DockerfileParser, type From, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import '../../src/analyze/dockerfile-arguments.js';

const TEXT = [
  'ARG BASE=golang:1.22',
  'FROM --platform=$BUILDPLATFORM registry.example.com:5000/team/go:1.22 AS build',
  'COPY --from=deps --chown=1:1 ["/src/a b", "/dst/"]',
  'RUN --mount=type=cache,target=/root/.cache \\',
  '    go build -o /out/app \\',
  '    # a comment inside',
  '    ./cmd/app',
  'CMD ["/app", "--flag"]',
  '',
].join('\n');

const plain = (args: Argument[]) => args.map((a) => [a.getValue(), JSON.parse(JSON.stringify(a.getRange()))]);
/** dockerfile-ast's own reading, from a fresh parse whose instructions were never read before. */
const fresh = () => DockerfileParser.parse(TEXT).getInstructions();

describe('Dockerfile instruction arguments read once', () => {
  it('give the same words, ranges, flags and JSON strings on every call', () => {
    const first = fresh().map((i) => ({ args: plain(i.getArguments()), content: i.getRawArgumentsContent(), range: i.getArgumentsRange() }));
    const ins = fresh();
    for (let round = 0; round < 3; round++) {
      expect(ins.map((i) => ({ args: plain(i.getArguments()), content: i.getRawArgumentsContent(), range: i.getArgumentsRange() }))).toEqual(first);
    }
    expect(first[2]!.args.map((a) => a[0])).toEqual(['["/src/a', 'b",', '"/dst/"]']);
    expect(first[3]!.args.map((a) => a[0])).toEqual(['go', 'build', '-o', '/out/app', './cmd/app']);
  });

  it('return new arguments and ranges each time, so edits by one caller stay with it', () => {
    const run = fresh()[3]!;
    const a = run.getArguments();
    a.shift();
    (a[0]!.getRange().start as { character: number }).character = 99;
    const b = run.getArguments();
    expect(b[0]!.getValue()).toBe('go');
    expect(b[0]!.getRange().start.character).toBe(4);
    expect(b[0]).not.toBe(a[0]);
  });

  it('give arguments that answer every Argument method from a range made on first use, once per argument', () => {
    const run = fresh()[3]!;
    const own = run.getArguments();
    const later = run.getArguments();
    expect(later.every((a) => a instanceof Argument)).toBe(true);
    expect(later.map((a) => a.toString())).toEqual(own.map((a) => a.toString()));
    const at = { line: 5, character: 6 };
    expect(later.map((a) => [a.isAfter(at), a.isBefore(at)])).toEqual(own.map((a) => [a.isAfter(at), a.isBefore(at)]));
    expect(later[1]!.getRange()).toBe(later[1]!.getRange());
    (later[1]!.getRange().end as { character: number }).character = 0;
    expect(later[1]!.isBefore({ line: 4, character: 1 })).toBe(true);
    expect(run.getArguments()[1]!.getRange()).toEqual(own[1]!.getRange());
  });

  it("keep FROM's image ranges right after its image-name range was asked for (dockerfile-ast edits that range in place)", () => {
    const from = fresh()[1]! as From;
    const image = JSON.parse(JSON.stringify(from.getImageRange()));
    const name = JSON.parse(JSON.stringify(from.getImageNameRange()));
    expect(name).not.toEqual(image);
    expect(from.getImageRange()).toEqual(image);
    expect(from.getImageNameRange()).toEqual(name);
    expect(from.getImage()).toBe('registry.example.com:5000/team/go:1.22');
    expect(from.getImageName()).toBe('team/go');
    expect(from.getRegistry()).toBe('registry.example.com:5000');
    expect(from.getBuildStage()).toBe('build');
    expect((from as unknown as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName())).toEqual(['platform']);
  });
});

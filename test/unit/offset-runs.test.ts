/**
 * A snippet's offset map kept as runs (src/analyze/offset-runs.ts) reads the same as the
 * array a host made, at every offset and outside them, and the analysis keeps the runs.
 */
import { describe, expect, it } from 'vitest';
import { readScript, scriptKindOf } from '../../src/analyze/index.js';
import type { EmbeddedScript } from '../../src/analyze/embedded.js';
import { fileOffset, OffsetRuns } from '../../src/analyze/offset-runs.js';
import { releaseSnippetReadings } from '../../src/analyze/release.js';
import { MemoryFs } from '../../src/model/fs.js';

const same = (toFile: number[]) => {
  const runs = new OffsetRuns(toFile);
  expect(runs.length).toBe(toFile.length);
  for (let i = -2; i < toFile.length + 2; i++) expect(runs.at(i)).toBe(toFile[i]);
  expect(runs.at(0.5)).toBeUndefined();
  return runs;
};

describe('offset runs', () => {
  it('read as the array at every offset: steps of one, jumps, repeats and going back', () => {
    same([]);
    same([7]);
    same([10, 11, 12, 13]);
    // A JSON escape (`\"` is one shell character), a Make `$$`, a continuation that skips a line.
    same([5, 6, 8, 9, 10, 12, 13, 20, 21, 22, 22, 22, 23, 3, 4]);
  });

  it('are a few numbers for a long run', () => {
    const toFile = Array.from({ length: 500 }, (_, i) => 1000 + i);
    toFile.splice(250, 0, 2000);
    const runs = same(toFile);
    expect((runs as unknown as { runs: number[] }).runs.length).toBe(6);
  });

  it('a released snippet keeps its map as runs, with the offsets of the array the host made', () => {
    const text = JSON.stringify({ scripts: { build: 'docker build -t "app:build" -f Dockerfile.build . && echo "done \\"here\\""' } }, null, 2);
    const script = readScript(scriptKindOf('package.json', text)!, 'package.json', text, new MemoryFs({ 'package.json': text })).script as EmbeddedScript;
    const arrays = script.parts.map((p) => [...(p.snippet.toFile as number[])]);
    releaseSnippetReadings(script);
    script.parts.forEach((p, k) => {
      expect(p.snippet.toFile).toBeInstanceOf(OffsetRuns);
      arrays[k]!.forEach((at, i) => expect(fileOffset(p.snippet.toFile, i)).toBe(at));
    });
    expect(arrays.some((a) => a.some((at, i) => i > 0 && at !== a[i - 1]! + 1))).toBe(true);
  });
});

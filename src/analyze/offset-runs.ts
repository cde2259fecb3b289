/**
 * A snippet's map from shell offsets to file offsets (embedded.ts `Snippet.toFile`), held as
 * runs once the file is analysed. A host decodes a snippet character by character (JSON
 * escapes, Make's `$$`, line continuations), so the map is one file offset per shell offset;
 * but almost all of it steps by one, and a sweep keeps every setup's snippets until the plan
 * is made: on the bench's 10× tree the maps were about 21 MiB of arrays. As runs (where each
 * run starts in the shell text and in the file; inside a run both step by one) a map is a few
 * numbers, and reads the same at every offset.
 */
export class OffsetRuns {
  /** Pairs: the shell offset a run starts at, then the file offset it starts at; shell offsets ascending. */
  private readonly runs: readonly number[];
  /** As the array's length: shell.length + 1. */
  readonly length: number;

  constructor(toFile: readonly number[]) {
    const runs: number[] = [];
    for (let i = 0; i < toFile.length; i++) {
      const at = toFile[i]!;
      if (i === 0 || at !== toFile[i - 1]! + 1) runs.push(i, at);
    }
    // At its length: pushing left room for 17 numbers, most of a short snippet's map.
    this.runs = runs.slice();
    this.length = toFile.length;
  }

  /** The file offset of shell offset `i`, as the array gave it (undefined outside 0 … length − 1). */
  at(i: number): number | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    // The last run starting at or before i.
    let lo = 0;
    let hi = this.runs.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid * 2]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.runs[lo * 2 + 1]! + (i - this.runs[lo * 2]!);
  }
}

/** A snippet's map as a host made it (an array) or as the analysis keeps it (runs). */
export type OffsetMap = number[] | OffsetRuns;

/** `map[i]`, whichever form the map has. */
export function fileOffset(map: OffsetMap, i: number): number | undefined {
  return map instanceof OffsetRuns ? map.at(i) : map[i];
}

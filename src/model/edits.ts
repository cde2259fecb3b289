/**
 * Edits as data: every change the tool makes to an existing file is a list of
 * `{start, end, text}` replacements on the file's original text (offsets are
 * JavaScript string indices). One function applies them, so every transform
 * shares the same overlap rules and nothing rewrites text it did not mean to.
 */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class OverlappingEditsError extends Error {
  constructor(
    readonly a: Edit,
    readonly b: Edit,
  ) {
    super(`internal error: overlapping edits [${a.start},${a.end}) and [${b.start},${b.end})`);
  }
}

/**
 * Sorts edits and checks they do not overlap (two inserts at one offset keep their order).
 * Identical edits collapse into one: the same source change reached twice (a loop body
 * read once per item) is one change.
 */
export function normalizeEdits(edits: readonly Edit[]): Edit[] {
  const seen = new Set<string>();
  const unique = edits.filter((e) => {
    const k = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const sorted = unique
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.start - y.e.start || x.e.end - y.e.end || x.i - y.i)
    .map((x) => x.e);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (cur.start < prev.end) throw new OverlappingEditsError(prev, cur);
  }
  return sorted;
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = '';
  let pos = 0;
  for (const e of normalizeEdits(edits)) {
    if (e.start < pos || e.end > text.length || e.start > e.end) {
      throw new RangeError(`internal error: edit [${e.start},${e.end}) outside text of length ${text.length}`);
    }
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

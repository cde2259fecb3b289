/**
 * Items of a separated list in a host file (the members of a JSON object: package.json's
 * `scripts`), taken out with the separators that joined them. Removed alone, an item takes the
 * separator before it (the first, the one after it); but two neighbours removed together would
 * then both claim the separator between them, so the items removed from one list are taken out
 * together, run by run: a run of removed items goes from the end of the kept item before it to
 * the end of its last item, or, at the start of the list, from its first item to the start of
 * the kept item after it. The edits of separate runs never meet, nor touch a kept item's text,
 * so edits inside the kept items (a removed `npm run X` call) go with them; the blanks and
 * separators between kept items are kept as written.
 */
import type { Edit } from './edits.js';

export interface ListSpans {
  /** Where the list's items may start (just inside its opening bracket) and where they must end (its closing bracket). */
  open: number;
  close: number;
  /** Each item's text, [start, end), in order: every item, including those that are no snippet. */
  items: readonly (readonly [number, number])[];
}

/** The edits that take items `removed` (indices into `list.items`) out of the list. */
export function removeListItems(list: ListSpans, removed: Iterable<number>): Edit[] {
  const gone = new Set(removed);
  const n = list.items.length;
  if (gone.size === 0) return [];
  // Every item: the list is left empty (`{}`).
  if ([...list.items.keys()].every((i) => gone.has(i))) return [{ start: list.open, end: list.close, text: '' }];
  const edits: Edit[] = [];
  for (let i = 0; i < n; i++) {
    if (!gone.has(i)) continue;
    let j = i;
    while (j + 1 < n && gone.has(j + 1)) j++;
    if (i > 0) edits.push({ start: list.items[i - 1]![1], end: list.items[j]![1], text: '' });
    else edits.push({ start: list.items[0]![0], end: list.items[j + 1]![0], text: '' });
    i = j;
  }
  return edits;
}

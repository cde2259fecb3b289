/**
 * A list kept until the plan is made, at its length: a copy (`slice`) of a list built by
 * pushing, which leaves room for 17 elements. Every empty list is one shared array: an empty
 * array still takes its own 32 bytes, and a sweep keeps tens of thousands of them (a command's
 * redirects, an invocation's unknown flags, a stage's ARGs and VOLUMEs, a COPY's other flags).
 * The shared one is frozen, so a reader that pushed to a kept list would fail at once rather
 * than change every other list.
 */
const EMPTY: readonly never[] = Object.freeze([]);

export function exactList<T>(list: readonly T[]): T[] {
  return list.length === 0 ? (EMPTY as never[]) : list.slice();
}

/**
 * How a streamed file (`docker run --rm IMG cat /p`, or a builder whose CMD cats it) reaches the
 * host (./grammar.ts): besides the plain `> f`, with the standard error thrown away
 * (`> f 2>/dev/null`), merged into the file (`> f 2>&1`: whatever the engine or the container
 * prints there lands in the artifact too), through `>|`, appended to a file removed just before
 * (`rm -f f`, then `>> f`), or copied by `tee` (`| tee f > /dev/null`). Each writes the bytes
 * the container printed; a migration must give the runtime image exactly those, or refuse.
 * Drawn from a stream of its own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const STREAM_FEATURES = {
  catSink: ['none', 'stderr-null', 'stderr-merged', 'clobber', 'fresh-append', 'tee'],
} as const;

/** The sink as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeStreams(s: RepoSpec): void {
  if (s.catSink === undefined) s.catSink = 'none';
  // only an extraction that streams the file to the host (grammar.ts catLike) has a sink to vary
  if (s.extraction !== 'cat-redirect' && s.extraction !== 'cmd-cat') s.catSink = 'none';
}

/**
 * The code the tool must refuse with, where the images may not show a wrong migration: with the
 * errors merged into the file, the old file holds what the engine printed there, here nothing.
 */
export function sinkRefusal(s: RepoSpec): string | null {
  return s.catSink === 'stderr-merged' ? 'STREAM_STDERR' : null;
}

/** The lines before the streaming run (the removal an append needs), and what follows its command to write `dest`. */
export function catSinkOf(s: RepoSpec, dest: string): { before: string[]; tail: string } {
  switch (s.catSink ?? 'none') {
    case 'stderr-null':
      return { before: [], tail: ` > ${dest} 2>/dev/null` };
    case 'stderr-merged':
      return { before: [], tail: ` > ${dest} 2>&1` };
    case 'clobber':
      return { before: [], tail: ` >| ${dest}` };
    case 'fresh-append':
      return { before: [`rm -f ${dest}`], tail: ` >> ${dest}` };
    case 'tee':
      return { before: [], tail: ` | tee ${dest} > /dev/null` };
    default:
      return { before: [], tail: ` > ${dest}` };
  }
}

/**
 * How a streamed file (`docker run --rm IMG cat /p`, or a builder whose CMD cats it) reaches the
 * host (./grammar.ts): besides the plain `> f`, with the standard error thrown away
 * (`> f 2>/dev/null`), merged into the file (`> f 2>&1`: whatever the engine or the container
 * prints there lands in the artifact too), through `>|`, appended to a file removed just before
 * (`rm -f f`, then `>> f`), or copied by `tee` (`| tee f > /dev/null`), or in bash piped into
 * tee with the errors (`|& tee f > /dev/null`). A tar stream (`tar -c … | tar -x`) has the same
 * choices of where its errors go (`2>/dev/null |`, `2>&1 |`, `|&`). Each writes the bytes the
 * container printed; a migration must give the runtime image exactly those, or refuse.
 * Drawn from a stream of its own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const STREAM_FEATURES = {
  catSink: ['none', 'stderr-null', 'stderr-merged', 'clobber', 'fresh-append', 'tee', 'pipe-merged'],
} as const;

/** The sink as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeStreams(s: RepoSpec): void {
  if (s.catSink === undefined) s.catSink = 'none';
  // only an extraction that streams the file to the host (grammar.ts catLike) or a tar archive down a pipe has a sink to vary
  const cat = s.extraction === 'cat-redirect' || s.extraction === 'cmd-cat';
  if (!cat && s.extraction !== 'tar-pipe') s.catSink = 'none';
  // (a tar stream goes down its pipe: it has no file of its own to write)
  if (!cat && (s.catSink === 'clobber' || s.catSink === 'fresh-append' || s.catSink === 'tee')) s.catSink = 'none';
  // (|& is bash's: a script the bash driver writes; a runner's commands run under sh)
  if (s.catSink === 'pipe-merged' && (s.driver !== 'bash' || s.runner !== 'script')) s.catSink = 'stderr-merged';
}

/** How a tar stream goes down its pipe (` |`, or with its errors sent away or along), before the `tar -x`. */
export function tarPipeOf(s: RepoSpec): string {
  switch (s.catSink ?? 'none') {
    case 'stderr-null':
      return ' 2>/dev/null |';
    case 'stderr-merged':
      return ' 2>&1 |';
    case 'pipe-merged':
      return ' |&';
    default:
      return ' |';
  }
}

/**
 * The code the tool must refuse with, where the images may not show a wrong migration: with the
 * errors merged into the file, the old file holds what the engine printed there, here nothing.
 */
export function sinkRefusal(s: RepoSpec): string | null {
  return s.catSink === 'stderr-merged' || s.catSink === 'pipe-merged' ? 'STREAM_STDERR' : null;
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
    case 'pipe-merged':
      return { before: [], tail: ` |& tee ${dest} > /dev/null` };
    default:
      return { before: [], tail: ` > ${dest}` };
  }
}

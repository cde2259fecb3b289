/**
 * A renamed file copied into a directory: `docker cp x:/out/server ./gateway` then
 * `COPY gateway /usr/local/bin/` landed /usr/local/bin/gateway. `COPY --from=<stage>
 * /out/server /usr/local/bin/` would land /usr/local/bin/server, so the merged line names the
 * destination in full, spelled the way the line spells its words (shell or JSON form).
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';

interface Renamed {
  hostSource: string;
  stagePath: string;
  kind?: 'file' | 'folder' | null;
  kindWhy?: string;
}

/** The destination word to write (as the line spells it), or why it cannot be written exactly. */
export function namedDest(copy: DockerfileFacts['copies'][number], r: Renamed, hostBase: string, escape: string): string | { why: string } {
  const dest = copy.dest!.value;
  if (r.kind !== 'file') return { why: r.kindWhy ?? `nothing proves whether ${r.stagePath} is a file or a folder` };
  if (copy.sources.length !== 1) return { why: `the line copies ${copy.sources.length} sources into it, so its destination cannot name one of them` };
  if (dest.endsWith('\\') || dest.endsWith(escape)) return { why: `the destination ends in a backslash, which the tool does not extend` };
  // The name is written into the line: nothing in it may be read as a variable, a quote or a word break.
  const unsafe = copy.json ? /[$\\]/ : /[\s'"$`\\]/;
  if (unsafe.test(hostBase) || hostBase.includes(escape)) return { why: `its host name ${JSON.stringify(hostBase)} holds ${copy.json ? '`$` or a backslash' : 'spaces, quotes, `$` or backslashes'}, which the tool does not write into ${copy.json ? 'a JSON-form line' : 'a shell-form line'}` };
  const full = `${dest.replace(/\/?$/, '/')}${hostBase}`;
  return copy.json ? JSON.stringify(full) : full;
}

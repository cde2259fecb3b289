/**
 * Where a file's text names a script by its file name, read as text: a whole name (`build.sh`,
 * not `prebuild.sh`) in a path-like token. A token with folders is resolved from the file's
 * folder and from the root; a bare name, `./name`, or one after something only known when the
 * file runs (`f"{pkg}/build.sh"`, `$DIR/build.sh`) may be the script of any folder. For the
 * files the tool cannot read as scripts (src/plan/passed-over-callers.ts, ./callers.ts).
 */
import path from 'node:path/posix';
import { NAME_CHAR, resolveRel } from '../model/paths.js';

/** A character of a path token. */
const PATH_CHAR = /[A-Za-z0-9_.\-/]/;
/** Characters that end an expansion the token follows (`{pkg}/build.sh`, `$(dir)/build.sh`, `[0]/x`). */
const AFTER_EXPANSION = /[}\])$]/;

/** Where a name stands whole in a text: its offset, the path token holding it, and whether that token follows an expansion. */
export interface Naming {
  at: number;
  token: string;
  afterExpansion: boolean;
}

/** The offsets where `name` stands whole in `text`, with the path token holding it. */
export function namings(text: string, name: string): Naming[] {
  const out: Naming[] = [];
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (NAME_CHAR.test(text[at - 1] === '/' ? '' : (text[at - 1] ?? '')) || NAME_CHAR.test(text[at + name.length] ?? '')) continue;
    let start = at;
    while (start > 0 && PATH_CHAR.test(text[start - 1]!)) start--;
    out.push({ at, token: text.slice(start, at + name.length), afterExpansion: AFTER_EXPANSION.test(text[start - 1] ?? '') });
  }
  return out;
}

/** Whether a token naming `script`'s base name, in file `rel`, may be `script`. */
export function mayBe(token: string, afterExpansion: boolean, rel: string, script: string): boolean {
  const base = path.basename(script);
  if (afterExpansion || token === base || token === `./${base}` || token.startsWith('/')) return true;
  const dir = path.dirname(rel) === '.' ? '' : path.dirname(rel);
  return resolveRel(dir, token) === script || resolveRel('', token) === script;
}

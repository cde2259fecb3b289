/**
 * The second look of the builder-tag search (./tag-mentions.ts): the files the walk passed
 * over that may use an image (src/discover/passed-over.ts), searched as text once the root's
 * facts are known and only when some setup would delete a builder build.
 *
 * Left out: files the first look already searched (the candidates the walk kept, the
 * Dockerfiles analysis read), and the compose files a read script runs: their services are
 * read as the docker commands they stand for, so a service that builds the builder image
 * (`image: app:build` beside `build:`) is that setup's own step, not a use of it.
 */
import path from 'node:path/posix';
import { isExpanded } from '../analyze/compose.js';
import type { Analysis } from '../analyze/index.js';
import { isReleased } from '../analyze/release-scripts.js';
import { fileKind, kindOf } from '../kinds/registry.js';

/** The passed-over files to search, in path order. */
export function passedOverFiles(analysis: Analysis, searched: ReadonlySet<string>): string[] {
  const list = analysis.passedOver ?? [];
  if (list.length === 0) return [];
  const modelled = new Set<string>();
  // A script that drives no setup is released (src/analyze/release-scripts.ts), and asking for
  // its compose files would read it again; its services build none of the setups' images, so a
  // compose file only such a script runs is searched like any other (a use there counts).
  for (const script of analysis.scripts.values()) if (!isReleased(script) && isExpanded(script)) for (const f of script.compose.files.keys()) modelled.add(f);
  return list.filter((rel) => !searched.has(rel) && !modelled.has(rel)).sort();
}

/** What starts a whole-line comment, by extension, for files no kind of the tool reads. */
const SLASHES = new Set(['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'go', 'groovy', 'gradle', 'kts']);
const HASH_OR_SLASHES = new Set(['php', 'hcl', 'tf']);
const BATCH = new Set(['bat', 'cmd']);
const SEMICOLON_OR_HASH = new Set(['ini']);

/**
 * The prefixes that make a line a whole-line comment in a passed-over file: its kind's, when
 * some kind of the tool reads it (none for package.json), else by its extension (`#` by default:
 * shell-like scripts, YAML, TOML, Python, Ruby, Perl, Dockerfiles).
 */
export function commentsOf(rel: string, text: string): readonly string[] {
  const kind = kindOf(rel, text);
  if (kind !== null) {
    const c = fileKind(kind).comment;
    return c === null ? [] : [c];
  }
  const name = path.basename(rel);
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  if (SLASHES.has(ext)) return ['//'];
  if (HASH_OR_SLASHES.has(ext)) return ['#', '//'];
  if (BATCH.has(ext)) return ['::', 'rem ', 'REM ', '@rem ', '@REM '];
  if (SEMICOLON_OR_HASH.has(ext)) return [';', '#'];
  if (ext === 'lua') return ['--'];
  return ['#'];
}

/**
 * Sibling contexts: the builder built from `src/`, the runtime from `deploy/`. The merged
 * build reads both from their common parent: each file's COPY/ADD sources get its folder in
 * front (as for a builder in a subfolder, context-subfolder.ts), the final build's context
 * becomes the parent and names its Dockerfile with `-f`. Only where that reads the same files:
 * no ignore file applied to either old build, and none at the parent that the new build would
 * apply. (A named context, `--build-context`, would need BuildKit or podman 4.3+ and
 * `COPY --from=<context>` in the builder stage; the common parent works with every builder.)
 */
import path from 'node:path/posix';
import type { ScriptAdapter, ScriptFile, Word } from '../model/script.js';
import type { RepoFs } from '../model/fs.js';
import type { Setup } from '../model/setup.js';
import type { Edit } from '../model/edits.js';
import type { WordChange } from './reread.js';

export interface Siblings {
  /** The common parent both builds now read from ('' is the root). */
  parent: string;
  /** Each old context relative to the parent ('' when it is the parent). */
  builderSub: string;
  runtimeSub: string;
}

const plain = (p: string) => p === '' || (!p.startsWith('/') && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'));

/** The common parent of two contexts neither of which holds the other, or null. */
export function siblingsOf(builderContext: string, runtimeContext: string): Siblings | null {
  if (!plain(builderContext) || !plain(runtimeContext) || builderContext === '' || runtimeContext === '') return null;
  const b = builderContext.split('/');
  const r = runtimeContext.split('/');
  let k = 0;
  while (k < b.length && k < r.length && b[k] === r[k]) k++;
  if (k === b.length || k === r.length) return null;
  return { parent: b.slice(0, k).join('/'), builderSub: b.slice(k).join('/'), runtimeSub: r.slice(k).join('/') };
}

/** Why the parent cannot stand in for both contexts, or null when it can. */
export function siblingIgnoreProblem(s: Siblings, builderIgnore: string | null, runtimeIgnore: string | null, fs: RepoFs): string | null {
  if (builderIgnore !== null) return `the builder build ignored files by ${builderIgnore}`;
  if (runtimeIgnore !== null) return `the runtime build ignored files by ${runtimeIgnore}`;
  const atParent = s.parent === '' ? '.dockerignore' : `${s.parent}/.dockerignore`;
  if (fs.kind(atParent) !== null) return `${atParent} would apply to the merged build from ${s.parent || '.'}`;
  return null;
}

/**
 * The final build reads the parent: its context word becomes the parent, and `-f` names the
 * runtime Dockerfile when it was only implied by the old context. Edits, with the words the
 * re-read must find.
 */
export function siblingBuildEdits(setup: Setup, s: Siblings, script: ScriptFile, adapter: ScriptAdapter<ScriptFile>, rewrites: WordChange[]): { edits: Edit[]; fileWords: Word[] } | { error: string } {
  const inv = setup.runtime!.inv;
  const cmd = inv.cmd;
  const ctx = inv.operands[0];
  if (cmd.cwd === null || !ctx) return { error: 'the final build\'s folder or context is unknown' };
  const value = path.relative(cmd.cwd || '.', s.parent || '.') || '.';
  const r = adapter.replaceWord(script, cmd.index, ctx.index, value);
  if ('error' in r) return r;
  rewrites.push({ index: cmd.index, kind: 'replace', word: ctx.index, with: value });
  const fileWords: Word[] = [];
  if (!inv.flags.some((f) => f.name === '--file')) {
    const rel = path.relative(cmd.cwd || '.', setup.runtime!.dockerfile!) || setup.runtime!.dockerfile!;
    const word = (v: string): Word => ({ value: v, symbol: v, staticPrefix: v, raw: adapter.quote(v), start: 0, end: 0 });
    fileWords.push(word('-f'), word(rel));
  }
  return { edits: r, fileWords };
}

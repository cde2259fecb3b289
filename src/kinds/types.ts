/**
 * A file kind: everything the tool knows about one kind of file that can script a builder
 * build, in one module (src/kinds/<kind>.ts), listed once in registry.ts.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptFile, ScriptKind } from '../model/script.js';

/** What the walker does with a path a kind claims: read it now, or (`js`) only when named elsewhere under source folders. */
export type Candidate = 'script' | 'js';

export interface FileKind {
  kind: ScriptKind;
  /**
   * The walker's test, by path alone (it runs for every file in the tree: plain string tests).
   * `ext` is the lower-cased text after the last dot of `name`, or null when it has none.
   */
  candidate(rel: string, name: string, ext: string | null): Candidate | null;
  /** Whether analysis reads the file as this kind, by its path and (for shebangs) its text. */
  claims(rel: string, text: string): boolean;
  /**
   * Reads the file into commands (shell snippets with positions in the file). `start`: the
   * folder a shell script's callers run it from, when not its own (src/analyze/callers.ts).
   */
  read(rel: string, text: string, fs: RepoFs, start?: { cwd: string | null }): { script: ScriptFile | null; diagnostics: Diagnostic[] };
  /**
   * How edits are encoded back: `shell` files are shell text; `embedded` files hold shell
   * snippets whose encoders (escaping, indentation) come with the reading.
   */
  writer: 'shell' | 'embedded';
  /** The file's line-comment syntax, for tidying the comments above removed lines (null: none). */
  comment: string | null;
  /** Statements sit in `{ }` blocks: a line of closing braces ends a comment paragraph when tidying. */
  braces?: boolean;
}

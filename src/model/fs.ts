/**
 * The small virtual file system analysis and planning read through, so the core stays
 * pure and tests can run it on in-memory trees. Paths are repository-relative with
 * forward slashes; nothing here writes.
 */
export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface RepoFs {
  /** The file's text, or null when it does not exist or is not a readable regular file. */
  readText(rel: string): string | null;
  kind(rel: string): EntryKind | null;
  /**
   * A file's text as readText gives it, without keeping it when it was not already kept: for a
   * file read once and let go (one searched for a builder tag). Absent: readText.
   */
  peekText?(rel: string): string | null;
  /**
   * False when the file's bytes are not valid UTF-8: its text as read holds U+FFFD in their
   * place, so writing the text back, or a patch made from it, would change bytes outside the
   * migration. Absent: every text is the file's exact bytes.
   */
  exactText?(rel: string): boolean;
  /**
   * Why a regular file readText gives no text for, in a few words (`permission denied`, `larger
   * than the 2 MiB limit`, `a NUL byte`, `not UTF-8 text`…), or null when it cannot tell. Absent: never told.
   */
  readProblem?(rel: string): string | null;
}

export class MemoryFs implements RepoFs {
  constructor(private readonly files: Record<string, string>) {}

  readText(rel: string): string | null {
    return Object.prototype.hasOwnProperty.call(this.files, rel) ? this.files[rel]! : null;
  }

  kind(rel: string): EntryKind | null {
    if (this.readText(rel) !== null) return 'file';
    const prefix = rel === '' ? '' : `${rel}/`;
    return Object.keys(this.files).some((f) => f.startsWith(prefix)) ? 'dir' : null;
  }

  /** Returns the same tree with some files replaced or removed (null). */
  with(changes: Record<string, string | null>): MemoryFs {
    const next = { ...this.files };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return new MemoryFs(next);
  }
}

/** A view of `base` with planned changes laid over it (used to re-analyse a plan's result). */
export class OverlayFs implements RepoFs {
  constructor(
    private readonly base: RepoFs,
    private readonly overlay: ReadonlyMap<string, string | null>,
  ) {}

  readText(rel: string): string | null {
    return this.overlay.has(rel) ? this.overlay.get(rel)! : this.base.readText(rel);
  }

  kind(rel: string): EntryKind | null {
    if (this.overlay.has(rel)) return this.overlay.get(rel) === null ? null : 'file';
    return this.base.kind(rel);
  }

  exactText(rel: string): boolean {
    return this.overlay.has(rel) || (this.base.exactText?.(rel) ?? true);
  }
}

/**
 * Files the plan would change whose bytes are not valid UTF-8 (a Latin-1 comment in a script or
 * a Dockerfile): read, each such byte became U+FFFD, so the text written back, or a patch made
 * from it, would change bytes the migration never meant to touch (and `git apply` would not
 * find the patch's context lines). The writer refused them already, at the last moment; the
 * plan refuses the setup instead, so --dry-run, --patch, --check and --yes all say the same.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';

/** READ_ERROR for `rel` when the plan would change or delete it and its text is not its bytes; else null. */
export function lossyText(fs: RepoFs, rel: string, setup: string): Diagnostic | null {
  if (fs.exactText?.(rel) !== false) return null;
  return diag('READ_ERROR', 'error', `${rel} is not valid UTF-8 text: read, each invalid byte became U+FFFD, so its planned change (and a patch of it) would alter bytes outside the migration`, {
    file: rel,
    setup,
    hint: 'Convert the file to UTF-8 (iconv -f latin1 -t utf-8), or migrate this setup by hand.',
  });
}

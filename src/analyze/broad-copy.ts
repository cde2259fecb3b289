/**
 * A runtime COPY of a folder that holds an extracted artifact beside files of the repository
 * (`COPY static /usr/share/nginx/html/static`, the script having extracted into
 * `static/licenses`): the folder's own files stay a context COPY, and the artifact gets a
 * `COPY --from` of its own right after it, at the place the folder's COPY landed it. That is
 * the same image only when the context holds nothing at the artifact's path (so the old COPY
 * took it from the extraction alone) and the folder is in the repository (so the context COPY
 * still finds it), and when the COPY has no flag that filters or places files differently.
 * The ignore file is checked with the other consumers (src/plan/artifact-ignore.ts).
 */
import type { CopyFacts } from './dockerfile.js';
import type { RepoFs } from '../model/fs.js';
import type { Artifact, ArtifactConsumer } from '../model/setup.js';
import { trimTrailingSlashes } from '../model/text.js';

/** Flags a split keeps on both lines without changing what lands where. */
const KEPT_FLAGS = /^--(chown|chmod|link)(=|$)/i;

/**
 * The consumer for `artifact` inside the folder `folder` (repository-relative, '' for the
 * root) that `copy`'s source `source` reads, or null when the split would not be exact.
 */
export function broadConsumer(artifact: Artifact, folder: string, copy: CopyFacts, ci: number, source: number, dockerfile: string, fs: RepoFs): ArtifactConsumer | null {
  const src = copy.sources[source]!;
  if (/[*?[]/.test(src.value) || copy.dest === null || copy.otherFlags.some((f) => !KEPT_FLAGS.test(f))) return null;
  if ((folder !== '' && fs.kind(folder) !== 'dir') || fs.kind(artifact.hostPath) !== null) return null;
  const within = artifact.hostPath.slice(folder === '' ? 0 : folder.length + 1);
  return { dockerfile, copy: ci, source, line: copy.line, hostSource: `${trimTrailingSlashes(src.value) || '.'}/${within}`, stagePath: trimTrailingSlashes(artifact.containerPath) || '/', within };
}

/**
 * `docker cp x:/out/. dist` into `dist`, a folder of the repository, then `COPY dist/ /srv/`:
 * the old COPY took the folder's own files with the container's over them (same-named ones
 * replaced). The line stays, and `COPY --from=<stage> /out /srv/` follows it, so the stage's
 * files land over the folder's own as the extraction put them over them. Only for a line of
 * one plain source whose flags place files alike from either place (a second source after
 * the folder would have landed over the container's files, and now lands under them).
 * `written` is the source as the build reads it (a value every build gives a variable alike
 * resolved: `ARG D=site` + `COPY ${D}/ …` reads site/), so the ignore file is checked against
 * the folder itself (src/plan/artifact-ignore.ts), not the text `${D}/`.
 */
export function contentsConsumer(artifact: Artifact, copy: CopyFacts, ci: number, source: number, dockerfile: string, fs: RepoFs, written: string): ArtifactConsumer | null {
  const src = copy.sources[source]!;
  if (!artifact.contentsOnly || fs.kind(artifact.hostPath) !== 'dir') return null;
  if (copy.sources.length !== 1 || /[*?[]/.test(src.value) || copy.dest === null || copy.otherFlags.some((f) => !KEPT_FLAGS.test(f))) return null;
  return { dockerfile, copy: ci, source, line: copy.line, hostSource: `${trimTrailingSlashes(written) || '.'}/`, stagePath: trimTrailingSlashes(artifact.containerPath) || '/', within: '' };
}

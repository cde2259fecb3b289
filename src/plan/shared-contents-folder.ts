/**
 * `docker cp x:/out/. site` into `site`, a folder of the repository, migrates as the folder's
 * own COPY followed by a `COPY --from` of the stage's files (../analyze/link.ts
 * contentsOverFolder). Another setup's extraction into the same folder, into a path in it, or
 * onto a folder holding it, also wrote there, in the order the script ran the copies: the later
 * one's files won. The merge writes each setup's `COPY --from` lines in the order of the
 * builders, not of the extractions, so which files win is not kept. Such setups are all
 * refused (ARTIFACT_DEST_EXISTS). Copies of one setup stay in their own order and are not
 * concerned.
 */
import type { Analysis } from '../analyze/index.js';
import { diag } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { Artifact, Setup } from '../model/setup.js';
import { shownCommand } from '../model/script.js';

const contentsOver = (a: Artifact, fs: RepoFs) => a.contentsOnly === true && fs.kind(a.hostPath) === 'dir' && a.consumers.some((c) => c.within === '' && !c.folderOnly);

/** Whether two host paths are the same or one holds the other ('' is the root). */
const meet = (p: string, q: string) => p === q || p === '' || q === '' || p.startsWith(`${q}/`) || q.startsWith(`${p}/`);

export function markSharedContentsFolders(analysis: Analysis, fs: RepoFs): void {
  const all = analysis.setups.flatMap((s) => s.artifacts.map((a) => ({ s, a })));
  const marked = new Set<Setup>();
  for (const { s, a } of all) {
    if (!contentsOver(a, fs)) continue;
    for (const o of all) {
      if (o.s === s || !meet(o.a.hostPath, a.hostPath)) continue;
      const shown = (x: Artifact) => `\`${shownCommand(x.via.cmd)}\` (${x.via.cmd.file}:${x.via.cmd.line})`;
      const message = `${shown(a)} copies everything in ${a.containerPath} into ${a.hostPath}, a folder of the repository, and ${shown(o.a)}, of another builder, copies into ${o.a.hostPath === a.hostPath ? 'it' : o.a.hostPath} too: the merge would write their COPY --from lines in the order of the builders, not of the copies, so which files win is not kept`;
      for (const [setup, own] of [[s, a], [o.s, o.a]] as const) {
        if (marked.has(setup)) continue;
        marked.add(setup);
        setup.diagnostics.push(diag('ARTIFACT_DEST_EXISTS', 'error', message, {
          file: own.via.cmd.file,
          line: own.via.cmd.line,
          setup: setup.id,
          hint: "Copy each builder's files into a folder of its own (or migrate by hand), then run the tool again.",
        }));
      }
    }
  }
}

/**
 * A runtime COPY of a folder that holds an artifact is split (src/analyze/broad-copy.ts) only
 * when the migration changes nothing else the folder holds: a script it rewrites, a Dockerfile
 * it merges or deletes. Otherwise the context COPY would bring different files than before.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Setup } from '../model/setup.js';

/**
 * The first file the migration may change that lies in `folder` ('' for the whole context):
 * the setup's own files, then every script and Dockerfile the analysis read. Only a COPY of a
 * folder around an artifact asks, so a sweep does not list every file for every setup.
 */
function heldFile(setup: Setup, names: ReadNames, folder: string): string | undefined {
  const inFolder = (f: string | null | undefined): f is string => typeof f === 'string' && (folder === '' || f.startsWith(`${folder}/`));
  for (const f of [setup.script, setup.builder.dockerfile, setup.runtime?.dockerfile]) if (inFolder(f)) return f;
  for (const f of names.scripts) if (inFolder(f)) return f;
  for (const f of names.dockerfiles) if (inFolder(f)) return f;
  return undefined;
}

/** The names of every script and Dockerfile the analysis read, in its order (listed before any part of the root is planned and let go). */
export interface ReadNames {
  scripts: Iterable<string>;
  dockerfiles: Iterable<string>;
}

export function checkBroadCopies(setup: Setup, names: ReadNames): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of setup.artifacts) {
    for (const c of a.consumers) {
      if (c.within === undefined) continue;
      const folder = a.hostPath.slice(0, a.hostPath.length - c.within.length).replace(/\/$/, '');
      const held = heldFile(setup, names, folder);
      if (!held) continue;
      out.push(diag('ARTIFACT_IN_BROAD_COPY', 'error', `\`COPY ${c.hostSource.slice(0, c.hostSource.length - c.within.length - 1)}\` copies the extracted ${a.hostPath} together with ${folder || 'the whole context'}, which also holds ${held}, a file the migration may change or delete`, {
        file: c.dockerfile,
        line: c.line,
        setup: setup.id,
        hint: 'Copy the artifact with its own COPY line (or copy a folder that holds no build files), then run the tool again.',
      }));
    }
  }
  return out;
}

/**
 * A runtime COPY of a folder that holds an artifact is split (src/analyze/broad-copy.ts) only
 * when the migration changes nothing else the folder holds: a script it rewrites, a Dockerfile
 * it merges or deletes. Otherwise the context COPY would bring different files than before.
 */
import type { Analysis } from '../analyze/index.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Setup } from '../model/setup.js';

export function checkBroadCopies(setup: Setup, analysis: Analysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  const files = [setup.script, setup.builder.dockerfile, setup.runtime?.dockerfile, ...analysis.scripts.keys(), ...analysis.dockerfiles.keys()].filter((f): f is string => typeof f === 'string');
  for (const a of setup.artifacts) {
    for (const c of a.consumers) {
      if (c.within === undefined) continue;
      const folder = a.hostPath.slice(0, a.hostPath.length - c.within.length).replace(/\/$/, '');
      const held = files.find((f) => folder === '' || f.startsWith(`${folder}/`));
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

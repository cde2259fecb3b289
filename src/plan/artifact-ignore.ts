/**
 * The old runtime build read each extracted artifact from its context, through its ignore
 * file: a pattern such as `**\/*.map` dropped files inside an extracted folder. `COPY --from`
 * reads the builder stage, where no ignore file applies. Any runtime pattern that can match
 * the artifact or anything under it refuses the setup, since the files it dropped would now
 * reach the image, unless a later `!` rule sends the whole artifact again (an allowlist:
 * `*`, then `!app`; ./ignore-rules.ts).
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { Setup } from '../model/setup.js';
import { ignoreRules, ruleHidingUnder } from './ignore-rules.js';

export function checkArtifactIgnores(setup: Setup, ignoreFile: string | null, fs: RepoFs): Diagnostic[] {
  if (ignoreFile === null) return [];
  const rules = ignoreRules(fs.readText(ignoreFile) ?? '');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const a of setup.artifacts) {
    for (const c of a.consumers) {
      const rel = path.normalize(c.hostSource).replace(/^\/+|\/+$/g, '').replace(/^\.$/, '');
      const p = ruleHidingUnder(rules, rel);
      if (!p || seen.has(rel)) continue;
      seen.add(rel);
      out.push(
        diag('ARTIFACT_IGNORED', 'error', `${ignoreFile} has \`${p.pattern}\`, which may leave files of the extracted ${c.hostSource} out of the old runtime build; COPY --from reads the builder stage, where no ignore file applies`, {
          file: ignoreFile,
          line: p.line,
          setup: setup.id,
          hint: `Remove those files in the builder stage (or make the pattern unable to match under ${rel || '.'}), then run the tool again.`,
        }),
      );
    }
  }
  return out;
}

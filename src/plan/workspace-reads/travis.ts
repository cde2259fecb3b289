/**
 * Travis CI: `cache: directories:` (at the root or in a `jobs.include` entry) are saved from
 * the build folder after the job, and the `addons: artifacts:` upload takes every untracked file. A `deploy:` that reads paths (`file:`, `local_dir:`) is
 * refused where the file is read (src/analyze/hosts/travis.ts); `provider: script` deploys are
 * shell, read as such.
 */
import type { Document } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, maps, read, stringsOf, type WorkspaceRead } from './read.js';

export function travisReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  for (const m of maps(doc.contents)) {
    const cache = m.get('cache', true);
    if (y.isMap(cache)) for (const s of stringsOf(cache.get('directories', true))) out.push(...read('the `cache: directories:`', s.value, lineOf(lines, s.node)));
    // The artifacts addon uploads at the end of the job, after after_script: every untracked
    // file (`git ls-files -o`) unless `paths:` (or the repository's ARTIFACTS_PATHS) says otherwise.
    const addons = m.get('addons', true);
    const artifacts = y.isMap(addons) ? addons.get('artifacts', true) : undefined;
    if (artifacts !== undefined && artifacts !== null && !(y.isScalar(artifacts) && (artifacts.value === false || artifacts.value === null))) {
      out.push({ by: 'the `addons: artifacts:` upload (every untracked file of the build\'s folder, unless its `paths:` or the repository\'s ARTIFACTS_PATHS say otherwise)', path: '', glob: false, line: lineOf(lines, artifacts) });
    }
  }
  return out;
}

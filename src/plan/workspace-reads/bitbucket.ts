/**
 * Bitbucket Pipelines: a step's `artifacts:` (a list of patterns, or `paths:` under it) are
 * taken from the clone after its script for the steps that follow; a cache defined under
 * `definitions: caches:` (a path, or `path:`) is saved from it.
 */
import type { Document } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, maps, read, stringsOf, type WorkspaceRead } from './read.js';

/** The checkout, `$BITBUCKET_CLONE_DIR`: a path under it is a path of the repository. */
const ROOT = /^\$(\{BITBUCKET_CLONE_DIR\}|BITBUCKET_CLONE_DIR\b)(\/|$)/;

export function bitbucketReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  const add = (node: unknown, by: string) => {
    for (const s of stringsOf(node)) out.push(...read(by, s.value, lineOf(lines, s.node), ROOT));
  };
  for (const m of maps(doc.contents)) {
    const step = m.get('step', true);
    if (y.isMap(step)) {
      const artifacts = step.get('artifacts', true);
      add(y.isMap(artifacts) ? artifacts.get('paths', true) : artifacts, 'the step\'s `artifacts:`');
    }
  }
  const caches = y.isMap(doc.contents) ? doc.contents.getIn(['definitions', 'caches'], true) : null;
  if (y.isMap(caches)) {
    for (const c of caches.items) {
      const name = y.isScalar(c.key) ? String(c.key.value) : '';
      add(y.isMap(c.value) ? c.value.get('path', true) : c.value, `the cache \`${name}\` (\`definitions: caches:\`)`);
    }
  }
  return out;
}

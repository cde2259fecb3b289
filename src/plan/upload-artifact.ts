/**
 * GitHub Actions steps that take files from the runner's workspace after the run:
 * `uses: actions/upload-artifact` with its `path:` (one path or pattern a line, `!` excludes).
 * Read with the `yaml` package; a `${{ … }}` expression is a path only known at run time.
 */
import type { YAMLMap } from 'yaml';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { LineIndex } from '../model/text.js';

export interface Upload {
  uses: string;
  /** Repository-relative path or pattern, null when only known at run time. */
  path: string | null;
  line: number;
}

export function uploadedPaths(text: string): Upload[] {
  const y = yaml();
  const doc = y.parseDocument(text);
  if (doc.errors.length > 0 || !y.isMap(doc.contents)) return [];
  const lines = new LineIndex(text);
  const jobs = doc.contents.get('jobs', true);
  if (!y.isMap(jobs)) return [];
  const out: Upload[] = [];
  for (const jp of jobs.items) {
    const steps = y.isMap(jp.value) ? (jp.value as YAMLMap).get('steps', true) : null;
    if (!y.isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!y.isMap(step)) continue;
      const uses = step.get('uses');
      if (typeof uses !== 'string' || !/^actions\/upload-artifact(@|$)/.test(uses)) continue;
      const node = step.getIn(['with', 'path'], true);
      const line = lines.lineOf(y.isNode(node) && node.range ? node.range[0] : (step.range?.[0] ?? 0));
      const value = y.isScalar(node) ? node.value : null;
      if (typeof value !== 'string') {
        out.push({ uses, path: null, line });
        continue;
      }
      for (const raw of value.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('!'))) {
        out.push({ uses, path: raw.includes('${{') ? null : raw.replace(/^\.\//, '').replace(/\/+$/, '').replace(/^\.$/, ''), line });
      }
    }
  }
  return out;
}

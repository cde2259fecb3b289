/**
 * CircleCI: steps that take files from the job's folder: `store_artifacts:` and
 * `store_test_results:` (`path:`), `persist_to_workspace:` (`root:` + each of `paths:`) and
 * `save_cache:` (`paths:`). Relative paths are the job's `working_directory` (the checkout,
 * `~/project`, unless the job names another; then they are not known here).
 */
import type { Document, YAMLMap } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, read, stringsOf, type WorkspaceRead } from './read.js';

const CHECKOUT = /^(~|\/home\/circleci)\/project\/?/;

export function circleReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  const jobs = y.isMap(doc.contents) ? doc.contents.get('jobs', true) : null;
  if (!y.isMap(jobs)) return out;
  for (const jp of jobs.items) {
    if (!y.isMap(jp.value)) continue;
    const job = jp.value as YAMLMap;
    const wd = job.get('working_directory');
    // Paths as the checkout sees them; under another working directory, not known here.
    const here = (p: string) => (typeof wd === 'string' && !CHECKOUT.test(`${wd}/`) && !p.startsWith('/') && !p.startsWith('~') ? `$WD/${p}` : p.replace(CHECKOUT, ''));
    const steps = job.get('steps', true);
    if (!y.isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!y.isMap(step)) continue;
      for (const sp of step.items) {
        const kind = y.isScalar(sp.key) ? String(sp.key.value) : '';
        const body = sp.value;
        if (!y.isMap(body)) continue;
        const by = `the step \`${kind}:\``;
        // A step reads its own job's folder: each job runs in an executor of its own.
        const add = (raw: string, node: unknown) => out.push(...read(by, raw, lineOf(lines, node)).map((r) => ({ ...r, job: String(y.isScalar(jp.key) ? jp.key.value : '') })));
        if (kind === 'store_artifacts' || kind === 'store_test_results') {
          for (const s of stringsOf(body.get('path', true))) add(here(s.value), s.node);
        } else if (kind === 'save_cache') {
          for (const s of stringsOf(body.get('paths', true))) add(here(s.value), s.node);
        } else if (kind === 'persist_to_workspace') {
          // `paths:` are relative to `root:`; a root outside the checkout holds none of its files.
          const root = body.get('root');
          const base = here(typeof root === 'string' ? root : '.');
          for (const s of stringsOf(body.get('paths', true))) add(base === '' ? s.value : `${base}/${s.value}`, s.node);
        }
      }
    }
  }
  return out;
}

/**
 * CircleCI: steps that take files from the job's folder: `store_artifacts:` and
 * `store_test_results:` (`path:`), `persist_to_workspace:` (`root:` + each of `paths:`) and
 * `save_cache:` (`paths:`), inside reusable commands and `when:`/`unless:` steps too, and any
 * orb's command, which may read any path its parameters mention (each word of each, as an
 * unknown GitHub action's inputs). A relative path is the job's `working_directory`, where
 * `checkout` puts the repository (`~/project` unless the job names another), and a path under
 * that folder is one of the repository; with `checkout: path:` elsewhere, not known here.
 */
import type { Document, YAMLMap } from 'yaml';
import { circleJobs, circleSteps } from '../../analyze/hosts/circleci-steps.js';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, read, stringsOf, type WorkspaceRead } from './read.js';

const DEFAULT_HOME = /^(~|\/home\/circleci)\/project\/?/;
const PATH_LIKE = /path|file|dir|folder|artifact|glob|pattern|context|source|from/i;

export function circleReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  if (!y.isMap(doc.contents)) return out;
  const root = doc.contents as YAMLMap;
  for (const job of circleJobs(root)) {
    const steps = circleSteps(root, job, '', (at) => lines.lineOf(at));
    const wdNode = job.get('working_directory');
    const wd = wdNode === undefined ? '~/project' : y.isScalar(wdNode) && typeof wdNode.value === 'string' ? wdNode.value.replace(/\/+$/, '') : null;
    const checkoutElsewhere = steps.some((s) => s.kind === 'checkout' && y.isMap(s.body) && s.body.has('path'));
    const known = wd !== null && !checkoutElsewhere && !wd.includes('$') && !wd.includes('<<') && (wd.startsWith('~/') || wd.startsWith('/'));
    // Paths as the checkout sees them ('' its root); a `$…` mark for one only known at run time.
    // The checkout's spellings: `~` is the executor's home (/home/circleci in CircleCI's images,
    // /root in an image run as root); counting a path as the checkout's when it may be keeps more on the host, never less.
    const spellings = !known ? [] : wd.startsWith('~/') ? [wd, `/home/circleci/${wd.slice(2)}`, `/root/${wd.slice(2)}`] : [wd];
    const here = (p: string): string => {
      if (p.includes('<<')) return `$${p}`;
      if (!known) return p.startsWith('/') || p.startsWith('~') ? p : `$WD/${p}`;
      for (const sp of spellings) {
        if (p === sp || p === `${sp}/`) return '';
        if (p.startsWith(`${sp}/`)) return p.slice(sp.length + 1);
      }
      if (wd === '~/project' && DEFAULT_HOME.test(p)) return p.replace(DEFAULT_HOME, '');
      return p;
    };
    for (const step of steps) {
      const body = step.body;
      const kind = step.kind;
      const by = step.orb ? `the step \`${kind}:\`, an orb's command the tool does not read` : `the step \`${kind}:\``;
      // A step reads its own job's folder: each job runs in an executor of its own.
      const add = (raw: string, node: unknown) => out.push(...read(by, raw, lineOf(lines, node)).map((r) => ({ ...r, job: job.name })));
      if (!y.isMap(body)) continue;
      const map = body as YAMLMap;
      if (kind === 'store_artifacts' || kind === 'store_test_results') {
        for (const s of stringsOf(map.get('path', true))) add(here(s.value), s.node);
      } else if (kind === 'save_cache') {
        for (const s of stringsOf(map.get('paths', true))) add(here(s.value), s.node);
      } else if (kind === 'persist_to_workspace') {
        // `paths:` are relative to `root:`; a root outside the checkout holds none of its files.
        const rootPath = map.get('root');
        const base = here(typeof rootPath === 'string' ? rootPath.replace(/\/+$/, '') : '.');
        const at = base === '.' ? '' : base;
        for (const s of stringsOf(map.get('paths', true))) add(at === '' ? s.value : `${at}/${s.value}`, s.node);
      } else if (step.orb) {
        for (const p of map.items) {
          const key = y.isScalar(p.key) ? String(p.key.value) : '';
          const line = lineOf(lines, p.value, p.key);
          const value = y.isScalar(p.value) ? p.value.value : null;
          const pby = `${by} (\`${key}:\`)`;
          if (typeof value !== 'string') {
            if (PATH_LIKE.test(key)) out.push({ by: pby, path: null, glob: false, line, job: job.name });
            continue;
          }
          for (const w of value.split(/[\s,]+/).filter((x) => x !== '')) {
            // A word only known at run time is no mention of a path unless its parameter is named for one.
            const rs = read(pby, here(w), line).filter((r) => r.path !== null || PATH_LIKE.test(key));
            out.push(...rs.map((r) => ({ ...r, job: job.name })));
          }
        }
      }
    }
  }
  return out;
}

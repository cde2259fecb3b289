/**
 * GitLab CI: the keys that take files from the job's folder after its script: `artifacts:`
 * (`paths:`, every `reports:` file, `untracked: true`) and `cache:` (`paths:`, `untracked:`;
 * one cache or a list), of every job, template and `default:`. Another job gets them, so they
 * are a use on the host after the extracting job's script. So is the folder a Pages job
 * publishes, which GitLab adds to the job's artifacts.
 */
import type { Document, YAMLMap } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, read, stringsOf, type WorkspaceRead } from './read.js';
import { includesOthers } from '../../analyze/hosts/ci-yaml.js';

/** Top-level keys that are no job. */
const GLOBAL_KEYS: ReadonlySet<string> = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);

/** The checkout, `$CI_PROJECT_DIR`: a path under it is a path of the repository. */
const ROOT = /^\$(\{CI_PROJECT_DIR\}|CI_PROJECT_DIR\b)(\/|$)/;

/** Whether a job takes `key` from `default:`: not under `inherit: default: false`, nor a list without it. */
function inheritsDefault(job: YAMLMap, key: string): boolean {
  const y = yaml();
  const inherit = job.get('inherit', true);
  const setting = y.isMap(inherit) ? inherit.get('default', true) : undefined;
  if (y.isScalar(setting) && setting.value === false) return false;
  if (y.isSeq(setting)) return setting.items.some((i) => y.isScalar(i) && i.value === key);
  return true;
}

export function gitlabReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  if (!y.isMap(doc.contents)) return out;
  const paths = (node: unknown, by: string) => {
    for (const s of stringsOf(node)) out.push(...read(by, s.value, lineOf(lines, s.node), ROOT));
  };
  const untracked = (m: YAMLMap, by: string) => {
    const u = m.get('untracked', true);
    if (y.isScalar(u) && u.value === true) out.push({ by: `${by} (\`untracked: true\`)`, path: '', glob: false, line: lineOf(lines, u) });
  };
  const keysOf = (job: YAMLMap, name: string) => {
    const artifacts = job.get('artifacts', true);
    if (y.isMap(artifacts)) {
      const by = `the \`artifacts:\` of ${name}`;
      paths(artifacts.get('paths', true), by);
      untracked(artifacts, by);
      const reports = artifacts.get('reports', true);
      if (y.isMap(reports)) {
        for (const r of reports.items) {
          const kind = y.isScalar(r.key) ? String(r.key.value) : '';
          // `coverage_report: {coverage_format, path}`; every other report is a file or a list of them.
          paths(y.isMap(r.value) ? r.value.get('path', true) : r.value, `the \`artifacts: reports: ${kind}:\` of ${name}`);
        }
      }
    }
    const cache = job.get('cache', true);
    for (const c of y.isSeq(cache) ? cache.items : [cache]) {
      if (!y.isMap(c)) continue;
      paths(c.get('paths', true), `the \`cache:\` of ${name}`);
      untracked(c, `the \`cache:\` of ${name}`);
    }
  };
  // A Pages job (named `pages`, or `pages: true`/`pages: {…}`; not `pages: false`) has GitLab
  // upload the folder it publishes as an artifact of its own, `public` unless `pages: publish:`
  // (or the older job-level `publish:`) names another: GitLab adds it to `artifacts: paths:`.
  // A template (`.docs`, which a job extends or takes a key of with `!reference`) setting
  // `pages:` or `publish:` may make any job a Pages job, as its `artifacts:` may be any job's;
  // so may a job's `pages:` the tool cannot read (`!reference [.docs, pages]`), `public` then.
  const pagesRead = (job: YAMLMap, name: string) => {
    const pages = job.get('pages', true);
    const off = y.isScalar(pages) && pages.value === false;
    const template = name.startsWith('.');
    const unread = pages !== undefined && pages !== null && !y.isMap(pages) && !y.isScalar(pages);
    const on = y.isMap(pages) || unread || (y.isScalar(pages) && pages.value === true) || (!off && (pages === undefined || pages === null) && (name === 'pages' || (template && job.has('publish'))));
    if (!on) return;
    const publish = (y.isMap(pages) ? pages.get('publish', true) : undefined) ?? job.get('publish', true);
    const by = template ? `the folder a Pages job extending ${name} publishes (GitLab adds it to its \`artifacts: paths:\`)` : `the folder Pages job ${name} publishes (GitLab adds it to its \`artifacts: paths:\`)`;
    if (publish !== undefined && publish !== null) paths(publish, by);
    else out.push(...read(`${by}, \`public\` by default`, 'public', lineOf(lines, pages ?? null, job)));
  };
  keysOf(doc.contents, 'the file');
  for (const jp of doc.contents.items) {
    const name = y.isScalar(jp.key) ? String(jp.key.value) : '';
    if (!y.isMap(jp.value)) continue;
    const first = out.length;
    keysOf(jp.value, name === 'default' ? '`default:`' : `job ${name}`);
    // A job's own keys take its own folder (each job starts from a fresh clone); `default:`, a
    // template (`.base`, which jobs extend) and the file's top-level keys may be any job's.
    if (name !== 'default' && !GLOBAL_KEYS.has(name)) pagesRead(jp.value, name);
    if (name !== 'default' && !name.startsWith('.')) for (const r of out.slice(first)) r.job = name;
    // A job with no `artifacts:` of its own, in a file that includes others: an included file's
    // `default:` may give it some (a job's own key replaces the default's), and what they name is
    // not known, so they may take the whole folder. (A `cache:` so given is left: GitLab keeps no
    // promise that a cache is there, so no later job may rely on what it holds.)
    if (name === 'default' || name.startsWith('.') || GLOBAL_KEYS.has(name) || !includesOthers(doc.contents)) continue;
    if (!jp.value.has('artifacts') && inheritsDefault(jp.value, 'artifacts')) {
      out.push({
        by: `the \`artifacts:\` an included file's \`default:\` may give job ${name}`,
        path: '',
        glob: false,
        line: lineOf(lines, doc.contents.get('include', true)),
        job: name,
        hint: "Give the job its own `artifacts:` (or `inherit: default: false`), so that no included `default:` gives it some, then run the tool again; or migrate by hand.",
      });
    }
  }
  return out;
}

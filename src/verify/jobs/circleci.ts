/**
 * A CircleCI job as --verify runs it: each `run:` step its own `/bin/bash -eo pipefail` (or the
 * bash/sh its `shell:` names), in the job's `working_directory` (the checkout, here the copy
 * itself) or the step's, with the job's and step's `environment:`. `checkout`,
 * `setup_remote_docker` and steps that only keep files for later (caches, artifacts, test
 * results, workspaces) do nothing here; `when: on_fail` steps are left out (the run stops at
 * a failure). Orb commands, `attach_workspace`, background steps, `<< … >>` parameters and
 * other shells make the job one that cannot run here.
 */
import { yaml } from '../../analyze/hosts/yaml-module.js';
import { resolveRel } from '../../model/paths.js';
import type { EntryStep } from '../entry.js';
import { RUN } from '../run-values.js';

/**
 * Made-up values for what CircleCI fixes for the run (../../analyze/hosts/circleci.ts RUN_CONSTANT):
 * one value in every step of both pipelines, as on the service.
 */
const RUN_VALUES: Record<string, string> = { CIRCLE_SHA1: RUN.commit, CIRCLE_BRANCH: RUN.branch, CIRCLE_BUILD_NUM: RUN.number, CIRCLE_PROJECT_REPONAME: RUN.repository, CIRCLE_PROJECT_USERNAME: RUN.owner, CIRCLE_USERNAME: RUN.owner, CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '1' };

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});
const strings = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(o)).map(([k, v]) => [k, String(v)]));

const DEFAULT_WORKDIR = '~/project';
const NOTHING_HERE = new Set(['checkout', 'setup_remote_docker', 'save_cache', 'restore_cache', 'store_artifacts', 'store_test_results', 'persist_to_workspace', 'add_ssh_keys']);

/** The repository-relative folder for a step's `working_directory`, or null when it is outside the checkout. */
function folder(jobDir: string, wd: unknown): string | null {
  if (wd === undefined || wd === null) return '';
  const dir = String(wd);
  if (dir === jobDir) return '';
  if (dir.startsWith(`${jobDir}/`)) return resolveRel('', dir.slice(jobDir.length + 1));
  if (dir.startsWith('/') || dir.startsWith('~') || dir.includes('$')) return null;
  const rel = resolveRel('', dir);
  return rel.startsWith('..') ? null : rel;
}

/** The shell argv for a step, or null for one that is not bash or sh. */
function shellArgv(named: unknown): string[] | null {
  if (named === undefined || named === null) return ['/bin/bash', '-eo', 'pipefail'];
  const words = String(named).trim().split(/\s+/);
  return /^(\/bin\/|\/usr\/bin\/)?(bash|sh)$/.test(words[0]!) ? words : null;
}

/** CircleCI job `job` of `.circleci/config.yml` text, or why it cannot run here. */
export function circleSteps(text: string, job: string): EntryStep[] | { none: string } {
  // (CircleCI applies YAML merge keys: `<<: *defaults` gives a job the keys it merges)
  const j = obj(obj(obj(yaml().parse(text, { merge: true }))['jobs'])[job]);
  const why = (w: string) => ({ none: `.circleci/config.yml job ${job} ${w}` });
  const steps = Array.isArray(j['steps']) ? (j['steps'] as unknown[]) : [];
  const executor = j['executor'];
  if (/win/i.test(typeof executor === 'string' ? executor : String(obj(executor)['name'] ?? ''))) return why('runs on a Windows executor');
  const jobDir = String(j['working_directory'] ?? DEFAULT_WORKDIR);
  const out: EntryStep[] = [];
  for (const [k, raw] of steps.entries()) {
    const label = `step ${k + 1}`;
    const name = typeof raw === 'string' ? raw : Object.keys(obj(raw))[0] ?? '';
    if (NOTHING_HERE.has(name)) {
      if (name === 'checkout' && obj(obj(raw)['checkout'])['path'] !== undefined) return why(`${label} checks the repository out elsewhere`);
      continue;
    }
    if (name !== 'run') return why(`${label} runs ${name}, which cannot run here`);
    const run = obj(raw)['run'];
    const detail = typeof run === 'string' ? { command: run } : obj(run);
    const command = detail['command'];
    if (typeof command !== 'string') return why(`${label} has no command`);
    if (detail['when'] === 'on_fail') continue;
    if (detail['background'] === true) return why(`${label} runs in the background`);
    if (/<<\s*(pipeline|parameters)\./.test(command)) return why(`${label} uses << … >> parameters, which only CircleCI fills in`);
    const shell = shellArgv(detail['shell'] ?? j['shell']);
    if (!shell) return why(`${label} runs in ${String(detail['shell'] ?? j['shell'])}, which is not run here`);
    const cwd = folder(jobDir, detail['working_directory']);
    if (cwd === null) return why(`${label} runs outside the checkout (${String(detail['working_directory'])})`);
    out.push({ argv: [...shell, '-c', command], cwd, env: { CI: 'true', CIRCLECI: 'true', ...RUN_VALUES, ...strings(j['environment']), ...strings(detail['environment']) }, label });
  }
  return out;
}

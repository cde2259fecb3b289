/**
 * A Travis CI job as --verify runs it: one bash from the repository root (a `cd` carries on),
 * `env: global` exported first (then an include job's own `env:`), then `before_install`,
 * `install` and `before_script` (the first failing command ends the job), `script` (every
 * command runs; the job fails if one did), `after_success` (its failures do not count), and the
 * `provider: script` deploys with no `on:` conditions between `before_deploy` and `after_deploy`
 * (a failure ends the job), then `after_script` (its failures do not count; `after_failure` runs
 * only after a failed script, whose run is refused anyway). A deploy with `on:` conditions runs on chosen builds only, and another
 * provider is not shell: neither is run here. Jobs are named as in src/model/travis-jobs.ts
 * (`default`, `include N`), each inheriting the root's keys it does not set. What only Travis
 * gives makes the job one that cannot run here: encrypted values, an `env:` matrix of several
 * rows, a language's default install or script, Windows.
 */
import { yaml } from '../../analyze/hosts/yaml-module.js';
import { NO_DEFAULT_PHASES, TRAVIS_PHASES, travisJobs } from '../../model/travis-jobs.js';
import type { EntryStep } from '../entry.js';
import { ignoringFailure, runAllThenFail, stopOnFailure } from './items.js';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});

/** A phase's commands (`skip` is none), or why it cannot run here. */
function phase(get: (key: string) => unknown, name: string): string[] | { none: string } {
  const v = get(name);
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  if (items.length === 1 && items[0] === 'skip') return [];
  if (items.some((i) => typeof i !== 'string' && typeof i !== 'number' && typeof i !== 'boolean')) return { none: `its ${name} phase holds something other than commands` };
  return items.map(String);
}

/** `env:` lines to export: `global` and a single matrix row; why not, for secrets and matrices. */
function envLines(env: unknown): string[] | { none: string } {
  const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined || x === null ? [] : [x]);
  const e = obj(env);
  const isMatrixMap = typeof env === 'object' && env !== null && !Array.isArray(env);
  const global = isMatrixMap ? list(e['global']) : [];
  const rows = isMatrixMap ? list(e['jobs'] ?? e['matrix']) : list(env);
  if (rows.length > 1) return { none: `its env: matrix makes ${rows.length} jobs, which --verify does not choose between` };
  const lines = [...global, ...rows];
  if (lines.some((l) => typeof l !== 'string')) return { none: 'it uses encrypted (secure:) values, which only Travis CI decrypts' };
  return lines.map((l) => `export ${l as string}`);
}

/** The Travis CI job `job` (`default`, the file's own phases) of `.travis.yml` text, or why it cannot run here. */
export function travisSteps(text: string, job: string): EntryStep[] | { none: string } {
  const root = obj(yaml().parse(text));
  const why = (w: string) => ({ none: `.travis.yml job ${job}: ${w}` });
  const items = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined || x === null ? [] : [x]);
  const found = travisJobs<unknown>(root, { get: (m, k) => (m && typeof m === 'object' && !Array.isArray(m) ? (m as Obj)[k] : undefined), items, isMap: (x) => x !== null && typeof x === 'object' && !Array.isArray(x) }).find((j) => j.name === job);
  if (!found) return why('no such job');
  const get = found.get;
  if (items(get('os')).includes('windows')) return why('it runs on Windows');
  const language = String(get('language') ?? 'ruby');
  const phases: Record<string, string[]> = {};
  for (const name of [...TRAVIS_PHASES, 'before_deploy', 'after_deploy', 'after_script']) {
    const p = phase(get, name);
    if ('none' in p) return why(p.none);
    phases[name] = p;
  }
  if (!NO_DEFAULT_PHASES.has(language)) {
    for (const name of ['install', 'script']) if (get(name) === undefined || get(name) === null) return why(`it runs the default ${name} of language: ${language}, which only Travis CI knows`);
  }
  const deploys = items(get('deploy')).map(obj).filter((d) => d['provider'] === 'script' && d['on'] === undefined);
  const deploy: string[] = [];
  for (const d of deploys) {
    const p = phase((k) => d[k], 'script');
    if ('none' in p) return why(`its deploy ${p.none}`);
    deploy.push(...p);
  }
  // An include job's own `env:` is that one job's variables, after the root's `global` ones.
  const own = found.own ? obj(found.own)['env'] : undefined;
  const rootEnv = root['env'];
  const rootGlobal = rootEnv && typeof rootEnv === 'object' && !Array.isArray(rootEnv) ? items(obj(rootEnv)['global']) : [];
  const env = envLines(own === undefined ? rootEnv : { global: [...rootGlobal, ...(own && typeof own === 'object' && !Array.isArray(own) ? items(obj(own)['global']) : items(own))] });
  if ('none' in env) return why(env.none);
  const shell = [
    'export TRAVIS_BUILD_DIR="$PWD"\n',
    ...env.map((l) => `${l}\n`),
    stopOnFailure([...phases['before_install']!, ...phases['install']!, ...phases['before_script']!]),
    runAllThenFail(phases['script']!),
    ignoringFailure(phases['after_success']!),
    deploy.length > 0 ? stopOnFailure([...phases['before_deploy']!, ...deploy, ...phases['after_deploy']!]) : '',
    ignoringFailure(phases['after_script']!),
    'exit 0\n',
  ].join('');
  return [{ argv: ['bash', '-c', shell], cwd: '', env: { CI: 'true', TRAVIS: 'true', CONTINUOUS_INTEGRATION: 'true' }, label: `job ${job}` }];
}

/**
 * Travis CI (`.travis.yml`). A job's phases run in one shell from the repository root, so a `cd`
 * carries over to the next item and phase, in Travis's order: before_install, install,
 * before_script, script, before_cache, after_success, then the deploy (`before_deploy`, each `deploy:` entry,
 * `after_deploy`), and `after_script` last. `after_failure`, which runs instead of after_success
 * and the deploy when the script failed, is read before after_script in a branch of its own
 * (src/analyze/conditions.ts), so a setup with a step there is refused (CONDITIONAL_STEP). A `provider: script` deploy is shell; a deploy runs on
 * some builds only (never a pull request's; the master branch's unless `on:` says otherwise), so a
 * setup whose steps are in it (or in before_deploy, after_deploy) is refused (CONDITIONAL_STEP). Another
 * provider is not shell: one that names a path (`file:`, `local_dir:`) may read the artifact,
 * so the setups of its job are refused (SHELL_NOT_READ).
 *
 * `jobs.include` (or `matrix.include`) entries are jobs of their own, each inheriting the root's
 * keys it does not set; a setup is read in one job, never across jobs. The root's own job runs
 * when there is no include, or when a root key expands the matrix (travisJobs, ../../model/travis-jobs.ts).
 */
import type { Scalar, YAMLMap } from 'yaml';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { ScriptCommand } from '../../model/script.js';
import { DEPLOY_PATH_KEYS, TRAVIS_PHASES, travisJobs } from '../../model/travis-jobs.js';
import type { EmbeddedScript, UnreadStep } from '../embedded.js';
import { fileOffset } from '../offset-runs.js';
import { addList, finish, parseDocument, sharedMapThrough, travisEnv, type Reader } from './ci-lists.js';
import { isMap, isScalar, isSeq } from './ci-yaml.js';
import { TRAVIS_BUILDKIT_WHY, withHostBuildkit } from './host-buildkit.js';

/** The phases whose failing item ends the job (errored). */
const STOPPING_PHASES: ReadonlySet<string> = new Set(['before_install', 'install', 'before_script']);

const list = (n: unknown): unknown[] => (isSeq(n) ? n.items : n === undefined || n === null ? [] : [n]);

export function parseTravis(file: string, text: string): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const { root, diagnostics } = parseDocument(file, text);
  if (!root) return { script: null, diagnostics };
  const r: Reader = { text, file, snippets: [], exprs: { n: 0 }, root };
  const os = root.get('os', true);
  if (list(os).some((o) => isScalar(o) && String(o.value) === 'windows')) {
    // Travis runs Windows jobs in Git Bash, which the tool does not model.
    if (text.includes('docker')) diagnostics.push(diag('SHELL_NOT_READ', 'warning', `${file} runs on Windows (Git Bash), which the tool does not read; its commands were not followed`, { file, line: 1, hint: 'Migrate this build by hand.' }));
    return { script: null, diagnostics };
  }
  const get = (m: unknown, key: string): unknown => (isMap(m) ? m.get(key, true) : undefined);
  const jobs = travisJobs<unknown>(root, { get, items: list, isMap });
  // A phase the root and its jobs share is read once: a name some job sets otherwise is not known there.
  const rootVars = travisEnv(root.get('env', true));
  for (const job of jobs) if (job.own) for (const [k, v] of travisEnv(get(job.own, 'env'))) if (rootVars.get(k) !== v) rootVars.set(k, null);
  // One snippet per YAML item: a phase the root and several jobs share is read once, in the root's place.
  const read = new Map<unknown, number[]>();
  const notRead = new Map<unknown, Diagnostic[]>();
  const groups: number[][] = [];
  const conditional: { job: number; snippets: number[]; label: string; why: string }[] = [];
  const unread: { job: number; diagnostic: Diagnostic }[] = [];
  /** A job's own snippet that follows a phase it inherits: the shell it starts in is that phase's end. */
  const joins: { job: number; after: number; at: number; env: ReadonlyMap<string, string | null> }[] = [];
  /** A job's after_failure: the snippets that end its script and its success path, to check it starts and ends as they do. */
  const failures: { job: number; scriptEnd: number; successEnd: number; ids: number[]; label: string }[] = [];
  for (const [j, job] of jobs.entries()) {
    const ownEnv = job.own ? travisEnv(get(job.own, 'env')) : new Map<string, string | null>();
    // The job's docker builds with the legacy builder unless DOCKER_BUILDKIT=1 is set (./host-buildkit.ts).
    const start = withHostBuildkit(job.own ? new Map([...rootVars, ...ownEnv]) : rootVars, TRAVIS_BUILDKIT_WHY);
    const vars = start.vars;
    const group: number[] = [];
    const where = job.name === 'default' ? file : `${file} job ${job.name}${job.stage ? ` (stage ${job.stage})` : ''}`;
    const phase = (node: unknown, label: string): number[] => {
      if (node === undefined || node === null) return [];
      if (isScalar(node) && node.value === 'skip') return [];
      const seen = read.get(node);
      // An item the tool cannot read concerns every job that runs the phase.
      if (seen) {
        for (const d of notRead.get(node) ?? []) unread.push({ job: j, diagnostic: d });
        return seen;
      }
      // The first snippet of a job continues the shell only when the snippet before it is this job's too.
      const continues = group.length > 0 && group[group.length - 1] === r.snippets.length - 1;
      const missed: Diagnostic[] = [];
      const ids = addList(r, node, vars, `${where} ${label}`, continues, (at, why) => missed.push(diag('SHELL_NOT_READ', 'warning', `${where} ${label}: ${why}; the job runs it among the commands the tool reads, so they were not followed`, { file, line: lineOf(text, at), hint: 'Write the commands as plain strings (or aliases of strings), or migrate this build by hand.' })));
      notRead.set(node, missed);
      for (const d of missed) unread.push({ job: j, diagnostic: d });
      if (group.length > 0 && !continues && ids.length > 0) joins.push({ job: j, after: group[group.length - 1]!, at: ids[0]!, env: ownEnv });
      read.set(node, ids);
      return ids;
    };
    let scriptEnd = -1;
    let successFrom = 0;
    for (const name of TRAVIS_PHASES) {
      if (name === 'before_cache') {
        scriptEnd = group[group.length - 1] ?? -1;
        successFrom = group.length;
      }
      const ids = phase(job.get(name), name);
      // A failing item of before_install, install or before_script errors the job and stops it;
      // the script's items all run, the job failing if one did.
      if (STOPPING_PHASES.has(name)) for (const id of ids) r.snippets[id]!.stopsOnFailure = true;
      // before_cache runs only where caching is effective: a job with `cache:`, on the builds whose cache is stored.
      if (name === 'before_cache' && ids.length > 0) conditional.push({ job: j, snippets: ids, label: `${where} before_cache`, why: 'runs only where the job\'s cache is stored (a `cache:` key; Travis stores only the caches of pushed builds)' });
      group.push(...ids);
    }
    const deploys = list(job.get('deploy')).filter(isMap);
    if (deploys.length > 0) {
      const before = group.length;
      group.push(...phase(job.get('before_deploy'), 'before_deploy'));
      for (const [k, d] of deploys.entries()) {
        const provider = String(get(d, 'provider') ?? '');
        const label = `deploy${deploys.length > 1 ? ` ${k + 1}` : ''} (provider ${provider || '?'})`;
        if (provider === 'script') group.push(...phase(get(d, 'script'), label));
        else {
          const paths = DEPLOY_PATH_KEYS.filter((key) => get(d, key) !== undefined);
          if (paths.length > 0) {
            const at = (d as YAMLMap).range?.[0] ?? 0;
            unread.push({ job: j, diagnostic: diag('SHELL_NOT_READ', 'warning', `${where} ${label} reads ${paths.map((p) => `\`${p}: ${String((get(d, p) as Scalar | undefined)?.value ?? '…')}\``).join(', ')} on the host, which the tool does not follow; it may read the artifact`, { file, line: lineOf(text, at), hint: 'Migrate this build by hand, or deploy from the image.' }) });
          } else if (!cleansUp(d, get)) {
            // Without its cleanup (`git stash --all`), a provider reads the build's folder as the
            // job left it, untracked files included: S3, GCS and Pages upload `local_dir`, which
            // defaults to the current folder; npm publishes it, Heroku's API strategy packs it.
            const at = (d as YAMLMap).range?.[0] ?? 0;
            unread.push({ job: j, diagnostic: diag('SHELL_NOT_READ', 'warning', `${where} ${label} runs without cleaning the build's folder first (${cleanupWhy(d, get)}), and the provider reads files from it, from the current folder where it names none; it may read the artifact, which the tool does not follow`, { file, line: lineOf(text, at), hint: 'Migrate this build by hand, or deploy from the image.' }) });
          }
        }
      }
      group.push(...phase(job.get('after_deploy'), 'after_deploy'));
      // Travis deploys from some builds only: never a pull request's, and by default only the
      // master branch's (`on:` chooses others, and may narrow them further).
      const on = deploys.some((d) => get(d, 'on') !== undefined);
      conditional.push({ job: j, snippets: group.slice(before), label: `${where} deploy`, why: `runs only on the builds Travis deploys from (never a pull request's, ${on ? 'and those its `on:` conditions allow' : 'and only the master branch\'s where no `on:` says otherwise'})` });
    }
    // `after_failure` runs instead of after_success and the deploy, only when the script failed:
    // read after them, in a branch of its own, from the shell the script left (checked below).
    const successEnd = group[group.length - 1] ?? -1;
    // before_cache, after_success and the deploy run only when the script succeeded.
    for (const id of group.slice(successFrom)) r.snippets[id]!.onlyAfterSuccess = true;
    const failure = phase(job.get('after_failure'), 'after_failure');
    for (const id of failure) r.snippets[id]!.branches = [{ id: `travis-after-failure:${j}`, where: 'in after_failure (it runs only when the script failed)' }];
    if (failure.length > 0) failures.push({ job: j, scriptEnd, successEnd, ids: failure, label: `${where} after_failure` });
    // `after_script` runs last, whatever the script gave.
    const afterScript = phase(job.get('after_script'), 'after_script');
    group.push(...failure, ...afterScript);
    // Travis does not count the exit status of after_success, after_failure, after_deploy and
    // after_script toward the build's result.
    const uncounted = new Set([...(job.get('after_success') === undefined ? [] : read.get(job.get('after_success')) ?? []), ...failure, ...(job.get('after_deploy') === undefined ? [] : read.get(job.get('after_deploy')) ?? []), ...afterScript]);
    for (const id of uncounted) r.snippets[id]!.goesOnAfterFailure = true;
    if (start.notes) for (const id of group) r.snippets[id]!.varNotes = start.notes;
    groups.push(group);
  }
  const out = finish(file, 'travis-ci', text, r, groups, jobs.map((j) => j.name), diagnostics);
  const script = out.script;
  const commandsOf = (ids: number[]): Set<ScriptCommand> => {
    const snippets = new Set(ids.map((i) => r.snippets[i]));
    return new Set(script.parts.filter((p) => snippets.has(p.snippet)).flatMap((p) => script.commands.slice(p.first, p.first + p.script.commands.length)));
  };
  // A job merging another (`- <<: *build`), or given as an alias (`- *build`), runs its phases too.
  const shared = sharedMapThrough(root, root, file, text, 'job', 'its phases, deploy');
  if (shared) for (const j of groups.keys()) unread.push({ job: j, diagnostic: shared });
  // `import:` merges other configs into this one (deep_merge_append by default): phases, deploys
  // and jobs the tool does not read may run around the setup.
  const imports = root.get('import', true);
  if (imports !== undefined && imports !== null) {
    const line = lineOf(text, (root.items.find((p) => isScalar(p.key) && p.key.value === 'import')?.key as Scalar | undefined)?.range?.[0] ?? 0);
    const d = diag('SHELL_NOT_READ', 'warning', `${file} imports other build configs (\`import:\`, line ${line}), which Travis merges into it and the tool does not read: a phase or deploy they add may use the artifact or the builder image, so no job of the file was followed`, { file, line, hint: 'Write the imported phases into .travis.yml, or migrate this build by hand.' });
    for (const j of groups.keys()) unread.push({ job: j, diagnostic: d });
  }
  const steps: UnreadStep[] = unread.map((u) => ({ sequence: u.job, diagnostic: u.diagnostic }));
  for (const c of conditional) {
    const commands = commandsOf(c.snippets);
    if (commands.size === 0) continue;
    const first = [...commands][0]!;
    steps.push({
      sequence: c.job,
      commands,
      diagnostic: diag('CONDITIONAL_STEP', 'warning', `${c.label} ${c.why}; the setup's steps there do not run on every build, and the merged build would run them there`, { file, line: first.line, hint: `Move the builder pattern out of ${c.label.endsWith('before_cache') ? 'before_cache' : 'the deploy'}, or migrate this build by hand.` }),
    });
  }
  for (const jn of joins) {
    const before = script.parts.find((p) => p.snippet === r.snippets[jn.after])?.script.final;
    const start = r.snippets[jn.at]!;
    if (before && before.cwd === start.cwd && sameVars(new Map([...before.vars, ...jn.env]), start.vars)) continue;
    steps.push({ sequence: jn.job, diagnostic: diag('SHELL_NOT_READ', 'warning', `${start.label} runs after a phase the job inherits from the root, which changes the folder or the variables; the tool does not follow that shell across the two`, { file, line: lineOf(text, fileOffset(start.toFile, 0) ?? 0), hint: 'Give the job its own copy of the phase, or migrate this build by hand.' }) });
  }
  // after_failure is read after after_success and the deploy, and after_script after it: the
  // reading holds only when neither path changes the folder or the variables on the way.
  const endOf = (id: number) => (id < 0 ? null : script.parts.find((p) => p.snippet === r.snippets[id])?.script.final ?? null);
  for (const f of failures) {
    const scriptEnd = endOf(f.scriptEnd);
    const successEnd = endOf(f.successEnd);
    const failureEnd = endOf(f.ids[f.ids.length - 1]!);
    const same = (a: typeof scriptEnd, b: typeof scriptEnd) => a === b || (a !== null && b !== null && a.cwd === b.cwd && sameVars(a.vars, b.vars));
    if (same(scriptEnd, successEnd) && same(successEnd, failureEnd)) continue;
    const start = r.snippets[f.ids[0]!]!;
    steps.push({ sequence: f.job, diagnostic: diag('SHELL_NOT_READ', 'warning', `${f.label} runs in the shell the script left, and after_success, the deploy or after_failure itself changes the folder or the variables; the tool reads the two paths in one line, so it does not follow that shell`, { file, line: lineOf(text, fileOffset(start.toFile, 0) ?? 0), hint: 'Keep folder changes and variable settings out of after_success, the deploy phases and after_failure, or migrate this build by hand.' }) });
  }
  if (steps.length > 0) script.unread = [...(script.unread ?? []), ...steps];
  return out;
}

/**
 * Whether a deploy provider's run starts by cleaning the build's folder (`git stash --all`):
 * dpl v1, the default, does unless `skip_cleanup: true` (or `cleanup: false`); dpl v2
 * (`edge:`) only with `cleanup: true`.
 */
function cleansUp(d: unknown, get: (m: unknown, key: string) => unknown): boolean {
  const value = (key: string) => {
    const n = get(d, key);
    const v = isScalar(n) ? n.value : n;
    return v === undefined ? undefined : String(v);
  };
  const edge = value('edge');
  if (edge !== undefined && edge !== 'false') return value('cleanup') === 'true';
  return value('skip_cleanup') !== 'true' && value('cleanup') !== 'false';
}

function cleanupWhy(d: unknown, get: (m: unknown, key: string) => unknown): string {
  const keys = ['skip_cleanup', 'cleanup', 'edge'].filter((k) => get(d, k) !== undefined);
  return keys.length > 0 ? keys.map((k) => `\`${k}: ${String((get(d, k) as Scalar | undefined)?.value ?? '…')}\``).join(', ') : 'dpl v2 cleans only with `cleanup: true`';
}

function sameVars(a: ReadonlyMap<string, string | null>, b: ReadonlyMap<string, string | null>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.has(k) && b.get(k) === v);
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') n++;
  return n;
}

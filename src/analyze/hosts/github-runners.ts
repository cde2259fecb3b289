/**
 * What a GitHub Actions job's runner is, as its `runs-on:` says: a Windows runner (whose docker
 * builds Windows containers), and whether it may be a machine that keeps the job's folder for
 * the next job.
 *
 * GitHub-hosted runners (`ubuntu-latest`, `windows-2022`, `macos-14`…) give every job a fresh
 * virtual machine. A self-hosted runner does not: every job of the repository runs in the same
 * folder there (`_work/REPO/REPO`, GITHUB_WORKSPACE), which keeps the files a job left for the
 * next one until something removes them. `actions/checkout` does, when it checks the repository
 * out into a folder that already holds it (`clean: true`, its default, runs `git clean -ffdx`,
 * which removes untracked and ignored files alike).
 */
import type { YAMLMap, YAMLSeq } from 'yaml';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import { yaml } from './yaml-module.js';

/** The labels of GitHub-hosted runners' standard images: every job gets a machine of its own. */
const HOSTED = /^(ubuntu|windows|macos)-(latest|\d[\w.-]*)$/;

/** The `runs-on:` labels as written (a map's `labels:`), null for one that is no plain string. */
function labels(job: YAMLMap): (string | null)[] {
  const y = yaml();
  let runsOn = job.get('runs-on', true);
  if (y.isMap(runsOn)) {
    // (`group:` names a runner group, hosted larger runners or self-hosted ones)
    if (runsOn.has('group')) return [null];
    runsOn = runsOn.get('labels', true);
  }
  const items = y.isSeq(runsOn) ? runsOn.items : [runsOn];
  return items.map((l) => (y.isScalar(l) && typeof l.value === 'string' ? l.value.trim() : null));
}

/**
 * The values a `${{ matrix.NAME }}` label takes: the matrix's list for NAME, with every `include:`
 * entry's; null when they are not all plain strings, or the matrix is itself an expression.
 */
function matrixValues(job: YAMLMap, label: string): string[] | null {
  const y = yaml();
  const m = /^\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}$/.exec(label);
  const matrix = job.getIn(['strategy', 'matrix'], true);
  if (!m || !y.isMap(matrix)) return null;
  const out: string[] = [];
  const list = matrix.get(m[1]!, true);
  for (const v of y.isSeq(list) ? list.items : list === undefined ? [] : [list]) {
    if (!y.isScalar(v) || typeof v.value !== 'string') return null;
    out.push(v.value);
  }
  const include = matrix.get('include', true);
  if (include !== undefined && !y.isSeq(include)) return null;
  for (const entry of y.isSeq(include) ? include.items : []) {
    if (!y.isMap(entry)) return null;
    const v = entry.get(m[1]!, true);
    if (v === undefined) continue;
    if (!y.isScalar(v) || typeof v.value !== 'string') return null;
    out.push(v.value);
  }
  return out.length > 0 ? out : null;
}

/**
 * The `runs-on:` label by which a GitHub job runs on a Windows runner (`windows-latest`, a
 * self-hosted runner labelled `windows`, or `${{ matrix.os }}` with a matrix that lists one,
 * whose leg runs there), or null.
 */
export function windowsRunner(job: YAMLMap): string | null {
  const strategy = job.get('strategy', true);
  for (const v of labels(job)) {
    if (v === null) continue;
    if (/windows/i.test(v)) return v;
    if (v.includes('${{') && strategy !== undefined && /windows/i.test(String(strategy))) return v;
  }
  return null;
}

/**
 * Why a GitHub job on a Windows runner is not migrated, whatever shell its steps run in: the
 * runner's docker daemon builds Windows containers, and the docker CLI builds for such a daemon
 * with the legacy builder, where BuildKit cannot (docker/cli BuildKitEnabled: "not if wcow
 * reported from server side"). There a merged `COPY --from=… --chown=0:0` looks the account
 * `0:0` up as a Windows account name, an export stage cannot be written with `--output`, and
 * the modes and owners the tool reads for an extracted file are those of Linux.
 */
export function windowsJobNotRead(file: string, job: string, label: string, line: number): Diagnostic {
  return diag('SHELL_NOT_READ', 'warning', `${file} job ${job} runs on a Windows runner (\`runs-on: ${label}\`), whose docker builds Windows containers with the legacy builder, which the tool does not model (a merged \`COPY --chown=0:0\` names a Windows account there, an export stage cannot be written with --output); its setups were not migrated`, {
    file,
    line,
    hint: 'Migrate this job by hand, or run its docker builds on a Linux runner.',
  });
}

/** Whether the job may run on a self-hosted runner, which keeps its folder for the next job: any label but the hosted images' (a `${{ matrix.os }}` listing only those is hosted). */
export function mayKeepFolder(job: YAMLMap): boolean {
  return labels(job).some((l) => l === null || !(HOSTED.test(l) || (matrixValues(job, l)?.every((v) => HOSTED.test(v)) ?? false)));
}

/**
 * Whether the job's first step checks a repository out into the workspace, cleaning it
 * (`actions/checkout` without `path:` and without `clean: false`; a value only known at run time
 * does not count): no command of the job finds what an earlier job left there.
 */
export function cleansFirst(steps: YAMLSeq): boolean {
  const y = yaml();
  const first = steps.items[0];
  if (!y.isMap(first) || !/^actions\/checkout(@|$)/.test(String(first.get('uses') ?? ''))) return false;
  const inputs = first.get('with', true);
  if (!y.isMap(inputs)) return true;
  const path = inputs.get('path', true);
  if (path !== undefined && !(y.isScalar(path) && ['', '.', './'].includes(String(path.value ?? '').trim()))) return false;
  const clean = inputs.get('clean', true);
  return clean === undefined || (y.isScalar(clean) && (clean.value === true || String(clean.value).trim() === 'true'));
}

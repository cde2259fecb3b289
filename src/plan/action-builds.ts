/**
 * GitHub Actions steps that build a Dockerfile without a shell: `uses: docker/build-push-action`
 * (its `context:` and `file:` inputs), and any other action handed a Dockerfile's path through
 * one of its `with:` inputs (another builder action, a linter). ./runtime-rebuilds.ts asks which
 * of them build, or read, a runtime Dockerfile the plan merges a builder into.
 *
 * docker/build-push-action's facts, from its documentation: without `context:` it builds from
 * the Git context (the commit, fetched by BuildKit: none of the files earlier steps made, nor
 * the job's working tree), and `{{defaultContext}}` names that too; `file:` defaults to the
 * `Dockerfile` at the context's root; paths are relative to the workspace (the checkout), not
 * to a `working-directory`. Inputs that change what a stage sees (build arguments, platforms,
 * named contexts, secrets, SSH, network, hosts) are listed by name, so the caller can refuse.
 */
import { yaml } from '../analyze/hosts/yaml-module.js';
import { LineIndex } from '../model/text.js';
import { workspacePath } from './workspace-reads/read.js';
import { usesSteps } from './workspace-reads/github.js';

export interface ActionBuild {
  file: string;
  line: number;
  uses: string;
  /**
   * For docker/build-push-action: the Dockerfile and context as repository paths ('git': the
   * Git context; null: only known at run time), and the inputs set that reach every stage.
   */
  build: {
    dockerfile: string | null;
    context: string | 'git' | null;
    /** Inputs other than `build-args:` that reach every stage. */
    stageInputs: string[];
    /** `build-args:` as NAME and value (null: only known at run time, or taken from the environment). */
    buildArgs: [string, string | null][];
  } | null;
  /** For any other action: the repository paths its inputs name, each with its input's key. */
  named: { path: string; key: string }[];
}

const BUILD_PUSH = /^docker\/build-push-action(@|$)/;

/** Inputs of docker/build-push-action that reach every stage of the build (its flags of kind `same`, `context`, `mount`; `build-args:` is read apart). */
const STAGE_INPUTS = new Set(['build-contexts', 'platforms', 'secrets', 'secret-files', 'secret-envs', 'ssh', 'network', 'add-hosts', 'allow', 'cgroup-parent', 'shm-size', 'ulimit', 'builder']);

/** Actions that only fetch files into the workspace or read none of it. */
const NO_READ = /^actions\/(checkout|download-artifact|setup-[a-z]+|cache\/restore)(@|$)|^docker\/(setup-buildx-action|setup-qemu-action|login-action|metadata-action)(@|$)/;

/** Whether a file is a GitHub Actions workflow (the kind's own test: src/kinds/github-actions.ts). */
export const isWorkflow = (rel: string) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(rel);

/** The image builds and Dockerfile namings of one workflow's `uses:` steps. */
export function actionBuilds(rel: string, text: string): ActionBuild[] {
  if (!text.includes('uses')) return [];
  const y = yaml();
  const doc = y.parseDocument(text);
  if (doc.errors.length > 0 || !y.isMap(doc.contents)) return [];
  // Paths in a step's inputs are relative to the checkout: the folder holding `.github`.
  const at = rel.lastIndexOf('.github/workflows/');
  const base = at === 0 ? '' : rel.slice(0, at - 1);
  const lines = new LineIndex(text);
  const out: ActionBuild[] = [];
  for (const { step, uses } of usesSteps(doc)) {
    if (NO_READ.test(uses)) continue;
    const inputs = step.get('with', true);
    const values = new Map<string, string | null>();
    if (y.isMap(inputs)) {
      for (const p of inputs.items) {
        const key = y.isScalar(p.key) ? String(p.key.value) : '';
        const v = y.isScalar(p.value) ? p.value.value : null;
        values.set(key, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
      }
    }
    const line = lines.lineOf(step.range?.[0] ?? 0);
    const path = (raw: string | null) => (raw === null || raw.includes('${{') ? null : workspacePath(raw, base) ?? null);
    if (BUILD_PUSH.test(uses)) {
      const ctxRaw = values.has('context') ? values.get('context')! : undefined;
      const context = ctxRaw === undefined || ctxRaw?.trim() === '{{defaultContext}}' ? 'git' : path(ctxRaw);
      const fileRaw = values.get('file');
      const dockerfile = fileRaw !== undefined ? path(fileRaw) : context === null ? null : context === 'git' ? (base === '' ? 'Dockerfile' : `${base}/Dockerfile`) : context === '' ? 'Dockerfile' : `${context}/Dockerfile`;
      out.push({ file: rel, line, uses, build: { dockerfile, context, stageInputs: [...values.keys()].filter((k) => STAGE_INPUTS.has(k)), buildArgs: buildArgsOf(values) }, named: [] });
      continue;
    }
    const named: { path: string; key: string }[] = [];
    for (const [key, v] of values) {
      for (const word of (v ?? '').split(/[\s,]+/).filter((w) => w !== '')) {
        const p = path(word);
        if (p) named.push({ path: p, key });
      }
    }
    if (named.length > 0) out.push({ file: rel, line, uses, build: null, named });
  }
  return out;
}

/**
 * docker/build-push-action's `build-args:`, a list of `NAME=value` lines (a line without `=`
 * takes the value from the environment; `${{ … }}` is only known at run time). An input that is
 * no plain string is one argument whose name is not known ('').
 */
function buildArgsOf(values: ReadonlyMap<string, string | null>): [string, string | null][] {
  if (!values.has('build-args')) return [];
  const raw = values.get('build-args');
  if (raw === null || raw === undefined) return [['', null]];
  return raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l): [string, string | null] => {
      const eq = l.indexOf('=');
      if (eq < 0) return [l, null];
      const value = l.slice(eq + 1);
      return [l.slice(0, eq), value.includes('${{') ? null : value];
    });
}

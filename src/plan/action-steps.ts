/**
 * GitHub Actions `uses:` steps between a setup's builder build and its runtime build. Merged,
 * the builder stage is built by the runtime build, after them, so a step there that changes
 * what the builder reads or which builder runs the compile changes the compile:
 *
 * - a step that writes the job's folder (`actions/checkout` of another repository into
 *   `path: protos`, `actions/download-artifact` into the root, `actions/cache` restoring its
 *   paths, an action the tool does not know, which may write anywhere) is read as a shell command
 *   writing those paths is (BUILDER_INPUT_CHANGED, and HOST_POSTPROCESS for one that writes where
 *   an artifact is extracted, before the runtime build copies it);
 * - `docker/setup-buildx-action` makes a builder of its own the current one (`use: true` is its
 *   default): the builder build ran on the builder current before it, the merged compile runs on
 *   the new one (FLAG_CONFLICT, as a `docker buildx use` between the builds: ./builder-switch.ts).
 *
 * The paths and defaults are the actions' documented ones: checkout writes `path:` (the
 * workspace when left out, and cleans it first), download-artifact writes under `path:` (the
 * workspace when left out), actions/cache and actions/cache/restore write the paths they restore.
 */
import type { YAMLMap } from 'yaml';
import { yaml } from '../analyze/hosts/yaml-module.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { LineIndex } from '../model/text.js';
import type { PathUse } from './host-commands.js';
import { usesSteps } from './workspace-reads/github.js';
import { lineOf, pathLines, workspacePath } from './workspace-reads/read.js';

export interface ActionStep {
  uses: string;
  job: string;
  line: number;
  /** The step's literal `with:` inputs (null: a value that is no plain scalar, or an expression). */
  inputs: ReadonlyMap<string, string | null>;
}

/** The checkout, `${{ github.workspace }}`: a path under it is a path of the repository. */
const ROOT = /^\$\{\{\s*github\.workspace\s*\}\}(\/|$)/;

/** Actions that write no file of the job's folder (they upload, log in, set a tool up, compute tags). */
const NO_WRITE = /^actions\/(upload-artifact|upload-pages-artifact|cache\/save|attest(-build-provenance|-sbom)?|setup-[a-z]+|deploy-pages)(@|$)|^docker\/(setup-qemu-action|login-action|metadata-action)(@|$)|^softprops\/action-gh-release(@|$)|^ncipollo\/release-action(@|$)/;

/** Actions that write the folders one input names, and that input's default (the workspace). */
const WRITERS: { re: RegExp; input: string; what: string }[] = [
  { re: /^actions\/checkout(@|$)/, input: 'path', what: 'checks a repository out (cleaning the folder first)' },
  { re: /^actions\/download-artifact(@|$)/, input: 'path', what: 'downloads artifacts' },
  { re: /^actions\/cache(\/restore)?(@|$)/, input: 'path', what: 'restores a cache' },
];

const BUILDX_SETUP = /^docker\/setup-buildx-action(@|$)/;

let last: { text: string; steps: ActionStep[] } | null = null;

/** Every `uses:` step of a workflow, with its job, line and literal inputs (read once per text). */
export function actionSteps(text: string): ActionStep[] {
  if (last?.text === text) return last.steps;
  const y = yaml();
  const doc = y.parseDocument(text);
  const lines = new LineIndex(text);
  const steps: ActionStep[] = [];
  if (doc.errors.length === 0) {
    for (const { step, uses, job } of usesSteps(doc)) steps.push({ uses, job, line: lineOf(lines, step.get('uses', true), step), inputs: inputsOf(step) });
  }
  last = { text, steps };
  return steps;
}

function inputsOf(step: YAMLMap): Map<string, string | null> {
  const y = yaml();
  const out = new Map<string, string | null>();
  const inputs = step.get('with', true);
  if (!y.isMap(inputs)) return out;
  for (const p of inputs.items) {
    const key = y.isScalar(p.key) ? String(p.key.value) : '';
    const v = y.isScalar(p.value) ? p.value.value : null;
    out.set(key, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
  }
  return out;
}

/** What a step writes in the job's folder: known paths, or unknown (an action the tool does not know); none for an action that writes none. */
export function actionWrites(step: ActionStep, at: ScriptCommand): { writes: PathUse[]; known: boolean; what: string } {
  const shown = `the step \`uses: ${step.uses}\``;
  if (NO_WRITE.test(step.uses) || BUILDX_SETUP.test(step.uses)) return { writes: [], known: true, what: shown };
  const writer = WRITERS.find((w) => w.re.test(step.uses));
  if (!writer) return { writes: [], known: false, what: `${shown}, an action the tool does not know,` };
  const raw = step.inputs.has(writer.input) ? step.inputs.get(writer.input)! : '';
  const given = step.inputs.has(writer.input) ? `(\`with: ${writer.input}: ${raw ?? '…'}\`)` : `(\`${writer.input}:\` left out: the workspace)`;
  const what = `${shown} ${given}, which ${writer.what},`;
  if (raw === null) return { writes: [{ path: null, glob: false, word: word(`\${{ … }}`, null, at) }], known: true, what };
  const out: PathUse[] = [];
  for (const line of raw === '' ? [''] : pathLines(raw)) {
    const p = line.includes('${{') && !ROOT.test(line) ? null : workspacePath(line.replace(ROOT, './'));
    // (an absolute or `~/` path is outside the workspace: a cache of the toolchain)
    if (p === undefined) continue;
    out.push({ path: p, glob: p !== null && /[*?[]/.test(p), word: word(line || '.', p, at) });
  }
  return { writes: out, known: true, what };
}

/** A word standing for an input's value, for the path checks and their messages. */
function word(raw: string, value: string | null, at: ScriptCommand): Word {
  const w = at.words[0]!;
  return { value, symbol: value ?? raw, staticPrefix: value ?? '', raw, start: w.start, end: w.end };
}

/** Why a step switches the builder the next builds run on (docker/setup-buildx-action without `use: false`), or null. */
export function actionSwitchesBuilder(step: ActionStep): string | null {
  if (!BUILDX_SETUP.test(step.uses)) return null;
  const use = step.inputs.get('use');
  if (use !== undefined && use !== null && use.trim() === 'false') return null;
  return `the step \`uses: ${step.uses}\` makes the builder it creates the current one (${use === undefined ? '`use: true` is its default' : `\`use: ${use ?? '…'}\``})`;
}

const BUILD_PUSH = /^docker\/build-push-action(@|$)/;

/**
 * The image names a docker/build-push-action step tags (null: one only known at run time), or
 * null for another action. Its `tags:` input is a list, one a line or comma-separated; with the
 * docker driver the image lands in the engine's store, with `load: true` on any driver, and
 * `push: true` replaces it in the registry a later build pulls from.
 */
export function actionBuildTags(step: ActionStep): (string | null)[] | null {
  if (!BUILD_PUSH.test(step.uses) || !step.inputs.has('tags')) return null;
  const raw = step.inputs.get('tags');
  if (raw === null || raw === undefined) return [null];
  return raw
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter((t) => t !== '' && !t.startsWith('#'))
    .map((t) => (t.includes('${{') ? null : t));
}

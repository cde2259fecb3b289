/**
 * A builder pattern whose builds are GitHub Actions steps (`uses: docker/build-push-action` with
 * `load: true` building Dockerfile.build, a `run:` step that copies files out of that image, then
 * another build-push-action step for the runtime image): the tool reads only `run:` steps as
 * builds, so the copy out of the image stands with no build before it or after it in its job,
 * and would be passed over in silence (../analyze/link.ts keeps a near miss only before a later
 * build). The extraction step is reported instead (EXTRACTION_NOT_FOLLOWED), naming the action
 * steps that build the image it reads and the one after it: merging builds an action makes is
 * not done by the tool (their inputs, builder, cache and `load:` are the action's).
 */
import type { YAMLMap } from 'yaml';
import { yaml } from './hosts/yaml-module.js';
import { LineIndex } from '../model/text.js';
import type { ScriptFile } from '../model/script.js';
import { usesSteps } from '../plan/workspace-reads/github.js';

const BUILD_PUSH = /^docker\/build-push-action(@|$)/;

interface ActionBuildStep {
  line: number;
  /** The first and last line of the job holding the step. */
  job: [number, number];
  /** The step's `tags:` (a list or a newline/comma-separated text), as written. */
  tags: string[];
  /** Whether it loads the image into the engine (`load: true`, or an `outputs:` of `type=docker`). */
  load: boolean;
}

const cache = new WeakMap<ScriptFile, ActionBuildStep[]>();

/** The docker/build-push-action steps of a workflow, with their jobs' lines. */
function buildSteps(script: ScriptFile): ActionBuildStep[] {
  const had = cache.get(script);
  if (had) return had;
  const out: ActionBuildStep[] = [];
  cache.set(script, out);
  if (script.kind !== 'github-actions' || !script.text.includes('build-push-action')) return out;
  const y = yaml();
  const doc = y.parseDocument(script.text);
  if (doc.errors.length > 0 || !y.isMap(doc.contents)) return out;
  const lines = new LineIndex(script.text);
  const jobs = doc.contents.get('jobs', true);
  const spans = new Map<string, [number, number]>();
  if (y.isMap(jobs)) for (const jp of jobs.items) if (y.isScalar(jp.key) && (jp.value as YAMLMap | null)?.range) spans.set(String(jp.key.value), [lines.lineOf((jp.value as YAMLMap).range![0]), lines.lineOf((jp.value as YAMLMap).range![1])]);
  for (const { step, uses, job } of usesSteps(doc)) {
    if (!BUILD_PUSH.test(uses) || !step.range || !spans.has(job)) continue;
    const w = step.get('with', true);
    const input = (k: string): string => {
      const v = y.isMap(w) ? w.get(k, true) : undefined;
      if (y.isSeq(v)) return v.items.map((i) => (y.isScalar(i) ? String(i.value) : '')).join('\n');
      return y.isScalar(v) ? String(v.value) : '';
    };
    const tags = input('tags').split(/[\n,]/).map((t) => t.trim()).filter((t) => t !== '');
    const load = input('load').trim() === 'true' || /(^|,)\s*type=docker\b/.test(input('outputs'));
    out.push({ line: lines.lineOf(step.range[0]), job: spans.get(job)!, tags, load });
  }
  return out;
}

/** The image's repository and tag (`app` is `app:latest`), for matching a tag an action gives. */
const named = (image: string) => (/:[^/]*$/.test(image) ? image : `${image}:latest`);

/**
 * Why a copy out of `image` at `line` of a workflow is a builder pattern's, where the builds
 * are docker/build-push-action steps of its job: an earlier one loads an image of that tag, or a
 * later one builds; null where none does.
 */
export function actionBuildMiss(script: ScriptFile, line: number, image: string): { why: string; hint: string } | null {
  const steps = buildSteps(script).filter((s) => s.job[0] <= line && line <= s.job[1]);
  const builder = steps.filter((s) => s.line < line && s.tags.some((t) => named(t) === named(image))).at(-1);
  const later = steps.find((s) => s.line > line);
  if (!builder && !later) return null;
  const parts = [
    builder ? `the \`docker/build-push-action\` step at line ${builder.line} builds ${image}${builder.load ? ' (with `load: true`)' : ''}` : '',
    later ? `the \`docker/build-push-action\` step at line ${later.line} builds an image after it` : '',
  ].filter(Boolean);
  return {
    why: `${parts.join(', and ')}; the tool reads only \`run:\` steps as builds and does not merge builds made by an action (their inputs, builder, cache and \`load:\` are the action's)`,
    hint: 'Build the builder and runtime images with `docker build` in `run:` steps to let the tool merge them, or merge the Dockerfiles by hand (a `builder` stage, `COPY --from=builder`) and drop the builder build and copy steps.',
  };
}

/**
 * Conditions a CI file puts on a whole step (a GitHub Actions step's `if:`), read as branches of
 * every command in the step (src/analyze/conditions.ts compares them): a setup whose builder
 * build, extraction and runtime build are not all under the same condition ran only in part on
 * some builds, and one merged build would not.
 *
 * Two steps share a condition only when its text is the same and reads nothing the job changes
 * as it runs (the status of earlier steps, their outputs, files, `env.` values a step may set
 * through `$GITHUB_ENV`); any other condition is a branch of its own step.
 */
import type { YAMLMap } from 'yaml';
import type { Branch } from '../../model/script.js';
import { isScalar } from './ci-yaml.js';

/** A condition that holds on every successful run: the default (`success()`) and `always()`. */
const EVERY_SUCCESSFUL_RUN = /^\s*(?:\$\{\{\s*)?(?:success\(\)|always\(\)|!\s*cancelled\(\)|true)(?:\s*\}\})?\s*$/;

/** Parts of a condition that may read differently from one step to the next. */
const CHANGES_DURING_JOB = /\bsteps\.|\bjob\.|\bfailure\(|\bcancelled\(|\bhashFiles\(|\brunner\.temp\b/;

/**
 * The branch a GitHub Actions step's `if:` puts it in, or none when the step runs on every
 * successful run. `job` is the job's key (conditions of two jobs never meet), `setsEnv`
 * whether a step of the job may set `env.` values for later steps.
 */
export function githubStepIf(step: YAMLMap, job: string, stepNo: number, setsEnv: boolean): Branch[] | undefined {
  const node = step.get('if', true);
  if (node === undefined || node === null) return undefined;
  const text = isScalar(node) ? String(node.value) : null;
  if (text !== null && EVERY_SUCCESSFUL_RUN.test(text)) return undefined;
  const shared = text !== null && !CHANGES_DURING_JOB.test(text) && !(setsEnv && /\benv\./.test(text));
  const shown = text === null ? 'an `if:`' : `\`if: ${text.trim()}\``;
  return [{ id: shared ? `gha-if:${job}:${text!.trim()}` : `gha-if:${job}:step${stepNo}`, where: `in a step with ${shown} (it runs only on the builds the condition allows)` }];
}

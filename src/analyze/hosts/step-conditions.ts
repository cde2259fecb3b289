/**
 * Conditions a CI file puts on a whole step (a GitHub Actions step's `if:`, an Azure Pipelines
 * step's `condition:`), read as branches of
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

/** Azure conditions that hold on every successful run: the default and those that also run after a failure. */
const AZURE_EVERY_SUCCESSFUL_RUN = /^\s*(?:succeeded\(\)|always\(\)|succeededOrFailed\(\)|true)\s*$/i;

/** Parts of an Azure condition that may read differently from one step to the next (a step may set variables with `task.setvariable`). */
const AZURE_CHANGES_DURING_JOB = /\bvariables\b|\bdependencies\.|\bfailed\(|\bcanceled\(/i;

/**
 * The branch an Azure Pipelines step's `condition:` puts it in, or none when the step runs on
 * every successful run. Two steps share it only when its text is the same and reads no
 * variable (a step may set one for the later steps).
 */
export function azureStepCondition(step: YAMLMap, job: string, stepNo: number): Branch[] | undefined {
  const node = step.get('condition', true);
  if (node === undefined || node === null) return undefined;
  const text = isScalar(node) ? String(node.value) : null;
  if (text !== null && AZURE_EVERY_SUCCESSFUL_RUN.test(text)) return undefined;
  const shared = text !== null && !AZURE_CHANGES_DURING_JOB.test(text);
  const shown = text === null ? 'a `condition:`' : `\`condition: ${text.trim()}\``;
  return [{ id: shared ? `azure-condition:${job}:${text!.trim()}` : `azure-condition:${job}:step${stepNo}`, where: `in a step with ${shown} (it runs only on the builds the condition allows)` }];
}

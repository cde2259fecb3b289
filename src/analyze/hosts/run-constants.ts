/**
 * Values a CI service fixes for the whole run and gives every step of a job alike (the commit,
 * the build's number, the branch: GitHub's `$GITHUB_SHA`, Azure's `$(Build.SourceVersion)`,
 * CircleCI's `$CIRCLE_SHA1`). Each step is a shell of its own, so the reader would read each
 * step's value as a version of its own (../shell/versions.ts) and a builder tagged with one in
 * one step would not be the image a later step names by the same text. Read at the job's one
 * version, they are, though the value is not known. Each host names its own (in its reader).
 */
import { isVersionedVariable } from '../../model/script.js';
import { newVersions, type Versions } from '../shell/versions.js';
import { isMap, isScalar } from './ci-yaml.js';

/**
 * CircleCI's variables for what it fixes for the run. A step may write another value for the
 * later steps through `$BASH_ENV`, which refuses a setup reading it (../step-env-files.ts,
 * readNames: a word reading one of these counts though its value is not known).
 */
export const CIRCLECI_RUN_VARIABLES: readonly string[] = ['CIRCLE_SHA1', 'CIRCLE_BRANCH', 'CIRCLE_TAG', 'CIRCLE_BUILD_NUM', 'CIRCLE_JOB', 'CIRCLE_PROJECT_REPONAME', 'CIRCLE_PROJECT_USERNAME', 'CIRCLE_REPOSITORY_URL', 'CIRCLE_USERNAME', 'CIRCLE_WORKFLOW_ID', 'CIRCLE_WORKFLOW_JOB_ID', 'CIRCLE_PR_NUMBER', 'CIRCLE_PULL_REQUEST', 'CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL'];

/**
 * Azure Pipelines' predefined variables for what it fixes for the run, read as macros
 * (`$(Build.SourceVersion)`) or in the environment (`$BUILD_SOURCEVERSION`). Read-only, so a
 * step's `##vso[task.setvariable]` does not change them for the later steps (Microsoft's
 * predefined-variables reference; the reader makes a name a step sets unknown anyway:
 * ./azure-set-variables.ts). Not `Build.BuildNumber`, which `##vso[build.updatebuildnumber]`
 * changes, nor folders and agent values.
 */
export const AZURE_RUN_VARIABLES: readonly string[] = ['Build.BuildId', 'Build.SourceVersion', 'Build.SourceBranch', 'Build.SourceBranchName', 'Build.Repository.Name', 'Build.Repository.ID', 'Build.DefinitionName', 'Build.Reason', 'System.TeamProject', 'System.DefinitionId', 'System.PullRequest.PullRequestId', 'System.PullRequest.SourceBranch', 'System.PullRequest.TargetBranch'];

/** Names read at the job's one version in some host (each host passes its own to jobWideVersions); GitHub's and Azure's cannot be written for later steps. */
export const WRITABLE_JOB_WIDE: ReadonlySet<string> = new Set(CIRCLECI_RUN_VARIABLES);

/**
 * The versions a step's shell starts with (`seed` names the step): each of `names` at the job's
 * one version (`job` names the job), unless the step's variables give it a value or make it
 * unknown (`vars`: the file sets it, or an earlier step did).
 */
export function jobWideVersions(seed: string, job: string, vars: ReadonlyMap<string, string | null>, names: Iterable<string>): Versions {
  const versions = newVersions(vars.keys(), seed);
  for (const name of names) if (!vars.has(name)) versions.of.set(name, { id: `${job}.${name}`, fallback: null });
  return versions;
}

/**
 * The variables of docker's build environment (DOCKER_HOST, BUILDKIT_…, BUILDX_…:
 * isVersionedVariable) a step's own `env:` gives a value only known at run time (`DOCKER_HOST:
 * ${{ secrets.REMOTE }}`): each at a version of its own in `versions`, so two steps that give
 * one another text are told apart (../../model/script.ts, differentUnknownValues), though each
 * step's shell starts from it. `key` names the value a text gives in every step of the job that
 * gives it (one version for one text), or null where the same text may give another value in
 * another step (the step's own version then).
 */
export function stepEnvVersions(versions: Versions, node: unknown, vars: ReadonlyMap<string, string | null>, key: (text: string) => string | null): void {
  if (!isMap(node)) return;
  for (const p of node.items) {
    const name = isScalar(p.key) ? String(p.key.value) : null;
    if (name === null || !isVersionedVariable(name) || vars.get(name) !== null) continue;
    const id = isScalar(p.value) && p.value.value !== null ? key(String(p.value.value)) : null;
    versions.of.set(name, { id: id === null ? `${versions.seed}.step-env.${name}` : `${id}:${name}:${JSON.stringify(String((p.value as { value: unknown }).value))}`, fallback: null });
  }
}

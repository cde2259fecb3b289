/**
 * Azure Pipelines' predefined variables that hold one value for the whole run (the commit, the
 * build's id, the branch, the repository…): read-only, so a step's `##vso[task.setvariable]`
 * does not change them for the steps after it (Microsoft's predefined-variables reference; the
 * reader makes a name a step sets unknown anyway: ./azure-set-variables.ts). A step reads each as
 * a macro (`$(Build.SourceVersion)`, read as `${__azp_Build_SourceVersion}`) or as an environment
 * variable (`$BUILD_SOURCEVERSION`); either is one value, though unknown, in every step of the
 * job: a builder tagged `app-builder:$(Build.SourceVersion)` in one step is the image a later
 * step's `docker create app-builder:$(Build.SourceVersion)` names. Not `Build.BuildNumber`, which
 * `##vso[build.updatebuildnumber]` changes, nor folders and agent values.
 */
import type { Versions } from '../shell/versions.js';
import { jobWideVersions } from './run-constants.js';

const RUN_CONSTANT = ['Build.BuildId', 'Build.SourceVersion', 'Build.SourceBranch', 'Build.SourceBranchName', 'Build.Repository.Name', 'Build.Repository.ID', 'Build.DefinitionName', 'Build.Reason', 'System.TeamProject', 'System.DefinitionId', 'System.PullRequest.PullRequestId', 'System.PullRequest.SourceBranch', 'System.PullRequest.TargetBranch'];

/**
 * The versions a step's shell starts with (`seed` names the step): the run-constant variables,
 * by `macro` (the name a macro is read as) and as environment variables, at the job's one
 * version (`job` names the job), unless the step's variables give them a value or make them
 * unknown (`vars`: a step set them, or the file did).
 */
export function azureRunVersions(seed: string, job: string, vars: ReadonlyMap<string, string | null>, macro: (name: string) => string): Versions {
  return jobWideVersions(seed, job, vars, RUN_CONSTANT.flatMap((n) => [macro(n), n.toUpperCase().replace(/\./g, '_')]));
}

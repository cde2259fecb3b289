/**
 * DOCKER_BUILDKIT as Travis CI and Bitbucket Pipelines give it where the file sets none. Both run
 * a docker before 23 (Travis's focal image ships 19.03/20.10; Bitbucket mounts its own docker
 * CLI into the step), which builds with the legacy builder unless DOCKER_BUILDKIT=1 is set, and
 * both let it be set where the tool cannot look (the repository's settings, Bitbucket's
 * repository, workspace and deployment variables; a Bitbucket runtime v3 step brings its own
 * CLI). So the value is not known (null): the legacy builder may run the build, and what it
 * cannot build (an export stage, `COPY --chmod`) is refused (../../plan/build-flags.ts).
 */
export const TRAVIS_BUILDKIT_WHY = "on a Travis CI machine, whose docker (before 23) builds with the legacy builder unless DOCKER_BUILDKIT=1 is set, and the file sets none (the repository's settings may)";
export const BITBUCKET_BUILDKIT_WHY = 'in a Bitbucket Pipelines step, whose docker service builds with the legacy builder unless DOCKER_BUILDKIT=1 is set, and the step sets none before the build (a repository, workspace or deployment variable may)';

/** The variables a job starts with, DOCKER_BUILDKIT not known where they do not set it, and the note saying why. */
export function withHostBuildkit(vars: ReadonlyMap<string, string | null>, why: string): { vars: Map<string, string | null>; notes?: Map<string, string> } {
  if (vars.has('DOCKER_BUILDKIT')) return { vars: new Map(vars) };
  return { vars: new Map([...vars, ['DOCKER_BUILDKIT', null]]), notes: new Map([['DOCKER_BUILDKIT', why]]) };
}

/**
 * Made-up values for what a CI service fixes for a whole run (the commit, the branch, the run's
 * number), which --verify gives both pipelines alike, in every step, as the service would
 * (each runner names them its own way: ./ci-steps.ts, ./jobs/azure.ts, ./jobs/circleci.ts).
 */
export const RUN = { commit: '0123456789abcdef0123456789abcdef01234567', branch: 'main', number: '1', repository: 'repository', owner: 'local' } as const;

/**
 * Whether a GitLab job may find the files an earlier job left in its folder. A runner keeps one
 * project folder per runner and concurrency slot (the shell executor's build folder, the docker
 * executor's builds volume) and reuses it from job to job; before the script it fetches the
 * repository there and runs `git clean` with GIT_CLEAN_FLAGS (`-ffdx` by default), which removes
 * every file git does not track, or clones it afresh (https://docs.gitlab.com/ee/ci/runners/configure_runners.html#git-strategy).
 * So a job finds an earlier job's files where:
 *
 * - `GIT_STRATEGY: none`: nothing is fetched or cleaned, the folder is used as it is;
 * - GIT_CLEAN_FLAGS is `none` (no clean), or flags that may leave some files (`-ffd` keeps the
 *   ignored ones, `-e PATTERN` keeps what matches): only one word of `f`, `d`, `x`, `q` holding
 *   both `d` and `x` cleans all;
 * - either is only known at run time.
 *
 * Variables the job's YAML gives (its own, its templates', the file's); a project's CI/CD
 * settings may set them too, which the tool cannot see.
 */
export function findsEarlierFiles(vars: ReadonlyMap<string, string | null>): boolean {
  const strategy = vars.get('GIT_STRATEGY');
  if (strategy === null || (strategy !== undefined && strategy.trim().toLowerCase() === 'none')) return true;
  if (!vars.has('GIT_CLEAN_FLAGS')) return false;
  const flags = vars.get('GIT_CLEAN_FLAGS');
  if (flags === null || flags === undefined) return true;
  const words = flags.trim().split(/\s+/);
  return !(words.length === 1 && /^-[fdxq]+$/.test(words[0]!) && words[0]!.includes('d') && words[0]!.includes('x'));
}

/**
 * The jobs of a `.travis.yml`, as Travis makes them: each `jobs.include` (or `matrix.include`)
 * entry is a job that inherits every root key it does not set itself; the root's own job runs
 * when there is no include, or when a root key expands the build matrix (several `env:` rows, an
 * `os:`/`arch:`/`dist:` or a language version key). Named `default` (the root's job) and
 * `include N` (the Nth entry, from 1): the names --verify runs them by. An entry without
 * `stage:` is in the stage of the entry before it (`test` for the first).
 *
 * Generic over the tree it reads, so the analyser (yaml nodes, with positions) and --verify
 * (plain values) name the same jobs.
 */

/**
 * The Travis phases that run shell commands before the deploy, in the order they run
 * (`before_cache` only when the job caches, which --verify does not run).
 */
export const TRAVIS_PHASES = ['before_install', 'install', 'before_script', 'script', 'before_cache', 'after_success'] as const;

/** Keys of a deploy provider that name a file or folder it reads from the build's working tree. */
/** Languages whose default `install` and `script` phases are nothing (a phase left out, or left without a value, runs nothing). */
export const NO_DEFAULT_PHASES: ReadonlySet<string> = new Set(['minimal', 'generic', 'shell', 'sh', 'bash']);

export const DEPLOY_PATH_KEYS = ['file', 'file_glob', 'local_dir', 'local-dir', 'dir', 'folder', 'zip_file', 'artifact', 'bucket_path_source'] as const;

/** Root keys that expand the build matrix into the root's own jobs. */
const EXPANSION = ['os', 'arch', 'dist', 'go', 'node_js', 'python', 'rvm', 'ruby', 'jdk', 'php', 'perl', 'scala', 'rust', 'julia', 'dart', 'elixir', 'otp_release', 'ghc', 'haxe', 'crystal', 'd', 'dotnet', 'mono', 'r', 'smalltalk', 'xcode_sdk', 'compiler', 'gemfile'];

export interface TreeAccess<N> {
  get: (map: N | undefined, key: string) => N | undefined;
  items: (n: N | undefined) => N[];
  isMap: (n: unknown) => boolean;
}

export interface TravisJob<N> {
  name: string;
  stage: string | null;
  /** The include entry (null: the root's own job). */
  own: N | null;
  /** A key of the job: its own, else the root's. */
  get: (key: string) => N | undefined;
}

export function travisJobs<N>(root: N, t: TreeAccess<N>): TravisJob<N>[] {
  const includes = ['jobs', 'matrix'].flatMap((k) => t.items(t.get(t.get(root, k), 'include'))).filter((e) => t.isMap(e));
  const env = t.get(root, 'env');
  const envRows = t.isMap(env) ? t.items(t.get(env, 'jobs') ?? t.get(env, 'matrix')) : t.items(env);
  const expands = envRows.length > 0 || EXPANSION.some((k) => t.get(root, k) !== undefined);
  const jobs: TravisJob<N>[] = [];
  if (includes.length === 0 || expands) jobs.push({ name: 'default', stage: null, own: null, get: (key) => t.get(root, key) });
  let stage = 'test';
  for (const [i, own] of includes.entries()) {
    const s = t.get(own, 'stage');
    if (s !== undefined && s !== null) stage = String(scalar(s));
    jobs.push({ name: `include ${i + 1}`, stage, own, get: (key) => (t.get(own, key) !== undefined ? t.get(own, key) : key === 'stage' ? undefined : t.get(root, key)) });
  }
  return jobs;
}

/** A yaml Scalar's value, or the value itself. */
function scalar(n: unknown): unknown {
  return n && typeof n === 'object' && 'value' in n ? (n as { value: unknown }).value : n;
}

/**
 * Image builds by programs whose flags are not docker's and which the tool does not read as
 * builds: kaniko's executor (`/kaniko/executor --context … --dockerfile …`, the usual image
 * build of a GitLab CI job without a docker daemon) and BuildKit's own client (`buildctl build
 * --frontend dockerfile.v0 --local dockerfile=. --opt filename=…`). Such a build of a setup's
 * runtime Dockerfile would now build the merged file's builder stage too, from a context and with
 * build arguments the tool does not know (src/plan/runtime-rebuilds.ts). What is read is which
 * Dockerfile it builds: from its context and Dockerfile flags where their paths are known
 * (relative to the folder it runs in), else only by the file's name, any Dockerfile of that name
 * being possible.
 *
 * Cloud builders are read the same way: `gcloud builds submit --tag IMAGE [SOURCE]` (Cloud
 * Build builds `Dockerfile` at the root of SOURCE, default `.`; without `--tag` it runs a
 * cloudbuild.yaml, searched as a file of its own) and `az acr build … SOURCE` (ACR Tasks builds
 * `--file`, default `Dockerfile`, relative to SOURCE). The SOURCE is the first operand past
 * the options each takes; past an option the table below does not know, it is not known.
 */
import path from 'node:path/posix';
import { resolveRel } from './paths.js';
import type { ScriptCommand } from './script.js';

/** What a build builds: Dockerfiles by repository path, or, where a path is only known at run time, by file name. */
export interface Targets {
  /** The Dockerfiles it builds, as repository paths; null when only `names` is known. */
  dockerfiles: string[] | null;
  /** With `dockerfiles` null: the file names it may build (empty: any). */
  names: string[];
}

export interface ForeignBuild extends Targets {
  /** The program, as messages name it. */
  program: 'kaniko' | 'buildctl' | 'gcloud' | 'az';
}

/** A cloud builder's options: those that take a value (`--tag IMAGE`), and those that take none. */
interface CloudOptions {
  valued: ReadonlySet<string>;
  flags: ReadonlySet<string>;
}

/** gcloud's global options, and those of `builds submit` (Google Cloud SDK reference). */
const GCLOUD: CloudOptions = {
  valued: new Set(['--tag', '-t', '--config', '--region', '--project', '--substitutions', '--timeout', '--machine-type', '--disk-size', '--gcs-source-staging-dir', '--gcs-log-dir', '--ignore-file', '--worker-pool', '--service-account', '--default-buckets-behavior', '--billing-project', '--account', '--configuration', '--impersonate-service-account', '--verbosity', '--format', '--flags-file', '--trace-token', '--dir', '--pack']),
  flags: new Set(['--async', '--no-cache', '--no-source', '--suppress-logs', '--quiet', '-q', '--log-http', '--user-output-enabled', '--no-user-output-enabled']),
};
/** az's global options, and those of `acr build` (Azure CLI reference). */
const AZ_ACR: CloudOptions = {
  valued: new Set(['--registry', '-r', '--image', '-t', '--file', '-f', '--build-arg', '--secret-build-arg', '--platform', '--target', '--timeout', '--agent-pool', '--auth-mode', '--resource-group', '-g', '--log-template', '--subscription', '--output', '-o', '--query', '--source-acr-auth-id']),
  flags: new Set(['--no-logs', '--no-push', '--no-wait', '--no-format', '--only-show-errors', '--debug', '--verbose']),
};

/** The words of a gcloud or az command after its verbs (`builds submit`, `acr build`), or null when it runs no such build. */
function cloudVerbs(program: 'gcloud' | 'az', rest: readonly (string | null)[]): number | null {
  const verbs = program === 'gcloud' ? ['builds', 'submit'] : ['acr', 'build'];
  let k = 0;
  // `gcloud beta builds submit`, `gcloud alpha builds submit`.
  if (program === 'gcloud' && (rest[0] === 'beta' || rest[0] === 'alpha')) k = 1;
  return rest[k] === verbs[0] && rest[k + 1] === verbs[1] ? k + 2 : null;
}

/** The value of a cloud builder's option (`--f v` or `--f=v`), the SOURCE operand, and whether every option was read. */
function cloudArgs(words: readonly string[], options: CloudOptions): { values: Map<string, string>; source: string | undefined; read: boolean } {
  const values = new Map<string, string>();
  let source: string | undefined;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (!w.startsWith('-') || w === '-') {
      // A second operand: words the line's reading split or added (`…], check=True)`); the SOURCE is not known.
      if (source !== undefined) return { values, source: undefined, read: false };
      source = w;
      continue;
    }
    const eq = w.indexOf('=');
    const name = eq > 0 ? w.slice(0, eq) : w;
    if (options.valued.has(name)) values.set(name, eq > 0 ? w.slice(eq + 1) : (words[++k] ?? ''));
    else if (!options.flags.has(name)) return { values, source: undefined, read: false };
  }
  return { values, source, read: true };
}

/** A SOURCE that is no folder of the repository: a URL, a Cloud Storage object, an archive. */
const REMOTE_SOURCE = /^[a-z][a-z0-9+.-]*:\/\/|\.(tgz|tar|tar\.gz|zip)$/i;

/** kaniko's own flags: a program named `executor` given one of them is kaniko's. */
const KANIKO_FLAGS = /^--(context|dockerfile|destination|no-push|build-arg|target|cache)\b|^-[cf]$/;

/** What makes a word only known when a file runs, in the languages searched (`$X`, `%X%`, `{{.X}}`, `<x>`, globs). */
export const DYNAMIC = /[$%{}<>*?]/;

/** The last segment of a path word, when it is static (`$CI_PROJECT_DIR/Dockerfile` → `Dockerfile`). */
export function lastName(text: string): string | null {
  const name = text.slice(text.lastIndexOf('/') + 1);
  return name === '' || DYNAMIC.test(name) ? null : name;
}

/** Whether a build of `targets` may build the Dockerfile at `dockerfile` (a repository path). */
export function mayBuild(targets: Targets, dockerfile: string): boolean {
  if (targets.dockerfiles !== null) return targets.dockerfiles.includes(dockerfile);
  return targets.names.length === 0 || targets.names.includes(path.basename(dockerfile));
}

/** The value of one of `flags` among `words` (`--f v` or `--f=v`); undefined when absent. */
function flagValue(words: readonly string[], flags: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const eq = w.indexOf('=');
    if (eq > 0 && flags.includes(w.slice(0, eq))) found = w.slice(eq + 1);
    else if (flags.includes(w)) found = words[k + 1] ?? '';
  }
  return found;
}

/** What a kaniko or buildctl build builds (the words after its program), read from each of `cwds`. */
export function foreignTargets(words: readonly string[], program: ForeignBuild['program'], cwds: readonly string[] | null): Targets {
  // With the folder it runs in unknown (null), no relative path can be resolved.
  const known = (p: string | undefined): p is string => cwds !== null && p !== undefined && p !== '' && !DYNAMIC.test(p) && !p.startsWith('/');
  if (program === 'kaniko') {
    const context = flagValue(words, ['--context', '-c'])?.replace(/^dir:\/\//, '');
    const df = flagValue(words, ['--dockerfile', '-f']);
    if (df === undefined) return known(context) ? { dockerfiles: [...new Set(cwds!.map((c) => resolveRel(resolveRel(c, context), 'Dockerfile')))], names: [] } : { dockerfiles: null, names: ['Dockerfile'] };
    const name = lastName(df);
    if (!known(df)) return { dockerfiles: null, names: name === null ? [] : [name] };
    // kaniko reads a relative --dockerfile from the folder it runs in, or else from the context.
    const from = [...cwds!.map((c) => resolveRel(c, df)), ...(known(context) ? cwds!.map((c) => resolveRel(resolveRel(c, context), df)) : [])];
    return { dockerfiles: [...new Set(from)], names: [] };
  }
  if (program === 'gcloud' || program === 'az') {
    const { values, source, read } = cloudArgs(words.slice(cloudVerbs(program, words) ?? 0), program === 'gcloud' ? GCLOUD : AZ_ACR);
    const file = program === 'az' ? (values.get('--file') ?? values.get('-f') ?? 'Dockerfile') : 'Dockerfile';
    const ctx = source ?? (program === 'gcloud' ? '.' : undefined);
    const last = lastName(file);
    if (!read || !known(ctx) || REMOTE_SOURCE.test(ctx) || DYNAMIC.test(file) || file.startsWith('/')) return { dockerfiles: null, names: last === null ? [] : [last] };
    return { dockerfiles: [...new Set(cwds!.map((c) => resolveRel(resolveRel(c, ctx), file)))], names: [] };
  }
  let dir: string | undefined;
  let name = 'Dockerfile';
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const opt = w === '--local' || w === '--opt' ? words[k + 1] : w.startsWith('--local=') || w.startsWith('--opt=') ? w.slice(w.indexOf('=') + 1) : undefined;
    if (opt?.startsWith('dockerfile=')) dir = opt.slice('dockerfile='.length);
    if (opt?.startsWith('filename=')) name = opt.slice('filename='.length);
  }
  const last = lastName(name);
  if (!known(dir) || DYNAMIC.test(name)) return { dockerfiles: null, names: last === null ? [] : [last] };
  return { dockerfiles: [...new Set(cwds!.map((c) => resolveRel(resolveRel(c, dir!), name)))], names: [] };
}

/**
 * A word only known at run time, as the path it names where that is known: in GitLab CI,
 * `$CI_PROJECT_DIR` is the folder the repository is checked out to, where the job starts
 * (the usual `--context "$CI_PROJECT_DIR" --dockerfile "$CI_PROJECT_DIR/Dockerfile"`);
 * anything else stays as written, which DYNAMIC takes as unknown.
 */
function runTimeText(cmd: ScriptCommand, raw: string): string {
  const text = raw.replace(/^"(.*)"$/s, '$1');
  const gitlab = /(^|\/)\.gitlab-ci\.ya?ml$/.test(cmd.file);
  const rest = gitlab ? /^(?:\$CI_PROJECT_DIR|\$\{CI_PROJECT_DIR\})(\/.*)?$/.exec(text) : null;
  if (rest) return `.${rest[1] ?? ''}`;
  return DYNAMIC.test(text) ? text : '$';
}

/**
 * Whether `program` (a program word's value) given `rest` (the values of the words after it; null
 * where only known at run time) runs kaniko or buildctl: kaniko's executor by a path naming kaniko
 * or by one of kaniko's flags, buildctl (or its daemonless wrapper) with a `build` word; or a
 * cloud builder's build: `gcloud builds submit --tag …`, `az acr build`.
 */
export function foreignProgram(program: string, rest: readonly (string | null)[]): ForeignBuild['program'] | null {
  const base = program.slice(program.lastIndexOf('/') + 1);
  if (base === 'executor' && (program.includes('kaniko') || rest.some((w) => w !== null && KANIKO_FLAGS.test(w)))) return 'kaniko';
  if ((base === 'buildctl' || base === 'buildctl-daemonless.sh') && rest.includes('build')) return 'buildctl';
  // Cloud Build with `--tag` builds a Dockerfile (without it, a cloudbuild.yaml); ACR Tasks always does.
  const at = base === 'gcloud' || base === 'az' ? cloudVerbs(base, rest) : null;
  if (at !== null && (base === 'az' || rest.slice(at).some((w) => w !== null && (w === '--tag' || w === '-t' || w.startsWith('--tag='))))) return base as 'gcloud' | 'az';
  return null;
}

/** The build `cmd` runs with kaniko or buildctl, from its program word `at`; null when it is none. */
export function foreignBuild(cmd: ScriptCommand, at: number): ForeignBuild | null {
  const program = cmd.words[at]?.value;
  if (program == null) return null;
  const rest = cmd.words.slice(at + 1);
  const which = foreignProgram(program, rest.map((w) => w.value));
  if (which === null) return null;
  const texts = rest.map((w) => w.value ?? runTimeText(cmd, w.raw));
  return { program: which, ...foreignTargets(texts, which, cmd.cwd === null ? null : [cmd.cwd]) };
}

/** Flag parsing (node's util.parseArgs: no dependency, fast start) and the --help text. */
import { rootOverlap } from '../discover/root-overlap.js';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

/** The longest --verify-timeout, in seconds: Node's timers hold at most 2^31 - 1 milliseconds. */
const MAX_VERIFY_TIMEOUT = 2147483;

export class UsageError extends Error {}

export interface CliOptions {
  paths: string[];
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  /** --format sarif: a SARIF 2.1.0 log (with --check or --dry-run). */
  sarif: boolean;
  /** --summary: only the batch table and the summary line. */
  summary: boolean;
  stageName: string;
  /** --stage-name was given: a name already in use refuses instead of becoming `<name>-2`. */
  stageNameFixed: boolean;
  noColor: boolean;
  /** Page each setup's diff through $PAGER during the review (off with --no-pager). */
  pager: boolean;
  /** Where to write a patch of the planned changes ('-' for standard output), or null. */
  patch: string | null;
  check: boolean;
  force: boolean;
  verify: boolean;
  /** --verify-timeout: the limit for each run of a pipeline, in seconds. */
  verifyTimeout: number;
  engine: 'docker' | 'podman' | null;
  ignore: string[];
  help: boolean;
  version: boolean;
}

export const HELP = `Usage: multistage-codemod [paths...] [options]

Finds Docker builder-pattern setups (a builder Dockerfile, a script that builds it and
copies the artifact out of a container, and a runtime Dockerfile that COPYs it), merges
each into one multi-stage Dockerfile and rewrites the script to a single docker build.
Each path (default: .) is a repository root; roots must not overlap. A script is read as run from its own folder,
or from its caller's when a Makefile, npm script, CI step or other script runs it.
Scripts are read from shell scripts, Makefiles, package.json, JS/TS build scripts,
PowerShell (*.ps1), GitHub Actions, GitLab CI, Travis CI, CircleCI, Azure Pipelines,
Bitbucket Pipelines and Jenkinsfiles.

Options:
  --dry-run           Print the plan and the diffs; write nothing.
  -y, --yes           Apply every planned change without asking.
  --json              Print a machine-readable report (setups, artifacts, changes,
                      diagnostics) instead of text. Asks nothing; writes only with --yes.
  --format FORMAT     text (default), json (the same as --json), or sarif: a SARIF 2.1.0
                      log for code scanning, with --check or --dry-run (a rule per
                      diagnostic code, results with file and line, planned edits as fixes).
  --summary           Print only the batch table (a row per root) and the summary line.
  --stage-name NAME   Name of the builder stage when the builder has none (default: builder,
                      or builder-2, builder-3… when the files already use it).
  --patch FILE        Write the planned changes as one patch for \`git apply\` (- for standard
                      output: not with --json, --format or --summary); write nothing else
                      (not with --dry-run). FILE must be new or an earlier patch: a
                      file git tracks, a file the migration creates, and any other existing
                      file in a root or a git work tree are refused (exit 2). Its paths are
                      relative to the repository's top folder (or, outside git, to this folder
                      or the one holding every root); the command printed applies it.
                      Nothing to migrate: the patch is empty (git apply rejects it unless
                      given --allow-empty) and the run says there is nothing to apply.
  --check             For CI: list every builder-pattern setup found (migratable or not) and
                      exit 1 if there is any; write nothing. Not with --yes, --dry-run,
                      --patch or --verify.
  --force             Write even when files to change have uncommitted git changes or are
                      not tracked by git (untracked or ignored: git cannot restore them).
                      Also finish an interrupted run when a process has its id and cannot be
                      told apart from it (check first: ps -p PID -o args=).
  --verify            Prove each migration before it is offered. THIS RUNS THE REPOSITORY'S OWN
                      CODE: the setup's script, make target, npm script or CI job is run
                      twice, old and migrated, each in a temporary copy of the repository,
                      with \`docker\` going to podman in a private temporary image store
                      (your images are not touched; push, pull, login and remote engines
                      are refused). The images of every tag the old run built, the files
                      it left in the repository and its exit status must be the same, or
                      the setup is refused. Needs podman (and buildah).
  --verify-timeout S  With --verify: the time limit for each run, in seconds (default 600,
                      at most 2147483).
  --engine NAME       With --verify: podman (the default) or docker; the engine named must
                      work. A Docker daemon cannot give a private store, so with docker
                      every setup is "not verified".
  --ignore PATTERN    Leave out matching paths (gitignore syntax, relative to each root;
                      repeatable): never read as scripts, never changed. A setup whose
                      migration would change a file they match (its builder Dockerfile,
                      still read) is refused (IGNORED_PATH). A file a pattern matches
                      still runs: it is searched as text for uses of what a migration
                      removes; a folder a pattern matches is not entered. .gitignore files, node_modules and VCS folders are always
                      left out; symbolic links are never followed. JS/TS files under
                      src, lib, test(s), __tests__ or spec(s) folders are read only when
                      a script names them by path.
  --no-color          No colours (also: NO_COLOR=1, TERM=dumb; FORCE_COLOR=1 forces them
                      where neither --no-color nor NO_COLOR is given, FORCE_COLOR=0 stops them).
  --no-pager          In the review, print each setup's diff instead of paging it
                      through $PAGER (default: less -R). A pager that fails (exits
                      other than 0) counts as not shown: the diff is printed instead.
  -h, --help          Show this help.
  -V, --version       Show the version.

Environment:
  MULTISTAGE_CODEMOD_TIMING=1   When the run ends, print the time each phase took
                                (discover, analyze, plan, verify, review, apply) and the
                                peak memory on stderr.
  MULTISTAGE_CODEMOD_WORKERS=N  0 or 1: run on one thread. 2 or more (at most the number
                                of cores, or 4): N - 1 worker threads
                                analyse what the main thread reads while it walks each
                                root, then the main thread analyses beside them. walk: a
                                worker thread walks each root while the main thread
                                analyses what it reads. Unset: trees of more than 1,000
                                folders use every core on machines with 3 cores or more.
                                The output is the same either way.

Without --yes or --dry-run, on a terminal each setup's diff is shown (paged through
$PAGER) and you answer [y,n,a,q,v,?]: yes, no, all (this and every remaining setup),
quit (write the setups accepted so far, leave the rest), view the resulting files, or ?
for help. Enter alone is no answer: there is no default. Setups that change the same
file are reviewed as one. Accepted setups are written, exactly as shown, when the review
ends; Ctrl+C writes nothing. Without a terminal nothing is written: the plan is printed
and the exit code is 1. Before writing, files with uncommitted git changes, and existing
files git does not track, stop the run (--force to write anyway), so the migration stays reviewable as its own diff.

Exit codes:
  0    done, or nothing to do
  1    findings, with everything else applied: a setup was refused, --check found
       setups, or changes are pending (no terminal and no --yes)
  2    bad usage
  3    a failure: a write failed or was refused (uncommitted changes, an interrupted
       earlier run), no container engine for --verify, the patch or standard output
       could not be written, or an internal error. A run that wrote its files but not
       its report keeps its own code, and says on stderr which files it wrote.
  130  interrupted (Ctrl+C); nothing was written

Examples:
  One repository:
    multistage-codemod                         review each setup, then write the accepted ones
    multistage-codemod --dry-run               only show what would change
    multistage-codemod . --yes                 migrate without asking
  A monorepo or many repositories:
    multistage-codemod services/* --dry-run --json > plan.json
    multistage-codemod services/api services/worker --yes
  CI (fail while builder-pattern setups remain; annotate pull requests):
    multistage-codemod --check
    multistage-codemod --check --format sarif > builder-pattern.sarif
  Prove it before writing:
    multistage-codemod --verify --dry-run
  Review in a pull request:
    multistage-codemod --patch migrate.patch; git apply --stat --allow-empty migrate.patch
`;

const STAGE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

/** Every flag parseArgs accepts (the --help text and the README's table name each one). */
export const OPTIONS = {
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  json: { type: 'boolean', default: false },
  format: { type: 'string' },
  summary: { type: 'boolean', default: false },
  'stage-name': { type: 'string' },
  'no-color': { type: 'boolean', default: false },
  'no-pager': { type: 'boolean', default: false },
  patch: { type: 'string' },
  check: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  verify: { type: 'boolean', default: false },
  'verify-timeout': { type: 'string' },
  engine: { type: 'string' },
  ignore: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const v = parsed.values;
  const opts: CliOptions = {
    paths: parsed.positionals.length > 0 ? parsed.positionals : ['.'],
    dryRun: Boolean(v['dry-run']),
    yes: Boolean(v.yes),
    json: Boolean(v.json) || v.format === 'json',
    sarif: v.format === 'sarif',
    summary: Boolean(v.summary),
    stageName: typeof v['stage-name'] === 'string' ? v['stage-name'] : 'builder',
    stageNameFixed: typeof v['stage-name'] === 'string',
    noColor: Boolean(v['no-color']),
    pager: !v['no-pager'],
    patch: typeof v.patch === 'string' ? v.patch : null,
    check: Boolean(v.check),
    force: Boolean(v.force),
    verify: Boolean(v.verify),
    verifyTimeout: 600,
    engine: null,
    ignore: (v.ignore as string[] | undefined) ?? [],
    help: Boolean(v.help),
    version: Boolean(v.version),
  };
  if (opts.help || opts.version) return opts;
  if (v.format !== undefined && !['text', 'json', 'sarif'].includes(String(v.format))) throw new UsageError(`--format must be text, json or sarif, not ${JSON.stringify(v.format)}`);
  if (opts.sarif && !(opts.check || opts.dryRun)) throw new UsageError('--format sarif reports findings: use it with --check or --dry-run');
  if ((opts.sarif || v.format === 'text') && v.json) throw new UsageError(`--json and --format ${String(v.format)} contradict each other: choose one`);
  if (opts.summary && (opts.json || opts.sarif)) throw new UsageError('--summary is for text output, not --json or --format sarif');
  if (opts.dryRun && opts.yes) throw new UsageError('--dry-run and --yes contradict each other: choose one');
  if (opts.yes && (opts.patch !== null || opts.check)) throw new UsageError(`${opts.check ? '--check' : '--patch'} only reviews and cannot be combined with --yes`);
  // Options one of the modes would ignore: said, never dropped in silence.
  const report = v.json ? '--json' : v.format !== undefined && v.format !== 'text' ? `--format ${String(v.format)}` : opts.summary ? '--summary' : null;
  const conflicts: [boolean, string][] = [
    [opts.check && opts.patch !== null, '--check and --patch contradict each other: --check only lists the setups, it plans no patch; choose one'],
    [opts.check && opts.dryRun, '--check and --dry-run contradict each other: --check lists the setups, --dry-run shows the plan and its diffs; choose one'],
    [opts.check && opts.verify, '--verify does nothing with --check, which lists the setups without proving them: use --verify with --dry-run, --patch or --yes'],
    [opts.patch !== null && opts.dryRun, '--patch and --dry-run contradict each other: --patch writes nothing else already and prints the patch instead of the diffs; choose one'],
    [opts.patch === '-' && report !== null, `--patch - and ${report} both print to standard output: choose one, or give --patch a file name`],
  ];
  for (const [conflict, why] of conflicts) if (conflict) throw new UsageError(why);
  if (typeof v.engine === 'string') {
    if (v.engine !== 'docker' && v.engine !== 'podman') throw new UsageError(`--engine must be docker or podman, not ${JSON.stringify(v.engine)}`);
    opts.engine = v.engine;
  }
  if (opts.engine && !opts.verify) throw new UsageError('--engine only matters with --verify');
  if (typeof v['verify-timeout'] === 'string') {
    const t = Number(v['verify-timeout']);
    // Node's timers hold at most 2^31 - 1 ms: a longer limit became 1 ms (with a warning).
    if (!/^\d+(\.\d+)?$/.test(v['verify-timeout']) || !(t > 0) || t > MAX_VERIFY_TIMEOUT) {
      throw new UsageError(`--verify-timeout must be a number of seconds above 0 and at most ${MAX_VERIFY_TIMEOUT} (about 24 days), not ${JSON.stringify(v['verify-timeout'])}`);
    }
    if (!opts.verify) throw new UsageError('--verify-timeout only matters with --verify');
    opts.verifyTimeout = t;
  }
  if (opts.patch === '') throw new UsageError('--patch needs a file name (or - for standard output)');
  if (!STAGE_NAME.test(opts.stageName)) {
    throw new UsageError(`--stage-name ${JSON.stringify(opts.stageName)} is not a valid stage name (a letter, then letters, digits, _ . or -)`);
  }
  for (const p of opts.paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`${p}: no such folder`);
    }
    if (!st.isDirectory()) throw new UsageError(`${p} is not a folder: give the repository's root folder`);
  }
  const overlap = rootOverlap(opts.paths);
  if (overlap) throw new UsageError(overlap);
  return opts;
}

/**
 * The grammar of random builder-pattern repositories: a repository is a RepoSpec, one choice per
 * feature, drawn from a seeded generator (same seed, same repository, on every machine). Each
 * feature's FIRST option is its plainest form; the shrinker (./shrink.ts) moves features back to
 * it. Features cover the shapes the tool migrates and the traps it must refuse or get exactly
 * right (the hostile shapes of "never write a wrong migration"). What runs the commands is the
 * `driver` (sh, bash, Makefile, package.json) or, drawn from a stream of its own, a `runner`: a
 * GitHub Actions workflow, a GitLab CI job or a JS build script (./render-ci.ts, ./render-js.ts).
 */
import { DOCKERFILE_FEATURES, drawDockerfileFeatures, isDockerfileFeature, normalizeDockerfile } from './dockerfile-features.js';
import { LATER_STEP_FEATURES, normalizeLaterStep } from './later-step-features.js';
import { normalizeReaders, READER_FEATURES } from './reader-features.js';
import { CI_FLAVOUR_FEATURES, normalizeCiFlavour } from './ci-flavours.js';
import { EXTRACTION_LATE_FEATURES, normalizeExtractionLate } from './extraction-features.js';
import { normalizeRunStep, RUN_STEP_FEATURES } from './run-step-features.js';
import { LOG_FEATURES, normalizeLogs } from './log-features.js';
import { IMAGE_FEATURES, normalizeImages } from './image-features.js';
import { normalizeStreams, STREAM_FEATURES } from './stream-features.js';
import { CALLER_FEATURES, normalizeCallers } from './caller-features.js';
import { normalizeOutArg, OUT_ARG_FEATURES } from './out-arg-features.js';
import { FUNCTION_FEATURES, normalizeFunctions } from './function-features.js';
import { COPY_ARG_FEATURES, normalizeCopyArg } from './copy-arg-features.js';
import { normalizePlace, PLACE_FEATURES } from './place-features.js';
import { ERREXIT_FEATURES, normalizeErrexit } from './errexit-features.js';
import { normalizeSourced, SOURCED_FEATURES } from './sourced-features.js';
import { MAKE_OVERRIDE_FEATURES, normalizeMakeOverride } from './make-override-features.js';
import { MAKE_SHELL_VAR_FEATURES, normalizeMakeShellVars } from './make-shell-var-features.js';

/** How the artifact leaves the builder. */
export const EXTRACTIONS = [
  'create-cp', // docker create --name x IMG; docker cp x:/p dst; docker rm x
  'id-var', // id=$(docker create IMG); docker cp "$id":/p dst; docker rm -v "$id"
  'inline-create', // docker cp $(docker create IMG):/p dst
  'run-name', // docker run --name x IMG go build …; docker cp x:/p dst (run-time build)
  'cat-redirect', // docker run --rm IMG cat /p > dst; chmod
  'volume-cp', // docker run --rm -v "$PWD/out:/export" IMG cp /p /export/
  'mount-build', // docker run --rm -v "$PWD/out:/out" IMG go build -o /out/app (run-time build)
  'tar-pipe', // docker run --rm IMG tar -C /out -c . | tar -x -C build/
  'detached-idle', // docker run -d --name x IMG tail -f /dev/null; docker cp x:/p dst; docker rm -f x
  'cmd-cat', // the builder's CMD is `cat /p`: docker run --rm IMG > dst; chmod
  'stock-build', // no builder image: docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .
] as const;
export type Extraction = (typeof EXTRACTIONS)[number];

/** Every feature and its options, plainest first. */
export const FEATURES = {
  driver: ['sh', 'bash', 'make', 'npm'],
  extraction: EXTRACTIONS,
  builderFile: ['Dockerfile.build', 'Dockerfile.builder', 'build.Dockerfile'],
  builderTag: ['colon', 'dash'],
  artifact: ['file', 'folder'],
  dest: ['same', 'rename', 'bin-dir', 'holder-dir'],
  /** `bin/`, `build/`, `./dist/`: a destination folder written with its trailing slash. */
  destSlash: [false, true],
  /** The runtime COPY of a file names the folder it lands in (`COPY app /usr/local/bin/`). */
  runtimeDestDir: [false, true],
  /** A renamed artifact whose name holds a space (quoted in the script, JSON-form COPY). */
  spaceName: [false, true],
  /** The builder tag, container name and final tag held in variables (`TAG=…`, `TAG ?= …`, `${TAG:-…}`). */
  vars: ['none', 'plain', 'default'],
  /** An `|| exit 1` (or `|| { echo …; exit 1; }`) guard on the builder build and the copy. */
  orGuard: ['none', 'exit', 'block'],
  /** `docker container create|cp|rm` instead of `docker create|cp|rm`. */
  spelling: ['short', 'long'],
  /** Make: the artifact is a file target of its own (`ledger: main.go`), copied to `$@`. */
  makeAuto: [false, true],
  /** npm: the builder build in `preimage`, or in a script of its own run with `npm run`. */
  npmSplit: ['none', 'pre', 'run'],
  /** `--build-arg BUILD_MODE=debug` on the builder build (its ARG after FROM). */
  buildArg: [false, true],
  argBeforeFrom: [false, true],
  argAfterFrom: [false, true],
  globalArgInRuntime: [false, true],
  builderWorkdir: ['/src', '/go/src/app'],
  builderUser: [false, true],
  fileMode: ['default', '0700', '0750'],
  builderJsonCmd: [false, true],
  trailingBackslash: [false, true],
  runtimeBase: ['alpine:3.19', 'busybox:latest', 'debian:bookworm-slim'],
  runtimeWorkdir: [false, true],
  runtimeUser: [false, true],
  runtimeChown: [false, true],
  runtimeCmdSpaces: [false, true],
  stageCapture: [false, true],
  archiveAdd: [false, true],
  ignoreFile: ['none', 'docs', 'maps'],
  label: [false, true],
  shellOpts: ['e', 'eu', 'euo'],
  inScriptsDir: [false, true],
  echo: [false, true],
  compound: ['none', 'if', 'brace', 'else'],
  trapCleanup: [false, true],
  guardedCp: [false, true],
  inspectAfter: [false, true],
  rmMkdirDest: [false, true],
  /** A host step on the extracted program before the runtime build: `chmod 0700`, `chmod +x` (the container's mode plus x), `sed -i`, `>>`. */
  postProcess: ['none', 'chmod', 'sed', 'append', 'chmod-x'],
  hostUse: ['none', 'checksum', 'release'],
  secondConsumer: [false, true],
  dockerfileEdit: [false, true],
  copyIn: [false, true],
  cleanup: [true, false],
  /**
   * The builder image used by its tag after the final build, outside the script: a check script
   * the pipeline runs (`docker image inspect app:build`), or a Dockerfile built `FROM` it. The
   * migration must keep building that image. Drawn from a stream of its own (below).
   */
  tagUse: ['none', 'script', 'dockerfile'],
  /**
   * How the two files' global ARGs meet (with argBeforeFrom; drawn from the second stream):
   * a second name on the builder's `ARG GO_VERSION=1.21` line, the same global in the runtime,
   * a runtime global whose default reads the builder's GO_VERSION (before the builder's globals,
   * so still empty), or a builder global reading a variable only the runtime declares (empty in
   * the builder, the runtime's value once merged: must be refused).
   */
  globalArgs: ['none', 'shared-line', 'same-literal', 'runtime-reads-own', 'builder-reads-runtime'],
  /**
   * A command between the builder build and the runtime build changes main.go, which the builder
   * read: appended to by `echo >>` (a known writer), or by a helper script the tool cannot read.
   * Merged, the builder would compile the changed file: must be refused. Rare (see OWN_ODDS).
   */
  sourceEdit: ['none', 'known', 'unknown'],
  // ---- Dockerfile shapes (./dockerfile-features.ts; drawn from a stream of their own).
  ...DOCKERFILE_FEATURES,
  // ---- What runs the commands besides the `driver` scripts (./render-ci.ts, ./render-js.ts; drawn from a stream of their own, DRIVER_STREAM).
  /**
   * `script`: the `driver` feature decides (sh, bash, Makefile, package.json). Else a GitHub
   * Actions workflow (`run:` steps), a GitLab CI job (`script:` list), or a JS build script
   * (`execSync`/`spawnSync` per command) runs them, and `driver` is moot.
   */
  runner: ['script', 'github', 'gitlab', 'js'],
  /** CI: every command in one `run: |` block, a step (or multi-line item) per part, or a step (or item) per command. */
  ciSteps: ['block', 'split', 'each'],
  /** CI: where the names held in variables are set: job `env:`/`variables:`, each step's `env:` (GitHub), the workflow's/file's top. */
  ciEnv: ['job', 'step', 'top'],
  /** GitHub: each step has a `name:`. */
  ciNames: [false, true],
  /** CI: the repository lives in `svc/`: each step's `working-directory:` (GitLab: `cd svc`), or `defaults.run` (GitLab: `before_script`). */
  ciWorkdir: ['none', 'step', 'defaults'],
  /** JS: every command through `execSync(\`…\`)`, or the plain docker commands as `spawnSync('docker', [...])`. */
  jsCall: ['exec', 'spawn'],
  /** JS: `build.mjs` (import) or `build.js` (require). */
  jsModule: ['mjs', 'cjs'],
  /** JS: `node build.mjs` at the root, or `scripts/build.mjs` run through a package.json script. */
  jsEntry: ['node', 'npm'],
  // ---- What uses the artifact on the host afterwards without naming it (HOST_STREAM, a stream of its own).
  /**
   * After the final build, a command that reaches the artifact through what holds it: a copy of
   * its folder (`cp -r bin kept/`), a pattern (`ls -d bin/ledge? > found.txt`), the binary run by
   * its path (`./bin/ledger > run.log`), or a caller script (`ci.sh`: `sh build.sh`, then the
   * binary run). The migration must still leave the artifact on the host.
   */
  hostReach: ['none', 'folder', 'glob', 'run', 'caller'],
  // ---- A second setup driven by the same script (TWO_STREAM, a stream of its own).
  /**
   * A second builder pattern in the same sh or bash script: the `worker` program, built from the
   * repository's root (`Dockerfile.worker.build`, `Dockerfile.worker`, its artifact `./worker`)
   * or from a folder of its own (`worker/Dockerfile.build`, `worker/Dockerfile`, `worker/worker`).
   */
  twoSetups: ['none', 'same-folder', 'other-folder'],
  /** How the second setup builds: a builder image and a container copy, or a stock toolchain image given the whole repository (`-v "$PWD":/src`). */
  secondBuild: ['image', 'stock'],
  /** Where its commands stand: after the first setup's, or between the first's extraction and its runtime build. */
  secondAt: ['end', 'between'],
  // ---- The builder's run step (./run-step-features.ts), what runs after the build (./later-step-features.ts) and what reads the artifact then (./reader-features.ts): streams of their own.
  ...RUN_STEP_FEATURES,
  ...LATER_STEP_FEATURES,
  ...READER_FEATURES,
  // ---- The other CI kinds a GitHub or GitLab runner is written as (./ci-flavours.ts): a stream of its own.
  ...CI_FLAVOUR_FEATURES,
  // ---- How the extraction lands the file (./extraction-features.ts): a stream of its own.
  ...EXTRACTION_LATE_FEATURES,
  // ---- A log a removed command writes (./log-features.ts), and how the pattern's images are built and used (./image-features.ts): streams of their own.
  ...LOG_FEATURES,
  ...IMAGE_FEATURES,
  // ---- How a streamed file reaches the host (./stream-features.ts): a stream of its own.
  ...STREAM_FEATURES,
  // ---- A shell script that runs the Makefile's or package.json's image target (./caller-features.ts): a stream of its own.
  ...CALLER_FEATURES,
  // ---- The builder's output folder as a build argument given another value (./out-arg-features.ts): a stream of its own.
  ...OUT_ARG_FEATURES,
  // ---- A sh or bash script's pipeline inside a shell function, called once or twice (./function-features.ts): a stream of its own.
  ...FUNCTION_FEATURES,
  // ---- A runtime COPY source through a build argument (./copy-arg-features.ts): a stream of its own.
  ...COPY_ARG_FEATURES,
  // ---- A Makefile variable set on make's command line by the script that runs it (./make-override-features.ts): a stream of its own.
  ...MAKE_OVERRIDE_FEATURES,
  // ---- The extracted file copied into place on the host, the runtime build reading the copy (./place-features.ts): a stream of its own.
  ...PLACE_FEATURES,
  // ---- A sh or bash script without errexit (./errexit-features.ts): a stream of its own.
  ...ERREXIT_FEATURES,
  // ---- A file the sh or bash script sources, holding settings, the trap or the container's removal (./sourced-features.ts): a stream of its own.
  ...SOURCED_FEATURES,
  // ---- Makefile variables exported and read by the recipes' shell as `$${NAME}` (./make-shell-var-features.ts): a stream of its own.
  ...MAKE_SHELL_VAR_FEATURES,
} as const;

export type Feature = keyof typeof FEATURES;
export type RepoSpec = { seed: number; app: string } & { -readonly [K in Feature]: (typeof FEATURES)[K][number] };

const APPS = ['ledger', 'relay', 'pinger', 'stamp', 'atlas', 'tally', 'compass', 'beacon', 'quill', 'harbor'];

/**
 * How many trap features a repository gets: none in about four seeds of ten (so that plenty of
 * repositories are migrated and their images compared), else one to three.
 */
const TRAP_COUNTS = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
/** Features that vary freely (shapes the tool supports); the rest are traps (see TRAP_COUNTS). */
export const SHAPES: ReadonlySet<Feature> = new Set<Feature>([
  'driver', 'extraction', 'builderFile', 'builderTag', 'artifact', 'dest', 'argBeforeFrom', 'argAfterFrom', 'builderWorkdir',
  'runtimeBase', 'runtimeWorkdir', 'runtimeUser', 'shellOpts', 'echo', 'cleanup', 'fileMode', 'inScriptsDir',
  'runtimeChown', 'runtimeCmdSpaces', 'builderJsonCmd', 'destSlash', 'runtimeDestDir', 'spaceName', 'vars', 'orGuard', 'spelling',
  'makeAuto', 'npmSplit', 'buildArg',
]);

/** Features drawn after the others from a second stream seeded from the seed (see generate). */
const OWN_STREAM: ReadonlySet<Feature> = new Set<Feature>(['tagUse', 'globalArgs', 'sourceEdit']);
/**
 * For a feature of the second stream that must stay rare: the chance it leaves its plainest option.
 * (engineWrapper: while the tool reads no setup under a wrapper, every such seed is "not found": rarer, so other shapes keep their share.)
 */
const OWN_ODDS: Partial<Record<Feature, number>> = { sourceEdit: 0.1, runner: 0.5, hostReach: 0.4, twoSetups: 0.4, runFlag: 0.4, stdinFeed: 0.5, volumeOver: 0.3, builderRmi: 0.3, sibling: 0.4, laterReader: 0.3, remoteReader: 0.3, releaseStep: 0.3, preRuntimeTool: 0.1, ciFlavour: 0.5, tmpRename: 0.5, logWriter: 0.4, engineWrapper: 0.2, runtimeRebuild: 0.3, imageUse: 0.3, catSink: 0.5, toolCaller: 0.4, outArg: 0.3, scriptFunction: 0.3, copyArg: 0.3, makeOverride: 0.6, hostPlace: 0.4, errexit: 0.3, sourcedLib: 0.3, splitList: 0.3, removalAt: 0.3, makeShellVars: 0.5, logVia: 0.5, logPipe: 0.5 };
/**
 * The runner features, drawn last from a third stream: a seed whose runner stays `script` (about
 * half) writes exactly the repository it wrote before they were added.
 */
const DRIVER_STREAM: ReadonlySet<Feature> = new Set<Feature>(['runner', 'ciSteps', 'ciEnv', 'ciNames', 'ciWorkdir', 'jsCall', 'jsModule', 'jsEntry']);
/** The host-reach feature, drawn after the runner features from a fourth stream: every earlier seed keeps its repository when it is `none`. */
const HOST_STREAM: ReadonlySet<Feature> = new Set<Feature>(['hostReach']);
/** The second-setup features, drawn last from a fifth stream: every earlier seed keeps its repository when twoSetups is `none`. */
const TWO_STREAM: ReadonlySet<Feature> = new Set<Feature>(['twoSetups', 'secondBuild', 'secondAt']);

/**
 * The run-step, later-step and reader features, each drawn from a stream of its own after all the
 * others (seeded from the seed and the stream's constant): a seed keeps every earlier choice,
 * and its repository when the draw is `none`.
 */
const LATE_STREAMS: readonly [Feature, number][] = [['runFlag', 0x9e3779b9], ['stdinFeed', 0x7f4a7c15], ['volumeOver', 0x94d049bb], ['builderRmi', 0xbf58476d], ['sibling', 0x2545f491], ['laterReader', 0x68e31da4], ['remoteReader', 0xb5297a4d], ['releaseStep', 0x1b56c4e9], ['preRuntimeTool', 0xcc9e2d51], ['ciFlavour', 0x85a308d3], ['tmpRename', 0xe6546b64], ['logWriter', 0x3c6ef372], ['logReader', 0xa54ff53a], ['engineWrapper', 0x510e527f], ['runtimeRebuild', 0x9b05688c], ['imageUse', 0x1f83d9ab], ['catSink', 0x4cf5ad43], ['toolCaller', 0x6a09e667], ['outArg', 0xbb67ae85], ['scriptFunction', 0x5be0cd19], ['copyArg', 0x165667b1], ['makeOverride', 0xc2b2ae35], ['hostPlace', 0x27220a95], ['errexit', 0x7feb352d], ['sourcedLib', 0x2b7e1516], ['splitList', 0x3243f6a8], ['removalAt', 0x13198a2e], ['makeShellVars', 0xa4093822], ['logVia', 0x299f31d0], ['logPipe', 0x082efa98]];

/** mulberry32: a small, fast, seeded PRNG with good enough spread for choosing features. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The repository of one seed. */
export function generate(seed: number): RepoSpec {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const spec: Record<string, unknown> = { seed, app: pick(APPS) };
  const entries = Object.entries(FEATURES) as [Feature, readonly unknown[]][];
  for (const [k, options] of entries) spec[k] = SHAPES.has(k) ? pick(options) : options[0];
  const late = new Set(LATE_STREAMS.map(([k]) => k));
  const traps = entries.filter(([k]) => !SHAPES.has(k) && !OWN_STREAM.has(k) && !isDockerfileFeature(k) && !DRIVER_STREAM.has(k) && !HOST_STREAM.has(k) && !TWO_STREAM.has(k) && !late.has(k));
  for (let n = pick(TRAP_COUNTS); n > 0 && traps.length > 0; n--) {
    const [k, options] = traps.splice(Math.floor(rnd() * traps.length), 1)[0]!;
    spec[k] = pick(options.slice(1));
    withPrerequisites(spec as RepoSpec, k);
  }
  // Features added later draw from a stream of their own: every earlier seed keeps the others as they were.
  drawFrom(spec, OWN_STREAM, prng(seed ^ 0x5bd1e995));
  drawDockerfileFeatures(spec, seed, prng);
  drawFrom(spec, DRIVER_STREAM, prng(seed ^ 0x27d4eb2f));
  drawFrom(spec, HOST_STREAM, prng(seed ^ 0x1b873593));
  drawFrom(spec, TWO_STREAM, prng(seed ^ 0x85ebca6b));
  for (const [k, salt] of LATE_STREAMS) drawFrom(spec, new Set([k]), prng(seed ^ salt));
  return normalize(spec as RepoSpec);
}

/** Draws `features` from the stream `own`, in order, each with its OWN_ODDS if it has some. */
function drawFrom(spec: Record<string, unknown>, features: ReadonlySet<Feature>, own: () => number): void {
  for (const k of features) {
    const options = FEATURES[k] as readonly unknown[];
    const odds = OWN_ODDS[k];
    if (odds === undefined) spec[k] = options[Math.floor(own() * options.length)];
    else spec[k] = own() < odds ? options[1 + Math.floor(own() * (options.length - 1))] : options[0];
  }
}

/** Sets what a trap needs to be expressible at all (normalize would otherwise turn it off). */
function withPrerequisites(s: RepoSpec, trap: Feature): void {
  const needsShell = () => {
    if (s.driver === 'make' || s.driver === 'npm') s.driver = 'sh';
  };
  const needsContainer = () => {
    if (!keepsContainer(s.extraction)) s.extraction = 'create-cp';
  };
  const needsFolder = () => {
    if (catLike(s.extraction) || runTimeBuild(s.extraction) || s.extraction === 'stock-build') s.extraction = 'create-cp';
    s.artifact = 'folder';
  };
  switch (trap) {
    case 'guardedCp':
      needsShell();
      s.extraction = 'id-var';
      break;
    case 'trapCleanup':
      needsShell();
      needsContainer();
      break;
    case 'inspectAfter':
    case 'copyIn':
      needsContainer();
      break;
    case 'compound':
      if (!cpLike(s.extraction)) s.extraction = 'create-cp';
      break;
    case 'archiveAdd':
      needsFolder();
      break;
    case 'ignoreFile':
      if (s.ignoreFile === 'maps') needsFolder();
      break;
    case 'globalArgInRuntime':
      if (s.extraction === 'stock-build') s.extraction = 'create-cp';
      s.argBeforeFrom = true;
      break;
    case 'builderUser':
      if (s.extraction === 'volume-cp' || s.extraction === 'mount-build' || s.extraction === 'stock-build') s.extraction = 'create-cp';
      break;
    case 'label':
      if (s.extraction === 'stock-build') s.extraction = 'create-cp';
      break;
    case 'trailingBackslash':
      if (s.extraction === 'stock-build' || s.extraction === 'cmd-cat') s.extraction = 'create-cp';
      break;
    default:
      break;
  }
}

/** True when the extraction builds the artifact when the container runs, not in the image. */
export const runTimeBuild = (e: Extraction) => e === 'run-name' || e === 'mount-build';
/** Extractions that keep a named or captured container until a `docker rm`. */
export const keepsContainer = (e: Extraction) => e === 'create-cp' || e === 'id-var' || e === 'run-name' || e === 'detached-idle';
/** Extractions that stream the artifact to a host file (`> dst`), then chmod it. */
export const catLike = (e: Extraction) => e === 'cat-redirect' || e === 'cmd-cat';
/** Extractions whose `docker cp` names a host destination (a file or a folder). */
export const cpLike = (e: Extraction) => keepsContainer(e) || e === 'inline-create';

/**
 * Makes a spec consistent: a combination the grammar cannot express is moved to the nearest one it
 * can (e.g. a Makefile recipe line has no shell variables, so no `id=$(docker create …)`).
 * Idempotent; applied after generation and after every shrinking step.
 */
export function normalize(input: RepoSpec): RepoSpec {
  const s = { ...input };
  const oneLineDriver = s.driver === 'make' || s.driver === 'npm';
  // A stock toolchain image has no builder tag to use.
  if (s.extraction === 'stock-build') s.tagUse = 'none';
  if (oneLineDriver && (s.extraction === 'id-var' || s.extraction === 'inline-create')) s.extraction = 'create-cp';
  if (s.driver !== 'bash' && s.shellOpts === 'euo') s.shellOpts = 'eu';
  if (oneLineDriver) {
    s.trapCleanup = false;
    s.guardedCp = false;
    s.inScriptsDir = false;
    s.shellOpts = 'e';
  }
  if (s.extraction === 'stock-build') {
    // no builder image at all: every builder-file feature is moot
    Object.assign(s, { builderFile: 'Dockerfile.build', builderTag: 'colon', argBeforeFrom: false, argAfterFrom: false, builderUser: false, label: false });
    Object.assign(s, { trailingBackslash: false, fileMode: 'default', builderWorkdir: '/src', builderJsonCmd: false });
  }
  if (s.extraction === 'cmd-cat') s.trailingBackslash = false;
  if (catLike(s.extraction) || runTimeBuild(s.extraction) || s.extraction === 'stock-build') s.artifact = 'file';
  if (s.extraction === 'tar-pipe') s.artifact = 'folder';
  if (s.extraction === 'volume-cp' || s.extraction === 'mount-build' || s.extraction === 'tar-pipe' || s.extraction === 'stock-build') s.dest = 'same';
  if (s.artifact === 'folder' && (s.dest === 'bin-dir' || s.dest === 'holder-dir')) s.dest = 'same';
  const folderDest = s.dest === 'bin-dir' || s.dest === 'holder-dir' || (s.artifact === 'folder' && s.dest === 'rename');
  if (!folderDest || !cpLike(s.extraction)) s.destSlash = false;
  // podman cp will not create a missing folder named with a trailing slash
  if (s.artifact === 'folder' && !s.rmMkdirDest) s.destSlash = false;
  if (s.artifact !== 'file' || s.dest === 'holder-dir') s.runtimeDestDir = false;
  if (s.dest !== 'rename' || s.artifact !== 'file') s.spaceName = false;
  if (s.driver === 'npm') {
    s.vars = 'none';
    s.orGuard = 'none';
  }
  if (s.driver !== 'make' || s.artifact !== 'file' || !(s.dest === 'same' || s.dest === 'rename') || s.spaceName) s.makeAuto = false;
  if (!(keepsContainer(s.extraction) || catLike(s.extraction))) s.makeAuto = false;
  if (s.driver !== 'npm') s.npmSplit = 'none';
  if (!s.argAfterFrom) s.buildArg = false;
  if (!runTimeBuild(s.extraction) || s.extraction === 'mount-build') s.builderJsonCmd = false;
  if (s.extraction !== 'id-var') s.guardedCp = false;
  if (!keepsContainer(s.extraction)) {
    s.trapCleanup = false;
    s.inspectAfter = false;
    s.copyIn = false;
  }
  if (s.artifact !== 'folder') s.archiveAdd = false;
  // a bind-mounted host folder is root's: the build cannot write it as another user
  if (s.extraction === 'volume-cp' || s.extraction === 'mount-build') s.builderUser = false;
  if (!cpLike(s.extraction)) s.compound = 'none';
  if (!s.argBeforeFrom) {
    s.globalArgInRuntime = false;
    s.globalArgs = 'none';
  }
  if (s.ignoreFile === 'maps' && s.artifact !== 'folder') s.ignoreFile = 'docs';
  normalizeDockerfile(s);
  normalizeRunner(s);
  normalizeHostReach(s);
  normalizeTwoSetups(s);
  normalizeRunStep(s);
  normalizeLaterStep(s);
  normalizeReaders(s);
  normalizeCiFlavour(s);
  normalizeExtractionLate(s);
  normalizeLogs(s);
  normalizeImages(s);
  normalizeStreams(s);
  normalizeCallers(s);
  normalizeOutArg(s);
  normalizeFunctions(s);
  normalizeCopyArg(s);
  normalizeMakeOverride(s);
  normalizePlace(s);
  normalizeErrexit(s);
  normalizeSourced(s);
  normalizeMakeShellVars(s);
  return s;
}

/** The features of `spec` that are not at their plainest option (what a finding is made of). */
export function activeFeatures(spec: RepoSpec): Partial<RepoSpec> {
  const out: Record<string, unknown> = {};
  for (const [k, options] of Object.entries(FEATURES) as [Feature, readonly unknown[]][]) if (spec[k] !== options[0]) out[k] = spec[k];
  return out as Partial<RepoSpec>;
}

/** The runner features (DRIVER_STREAM), for the tests that set them plain. */
export const RUNNER_FEATURES: readonly Feature[] = [...DRIVER_STREAM];
/** The host-reach features (HOST_STREAM), for the tests that pin earlier seeds. */
export const HOST_FEATURES: readonly Feature[] = [...HOST_STREAM];
/** The run-step, later-step and reader features (LATE_STREAMS), for the tests that pin earlier seeds. */
export const LATE_FEATURES: readonly Feature[] = LATE_STREAMS.map(([k]) => k);
/** The log and image features (./log-features.ts, ./image-features.ts) at their plainest, for the tests that write specs by hand. */
export const PLAIN_LOGS_AND_IMAGES = { logWriter: 'none', logReader: 'none', logVia: 'redirect', logPipe: 'none', engineWrapper: 'none', runtimeRebuild: 'none', imageUse: 'none' } as const;
/** The second-setup features (TWO_STREAM), for the tests that pin earlier seeds. */
export const TWO_SETUP_FEATURES: readonly Feature[] = [...TWO_STREAM];

/**
 * A second setup as the rest of the spec allows: only a sh or bash script drives both; an
 * allowlist .dockerignore in the root (./dockerfile-features.ts) would hide the root worker's
 * files, so the worker then has a folder of its own. A spec stored before the features existed
 * reads as one setup.
 */
function normalizeTwoSetups(s: RepoSpec): void {
  for (const k of TWO_STREAM) if (s[k] === undefined) (s as Record<string, unknown>)[k] = FEATURES[k][0];
  if (s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash')) s.twoSetups = 'none';
  if (s.twoSetups === 'same-folder' && s.dfIgnore === 'allowlist') s.twoSetups = 'other-folder';
  if (s.twoSetups === 'none') Object.assign(s, { secondBuild: 'image', secondAt: 'end' });
}

/**
 * hostReach as the rest of the spec allows: a caller runs a sh or bash script (which then leaves
 * the binary behind: render.ts writes no cleanup); the binary is run only when it is one file with a plain name; a
 * pattern needs a name without spaces. A spec stored before the feature existed reads as `none`.
 */
function normalizeHostReach(s: RepoSpec): void {
  if (s.hostReach === undefined) s.hostReach = 'none';
  if (s.hostReach === 'caller' && (s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash'))) s.hostReach = 'run';
  if ((s.hostReach === 'run' || s.hostReach === 'caller') && (s.artifact !== 'file' || s.spaceName)) s.hostReach = 'glob';
  // a pattern or a folder copy of a name with a space would need quoting the grammar does not write (seeds 6422, 6426)
  if ((s.hostReach === 'glob' || s.hostReach === 'folder') && s.spaceName) s.hostReach = 'none';
}

/**
 * The runner features (DRIVER_STREAM) made consistent among themselves, after the rest of
 * normalize (they read `vars`, which it may change, and no other feature reads them); a spec written before they existed (a stored spec.json) reads as runner `script`.
 * The other features keep their values (set back to `script`, a seed is what it was before):
 * how a runner reads them is runnerView's.
 */
function normalizeRunner(s: RepoSpec): void {
  for (const k of DRIVER_STREAM) if (s[k] === undefined) (s as Record<string, unknown>)[k] = FEATURES[k][0];
  const ci = s.runner === 'github' || s.runner === 'gitlab';
  if (!ci) Object.assign(s, { ciSteps: 'block', ciEnv: 'job', ciWorkdir: 'none' });
  if (s.runner !== 'github') s.ciNames = false;
  if (s.runner === 'gitlab' && s.ciEnv === 'step') s.ciEnv = 'job';
  if (ci && s.vars === 'none') s.ciEnv = 'job';
  if (s.runner !== 'js') Object.assign(s, { jsCall: 'exec', jsModule: 'mjs', jsEntry: 'node' });
}

/**
 * The spec as a runner writes it (./render.ts). A CI job or JS script runs plain commands: no
 * shell-script features (scripts/ folder, `set -u`), no Make or npm ones, and a CI `env:` holds
 * plain values. Each execSync is a shell of its own: nothing held in a shell variable survives
 * to the next command (no `id=$(…)`, no `trap`), and guards or compound lines make no sense there.
 */
export function runnerView(s: RepoSpec): RepoSpec {
  if (s.runner === 'script') return s;
  const view: RepoSpec = { ...s, driver: 'sh', inScriptsDir: false, shellOpts: 'e' };
  if (s.runner !== 'js' && view.vars === 'default') view.vars = 'plain';
  if (s.runner === 'js') {
    if (view.extraction === 'id-var') view.extraction = 'create-cp';
    Object.assign(view, { trapCleanup: false, guardedCp: false, compound: 'none', orGuard: 'none' });
  }
  return normalize(view);
}

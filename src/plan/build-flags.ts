/**
 * Which flags of the old builder build the one remaining `docker build` must carry, and
 * which would change the result. Build arguments get special care: a value given to one
 * old build must reach the same stages, and no stage may receive one it did not get before.
 */
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerEnvironment, dockerVariable, flagValues, globalFlags, type DockerInvocation, type ParsedFlag } from '../model/docker-command.js';
import { differentUnknownValues, pathOnlyAppended, sameUnknownValue, type Word } from '../model/script.js';
import type { BuildStep } from '../model/setup.js';
import { canonicalImage } from '../model/image-ref.js';
import { failsOnCheckWarnings } from '../../transforms/check-directive.js';
import { stageRefsOfText } from '../analyze/stage-refs.js';
import { namesBase } from './builder-bases.js';
import { flagEnvironmentNames, folderDependence, shownFolder } from './flag-host-reads.js';

/** A word any POSIX shell and bash read alike: literal characters, quotes, plain `$NAME`/`${NAME}`. */
const POSIX_PLAIN = /^(?:[^$`\\{}]|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})*$/;

/**
 * What each `docker build` flag of the builder build becomes in the one merged build:
 * - `drop`: it described the builder image itself, which no longer exists (`-t`, `--label`,
 *   attestations, `--load`): it must not reach the final image;
 * - `harmless`: it changes how the build runs, not what it produces (`--progress`, `--rm`);
 * - `carry`: added to the final build (each occurrence, unless that build has it already);
 *   resource limits and cache settings, and what only the builder's own instructions can use;
 * - `run`: what a RUN's process sees (`--ulimit`, `--shm-size`, `--network`, `--add-host`): carried only to a file with no
 *   RUN of its own (a RUN there would now run with it); given to one build only, it is refused
 *   when the other file has a RUN;
 * - `pull`: `--pull` resolves every FROM from the registry: carried only when no FROM of the other
 *   file names an image the script makes on the host (it would be pulled instead, or not found);
 * - `same`: it applies to every stage of a build (`--platform`, `--security-opt`, `--builder`…): the
 *   runtime build must have had exactly the same, or the setup is refused;
 * - `output`: it sends the builder's result somewhere (`--output`, `--push`): refused;
 * - `context`: a named build context changes what FROM and `COPY --from` resolve to: refused
 *   unless the runtime build has the same one.
 * `--build-arg`, `--secret` and `--ssh` get their own checks (what a stage may now receive).
 */
export type FlagTreatment = 'drop' | 'harmless' | 'carry' | 'run' | 'pull' | 'same' | 'output' | 'context' | 'build-arg' | 'mount';

export const BUILD_FLAGS: Readonly<Record<string, FlagTreatment>> = {
  '--tag': 'drop',
  '--file': 'drop',
  '--target': 'drop',
  '--label': 'drop',
  '--annotation': 'drop',
  '--attest': 'drop',
  '--sbom': 'drop',
  '--provenance': 'drop',
  '--quiet': 'harmless',
  '--progress': 'harmless',
  '--rm': 'harmless',
  '--force-rm': 'harmless',
  '--compress': 'harmless',
  '--no-cache': 'carry',
  '--cache-from': 'carry',
  '--cache-to': 'carry',
  '--disable-content-trust': 'carry',
  // Refreshes the same image references; an image the script built is pulled instead.
  '--pull': 'pull',
  '--memory': 'carry',
  '--memory-swap': 'carry',
  '--shm-size': 'run',
  '--cpu-shares': 'carry',
  '--cpuset-cpus': 'carry',
  '--cpuset-mems': 'carry',
  '--cpu-period': 'carry',
  '--cpu-quota': 'carry',
  '--ulimit': 'run',
  '--allow': 'carry',
  '--platform': 'same',
  // The network RUN's processes get, and the hosts they resolve: nothing else of a build reads them.
  '--network': 'run',
  '--add-host': 'run',
  '--isolation': 'same',
  '--cgroup-parent': 'same',
  '--security-opt': 'same',
  '--squash': 'same',
  '--builder': 'same',
  '--output': 'output',
  '--iidfile': 'output',
  // Loads the builder image into the local store, where the extraction read it from (a
  // docker-container builder keeps it in its cache without): the merged build has no builder
  // image to load. A builder image kept for another use keeps its own build, --load included.
  '--load': 'drop',
  '--push': 'output',
  '--metadata-file': 'output',
  '--call': 'output',
  '--check': 'output',
  '--build-context': 'context',
  '--build-arg': 'build-arg',
  '--secret': 'mount',
  '--ssh': 'mount',
};

/**
 * Environment variables the docker CLI reads for a build, given to the builder build (as a
 * `NAME=value` prefix or set earlier in the script):
 * - `same`: the merged build runs with the final build's environment, so the builder build must
 *   have seen the same value (`DOCKER_DEFAULT_PLATFORM` is `--platform` for every stage;
 *   `DOCKER_BUILDKIT=0` picks the legacy builder; `DOCKER_HOST`… another engine);
 * - `harmless`: display only.
 * Any other `DOCKER_*`, `BUILDKIT_*` or `BUILDX_*` variable is not modelled: refused.
 */
export const BUILD_ENV: Readonly<Record<string, 'same' | 'harmless'>> = {
  DOCKER_BUILDKIT: 'same',
  DOCKER_DEFAULT_PLATFORM: 'same',
  DOCKER_HOST: 'same',
  DOCKER_CONTEXT: 'same',
  DOCKER_CONFIG: 'same',
  DOCKER_CERT_PATH: 'same',
  DOCKER_TLS_VERIFY: 'same',
  DOCKER_API_VERSION: 'same',
  DOCKER_CONTENT_TRUST: 'same',
  BUILDKIT_HOST: 'same',
  BUILDX_BUILDER: 'same',
  BUILDKIT_PROGRESS: 'harmless',
  BUILDKIT_COLORS: 'harmless',
  BUILDX_NO_DEFAULT_LOAD: 'same',
  DOCKER_CLI_HINTS: 'harmless',
  DOCKER_SCAN_SUGGEST: 'harmless',
  NO_COLOR: 'harmless',
};

/** Flags that may be given more than once, each occurrence its own value. */
const REPEATABLE = new Set(['--cache-from', '--cache-to', '--ulimit', '--allow', '--secret', '--ssh', '--add-host', '--build-context', '--label', '--annotation', '--security-opt', '--attest', '--build-arg']);

const MODELLED_ENV = /^(DOCKER|BUILDKIT|BUILDX)_/;

/**
 * PATH, and a Jenkins `withEnv(['PATH+NAME=…'])` entry put before it: the shell finds `docker`
 * on it, and another docker found first (`PATH=/opt/docker-20/bin:$PATH docker build …`) may be
 * another client version, with the legacy builder or other defaults. The merged build runs the
 * final build's docker: PATH must be the same for both builds.
 */
const isPathVariable = (name: string) => name === 'PATH' || name.startsWith('PATH+');

/** Global docker flags that only change what the client prints. */
const HARMLESS_GLOBAL = /^(--log-level|-l|-D|--debug)( |$)/;

/** The value a variable has in a docker command's environment (dockerVariable). */
const envOf = (inv: DockerInvocation, name: string) => dockerVariable(inv.cmd, name);

/**
 * Whether DOCKER_BUILDKIT picks the legacy builder, as the docker CLI reads it (a value that is
 * not empty, through Go's strconv.ParseBool: `0`, `f`, `F`, `false`, `FALSE`, `False`); null
 * when it is set to a value only known at run time, which may.
 */
export function legacyBuilder(value: string | null | undefined): boolean | null {
  if (value === null) return null;
  return value !== undefined && ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value);
}

/** What the merged build would need that the legacy builder (DOCKER_BUILDKIT=0) cannot do. */
export interface MergedNeeds {
  chmod: boolean;
  exportStage: boolean;
  stageRefs: string[];
  /** DOCKER_BUILDKIT the script's callers run it with (the setup's `callerBuildkit`), for builds that set none. */
  callerBuildkit?: string | null;
  /** Why the final build's DOCKER_BUILDKIT (its own, else the callers') is what it is, where its host gives it, said as where it runs (../analyze/embedded.ts hostVarNote). */
  buildkitWhy?: string;
  /**
   * The builder file's stages after the one its build's `--target` names (`stage \`test\` (Dockerfile.build:3)`):
   * the old build never built them, and the legacy builder builds every stage of a file up to its target.
   */
  pastTarget?: string[];
  /** The `ONBUILD RUN` of a base the script built that each file's build runs (src/analyze/onbuild-base.ts onbuildRun), said as a reason. */
  onbuildRuns?: { builder?: string; runtime?: string };
}

export interface CarryResult {
  /** Source text of the flags to add to the runtime build, in order (for messages). */
  carried: string[];
  /** The same flags word by word, as written in the file and as values, for the adapter to insert. */
  words: Word[];
  diagnostics: Diagnostic[];
  notes: string[];
}

/** The flag as written in the file (its own syntax: shell quoting, Make variables, JSON escapes). */
const raw = (text: string, inv: DockerInvocation, f: ParsedFlag) =>
  inv.cmd.words
    .slice(f.wordIndex, f.wordIndex + f.wordCount)
    .map((w) => text.slice(w.start, w.end))
    .join(' ');

export const valueKey = (f: ParsedFlag) => (f.value ? (f.value.value ?? f.value.symbol) : '');

export function buildArgName(f: ParsedFlag): string {
  const v = f.value ? (f.value.value ?? f.value.staticPrefix) : '';
  const eq = v.indexOf('=');
  return eq >= 0 ? v.slice(0, eq) : v;
}

/**
 * Docker's predefined proxy arguments: without an ARG line, a value given to a build is in the
 * environment of every RUN of every stage (and only there: kept out of the image's history and
 * its cache key, not seen by any other instruction).
 */
export const PROXY_ARGS: ReadonlySet<string> = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()]));

/**
 * How a build argument no ARG declares still reaches the stages of `facts` in one build, said
 * as the rest of a message, or null: a `BUILDKIT_*` argument sets an option of the whole build
 * (its syntax, its cache, what it keeps of the context); a proxy argument (PROXY_ARGS) is in the
 * environment of every RUN, where a command may read it (apt's proxy setting, a file written
 * with it); and, given to the build whose image is the final one (`final`), `SOURCE_DATE_EPOCH`
 * sets that image's timestamps.
 */
export function undeclaredReach(name: string, facts: DockerfileFacts, final: boolean): string | null {
  if (/^BUILDKIT_/.test(name)) return `BuildKit reads ${name} as an option of the whole build, which would now apply to the stages of ${facts.path} too`;
  if (PROXY_ARGS.has(name)) {
    const run = proxyReadingRun(facts);
    return run ? `${name} is one of Docker's predefined proxy arguments, which reach every RUN of every stage without an ARG line: it would now reach the RUN at ${run}, which ran without it and reads its environment or a proxy variable` : null;
  }
  if (name === 'SOURCE_DATE_EPOCH' && final) return `BuildKit sets the final image's timestamps from SOURCE_DATE_EPOCH, which would now apply to the image built from ${facts.path}`;
  return null;
}

export function declaredArgs(facts: DockerfileFacts): Set<string> {
  return new Set([...facts.globalArgs.map((a) => a.name), ...facts.stages.flatMap((s) => s.args)]);
}

/**
 * The runtime build's `--build-context NAME=…` that a stage of the merged file called NAME
 * (in any case: stage names and context names are matched without case) would now shadow:
 * `FROM NAME` and `COPY --from=NAME` would read the stage, not the context.
 */
export function contextShadowedBy(runtime: DockerInvocation, stageNames: readonly string[], hint: string, setup?: string): Diagnostic[] {
  const names = new Set(stageNames.map((n) => n.toLowerCase()));
  return runtime.flags
    .filter((f) => f.name === '--build-context')
    .map((f) => (f.value?.value ?? f.value?.staticPrefix ?? '').split('=')[0]!)
    .filter((name) => names.has(name.toLowerCase()))
    .map((name) => diag('STAGE_NAME_COLLISION', 'error', `the runtime build's --build-context ${name}=… names a context that a stage of the merged file would now shadow`, { file: runtime.cmd.file, line: runtime.cmd.line, ...(setup === undefined ? {} : { setup }), hint }));
}

/**
 * A named context is resolved in place of an image of its name (BuildKit looks `FROM golang:1.21`
 * up as the context `golang:1.21` first): given to the runtime build alone, it would now replace
 * an image the builder's stages start from, copy or mount from.
 */
function contextReplacesBase(text: string, r: DockerInvocation, f: ParsedFlag, builderFacts: DockerfileFacts, setup: string): Diagnostic | null {
  const value = f.value ? f.value.value : '';
  const name = value === null ? null : value.split('=')[0]!;
  const base = namesBase(name, stageRefsOfText(builderFacts.text).refs.filter((ref) => ref.resolved === null && ref.value !== '' && ref.value.toLowerCase() !== 'scratch').map((ref) => ref.value));
  if (base === null) return null;
  return diag('FLAG_CONFLICT', 'error', `${raw(text, r, f)} is given to the runtime build only, and ${name === null ? 'a context name only known at run time may name' : 'it names'} the image ${base} that ${builderFacts.path} resolves: in one build the builder stage would be built from the context instead`, { file: r.cmd.file, line: r.cmd.line, setup, hint: `Pass the same ${f.name} to both builds, or migrate this setup by hand.` });
}

/**
 * A stock build (`docker run --rm -v "$PWD":/src golang:1.21 go build`) gave no build flags: a
 * flag of the final build that applies to every stage or to what a RUN's process sees (a
 * platform, a network, limits), a named context replacing its image, or DOCKER_DEFAULT_PLATFORM
 * set for the final build and not for the run, now reaches the generated builder stage. The
 * run's own flag of the same name and value (`docker run --platform linux/arm64 …`) gave its
 * container the same.
 */
export function stockRuntimeFlags(text: string, run: DockerInvocation, r: DockerInvocation, builderFacts: DockerfileFacts, setup: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = { file: r.cmd.file, line: r.cmd.line, setup };
  for (const f of r.flags) {
    const kind = BUILD_FLAGS[f.name];
    if (f.name === '--build-context') {
      const d = contextReplacesBase(text, r, f, builderFacts, setup);
      if (d) out.push(d);
    } else if ((kind === 'same' || kind === 'run') && !run.flags.some((x) => x.name === f.name && valueKey(x) === valueKey(f))) {
      out.push(diag('FLAG_CONFLICT', 'error', `${raw(text, r, f)} is given to the final build, and in one build it would also apply to the builder stage, where \`${run.cmd.words.slice(run.at ?? 0, run.verbIndex + 1).map((w) => w.raw).join(' ')} …\` ran without it`, { ...at, hint: `Give the run the same ${f.name}, or migrate this setup by hand.` }));
    }
  }
  if (envOf(run, 'DOCKER_DEFAULT_PLATFORM') !== envOf(r, 'DOCKER_DEFAULT_PLATFORM')) {
    out.push(diag('FLAG_CONFLICT', 'error', `$DOCKER_DEFAULT_PLATFORM is ${show(envOf(run, 'DOCKER_DEFAULT_PLATFORM'))} for the builder's run but ${show(envOf(r, 'DOCKER_DEFAULT_PLATFORM'))} for the final build; the one merged build builds the builder stage with the final build's`, { ...at, hint: 'Give DOCKER_DEFAULT_PLATFORM the same value for both, or migrate this setup by hand.' }));
  }
  return out;
}

const show = (v: string | null | undefined) => (v === undefined ? 'unset' : v === null ? 'only known at run time' : JSON.stringify(v));
/** A variable's value for a command, where unset in the script means whatever the caller's environment has. */
const shownEnv = (v: string | null | undefined) => (v === undefined ? "the caller's" : show(v));

/** Whether a Dockerfile has `RUN --mount=type=KIND`. */
function mountsOf(facts: DockerfileFacts, kind: string): boolean {
  return facts.instructions.some((ins) => ins.getKeyword() === 'RUN' && (((ins as any).getFlags?.() ?? []) as { getName(): string; getValue(): string | null }[]).some((f) => f.getName() === 'mount' && (f.getValue() ?? '').split(',').includes(`type=${kind}`)));
}

/** The global docker flags of an invocation that choose its engine or client settings, sorted. */
const engineFlags = (inv: DockerInvocation) => globalFlags(inv).filter((g) => !HARMLESS_GLOBAL.test(g)).sort();
const shownEngine = (gs: string[]) => (gs.length === 0 ? '`docker`' : `\`docker ${gs.join(' ').replace(/\u0000\S*/g, '…')}\``);

/**
 * What chooses the engine (and how to reach it) for every docker command, besides the global
 * flags: the config folder may name the current context too. The platform, content trust and
 * the API version do not change which image a step of that name reaches.
 */
const ENGINE_ENV = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY'];

/**
 * FLAG_CONFLICT for an extraction command run on another engine than the builder build, by a
 * global flag (`docker -H tcp://ci:2375 cp …`) or by a variable that chooses it, set for the
 * command (`DOCKER_HOST=ssh://mirror docker cp …`, `env DOCKER_HOST=… docker cp …`) or by the
 * script: it read an image of that name there, not the one the build made, while the merged
 * build's stage is the one built. A `DOCKER_*` variable outside BUILD_ENV set for such a command
 * is not modelled (UNSUPPORTED_BUILD_FLAG); those of the table that only a build reads
 * (`DOCKER_BUILDKIT`, `BUILDX_*`…) or that only change what the client prints do nothing there.
 */
export function extractionEngines(builder: DockerInvocation, extraction: readonly DockerInvocation[], setup: string): Diagnostic[] {
  const shownCmd = (inv: DockerInvocation) => [...[...(inv.cmd.env ?? [])].map(([k, v]) => `${k}=${v ?? '…'}`), ...inv.cmd.words.map((w) => w.raw)].join(' ');
  const at = (inv: DockerInvocation, hint: string) => ({ file: inv.cmd.file, line: inv.cmd.line, setup, hint });
  const own = engineFlags(builder).join('\n');
  const other = extraction.find((inv) => engineFlags(inv).join('\n') !== own);
  if (other) {
    return [diag('FLAG_CONFLICT', 'error', `\`${shownCmd(other)}\` runs as ${shownEngine(engineFlags(other))} but the builder build as ${shownEngine(engineFlags(builder))}: it reads another engine's image, while the merged build copies from the stage it builds`, at(other, 'Give the builder build and its extraction the same global docker flags, or migrate this setup by hand.'))];
  }
  for (const inv of extraction) {
    const unmodelled = [...dockerEnvironment(inv.cmd).keys()].find((n) => /^DOCKER_/.test(n) && BUILD_ENV[n] === undefined);
    if (unmodelled !== undefined) {
      return [diag('UNSUPPORTED_BUILD_FLAG', 'error', `\`${shownCmd(inv)}\` runs docker with $${unmodelled} set, and the tool does not model what it does`, at(inv, `Remove ${unmodelled} from the command, or migrate this setup by hand.`))];
    }
    // `docker create --platform linux/arm64 IMG`: an image of the builder build's platform
    // (its own --platform, or the host's) is not that one, and docker pulls IMG instead.
    const platform = (i: DockerInvocation) => flagValues(i, '--platform').at(-1)?.value;
    const wanted = inv.verb === 'create' || inv.verb === 'run' ? flagValues(inv, '--platform').at(-1) : undefined;
    if (wanted !== undefined && (wanted.value === null || wanted.value !== platform(builder))) {
      return [diag('FLAG_CONFLICT', 'error', `\`${shownCmd(inv)}\` asks for the image for \`--platform ${wanted.raw}\`, which the builder build was not given: where the image just built is for another platform, docker takes (or pulls) another image of that name, while the merged build copies from the stage it builds`, at(inv, 'Give the builder build the same --platform (or drop it from the container), or migrate this setup by hand.'))];
    }
    // (two values only known at run time differ where different assignments, or steps' `env:`, give them; they are one where the
    // same assignment reaches both, or each command sets it to the same words read at the same assignments)
    const name = ENGINE_ENV.find((n) => envOf(inv, n) !== envOf(builder, n) || (envOf(inv, n) === null && differentUnknownValues(inv.cmd, builder.cmd, n)));
    if (name !== undefined) {
      const values = envOf(inv, name) === null && envOf(builder, name) === null ? `$${name} only known at run time, the builder build with another value of $${name} only known at run time` : `$${name} ${show(envOf(inv, name))}, the builder build with $${name} ${show(envOf(builder, name))}`;
      return [diag('FLAG_CONFLICT', 'error', `\`${shownCmd(inv)}\` runs with ${values}: it reads another engine's image, while the merged build copies from the stage it builds`, at(inv, `Give ${name} the same value for the builder build and its extraction, or migrate this setup by hand.`))];
    }
  }
  return [];
}

const EPOCH = 'SOURCE_DATE_EPOCH';

/**
 * The SOURCE_DATE_EPOCH a build gets from its environment: buildx passes the variable to the
 * build as a build argument where no `--build-arg SOURCE_DATE_EPOCH…` sets it (docker/buildx
 * commands/build.go; an empty value passes none). Null: only known at run time; undefined: none
 * (or a `--build-arg` sets it, which the build-argument checks judge).
 */
export function environmentEpoch(inv: DockerInvocation): string | null | undefined {
  if (inv.flags.some((f) => f.name === '--build-arg' && buildArgName(f) === EPOCH)) return undefined;
  const value = envOf(inv, EPOCH);
  return value === '' ? undefined : value;
}

/**
 * FLAG_CONFLICT where the builder stages would get another SOURCE_DATE_EPOCH in the one merged
 * build, which runs with the final build's environment and build arguments: the builder build
 * got one from its environment (environmentEpoch) and the final build gives another, or one only
 * known at run time; or the builder build got none and its Dockerfile declares the ARG, which the
 * final build's environment would now set. (Where the builder build gave it by `--build-arg`, the
 * build-argument checks judge it.)
 */
export function epochConflicts(b: DockerInvocation, r: DockerInvocation, builderFacts: DockerfileFacts, setup: string): Diagnostic[] {
  if (b.flags.some((f) => f.name === '--build-arg' && buildArgName(f) === EPOCH)) return [];
  const builder = environmentEpoch(b);
  const arg = r.flags.filter((f) => f.name === '--build-arg' && buildArgName(f) === EPOCH).pop();
  const argValue = arg ? (arg.value?.value ?? null) : undefined;
  // (`--build-arg SOURCE_DATE_EPOCH` takes the value of the final build's environment, as buildx would)
  const final = arg === undefined || (argValue !== null && argValue !== undefined && !argValue.includes('=')) ? environmentEpoch({ ...r, flags: [] }) : typeof argValue === 'string' ? argValue.slice(argValue.indexOf('=') + 1) : null;
  const at = { file: b.cmd.file, line: b.cmd.line, setup, hint: `Give ${EPOCH} the same value for both builds, or migrate this setup by hand.` };
  const finalShown = `${final === undefined ? 'none' : final === null ? 'a value only known at run time' : JSON.stringify(final)}${arg ? ' (by --build-arg)' : ''}`;
  if (builder !== undefined) {
    if (builder !== null && builder === final) return [];
    // One assignment, only known at run time, that both builds see (`export SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`).
    if (builder === null && final === null && arg === undefined && sameUnknownValue(b.cmd, r.cmd, EPOCH)) return [];
    return [diag('FLAG_CONFLICT', 'error', `$${EPOCH} is ${show(builder)} in the builder build's environment, which buildx passes to the build as a build argument; the final build gives ${finalShown}, and the one merged build gives the builder stages the final build's`, at)];
  }
  if (arg === undefined && final !== undefined && declaredArgs(builderFacts).has(EPOCH)) {
    return [diag('FLAG_CONFLICT', 'error', `$${EPOCH} is ${show(final)} in the final build's environment, which buildx passes to the build as a build argument; ${builderFacts.path} declares ARG ${EPOCH}, which the builder build did not get and the one merged build would give it`, { ...at, file: r.cmd.file, line: r.cmd.line })];
  }
  return [];
}

/** The first RUN of a Dockerfile, as `path:line`, or null. */
/**
 * A RUN's text that may read a proxy argument's value: it names a proxy variable (any word with
 * "proxy" in it), or lists its environment (`env`, `printenv`, `/proc/self/environ`,
 * `export -p`, `declare`, `typeset`, `compgen`). Docker keeps its proxy arguments out of the
 * build cache's key: it takes a RUN's result as the same with or without them, as a command that
 * fetches through the proxy (`apk add`, `go build`) gets the same files either way. A RUN that
 * reads the value itself (writes it to apt's configuration, into a file) is where that does not
 * hold. A program a RUN starts that reads the variable on its own (a script of the context) is
 * taken as Docker's cache takes it.
 */
const PROXY_READER = /proxy|\benv\b|\bprintenv\b|environ|\bexport\s+-p\b|\bdeclare\b|\btypeset\b|\bcompgen\b/i;

/** Whether one line of a RUN (or the text a container's command becomes) may read a proxy argument (PROXY_READER). */
export function readsProxy(text: string): boolean {
  return PROXY_READER.test(text);
}

/** Where the first RUN of `facts` that may read a proxy argument's value is (PROXY_READER), or null. */
function proxyReadingRun(facts: DockerfileFacts): string | null {
  const run = facts.instructions.find((ins) => ins.getKeyword() === 'RUN' && readsProxy(ins.getTextContent()));
  return run ? `${facts.path}:${run.getRange().start.line + 1}` : null;
}

function firstRun(facts: DockerfileFacts): string | null {
  const run = facts.instructions.find((ins) => ins.getKeyword() === 'RUN');
  return run ? `${facts.path}:${run.getRange().start.line + 1}` : null;
}

/** The first FROM of `facts` naming an image (not a stage, not scratch) that may be one of `local` (null: any may be), or null. */
function localBase(facts: DockerfileFacts, local: ReadonlySet<string> | null): string | null {
  for (const st of facts.stages) {
    const image = st.image;
    if (image.toLowerCase() === 'scratch' || facts.stages.some((o) => o.index < st.index && o.name?.toLowerCase() === image.toLowerCase())) continue;
    const maybe = local === null || (image.includes('$') ? local.size > 0 : local.has(canonicalImage(image)));
    if (maybe) return `FROM ${image} (${facts.path}:${st.from.line})`;
  }
  return null;
}

/**
 * `FROM TAG (Dockerfile:N)` where the final image's stage (the runtime build's --target, else the
 * last; any stage for a target only known at run time) starts from one of the builder's tags,
 * through the stages of its own file it is built FROM, with the label keys a LABEL of those
 * stages sets (each replaces the value the image inherited); null when it does not, or the chain
 * names an image only known at build time.
 */
export function finalStageFromBuilder(facts: DockerfileFacts, r: DockerInvocation, tags: readonly string[]): { at: string; labels: ReadonlySet<string> } | null {
  const target = flagValues(r, '--target').at(-1);
  // A target only known at run time may be any stage: the first that starts from the builder.
  if (target && target.value === null) {
    for (const st of facts.stages) {
      const found = stageFromBuilder(facts, st, tags);
      if (found) return { at: `${found.at} in a stage the final build's --target, only known at run time, may name`, labels: new Set() };
    }
    return null;
  }
  return stageFromBuilder(facts, target ? facts.stages.find((s) => s.name?.toLowerCase() === target.value!.toLowerCase()) : facts.stages.at(-1), tags);
}

/** The label keys the stage's own LABEL lines set, written literally (`LABEL team=ops`, `"team"=ops`). */
function stageLabels(facts: DockerfileFacts, st: DockerfileFacts['stages'][number]): string[] {
  return facts.instructions
    .filter((i) => i.getKeyword() === 'LABEL' && facts.lines.offsetAt(i.getRange().start) > st.from.start && facts.lines.offsetAt(i.getRange().start) < st.end)
    .flatMap((i) => ((i as unknown as { getProperties?(): { getName(): string; getValue(): string | null }[] }).getProperties?.() ?? []).filter((p) => p.getValue() !== null && /^[^$\\`\s]+$/.test(p.getName())).map((p) => p.getName()));
}

/** `FROM TAG (Dockerfile:N)` where stage `start` starts from one of `tags` through the stages of its file it is built FROM, with the label keys those stages set; or null. */
function stageFromBuilder(facts: DockerfileFacts, start: DockerfileFacts['stages'][number] | undefined, tags: readonly string[]): { at: string; labels: ReadonlySet<string> } | null {
  let st = start;
  const seen = new Set<number>();
  const labels = new Set<string>();
  while (st && !seen.has(st.index)) {
    seen.add(st.index);
    for (const key of stageLabels(facts, st)) labels.add(key);
    const image = st.image;
    const index = st.index;
    const own = facts.stages.find((o) => o.index < index && o.name?.toLowerCase() === image.toLowerCase());
    if (own) {
      st = own;
      continue;
    }
    return tags.includes(canonicalImage(image)) ? { at: `FROM ${image} (${facts.path}:${st.from.line})`, labels } : null;
  }
  return null;
}

/** Whether the final build's own --label sets the key of the builder build's `f` (its value then wins in both). */
function finalSetsLabel(r: DockerInvocation, f: ParsedFlag): boolean {
  return r.flags.some((x) => x.name === '--label' && (valueKey(x) === valueKey(f) || (labelKey(x) !== null && labelKey(x) === labelKey(f))));
}

/** The key a `--label KEY=VALUE` sets, null when only known at run time. */
const labelKey = (x: ParsedFlag): string | null => (x.value?.value ?? null)?.split('=')[0] ?? null;

/** Why a `run` or `pull` flag cannot reach the stages of `facts`, which were built without it; null when it can. */
function reachOf(name: string, facts: DockerfileFacts, local: ReadonlySet<string> | null, trigger: string | undefined): string | null {
  if (BUILD_FLAGS[name] === 'run') {
    const run = firstRun(facts);
    // (a base the script built with `ONBUILD RUN` runs a RUN in the build, too)
    return run ? `the RUN at ${run}, which ran without it` : (trigger ?? null);
  }
  const base = localBase(facts, local);
  return base ? `${base}, which names an image the script may make on the host: --pull would read it from the registry instead` : null;
}

/**
 * ARG_LEAK for each build argument of the runtime build `r` that would now reach the builder
 * stages (of `builderFacts`), which were built with `builderArgs` (name → valueKey): one they
 * declare, with another value than they got, or one that reaches them undeclared. `except`:
 * names another check reports.
 */
export function runtimeArgLeaks(r: DockerInvocation, builderArgs: ReadonlyMap<string, string>, builderFacts: DockerfileFacts, setup: string, except: ReadonlySet<string> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (hint: string) => ({ file: r.cmd.file, line: r.cmd.line, setup, hint });
  const builderDeclared = declaredArgs(builderFacts);
  // (Given more than once, the last value is the one a build passes.)
  const given = new Map(r.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));
  for (const [name, value] of given) {
    if (except.has(name)) continue;
    if (builderDeclared.has(name) && builderArgs.get(name) !== value) {
      out.push(diag('ARG_LEAK', 'error', `--build-arg ${name} was given only to the runtime build, but ${builderFacts.path} declares ARG ${name}, which would now receive it`, at('Rename the ARG in one Dockerfile, or pass the same value to both builds.')));
    }
    const reach = builderDeclared.has(name) || builderArgs.has(name) ? null : undeclaredReach(name, builderFacts, false);
    if (reach) out.push(diag('ARG_LEAK', 'error', `--build-arg ${name} was given only to the runtime build, but ${reach}`, at(`Pass the same --build-arg ${name} to both builds, or migrate this setup by hand.`)));
  }
  return out;
}

/**
 * ARG_LEAK for each proxy argument (PROXY_ARGS) given to one of `builds` when the command the
 * builder's container ran (at `ranAt`) becomes a RUN of the builder stage: the container ran
 * without any build argument, and that RUN gets every proxy argument of the one build.
 */
export function runStepProxyLeaks(builds: readonly { inv: DockerInvocation; which: string }[], ranAt: { file: string; line: number }, setup: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { inv, which } of builds) {
    for (const name of new Set(inv.flags.filter((f) => f.name === '--build-arg').map(buildArgName))) {
      if (!PROXY_ARGS.has(name)) continue;
      out.push(diag('ARG_LEAK', 'error', `--build-arg ${name} is given to the ${which} build; ${name} is one of Docker's predefined proxy arguments, which reach every RUN of every stage without an ARG line, so it would now reach the RUN that the builder container's command (${ranAt.file}:${ranAt.line}) becomes, which ran without it and reads its environment or a proxy variable`, { file: inv.cmd.file, line: inv.cmd.line, setup, hint: `Drop --build-arg ${name}, or migrate this setup by hand.` }));
    }
  }
  return out;
}

/** BuildKit's automatic platform arguments: a stage reads them through ARG, in its own FROM too. */
const PLATFORM_ARGS = /\b(TARGET|BUILD)(PLATFORM|OS|ARCH|VARIANT)\b/;

/** Whether a `# check=` directive's value skips the build check `name` (`skip=all`, or a list naming it). */
function skipsCheck(value: string, name: string): boolean {
  return value.split(';').some((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== 'skip') return false;
    // Matched as written (a spelling BuildKit might not match keeps the refusal).
    const list = part.slice(eq + 1).split(',').map((x) => x.trim());
    return list.includes('all') || list.includes(name);
  });
}

/** One platform as `--platform` takes it: `os/arch` or `os/arch/variant`. */
const ONE_PLATFORM = /^[a-z0-9_.-]+\/[a-z0-9_.-]+(\/[a-z0-9_.-]+)?$/i;

/**
 * `--platform` given to the builder build only: every stage of the builder file was built for
 * that platform, which `FROM --platform=<value>` on each of its stages that names an image
 * gives them in the one build (a stage with its own `--platform` kept it either way; a stage
 * built FROM another stage inherits it). The runtime stages keep the final build's platform.
 * `{ value, stages }` (the stage indexes whose FROM gets it) when that is exact; `{ why }` when
 * the builder build gives `--platform` alone and it is not; null when the builder build gives
 * no `--platform` or the runtime build gives one too (judged as a flag of both builds).
 * Not exact: a value only known at run time or written through a variable (the Dockerfile
 * would need its value), several platforms, a builder file reading BuildKit's automatic
 * platform arguments (TARGETPLATFORM was the flag's value in the old build and is the final
 * build's in the one build, while FROM --platform changes only the stage's platform), and a
 * runtime stage built FROM the builder image (it now inherits the builder stage's platform),
 * and an image (not a stage of the builder file) named in a builder stage's `COPY --from` or
 * `RUN --mount=…,from=` (resolved for the build's target platform, not the stage's).
 */
export function builderOnlyPlatform(b: DockerInvocation, r: DockerInvocation, builderFacts: DockerfileFacts, runtimeFacts: DockerfileFacts, builderTags: readonly string[]): { value: string; stages: number[] } | { why: string } | null {
  const flags = b.flags.filter((f) => f.name === '--platform');
  if (flags.length === 0 || r.flags.some((f) => f.name === '--platform')) return null;
  const word = flags[flags.length - 1]!.value;
  if (flags.length > 1) return { why: 'it is given more than once' };
  if (!word || word.value === null) return { why: 'its value is only known at run time, and the merged Dockerfile would have to name it' };
  if (/[$`]/.test(word.raw)) return { why: `it is written through a variable, whose value (${word.value} here) the merged Dockerfile would have to fix` };
  if (!ONE_PLATFORM.test(word.value)) return { why: `${word.value} is not one platform` };
  const reads = builderFacts.text.match(PLATFORM_ARGS);
  if (reads) return { why: `${builderFacts.path} reads ${reads[0]}, which followed the builder build's --platform and would follow the final build's platform in the one build` };
  // `COPY --from=busybox` or `RUN --mount=…,from=busybox` names an image, which BuildKit pulls for the build's target platform, not the stage's FROM --platform.
  const image = stageRefsOfText(builderFacts.text).refs.find((ref) => ref.kind !== 'from' && ref.resolved === null);
  if (image) return { why: `${builderFacts.path} names the image ${image.value} in ${image.kind === 'copy' ? '`COPY --from`' : '`RUN --mount` from='}, which was pulled for the builder build's --platform and would be pulled for the final build's platform in the one build (FROM --platform sets only the stage's base)` };
  // BuildKit's FromPlatformFlagConstDisallowed check warns of a FROM --platform with a constant value; `# check=error=true` fails the build on it.
  const strict = [builderFacts, runtimeFacts].flatMap((f) => f.directives.filter((d) => d.name === 'check' && failsOnCheckWarnings(d.value) && !skipsCheck(d.value, 'FromPlatformFlagConstDisallowed')).map(() => f.path));
  if (strict.length > 0) return { why: `# check= in ${strict[0]} makes build-check warnings errors, and BuildKit warns of a FROM --platform with a constant value (FromPlatformFlagConstDisallowed)` };
  const tags = new Set(builderTags.map(canonicalImage));
  const based = runtimeFacts.stages.find((st) => tags.has(canonicalImage(st.image)));
  if (based) return { why: `FROM ${based.image} (${runtimeFacts.path}:${based.from.line}) builds on the builder image, whose stage it would now inherit the platform of` };
  const stageNames = (st: { index: number }) => builderFacts.stages.filter((o) => o.index < st.index && o.name !== null).map((o) => o.name!.toLowerCase());
  const stages = builderFacts.stages.filter((st) => st.platform === null && !stageNames(st).includes(st.image.toLowerCase())).map((st) => st.index);
  return { value: word.value, stages };
}

/**
 * The builder build's flags as the one merged build must pass them, or why it cannot. `baked`:
 * build arguments the merge wrote as defaults of the builder's declarations instead (./baked-args.ts).
 */
export function carryBuilderFlags(text: string, builder: BuildStep, runtime: BuildStep, builderFacts: DockerfileFacts, runtimeFacts: DockerfileFacts, setup: string, merged?: MergedNeeds, local: ReadonlySet<string> | null = new Set(), baked: ReadonlyMap<string, string> = new Map(), perTarget: ReadonlySet<string> = new Set(), byValue = false, ownEnvironment: string | null = null, shells: { builder: string; final: string } | null = null, spellings: { builder: string; final: string } | null = null): CarryResult {
  const out: CarryResult = { carried: [], words: [], diagnostics: [], notes: [] };
  // `ownEnvironment`: the final build's call starts with an environment of its own, not the
  // builder build's (a JavaScript `env: { PATH: process.env.PATH }`): a carried flag reading a
  // variable from the environment may find another value there, or none.
  const replaced = (what: string) =>
    diag('FLAG_CONFLICT', 'error', `${what} from the environment, and the final build's call runs with ${ownEnvironment}, where it may have another value or none`, at(r, 'Pass the variable on in the final build\'s call (`env: { ...process.env, … }`), or write the value in the builder build, then run the tool again.'));
  const carry = (f: ParsedFlag) => {
    // A builder build a compose service stands for (`build: args:`) has no words of its own in the
    // script: its flags are written there by value, when that value is plain text in any syntax.
    // So are a builder call's flags written in another spelling than the final call's (`${ver}` in
    // a JavaScript template literal is the script's value; in a '…' string, the shell's variable).
    if (byValue || spellings) {
      const own = b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount);
      const bad = own.find((w) => w.value === null || !/^[A-Za-z0-9_.,:/=@%+-]+$/.test(w.value));
      if (bad) {
        const what = spellings ? `${raw(text, b, f)}, written in ${spellings.builder},` : `the builder service's ${own.map((w) => w.value ?? w.symbol).join(' ')}`;
        const where = spellings ? `the final build's call, written in ${spellings.final}` : 'the final build';
        const why = bad.value === null ? (spellings ? 'its value is only known at run time, and its text would not read the same there' : 'its value is only known at run time') : `\`${bad.value}\` is not plain text the tool writes as it is`;
        out.diagnostics.push(diag('SCRIPT_EDIT_UNSAFE', 'error', `${what} would be written into ${where}, and ${why}`, at(r, spellings ? 'Write both calls in one spelling (both template literals, say), or pass the value to the final build yourself, then run the tool again.' : 'Pass the value to the final build yourself, or migrate this setup by hand.')));
        return;
      }
      out.carried.push(own.map((w) => w.value!).join(' '));
      out.words.push(...own.map((w) => ({ ...w, raw: w.value! })));
      return;
    }
    // A flag that reads a script variable must mean the same at the final build (a Make variable
    // whose value differs per rule, `perTarget`, may not when the builds are in different rules).
    for (const w of b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount)) {
      // (as written in the file, and as the shell the reader made of it: a PowerShell `$Version` reads `${__ps_version}`)
      const names = new Set([...text.slice(w.start, w.end).matchAll(/\$[{(]?([A-Za-z_][A-Za-z0-9_]*)/g), ...w.raw.matchAll(/\$\{?(__ps_[A-Za-z0-9_]+|__ci_expression_\d+)/g)].map((m) => m[1]!));
      for (const name of names) {
        // (a CI expression counts where its step's reading marks it as that step's own value: ../analyze/hosts/ci-yaml.ts)
        if (/^__ci_expression_\d+$/.test(name) && b.cmd.vars.get(name) !== null) continue;
        if (ownEnvironment !== null && !name.startsWith('__ps_') && b.cmd.vars.get(name) === undefined) {
          out.diagnostics.push(replaced(`${raw(text, b, f)} reads $${name}`));
          return;
        }
        if (perTarget.has(name!) && name!.startsWith('npm_lifecycle_')) {
          out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} reads $${name}, which npm sets to the running script's name or text: the final build's script gives it another value`, at(r, `Write the value in the builder build, then run the tool again.`)));
          return;
        }
        if (perTarget.has(name!)) {
          out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} reads $(${name}), whose value in Make differs from one rule's recipe to another's (a target-specific or pattern-specific assignment, or a value naming an automatic variable such as $@): the final build's rule may give it another value`, at(r, `Write the value in the builder build, or build both images in one rule, then run the tool again.`)));
          return;
        }
        if (b.cmd.vars.get(name!) !== r.cmd.vars.get(name!)) {
          const shown = name.startsWith('__ps_') ? name.slice('__ps_'.length) : name;
          out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} reads $${shown}, which has another value at the final build`, at(r, `Give $${shown} one value for both builds, or write the value in the builder build.`)));
          return;
        }
      }
    }
    // Written as the builder's shell reads it: where the final build's call runs another shell
    // (bash's `${V:0:7}`, `${V//a/b}`, `$'…'`, `{a,b}` in a call run by /bin/sh), only text both
    // read alike is carried: literal characters, quotes and plain `$NAME`/`${NAME}` expansions.
    if (shells !== null) {
      const odd = b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount).find((w) => !POSIX_PLAIN.test(text.slice(w.start, w.end)));
      if (odd) {
        out.diagnostics.push(diag('SCRIPT_EDIT_UNSAFE', 'error', `${raw(text, b, f)} is written for ${shells.builder}, which runs the builder build, and would be carried into the final build's call, which ${shells.final} runs: \`${text.slice(odd.start, odd.end)}\` may not read the same there (or fail)`, at(r, `Run both calls with the same shell, or write the flag with plain \`$NAME\` expansions, then run the tool again.`)));
        return;
      }
    }
    out.carried.push(raw(text, b, f));
    out.words.push(...b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount).map((w) => ({ ...w, raw: text.slice(w.start, w.end) })));
  };
  const b = builder.inv;
  const r = runtime.inv;
  const at = (inv: DockerInvocation, hint: string) => ({ file: inv.cmd.file, line: inv.cmd.line, setup, hint });
  const runtimeArgs = new Map(r.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));
  const builderArgs = new Map(b.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));

  const inherits = finalStageFromBuilder(runtimeFacts, r, builder.tags);
  for (const f of b.flags) {
    const treatment = BUILD_FLAGS[f.name];
    // A label is part of the image config, which a stage built FROM the image inherits: the old
    // final image held the builder build's --label, unless the final build set that key itself.
    if (f.name === '--label' && inherits !== null && !finalSetsLabel(r, f) && !inherits.labels.has(labelKey(f) ?? '')) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} labelled the builder image, and the final image starts ${inherits.at}: it inherited the label, which the merged build (whose builder stage has no such flag) would not give it`, at(b, 'Write the label as a LABEL line in the builder Dockerfile, or pass the same --label to the final build, then run the tool again.')));
      continue;
    }
    if (treatment === 'drop' || treatment === 'harmless') continue;
    // Carried, or standing in the final build already, the flag is read in the final build's folder (./flag-host-reads.ts).
    const moved = b.cmd.cwd !== r.cmd.cwd && !(f.name === '--build-arg' && baked.has(buildArgName(f))) ? folderDependence(f.name, raw(text, b, f), f.value ? f.value.value : null) : null;
    if (moved) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} ${moved}: the builder build ran in ${shownFolder(b.cmd.cwd)}, the final build runs in ${shownFolder(r.cmd.cwd)}, where it would read something else`, at(b, 'Run both builds from the same folder, or write the flag so that it reads the same from the final build\'s folder (an absolute path, a literal value), then run the tool again.')));
      continue;
    }
    // A secret (or SSH agent) the flag takes from the environment is read when the merged build runs.
    const envName = f.value?.value ? flagEnvironmentNames(f.name, f.value.value).find((n) => envOf(b, n) !== envOf(r, n) || (ownEnvironment !== null && b.cmd.vars.get(n) === undefined)) : undefined;
    if (envName !== undefined) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} takes its value from $${envName}, which is ${shownEnv(envOf(b, envName))} for the builder build but ${ownEnvironment !== null ? `may differ in the final build's call, which runs with ${ownEnvironment}` : `${shownEnv(envOf(r, envName))} for the final build`}: merged, the one build reads the final build's`, at(b, `Give $${envName} one value for both builds, then run the tool again.`)));
      continue;
    }
    if (treatment === undefined || treatment === 'output') {
      out.diagnostics.push(diag('UNSUPPORTED_BUILD_FLAG', 'error', `the builder build uses ${f.name}, which ${treatment === 'output' ? 'sends its result somewhere the merged build would not' : 'the tool does not model'}`, at(b, `Remove ${f.name} from the builder build or migrate this setup by hand.`)));
      continue;
    }
    if (f.name === '--build-arg') {
      const name = buildArgName(f);
      if (baked.has(name)) continue;
      if (runtimeArgs.has(name)) {
        if (runtimeArgs.get(name) !== valueKey(f)) {
          out.diagnostics.push(diag('ARG_CONFLICT', 'error', `--build-arg ${name} has different values in the builder and runtime builds, but one build can only pass one`, at(b, `Give ${name} the same value in both builds, or rename it in one Dockerfile.`)));
        } else if (valueKey(f) === name && envOf(b, name) !== envOf(r, name)) {
          // `--build-arg NAME` in both: each took the value its own environment had.
          out.diagnostics.push(diag('ARG_CONFLICT', 'error', `--build-arg ${name} takes its value from the environment in both builds, where $${name} is ${shownEnv(envOf(b, name))} for the builder build but ${shownEnv(envOf(r, name))} for the final build, and one build can only pass one`, at(b, `Write --build-arg ${name}=value in both builds, or give $${name} one value for both.`)));
        }
        continue;
      }
      if (declaredArgs(runtimeFacts).has(name)) {
        out.diagnostics.push(diag('ARG_LEAK', 'error', `--build-arg ${name} was given only to the builder build, but ${runtimeFacts.path} declares ARG ${name}, which would now receive it`, at(b, `Rename the ARG in one Dockerfile, or pass the same value to both builds.`)));
        continue;
      }
      const reach = undeclaredReach(name, runtimeFacts, true);
      if (reach) {
        out.diagnostics.push(diag('ARG_LEAK', 'error', `--build-arg ${name} was given only to the builder build, but ${reach}`, at(b, `Pass the same --build-arg ${name} to both builds, or migrate this setup by hand.`)));
        continue;
      }
      // `--build-arg NAME` takes its value from the environment: the final build's must be the same.
      const v = f.value?.value ?? f.value?.staticPrefix ?? '';
      if (!v.includes('=') && ownEnvironment !== null) {
        out.diagnostics.push(replaced(`--build-arg ${name} takes its value`));
        continue;
      }
      if (!v.includes('=') && (envOf(b, name) !== envOf(r, name) || perTarget.has(name))) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `--build-arg ${name} takes its value from the environment, which differs at the final build`, at(b, `Write --build-arg ${name}=value, or give $${name} one value for both builds.`)));
        continue;
      }
      carry(f);
      continue;
    }
    const same = r.flags.filter((x) => x.name === f.name);
    const matched = same.some((x) => valueKey(x) === valueKey(f));
    // An inline cache is written into the built image's config (as BUILDKIT_INLINE_CACHE=1 is):
    // carried, the final image would hold it.
    if (f.name === '--cache-to' && !matched) {
      const v = f.value ? f.value.value : '';
      if (v === null || v.split(',').some((p) => p.trim().toLowerCase() === 'type=inline')) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} is given to the builder build only, and ${v === null ? 'its value, only known at run time, may ask for' : 'it asks for'} an inline cache, which is written into the image built: in one build the final image would hold it`, at(b, `Drop ${f.name} from the builder build (its image is gone), or migrate this setup by hand.`)));
        continue;
      }
    }
    if (treatment === 'carry') {
      if (same.length > 0 && !matched && !REPEATABLE.has(f.name)) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} differs between the builder build and the runtime build`, at(b, `Use the same ${f.name} for both builds, or migrate this setup by hand.`)));
      } else if (!matched) carry(f);
      continue;
    }
    if (treatment === 'run' || treatment === 'pull') {
      const why = matched ? null : reachOf(f.name, runtimeFacts, local, merged?.onbuildRuns?.runtime);
      if (same.length > 0 && !matched && !REPEATABLE.has(f.name)) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} differs between the builder build and the runtime build`, at(b, `Use the same ${f.name} for both builds, or migrate this setup by hand.`)));
      } else if (why) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} is given to the builder build only; in one build it would also reach ${why}`, at(b, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
      } else if (!matched) carry(f);
      continue;
    }
    if (treatment === 'mount') {
      // A secret or SSH agent the runtime stages never had would now be offered to their RUN --mount.
      const kind = f.name === '--secret' ? 'secret' : 'ssh';
      if (!matched && mountsOf(runtimeFacts, kind)) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} is given to the builder build only, and ${runtimeFacts.path} has RUN --mount=type=${kind}, which would now receive it`, at(b, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
      } else if (!matched) carry(f);
      continue;
    }
    if (treatment === 'context') {
      if (!matched) out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} is given to the builder build only; a named context changes what FROM and COPY --from mean in every stage of the one build`, at(b, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
      continue;
    }
    // 'same': it applies to every stage of the one build.
    if (f.name === '--platform' && same.length === 0) {
      // The builder's alone: its stages get it in their FROM lines (src/plan/index.ts), or why not.
      const only = builderOnlyPlatform(b, r, builderFacts, runtimeFacts, builder.tags);
      if (only && 'value' in only) continue;
      if (only) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} is given to the builder build only, and it cannot be written as FROM --platform on its stages: ${only.why}`, at(b, 'Pass the same --platform to both builds, or migrate this setup by hand.')));
        continue;
      }
    }
    if (same.length === 0 || !matched || b.flags.filter((x) => x.name === f.name).length !== same.length) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', same.length === 0 ? `${f.name} is given to the builder build only; in one build it would apply to the runtime stage too` : `${f.name} differs between the builder build and the runtime build`, at(b, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
    }
  }
  // A flag of that kind given to the runtime build only now reaches the builder stages.
  for (const f of r.flags) {
    if (BUILD_FLAGS[f.name] === 'same' && !b.flags.some((x) => x.name === f.name)) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} is given to the runtime build only; in one build it would apply to the builder stage too`, at(r, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
    }
    // A secret or SSH agent the builder's stages never had would now be offered to their RUN --mount.
    if (BUILD_FLAGS[f.name] === 'mount' && !b.flags.some((x) => x.name === f.name && valueKey(x) === valueKey(f))) {
      const kind = f.name === '--secret' ? 'secret' : 'ssh';
      if (mountsOf(builderFacts, kind)) out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} is given to the runtime build only, and ${builderFacts.path} has RUN --mount=type=${kind}, which would now receive it`, at(r, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
    }
    if (f.name === '--build-context' && !b.flags.some((x) => x.name === f.name && valueKey(x) === valueKey(f))) {
      const d = contextReplacesBase(text, r, f, builderFacts, setup);
      if (d) out.diagnostics.push(d);
    }
    const kind = BUILD_FLAGS[f.name];
    const why = (kind === 'run' || kind === 'pull') && !b.flags.some((x) => x.name === f.name && valueKey(x) === valueKey(f)) ? reachOf(f.name, builderFacts, local, merged?.onbuildRuns?.builder) : null;
    if (why) out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, r, f)} is given to the runtime build only; in one build it would also reach ${why}`, at(r, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
  }
  if (merged) {
    const stages = [...merged.stageRefs, ...builderFacts.stages.flatMap((st) => (st.name ? [st.name] : []))];
    out.diagnostics.push(...contextShadowedBy(r, stages, 'Choose another name with --stage-name NAME (or rename the context), then run the tool again.', setup));
  }

  // Global flags choose the engine and its client settings (`docker -H tcp://ci:2375 build`,
  // `--context`, `--config`, TLS files): the merged build runs with the final build's.
  const [bg, rg] = [engineFlags(b), engineFlags(r)];
  if (bg.join('\n') !== rg.join('\n')) {
    out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `the builder build runs as ${shownEngine(bg)} but the final build as ${shownEngine(rg)}; the one merged build runs on the final build's engine, with its client settings`, at(b, 'Give both builds the same global docker flags, or migrate this setup by hand.')));
  }

  // The build environment: the merged build runs with the final build's.
  const [bEnv, rEnv] = [dockerEnvironment(b.cmd), dockerEnvironment(r.cmd)];
  const names = new Set([...bEnv.keys(), ...rEnv.keys(), ...[...b.cmd.vars.keys(), ...r.cmd.vars.keys(), ...perTarget].filter((n) => MODELLED_ENV.test(n) || isPathVariable(n))]);
  for (const name of names) {
    const kind = isPathVariable(name) ? 'same' : BUILD_ENV[name];
    if (kind === 'harmless') continue;
    // A Make variable with a value of its own in the builder's rule (`binary: export
    // DOCKER_DEFAULT_PLATFORM = linux/arm64`, `.EXPORT_ALL_VARIABLES`) may reach the builder
    // build's environment and not the final build's, in another rule.
    if (perTarget.has(name)) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `$${name} has a target-specific or pattern-specific value in the Makefile, which may reach the builder build's environment and not the final build's, in another rule; the one merged build runs with the final build's`, at(b, `Set ${name} for the whole Makefile (or on both recipe lines), or build both images in one rule.`)));
      continue;
    }
    if (kind === undefined) {
      if (MODELLED_ENV.test(name) && (bEnv.has(name) || rEnv.has(name) || envOf(b, name) !== envOf(r, name))) {
        out.diagnostics.push(diag('UNSUPPORTED_BUILD_FLAG', 'error', `$${name} is set for a build, and the tool does not model what it does`, at(bEnv.has(name) ? b : r, `Remove ${name} from the build's environment, or migrate this setup by hand.`)));
      }
      continue;
    }
    // (two values only known at run time are the same where one assignment reaches both builds)
    // (PATH with folders only appended between the builds finds the `docker` the builder build found: those come after)
    const appended = name === 'PATH' && !bEnv.has(name) && !rEnv.has(name) && pathOnlyAppended(b.cmd, r.cmd);
    const pathDiffers = isPathVariable(name) && !appended && (envOf(b, name) !== envOf(r, name) || (envOf(b, name) === null && differentUnknownValues(b.cmd, r.cmd, name)));
    if (pathDiffers) {
      const shownPath = (v: string | null | undefined) => (v === undefined ? "as the script's caller gives it" : show(v));
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `$${name} is ${shownPath(envOf(b, name))} for the builder build but ${shownPath(envOf(r, name))} for the final build: the builder build may run another \`docker\` (another client version, the legacy builder, other defaults), and the one merged build runs the final build's`, at(b, `Give both builds the same PATH, or migrate this setup by hand.`)));
    } else if (!isPathVariable(name) && (envOf(b, name) !== envOf(r, name) || (envOf(b, name) === null && differentUnknownValues(b.cmd, r.cmd, name)))) {
      const values = envOf(b, name) === null && envOf(r, name) === null ? 'given two values only known at run time, which may differ, by the builder build and the final build' : `${show(envOf(b, name))} for the builder build but ${show(envOf(r, name))} for the final build`;
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `$${name} is ${values}; the one merged build runs with the final build's`, at(b, `Give ${name} the same value for both builds, or migrate this setup by hand.`)));
    }
  }
  out.diagnostics.push(...epochConflicts(b, r, builderFacts, setup));
  // `docker buildx build` always builds with BuildKit, whatever DOCKER_BUILDKIT says; `docker build`
  // with DOCKER_BUILDKIT=0 with the legacy builder, which reads a Dockerfile otherwise (no
  // `RUN --mount`, heredocs or `# syntax=`, no TARGETARCH): the merged builder stage is built by
  // the final build's.
  const buildx = (inv: DockerInvocation) => inv.cmd.words[inv.at ?? 0]?.value === 'docker' && inv.cmd.words[inv.verbIndex - 1]?.value === 'buildx';
  const legacyOf = (inv: DockerInvocation) => {
    if (buildx(inv)) return false;
    const v = envOf(inv, 'DOCKER_BUILDKIT');
    return legacyBuilder(v === undefined ? merged?.callerBuildkit : v);
  };
  const isDocker = (inv: DockerInvocation) => inv.cmd.words[inv.at ?? 0]?.value === 'docker';
  if (isDocker(b) && isDocker(r) && buildx(b) !== buildx(r) && legacyOf(b) !== legacyOf(r)) {
    const shown = (inv: DockerInvocation) => (buildx(inv) ? 'with BuildKit (`docker buildx build`)' : legacyOf(inv) ? `with the legacy builder (DOCKER_BUILDKIT=${envOf(inv, 'DOCKER_BUILDKIT') ?? merged?.callerBuildkit})` : 'with DOCKER_BUILDKIT only known at run time, which may pick the legacy builder');
    out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `the builder build runs ${shown(b)} but the final build ${shown(r)}; the one merged build builds the builder's stages as the final build does`, at(b, 'Build both images with `docker buildx build`, or both with `docker build` in the same environment, or migrate this setup by hand.')));
  }
  // The legacy builder cannot run everything a merged file may need.
  // (a caller's value where the script sets none: the script runs in its caller's environment)
  const own = envOf(r, 'DOCKER_BUILDKIT');
  const buildkit = own === undefined ? merged?.callerBuildkit : own;
  const legacy = merged ? legacyBuilder(buildkit) : false;
  if (merged && legacy !== false) {
    const why = [merged.chmod ? 'COPY --chmod' : '', merged.exportStage ? 'an export stage built with --output' : ''].filter(Boolean);
    const given = own === undefined ? ' from a caller of the script' : '';
    const runs = merged.buildkitWhy !== undefined ? `${own === undefined ? 'where a caller of the script runs it, ' : ''}${merged.buildkitWhy}; it cannot run` : legacy ? `with DOCKER_BUILDKIT=${buildkit}${given} (the legacy builder), which cannot run` : `with DOCKER_BUILDKIT set to a value only known at run time${given}, which may pick the legacy builder (0 or false), which cannot run`;
    if (why.length > 0) out.diagnostics.push(diag('UNSUPPORTED_BUILD_FLAG', 'error', `the build runs ${runs} ${why.join(' or ')}, which the merged build needs`, at(r, merged.buildkitWhy !== undefined ? 'Set DOCKER_BUILDKIT=1 for the job (or run it in a docker image of 23 or later), or migrate this setup by hand.' : 'Build with BuildKit, or migrate this setup by hand.')));
    // The legacy builder builds every stage of the file up to the target, needed or not: merged,
    // the builder file's stages after the builder build's --target (which that build stopped
    // before) stand before the final stage, and would now be built (a `RUN go test` that fails).
    // (`docker buildx build` builds with BuildKit whatever DOCKER_BUILDKIT says, and skips them)
    const past = buildx(r) ? [] : (merged.pastTarget ?? []);
    if (past.length > 0) {
      const runsAs = merged.buildkitWhy !== undefined ? `${own === undefined ? 'where a caller of the script runs it, ' : ''}${merged.buildkitWhy}` : legacy ? `with DOCKER_BUILDKIT=${buildkit}${given} (the legacy builder)` : `with DOCKER_BUILDKIT set to a value only known at run time${given}, which may pick the legacy builder (0 or false)`;
      out.diagnostics.push(diag('UNSUPPORTED_BUILD_FLAG', 'error', `the build runs ${runsAs}; the legacy builder builds every stage of a Dockerfile up to its target: merged, it would also build ${past.join(', ')}, after the builder build's --target ${b.flags.find((f) => f.name === '--target')?.value?.value ?? ''}, which the old builder build never built (a failing or slow RUN there would now stop or slow the final build)`, at(r, merged.buildkitWhy !== undefined ? 'Set DOCKER_BUILDKIT=1 for the job (or run it in a docker image of 23 or later), or move those stages to a Dockerfile of their own, or migrate this setup by hand.' : 'Build with BuildKit, or move those stages to a Dockerfile of their own, or migrate this setup by hand.')));
    }
  }

  out.diagnostics.push(...runtimeArgLeaks(r, builderArgs, builderFacts, setup));
  if (out.carried.length > 0) out.notes.push(`${b.cmd.file}: the final build now also gets the builder build's ${out.carried.join(' ')}`);
  return out;
}

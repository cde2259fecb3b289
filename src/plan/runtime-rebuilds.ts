/**
 * Other builds of a setup's runtime Dockerfile. The migration merges the builder into that
 * file, so every other `docker build` of it (a debug image, a release script, a second tag
 * with other flags, in any script of the repository, before or after the setup) now builds
 * the builder stage too, from its own context and with its own flags. Before, it only copied
 * the binary the extraction had left on the host. Such a build gives the same image only when
 * its builder stage sees what the setup's builder build saw:
 *
 * - the same context as the setup's runtime build (the merged file is written for that one:
 *   `COPY . .` in the builder stage reads whatever context the build is given);
 * - the flags the builder build had, as src/plan/build-flags.ts checks them for the setup's own
 *   final build: a `--build-arg` the builder declares (`--build-arg GOFLAGS=-race`), a
 *   `--platform`, a named context or a build environment variable it did not have would now
 *   reach the builder stage; and a flag the setup's final build is given for the builder's sake
 *   (`--build-arg VERSION=1.2`) is not given to this one, whose builder stage would build
 *   without it.
 *
 * The same holds for a GitHub Actions step that builds it (`uses: docker/build-push-action`,
 * ./action-builds.ts), and any other action handed its path is not modelled at all; an Azure
 * Pipelines Docker task that may build it (./azure-task-builds.ts) is not read as a build and refuses; and for a
 * compose service that builds it (`build:` with its context, `args:` and any key the tool does
 * not reproduce), in a compose file no script of the setup runs it from.
 *
 * When the setup copies a folder's contents into a folder of the repository, any other build
 * refuses: it did not need the extraction to succeed, and may have run without it.
 *
 * Anything else refuses the setup (RUNTIME_REBUILT), naming that build. The setup's own final
 * build and the final build of another setup of the same runtime build are not "other builds"
 * (their edits are the plan's); a build whose Dockerfile is only known at run time, or that runs
 * in a folder only known at run time, is not seen here. Builds by podman, buildah and nerdctl are
 * read as the docker builds they spell (../model/engine-builds.ts); a `docker buildx bake` in a
 * folder holding the runtime Dockerfile may build it from a bake file the tool does not read; a
 * kaniko or buildctl build of a Dockerfile that may be the runtime one (../model/foreign-builds.ts)
 * builds it from a context and with arguments the tool does not read.
 */
import type { Analysis } from '../analyze/index.js';
import type { RepoFs } from '../model/fs.js';
import { actionBuilds, isWorkflow, type ActionBuild } from './action-builds.js';
import { buildInputs } from '../analyze/link.js';
import { isIndexedBuild, keptCommands } from '../analyze/release-scripts.js';
import { engineBuild } from '../model/engine-builds.js';
import type { ForeignBuild } from '../model/foreign-builds.js';
import { unreadBuilds, type UnreadBuild } from './unread-builds.js';
import { azureTaskBuilds, type TaskBuild } from './azure-task-builds.js';
import { bakeTargets } from './script-bakes.js';
import { mayBuild } from '../model/foreign-builds.js';
import path from 'node:path/posix';
import { diag } from '../model/diagnostics.js';
import { dockerInvocation, flagValues, type DockerInvocation } from '../model/docker-command.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { resolveRel } from '../model/paths.js';
import type { BuildStep, Setup } from '../model/setup.js';
import { BUILD_FLAGS, buildArgName, carryBuilderFlags, declaredArgs, undeclaredReach, valueKey } from './build-flags.js';
import { isExpanded } from '../analyze/compose.js';
import { composeBuilds, type ComposeService } from '../analyze/hosts/compose-file.js';
import { COMPOSE_FILE } from '../discover/passed-over.js';
import { passedArgs, variableReach, variableSources } from '../analyze/copy-variables.js';
import { localImages } from './local-images.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { addTo } from '../model/multimap.js';

const HINT = "Build it with the final build's context and the builder build's build arguments and flags (flags the runtime Dockerfile does not read change nothing in its image today), or from another Dockerfile; or migrate by hand.";

/**
 * Flags the final build is given for the builder's sake that only decide whether a cached layer or
 * a local base image is used: another build without them builds the same stage.
 */
const CACHE_ONLY = /^--(no-cache|pull|cache-from|cache-to)\b/;

/** What to do when a kept build of the runtime Dockerfile copied what another setup's extraction left (also src/plan/index.ts). */
export const REFUSED_HINT = 'Let the other setup migrate too (fix what refuses it), or build one of the two images from another Dockerfile; or migrate by hand.';

const NAMED_HINT = "Migrate by hand, making sure that step still does its job on the merged Dockerfile (a linter now reads the builder's instructions too).";


/** Marks each setup whose runtime Dockerfile another build would now build differently. */
export function markRuntimeRebuilds(analysis: Analysis, fs: RepoFs): void {
  const setups = analysis.setups.filter((s) => s.runtime?.dockerfile && !s.diagnostics.some((d) => d.severity === 'error'));
  if (setups.length === 0) return;
  const runtimes = new Set(setups.map((s) => s.runtime!.dockerfile!));
  // The final builds the plan edits itself, and the builder builds it removes.
  const own = new Set<ScriptCommand>(analysis.setups.flatMap((s) => [s.builder.inv.cmd, ...(s.runtime ? [s.runtime.inv.cmd] : [])]));
  const byDockerfile = new Map<string, { inv: DockerInvocation; cmd: ScriptCommand }[]>();
  const bakes: ScriptCommand[] = [];
  const wrapped: { cmd: ScriptCommand; wrapper: string }[] = [];
  const foreign: { cmd: ScriptCommand; build: ForeignBuild }[] = [];
  for (const script of analysis.scripts.values()) {
    for (const cmd of keptCommands(script)) {
      if (own.has(cmd)) continue;
      const other = isIndexedBuild(cmd) ? null : engineBuild(cmd);
      // Only the name of a kaniko or buildctl build's Dockerfile is read: the folder it runs in does not matter.
      if (other?.kind === 'foreign') foreign.push({ cmd, build: other });
      if (cmd.cwd === null) continue;
      if (other?.kind === 'bake') bakes.push(cmd);
      if (other?.kind === 'wrapped') wrapped.push({ cmd, wrapper: other.wrapper });
      const inv = other === null ? (isIndexedBuild(cmd) ? dockerInvocation(cmd) : null) : other.kind === 'build' ? other.inv : null;
      if (!inv) continue;
      const feeder = cmd.stdinFrom === null ? null : script.commands.find((c) => c.index === cmd.stdinFrom);
      for (const dockerfile of builtFiles(inv, feeder)) {
        if (runtimes.has(dockerfile)) addTo(byDockerfile, dockerfile, { inv, cmd });
      }
    }
  }
  let unreadFiles: UnreadBuild[] | undefined;
  let taskBuilds: TaskBuild[] | undefined;
  let walked: string[] | undefined;
  const actions = workflowActions(analysis, fs);
  const services = composeServices(analysis, fs);
  const ownServices = servicesOfSetups(analysis);
  for (const setup of setups) {
    const byAction = actions.map((a) => [a, actionDiffers(analysis, setup, a)] as const).find(([, why]) => why !== null);
    if (byAction) {
      const [a, why] = byAction;
      setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', `the step \`uses: ${a.uses}\` (${a.file}:${a.line}) ${why}`, { file: a.file, line: a.line, setup: setup.id, hint: a.build ? HINT : NAMED_HINT }));
      continue;
    }
    // The first service of another build that would build the stage differently (a service that would not is no finding).
    const [service, byService] = services
      .filter((s) => !ownServices.has(`${s.file}\0${s.name}`) && s.build?.dockerfile === setup.runtime!.dockerfile)
      .map((s) => [s, composeDiffers(analysis, setup, s)] as const)
      .find(([, why]) => why !== null) ?? [null, null];
    if (byService) {
      setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', `the service ${service!.name} of ${service!.file} (line ${service!.line}) also builds ${setup.runtime!.dockerfile}, which would now hold the builder stage: ${byService}`, { file: service!.file, line: service!.line, setup: setup.id, hint: HINT }));
      continue;
    }
    // A bake in the runtime Dockerfile's folder or above may build it: the target of the bake files it reads that does, or one it cannot read (./script-bakes.ts).
    const baked = bakes.filter((c) => c.cwd === '' || setup.runtime!.dockerfile!.startsWith(`${c.cwd}/`)).map((c) => bakeFinding(c, setup.runtime!.dockerfile!, fs, (walked ??= walkedFiles(analysis)))).find((d) => d !== null);
    if (baked) {
      setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', baked.message, { file: baked.file, line: baked.line, setup: setup.id, hint: HINT }));
      continue;
    }
    // An engine behind a wrapper option the tool does not read (`sudo -D /srv docker build .`) may build it from anywhere.
    if (wrapped[0]) {
      const { cmd: hidden, wrapper } = wrapped[0];
      setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', `\`${shownCommand(hidden)}\` (${hidden.file}:${hidden.line}) runs an image build through ${wrapper} with an option the tool does not read (another folder, a shell, or in the background): it may build ${setup.runtime!.dockerfile}, and would now build the builder stage too`, { file: hidden.file, line: hidden.line, setup: setup.id, hint: HINT }));
      continue;
    }
    const runtimePath = setup.runtime!.dockerfile!;
    // An Azure Pipelines Docker task (./azure-task-builds.ts), whose build is not read.
    const byTask = (taskBuilds ??= azureTaskBuilds(analysis, fs)).find((b) => mayBuild(b, runtimePath));
    if (byTask) {
      const which = byTask.dockerfiles !== null ? runtimePath : `the first Dockerfile its \`Dockerfile:\` input finds, which may be ${runtimePath}`;
      setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', `the step \`task: ${byTask.task}\` (${byTask.file}:${byTask.line}) builds ${which} (\`command: ${byTask.command}\`), from a context and with arguments the tool does not read as a build: it would now build the builder stage too`, { file: byTask.file, line: byTask.line, setup: setup.id, hint: HINT }));
      continue;
    }
    // kaniko or buildctl (read for the Dockerfiles they build), or a build in a file the tool does not read as a script.
    const byForeign = foreign.find(({ build }) => mayBuild(build, runtimePath));
    const elsewhere = byForeign ? undefined : (unreadFiles ??= unreadBuilds(analysis, fs)).find((b) => mayBuild(b, runtimePath));
    if (byForeign || elsewhere) {
      const at = byForeign ? { file: byForeign.cmd.file, line: byForeign.cmd.line, text: shownCommand(byForeign.cmd), program: byForeign.build.program } : elsewhere!;
      const targets = byForeign ? byForeign.build : elsewhere!;
      const which = targets.dockerfiles !== null ? runtimePath : targets.names.length === 0 ? 'a Dockerfile only known at run time' : `a Dockerfile named ${targets.names.join(' or ')} from a folder only known at run time`;
      const how = byForeign ? `, whose context and build arguments the tool does not read` : `, in a file the tool does not read as a script`;
      setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', `\`${at.text}\` (${at.file}:${at.line}) builds ${which} with ${at.program}${how}: it may build ${runtimePath}, and would now build the builder stage too`, { file: at.file, line: at.line, setup: setup.id, hint: HINT }));
      continue;
    }
    for (const { inv, cmd } of byDockerfile.get(setup.runtime!.dockerfile!) ?? []) {
      // After an extraction of another setup in its script (one refused, or whose runtime build the tool did not link): that build copied what the extraction left.
      const after = analysis.setups.find((o) => o !== setup && o.script === cmd.file && o.extraction.some((e) => e.start < cmd.start));
      if (after) {
        setup.diagnostics.push(diag('RUNTIME_REBUILT', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) also builds ${setup.runtime!.dockerfile}, after the extraction of the builder build at ${after.script}:${after.builder.inv.cmd.line}, which stays: it copied what that extraction left, and would now compile the builder stage and copy from it instead`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: REFUSED_HINT }));
        break;
      }
      const why = differs(analysis, setup, inv);
      if (why === null) continue;
      setup.diagnostics.push(
        diag('RUNTIME_REBUILT', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) also builds ${setup.runtime!.dockerfile}, which would now hold the builder stage: ${why}`, {
          file: cmd.file,
          line: cmd.line,
          setup: setup.id,
          hint: HINT,
        }),
      );
      break;
    }
  }
}

/** The files the walk found, as the bake reader weighs what lies beside a bake file. */
const walkedFiles = (analysis: Analysis) => [...new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])];

/** Where and why a script's `docker buildx bake` may build `runtime` (null: the targets it reads build other Dockerfiles). */
function bakeFinding(cmd: ScriptCommand, runtime: string, fs: RepoFs, files: readonly string[]): { file: string; line: number; message: string } | null {
  const read = bakeTargets(cmd, fs, files);
  if ('unread' in read) return { file: cmd.file, line: cmd.line, message: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) builds the targets of bake files the tool cannot read (${read.unread}), from a folder holding ${runtime}: one may build it, and would now build the builder stage too` };
  const target = read.builds.find((b) => mayBuild(b, runtime));
  if (!target) return null;
  const which = target.dockerfiles !== null ? runtime : `${target.names.length === 0 ? 'a Dockerfile only known at run time' : `a Dockerfile named ${target.names.join(' or ')} from a folder only known at run time`}, which may be ${runtime}`;
  return { file: target.file, line: target.line, message: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) builds \`${target.text}\` (${target.file}:${target.line}), which builds ${which}, and would now build the builder stage too` };
}

/**
 * Why any other build of the runtime Dockerfile differs when the setup copies a folder's
 * contents into a folder of the repository (`docker cp x:/out/. site`, ../analyze/link.ts
 * contentsOverFolder): without the extraction before it, such a build still found the folder
 * and copied only its own files; merged, it copies the builder stage's files into it too.
 */
function overFolder(setup: Setup): string | null {
  const a = setup.artifacts.find((x) => x.contentsOnly && x.consumers.some((c) => c.within === '' && !c.folderOnly));
  return a ? `${a.hostPath} is a folder of the repository, so without the extraction into it (${a.via.cmd.file}:${a.via.cmd.line}) before it that build still copied the folder's own files alone, and merged it would copy the builder stage's files into it too` : null;
}

/** Why `inv`, another build of the setup's runtime Dockerfile, would build the merged file's builder stage differently (null: it would not). */
function differs(analysis: Analysis, setup: Setup, inv: DockerInvocation): string | null {
  const runtime = setup.runtime!;
  const over = overFolder(setup);
  if (over) return over;
  if (inv.unknownFlags.length > 0) return `the tool does not know its flag ${inv.unknownFlags[0]!.raw}, so what it builds and what it gives the builder stage cannot be told`;
  const { context } = buildInputs(inv);
  if (context === null) return 'its context is only known at run time';
  if (context !== runtime.context) return `its context is ${context || '.'}, and the builder stage would read that instead of ${runtime.context || '.'}`;
  const runtimeFacts = analysis.dockerfiles.get(runtime.dockerfile!);
  // With its own build arguments, a COPY source written through a variable may name the artifact (../analyze/copy-variables.ts).
  const through = runtimeFacts ? artifactThroughVariable(runtimeFacts, passedArgs(inv), context, setup.artifacts.map((a) => a.hostPath), setup) : null;
  if (through) return through;
  // A stock toolchain build gave no flags of its own: its stage reads the context alone.
  if (setup.builder.stock) return null;
  const builderFacts = setup.builder.dockerfile ? analysis.dockerfiles.get(setup.builder.dockerfile) : null;
  const text = analysis.scripts.get(setup.builder.inv.cmd.file)?.text;
  if (!builderFacts || !runtimeFacts || text === undefined) return null;
  const other: BuildStep = { inv, tags: [], dockerfile: runtime.dockerfile, context, target: flagValues(inv, '--target')[0]?.value ?? null };
  const carry = carryBuilderFlags(text, setup.builder, other, builderFacts, runtimeFacts, setup.id, undefined, localImages(analysis.scripts.get(setup.builder.inv.cmd.file)!.commands));
  const first = carry.diagnostics[0];
  if (first) return first.message.replace(/\bthe runtime build\b/g, 'this build').replace(/\bthe final build\b/g, 'this build');
  const missing = carry.carried.filter((raw) => !CACHE_ONLY.test(raw));
  if (missing.length > 0) return `its builder stage would be built without the builder build's ${missing.join(' ')}, which only the setup's own final build is given`;
  return null;
}

/**
 * Why a COPY of `facts` written through a variable reads one of `hostPaths` in a build given the
 * build arguments `passed` (null: names only known at run time), or, where the setup's final
 * build read an artifact through it (the merge writes that line with the artifact's stage
 * path), another value than that build (null: neither).
 */
function artifactThroughVariable(facts: DockerfileFacts, passed: ReadonlyMap<string, string | null> | null, context: string, hostPaths: readonly string[], setup: Setup): string | null {
  const rewritten = rewrittenThrough(facts, setup);
  for (const v of variableSources(facts, passed)) {
    const own = rewritten.get(`${v.copy}:${v.source}`);
    if (own !== undefined) {
      if (v.value === own) continue;
      const copy = facts.copies[v.copy]!;
      const value = v.value === null ? `a value the tool cannot know before the build${v.unknown ? ` (${v.unknown})` : ''}` : JSON.stringify(v.value);
      return `its \`${copy.keyword} ${facts.text.slice(copy.sources[v.source]!.start, copy.sources[v.source]!.end)}\` (${facts.path}:${copy.line}) reads its source through ${v.names.map((n) => `\`${n}\``).join(', ')}: ${value} in this build, where the setup's final build reads ${JSON.stringify(own)}, the extracted artifact, and the merged line names the artifact itself`;
    }
    const hit = variableReach(v, context, hostPaths);
    if (hit === null) continue;
    const copy = facts.copies[v.copy]!;
    const value = v.value === null ? `a value the tool cannot know before the build${v.unknown ? ` (${v.unknown})` : ''}, which may name` : `${JSON.stringify(v.value)} in this build, which names`;
    return `its \`${copy.keyword} ${facts.text.slice(copy.sources[v.source]!.start, copy.sources[v.source]!.end)}\` (${facts.path}:${copy.line}) reads its source through ${v.names.map((n) => `\`${n}\``).join(', ')}: ${value} the extracted ${hit}, which the merged setup no longer leaves in the context`;
  }
  return null;
}

/** The value the setup's final build gave each COPY source (`copy:source`) of `facts` read through a variable that names an artifact: the merge writes those lines literally. */
function rewrittenThrough(facts: DockerfileFacts, setup: Setup): Map<string, string> {
  const out = new Map<string, string>();
  const consumers = new Set(setup.artifacts.flatMap((a) => a.consumers.filter((c) => c.dockerfile === facts.path).map((c) => `${c.copy}:${c.source}`)));
  if (consumers.size === 0) return out;
  for (const v of variableSources(facts, passedArgs(setup.runtime!.inv))) {
    const key = `${v.copy}:${v.source}`;
    if (v.value !== null && consumers.has(key)) out.set(key, v.value);
  }
  return out;
}

/** The `uses:` steps of every workflow the walk found (with docker in it or not) that build or name a Dockerfile. */
function workflowActions(analysis: Analysis, fs: RepoFs): ActionBuild[] {
  const files = [...new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])].filter(isWorkflow).sort();
  return files.flatMap((rel) => {
    const text = analysis.scripts.get(rel)?.text ?? fs.readText(rel);
    return text === null ? [] : actionBuilds(rel, text);
  });
}

/** Why an action step would now build the setup's merged Dockerfile differently, or read it unmodelled (null: it does neither). */
function actionDiffers(analysis: Analysis, setup: Setup, a: ActionBuild): string | null {
  const runtime = setup.runtime!;
  const df = runtime.dockerfile!;
  if (!a.build) {
    const named = a.named.find((n) => n.path === df);
    return named ? `is given ${df} (\`with: ${named.key}:\`), and the tool does not model what that action does with it: it would now read the builder stage too` : null;
  }
  if (a.build.dockerfile !== df) return null;
  const also = `also builds ${df}, which would now hold the builder stage`;
  const over = overFolder(setup);
  if (over) return `${also}: ${over}`;
  const { context } = a.build;
  if (context === 'git') return `${also}: it builds from the Git context (the commit, without what earlier steps made), and the builder stage would read that instead of ${runtime.context || '.'}`;
  if (context === null) return `${also}: its context is only known at run time`;
  if (context !== runtime.context) return `${also}: its context is ${context || '.'}, and the builder stage would read that instead of ${runtime.context || '.'}`;
  if (a.build.stageInputs.length > 0) return `${also}: its \`with: ${a.build.stageInputs[0]}:\` reaches every stage of the build, the builder stage too`;
  const through = throughArgs(analysis, setup, a.build.buildArgs);
  if (through) return `${also}: ${through}`;
  // A build argument reaches the builder stage only where it declares the ARG; the value the builder build gave it changes nothing.
  const leak = argLeak(analysis, setup, a.build.buildArgs);
  if (leak) return `${also}: its \`build-args:\` ${leak}`;
  const passed = new Set(a.build.buildArgs.filter(([, v]) => v !== null).map(([n, v]) => `${n}=${v}`));
  const carried = setup.builder.stock ? [] : setup.builder.inv.flags.filter((f) => BUILD_FLAGS[f.name] !== 'drop' && BUILD_FLAGS[f.name] !== 'harmless' && !CACHE_ONLY.test(f.name) && !(f.name === '--build-arg' && passed.has(valueKey(f))));
  if (carried.length > 0) return `${also}: its builder stage would be built without the builder build's ${carried.map((f) => f.name).join(', ')}`;
  return null;
}

/** The services of every compose file the walk found, read as definitions. */
function composeServices(analysis: Analysis, fs: RepoFs): ComposeService[] {
  const files = [...new Set([...analysis.files, ...(analysis.passedOver ?? [])])].filter((rel) => COMPOSE_FILE.test(rel.slice(rel.lastIndexOf('/') + 1))).sort();
  return files.flatMap((rel) => {
    const text = fs.readText(rel);
    return text === null ? [] : composeBuilds(rel, text);
  });
}

/** The compose services setups build or run through a script's `docker compose` (their own builds, planned with them). */
function servicesOfSetups(analysis: Analysis): Set<string> {
  const out = new Set<string>();
  for (const s of analysis.setups) {
    const script = analysis.scripts.get(s.script);
    if (!script || !isExpanded(script)) continue;
    for (const cmd of [s.builder.inv.cmd, ...(s.runtime ? [s.runtime.inv.cmd] : [])]) {
      const origin = script.compose.origin[script.commands.indexOf(cmd)];
      if (origin) out.add(`${origin.file}\0${origin.service}`);
    }
  }
  return out;
}

/** Why a compose service's build of the setup's runtime Dockerfile would build the merged builder stage differently (null: it would not). */
function composeDiffers(analysis: Analysis, setup: Setup, svc: ComposeService): string | null {
  const runtime = setup.runtime!;
  const b = svc.build!;
  if (svc.buildProblems.length > 0) return svc.buildProblems[0]!.message;
  const over = overFolder(setup);
  if (over) return over;
  if (b.context !== runtime.context) return `its context is ${b.context || '.'}, and the builder stage would read that instead of ${runtime.context || '.'}`;
  const through = throughArgs(analysis, setup, b.args);
  if (through) return through;
  if (setup.builder.stock) return null;
  const leak = argLeak(analysis, setup, b.args);
  if (leak) return `its \`args:\` ${leak}`;
  const missing = setup.builder.inv.flags.filter((f) => BUILD_FLAGS[f.name] !== 'drop' && BUILD_FLAGS[f.name] !== 'harmless' && !CACHE_ONLY.test(f.name) && !(f.name === '--build-arg' && b.args.some(([n, v]) => valueKey(f) === `${n}=${v}`)));
  if (missing.length > 0) return `its builder stage would be built without the builder build's ${missing.map((f) => f.name).join(', ')}`;
  return null;
}

/**
 * The Dockerfile a build reads, as a repository path (none when only known at run time). Past a
 * flag the tool does not know, its words cannot be told apart (`--format docker`: is `docker`
 * the flag's value or the context?), so each may be the context: every such reading counts.
 */
function builtFiles(inv: DockerInvocation, feeder: ScriptCommand | null | undefined): string[] {
  // A Dockerfile fed on standard input (`-f - < Dockerfile`, `cat Dockerfile | …`) is the file fed.
  const { dockerfile } = buildInputs(inv, feeder);
  if (inv.unknownFlags.length === 0 || flagValues(inv, '--file').length > 0) return dockerfile === null ? [] : [dockerfile];
  const cwd = inv.cmd.cwd!;
  return inv.operands.flatMap((o) => (o.word.value === null ? [] : [resolveRel(resolveRel(cwd, o.word.value), 'Dockerfile')]));
}

/**
 * Why a COPY of the runtime Dockerfile written through a variable reads an artifact, or another
 * value than the setup's final build where the merge writes it literally, in a build given
 * `args` (a compose service's `args:`, an action's `build-args:`; a name '' is one only known at
 * run time) (null: none does).
 */
function throughArgs(analysis: Analysis, setup: Setup, args: readonly (readonly [string, string | null])[]): string | null {
  const facts = analysis.dockerfiles.get(setup.runtime!.dockerfile!);
  if (!facts) return null;
  const passed = args.some(([n]) => n === '') ? null : new Map(args);
  return artifactThroughVariable(facts, passed, setup.runtime!.context!, setup.artifacts.map((a) => a.hostPath), setup);
}

/**
 * Which of `args` (NAME and value; null: only known at run time) would reach the builder stage
 * with another value than the builder build gave it, said as the rest of a message, or null.
 * A NAME of '' is an argument whose name is not known.
 */
function argLeak(analysis: Analysis, setup: Setup, args: readonly (readonly [string, string | null])[]): string | null {
  if (args.length === 0 || setup.builder.stock) return null;
  const builderFacts = setup.builder.dockerfile ? analysis.dockerfiles.get(setup.builder.dockerfile) : null;
  const declared = builderFacts ? declaredArgs(builderFacts) : null;
  const given = new Map(setup.builder.inv.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));
  for (const [name, value] of args) {
    if (name === '') return 'are only known at run time, and may name an ARG the builder stage declares';
    if (declared !== null && !declared.has(name)) {
      // (A BuildKit argument reaches the stage without an ARG.)
      const reach = given.has(name) ? null : undeclaredReach(name, builderFacts!, false);
      if (reach) return `${name}=… would now reach the builder stage: ${reach}`;
      continue;
    }
    if (value !== null && given.get(name) === `${name}=${value}`) continue;
    return `${name} would now reach the builder stage, which declares ARG ${name}${value === null ? ', with a value only known at run time' : given.has(name) ? ', where the builder build gave it another value' : ''}`;
  }
  return null;
}

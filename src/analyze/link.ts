/**
 * The migration brain's reading half: from one script's docker invocations to setups.
 * It follows image tags from a builder build to the containers made from it, container
 * names to `docker cp` extractions, host paths to the runtime Dockerfile's COPY/ADD, and
 * refuses (with a coded diagnostic) wherever any of those links is only known at run time.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { unreadHeredocIn } from './dockerfile-heredocs.js';
import { dockerAt, dockerInvocation, flagValues, parseDockerCommand, type DockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, shownWord, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import type { Artifact, ArtifactConsumer, BuildStep, FolderFileChmod, Setup } from '../model/setup.js';
import { readDockerfile, type DockerfileFacts } from './dockerfile.js';
import { contextMounts, mountReaches } from './context-mounts.js';
import { detached } from './detached.js';
import { stockParts, stockRun, type StockRun } from './stock-image.js';
import { copiedBehindEntrypoint, streamed } from './stream.js';
import { pulledImage, stdinProblem } from './run-flags.js';
import { noBuilder, notFollowed, stockUnused, unfollowedCp, unreadBuildBefore, unrecognisedRun, wrappedExtraction, wrappedThrough } from './near-miss.js';
import { actionBuildMiss } from './action-build-misses.js';
import { isWrapper, programAt } from '../model/wrappers.js';
import { engineBuild } from '../model/engine-builds.js';
import { containerOf, fromCatRedirect, fromCp, fromMountBuild, fromMountCopy, fromTarPipe, removesOnlyImages, runStepOf, imageKeyOf, wordKey, type Container, type Extraction } from './extractions.js';
import { canonicalImage } from '../model/image-ref.js';
import { globToRegExp } from '../model/glob.js';
import { resolveRel } from '../model/paths.js';
import { trimTrailingSlashes } from '../model/text.js';
import { changesDir, dirStateAt } from './host-dirs.js';
import { isMakeScript, type EmbeddedScript } from './embedded.js';
import { callsOuterBody, callsOwnBody, runsBeforeOwnBody } from './repeated-bodies.js';
import { neverMadeFolder, unprovenFile } from './file-landing.js';
import { broadConsumer, contentsConsumer } from './broad-copy.js';
import { stdinDockerfile, stdinFeed, unreadableDockerfile } from './dockerfile-access.js';
import { stepConditions } from './conditions.js';
import { guardOfRemoval } from './guarded-cleanup.js';
import { builtStage, fromImageCat, notCatWhy } from './image-cat.js';
import { folderOnlyHoldsArtifacts } from './artifact-folder.js';
import { bashEnvSet } from './bash-env.js';
import { githubEnvWrites } from './step-env-files.js';
import { dotenvWrites } from './gitlab-dotenv.js';
import { shadowedCommands } from './shadowed-commands.js';
import { sourcedFolderChanges } from './sourced-folders.js';
import { builderOnbuildRead, onbuildContextReads, onbuildRun } from './onbuild-base.js';
import { honoursUmask, innerUmaskPaths, noteModeSource, umaskDependence, umaskModes } from './host-umask.js';
import { dapperSetups, execBuilds, swapDiagnostic, swappedIn } from './unsupported-builders.js';
import { dynamicTags, extractionImages, unfollowedTag } from './dynamic-tag.js';
import { tagUses } from './dynamic-tag-uses.js';
import { unknownProgramWord } from './unknown-program.js';
import { listsImage, mayNameImage, namesRepository, otherImageKeys } from './unknown-image.js';
import { trapHandlerCommands } from './trap-handlers.js';
import { exitHandlerUse, laterUse } from './later-uses.js';
import { foldRenames } from './renamed-artifacts.js';
import { contextSource, namedThrough, passedArgs, variableReach, variableSources } from './copy-variables.js';
import { foldCopies, type UnfoldedCopy } from './copied-artifacts.js';
import { applyChmod } from './chmod-mode.js';
import { workspaceUses } from '../plan/workspace-reads/index.js';
import { forcedRemoval, verboseRemoval } from '../plan/forced-removal.js';
import { isMakeFile } from '../plan/make-includes.js';
import { addTo } from '../model/multimap.js';

export interface LinkResult {
  setups: Setup[];
  diagnostics: Diagnostic[];
}


/**
 * A context written through the folder the command runs in (`"$PWD"`, `"$(pwd)"`, `"$PWD/svc"`)
 * as a relative path (`.`, `./svc`), as a mount's host side is read; null for any other word
 * only known at run time. Only in double quotes: unquoted, the shell splits a folder whose name
 * holds a blank into several words, and docker fails.
 */
function hereRelative(w: Word, file: string): string | null {
  const m = /^\$\{PWD\}(\/[^$`\\]*)?$/.exec(w.symbol);
  // In a Makefile, `$(PWD)` (read as `${PWD}`) is Make's variable: the environment's PWD when
  // make started, which `make -C svc` (or `$(MAKE) -C svc` in another Makefile) does not
  // change; only the recipe shell's own `$$PWD` (read as `$PWD`) is the folder it runs in.
  if (isMakeFile(file) && w.raw.includes('${PWD}')) return null;
  return m && /^"[^"]*"$/.test(w.raw) ? `.${m[1] ?? ''}` : null;
}

/**
 * A build's context folder and Dockerfile as repository paths, each null when not known (a URL,
 * a context on standard input, a run-time word). A Dockerfile fed on standard input (`-f - <
 * FILE`, or a plain `cat FILE` piped in: `feeder` is the command piping into the build) is read
 * as FILE; whether that is the same build is dockerfile-access.ts's stdinDockerfile to say.
 */
export function buildInputs(inv: DockerInvocation, feeder?: ScriptCommand | null): { context: string | null; dockerfile: string | null } {
  const cmd = inv.cmd;
  const fileWord = flagValues(inv, '--file')[0];
  const ctxWord = inv.operands[0]?.word;
  let context: string | null = null;
  let dockerfile: string | null = null;
  const ctx = ctxWord ? (ctxWord.value ?? hereRelative(ctxWord, cmd.file)) : null;
  if (ctx !== null && cmd.cwd !== null && !/^[a-z]+:\/\/|^git@|^-$/.test(ctx)) {
    context = resolveRel(cmd.cwd, ctx);
  }
  if (fileWord) {
    // docker resolves -f against the current directory, not the context; `-f -` reads standard input.
    const file = fileWord.value === '-' ? stdinFeed(inv, feeder)?.value ?? null : fileWord.value;
    if (file !== null && cmd.cwd !== null) dockerfile = resolveRel(cmd.cwd, file);
  } else if (context !== null) {
    dockerfile = resolveRel(context, 'Dockerfile');
  }
  return { context, dockerfile };
}

/** The command piping into `cmd` (`cat Dockerfile.build |`), if any. */
const feederOf = (script: ScriptFile, cmd: ScriptCommand) => (cmd.stdinFrom === null ? null : script.commands.find((c) => c.index === cmd.stdinFrom) ?? null);

function buildStep(inv: DockerInvocation, diagnostics: Diagnostic[], fs: RepoFs, feeder: ScriptCommand | null): BuildStep {
  const cmd = inv.cmd;
  const where = { file: cmd.file, line: cmd.line };
  const tags = flagValues(inv, '--tag').map((w) => canonicalImage(wordKey(w)));
  const fileWord = flagValues(inv, '--file')[0];
  const ctxWord = inv.operands[0]?.word;
  const targetWord = flagValues(inv, '--target')[0];
  const inputs = buildInputs(inv, feeder);
  const { context } = inputs;
  // Fed on standard input with its own ignore file beside it, the file is not read as that build (stdinDockerfile says why).
  const dockerfile = fileWord?.value === '-' && stdinDockerfile(inv, 'builder', where, fs, feeder) ? null : inputs.dockerfile;
  if (context === null || dockerfile === null) {
    diagnostics.push(
      diag('DYNAMIC_BUILD_INPUT', 'info', `${unreadBuildInput(cmd, ctxWord, fileWord, context === null)}; this build is not analysed`, {
        ...where,
        hint: fileWord?.value === '-' ? 'Feed it from a file of the repository (`-f - < Dockerfile.build`, with no Dockerfile.build.dockerignore beside it) or name it by its path (`-f Dockerfile.build`) so the build can be followed.' : 'Write the context and -f path literally (or in a variable assigned a literal) so the build can be followed.',
      }),
    );
  }
  return { inv, tags, dockerfile, context, target: targetWord?.value ?? null };
}

/** The wrapper programs before word `at` (`sudo -u ci nice -n 5 docker …` → sudo, nice). */
const wrapperNames = (cmd: ScriptCommand, at: number) => cmd.words.slice(0, at).filter((w) => isWrapper(w.value)).map((w) => w.value!);

/**
 * `time docker cp NAME:/p dst` (or a `time docker run` writing host files: a `>` redirect, a
 * mount) before a later image build, behind a wrapper the docker model does not read through:
 * an extraction the linker does not follow, reported so that setup is not passed over in
 * silence. One read through its wrappers (`sudo docker cp …`) that was still not linked is
 * reported when a build before it is one the model does not read (`sudo BUILDKIT_PROGRESS=plain
 * docker build …`), naming that build.
 */
/** An extraction by a run with its `--pull` problem (a run step's own is refused with it: runStepOf). */
function withPull(ex: Extraction): Extraction {
  const pulled = ex.run === null ? pulledImage(ex.at) : null;
  if (pulled) ex.problems.push(pulled);
  return ex;
}

/** An image build behind a wrapper the docker model does not read through (`sudo BUILDKIT_PROGRESS=plain docker build …`, `time -v docker build …`). */
const unreadWrappedBuild = (c: ScriptCommand) => programAt(c.words).at > 0 && dockerAt(c.words) === null && engineBuild(c)?.kind === 'build';

function wrappedExtractions(sequence: readonly ScriptCommand[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  sequence.forEach((cmd, i) => {
    const { at, known } = programAt(cmd.words);
    if (at === 0 || !known || cmd.words[at]?.value !== 'docker') return;
    const inv = parseDockerCommand({ ...cmd, words: cmd.words.slice(at) });
    const src = inv?.verb === 'cp' ? inv.operands[0]?.word.value : null;
    const copies = !!src && src.indexOf(':') > 0 && !src.startsWith('/') && !src.startsWith('.');
    // `sudo docker run … > app`, `sudo docker run -v "$PWD/out:/out" …`: a run that may write host files.
    const writes = inv?.verb === 'run' && (flagValues(inv, '--volume').length > 0 || cmd.redirects.some((r) => /^>>?\|?$/.test(r.op) && (r.fd === null || r.fd === '1')));
    if (!copies && !writes) return;
    if (!sequence.slice(i + 1).some((c) => dockerInvocation(c)?.verb === 'build' || engineBuild(c)?.kind === 'build')) return;
    if (dockerAt(cmd.words) === null) {
      out.push(wrappedExtraction(cmd, wrapperNames(cmd, at)));
      return;
    }
    // Read through its wrappers, the copy was still not linked: say what stood in the way when a
    // build before it is one the docker model does not read (`sudo BUILDKIT_PROGRESS=plain docker build …`).
    const unread = sequence.slice(0, i).find(unreadWrappedBuild);
    if (unread) out.push(unreadBuildBefore(cmd, unread));
  });
  return out;
}

/** Why a build's context (or Dockerfile) could not be followed, said as what it is: only "known at run time" when it is. */
function unreadBuildInput(cmd: ScriptCommand, ctxWord: Word | undefined, fileWord: Word | undefined, contextMissing: boolean): string {
  if (cmd.cwd === null) return 'the build runs in a folder only known at run time';
  if (!contextMissing && fileWord?.value === '-') return 'the build reads its Dockerfile from standard input (`-f -`)';
  if (!contextMissing) return `the build's Dockerfile \`${fileWord?.raw ?? ''}\` is only known at run time`;
  if (!ctxWord) return 'the build names no context';
  if (ctxWord.value === null) return `the build's context \`${ctxWord.raw}\` is only known at run time`;
  return ctxWord.value === '-' ? 'the build reads its context from standard input' : `the build's context ${ctxWord.value} is not a folder of the repository`;
}

/**
 * Links the setups of one execution sequence of a script: by default the whole file in
 * order; for files whose commands run in another order (Makefile targets, npm scripts that
 * call each other, CI steps) the adapter gives each sequence. Only `sequence` order counts.
 */
export function linkScript(script: ScriptFile, fs: RepoFs, dockerfiles: Map<string, DockerfileFacts | null>, sequence: readonly ScriptCommand[] = script.commands): LinkResult {
  const diagnostics: Diagnostic[] = [];
  const invs = sequence.map(dockerInvocation).filter((x): x is DockerInvocation => x !== null && x.verb !== 'other');
  diagnostics.push(...wrappedExtractions(sequence));
  // Builds through rancher/dapper are found (and refused) whatever else the script does.
  const dapper = dapperSetups(script, sequence, fs);
  if (invs.length === 0) return { setups: dapper, diagnostics };
  // Made past the early return, and the index of every command only when a pipe is followed:
  // a file of many sequences (a Makefile's targets, a workflow's jobs) is linked once per
  // sequence, and most sequences have no docker command.
  const order = new Map(sequence.map((c, i) => [c, i]));
  const pos = (c: ScriptCommand) => order.get(c) ?? -1;
  let byIndex: Map<number, ScriptCommand> | undefined;
  const commandAt = (index: number) => (byIndex ??= new Map(script.commands.map((c) => [c.index, c]))).get(index);

  const builds = new Map<DockerInvocation, BuildStep>();
  const containers = new Map<string, Container>();
  const extractions: Extraction[] = [];
  const unresolved: Diagnostic[] = [];
  const stock: StockRun[] = [];
  const nearMisses: { at: ScriptCommand; d: Diagnostic; action?: boolean }[] = [];
  const swaps = new Map<BuildStep, Diagnostic>();
  const isDir = (rel: string) => rel === '' || fs.kind(rel) === 'dir';
  // The stage an image built earlier in the sequence ends in (its own CMD/ENTRYPOINT may do the `cat`).
  const stageOf = (w: Word, before: ScriptCommand) => {
    const b = [...builds].filter(([i, x]) => pos(i.cmd) < pos(before) && x.tags.includes(canonicalImage(wordKey(w))) && x.dockerfile !== null).pop()?.[1];
    const facts = b ? loadDockerfile(b.dockerfile!, fs, dockerfiles) : null;
    return facts ? builtStage(facts, b!.target) : null;
  };

  for (const inv of invs) {
    const cmd = inv.cmd;
    if (inv.verb === 'build') {
      const b = buildStep(inv, diagnostics, fs, feederOf(script, cmd));
      // `cp x.dockerfile Dockerfile` just before: read the file copied in, and refuse the setup.
      // (Written from anything else, it is DOCKERFILE_WRITTEN's to refuse.)
      const swap = b.dockerfile === null ? null : swappedIn(b.dockerfile, cmd, sequence);
      if (swap && swap.source !== null && fs.kind(swap.source) === 'file') {
        swaps.set(b, swapDiagnostic(inv, b.dockerfile!, swap.by));
        b.dockerfile = swap.source;
      }
      builds.set(inv, b);
      continue;
    }
    const imageOp = inv.operands[0];
    const rm = inv.flags.some((f) => f.name === '--rm');
    if (inv.verb === 'create' || (inv.verb === 'run' && !rm)) {
      const nameWord = flagValues(inv, '--name')[0];
      const key = nameWord ? wordKey(nameWord) : cmd.stdout?.kind === 'capture' ? cmd.stdout.symbol : null;
      if (key && imageOp) {
        const problems: Diagnostic[] = [];
        const run = inv.verb === 'run' ? detached(inv, imageOp.index, runStepOf(inv, imageOp.index, problems), problems) : null;
        // (A run's own --pull is refused with its run step: runStepOf.)
        const pulled = inv.verb === 'create' ? pulledImage(inv) : null;
        if (pulled) problems.push(pulled);
        containers.set(key, { key, image: canonicalImage(wordKey(imageOp.word)), made: inv, run, commands: [cmd], problems });
      } else if (inv.verb === 'run') {
        // `docker run IMG cat /p > f` without --rm streams the same file; the container is only left behind.
        const next = cmd.stdout?.kind === 'pipe' ? commandAt(cmd.stdout.to) ?? null : null;
        const built = imageOp && !nameWord ? stageOf(imageOp.word, cmd) : null;
        const ex = imageOp && !nameWord ? streamed(fromCatRedirect(inv, imageOp.index, next) ?? fromImageCat(inv, imageOp.index, built, next), built) : null;
        const miss = ex ? null : unrecognisedRun(inv, () => notCatWhy(inv, imageOp ? imageOp.index : -1, built));
        if (ex) extractions.push(withPull(ex));
        if (miss) nearMisses.push({ at: cmd, d: miss });
      }
      continue;
    }
    if (inv.verb === 'start') {
      for (const op of inv.operands) {
        const ctr = containers.get(wordKey(op.word));
        if (!ctr) continue;
        ctr.commands.push(cmd);
        const problems: Diagnostic[] = [];
        ctr.run = detached(ctr.made, ctr.made.operands[0]!.index, runStepOf(ctr.made, ctr.made.operands[0]!.index, problems), problems, inv);
        const interactive = [ctr.made, inv].every((i) => i.flags.some((f) => f.name === '--interactive'));
        const input = stdinProblem(interactive, cmd, ctr.run.command, inv);
        if (input) problems.push(input);
        ctr.run.at = cmd;
        ctr.problems.push(...problems);
      }
      continue;
    }
    if (inv.verb === 'cp') {
      // Where the copy lands depends on the folders the script itself made or removed before it.
      const { before, anyTime } = withExpansions(script, sequence.slice(0, pos(cmd)), cmd);
      let unsure: { rel: string; again?: string; expansion?: ScriptCommand } | null = null;
      const ex = fromCp(inv, containers, unresolved, (rel) => {
        const at = dirStateAt(rel, cmd, before, fs, script);
        // A Makefile's `$(shell mkdir -p bin)` outside the copy's recipe runs at a time the file does not fix: it may have run before the copy.
        const expansion = at.state === 'unknown' || rel === '' ? undefined : anyTime.find((c) => changesDir(rel, c));
        if (at.state === 'unknown' || expansion) unsure = { rel, ...(at.again ? { again: at.again } : {}), ...(expansion ? { expansion } : {}) };
        return at.state === 'dir';
      }, (rel) => unsure !== null && (unsure as { rel: string }).rel === rel);
      if (ex && unsure !== null) {
        // One file copied in a body run again lands where the last call put it, unless the builder proves it no file (./file-landing.ts).
        const one = ex.artifacts.length === 1 && !ex.artifacts[0]!.contentsOnly ? ex.artifacts[0]! : null;
        const u = unsure as { rel: string; again?: string };
        if (one && u.again && one.hostPath === u.rel && neverMadeFolder(u.rel, script)) ex.landsIfFile = destUnknown(cmd, u);
        else ex.problems.push(destUnknown(cmd, u));
      }
      if (ex) extractions.push(ex);
      else {
        const miss = unfollowedCp(inv, (w) => containerOf(w, containers) !== null);
        if (miss) nearMisses.push({ at: cmd, d: miss });
      }
      continue;
    }
    if (inv.verb === 'run' && rm && imageOp) {
      // A stock toolchain image with the sources mounted: the builder stage is generated.
      const s = stockRun(inv, imageOp.index, new Set([...builds.values()].flatMap((b) => b.tags)), isDir);
      if (s) {
        stock.push(s);
        continue;
      }
      const next = cmd.stdout?.kind === 'pipe' ? commandAt(cmd.stdout.to) ?? null : null;
      const built = stageOf(imageOp.word, cmd);
      const ex = streamed(fromCatRedirect(inv, imageOp.index, next) ?? fromImageCat(inv, imageOp.index, built, next) ?? fromTarPipe(inv, imageOp.index, next), built) ?? copiedBehindEntrypoint(fromMountCopy(inv, imageOp.index), built) ?? fromMountBuild(inv, imageOp.index, (rel) => rel === '' || fs.kind(rel) === 'dir');
      if (ex) extractions.push(withPull(ex));
      else {
        const miss = unrecognisedRun(inv, () => notCatWhy(inv, imageOp.index, built));
        if (miss) nearMisses.push({ at: cmd, d: miss });
      }
      continue;
    }
    if (inv.verb === 'rm' || inv.verb === 'stop' || inv.verb === 'kill') {
      const owned = inv.operands.map((o) => containers.get(wordKey(o.word)));
      // (nor one after a build that follows the container's last use: a cleanup at the end,
      // after the final build, which the extraction must not reach past)
      const builtSince = (c: Container) => {
        const last = Math.max(...c.commands.map(pos), ...extractions.filter((e) => e.container === c).map((e) => pos(e.at.cmd)));
        return [...builds.keys()].some((b) => pos(b.cmd) > last);
      };
      if (owned.length > 0 && owned.every((c) => c && !c.removed && !builtSince(c))) {
        for (const c of owned) c!.commands.push(cmd);
        if (inv.verb === 'rm' && !cmd.conditional && !cmd.loop && !cmd.branches?.length) for (const c of owned) c!.removed = true;
      }
    }
  }

  execBuilds(sequence, extractions, wordKey);
  // Group extractions by the builder build that made their image (the last build tagged with it before them).
  const byBuild = new Map<BuildStep, Extraction[]>();
  for (const ex of extractions) {
    let builder: BuildStep | null = null;
    for (const [inv, b] of builds) if (pos(inv.cmd) < pos(ex.at.cmd) && b.tags.includes(ex.image)) builder = b;
    if (!builder) {
      // (in a workflow, the image may be built by a docker/build-push-action step: ./action-build-misses.ts)
      const action = actionBuildMiss(script, ex.at.cmd.line, ex.image);
      // (a copy run directly after a build the docker model does not read, `time -v docker build …`: name that build)
      const unread = action ? undefined : programAt(ex.at.cmd.words).at === 0 ? sequence.find((c) => pos(c) < pos(ex.at.cmd) && unreadWrappedBuild(c)) : undefined;
      nearMisses.push(action ? { at: ex.at.cmd, d: notFollowed(ex.at.cmd, `it takes files out of ${ex.image}, and ${action.why}`, action.hint), action: true } : { at: ex.at.cmd, d: unread ? unreadBuildBefore(ex.at.cmd, unread) : noBuilder(ex.at.cmd, ex.image) });
      continue;
    }
    addTo(byBuild, builder, ex);
  }

  const setups: Setup[] = [];
  for (const [builder, exs] of byBuild) {
    const setup = makeSetup(script, sequence, pos, builder, exs, builds, invs, fs, dockerfiles);
    setup.diagnostics.push(...shadowedCommands(script, sequence, setup, fs), ...sourcedFolderChanges(setup, sequence, fs, script), ...bashEnvSet(setup), ...githubEnvWrites(setup, sequence, fs), ...dotenvWrites(script, sequence, setup, fs));
    if (unresolved.length > 0) setup.diagnostics.push(...unresolved.map((d) => ({ ...d, setup: setup.id })));
    setups.push(setup);
  }
  for (const s of stock) {
    const later = [...builds].filter(([inv]) => pos(inv.cmd) > pos(s.inv.cmd)).map(([, b]) => b);
    const parts = stockParts(s, later, sequence, fs, (rel) => loadDockerfile(rel, fs, dockerfiles));
    if (!parts) {
      nearMisses.push({ at: s.inv.cmd, d: stockUnused(s.inv.cmd, s.imageText, s.mount.host) });
      continue;
    }
    dockerfiles.set(parts.builder.dockerfile!, parts.facts);
    const setup = makeSetup(script, sequence, pos, parts.builder, [parts.extraction], builds, invs, fs, dockerfiles);
    setup.diagnostics.push(...shadowedCommands(script, sequence, setup, fs), ...sourcedFolderChanges(setup, sequence, fs, script), ...bashEnvSet(setup), ...githubEnvWrites(setup, sequence, fs), ...dotenvWrites(script, sequence, setup, fs));
    setups.push(setup);
  }
  for (const s of setups) for (const b of [s.builder, s.runtime]) if (b && swaps.has(b)) s.diagnostics.push({ ...swaps.get(b)!, setup: s.id });
  setups.push(...dapper);
  if (setups.length === 0 && unresolved.length > 0) diagnostics.push(...unresolved);
  // Only a step some later build could have consumed is a near miss (not a log copied from a running service).
  const lastBuild = Math.max(-1, ...[...builds.keys()].map((i) => pos(i.cmd)));
  diagnostics.push(...nearMisses.filter((m) => pos(m.at) < lastBuild || m.action).sort((a, b) => pos(a.at) - pos(b.at)).map((m) => m.d));
  return { setups, diagnostics };
}

function makeSetup(
  script: ScriptFile,
  sequence: readonly ScriptCommand[],
  pos: (c: ScriptCommand) => number,
  builder: BuildStep,
  exs: Extraction[],
  builds: Map<DockerInvocation, BuildStep>,
  invs: DockerInvocation[],
  fs: RepoFs,
  dockerfiles: Map<string, DockerfileFacts | null>,
): Setup {
  const iteration = builder.inv.cmd.iteration;
  const id = `${script.file}:${builder.inv.cmd.line}${iteration ? ` [${iteration.label}]` : ''}`;
  const diagnostics: Diagnostic[] = [];
  const at = (cmd: ScriptCommand, hint?: string) => ({ file: cmd.file, line: cmd.line, setup: id, ...(hint ? { hint } : {}) });
  const commands = new Set(exs.flatMap((e) => [...e.commands, ...(e.container?.commands ?? [])]));
  const runs = [...new Set(exs.map((e) => e.container?.run ?? e.run).filter((r): r is NonNullable<typeof r> => r !== null))];
  const setup: Setup = {
    id,
    script: script.file,
    builder,
    runtime: null,
    artifacts: exs.flatMap((e) => e.artifacts),
    extraction: [...commands].sort((a, b) => pos(a) - pos(b)),
    cleanup: [],
    cleanupWords: [],
    builderTagUsers: [],
    run: runs[0] ?? null,
    diagnostics,
  };
  for (const e of exs) diagnostics.push(...[...e.problems, ...(e.container?.problems ?? [])].map((d) => ({ ...d, setup: id })));
  // A file copied again by a later call of its function overwrites the last copy: only a folder nests.
  for (const e of exs.filter((x) => x.landsIfFile)) {
    const why = e.run || e.container?.run ? 'the builder compiles when its container runs' : unprovenFile(e.artifacts[0]!.containerPath, builder, builder.dockerfile === null ? null : loadDockerfile(builder.dockerfile, fs, dockerfiles));
    if (why !== null) diagnostics.push({ ...e.landsIfFile!, message: `${e.landsIfFile!.message} (a file would only be overwritten, but ${why})`, setup: id });
  }
  if (runs.length > 1) {
    diagnostics.push(diag('BUILD_AT_RUN_TIME', 'error', 'the builder image is run more than once before its files are copied out', at(runs[1]!.at, 'Migrate this setup by hand.')));
  }
  const entry = { commands };
  const extractionDirs = new Set(exs.flatMap((e) => e.dirs));
  const lastExtraction = Math.max(...setup.extraction.map(pos));
  // The builder's own inputs first: each is a blocker whether or not a runtime build is found.
  if (builder.dockerfile !== null && !loadDockerfile(builder.dockerfile, fs, dockerfiles)) {
    diagnostics.push({ ...unreadableDockerfile(builder.dockerfile, 'builder', fs, at(builder.inv.cmd)), setup: id });
  }
  const onStdin = builder.context !== null ? stdinDockerfile(builder.inv, 'builder', at(builder.inv.cmd), fs, feederOf(script, builder.inv.cmd)) : null;
  if (onStdin) diagnostics.push(onStdin);
  else if (builder.dockerfile === null || builder.context === null) {
    const b = builder.inv;
    diagnostics.push(diag('DYNAMIC_BUILD_INPUT', 'error', `the builder build cannot be followed: ${unreadBuildInput(b.cmd, b.operands[0]?.word, flagValues(b, '--file')[0], builder.context === null)}`, at(builder.inv.cmd)));
  }
  // A tag only known at run time is followed where each use is the same expansion (./dynamic-tag.ts).
  const dynamicTag = unfollowedTag(builder);
  if (!builder.stock && (builder.tags.length === 0 || dynamicTag)) {
    diagnostics.push(
      dynamicTag
        ? diag('DYNAMIC_IMAGE', 'error', `the builder image's tag \`${shownWord(dynamicTag, script)}\` is only known at run time${dynamicTag.same === null ? ' and may differ each time it is read' : ''}, so which later commands use that image cannot be known`, at(builder.inv.cmd, 'Tag the builder build with a literal name (or a variable assigned a literal).'))
        : diag('DYNAMIC_IMAGE', 'error', 'the builder build has no tag, so its containers cannot be followed', at(builder.inv.cmd)),
    );
  }
  diagnostics.push(...extractionImages(setup, exs.flatMap((e) => (e.container ? [e.container] : [])), script));
  const unknownFlags = (list: DockerInvocation[]) => {
    for (const inv of list) {
      for (const w of inv.unknownFlags) {
        diagnostics.push(diag('UNKNOWN_DOCKER_FLAG', 'error', `\`${w.raw}\` is not a docker ${inv.verb} flag the tool knows, so the words after it cannot be read safely`, at(inv.cmd, 'Write the flag as --name=value, or report the flag so it can be supported.')));
      }
    }
  };
  unknownFlags([builder.inv, ...invs.filter((i) => entry.commands.has(i.cmd))]);

  // `docker cp c:/out/app app.tmp`, then `mv app.tmp app`: the rename is part of the extraction (./renamed-artifacts.ts).
  // (the one call of the function the setup is in comes after its body's commands, which were read where they stand: it is no use of a file)
  // (nor does a top-level command between that body and the call, which runs before the body: ./repeated-bodies.ts)
  const afterExtraction = sequence.filter((c) => pos(c) > lastExtraction && !callsOwnBody(script, c, builder.inv.cmd) && !runsBeforeOwnBody(script, c, builder.inv.cmd, sequence));
  const renames = foldRenames(setup.artifacts, afterExtraction, sequence.filter((c) => pos(c) <= lastExtraction), fs);
  for (const mv of renames) {
    commands.add(mv);
    setup.extraction.push(mv);
  }
  // `docker cp c:/out/app app`, then `cp app bin/app`: the copy is an artifact too (./copied-artifacts.ts).
  const builderFacts = () => (builder.dockerfile === null ? null : loadDockerfile(builder.dockerfile, fs, dockerfiles));
  // (a container that only idled while files were copied out of it holds the image's files as built)
  const isFile = (a: Artifact) => (setup.run === null || setup.run.idle !== undefined) && unprovenFile(a.containerPath, builder, builderFacts()) === null;
  // (after a rename folded above: the file is at its name once the `mv` ran, which is no use of it)
  // (and a copy made while the container is still there: `docker cp c:/out/app app`, `cp app bin/app`, `docker rm c`)
  const extractionStart = Math.min(...setup.extraction.map(pos));
  const amid = sequence.filter((c) => pos(c) > extractionStart && pos(c) < lastExtraction && !commands.has(c) && !callsOwnBody(script, c, builder.inv.cmd) && !runsBeforeOwnBody(script, c, builder.inv.cmd, sequence));
  const unfolded: UnfoldedCopy[] = [];
  const copies = foldCopies(setup.artifacts, [...amid, ...afterExtraction.filter((c) => !renames.includes(c))], sequence, fs, isFile, unfolded);
  // A plain cp on the host gives its copy the mode less the shell's umask.
  const hostCopies = new Set(copies.filter((c) => c.masked).map((c) => c.artifact));
  for (const { cmd, artifact } of copies) {
    commands.add(cmd);
    setup.extraction.push(cmd);
    setup.artifacts.push(artifact);
  }
  const unfold = (which: typeof copies) => {
    for (const { cmd, artifact } of which) {
      setup.artifacts = setup.artifacts.filter((a) => a !== artifact);
      setup.extraction = setup.extraction.filter((c) => c !== cmd);
      commands.delete(cmd);
    }
  };
  // The runtime build: the first later build whose Dockerfile copies one of the artifacts.
  const unread: BuildStep[] = [];
  let misread: Diagnostic | null = null;
  for (const [inv, b] of builds) {
    if (pos(inv.cmd) <= lastExtraction || b === builder) continue;
    if (b.dockerfile === null || b.context === null) {
      unread.push(b);
      continue;
    }
    const facts = loadDockerfile(b.dockerfile, fs, dockerfiles);
    if (!facts) {
      unread.push(b);
      continue;
    }
    if (findConsumers(setup.artifacts, b, facts, diagnostics, id, true, fs)) {
      setup.runtime = b;
      break;
    }
    // A heredoc the parser here does not read hides the file's lines after it (its COPY may be among them).
    if (!misread) misread = unreadHeredocIn(facts, at(b.inv.cmd));
  }
  if (!setup.runtime) {
    unfold(copies);
    // A later build the tool could not read may be the one that copies the artifacts: that is the problem to report.
    for (const b of unread) {
      const bad = b.dockerfile !== null && b.context !== null ? unreadableDockerfile(b.dockerfile, 'runtime', fs, at(b.inv.cmd)) : null;
      const onStdin = b.context !== null ? stdinDockerfile(b.inv, 'runtime', at(b.inv.cmd), fs, feederOf(script, b.inv.cmd)) : null;
      diagnostics.push(
        onStdin
          ? { ...onStdin, message: `${onStdin.message}, so whether it copies what was extracted from ${shownTag(builder)} cannot be known` }
          : bad
          ? { ...bad, message: `${bad.message}, so whether it copies what was extracted from ${shownTag(builder)} cannot be known` }
          : diag('DYNAMIC_BUILD_INPUT', 'error', `a later build may copy what was extracted from ${shownTag(builder)}, but it cannot be followed: ${unreadBuildInput(b.inv.cmd, b.inv.operands[0]?.word, flagValues(b.inv, '--file')[0], b.context === null)}`, at(b.inv.cmd, 'Write the context and -f path literally.')),
      );
    }
    // With a copied path only known at run time, what was extracted is not known: that is the blocker, not an unused artifact.
    const partial = diagnostics.some((d) => d.code === 'DYNAMIC_ARTIFACT_PATH');
    if (misread) diagnostics.push(misread);
    else if (unread.length === 0 && !partial) {
      const paths = setup.artifacts.map(artifactShown);
      const what = paths.length > 0 ? `${paths.join(', ')}, extracted from ${shownTag(builder)},` : `nothing extracted from ${shownTag(builder)}`;
      // A later build through sudo may be the one: the tool reads a setup's builds run directly.
      const wrapped = sequence.find((c) => pos(c) > lastExtraction && programAt(c.words).at > 0 && engineBuild(c)?.kind === 'build');
      diagnostics.push(
        wrapped
          ? diag('ARTIFACT_UNUSED', 'error', `${what} ${paths.length > 1 ? 'are' : 'is'} not copied into any image built later in this script that the tool reads: \`${shownCommand(wrapped)}\` (${wrapped.file}:${wrapped.line}) may, but it runs docker through ${wrappedThrough(wrapperNames(wrapped, programAt(wrapped.words).at))}, and a setup's builds are only followed when docker runs directly`, at(builder.inv.cmd, 'Run docker directly in the script (run the whole script with sudo if it needs root), or migrate by hand.'))
          : unfolded.length > 0
          ? // A copy on the host the tool did not fold may be what a later build reads (./copied-artifacts.ts).
            diag('ARTIFACT_UNUSED', 'error', `${what} ${paths.length > 1 ? 'are' : 'is'} not copied into any image built later in this script that the tool follows: \`${shownCommand(unfolded[0]!.cmd)}\` (${unfolded[0]!.cmd.file}:${unfolded[0]!.cmd.line}) copies it to ${unfolded[0]!.dest} on the host, a copy the tool takes into the extraction only when it is exact, and here ${unfolded[0]!.why}`, at(builder.inv.cmd, `Copy the file out of the container straight to ${unfolded[0]!.dest} (\`docker cp …:${setup.artifacts[0]?.containerPath ?? '/path'} ${unfolded[0]!.dest}\`), or migrate by hand.`))
          : diag('ARTIFACT_UNUSED', 'error', `${what} ${paths.length > 0 ? (paths.length > 1 ? 'are' : 'is') : 'is'} not copied into any image built later in this script`, at(builder.inv.cmd, 'Only setups whose artifacts feed a runtime image are migrated; artifacts kept on the host need an export stage.')),
      );
    }
    return setup;
  }
  unknownFlags([setup.runtime.inv]);
  const runtimeFacts = loadDockerfile(setup.runtime.dockerfile!, fs, dockerfiles)!;
  const runtimeCmd = setup.runtime.inv.cmd;
  findConsumers(setup.artifacts, setup.runtime, runtimeFacts, diagnostics, id, false, fs, (folder) => folderOnlyHoldsArtifacts(folder, setup, sequence, runtimeCmd, fs));
  // A copy the runtime build does not read stays the host step it was; one it reads is what the file was extracted for.
  unfold(copies.filter((c) => c.artifact.consumers.length === 0));
  for (const { source } of copies.filter((c) => c.artifact.consumers.length > 0)) if (source.consumers.length === 0) source.hostNeeded = null;
  // A base image the script built with `ONBUILD COPY . …`: the trigger reads the runtime context (./onbuild-base.ts).
  const bases = [...builds].filter(([i, b]) => b !== builder && pos(i.cmd) < pos(runtimeCmd)).map(([, b]) => b);
  diagnostics.push(...onbuildContextReads(runtimeFacts, setup.runtime.dockerfile!, bases, (rel) => loadDockerfile(rel, fs, dockerfiles), id));
  // The builder's own base built that way reads the builder's context when the builder stage is built (src/plan/builder-inputs.ts).
  const ownFacts = builderFacts();
  const onbuild = ownFacts ? builderOnbuildRead(ownFacts, [...builds].filter(([i, b]) => b !== builder && pos(i.cmd) < pos(builder.inv.cmd)).map(([, b]) => b), (rel) => loadDockerfile(rel, fs, dockerfiles)) : null;
  if (onbuild) setup.builderOnbuildRead = onbuild;
  // A base built with `ONBUILD RUN`: a RUN runs in that build, which a flag reaching RUN's processes reaches (src/plan/build-flags.ts).
  const runtimeRun = onbuildRun(runtimeFacts, bases, (rel) => loadDockerfile(rel, fs, dockerfiles));
  if (runtimeRun) setup.runtimeOnbuildRun = runtimeRun;
  const builderRun = ownFacts ? onbuildRun(ownFacts, [...builds].filter(([i, b]) => b !== builder && pos(i.cmd) < pos(builder.inv.cmd)).map(([, b]) => b), (rel) => loadDockerfile(rel, fs, dockerfiles)) : null;
  if (builderRun) setup.builderOnbuildRun = builderRun;

  // Around the extraction: `mkdir` of the folders it fills, `chmod` of files `cat` wrote;
  // after the runtime build: `rm` of artifacts, `docker rmi` of the builder image.
  const runtimeIndex = pos(setup.runtime.inv.cmd);
  // Artifacts an octal chmod gave their whole mode: no umask changes it (./host-umask.ts).
  const umaskFree = new Set<Artifact>();
  const firstExtraction = Math.min(...setup.extraction.map(pos));
  const artifactPaths = new Set(setup.artifacts.map((a) => a.hostPath));
  const disposable = new Set([...artifactPaths, ...extractionDirs]);
  const builderTags = new Set(builder.tags);
  const rmis: ScriptCommand[] = [];
  const operandsOf = (cmd: ScriptCommand) => cmd.words.slice(1).map((w, k) => ({ w, k: k + 1 })).filter(({ w }) => !(w.value ?? '-').startsWith('-'));
  const resolved = (cmd: ScriptCommand, w: Word) => (w.value === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, w.value));
  // A later command naming an image only known at run time may name a literal builder tag (./unknown-image.ts).
  const literalTag = !builder.stock && builder.tags.length > 0 && dynamicTags(builder).length === 0;
  let otherKeys: Set<string> | null = null;
  const others = () => (otherKeys ??= otherImageKeys(invs, builder.inv));
  // Looked up, not searched, for each command: a file driving many setups (a Makefile of a
  // hundred images) would otherwise cost commands² per setup.
  const invOf = new Map<ScriptCommand, DockerInvocation>();
  for (const i of invs) if (!invOf.has(i.cmd)) invOf.set(i.cmd, i);
  const removedBefore = removalsAfter(sequence.filter((c) => pos(c) > lastExtraction), pos);
  for (const cmd of sequence) {
    if (entry.commands.has(cmd) || cmd === setup.runtime.inv.cmd || cmd === builder.inv.cmd) continue;
    const prog = cmd.words[0]?.value;
    if (prog === 'mkdir' && pos(cmd) < firstExtraction) {
      // (`-m MODE` takes a value: the mode is no folder.)
      const ops = operandsOf(cmd).filter(({ k }) => !/^(-m|--mode)$/.test(cmd.words[k - 1]?.value ?? ''));
      if (ops.length > 0 && ops.every(({ w }) => extractionDirs.has(resolved(cmd, w) ?? '\0'))) setup.extraction.push(cmd);
      continue;
    }
    const inv = invOf.get(cmd);
    if (inv && inv.verb !== 'build' && inv.verb !== 'rmi' && pos(cmd) > pos(builder.inv.cmd)) {
      const mentions = [...inv.operands.map((o) => o.word), ...inv.flags.map((f) => f.value).filter((w): w is Word => w !== null)].some((w) => builderTags.has(imageKeyOf(w)));
      // The builder image is still wanted (tests run in it, it is pushed or retagged): the
      // builder build stays, as `docker build --target <stage>` of the merged Dockerfile.
      if (mentions || (literalTag && mayNameImage(inv, builder.tags, others())) || namesRepository(inv, builder.tags)) setup.builderTagUsers.push(cmd);
    } else if (!inv && !builder.stock && pos(cmd) > pos(builder.inv.cmd) && unknownProgramWord(cmd)) {
      // A program only known at run time (`$TOOL go vet`, Make's `$(call IN_BUILDER,…)`) may be
      // `docker run` of the builder image, which the old script left behind: it stays built.
      setup.builderTagUsers.push(cmd);
    }
    // Docker commands the model does not read (`docker save "$IMG"`, `docker images app > tags.txt`) may name or list it too.
    const unread = inv ? null : dockerInvocation(cmd);
    if (unread?.verb === 'other' && !builder.stock && pos(cmd) > pos(builder.inv.cmd) && ((literalTag && mayNameImage(unread, builder.tags, others())) || listsImage(unread, builder.tags, (i) => script.commands.find((c) => c.index === i)) || namesRepository(unread, builder.tags))) setup.builderTagUsers.push(cmd);
    // A trap's handler runs when the script ends (or on a signal), whenever it was set (here or
    // in a file sourced here): with every artifact there, as after the runtime build (./trap-handlers.ts).
    if (pos(cmd) <= lastExtraction && trapHandlerCommands(cmd) !== undefined) {
      const used = exitHandlerUse(cmd, setup.artifacts, fs, script);
      for (const a of used?.artifacts ?? []) a.hostNeeded ??= used!.why;
      continue;
    }
    if (pos(cmd) < firstExtraction) {
      const used = exitHandlerUse(cmd, setup.artifacts, fs, script);
      for (const a of used?.artifacts ?? []) a.hostNeeded ??= used!.why;
    }
    if (pos(cmd) <= lastExtraction) {
      // Between the extraction's own steps (`docker cp …`, then this, then `docker rm …`): the
      // files copied out before it are there for it to use, and an export build, which takes
      // the place of the extraction's last step, would come after it.
      const out = setup.extraction.includes(cmd) ? [] : setup.artifacts.filter((a) => pos(a.via.cmd) < pos(cmd));
      const used = laterUse(cmd, out, fs, script);
      if (used) diagnostics.push(diag('ARTIFACT_USED_ON_HOST', 'error', `${used.artifacts.map((a) => a.hostPath).join(', ')} may be used on the host between the extraction's own steps: ${used.why}; the export build that would keep it there takes the place of the extraction's last step, after this command`, at(cmd, 'Move the command after the extraction\'s last step (the removal of its container), then run the tool again.')));
      continue;
    }
    if (prog === 'chmod' && pos(cmd) < runtimeIndex) {
      const ops = operandsOf(cmd);
      const targets = ops.slice(1).map(({ w }) => setup.artifacts.find((a) => a.hostPath === resolved(cmd, w)));
      const mode = ops[0]?.w.value ?? null;
      // A copy that kept the container's mode (`docker cp`), whatever it was, gets the whole of
      // an octal mode without special bits (`--chmod` writes it again; the plan proves it a file),
      // and a symbolic one is kept for the plan, which knows the modes the stage may give it.
      const whole = mode !== null && /^0?[0-7]{3}$/.test(mode);
      const symbolic = mode !== null && !/^[0-7]+$/.test(mode) && applyChmod(0o755, mode) !== null;
      if (targets.length > 0 && targets.every((t) => t && (t.mode !== null || ((whole || symbolic) && !t.contentsOnly))) && mode !== null && !cmd.words.slice(1).some((w) => w.value?.startsWith('-'))) {
        const next = targets.map((t) => (t!.mode === null ? (whole ? parseInt(mode, 8) : null) : applyChmod(t!.mode, mode)));
        // (no special bit: COPY --chmod does not write setuid, setgid or sticky bits, moby/buildkit#3920)
        if (next.every((m, k) => (m !== null && (m & 0o7000) === 0) || (m === null && targets[k]!.mode === null))) {
          targets.forEach((t, k) => {
            if (t!.mode === null) t!.modeSetBy ??= cmd;
            if (next[k] === null) (t!.pendingModes ??= []).push(mode);
            else {
              t!.mode = next[k]!;
              delete t!.pendingModes;
            }
          });
          noteModeSource(targets as Artifact[], mode, umaskFree);
          setup.extraction.push(cmd);
          continue;
        }
      }
      if (chmodInsideFolders(cmd, ops, setup.artifacts, resolved)) {
        setup.extraction.push(cmd);
        continue;
      }
    }
    const guard = pos(cmd) > runtimeIndex ? guardOfRemoval(cmd, sequence, artifactPaths) : null;
    if (guard) {
      // `[ -f app ] && rm app`: the guard goes with the removal; an `if` condition stays (./guarded-cleanup.ts).
      if (guard.chain) setup.cleanup.push(cmd);
      continue;
    }
    if (prog === 'rm' && cmd.cwd !== null && pos(cmd) > runtimeIndex) {
      const operands = operandsOf(cmd);
      const hits = operands.filter(({ w }) => disposable.has(resolved(cmd, w) ?? '\0'));
      if (hits.length > 0 && hits.length === operands.length) setup.cleanup.push(cmd);
      else for (const h of hits) setup.cleanupWords.push({ cmd, word: h.k });
      // A removal naming no artifact itself may still need one there: `rm dist/app` (no `-f`) of
      // a file the copy of a folder's contents into dist/ put there fails once nothing puts it
      // there, so it is judged as any later command is below.
      if (hits.length > 0) continue;
    }
    if (inv && pos(inv.cmd) > runtimeIndex && removesOnlyImages(inv, builderTags)) {
      rmis.push(cmd);
      continue;
    }
    // Still needed on the host (a checksum, a release folder, a host-side test, a tarball of the
    // folder, a program the tool does not model run beside it): an export stage keeps it.
    // Not once the script's own cleanup removed it (`rm -rf out`, then `./notify`).
    // The one call of the function the setup is in: its body's commands were read where they stand.
    if (callsOwnBody(script, cmd, builder.inv.cmd) || runsBeforeOwnBody(script, cmd, builder.inv.cmd, sequence) || callsOuterBody(script, cmd, builder.inv.cmd, sequence)) continue;
    // `rm -f out/app` before the runtime build: it succeeds without the file too, and leaves it gone either way.
    if (forcedRemoval(cmd) && !verboseRemoval(cmd)) continue;
    const present = setup.artifacts.filter((a) => !removedBefore(a.hostPath, pos(cmd)));
    const used = laterUse(cmd, present, fs, script);
    for (const a of used?.artifacts ?? []) a.hostNeeded ??= used!.why;
  }
  // A CI key or step taking the file (or its folder) from the job's folder reads it on the host too (an upload, a release, `artifacts: paths:`).
  for (const up of workspaceUses(script, setup, builder.inv.cmd.words[0]!, sequence)) up.artifact.hostNeeded ??= up.why;
  laterBlockUses(script, sequence, setup, pos, lastExtraction, fs);
  setup.extraction.sort((a, b) => pos(a) - pos(b));
  // Files still needed on the host are not cleaned up: the export stage recreates them, and a
  // removal of them, or of a folder holding them (`rm -rf out` after `sha256sum out/app`), stays.
  const kept = setup.artifacts.filter((a) => a.hostNeeded).map((a) => a.hostPath);
  const keeps = (p: string | null) => p !== null && kept.some((k) => k === p || p === '' || k.startsWith(`${p}/`));
  const removesKept = (cmd: ScriptCommand) => operandsOf(cmd).some(({ w }) => keeps(resolved(cmd, w)));
  setup.cleanup = setup.cleanup.filter((c) => !removesKept(c));
  setup.cleanupWords = setup.cleanupWords.filter(({ cmd, word }) => !keeps(resolved(cmd, cmd.words[word]!)));
  // `docker rmi` of the builder image is cleanup only when the builder build goes.
  if (!builder.stock && !dynamicTag && dynamicTags(builder).length > 0) {
    // A run-time tag: whatever may use the image keeps its build as written (./dynamic-tag-uses.ts).
    const uses = tagUses(setup, sequence, pos, (b) => (b.dockerfile ? loadDockerfile(b.dockerfile, fs, dockerfiles)?.stages.map((s) => s.image) ?? null : null), builds, exs.flatMap((e) => (e.container ? [e.container] : [])), rmis, script);
    diagnostics.push(...uses.diagnostics);
    setup.builderTagUsers = [...new Set([...setup.builderTagUsers, ...uses.users])].sort((a, b) => pos(a) - pos(b));
  }
  if (setup.builderTagUsers.length === 0) setup.cleanup.push(...rmis);
  // Modes the host shell's umask gave: a umask set before, here or by a caller (../plan/caller-uses.ts), changes them.
  const byUmask = [...umaskModes(setup.artifacts, umaskFree, hostCopies).map((a) => a.hostPath), ...innerUmaskPaths(setup.artifacts)];
  if (byUmask.length > 0) setup.umaskModes = byUmask;
  diagnostics.push(...umaskDependence(setup, sequence.slice(0, runtimeIndex), byUmask, script, fs));
  checkArtifactDestinations(setup, fs, resolved);
  const conditions = stepConditions(setup, script, fs);
  if (conditions) diagnostics.push(conditions);
  return setup;
}

function loadDockerfile(rel: string, fs: RepoFs, cache: Map<string, DockerfileFacts | null>): DockerfileFacts | null {
  if (!cache.has(rel)) {
    const text = fs.readText(rel);
    cache.set(rel, text === null ? null : readDockerfile(rel, text));
  }
  return cache.get(rel)!;
}

const GLOB = /[*?[]/;

/**
 * Maps each artifact to the COPY/ADD sources (in the runtime Dockerfile, without --from)
 * that read it from the build context. With `probe`, only answers whether any matches.
 */
function findConsumers(artifacts: Artifact[], runtime: BuildStep, facts: DockerfileFacts, diagnostics: Diagnostic[], setup: string, probe: boolean, fs: RepoFs, onlyArtifacts?: (folder: string) => string | null): boolean {
  let any = false;
  // A source written through a variable (`COPY ${BIN} …`) that may name an artifact: merged, the context no longer holds it (./copy-variables.ts).
  const through = new Map(variableSources(facts, passedArgs(runtime.inv)).map((v) => [`${v.copy}:${v.source}`, v]));
  facts.copies.forEach((copy, ci) => {
    if (copy.from || copy.heredoc) return;
    copy.sources.forEach((src, si) => {
      const v = through.get(`${ci}:${si}`);
      // A value every build of the file gives alike (../plan/runtime-rebuilds.ts checks the
      // others) names the file as a literal would: `ARG BIN=app` + `COPY ${BIN} …` reads app.
      const named = v ? namedThrough(v, runtime.context!, artifacts) : null;
      if (v && !named) {
        const hit = variableReach(v, runtime.context!, artifacts.map((a) => a.hostPath));
        if (hit === null) return;
        any = true;
        if (!probe) {
          const value = v.value === null ? `a value the tool cannot know before the build${v.unknown ? ` (${v.unknown})` : ''}, which may name` : `${JSON.stringify(v.value)} in this build, which names`;
          diagnostics.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${copy.keyword} ${facts.text.slice(src.start, src.end)}\` reads its source through ${v.names.map((n) => `\`${n}\``).join(', ')}: ${value} the extracted ${hit}; merged, the context no longer holds it, and the line is not rewritten through a variable`, {
            file: facts.path,
            line: copy.line,
            setup,
            hint: `Write the artifact's path literally in its ${copy.keyword} line (\`${copy.keyword} ${contextSource(hit, runtime.context!)} …\` at ${facts.path}:${copy.line}), then run the tool again.`,
          }));
        }
        return;
      }
      const written = named ?? src.value;
      const hostSource = resolveRel(runtime.context!, written.replace(/^\/+/, ''));
      for (const a of artifacts) {
        const exact = hostSource === a.hostPath;
        const inside = hostSource.startsWith(`${a.hostPath}/`);
        const broad = a.hostPath.startsWith(hostSource === '' ? '' : `${hostSource}/`) && !exact;
        // A pattern matching the artifact or a folder holding it (`COPY stat* …` copies static/licenses).
        const globHit = GLOB.test(src.value) && a.hostPath.split('/').some((_, k, parts) => globToRegExp(hostSource).test(parts.slice(0, k + 1).join('/')));
        if (exact || inside) {
          any = true;
          // `--parents` keeps the source's folders: `/out/app` from the stage lands as
          // `<dest>/out/app`, not where `app` from the context did. Only flags known to mean
          // the same with --from are carried (`--exclude` is weighed where it matters, for
          // folders: ./broad-copy.ts, src/plan/inner-modes.ts; `--parents` and what a later
          // frontend adds are not).
          const odd = copy.otherFlags.find((f) => !/^--(chown|chmod|link|exclude)(=|$)/i.test(f));
          if (!probe && odd !== undefined) {
            diagnostics.push(diag('ARTIFACT_IN_BROAD_COPY', 'error', `\`${odd}\` on \`${copy.keyword} ${src.value}\` may not mean the same once the line copies ${a.hostPath} from the builder stage (\`--parents\` would keep the stage's folders, ${path.dirname(a.containerPath)}, under the destination)`, {
              file: facts.path,
              line: copy.line,
              setup,
              hint: `Drop \`${odd}\` from the line (name the destination in full), then run the tool again.`,
            }));
          }
          // The copy's contents over a folder of the repository: its own files stay a context COPY.
          const over = !probe && exact ? contentsConsumer(a, copy, ci, si, facts.path, fs, written) : null;
          if (over) a.consumers.push(over);
          else if (!probe) {
            const suffix = hostSource.slice(a.hostPath.length);
            a.consumers.push({ dockerfile: facts.path, copy: ci, source: si, line: copy.line, hostSource: written, stagePath: trimTrailingSlashes(a.containerPath) + suffix });
          }
        } else if (broad || globHit) {
          any = true;
          const split = globHit || probe ? null : broadConsumer(a, hostSource, copy, ci, si, facts.path, fs);
          // A folder made only to hold the artifacts (not in the repository): each is copied from the stage to its place in it.
          const whyNot = split || probe || !broad || hostSource === '' || GLOB.test(src.value) || !onlyArtifacts ? '' : onlyArtifacts(hostSource);
          if (split) a.consumers.push(split);
          else if (whyNot === null) {
            a.consumers.push({ dockerfile: facts.path, copy: ci, source: si, line: copy.line, hostSource: src.value, stagePath: trimTrailingSlashes(a.containerPath), within: a.hostPath.slice(hostSource.length + 1), folderOnly: true });
          } else if (!probe) {
            diagnostics.push(diag('ARTIFACT_IN_BROAD_COPY', 'error', `\`${copy.keyword} ${src.value}\` copies the extracted ${a.hostPath} together with other files from the build context${whyNot ? ` (${whyNot})` : ''}`, {
              file: facts.path,
              line: copy.line,
              setup,
              hint: `Copy the artifact with its own ${copy.keyword} line, then run the tool again.`,
            }));
          }
        }
      }
    });
  });
  // A RUN that bind-mounts the artifact, a path in it or a folder holding it reads it from the
  // context, as a COPY would; merged, the context no longer holds it, and no line can take its place.
  for (const m of contextMounts(facts)) {
    const mounted = resolveRel(runtime.context!, m.source);
    const hit = artifacts.find((a) => mountReaches(mounted, a.hostPath));
    if (!hit) continue;
    any = true;
    if (!probe) {
      diagnostics.push(diag('ARTIFACT_IN_BROAD_COPY', 'error', `\`RUN --mount=${m.text}\` mounts ${mountedPhrase(mounted, hit.hostPath)}; merged, the context no longer holds it, and a mount cannot be pointed at the stage and the context at once`, {
        file: facts.path,
        line: m.line,
        setup,
        hint: `Copy the artifact with a COPY line of its own (or mount it with from=), then run the tool again.`,
      }));
    }
  }
  if (!probe) {
    for (const a of artifacts) {
      // Extracted but not copied into the runtime image: it was wanted on the host.
      if (a.consumers.length === 0) a.hostNeeded ??= `it is not copied into the runtime image built from ${facts.path}`;
    }
  }
  return any;
}

/**
 * Whether an `rm` between the extraction and `cmd` removed `hostPath` (or a folder holding it)
 * on every run (`rm -rf out`, then `./notify`): a command after that cannot find it there.
 */
/**
 * A Jenkinsfile's later `node {}` block or stage with its own agent is a machine of its own, but
 * Jenkins gives a job the same workspace on the same agent (`workspace/JOB`, taken again once the
 * first block releases it): with one agent for the label, the later block finds the files the
 * setup's block left. So its steps after the extraction are read as later steps of the setup's
 * own, for their uses of the artifact (an export build keeps it), and a step there that is not
 * read (an unknown step, `archiveArtifacts 'app'`) may use it as well.
 */
function laterBlockUses(script: ScriptFile, sequence: readonly ScriptCommand[], setup: Setup, pos: (c: ScriptCommand) => number, lastExtraction: number, fs: RepoFs): void {
  if (script.kind !== 'jenkinsfile') return;
  const from = setup.extraction.find((c) => pos(c) === lastExtraction) ?? setup.extraction[setup.extraction.length - 1];
  if (!from) return;
  const own = new Set(sequence);
  const rest = sequence.filter((c) => c.start > from.start);
  const present = setup.artifacts.filter((a) => !rest.some((c) => removesPath(c, a.hostPath)));
  if (present.length === 0) return;
  const embedded = script as Partial<EmbeddedScript>;
  const names = embedded.entries ?? [];
  (embedded.sequences ?? []).forEach((seq, k) => {
    if (seq.some((c) => own.has(c))) return;
    const where = `in ${names[k] ?? 'a later block'} of ${script.file}, a block of its own that may run on the same agent, in the same workspace`;
    for (const cmd of seq) {
      if (cmd.start <= from.start) continue;
      const used = laterUse(cmd, present, fs, script);
      for (const a of used?.artifacts ?? []) a.hostNeeded ??= `${used!.why}, ${where}`;
    }
    const unread = (embedded.unread ?? []).find((u) => u.sequence === k && (u.diagnostic.line ?? 0) > from.line);
    if (unread) for (const a of present) a.hostNeeded ??= `a step the tool does not read (${script.file}:${unread.diagnostic.line}) may use it, ${where}`;
  });
}

/** `rm … PATH` (or a folder holding it) that runs whenever the commands around it do. */
function removesPath(c: ScriptCommand, hostPath: string): boolean {
  const removes = (w: Word) => w.value !== null && c.cwd !== null && ((p) => p === hostPath || p === '' || hostPath.startsWith(`${p}/`))(resolveRel(c.cwd, w.value));
  return c.words[0]?.value === 'rm' && !c.conditional && !c.loop && !(c.branches?.length) && c.words.slice(1).some(removes);
}

/**
 * Whether one of `commands` (in order) before a position removes a path (removesPath), each path's first removal found
 * once: `(hostPath, at)` is whether one of them at a position below `at` removes it.
 */
function removalsAfter(commands: readonly ScriptCommand[], pos: (c: ScriptCommand) => number): (hostPath: string, at: number) => boolean {
  const rms = commands.filter((c) => c.words[0]?.value === 'rm');
  const first = new Map<string, number>();
  return (hostPath, at) => {
    let p = first.get(hostPath);
    if (p === undefined) {
      const c = rms.find((r) => removesPath(r, hostPath));
      p = c === undefined ? Infinity : pos(c);
      first.set(hostPath, p);
    }
    return p < at;
  };
}

/** What a mount of `mounted` (context-relative) is to the artifact at `hostPath`. */
function mountedPhrase(mounted: string, hostPath: string): string {
  if (mounted === hostPath) return `the extracted ${hostPath}`;
  if (mounted.startsWith(`${hostPath}/`)) return `${mounted}, inside the extracted ${hostPath}`;
  return `${mounted === '' ? 'the whole build context' : mounted}, which holds the extracted ${hostPath}`;
}

/** An artifact as a message names it: its host path, or, copied into the root folder (`docker cp x:/out/. .`), what was copied. */
function artifactShown(a: Artifact): string {
  if (a.hostPath !== '') return a.hostPath;
  return a.contentsOnly ? `everything in ${trimTrailingSlashes(a.containerPath.replace(/\/\.$/, '')) || '/'} (copied into the repository's root)` : `${a.containerPath} (copied onto the repository's root)`;
}

/** The builder image as the script names it: its first tag as written, not a canonical form of a variable. */
function shownTag(builder: BuildStep): string {
  const w = flagValues(builder.inv, '--tag')[0];
  return w ? (w.value ?? w.raw) : 'the builder image';
}

/**
 * The commands that ran before `cmd` in a Makefile, with its `$(shell …)` commands (entries of
 * their own, ./hosts/makefile.ts): one in the recipe holding `cmd` ran right before that
 * recipe's first line (Make expands a recipe whole before running it); any other (in another
 * recipe, a variable's value, a prerequisite list) ran at a time the file does not fix, so it
 * is returned in `anyTime`: it may have run before `cmd`, or not.
 */
function withExpansions(script: ScriptFile, before: readonly ScriptCommand[], cmd: ScriptCommand): { before: readonly ScriptCommand[]; anyTime: readonly ScriptCommand[] } {
  if (!isMakeScript(script) || !script.expansionSequences) return { before, anyTime: [] };
  const anyTime: ScriptCommand[] = [];
  let own: ScriptCommand[] = [];
  let recipe: readonly ScriptCommand[] = [];
  script.expansionSequences.forEach((k, n) => {
    const cmds = script.sequences[k] ?? [];
    const holding = script.expansionRecipes?.[n] ?? null;
    if (holding?.includes(cmd)) {
      own = [...own, ...cmds];
      recipe = holding;
    } else anyTime.push(...cmds);
  });
  if (own.length === 0) return { before, anyTime };
  const start = before.findIndex((c) => recipe.includes(c));
  const at = start < 0 ? before.length : start;
  return { before: [...before.slice(0, at), ...own, ...before.slice(at)], anyTime };
}

/** `docker cp` into a folder the script only sometimes makes (or removes): where it lands is not known. */
function destUnknown(cmd: ScriptCommand, unsure: { rel: string; again?: string; expansion?: ScriptCommand }): Diagnostic {
  const rel = unsure.rel;
  // (in a function run more than once, a later call finds what an earlier one left: ./host-dirs.ts dirStateAt)
  const by = unsure.expansion;
  const why = by
    ? `which \`${shownCommand(by)}\` (${by.file}:${by.line}), in a \`$(shell …)\` Make runs as it expands the text holding it, may have made or removed before it`
    : unsure.again
      ? `which an earlier call of ${unsure.again} may have made or left`
      : 'which the script makes or removes only in some runs, or may make a folder with a copy, move or link';
  return diag('ARTIFACT_DEST_EXISTS', 'error', `\`${shownCommand(cmd)}\` copies onto ${rel}, ${why}, so whether the copy lands inside it is not known`, {
    file: cmd.file,
    line: cmd.line,
    hint: by ? 'Make the folder in a recipe line of its own before the copy (`mkdir -p bin`), not in a `$(shell …)`.' : 'Make or remove the folder unconditionally before the copy.',
  });
}

/**
 * `docker cp` into an existing directory nests the artifact; a merged COPY would not. A
 * folder's contents (`docker cp x:/out/. dist`) land in it alike whether it exists or not:
 * see contentsOverFolder.
 */
function checkArtifactDestinations(setup: Setup, fs: RepoFs, resolved: (cmd: ScriptCommand, w: Word) => string | null): void {
  for (const a of setup.artifacts) {
    const kind = fs.kind(a.hostPath);
    if (kind === 'dir' && a.contentsOnly) {
      const why = contentsOverFolder(a, setup, fs, resolved);
      if (why !== null) {
        setup.diagnostics.push(diag('ARTIFACT_DEST_EXISTS', 'error', `everything in ${a.containerPath} is copied into ${a.hostPath}, which already exists in the repository as a directory, and the merge cannot keep its own files beside them exactly: ${why}`, {
          file: a.via.cmd.file,
          line: a.via.cmd.line,
          setup: setup.id,
          hint: 'Copy into a folder that does not exist in the repository (or copy the folder with a COPY line of its own), then run the tool again.',
        }));
      }
      continue;
    }
    if (kind === 'dir' || kind === 'symlink') {
      setup.diagnostics.push(diag('ARTIFACT_DEST_EXISTS', 'error', `the artifact is extracted onto ${a.hostPath}, which already exists in the repository as a ${kind === 'dir' ? 'directory' : 'symbolic link'}, so \`docker cp\` nests it inside`, {
        file: a.via.cmd.file,
        line: a.via.cmd.line,
        setup: setup.id,
        hint: 'Extract to a path that does not exist in the repository, then run the tool again.',
      }));
    }
  }
}

/**
 * `docker cp x:/out/. dist` into `dist`, a folder of the repository: the container's files land
 * in it, over same-named ones, whether it existed or not, and the runtime build read the
 * folder's own files beside them. Migrated when every runtime COPY reading it either copies the
 * whole folder in a line that stays, a `COPY --from` of the folder's contents following it
 * (./broad-copy.ts contentsConsumer), or names a path in it that the repository does not hold
 * (so only the extraction can have put it there); and when nothing else depends on what the
 * old steps did to the folder: no host chmod of it or in it, no need of the files on the host
 * afterwards (an export stage would write them into a folder holding others), no cleanup that
 * removes the folder or a path in it the repository holds (merged, the tracked files would stay).
 * Checked once every setup is known: another setup's copy into the same folder
 * (../plan/shared-contents-folder.ts) and any other build of the runtime Dockerfile
 * (../plan/runtime-rebuilds.ts) refuse it.
 */
function contentsOverFolder(a: Artifact, setup: Setup, fs: RepoFs, resolved: (cmd: ScriptCommand, w: Word) => string | null): string | null {
  if (a.consumers.length === 0 || a.hostNeeded) return 'the files are still needed on the host, where an export build would write them into a folder holding others';
  if (a.mode !== null || a.modeSetBy || a.pendingModes?.length || a.innerModes?.length || a.modesMasked) return 'a mode the host gave files in it would have to be set again over a folder holding others';
  const context = setup.runtime?.context ?? null;
  if (context === null) return 'the runtime build\'s context is only known at run time';
  const read = (c: ArtifactConsumer) => resolveRel(context, c.hostSource.replace(/^\/+/, ''));
  const odd = a.consumers.find((c) => !((c.within === '' && !c.folderOnly) || (c.within === undefined && read(c).startsWith(`${a.hostPath}/`) && fs.kind(read(c)) === null)));
  if (odd) {
    const held = odd.within === undefined && read(odd) !== a.hostPath && fs.kind(read(odd)) !== null;
    return held
      ? `${odd.dockerfile}:${odd.line} copies ${read(odd)}, which the repository holds there too, so whether the container replaced it is not known`
      : `${odd.dockerfile}:${odd.line} copies the folder in a line that cannot stay for its own files with a COPY --from after it (several sources, a wildcard, or a flag that filters)`;
  }
  // A removal that reaches the folder or anything the repository holds in it.
  const reaches = (p: string | null) => p === null || p === '' || p === a.hostPath || a.hostPath.startsWith(`${p}/`) || (p.startsWith(`${a.hostPath}/`) && (/[*?[]/.test(p) || fs.kind(p) !== null));
  const removal = [...setup.cleanup.filter((cmd) => !dockerInvocation(cmd)).flatMap((cmd) => cmd.words.slice(1).filter((w) => !w.value?.startsWith('-')).map((w) => ({ cmd, p: resolved(cmd, w) }))), ...setup.cleanupWords.map(({ cmd, word }) => ({ cmd, p: resolved(cmd, cmd.words[word]!) }))].find((r) => reaches(r.p));
  if (removal) return `\`${shownCommand(removal.cmd)}\` (${removal.cmd.file}:${removal.cmd.line}) removes files of the repository there too, which the migrated script would keep`;
  return null;
}

/**
 * `chmod 0750 out/app` after `docker cp c:/out ./out`: a mode set on files inside extracted
 * folders is recorded on the folder (the merged COPY sets it again); true when every operand is
 * such a file. An octal mode is the file's whole mode; a symbolic one (`chmod +x out/bin/app`)
 * changes the mode the file came out with, which only the builder stage can tell
 * (src/plan/inner-modes.ts): it is kept as pending, applied at once to a mode an earlier octal
 * chmod of the same file set.
 */
function chmodInsideFolders(cmd: ScriptCommand, ops: { w: Word }[], artifacts: Artifact[], resolved: (cmd: ScriptCommand, w: Word) => string | null): boolean {
  const mode = ops[0]?.w.value ?? null;
  if (mode === null || ops.length < 2 || cmd.words.slice(1).some((w) => w.value?.startsWith('-'))) return false;
  const octal = /^0?[0-7]{3}$/.test(mode);
  if (!octal && (/^[0-7]+$/.test(mode) || applyChmod(0o755, mode) === null)) return false;
  const hits = ops.slice(1).map(({ w }) => {
    const p = resolved(cmd, w);
    const a = p === null ? undefined : artifacts.find((x) => x.mode === null && p.startsWith(`${x.hostPath}/`));
    return a && p ? { a, path: p.slice(a.hostPath.length + 1) } : null;
  });
  if (!hits.every((h) => h !== null)) return false;
  for (const h of hits) {
    const list = h!.a.innerModes ?? [];
    const before = list.find((m) => m.path === h!.path);
    const next: FolderFileChmod = octal
      ? { path: h!.path, mode: parseInt(mode, 8), cmd }
      : before && before.mode !== null
        ? { path: h!.path, mode: applyChmod(before.mode, mode)!, cmd: before.cmd }
        : { path: h!.path, mode: null, pending: [...(before?.pending ?? []), mode], cmd: before?.cmd ?? cmd };
    if (!octal && (before?.throughUmask || honoursUmask(mode))) next.throughUmask = true;
    h!.a.innerModes = [...list.filter((m) => m !== before), next];
  }
  return true;
}

export { applyChmod };

/**
 * The host-effects pass: every command that stays in a setup's script (before, between and
 * after the removed steps, trap bodies included) is checked against what the migration
 * removes or moves: the containers and variables of the extraction, the builder tag, the
 * artifact paths on the host, and the setup's Dockerfiles. A command that only served the
 * removed steps goes with them; one that would now act on something gone, or that changed
 * what the old pipeline copied, refuses the setup. What is not modelled may touch, and refuses.
 */
import { partHolding, type EmbeddedScript } from '../analyze/embedded.js';
import { isExpanded } from '../analyze/compose.js';
import { imageKeyOf, wordKey } from '../analyze/extractions.js';
import { canonicalImage } from '../model/image-ref.js';
import { resolveRel } from '../model/paths.js';
import { readDockerfile, type DockerfileFacts } from '../analyze/dockerfile.js';
import { contextMounts, mountReaches } from '../analyze/context-mounts.js';
import { stdinFeed } from '../analyze/dockerfile-access.js';
import type { ShellScript } from '../analyze/shell.js';
import { parseShell } from '../analyze/shell.js';
import { parseWith } from '../analyze/tree-sitter.js';
import { diag, type Code, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, flagValues, isDockerProgram, parseDockerCommand, type DockerInvocation } from '../model/docker-command.js';
import { listsContainers, shownOnly } from '../analyze/unknown-image.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import type { Artifact, Setup } from '../model/setup.js';
import { builderReads, carriedSubstitutionReads, changesBuilderInput, type BuilderRead } from './builder-inputs.js';
import { hostEffect, meets, readsOnlyNamed, use, type HostEffect, type PathUse } from './host-commands.js';
import { hiddenCommands } from './hidden-docker.js';
import { programAt } from '../model/wrappers.js';
import { inexactRead } from './workspace-reads/index.js';
import { failureIgnored, goesOnAfterFailure } from './failure-ignored.js';
import { endsItsShell, errexitAt, errexitStops, exitsOnFailure, pipefailOff } from './run-failure.js';
import { removedOutputUses } from './removed-outputs.js';
import { forcedRemoval, verboseRemoval } from './forced-removal.js';
import { calleeEffect } from './callee-effects.js';
import { SOURCING, sourcedFiles } from '../analyze/sourced-files.js';
import { removedStatusRead } from './status-reads.js';
import { actionBuildTags, actionSteps, actionSwitchesBuilder, actionWrites } from './action-steps.js';
import { switchesBuilder } from './builder-switch.js';
import { actionRebuildsBase, builderBases, rebuildsBase } from './builder-bases.js';
import { jobOf } from './workspace-reads/index.js';

export interface HostEffects {
  /** Commands that only served the removed steps: they go with them. */
  deletes: ScriptCommand[];
  diagnostics: Diagnostic[];
  notes: string[];
}

/**
 * Each command's file effects, worked out once per run: a script driving many setups has every
 * one of its commands checked once per setup (400 setups in one build.sh: 960,000 readings of
 * 2,400 commands). What a command does to files depends on the command alone, and the plan reads
 * commands without changing them (the hosts' rewrites of words happen during the analysis); the
 * effects are shared, so nothing here may change one.
 */
const effects = new WeakMap<ScriptCommand, HostEffect>();
function effectOf(cmd: ScriptCommand): HostEffect {
  let e = effects.get(cmd);
  if (!e) effects.set(cmd, (e = hostEffect(cmd)));
  return e;
}

interface Removed {
  commands: Set<ScriptCommand>;
  /** Container names and captured ids (`${cid}`) of containers made by removed commands. */
  containers: Set<string>;
  /** Variables assigned only by removed commands (`cid` of `cid=$(docker create …)`). */
  vars: Set<string>;
  /** Builder tags, when the builder build goes. */
  tags: Set<string>;
}


/**
 * `builders`: the builder builds of every setup found. Another setup's builder whose context
 * merely holds the artifact (`COPY . .`) is that setup's own merge; one naming it is a consumer.
 * `steps`: every setup's extraction and cleanup commands, with their runtime build.
 */
export function checkHostEffects(
  setup: Setup,
  script: ScriptFile,
  removedIndices: readonly number[],
  fs: RepoFs,
  dockerfiles: ReadonlyMap<string, DockerfileFacts | null>,
  builders: { has(cmd: ScriptCommand): boolean } = new Set(),
  steps: { isStepFor(cmd: ScriptCommand, runtime: ScriptCommand): boolean } = { isStepFor: () => false },
): HostEffects {
  const out: HostEffects = { deletes: [], diagnostics: [], notes: [] };
  const runtime = setup.runtime;
  if (!runtime) return out;
  const removed = removedOf(setup, script, removedIndices);
  const refuse = (code: Code, cmd: ScriptCommand, message: string, hint: string) => {
    if (!out.diagnostics.some((d) => d.code === code && d.line === cmd.line && d.file === cmd.file)) out.diagnostics.push(diag(code, 'error', message, { file: cmd.file, line: cmd.line, setup: setup.id, hint }));
  };
  const drop = (cmd: ScriptCommand, why: string) => {
    if (out.deletes.includes(cmd)) return;
    out.deletes.push(cmd);
    out.notes.push(`\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${why}, so it goes`);
  };
  const dockerfilePaths = setupDockerfiles(setup);
  /**
   * The commands of a file `cmd` sources (and of those it sources), function bodies and traps
   * included: each may run later in the script's shell, and the tool does not edit that file, so
   * one that uses a container, variable or builder image the migration removes refuses the
   * setup, even one that only removed it (it would now fail).
   */
  const checkSourced = (cmd: ScriptCommand, phase: string) => {
    for (const f of sourcedFiles([cmd], fs)) {
      const via = ` (in ${f.rel}, which \`${shownCommand(f.by)}\` at ${f.by.file}:${f.by.line} sources; the tool does not edit a sourced file)`;
      const refuseIn: Refuse = (code, c, message, hint) => refuse(code, c, `${message}${via}`, hint);
      const dropIn: Drop = (c, why) => refuse('REMOVED_NAME_USED', c, `\`${shownCommand(c)}\` ${why}, and would now fail or do nothing${via}`, 'Remove that use from the sourced file (the migrated script makes no such container or image), then run the tool again.');
      for (const c of f.script.commands) {
        const effect = effectOf(c);
        if (effect.program === 'trap') {
          checkTrap(c, effect.at, removed, refuseIn, dropIn);
          continue;
        }
        const inv = innerDocker(c);
        if (inv) checkDocker(inv, c, f.script, phase === 'before' ? 'after' : phase, setup, removed, fs, dockerfiles, false, refuseIn, dropIn);
        else if (!checkHidden(c, effect, f.script, removed, refuseIn, dropIn, (i, inner, r) => checkDocker(i, inner, f.script, 'after', setup, removed, fs, dockerfiles, false, r, dropIn)) && usesRemovedVar(c.words, removed)) {
          refuseIn('REMOVED_NAME_USED', c, `\`${shownCommand(c)}\` uses a variable set by a removed command (${[...removed.vars].map((v) => `$${v}`).join(', ')}), which is no longer set`, 'Remove that use from the sourced file, then run the tool again.');
        }
      }
    }
  };
  const sequences = ('sequences' in script ? (script as EmbeddedScript).sequences : [script.commands]).filter((s) => s.includes(setup.builder.inv.cmd) && s.includes(runtime.inv.cmd));

  checkVolumes(setup, removed, refuse);
  const checkEnding = () => {
    // (after the commands dropped with the setup are known: a cleanup at the end goes too)
    const ending = newEnding(script, new Set([...removed.commands, ...out.deletes]));
    if (ending) refuse('SCRIPT_EDIT_UNSAFE', ending.now, `\`${shownCommand(ending.now)}\` would now end ${ending.where}: its status (non-zero whenever the test before \`&&\` or \`||\` fails) becomes the exit status, where the removed \`${shownCommand(ending.was)}\` (line ${ending.was.line}) ended it before`, 'End that text with a command that stays (`true`, or the runtime build), then run the tool again; or migrate by hand.');
    const unmodelled = newLastStatement(script, new Set([...removed.commands, ...out.deletes]));
    if (unmodelled) refuse('SCRIPT_EDIT_UNSAFE', unmodelled.now, `\`${shownCommand(unmodelled.now)}\` would now be the last ${unmodelled.native ? 'native program' : 'statement'} ${unmodelled.where} runs, where the removed \`${shownCommand(unmodelled.was)}\` (line ${unmodelled.was.line}) was: the tool does not model how that decides the step's status`, 'Leave `ignoreLASTEXITCODE` out (the step then ends with `exit $LASTEXITCODE`), or end the text with a statement that stays, then run the tool again; or migrate by hand.');
    const exitCode = newLastExitCode(script, new Set([...removed.commands, ...out.deletes]));
    if (exitCode) refuse('SCRIPT_EDIT_UNSAFE', exitCode.now, `\`${shownCommand(exitCode.now)}\` would now be the last native program ${exitCode.where} runs, whose \`$LASTEXITCODE\` is its exit status: a failure of it, which PowerShell goes past, would now fail it, where the removed \`${shownCommand(exitCode.was)}\` (line ${exitCode.was.line}) set that status before`, 'Check its status where it runs (`if ($LASTEXITCODE -ne 0) { exit 1 }`), or end the text with a native program that stays, then run the tool again; or migrate by hand.');
  };
  let reads: BuilderRead[] | undefined;
  let bases: string[] | null | undefined;
  for (const seq of sequences) {
    const pos = new Map(seq.map((c, i) => [c, i]));
    const firstExtraction = Math.min(...setup.extraction.map((c) => pos.get(c) ?? Infinity));
    const runtimeAt = pos.get(runtime.inv.cmd)!;
    const builderAt = pos.get(setup.builder.inv.cmd)!;
    /** Names of removed containers a kept command made anew after the runtime build. */
    const reborn = new Set<string>();
    for (const cmd of seq) {
      if (removed.commands.has(cmd) || cmd === runtime.inv.cmd || cmd === setup.builder.inv.cmd) continue;
      const at = pos.get(cmd)!;
      const phase = at < firstExtraction ? 'before' : at < runtimeAt ? 'window' : 'after';
      // `$copied = $LASTEXITCODE` (PowerShell) after a command that goes (./status-reads.ts).
      const status = removedStatusRead(cmd, removed.commands, script.text);
      if (status) {
        refuse('SCRIPT_EDIT_UNSAFE', cmd, status.message, status.hint);
        continue;
      }
      const outer = effectOf(cmd);
      // A file sourced here stays in the shell: its traps and functions may use what goes.
      if (SOURCING.has(cmd.words[0]?.value ?? '')) checkSourced(cmd, phase);
      // References to what the migration removes: containers, their ids, the builder tag.
      if (outer.program === 'trap') {
        checkTrap(cmd, outer.at, removed, refuse, drop);
        continue;
      }
      const inv = outer.program === 'docker' || outer.program?.endsWith('/docker') ? (outer.at === 0 ? dockerInvocation(cmd) : parseDockerCommand({ ...cmd, words: cmd.words.slice(outer.at) })) : null;
      if (inv) {
        const before = out.diagnostics.length;
        // `docker buildx use`, `docker buildx create --use`, `docker context use` between the builds (./builder-switch.ts).
        const switched = at > builderAt && at < runtimeAt ? switchesBuilder(inv) : null;
        if (switched) refuse('FLAG_CONFLICT', cmd, `\`${shownCommand(cmd)}\` runs between the builder build (line ${setup.builder.inv.cmd.line}) and the runtime build (line ${runtime.inv.cmd.line}), and changes the builder later builds run on (\`${switched}\`): ${SWITCHED}`, BUILDER_SWITCH_HINT);
        // A base of the builder rebuilt, retagged, pulled or removed between the builds (./builder-bases.ts).
        const rebased = at > builderAt && at < runtimeAt && !builders.has(cmd) ? rebuildsBase(inv, cmd, (bases ??= builderBases(setup, dockerfiles))) : null;
        if (rebased) refuse('BUILDER_INPUT_CHANGED', cmd, `\`${shownCommand(cmd)}\` runs between the builder build (line ${setup.builder.inv.cmd.line}) and the runtime build (line ${runtime.inv.cmd.line}), and ${rebased}: ${REBASED}`, REBASED_HINT);
        checkDocker(inv, cmd, script, phase, setup, reborn.size === 0 ? removed : { ...removed, containers: new Set([...removed.containers].filter((n) => !reborn.has(n))) }, fs, dockerfiles, builders.has(cmd), refuse, drop);
        // `docker run -d --name extract app:latest` after the extraction's container is gone: the
        // name is a new container's from here on, in both pipelines (`docker logs extract` reads it).
        // (only once the old script removed its own: before that, the name was taken there)
        const rebornName = (inv.verb === 'run' || inv.verb === 'create') && phase === 'after' ? flagValues(inv, '--name')[0]?.value : undefined;
        const removedBefore = (name: string) => [...removed.commands].some((c) => (pos.get(c) ?? Infinity) < at && dockerInvocation(c)?.verb === 'rm' && dockerInvocation(c)!.operands.some((o) => o.word.value === name));
        if (rebornName && removed.containers.has(rebornName) && removedBefore(rebornName)) reborn.add(rebornName);
        // A container writing host files between the two builds (a bind mount, `docker cp` out of it): as any other writer.
        // Another builder's extraction for the same runtime build goes (or stays) with this setup's own.
        const sameGroup = steps.isStepFor(cmd, runtime.inv.cmd);
        if (out.diagnostics.length === before && !sameGroup && !out.deletes.includes(cmd) && at > builderAt && at < runtimeAt) {
          const writes = dockerHostWrites(inv, cmd);
          const why = writes.length > 0 ? changesBuilderInput(cmd, { program: 'docker', at: 0, reads: [], writes, mayTouch: [], known: true }, (reads ??= [...builderReads(setup, dockerfiles), ...carriedSubstitutionReads(setup, script.commands)])) : null;
          if (why) refuse('BUILDER_INPUT_CHANGED', cmd, `\`${shownCommand(cmd)}\` runs between the builder build and the runtime build, and ${why}: merged, the builder stage is built after this command and would read what it leaves`, BUILDER_INPUT_HINT);
        }
        continue;
      }
      if (checkHidden(cmd, outer, script, removed, refuse, drop, (inv, inner, refuseInner) => checkDocker(inv, inner, script, phase, setup, removed, fs, dockerfiles, builders.has(cmd), refuseInner, () => {}))) continue;
      if (usesRemovedVar(cmd.words, removed)) {
        if (isGuardOfRemoved(cmd, script, removed)) drop(cmd, 'only tested the id of a container the migration no longer makes, guarding a removed command');
        else refuse('REMOVED_NAME_USED', cmd, `\`${shownCommand(cmd)}\` uses a variable set by a removed command (${[...removed.vars].map((v) => `$${v}`).join(', ')}), which is no longer set`, 'Remove that use (or move it into the removed steps), then run the tool again.');
        continue;
      }
      const before = out.diagnostics.length;
      // A script it runs, read: what its commands write (./callee-effects.ts).
      const callee = outer.known ? null : calleeEffect(cmd, fs);
      // A script it runs between the builds that changes a base of the builder (./builder-bases.ts).
      if (callee && at > builderAt && at < runtimeAt) {
        for (const step of callee.steps) {
          const inner = dockerInvocation(step.cmd);
          const why = inner ? rebuildsBase(inner, step.cmd, (bases ??= builderBases(setup, dockerfiles))) : null;
          if (!why) continue;
          refuse('BUILDER_INPUT_CHANGED', cmd, `\`${shownCommand(cmd)}\` runs between the builder build (line ${setup.builder.inv.cmd.line}) and the runtime build (line ${runtime.inv.cmd.line}), and runs \`${shownCommand(step.cmd)}\` (${step.cmd.file}:${step.cmd.line}), where ${why}: ${REBASED}`, REBASED_HINT);
          break;
        }
      }
      const effect = callee ? { ...outer, writes: [...outer.writes, ...callee.effect.writes], mayTouch: [...outer.mayTouch, ...callee.effect.mayTouch], reads: [...outer.reads, ...callee.effect.reads], known: callee.effect.known } : outer;
      // Each artifact's window opens at the command that extracts it: `mkdir -p dist` between
      // `docker create` and `docker cp x:/app dist/app` makes its destination, before it is there
      // (for a folded host copy, at that copy: `mkdir -p bin` before `cp app bin/app`).
      const phaseFor = (a: Artifact) => (phase === 'window' && at < (pos.get(a.placedBy ?? a.via.cmd) ?? firstExtraction) ? 'before' : phase);
      if (!callee) checkFileEffects(cmd, effect.writes.concat(effect.mayTouch), effect.known, phase, effect.program, setup, dockerfilePaths, refuse, phaseFor);
      else for (const step of [{ cmd, effect: { ...outer, known: true } }, ...callee.steps]) {
        // each command of the script as if it stood here (a `mkdir` of the destination before the extraction is one), named by the call
        checkFileEffects(cmd, step.effect.writes.concat(step.effect.mayTouch), step.effect.known, phase, step.effect.program, setup, dockerfilePaths, refuse, phaseFor, step.cmd === cmd ? '' : ` (\`${shownCommand(step.cmd)}\`, ${step.cmd.file}:${step.cmd.line})`);
        if (out.diagnostics.length > before) break;
      }
      // Between the builder build and the runtime build: merged, the builder reads its context after this command (./builder-inputs.ts).
      if (out.diagnostics.length === before && at > builderAt && at < runtimeAt && cmd.words.length > 0) {
        const why = changesBuilderInput(cmd, effect, (reads ??= [...builderReads(setup, dockerfiles), ...carriedSubstitutionReads(setup, script.commands)]), callee?.unknown ? shownCommand(callee.unknown.cmd) : undefined);
        const inside = callee?.unknown && why?.startsWith('the tool does not know') ? ` (\`${shownCommand(callee.unknown.cmd)}\`, ${callee.unknown.where})` : '';
        if (why) refuse('BUILDER_INPUT_CHANGED', cmd, `\`${shownCommand(cmd)}\` runs between the builder build and the runtime build, and ${why}${inside}: merged, the builder stage is built after this command and would read what it leaves`, BUILDER_INPUT_HINT);
      }
      // (one refusal of a command is enough: a program not modelled here refused above already as a writer of the builder's inputs)
      if (out.diagnostics.length === before && !effect.known) checkUnmodelledWindow(cmd, effect, setup, refuse, phaseFor, callee?.unknown ? ` (\`${shownCommand(callee.unknown.cmd)}\`, ${callee.unknown.where})` : '');
    }
  }
  // `uses:` steps between the builds: writers of the builder's inputs, a builder switched (./action-steps.ts).
  if (script.kind === 'github-actions' && sequences[0]) checkActionSteps(setup, script, sequences[0], () => (reads ??= [...builderReads(setup, dockerfiles), ...carriedSubstitutionReads(setup, script.commands)]), () => (bases ??= builderBases(setup, dockerfiles)), refuse);
  checkWorkspaceReads(setup, script, sequences[0], refuse);
  // Files the removed commands wrote (`> build.log`), read by a command that stays (./removed-outputs.ts).
  for (const seq of sequences) for (const d of removedOutputUses(setup, seq, removed.commands, script, { fs, dockerfiles })) if (!out.diagnostics.some((x) => x.code === d.code && x.file === d.file && x.line === d.line)) out.diagnostics.push(d);
  checkEnding();
  // The compile moves into the runtime build: where the host goes on after that build fails and
  // did not after the builder build, a failing compile no longer fails the job.
  // (with an export build the compile runs there too, in the place of the extraction's last
  // step: a failure counted by either of them still fails the run)
  // (compose commands are read as the docker commands they run: their failure, step and time
  // limit are the compose command's, as written in the script)
  const compose = isExpanded(script) ? script.compose : null;
  const base = compose?.base ?? script;
  const written = (c: ScriptCommand) => (compose ? base.commands[compose.baseIndex[c.index]!]! : c);
  const snippetOf = (c: ScriptCommand) => partHolding(base, written(c))?.part.snippet;
  const exportAt = setup.artifacts.some((a) => a.hostNeeded) && setup.extraction.length > 0 ? setup.extraction[setup.extraction.length - 1]! : null;
  if (removed.commands.has(setup.builder.inv.cmd)) {
    const lenient = failureLeniency(base, written(runtime.inv.cmd));
    if (lenient !== null && (exportAt === null || failureLeniency(base, written(exportAt)) !== null) && failureLeniency(base, written(setup.builder.inv.cmd)) === null) {
      refuse('SCRIPT_EDIT_UNSAFE', runtime.inv.cmd, `\`${shownCommand(runtime.inv.cmd)}\` runs where ${lenient.where}, and the builder build \`${shownCommand(setup.builder.inv.cmd)}\` (line ${setup.builder.inv.cmd.line}) did not: merged, the compile runs in the runtime build${exportAt ? ' (and in an export build where the same holds)' : ''}, and ${lenient.then}`, lenient.hint ?? 'Run the runtime build where its failure counts (no `continue-on-error`, `after_script`, `|| true`), then run the tool again; or migrate by hand.');
    }
  }
  // Where a failing builder build ended the job (Travis CI's before_install, install,
  // before_script) and the runtime build's failure lets the job go on (its script), a failing
  // compile would now run the commands after it, which the old job never reached.
  if (removed.commands.has(setup.builder.inv.cmd) && snippetOf(setup.builder.inv.cmd)?.stopsOnFailure === true) {
    const r = written(runtime.inv.cmd);
    const stops = (c: ScriptCommand) => snippetOf(c)?.stopsOnFailure === true || errexitStops(written(c), base, fs) || exitsOnFailure(written(c), base);
    // (what runs only after success, after_success or a deploy, is not reached after a failure either)
    const next = stops(runtime.inv.cmd) || (exportAt !== null && stops(exportAt)) ? undefined : sequences.map((seq) => seq.slice(seq.indexOf(runtime.inv.cmd) + 1).find((c) => snippetOf(c)?.onlyAfterSuccess !== true)).find((c) => c !== undefined);
    if (next) {
      refuse('SCRIPT_EDIT_UNSAFE', runtime.inv.cmd, `the builder build \`${shownCommand(setup.builder.inv.cmd)}\` (line ${setup.builder.inv.cmd.line}) ends the job when it fails (${snippetOf(setup.builder.inv.cmd)?.label ?? 'its phase'}: the job errors and stops), and \`${shownCommand(r)}\` runs where the job goes on past a failure: merged, the compile runs in the runtime build, and a failing compile would now run \`${shownCommand(next)}\` (line ${next.line}) and what follows, which the old job never reached`, 'Move the runtime build into the phase of the builder build, then run the tool again; or migrate by hand.');
    }
  }
  // A `docker run` whose command becomes a RUN of the builder stage (./run-step.ts) moves its
  // work (a compile, tests) into the build that now builds that stage: the runtime build (and an
  // export build) where the builder build goes, the builder build kept as `--target` otherwise.
  const runAt = setup.run && !setup.run.idle ? setup.run.at : null;
  const runNow = removed.commands.has(setup.builder.inv.cmd) ? [runtime.inv.cmd, ...(exportAt ? [exportAt] : [])] : [setup.builder.inv.cmd];
  const runWhere = removed.commands.has(setup.builder.inv.cmd) ? `the runtime build${exportAt ? ' (and an export build)' : ''}` : 'the builder build';
  if (runAt) {
    const lenient = failureLeniency(base, written(runNow[0]!));
    if (lenient !== null && runNow.every((c) => failureLeniency(base, written(c)) !== null) && failureLeniency(base, written(runAt)) === null) {
      refuse('SCRIPT_EDIT_UNSAFE', runNow[0]!, `\`${shownCommand(runNow[0]!)}\` runs where ${lenient.where}, and \`${shownCommand(runAt)}\` (line ${runAt.line}), whose command becomes a RUN of the builder stage, did not: merged, that command (a compile, tests) runs in ${runWhere}, and ${lenient.then}`, lenient.hint ?? 'Run the build where its failure counts (no `continue-on-error`, `after_script`, `|| true`), as the `docker run` step did, then run the tool again; or migrate by hand.');
    }
  }
  // A failure handler between the builder build and the runtime build (a step run only after a
  // failure) ran when the compile failed; merged, the compile fails after it, and it never runs.
  if (removed.commands.has(setup.builder.inv.cmd)) {
    for (const seq of sequences) {
      const [from, to] = [seq.indexOf(setup.builder.inv.cmd), seq.indexOf(runtime.inv.cmd)];
      const handler = from >= 0 && to > from ? seq.slice(from + 1, to).find((c) => snippetOf(c)?.onlyAfterFailure === true) : undefined;
      if (handler) {
        refuse('SCRIPT_EDIT_UNSAFE', handler, `\`${shownCommand(handler)}\` runs only after a failed step, and stands between the builder build (line ${setup.builder.inv.cmd.line}) and the runtime build (line ${runtime.inv.cmd.line}): it ran when the compile failed; merged, the compile fails in the runtime build, after it, and it would never run for it`, 'Move the failure handler after the runtime build, then run the tool again; or migrate by hand.');
        break;
      }
    }
  }
  // The compile moves from the builder build's step into the runtime build's (or the export
  // build's): under that step's time limit, where the builder's step had another.
  if (removed.commands.has(setup.builder.inv.cmd)) {
    const limitOf = (c: ScriptCommand) => snippetOf(c)?.timeout ?? null;
    const was = limitOf(setup.builder.inv.cmd);
    for (const c of [runtime.inv.cmd, ...(exportAt ? [exportAt] : [])]) {
      const now = limitOf(c);
      if (now !== was && now !== null) {
        refuse('SCRIPT_EDIT_UNSAFE', c, `\`${shownCommand(c)}\` runs in a step with \`${now}\`, and the builder build \`${shownCommand(setup.builder.inv.cmd)}\` (line ${setup.builder.inv.cmd.line}) in one with ${was === null ? 'the default limit' : `\`${was}\``}: merged, the compile runs under the first`, 'Give both steps the same time limit (or none), then run the tool again; or migrate by hand.');
        break;
      }
    }
  }
  // The same for the `docker run` whose command becomes a RUN: its work runs under the limit of the step that now builds the stage.
  if (runAt) {
    const limitOf = (c: ScriptCommand) => snippetOf(c)?.timeout ?? null;
    const was = limitOf(runAt);
    for (const c of runNow) {
      const now = limitOf(c);
      if (now !== was && now !== null) {
        refuse('SCRIPT_EDIT_UNSAFE', c, `\`${shownCommand(c)}\` runs in a step with \`${now}\`, and \`${shownCommand(runAt)}\` (line ${runAt.line}), whose command becomes a RUN of the builder stage, in one with ${was === null ? 'the default limit' : `\`${was}\``}: merged, that command runs in ${runWhere}, under the first`, 'Give both steps the same time limit (or none), then run the tool again; or migrate by hand.');
        break;
      }
    }
  }
  // The builder build, the extraction and the runtime build in blocks that change what their
  // steps see (Jenkins' `withCredentials`, `sshagent`, `docker.withServer`, a stage retried):
  // merged, the compile runs where the runtime build does, in another of them or none.
  if (removed.commands.has(setup.builder.inv.cmd)) {
    const around = (c: ScriptCommand) => snippetOf(c)?.wrappedBy ?? null;
    const was = around(setup.builder.inv.cmd);
    const other = [...setup.extraction, runtime.inv.cmd].find((c) => around(c) !== was);
    if (other) {
      const now = around(other);
      refuse('SCRIPT_EDIT_UNSAFE', other, `\`${shownCommand(other)}\` runs ${now === null ? 'outside' : `in \`${now}\`, and`} the builder build \`${shownCommand(setup.builder.inv.cmd)}\` (line ${setup.builder.inv.cmd.line}) ${was === null ? 'outside it' : `in \`${was}\``}: merged, the compile runs where the runtime build does, without the credentials, variables, agent, engine, tools or retries the builder's block gave it (or with ones it did not have)`, 'Put the builder build and the runtime build in the same block, then run the tool again; or migrate by hand.');
    }
  }
  // The compile's log moves into the runtime call (and the export build's). Where the runtime
  // call holds its output in a bounded buffer, that buffer held the runtime build's log alone,
  // and the compile's went elsewhere (shown, or into the builder call's own buffer, each under
  // its own limit): merged, it holds both, which may pass the limit though neither did alone. No
  // log size is known to the tool, so any bounded buffer the final build's compile moves into
  // refuses; one without a bound (`maxBuffer: Infinity`) is no capture
  // (src/analyze/hosts/js-failure.ts), and a runtime build with `--quiet` prints its image id
  // alone, whatever it compiles. An export build's call holds the compile's log alone, about what
  // the builder call's held: it refuses where that one was shown.
  if (removed.commands.has(setup.builder.inv.cmd)) {
    const own = snippetOf(setup.builder.inv.cmd)?.capturesOutput === true;
    const quiet = runtime.inv.flags.some((f) => f.name === '--quiet' && (f.value === null || f.value.value === 'true'));
    const held = [...(quiet ? [] : [runtime.inv.cmd]), ...(exportAt && !own ? [exportAt] : [])].find((c) => snippetOf(c)?.capturesOutput === true);
    const buffer = held ? snippetOf(held)?.buffer : undefined;
    if (held) refuse('SCRIPT_EDIT_UNSAFE', held, `\`${shownCommand(held)}\` holds its output in a buffer that fails the call past a size (${buffer?.what ?? "no \`stdio: 'inherit'\`: Node's \`maxBuffer\`, 1 MiB by default; execa's, 100 MB"}), and the builder build \`${shownCommand(setup.builder.inv.cmd)}\` (line ${setup.builder.inv.cmd.line}) ${own ? 'held its log in a buffer of its own call' : 'did not'}: merged, the compile's log goes into it${own ? ' too, and the two logs together may pass the limit though each alone did not' : ''}`, buffer?.hint ?? "Give the call `{ stdio: 'inherit' }` (or `maxBuffer: Infinity`), then run the tool again; or migrate by hand.");
  }
  // A step the host does not wait for (a JavaScript `exec`/`spawn` of child_process, a promise
  // not awaited) runs alongside the next: the old pipeline's order is not what the text says.
  {
    const steps = [setup.builder.inv.cmd, ...setup.extraction, runtime.inv.cmd].map(written).filter((c) => c.file === base.file);
    const [from, to] = [Math.min(...steps.map((c) => c.index)), Math.max(...steps.map((c) => c.index))];
    const loose = base.commands.find((c) => c.index >= from && c.index <= to && partHolding(base, c)?.part.snippet.concurrent === true);
    if (loose) refuse('SCRIPT_EDIT_UNSAFE', loose, `\`${shownCommand(loose)}\` is started without being waited for (Node's \`exec\`/\`spawn\` return at once; a promise not awaited), so it runs alongside the calls after it: the order the old pipeline ran its steps in is not the order written, and its failure stopped nothing`, 'Use execSync/spawnSync, or `await` a promise-returning call (util.promisify(exec), execa), then run the tool again; or migrate by hand.');
  }
  // Merged, the compile fails the runtime build: where errexit stopped the builder build and does
  // not stop the runtime build (`set +e` between them, or it stands in an `if` condition, after
  // `!`, before `&& echo built`), and nothing else stops the shell there (`|| exit`, the last
  // command of its text), a failing compile no longer stops the run.
  // The same where the builder build's failure ended the run another way: a `|| exit 1` after it
  // (a PowerShell `if ($LASTEXITCODE -ne 0) { exit 1 }`), or it ends a step or recipe line whose
  // failure fails the job or make, while the runtime build's failure is followed by more
  // commands that decide the status (a PowerShell script run with -File exits 0 unless it calls
  // `exit`, whatever its last command gave).
  const b = written(setup.builder.inv.cmd);
  const r = written(runtime.inv.cmd);
  const stoppedBy = errexitAt(b, base, fs) ? 'errexit' : r.file !== b.file ? null : exitsOnFailure(b, base) ? 'exit' : base.kind !== 'shell' && base.kind !== 'powershell' && endsItsShell(b, base) && partHolding(base, b)?.part.snippet.goesOnAfterFailure !== true ? 'step' : null;
  if (removed.commands.has(setup.builder.inv.cmd) && !setup.run && b.stdout?.kind !== 'pipe' && stoppedBy !== null && !goesOnAfterFailure(b, base)) {
    // A runtime build piped into another command (`| tee build.log`) fails its pipeline only
    // under pipefail: where it is surely off (a GitHub step's default shell, a script that never
    // turns it on), its failure is the last command's; where that is not known, it is left out.
    const piped = r.stdout?.kind === 'pipe';
    const counted = piped ? !pipefailOff(r, base) : errexitStops(r, base, fs) || exitsOnFailure(r, base) || endsItsShell(r, base);
    if (!counted && !out.diagnostics.some((d) => d.code === 'SCRIPT_EDIT_UNSAFE' && d.line === r.line && d.file === r.file)) {
      if (piped) refuse('SCRIPT_EDIT_UNSAFE', r, `\`${shownCommand(r)}\` is piped into another command in a shell without pipefail (a script that never sets it; a GitHub step's default \`bash -e {0}\`; the \`/bin/sh -c\` of Node's execSync or of a make recipe; a Jenkins \`sh\` step's \`sh -xe\`), so its failure is not the pipeline's, where the builder build \`${shownCommand(b)}\` (line ${b.line}) failed the run: merged, a failing compile would no longer fail it`, 'Turn pipefail on (`set -o pipefail` in a bash shell; in GitHub, `shell: bash`; in make, `SHELL := /bin/bash` and `.SHELLFLAGS := -eo pipefail -c`), or do not pipe the runtime build, then run the tool again; or migrate by hand.');
      else if (errexitAt(r, base, fs)) refuse('SCRIPT_EDIT_UNSAFE', r, `the builder build \`${shownCommand(b)}\` (line ${b.line}) stops the script when it fails (errexit), and \`${shownCommand(r)}\` stands where errexit ignores its failure (an \`if\`/\`while\` condition, after \`!\`, before the last member of an \`&&\`/\`||\` list) and nothing else stops the script: merged, the compile runs in the runtime build, and a failing compile would no longer stop the run`, 'Run the runtime build as a statement of its own (or add `|| exit 1` after it), then run the tool again; or migrate by hand.');
      else if (stoppedBy !== 'errexit') refuse('SCRIPT_EDIT_UNSAFE', r, `the builder build \`${shownCommand(b)}\` (line ${b.line}) ends the run when it fails (${stoppedBy === 'exit' ? 'the exit after it' : 'it ends its step or recipe line, whose failure fails the job'}), and a failure of \`${shownCommand(r)}\` does not (no errexit there, no exit after it, and ${base.kind === 'powershell' ? 'a PowerShell script run as a file exits 0 unless it calls `exit`' : 'commands after it decide the status'}): merged, the compile runs in the runtime build, and a failing compile would no longer fail the run`, `Stop the run when the runtime build fails (${base.kind === 'powershell' ? '`if ($LASTEXITCODE -ne 0) { exit 1 }` after it' : '`|| exit 1` after it'}), then run the tool again; or migrate by hand.`);
      else refuse('SCRIPT_EDIT_UNSAFE', r, `errexit is on where the builder build \`${shownCommand(b)}\` (line ${b.line}) runs and off where \`${shownCommand(r)}\` runs (a \`set +e\` or another change between them), and nothing else stops the script when it fails: merged, the compile runs in the runtime build, and a failing compile would no longer stop the run`, 'Keep errexit on for the runtime build (or add `|| exit 1` after it), then run the tool again; or migrate by hand.');
    }
  }
  return out;
}

/** What a base of the builder changed between the builds does to the merged compile. */
const REBASED = 'the builder build resolved that image before this command; merged, the builder stage is built by the runtime build, after it, and would start from (or copy from) what it leaves';
const REBASED_HINT = 'Build or fetch the image before the builder build (so both pipelines use the same one), or after the runtime build; then run the tool again, or migrate by hand.';

/** What a builder switched between the builds does to the merged compile. */
const SWITCHED = 'the builder build ran on the builder current before it; merged, the compile runs in the runtime build, on the new one (another driver, which may not see the engine\'s local images such as a base built earlier in the job; another cache, network and BuildKit)';
const BUILDER_SWITCH_HINT = 'Switch the builder before the builder build (so both builds run on it), or after the runtime build; then run the tool again, or migrate by hand.';

/**
 * The `uses:` steps of the setup's job between its builder build and its runtime build
 * (./action-steps.ts): one that switches the builder refuses (FLAG_CONFLICT); one that writes
 * what the builder reads, or may (an action the tool does not know), refuses as a shell command
 * writing it would (BUILDER_INPUT_CHANGED); one writing where an artifact is extracted before the
 * runtime build copies it refuses (HOST_POSTPROCESS).
 */
function checkActionSteps(setup: Setup, script: ScriptFile, sequence: readonly ScriptCommand[], reads: () => BuilderRead[], bases: () => string[] | null, refuse: Refuse): void {
  const runtime = setup.runtime!;
  const [from, to] = [setup.builder.inv.cmd, runtime.inv.cmd];
  if (from.file !== script.file || to.file !== script.file) return;
  const job = jobOf(script, sequence);
  const firstExtraction = Math.min(...setup.extraction.filter((c) => c.file === script.file).map((c) => c.line));
  for (const step of actionSteps(script.text)) {
    if ((job !== undefined && step.job !== job) || step.line <= from.line || step.line >= to.line) continue;
    const at = { ...from, line: step.line };
    const switched = actionSwitchesBuilder(step);
    if (switched) {
      refuse('FLAG_CONFLICT', at, `${switched}, between the builder build (line ${from.line}) and the runtime build (line ${to.line}): ${SWITCHED}`, BUILDER_SWITCH_HINT);
      return;
    }
    // docker/build-push-action tagging a base of the builder (./builder-bases.ts).
    const tags = actionBuildTags(step);
    const rebased = tags ? actionRebuildsBase(tags, bases()) : null;
    if (rebased) {
      refuse('BUILDER_INPUT_CHANGED', at, `the step \`uses: ${step.uses}\` runs between the builder build (line ${from.line}) and the runtime build (line ${to.line}), and ${rebased}: ${REBASED}`, REBASED_HINT);
      return;
    }
    const effect = actionWrites(step, from);
    const hostEffect: HostEffect = { program: `uses: ${step.uses}`, at: 0, reads: [], writes: effect.writes, mayTouch: [], known: effect.known };
    const why = changesBuilderInput(at, hostEffect, reads(), `uses: ${step.uses}`);
    if (why) {
      refuse('BUILDER_INPUT_CHANGED', at, `${effect.what} runs between the builder build (line ${from.line}) and the runtime build (line ${to.line}), and ${why}: merged, the builder stage is built after this step and would read what it leaves`, 'If the builder should read what this step leaves, move the step before the builder build; if it does not touch what the builder reads, move it after the runtime build; then run the tool again (or migrate by hand).');
      return;
    }
    for (const a of setup.artifacts) {
      const m = effect.writes.map((u) => meets(u, a.hostPath)).find((x) => x !== null);
      const window = step.line > firstExtraction;
      if (m === undefined || (!window && m === 'over')) continue;
      refuse('HOST_POSTPROCESS', at, window ? `${effect.what} runs after ${a.hostPath} is extracted and before the runtime build copies it, and may change it, which \`COPY --from\` would skip` : `${effect.what} runs before ${a.hostPath} is extracted and may put files there, so the runtime build copied more than the builder's files`, 'Move the step after the runtime build (or do what it does in the builder Dockerfile), then run the tool again; or migrate by hand.');
      return;
    }
  }
}

const BUILDER_INPUT_HINT = 'If the builder should read what this command leaves, move the command before the builder build; if it does not touch what the builder reads, move it after the runtime build; then run the tool again (or migrate by hand).';

/** Host paths a docker command may write: its writable bind mounts (`docker run -v "$PWD":/src`), the destination of `docker cp CONTAINER:PATH HOST`. */
function dockerHostWrites(inv: DockerInvocation, cmd: ScriptCommand): PathUse[] {
  const out: PathUse[] = [];
  if (inv.verb === 'run' || inv.verb === 'create') {
    for (const f of inv.flags.filter((x) => x.name === '--volume' || x.name === '--mount' || x.name === '--volumes-from')) {
      if (!f.value) continue;
      const host = hostSideOf(f.name, f.value, cmd);
      if (host === undefined) continue;
      if (!readOnlyMount(f.name, f.value)) out.push({ path: host, glob: false, word: f.value });
    }
  }
  if (inv.verb === 'cp' && inv.operands.length === 2) {
    const [from, to] = [inv.operands[0]!.word, inv.operands[1]!.word];
    // `CONTAINER:PATH HOST`: the second is a host path (a host source is `./x` or `/x`, a copy into the container).
    const fromContainer = from.value === null || /^[^./][^:]*:/.test(from.value);
    if (fromContainer && to.value !== '-') out.push(use(cmd, to));
  }
  return out;
}

/** What the migration removes, as names later commands could still use. */
function removedOf(setup: Setup, script: ScriptFile, indices: readonly number[]): Removed {
  const commands = new Set(indices.map((i) => script.commands[i]!).filter(Boolean));
  const containers = new Set<string>();
  const vars = new Set<string>();
  for (const c of commands) {
    if (c.stdout?.kind === 'capture') {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(c.stdout.symbol);
      if (m) vars.add(m[1]!);
    }
    const inv = dockerInvocation(c);
    if (inv && (inv.verb === 'create' || inv.verb === 'run')) {
      const name = flagValues(inv, '--name')[0];
      if (name) containers.add(wordKey(name));
      if (c.stdout?.kind === 'capture') containers.add(c.stdout.symbol);
    }
  }
  const tags = commands.has(setup.builder.inv.cmd) ? new Set(setup.builder.tags) : new Set<string>();
  return { commands, containers, vars, tags };
}

const usesRemovedVar = (words: readonly Word[], removed: Removed) => words.some((w) => w.value === null && [...removed.vars].some((v) => w.symbol.includes(`\${${v}}`)));

/** The container a word names (`x`, `"$cid"`, `x:/path`), when the migration removes it. */
function removedContainer(w: Word, removed: Removed): boolean {
  const key = wordKey(w);
  return [...removed.containers].some((k) => key === k || key.startsWith(`${k}:`));
}

type Refuse = (code: Code, cmd: ScriptCommand, message: string, hint: string) => void;
type Drop = (cmd: ScriptCommand, why: string) => void;

/** Docker verbs that only stop or remove a container: harmless to drop with the container. */
const CONTAINER_CLEANUP = new Set(['rm', 'stop', 'kill']);

function checkDocker(inv: DockerInvocation, cmd: ScriptCommand, script: ScriptFile, phase: string, setup: Setup, removed: Removed, fs: RepoFs, dockerfiles: ReadonlyMap<string, DockerfileFacts | null>, otherBuilder: boolean, refuse: Refuse, drop: Drop): void {
  // Verbs the model does not read (`inspect`, `logs`, `stop`…): every word after them may name a container.
  const ops = inv.verb === 'other' ? inv.cmd.words.slice(inv.verbIndex + 1).filter((w) => !(w.value ?? '').startsWith('-') || w.value === null) : inv.operands.map((o) => o.word);
  const sub = inv.verb === 'other' ? inv.cmd.words[inv.verbIndex]?.value ?? '' : inv.verb;
  const namesContainer = ops.some((w) => removedContainer(w, removed)) || usesRemovedVar(cmd.words, removed);
  if (namesContainer) {
    if (inv.verb === 'cp' && ops[1] && removedContainer(ops[1], removed)) {
      refuse('FILES_COPIED_IN', cmd, `\`${shownCommand(cmd)}\` copies host files into the builder container, so what was copied out is not what the builder image holds`, 'Copy those files in the builder Dockerfile instead (COPY), then run the tool again.');
    } else if (CONTAINER_CLEANUP.has(sub) && ops.length > 0 && ops.every((w) => removedContainer(w, removed))) {
      // `docker rm -f x || true` (a stale container from an earlier run): harmless where it is.
      if (!failureIgnored(cmd, script)) drop(cmd, 'only removed a container the migration no longer makes');
    } else {
      refuse('REMOVED_NAME_USED', cmd, `\`${shownCommand(cmd)}\` uses a container the migration no longer makes`, 'Remove that command (or fold it into the removed steps), or migrate this setup by hand.');
    }
    return;
  }
  // A listing of containers kept anywhere but the terminal (`docker ps -a --filter name=x > left.txt`,
  // `docker ps -aq | xargs …`), after the extraction made its container: the old run's may have
  // shown it (one never removed stays), the migrated run's cannot.
  if (phase !== 'before' && removed.containers.size > 0 && listsContainers(inv) && !shownOnly(cmd, (i) => script.commands.find((c) => c.index === i))) {
    refuse('REMOVED_NAME_USED', cmd, `\`${shownCommand(cmd)}\` lists containers, and keeps what it lists: the old run's listing could hold the extraction's container, which the migration no longer makes`, 'Print the listing only (or remove it), then run the tool again; or migrate by hand.');
    return;
  }
  // A `docker rmi` of this builder's image alone that is not its cleanup after the final build
  // (a stale image removed first, a `clean` branch): the image is no longer made, so the
  // command would fail; it goes, unless its failure is ignored (`|| true`), where it is harmless.
  if (inv.verb === 'rmi' && ops.length > 0 && ops.every((w) => removed.tags.has(imageKeyOf(w)))) {
    if (!failureIgnored(cmd, script)) drop(cmd, 'only removed the builder image, which the migration no longer builds');
    return;
  }
  // Any other `docker rmi` of builder images is cleanup the linker (and a group of builders) already decides on.
  if (inv.verb !== 'rmi' && ops.concat(inv.flags.map((f) => f.value).filter((w): w is Word => w !== null)).some((w) => removed.tags.has(imageKeyOf(w)))) {
    refuse('REMOVED_NAME_USED', cmd, `\`${shownCommand(cmd)}\` uses the builder image ${setup.builder.tags[0]}, which is no longer built`, 'Run that command without the prefix so the tool can keep the builder build, or migrate by hand.');
    return;
  }
  if (inv.verb === 'build' && phase !== 'before') {
    const why = readsArtifact(inv, setup, fs, dockerfiles, otherBuilder);
    if (why) refuse('ARTIFACT_SECOND_CONSUMER', cmd, `\`${shownCommand(cmd)}\` also builds from the extracted files: ${why}`, 'Build that image from the merged Dockerfile (a stage of its own), or migrate by hand.');
    return;
  }
  if ((inv.verb === 'run' || inv.verb === 'create') && phase === 'window') {
    for (const f of inv.flags.filter((x) => x.name === '--volume' || x.name === '--mount' || x.name === '--volumes-from')) {
      const host = f.value ? hostSideOf(f.name, f.value, cmd) : null;
      if (host === undefined || (f.value && readOnlyMount(f.name, f.value))) continue;
      if (host === null || setup.artifacts.some((a) => meets({ path: host, glob: false, word: f.value! }, a.hostPath) !== null)) {
        refuse('HOST_POSTPROCESS', cmd, `\`${shownCommand(cmd)}\` mounts host files that may include ${setup.artifacts.map((a) => a.hostPath).join(', ')} between the extraction and the runtime build`, 'Do that step in the builder Dockerfile, or migrate by hand.');
        return;
      }
    }
  }
}

/** `-v host:/ctr:ro`, `--mount type=bind,…,readonly`: the container cannot write the host side. */
function readOnlyMount(flag: string, value: Word): boolean {
  // The options are static even where the host side is not (`"$PWD":/src:ro`).
  const v = wordKey(value);
  if (flag === '--volume') return (v.split(':')[2] ?? '').split(',').includes('ro');
  return flag === '--mount' && v.split(',').some((kv) => kv === 'readonly' || kv === 'ro' || kv === 'readonly=true' || kv === 'ro=true');
}

/** The host side of a bind mount (undefined: a named or anonymous volume; null: not known). */
export function hostSideOf(flag: string, value: Word, cmd: ScriptCommand): string | null | undefined {
  if (flag === '--volumes-from') return null;
  const v = value.value;
  if (v === null) return null;
  if (flag === '--mount') {
    const fields = new Map(v.split(',').map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]));
    if ((fields.get('type') ?? 'volume') !== 'bind') return undefined;
    const src = fields.get('source') ?? fields.get('src');
    return src === undefined || cmd.cwd === null ? null : resolveRel(cmd.cwd, src);
  }
  const parts = v.split(':');
  if (parts.length < 2 || !/^[./~]/.test(parts[0]!)) return undefined;
  return cmd.cwd === null || parts[0]!.startsWith('~') ? null : resolveRel(cmd.cwd, parts[0]!);
}

/** hostSideOf, with `"$PWD"` (`"$(pwd)"`) read as the folder the command runs in (`"$PWD"/out:/out`). */
export function mountHostSide(flag: string, value: Word, cmd: ScriptCommand): string | null | undefined {
  const key = value.value === null ? value.symbol : null;
  const here = key?.startsWith('${PWD}') ? { ...value, value: `.${key.slice('${PWD}'.length)}` } : value;
  return hostSideOf(flag, here as Word, cmd);
}

/** Why a later build reads an artifact from its context (null when it provably does not). */
export function readsArtifact(inv: DockerInvocation, setup: Setup, fs: RepoFs, dockerfiles: ReadonlyMap<string, DockerfileFacts | null>, otherBuilder: boolean): string | null {
  const cmd = inv.cmd;
  const ctx = inv.operands[0]?.word.value ?? null;
  // `-f - < Dockerfile.dbg`: the file fed (a `cat FILE |` feeding it is not looked up here, so it stays unread).
  const file = flagValues(inv, '--file')[0]?.value === '-' ? stdinFeed(inv, null) ?? { value: null } : flagValues(inv, '--file')[0];
  if (ctx === null || cmd.cwd === null || (file && file.value === null)) return 'its context or Dockerfile is only known at run time';
  if (/^[a-z]+:\/\/|^git@|^-$/.test(ctx)) return null;
  const context = resolveRel(cmd.cwd, ctx);
  const dockerfile = file ? resolveRel(cmd.cwd, file.value!) : resolveRel(context, 'Dockerfile');
  // Another build of the runtime Dockerfile builds the merged file: it copies from the stage too.
  if (dockerfile === setup.runtime?.dockerfile && context === setup.runtime.context) return null;
  const inside = setup.artifacts.filter((a) => context === '' || a.hostPath === context || a.hostPath.startsWith(`${context}/`));
  if (inside.length === 0) return null;
  let facts = dockerfiles.get(dockerfile) ?? null;
  if (!facts) {
    const text = fs.readText(dockerfile);
    if (text === null) return `its Dockerfile ${dockerfile} cannot be read`;
    facts = readDockerfile(dockerfile, text);
  }
  for (const copy of facts.copies) {
    if (copy.from || copy.heredoc) continue;
    for (const src of copy.sources) {
      const p = resolveRel(context, src.value.replace(/^\/+/, ''));
      const hit = inside.find((a) => {
        const m = meets({ path: p, glob: /[*?[]/.test(src.value), word: cmd.words[0]! }, a.hostPath);
        return m !== null && !(otherBuilder && m === 'over');
      });
      if (hit) return `\`${copy.keyword} ${src.value}\` (${facts.path}:${copy.line}) reads ${hit.hostPath}`;
    }
  }
  for (const m of contextMounts(facts)) {
    const mounted = resolveRel(context, m.source);
    const hit = inside.find((a) => mountReaches(mounted, a.hostPath));
    if (hit) return `\`RUN --mount=${m.text}\` (${facts.path}:${m.line}) mounts ${hit.hostPath}${mounted === hit.hostPath ? '' : ` (through ${mounted || 'the whole context'})`}`;
  }
  return null;
}

/** `[ -n "$id" ] && docker cp "$id":…`: a test of removed ids whose only use was to guard a removed command. */
function isGuardOfRemoved(cmd: ScriptCommand, script: ScriptFile, removed: Removed): boolean {
  const prog = cmd.words[0]?.value;
  if (prog !== '[' && prog !== '[[' && prog !== 'test') return false;
  if (!cmd.words.slice(1).every((w) => w.value !== null || [...removed.vars].some((v) => w.symbol === `\${${v}}`))) return false;
  // The shell text the test is a statement of: the script, or the snippet (a CI step, a recipe line…) holding it.
  let shell: ShellScript;
  let commands: readonly ScriptCommand[];
  if (script.kind === 'shell') [shell, commands] = [script as ShellScript, script.commands];
  else {
    const part = 'parts' in script ? (script as EmbeddedScript).parts.find((p) => cmd.index >= p.first && cmd.index < p.first + p.count) : undefined;
    if (!part) return false;
    // a snippet's commands keep their units; the script's commands are the same ones, in order
    [shell, commands] = [part.script, script.commands.slice(part.first, part.first + part.count)];
  }
  const units = shell.units;
  const unit = units[cmd.unit];
  if (!unit || unit.chain === null) return false;
  const members = units.map((u, k) => ({ u, k })).filter(({ u }) => u.chain === unit.chain);
  const next = members[members.findIndex(({ k }) => k === cmd.unit) + 1];
  if (!next || next.u.opBefore !== '&&') return false;
  const guarded = commands.filter((c) => c.unit === next.k);
  return guarded.length > 0 && guarded.every((c) => removed.commands.has(c));
}

/** `trap 'docker rm -f "$cid"' EXIT`: the body is shell too. */
function checkTrap(cmd: ScriptCommand, at: number, removed: Removed, refuse: Refuse, drop: Drop): void {
  const body = cmd.words[at + 1];
  if (!body) return;
  const hint = 'Remove what names the removed container from the trap (or the whole trap), then run the tool again.';
  if (body.value === null) {
    if (usesRemovedVar([body], removed)) refuse('REMOVED_NAME_USED', cmd, `the trap \`${shownCommand(cmd)}\` uses a container the migration no longer makes`, hint);
    return;
  }
  const inner = parseShell(cmd.file, body.value, { vars: cmd.vars, cwd: cmd.cwd }).script;
  if (!inner) {
    refuse('REMOVED_NAME_USED', cmd, `the trap body of \`${shownCommand(cmd)}\` cannot be read`, hint);
    return;
  }
  // Any docker verb naming it: `docker rm`, and `docker logs x`, `docker inspect x`, read as the model's other verbs.
  const touches = inner.commands.filter((c) => {
    const inv = innerDocker(c);
    return usesRemovedVar(c.words, removed) || (inv !== null && dockerWords(inv).some((w) => removedContainer(w, removed)));
  });
  if (touches.length === 0) return;
  const cleanupOnly = (c: ScriptCommand) => {
    const inv = dockerInvocation(c);
    const sub = inv?.verb === 'other' ? c.words[inv.verbIndex]?.value ?? '' : inv?.verb;
    return !!inv && CONTAINER_CLEANUP.has(sub ?? '') && inv.operands.length > 0 && inv.operands.every((o) => removedContainer(o.word, removed));
  };
  // `rc=$?; docker rm -f x; exit $rc`: the trap exits with the status the script ended with, as
  // the shell does once the trap is gone.
  const status = statusKeptIn(body.value);
  const keepsStatus = (c: ScriptCommand) => status !== null && c.words.length === 2 && c.words[0]!.value === 'exit' && c.words[1]!.symbol === `\${${status}}`;
  const noop = (c: ScriptCommand) => (c.words.length === 1 && (c.words[0]!.value === 'true' || c.words[0]!.value === ':')) || keepsStatus(c);
  if (inner.commands.some(cleanupOnly) && inner.commands.every((c) => cleanupOnly(c) || noop(c))) drop(cmd, 'only removed a container the migration no longer makes');
  else refuse('REMOVED_NAME_USED', cmd, `the trap \`${shownCommand(cmd)}\` uses a container the migration no longer makes for more than removing it`, hint);
}

/**
 * Where a failure of `cmd` does not count as it did for a compile that moves into it (a `|| true`,
 * Make's `-`, a step with `continue-on-error`, an `after_script`, a step run after a failure):
 * `where` it runs, and what `then` happens to the compile there; null when its failure counts.
 */
function failureLeniency(script: ScriptFile, cmd: ScriptCommand): { where: string; then: string; hint?: string } | null {
  const snippet = partHolding(script, cmd)?.part.snippet;
  const uncounted = 'a failing compile would no longer fail the run';
  if (snippet?.goesOnAfterFailure && snippet.goesOnWhy !== undefined) return { where: snippet.goesOnWhy, then: uncounted };
  if (snippet?.goesOnAfterFailure) return { where: 'its failure does not fail the job (a step with `continue-on-error`/`continueOnError`, Travis CI\'s `after_success`)', then: uncounted };
  // A GitHub `if: always()` step and a CircleCI `when: always` step fail the job when they fail;
  // they also run after an earlier step failed, where the builder build's step was skipped.
  if (snippet?.afterFailure && (script.kind === 'github-actions' || script.kind === 'circleci')) return { where: 'an earlier step\'s failure does not stop it (`if: always()`, `when: always`)', then: 'after an unrelated failure the compile would now run and the image be built, where the old job skipped the builder build and could not build it', hint: 'Give the runtime build\'s step the condition the builder build\'s has (or give both `if: always()`), then run the tool again; or migrate by hand.' };
  if (snippet?.afterFailure) return { where: 'it runs after a failure too, and its own failure does not fail the job (`after_script`, `after-script`)', then: uncounted };
  if (goesOnAfterFailure(cmd, script)) return { where: 'its failure is ignored (`|| true`, Make\'s `-`)', then: uncounted };
  return null;
}

/**
 * Removing the command that ends a shell text (the script, an npm script, a recipe line, a CI
 * step, a JavaScript call's command line) makes the command before it the last: its status is
 * then the text's exit status. Where that command is an `&&`/`||` list (`grep -q debug c && echo
 * debug;` before the builder build), a failing test was a normal outcome the old text went past,
 * and now fails the text. The first such text, with its new and old last commands; null when none.
 */
function newEnding(script: ScriptFile, removed: ReadonlySet<ScriptCommand>): { now: ScriptCommand; was: ScriptCommand; where: string } | null {
  // (a snippet's reading is asked for only where the removal touches it: read again on demand,
  // ../analyze/release.ts, each of a file's hundred npm scripts would be read for every setup)
  const parts = script.kind === 'shell' ? [{ read: () => script as ShellScript, first: 0, count: script.commands.length, continued: false }] : ((script as Partial<EmbeddedScript>).parts ?? []).map((p, k, all) => ({ read: () => p.script, first: p.first, count: p.count, continued: all[k + 1]?.snippet.continues === true }));
  for (const { read, ...part } of parts) {
    // (a text the next one continues in the same shell, GitLab's script items, ends nothing)
    if (part.continued || part.count === 0) continue;
    const file = script.commands.slice(part.first, part.first + part.count);
    const all = file.map((_, k) => k);
    const kept = all.filter((k) => !removed.has(file[k]!));
    if (kept.length === 0 || kept.length === all.length) continue;
    const snippet = read();
    const last = (cmds: number[]) => cmds.reduce((a, b) => (snippet.commands[b]!.start > snippet.commands[a]!.start ? b : a));
    const was = last(all);
    if (!removed.has(file[was]!)) continue;
    const now = last(kept);
    const unit = snippet.units[snippet.commands[now]!.unit];
    const chain = unit?.chain ?? null;
    if (chain === null || !snippet.units.some((u) => u.chain === chain && (u.opBefore === '&&' || u.opBefore === '||'))) continue;
    // (the same `&&` chain as the command that went, `a && b && rm -rf dist`: it failed when a
    // member before failed, and succeeds when they do, either way; `|| exit 1` ends the text
    // itself, `|| true` succeeds)
    const wasChain = snippet.units[snippet.commands[was]!.unit]?.chain ?? null;
    if (wasChain === chain && snippet.units.every((u) => u.chain !== chain || u.opBefore === null || u.opBefore === '&&')) continue;
    // (`a || exit 1`, `a || true`: what runs after `||` ends the list with its own status, as
    // the text's end did; after `&&`, `[ -f app ] && exit 0`, a failing test is the status)
    if (['exit', 'true', ':'].includes(snippet.commands[now]!.words[0]?.value ?? '') && unit?.opBefore === '||') continue;
    // (a list whose every member succeeds, `true && echo ok`, ends it with 0 as the removed one did)
    const members = snippet.commands.filter((c) => snippet.units[c.unit]?.chain === chain);
    if (members.every((c) => c.stdout === null && INFALLIBLE.has(c.words[0]?.value ?? ''))) continue;
    return { now: file[now]!, was: file[was]!, where: script.kind === 'shell' ? script.file : `its text in ${script.file}` };
  }
  return null;
}

/**
 * A PowerShell text ends with the status of the last native program it ran, not of its last
 * statement: a PowerShell CI step, which its host ends with `exit $LASTEXITCODE`, and a `.ps1`
 * script, whose `$LASTEXITCODE` a PowerShell caller (`./build.ps1` in such a step) reads after
 * it. A native program's failure does not stop PowerShell (not even under `$ErrorActionPreference
 * = 'Stop'`), so one that failed before the last went by unnoticed. Removing the last one (the
 * builder build, an extraction step) makes an earlier one that stays the last: its failure
 * would now fail the text. Not one whose failure already ended the text (its `$LASTEXITCODE`
 * guard stays with it). The first such text, with its new and old last native commands; null
 * when none.
 */
function newLastExitCode(script: ScriptFile, removed: ReadonlySet<ScriptCommand>): { now: ScriptCommand; was: ScriptCommand; where: string } | null {
  const parts = (script as Partial<EmbeddedScript>).parts ?? [];
  const texts = new Map<object, { where: string; parts: typeof parts }>();
  for (const part of parts) {
    const host = part.snippet.host;
    const key = script.kind === 'powershell' ? script : host?.exitsWithLastExitCode !== undefined ? host : null;
    if (key === null) continue;
    const where = script.kind === 'powershell' ? script.file : host!.exitsWithLastExitCode!;
    if (!texts.has(key)) texts.set(key, { where, parts: [] });
    texts.get(key)!.parts.push(part);
  }
  for (const { where, parts: own } of texts.values()) {
    const natives = own.filter((p) => p.snippet.setsExitCode !== undefined && p.count > 0);
    const commands = (p: (typeof parts)[number]) => script.commands.slice(p.first, p.first + p.count);
    const was = natives[natives.length - 1];
    if (!was || !commands(was).every((c) => removed.has(c))) continue;
    const kept = natives.filter((p) => !commands(p).every((c) => removed.has(c)));
    const now = kept[kept.length - 1];
    if (!now || now.snippet.setsExitCode!.guarded) continue;
    return { now: commands(now)[0]!, was: commands(was)[0]!, where };
  }
  return null;
}

/**
 * A PowerShell CI step whose host does not end it with `exit $LASTEXITCODE`
 * (SnippetHost.statusUnmodelled): where the removal takes away its last statement or its last
 * native program and others stay, the one that now ends it (or is now the last native program)
 * may decide its status otherwise. The first such, with the new and the old one; null when none.
 */
function newLastStatement(script: ScriptFile, removed: ReadonlySet<ScriptCommand>): { now: ScriptCommand; was: ScriptCommand; where: string; native: boolean } | null {
  const parts = (script as Partial<EmbeddedScript>).parts ?? [];
  const texts = new Map<object, typeof parts>();
  for (const part of parts) {
    const host = part.snippet.host;
    if (host?.statusUnmodelled === undefined) continue;
    if (!texts.has(host)) texts.set(host, []);
    texts.get(host)!.push(part);
  }
  for (const [host, own] of texts) {
    const commands = (p: (typeof parts)[number]) => script.commands.slice(p.first, p.first + p.count);
    const gone = (p: (typeof parts)[number]) => commands(p).every((c) => removed.has(c));
    for (const native of [false, true]) {
      const all = own.filter((p) => p.count > 0 && (!native || p.snippet.setsExitCode !== undefined));
      const was = all[all.length - 1];
      if (!was || !gone(was)) continue;
      const now = all.filter((p) => !gone(p)).pop();
      if (now) return { now: commands(now)[0]!, was: commands(was)[0]!, where: (host as { statusUnmodelled: string }).statusUnmodelled, native };
    }
  }
  return null;
}

/** Builtins that succeed whatever their words (`echo` but for a write error on its output). */
const INFALLIBLE = new Set(['true', ':', 'echo']);

/** The variable a trap's text keeps the script's exit status in, `rc=$?` as its first statement (read with tree-sitter-bash), or null. */
function statusKeptIn(text: string): string | null {
  const first = parseWith('tree-sitter-bash', text).namedChildren[0];
  if (first?.type !== 'variable_assignment') return null;
  const [name, value] = first.namedChildren;
  const special = value?.type === 'simple_expansion' ? value.namedChildren[0] : null;
  if (name?.type !== 'variable_name' || special?.type !== 'special_variable_name' || text.slice(special.startIndex, special.endIndex) !== '?') return null;
  return text.slice(name.startIndex, name.endIndex);
}

/**
 * A removed container named by a command the docker model does not read as docker's
 * (./hidden-docker.ts): inside a shell's `-c` text, behind a wrapper the tool does not know, in
 * a command line a program is given, or given to a program the tool does not model
 * (`./cleanup.sh relay-x`). A text written out in full that only removes such containers goes
 * (harmless left where its failure is ignored); anything else refuses. True when it named one.
 */
function checkHidden(cmd: ScriptCommand, effect: HostEffect, script: ScriptFile, removed: Removed, refuse: Refuse, drop: Drop, dockerCheck: (inv: DockerInvocation, inner: ScriptCommand, refuse: Refuse) => void): boolean {
  const hidden = hiddenCommands(cmd, effect.known);
  const inner = hidden.commands.map((c) => ({ c, inv: innerDocker(c) }));
  // Each docker command inside is checked as one the script runs itself (`sh -c 'docker build -f Dockerfile.debug .'` reading the artifact), refusing at this command.
  let refused = false;
  for (const { c, inv } of inner) {
    if (inv) dockerCheck(inv, c, (code, _c, message, hint) => {
      refused = true;
      refuse(code, cmd, `${message} (run by \`${shownCommand(cmd)}\`)`, hint);
    });
  }
  if (refused) return true;
  const named = inner.find(({ c, inv }) => usesRemovedVar(c.words, removed) || (inv !== null && dockerWords(inv).some((w) => removedContainer(w, removed))));
  const given = effect.known ? undefined : cmd.words.slice(effect.at + 1).find((w) => removedContainer(w, removed));
  if (!named && !given) return false;
  const cleanupOnly = ({ inv }: { inv: DockerInvocation | null }) => {
    const sub = inv?.verb === 'other' ? inv.cmd.words[inv.verbIndex]?.value ?? '' : inv?.verb;
    return !!inv && CONTAINER_CLEANUP.has(sub ?? '') && inv.operands.length > 0 && inv.operands.every((o) => removedContainer(o.word, removed));
  };
  const noop = ({ c }: { c: ScriptCommand }) => c.words.length === 1 && (c.words[0]!.value === 'true' || c.words[0]!.value === ':');
  if (hidden.exact && inner.every((x) => cleanupOnly(x) || noop(x))) {
    if (!failureIgnored(cmd, script)) drop(cmd, 'only removed a container the migration no longer makes');
    return true;
  }
  const through = hidden.exact ? 'in its shell text' : `through ${effect.program ?? 'a program only known at run time'}, which the tool does not read`;
  const what = named ? `runs \`${shownCommand(named.c)}\` ${through}: it uses` : `gives ${effect.program ?? 'a program only known at run time'}, which the tool does not model,`;
  refuse('REMOVED_NAME_USED', cmd, `\`${shownCommand(cmd)}\` ${what} a container the migration no longer makes`, 'Remove that command (the migrated script leaves no container behind), or run docker directly so the tool can read it, then run the tool again.');
  return true;
}

/** A command's docker invocation past any wrapper the tool reads options of (`chronic docker rm x` too, not only those the setups are read through). */
function innerDocker(c: ScriptCommand): DockerInvocation | null {
  const { at, known } = programAt(c.words);
  return known && isDockerProgram(c.words[at]) ? parseDockerCommand({ ...c, words: c.words.slice(at) }) : null;
}

/** The words a docker command may name a container by: every operand of a verb the model does not read (`logs`, `inspect`…). */
function dockerWords(inv: DockerInvocation): Word[] {
  return inv.verb === 'other' ? inv.cmd.words.slice(inv.verbIndex + 1).filter((w) => w.value === null || !w.value.startsWith('-')) : inv.operands.map((o) => o.word);
}

/** The Dockerfiles and ignore files the migration reads or rewrites. */
function setupDockerfiles(setup: Setup): string[] {
  const builds = [setup.builder, ...(setup.runtime ? [setup.runtime] : [])];
  const out = new Set<string>();
  for (const b of builds) {
    if (b.dockerfile) out.add(b.dockerfile).add(`${b.dockerfile}.dockerignore`);
    if (b.context !== null) out.add(b.context === '' ? '.dockerignore' : `${b.context}/.dockerignore`);
  }
  return [...out];
}

/**
 * `rm -rf out` after `cp out/app bin/app` put the file where the runtime build copies it: the
 * extracted file the runtime build does not read, and nothing later needs on the host, is only
 * thrown away. A forced removal succeeds whether or not it is there, so it can stay as it is.
 */
function discardsUnread(cmd: ScriptCommand, a: Artifact): boolean {
  return forcedRemoval(cmd) && !verboseRemoval(cmd) && a.consumers.length === 0 && !a.hostNeeded;
}

/**
 * A program the tool does not model (`python3 tools/stamp.py`), run between an artifact's
 * extraction and the runtime build that copies it from a folder holding it (or above it, or
 * only known at run time), may change it without naming it: the old image held what it left.
 * Programs known to touch no file no word names (`git push`, `kubectl apply`) are exempt;
 * `curl` and `wget` are not (`-O` names the file after the URL).
 */
function checkUnmodelledWindow(cmd: ScriptCommand, effect: HostEffect, setup: Setup, refuse: Refuse, phaseFor: (a: Artifact) => string, via: string): void {
  if (readsOnlyNamed(cmd, effect) && effect.program !== 'curl' && effect.program !== 'wget') return;
  const cwd = cmd.cwd;
  const hit = setup.artifacts.find((a) => a.consumers.length > 0 && phaseFor(a) === 'window' && (cwd === null || cwd === '' || a.hostPath === cwd || a.hostPath.startsWith(`${cwd}/`) || cwd.startsWith(`${a.hostPath}/`)));
  if (!hit) return;
  const where = cwd === null ? 'from a folder only known at run time' : `from ${cwd === '' ? 'the repository root' : cwd}`;
  refuse('HOST_POSTPROCESS', cmd, `\`${shownCommand(cmd)}\`${via} runs ${effect.program === null ? 'a program only known at run time' : 'a program the tool does not model'} ${where}, which holds ${hit.hostPath}, after it is extracted and before the runtime build copies it: it may change it, which \`COPY --from\` would skip`, 'Do that step in the builder Dockerfile (a RUN after the build), or move it after the runtime build; then run the tool again.');
}

/** Writes to the setup's Dockerfiles anywhere, and to artifact paths around the extraction. */
function checkFileEffects(cmd: ScriptCommand, writes: PathUse[], known: boolean, phase: string, program: string | null, setup: Setup, dockerfiles: string[], refuse: Refuse, phaseFor: (a: Artifact) => string, via = ''): void {
  for (const u of writes) {
    // A path only known at run time whose written tail is a Dockerfile's name (`"$PWD/Dockerfile"`) may be it.
    const tail = u.path === null ? u.word.raw.replace(/["']/g, '') : null;
    const df = dockerfiles.find((d) => { const m = meets(u, d); return m === 'at' || m === 'glob' || (tail !== null && tail.endsWith(`/${d.split('/').pop()}`)); });
    if (df) {
      const maybe = u.path === null ? ` may write ${df} (\`${u.word.raw}\`, a path only known at run time that ends in its name)` : ` writes ${df}`;
      refuse('DOCKERFILE_WRITTEN', cmd, `\`${shownCommand(cmd)}\`${via}${maybe} when the script runs, so the Dockerfiles the tool reads are not the ones that are built`, 'Commit the Dockerfile as it is built (or generate it before running the tool), then migrate.');
      return;
    }
  }
  if (phase === 'after') return;
  for (const a of setup.artifacts) {
    for (const u of writes) {
      const m = meets(u, a.hostPath);
      if (m === null) continue;
      if (phaseFor(a) === 'window') {
        if (discardsUnread(cmd, a)) continue;
        refuse('HOST_POSTPROCESS', cmd, `\`${shownCommand(cmd)}\`${via} ${known ? 'changes' : 'is given, and may change,'} ${a.hostPath} after it is extracted and before the runtime build copies it, which \`COPY --from\` would skip`, 'Do that step in the builder Dockerfile (a RUN after the build), then run the tool again.');
        return;
      }
      // Before the extraction: making or removing the destination is modelled; filling it is not.
      const dirStep = program === 'mkdir' || program === 'rm' || program === 'rmdir';
      if (m === 'under' || ((m === 'at' || m === 'over') && !dirStep)) {
        refuse('HOST_POSTPROCESS', cmd, `\`${shownCommand(cmd)}\`${via} puts files at ${a.hostPath} before it is extracted, so the runtime build copied more than the builder's files`, 'Do that step in the builder Dockerfile, then run the tool again.');
        return;
      }
    }
  }
}

/**
 * A volume over (or under) the path copied out: `docker cp` of the container, or the run's own
 * `cat`, `tar -c` or `cp` (`docker run -v "$PWD/src:/src" IMG cat /src/app > app`), read the
 * host folder, not the image. A run that writes its output through a mount is given that one
 * mount: its folder is the artifact (`-v "$PWD/out:/out" IMG make`), or the copy's destination.
 * (A stock toolchain image's mounted sources are modelled where its stage is made: ../analyze/stock-image.ts.)
 */
function checkVolumes(setup: Setup, removed: Removed, refuse: Refuse): void {
  for (const c of removed.commands) {
    const inv = dockerInvocation(c);
    if (!inv || (inv.verb !== 'create' && inv.verb !== 'run')) continue;
    const keys = [flagValues(inv, '--name')[0], null].map((w) => (w ? wordKey(w) : c.stdout?.kind === 'capture' ? c.stdout.symbol : null)).filter((k): k is string => k !== null);
    const copied = setup.artifacts.filter((a) => (a.via.verb === 'cp' && keys.some((k) => wordKey(a.via.operands[0]!.word).startsWith(`${k}:`))) || (a.via.verb === 'run' && a.via.cmd === c && !setup.builder.stock));
    if (copied.length === 0) continue;
    for (const f of inv.flags.filter((x) => x.name === '--volume' || x.name === '--mount' || x.name === '--volumes-from' || x.name === '--tmpfs')) {
      const target = f.value ? volumeTarget(f.name, wordKey(f.value)) : null;
      const host = f.value ? mountHostSide(f.name, f.value, c) : null;
      const output = (a: Artifact) => a.via.verb === 'run' && typeof host === 'string' && (host === '' || a.hostPath === host || a.hostPath.startsWith(`${host}/`));
      const hit = copied.find((a) =>
        output(a)
          ? target !== null && target !== a.containerPath && a.containerPath.startsWith(`${target === '/' ? '' : target}/`)
          : target === null || target === a.containerPath || a.containerPath.startsWith(`${target}/`) || target.startsWith(`${a.containerPath}/`) || target === '/',
      );
      if (hit) {
        const how = hit.via.verb === 'cp' ? '`docker cp`' : 'the container';
        refuse('ARTIFACT_VOLUME', c, `\`${shownCommand(c)}\` mounts ${target === null ? 'volumes whose paths are not known' : `a volume at ${target}`}, so ${how} read ${hit.containerPath} from the volume, not from the builder image`, 'Copy from a container without that volume, or migrate by hand.');
        return;
      }
    }
  }
}

/** The container path of `-v host:/ctr[:opts]`, `-v /ctr`, `--mount …,target=/ctr`, `--tmpfs /ctr`. */
function volumeTarget(flag: string, v: string): string | null {
  if (flag === '--volumes-from') return null;
  const clean = (p: string | undefined) => (p && p.startsWith('/') ? p.replace(/\/+$/, '') || '/' : null);
  if (flag === '--mount') return clean(v.split(',').map((kv) => kv.split('=')).find(([k]) => k === 'target' || k === 'dst' || k === 'destination')?.[1]);
  const parts = v.split(':');
  return clean(flag === '--tmpfs' || parts.length === 1 ? parts[0] : parts[1]);
}

/** A CI key or step that takes an artifact from the job's folder, but not exactly where an export build would write it, refuses. */
function checkWorkspaceReads(setup: Setup, script: ScriptFile, sequence: readonly ScriptCommand[] | undefined, refuse: Refuse): void {
  const hit = inexactRead(script, setup, setup.builder.inv.cmd.words[0]!, sequence);
  if (hit) refuse('ARTIFACT_USED_ON_HOST', { ...setup.builder.inv.cmd, line: hit.line }, hit.message, hit.hint ?? 'Have the key or step read the artifact (or the folder it is extracted into) by its own path, or migrate by hand.');
}

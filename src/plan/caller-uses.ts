/**
 * What a caller of a setup's script does after running it. A script, Makefile recipe, npm
 * script or CI step that runs `sh build.sh` (./src/analyze/callers.ts finds those calls) and
 * then runs the extracted binary (`./relay --selftest`), packs the folder holding it, or
 * removes the extraction's container used the host state the old script left behind; the
 * migrated script no longer leaves it there.
 *
 * So each caller's commands (in any order: a Makefile target or another job may run after the
 * call whatever their place in the file) are checked as the setup's own later commands are
 * (src/analyze/later-uses.ts: a program the tool does not model run from a folder holding an
 * artifact counts, and a script the caller runs is read through): one that uses an artifact
 * keeps it on the host (an export stage,
 * with the reason named); one that names the extraction's container refuses the setup
 * (REMOVED_NAME_USED); one that reads a file a removed command wrote (`grep -q Successfully
 * build.log`, ./removed-outputs.ts) refuses it too (REMOVED_OUTPUT_USED), as do the neighbours,
 * far scripts and sibling entries below. A removal that cannot fail (`rm -f relay`) is no use. Callers are the
 * files the analysis read and the files the walk kept as possible callers (no docker in them).
 */
import { envPrefix } from '../model/wrappers.js';
import path from 'node:path/posix';
import { scriptKindOf, readScript, setupCommands, type Analysis } from '../analyze/index.js';
import { calledTargets } from '../analyze/callers.js';
import { inlineCommands } from '../analyze/script-runs.js';
import { artifactRead, artifactUse } from '../analyze/host-uses.js';
import { laterUse } from '../analyze/later-uses.js';
import { wordKey } from '../analyze/extractions.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, dockerVariable, flagValues } from '../model/docker-command.js';
import { inEnvironment } from './export-build.js';
import type { RepoFs } from '../model/fs.js';
import { folderOf, resolveRel } from '../model/paths.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import { keepsBuilderImage, type Setup } from '../model/setup.js';
import { hostVarNote, unreadConcerns, type EmbeddedScript } from '../analyze/embedded.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { readsArtifact } from './host-effects.js';
import { tagSetByCaller } from './caller-tags.js';
import { markFarUses } from './far-uses.js';
import { forcedRemoval } from './forced-removal.js';
import { inPlace, jobOf, leftOutputs, outputRead, outputTaken, rewritten, sameJob, unknownOutput, untoldRead, type Output } from './removed-outputs.js';
import { callerShell, callOutputs, Descriptors, pipeReaders, redirectText } from './descriptor-outputs.js';
import { readMeets, workspaceReads } from './workspace-reads/index.js';
import { ruleNamingFile } from './make-file-order.js';
import { timeReadOf } from './time-reads.js';
import { markUnknownProgram } from './tag-mentions.js';
import { markPassedOverCallers, markPassedOverRunnerCallers, markUnreadableNamers, RUNNERS } from './passed-over-callers.js';
import { foldersReached, runnerFolder, runnerOf, runsFileFrom } from './runner-calls.js';
import { markHookSkippingCall } from './hook-callers.js';
import { markPassedArguments } from './script-arguments.js';
import { binRuns, packageBins } from './package-bins.js';
import { sameShell, setsUmask, umaskSet } from '../analyze/host-umask.js';
import { addTo } from '../model/multimap.js';
import { markPackedArtifacts } from './packed-artifacts.js';
import { unknownProgramWord } from '../analyze/unknown-program.js';


/** What a later build needs to read its Dockerfile: the repository and the Dockerfiles read so far. */
interface BuildReading {
  fs: RepoFs;
  dockerfiles: ReadonlyMap<string, DockerfileFacts | null>;
  /** The scripts the analysis read (a setup's own, for what it removes afterwards). */
  scripts: ReadonlyMap<string, ScriptFile>;
}

export function markCallerUses(analysis: Analysis, fs: RepoFs): void {
  const reading: BuildReading = { fs, dockerfiles: analysis.dockerfiles, scripts: analysis.scripts };
  markSiblingUses(analysis, reading);
  const byScript = new Map<string, Setup[]>();
  for (const s of analysis.setups) {
    // Only a shell script is run by its path (./src/analyze/script-runs.ts).
    if (!s.runtime || s.diagnostics.some((d) => d.severity === 'error') || analysis.scripts.get(s.script)?.kind !== 'shell') continue;
    addTo(byScript, s.script, s);
  }
  // A Python script or task runner's file that runs make or npm may run a Makefile's or package.json's setup, unread (./passed-over-callers.ts).
  const run = analysis.setups.flatMap((s) => {
    const runners = RUNNERS[analysis.scripts.get(s.script)?.kind ?? ''];
    return s.runtime && runners && !s.diagnostics.some((d) => d.severity === 'error') ? [{ setup: s, runners }] : [];
  });
  markPassedOverRunnerCallers(analysis, fs, run, (s, p) => !removedByScript(s, p));
  // A file of a kind read as a script that could not be read (a shell script that does not parse) may use any of them (./passed-over-callers.ts).
  const open = analysis.setups.filter((s) => s.runtime && !s.diagnostics.some((d) => d.severity === 'error'));
  markUnreadableNamers(analysis, fs, open, extractionContainers, (s, p) => !removedByScript(s, p));
  // A script, recipe or CI step that runs make or npm there may run such a setup, then use what it left (./runner-calls.ts).
  markRunnerCallers(analysis, fs, run, reading);
  // With no shell script to be called, the neighbours and far scripts are still read (a Makefile's or package.json's setup).
  if (byScript.size === 0) {
    markNeighbourUses(analysis, fs, reading, new Map());
    return;
  }
  const targets = new Set(byScript.keys());
  const byName = new Map<string, string[]>();
  for (const t of targets) addTo(byName, path.basename(t), t);
  // A package's `bin` entry runs its script by another name (`npx build-image`: ./package-bins.ts).
  const bins = new Map<string, string[]>();
  for (const [bin, t] of packageBins(analysis, fs)) if (targets.has(t)) addTo(bins, bin, t);
  const names = [...byName.keys(), ...bins.keys()];
  const callersOf = new Map<string, Set<string>>();
  // In path order, whatever order the walk found them in: the first use found is the one named.
  for (const rel of [...new Set([...analysis.files, ...(analysis.quiet ?? [])])].sort()) {
    const text = fs.readText(rel);
    if (text === null || !names.some((n) => text.includes(n))) continue;
    const script = callerScript(analysis, fs, rel, text);
    if (!script) continue;
    const calls = script.commands.flatMap((cmd) => [...new Set([...calledTargets(cmd, targets, byName, script.text), ...binRuns(cmd, bins)])].filter((t) => t !== rel).map((t) => ({ cmd, target: t })));
    const callCmds = new Set(calls.map((c) => c.cmd));
    for (const { cmd: call, target } of calls) {
      for (const setup of byScript.get(target)!) checkCaller(setup, script, call, callCmds, reading);
      callersOf.set(target, (callersOf.get(target) ?? new Set()).add(rel));
    }
  }
  markUpperCallers(analysis, fs, byScript, callersOf, reading);
  // A Python script or task runner's file that names the script may run it, unread (./passed-over-callers.ts).
  markPassedOverCallers(analysis, fs, byScript, (s, p) => !removedByScript(s, p));
  markNeighbourUses(analysis, fs, reading, callersOf);
}

/**
 * How many levels of callers above a script's own are read as its callers: each level reads only
 * the callers new to it (a file already read as a setup script's caller is not read again), so
 * the search ends where the chain does; the bound only guards against a pathological repository.
 */
const UPPER_LEVELS = 12;

/**
 * A file that runs a shell script calling the setup's script (a CI step or a script running
 * `./ci.sh`, whose `./build.sh` runs the setup) runs the setup's script then too: its later
 * commands, steps and keys may read what the script left (an artifact, a log it wrote, a file
 * ci.sh sent its output to) as a direct caller's may, and it is checked as one (however many
 * levels up: a GitHub step `./c.sh` running b.sh, a.sh, ci.sh, then build.sh). A CI file is never searched as a neighbour (its job starts from a checkout of its own),
 * so this is where such a job is read. `callersOf` gains the files found, which the neighbour
 * search then leaves to this reading.
 */
function markUpperCallers(analysis: Analysis, fs: RepoFs, byScript: ReadonlyMap<string, readonly Setup[]>, callersOf: Map<string, Set<string>>, reading: BuildReading): void {
  const isShell = (rel: string) => (analysis.scripts.get(rel)?.kind ?? scriptKindOf(rel, fs.readText(rel) ?? '')) === 'shell';
  // (each caller with the setup scripts it runs, by a call or through callers of its own)
  let upper = new Map<string, Set<string>>();
  for (const [target, callers] of callersOf) for (const c of callers) if (c !== target && isShell(c)) (upper.get(c) ?? upper.set(c, new Set()).get(c)!).add(target);
  const files = [...new Set([...analysis.files, ...(analysis.quiet ?? [])])].sort();
  for (let level = 0; level < UPPER_LEVELS && upper.size > 0; level++) {
    const targets = new Set(upper.keys());
    const byName = new Map<string, string[]>();
    for (const t of targets) addTo(byName, path.basename(t), t);
    const next = new Map<string, Set<string>>();
    for (const rel of files) {
      const text = fs.readText(rel);
      if (text === null || ![...byName.keys()].some((n) => text.includes(n))) continue;
      const script = callerScript(analysis, fs, rel, text);
      if (!script) continue;
      const calls = script.commands.flatMap((cmd) => calledTargets(cmd, targets, byName, script.text).filter((t) => t !== rel).map((t) => ({ cmd, via: t })));
      const callCmds = new Set(calls.map((c) => c.cmd));
      for (const { cmd, via } of calls) {
        for (const target of upper.get(via)!) {
          if (target === rel || callersOf.get(target)?.has(rel)) continue;
          for (const setup of byScript.get(target) ?? []) {
            if (setup.diagnostics.some((d) => d.severity === 'error')) continue;
            // (with the files the caller it runs sent the script's output to, which this one may read, and then holds as they are)
            const sent = sentBy(setup, via);
            checkCaller(setup, script, cmd, callCmds, reading, sent);
            recordSent(setup, rel, sent);
          }
          callersOf.set(target, (callersOf.get(target) ?? new Set()).add(rel));
          if (script.kind === 'shell') (next.get(rel) ?? next.set(rel, new Set()).get(rel)!).add(target);
        }
      }
    }
    upper = next;
  }
}

/**
 * The callers, among the files read, of a Makefile's or package.json's setup: commands that run its runner where it may reach that file.
 * A call that may reach any file is checked against every setup of its runner; one run from a
 * known folder only against the setups in the folders it reaches (./runner-calls.ts), so the
 * search grows with the files and setups, not with their product. Each setup is checked with
 * its first call in the file, in the order of `run`.
 */
function markRunnerCallers(analysis: Analysis, fs: RepoFs, run: readonly { setup: Setup; runners: readonly string[] }[], reading: BuildReading): void {
  if (run.length === 0) return;
  const runners = new Set(run.flatMap((r) => r.runners));
  const byFolder = new Map<string, number[]>();
  const byRunner = new Map<string, number[]>();
  run.forEach(({ setup, runners: own }, k) => {
    addTo(byFolder, folderOf(setup.script), k);
    for (const r of own) addTo(byRunner, r, k);
  });
  for (const rel of [...new Set([...analysis.files, ...(analysis.quiet ?? [])])].sort()) {
    const text = fs.readText(rel);
    if (text === null || ![...runners].some((w) => text.includes(w))) continue;
    const script = callerScript(analysis, fs, rel, text);
    if (!script) continue;
    const calls = script.commands.flatMap((cmd) => {
      const runner = runnerOf(cmd, runners);
      return runner === null ? [] : [{ cmd, runner, folder: runnerFolder(cmd, runner) }];
    });
    if (calls.length === 0) continue;
    const callCmds = new Set(calls.map((c) => c.cmd));
    const candidates = new Set<number>();
    for (const c of calls) {
      if (c.folder === null) for (const k of byRunner.get(c.runner) ?? []) candidates.add(k);
      else for (const dir of foldersReached(c.runner, c.folder)) for (const k of byFolder.get(dir) ?? []) candidates.add(k);
    }
    for (const k of [...candidates].sort((x, y) => x - y)) {
      const { setup, runners: own } = run[k]!;
      const reaching = calls.filter((c) => own.includes(c.runner) && (c.folder === null || runsFileFrom(c.runner, c.folder, setup.script)));
      // Each may run the script without the pre/post scripts the setup's steps are in (./hook-callers.ts), a sibling script too.
      for (const c of reaching) {
        markHookSkippingCall(setup, reading.scripts.get(setup.script), script, c.cmd, c.runner);
        // And words it hands the script, which reach its last command (./script-arguments.ts).
        markPassedArguments(setup, reading.scripts.get(setup.script), script, c.cmd, c.runner);
      }
      // The setup's own file: its other targets and scripts are its siblings (markSiblingUses).
      if (setup.script === rel) continue;
      if (reaching.length > 0) checkCaller(setup, script, reaching[0]!.cmd, callCmds, reading);
    }
  }
}

/** Kinds of script a person runs by hand in the working tree (CI jobs start from a fresh checkout). */
const LOCAL_KINDS: ReadonlySet<ScriptFile['kind']> = new Set(['shell', 'make', 'package-json', 'javascript']);

/**
 * Scripts beside the setup's script (or beside what it extracts) that neither call it nor are
 * called by it, run by hand after it (`./build.sh`, then `./debug.sh` building an image that
 * COPYs the binary it left, or `./run.sh` starting it): they found the artifact the old script
 * left behind. Each is checked for reads as a sibling target is, and a read keeps the artifact
 * on the host through an export stage, which writes it where the old script left it. The
 * folders of the setup's script and of its artifacts are searched whole; a script elsewhere is
 * checked where it names the artifact by a path (./far-uses.ts). A script there may say no
 * docker at all (the walk passed it over, src/discover: `run.sh` running `./relay`).
 */
function markNeighbourUses(analysis: Analysis, fs: RepoFs, reading: BuildReading, callersOf: ReadonlyMap<string, ReadonlySet<string>>): void {
  // A setup whose artifacts all stay on the host may still leave files the migration no longer writes (./removed-outputs.ts).
  // (and the files its callers sent its output to: `./build.sh > build.log` in ci.sh, then release.sh running ci.sh and reading build.log)
  const outputsOf = new Map(analysis.setups.map((s) => [s, [...leftOutputs(s, analysis.scripts.get(s.script), fs), ...sentBy(s)].map((o) => o.path!)]));
  const setups = analysis.setups.filter((s) => s.runtime && !s.diagnostics.some((d) => d.severity === 'error') && (s.artifacts.some((a) => !a.hostNeeded && !removedByScript(s, a.hostPath)) || outputsOf.get(s)!.length > 0));
  if (setups.length === 0) return;
  const inFolder = new Map<string, string[]>();
  // The files the walk kept, and the script candidates it passed over for not saying docker (`run.sh`: `./relay`).
  for (const rel of new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])) {
    addTo(inFolder, folderOf(rel), rel);
  }
  const own = new Set(analysis.setups.flatMap(setupCommands));
  const scriptOf = (rel: string) => {
    const text = fs.readText(rel);
    return text === null ? null : callerScript(analysis, fs, rel, text);
  };
  const filesOf = setups.map((setup) => {
    const folders = new Set([folderOf(setup.script), ...setup.artifacts.map((a) => folderOf(a.hostPath)), ...outputsOf.get(setup)!.map(folderOf)]);
    const skip = callersOf.get(setup.script) ?? new Set<string>();
    return [...folders].flatMap((f) => inFolder.get(f) ?? []).filter((rel) => rel !== setup.script && !skip.has(rel)).sort();
  });
  // A file read for several setups (those of one folder) is read once, and let go after its last
  // setup: held to the end, the scripts read here were about 46 MiB of the 10x tree's peak.
  const uses = new Map<string, number>();
  for (const files of filesOf) for (const rel of files) uses.set(rel, (uses.get(rel) ?? 0) + 1);
  const scripts = new Map<string, ScriptFile | null>();
  setups.forEach((setup, k) => {
    for (const rel of filesOf[k]!) {
      const script = scripts.has(rel) ? scripts.get(rel)! : scriptOf(rel);
      const left = uses.get(rel)! - 1;
      uses.set(rel, left);
      if (left === 0) scripts.delete(rel);
      else scripts.set(rel, script);
      if (!script || !LOCAL_KINDS.has(script.kind) || calledBy(script, setup.script)) continue;
      const commands = script.commands.filter((c) => !own.has(c));
      checkLater(setup, commands, new Set(), `, in ${rel}, which may be run after ${setup.script} left it there`, artifactRead, reading, { commands, ordered: script.kind === 'shell', also: sentBy(setup) });
    }
  });
  // Each file is read there once.
  markFarUses({
    analysis,
    fs,
    setups,
    own,
    scriptOf,
    outputs: (setup) => outputsOf.get(setup) ?? [],
    skip: (setup, rel, script) => rel === setup.script || (callersOf.get(setup.script)?.has(rel) ?? false) || calledBy(script, setup.script),
    check: (setup, commands, after, kind) => checkLater(setup, commands, new Set(), after, artifactRead, reading, { commands, ordered: kind === 'shell', also: sentBy(setup) }),
  });
}

/** Whether the script runs `target` itself (it is then a callee's caller, checked above, or its own setup). */
function calledBy(script: ScriptFile, target: string): boolean {
  const byName = new Map([[path.basename(target), [target]]]);
  return script.commands.some((cmd) => calledTargets(cmd, new Set([target]), byName, script.text).length > 0);
}

/** The script at `rel` as the analysis read it, or read now when the analysis passed it over (null: no script). */
export function callerScript(analysis: Analysis, fs: RepoFs, rel: string, text: string): ScriptFile | null {
  const known = analysis.scripts.get(rel);
  if (known) return known;
  const kind = scriptKindOf(rel, text);
  return kind === null ? null : readScript(kind, rel, text, fs).script;
}

/** Whether the setup's own cleanup removes `hostPath` (or a folder holding it) after the final build. */
function removedByScript(setup: Setup, hostPath: string): boolean {
  const removes = (cmd: ScriptCommand, k: number) => {
    const w = cmd.words[k];
    const p = w?.value == null || cmd.cwd === null ? null : resolveRel(cmd.cwd, w.value);
    return p !== null && (p === hostPath || p === '' || hostPath.startsWith(`${p}/`));
  };
  return setup.cleanup.some((c) => c.words[0]?.value === 'rm' && c.words.some((_, k) => k > 0 && removes(c, k))) || setup.cleanupWords.some(({ cmd, word }) => removes(cmd, word));
}

/** Kinds whose entries (Make targets, npm scripts) run one after another in the same working tree. */
const SAME_TREE_ENTRIES: ReadonlySet<ScriptFile['kind']> = new Set(['make', 'package-json']);

/**
 * The other entries of a Makefile or package.json that holds a setup (`make image smoke`,
 * `npm run image && npm run smoke`): the one that builds the image left the artifact and the
 * extraction's container behind for them, whatever their place in the file, so their commands
 * are checked as a caller's are. (CI jobs run on machines of their own, except those a CI file
 * marks as sharing one working folder, EmbeddedScript.sharedWorkspace: the other such jobs are
 * checked alike, but for one that clears the folder before its commands, cleanedFirst; a target
 * that has the builder's among its prerequisites holds the setup's steps itself:
 * SHARED_STEPS_DIFFER.)
 */
function markSiblingUses(analysis: Analysis, reading: BuildReading): void {
  for (const setup of analysis.setups) {
    const script = analysis.scripts.get(setup.script) as Partial<EmbeddedScript> | undefined;
    const shared = script?.sharedWorkspace;
    if (!setup.runtime || !script?.sequences || (!SAME_TREE_ENTRIES.has(script.kind!) && !shared) || setup.diagnostics.some((d) => d.severity === 'error')) continue;
    // npm packs the folder after a lifecycle hook that ran the setup (./packed-artifacts.ts).
    markPackedArtifacts(setup, script as ScriptFile, setupCommands(setup), (p) => !removedByScript(setup, p));
    const holding = script.sequences.filter((seq, k) => seq.includes(setup.builder.inv.cmd) && (!shared || shared[k]));
    if (holding.length === 0) continue;
    const own = new Set(holding.flat());
    const entry = (k: number) => (script.entries?.[k] ? `\`${script.entries[k]}\`` : 'another entry');
    const first = script.sequences.indexOf(holding[0]!);
    script.sequences.forEach((seq, k) => {
      if (shared && !shared[k]) return;
      if (script.cleanedFirst?.[k] && !holding.includes(seq)) return;
      const others = seq.filter((c) => !own.has(c));
      if (others.length === 0) return;
      // A sequence runs in its order (a target after its prerequisites).
      checkLater(setup, others, new Set(), `, in ${entry(k)} of ${setup.script}, which may run after ${entry(first)}`, artifactRead, reading, { commands: others, ordered: true });
    });
  }
}

/**
 * CI kinds whose jobs (the file's sequences) each start from a checkout of their own on a machine
 * of their own: a file one job's commands wrote is not in another's folder (an artifact or cache
 * passes it, and that is a CI-native read of the first job). A Jenkins agent's stages share one
 * workspace, so not every CI kind is here.
 */
const OWN_MACHINE_JOBS: ReadonlySet<ScriptFile['kind']> = new Set(['github-actions', 'gitlab-ci', 'circleci']);

/** `calls`: the caller's commands that run a setup's script (they are the calls, not uses). */
function checkCaller(setup: Setup, caller: ScriptFile, call: ScriptCommand, calls: ReadonlySet<ScriptCommand>, reading: BuildReading, also: readonly Output[] = []): void {
  const after = ` after running ${setup.script} (${call.file}:${call.line})`;
  // A caller that names the builder image through the script's environment may use it by that name (./caller-tags.ts).
  const named = setup.builderTagUsedElsewhere || setup.builderTagUnknown || setup.builderTagUsers.length > 0 ? null : tagSetByCaller(setup, reading.scripts.get(setup.script), call);
  if (named) setup.builderTagUsedElsewhere = { file: call.file, line: call.line, text: shownCommand(call), via: `${named} in the environment of ${setup.script}, which names the builder image otherwise than its fallback` };
  const sequence = (caller as Partial<EmbeddedScript>).sequences?.find((seq) => seq.includes(call)) ?? caller.commands;
  markUnreadSteps(setup, caller, sequence, call);
  // A package.json hook that runs the script: npm packs the folder afterwards (./packed-artifacts.ts).
  markPackedArtifacts(setup, caller, [call], (p) => !removedByScript(setup, p));
  // The script inherits the caller's umask (`umask 077 && ./build.sh`): modes the old steps took from it follow it (../analyze/host-umask.ts).
  const umask = setup.umaskModes ? sequence.slice(0, sequence.indexOf(call)).find((c) => setsUmask(c) && sameShell(caller, c, call)) : undefined;
  if (umask && !setup.diagnostics.some((d) => d.code === 'HOST_UMASK' && d.file === umask.file && d.line === umask.line)) setup.diagnostics.push(umaskSet(setup, umask, setup.umaskModes!, call));
  // And its environment: DOCKER_BUILDKIT picks the builder the script's builds run with where it sets none (./build-flags.ts).
  // (also through env: `env DOCKER_BUILDKIT=0 ./build.sh` runs the script with it, as `DOCKER_BUILDKIT=0 ./build.sh` does)
  const viaEnv = envPrefix(call)?.vars;
  if (viaEnv?.has('DOCKER_BUILDKIT') || inEnvironment(caller, call, 'DOCKER_BUILDKIT') || call.exported?.includes('DOCKER_BUILDKIT')) {
    const bk = viaEnv?.has('DOCKER_BUILDKIT') ? viaEnv.get('DOCKER_BUILDKIT')! : dockerVariable(call, 'DOCKER_BUILDKIT');
    if (bk !== undefined) {
      const why = hostVarNote(caller, call, 'DOCKER_BUILDKIT');
      // (one reason for every caller, or none said)
      setup.callerBuildkitWhy = setup.callerBuildkit === undefined ? why : setup.callerBuildkitWhy === why ? why : undefined;
      if (setup.callerBuildkitWhy === undefined) delete setup.callerBuildkitWhy;
      setup.callerBuildkit = setup.callerBuildkit === undefined || setup.callerBuildkit === bk ? bk : null;
    }
  }
  // A file the call wrote is in the folder of the job that made it, and in no other job's.
  const ownJob = OWN_MACHINE_JOBS.has(caller.kind);
  // In file order only when every call runs where it is written (not from a function, a branch or a loop).
  // The caller runs after the script as surely as the script's own later commands do, and is
  // read as they are (../analyze/later-uses.ts): a program the tool does not model, run from a
  // folder holding the artifact (`python3 ci/upload.py`), may read it; a script or function it
  // runs is read through. The files the removed commands wrote keep the narrower reading.
  const later: typeof artifactUse = (cmd, _inv, artifacts) => laterUse(cmd, artifacts, reading.fs, caller);
  checkLater(setup, caller.commands, calls, after, later, reading, { commands: ownJob ? sequence : caller.commands, ordered: [...calls].every(inPlace) && (ownJob || caller.kind === 'shell'), script: caller, also }, artifactUse);
  // A Make rule or a command of the caller going by an artifact's modification time (./time-reads.ts, ./make-file-order.ts).
  markCallerTimeReads(setup, caller, call, calls, after);
  // A CI file's keys and steps that take files from the folder of the job that made the call
  // (`actions/upload-artifact` `path: relay`, in any place: a cache is saved when the job ends)
  // read the artifact the old script left there, as in the setup's own job (../analyze/link.ts).
  const job = jobOf(caller, sequence);
  checkCallerWorkspaceReads(setup, caller, call, job, after);
  // And a file a removed command wrote (`path: build.log`), or one the call sent their output to
  // (`run: ./build.sh | tee build.log`), which a step that reads only once it runs finds only after the call.
  const own = reading.scripts.get(setup.script);
  const outputs = [...leftOutputs(setup, own, reading.fs), ...also];
  const through = own ? callerOutputs(setup, own, call, sequence, reading.fs, caller).filter((o) => o.path !== null || o.anywhere) : [];
  if (outputs.length === 0 && through.length === 0) return;
  for (const r of workspaceReads(caller.kind, caller.text)) {
    // (a file a program whose writes the tool cannot tell wrote may be the one the step reads)
    const untold = r.afterOnly === true && r.line < call.line ? [] : through.filter((o) => o.anywhere).map((o) => ({ ...o, path: r.path ?? '' }));
    const taken = r.afterOnly === true && r.line < call.line ? outputs : [...outputs, ...through.filter((o) => o.path !== null), ...untold];
    const d = sameJob(r, job) ? outputTaken(setup, r, caller.file, taken, after) : null;
    if (d && !setup.diagnostics.some((x) => x.code === d.code && x.file === d.file && x.line === d.line)) setup.diagnostics.push(d);
  }
}

/**
 * The artifacts whose modification time a caller goes by after running the script: a rule of a
 * Makefile caller naming one (or a folder holding one) as a target or prerequisite, which Make
 * runs or not by that time, or a command of the caller that reads it (`find . -newer dist/app`,
 * `[ main.go -nt dist/app ]`: in any order, as the caller's later uses are read). Kept on the
 * setup for its export build, which gives the file another time than the extraction did.
 */
function markCallerTimeReads(setup: Setup, caller: ScriptFile, call: ScriptCommand, calls: ReadonlySet<ScriptCommand>, after: string): void {
  const others = caller.commands.filter((c) => !calls.has(c));
  for (const a of setup.artifacts) {
    if (setup.callerTimeReads?.some((t) => t.hostPath === a.hostPath)) continue;
    const rule = ruleNamingFile(caller, [a.hostPath]);
    const timed = rule ? null : timeReadOf(others, [a.hostPath]);
    if (!rule && !timed) continue;
    const why = rule
      ? `a rule of ${caller.file}, which runs ${setup.script} (${call.file}:${call.line}), has ${rule.name}${rule.name.includes('$') ? ', a name only known once Make expands it,' : ''} as a ${rule.role}: Make runs that rule or not by the file's modification time`
      : `\`${shownCommand(timed!.cmd)}\` (${timed!.cmd.file}:${timed!.cmd.line}) ${timed!.how} ${timed!.word === '.' ? 'the folder holding it' : timed!.word}${after}`;
    (setup.callerTimeReads ??= []).push({ hostPath: a.hostPath, why, file: caller.file, line: rule ? rule.line ?? call.line : timed!.cmd.line });
  }
}

/**
 * A step of the caller's job the tool did not read (an `after_script` from a template it cannot
 * see, a PowerShell step that runs docker, a Python step after the call) may use the container,
 * the builder image or the artifacts the migration removes, as it may in the setup's own job
 * (../analyze/index.ts linkSequences): the setup is refused, the step named.
 */
function markUnreadSteps(setup: Setup, caller: ScriptFile, sequence: readonly ScriptCommand[], call: ScriptCommand): void {
  const embedded = caller as Partial<EmbeddedScript>;
  const n = embedded.sequences?.indexOf(sequence as ScriptCommand[]) ?? -1;
  if (n < 0) return;
  for (const u of embedded.unread ?? []) {
    if (u.sequence !== n || !unreadConcerns(u, [call], call.start)) continue;
    const d = u.diagnostic;
    if (setup.diagnostics.some((x) => x.code === d.code && x.file === d.file && x.line === d.line)) continue;
    setup.diagnostics.push({ ...d, severity: 'error', setup: setup.id, message: `${d.message}; the job runs ${setup.script} (${call.file}:${call.line})` });
  }
}

/**
 * The CI keys and steps of the caller's job that take an artifact from its folder, where an
 * export build writes it or over it (`path: .`, as a caller's `tar czf rel.tgz .`): each keeps it
 * on the host.
 */
function checkCallerWorkspaceReads(setup: Setup, caller: ScriptFile, call: ScriptCommand, job: string | undefined, after: string): void {
  for (const r of workspaceReads(caller.kind, caller.text)) {
    // (a step that reads only once it runs, an action of the repository or one the tool does not know, above the call finds nothing yet)
    if (!sameJob(r, job) || (r.afterOnly === true && r.line < call.line)) continue;
    for (const a of setup.artifacts) {
      if (a.hostNeeded || removedByScript(setup, a.hostPath) || readMeets(r, a.hostPath, call.words[0]!) === null) continue;
      a.hostNeeded = `${r.by} (${caller.file}:${r.line}) reads ${r.path === null ? 'a path only known at run time' : r.path === '' ? 'the whole checkout' : r.path}${after}`;
    }
  }
}

/** The names of the containers the setup's extraction creates (`docker create --name relay-x`), which the migration no longer makes. */
function extractionContainers(setup: Setup): string[] {
  return setup.extraction.flatMap((c) => {
    const inv = dockerInvocation(c);
    const name = inv && (inv.verb === 'create' || inv.verb === 'run') ? flagValues(inv, '--name')[0] : undefined;
    return name && name.value !== null ? [name.value] : [];
  });
}

/** Commands that may run after the setup's script did: each use of its container or artifact, named with `after`. */
function checkLater(setup: Setup, commands: readonly ScriptCommand[], skip: ReadonlySet<ScriptCommand>, after: string, uses: typeof artifactUse, reading: BuildReading, readers: OutputReaders = { commands, ordered: false }, outputUses: typeof artifactUse = uses): void {
  checkOutputReads(setup, readers, skip, after, outputUses, reading);
  const left = (hostPath: string) => !removedByScript(setup, hostPath);
  // A `sh -c` text written out in full runs its commands then (`sh -c "docker rm relay-x"`): each is checked too.
  commands = commands.flatMap((c) => (skip.has(c) ? [c] : [c, ...inlineCommands(c)]));
  const containers = new Set(extractionContainers(setup));
  for (const cmd of commands) if (!skip.has(cmd) && !dockerInvocation(cmd)) markUnknownProgram(setup, cmd);
  let unknown: { cmd: ScriptCommand; word: Word } | undefined;
  for (const cmd of commands) {
    if (skip.has(cmd) || forcedRemoval(cmd)) continue;
    const inv = dockerInvocation(cmd);
    if (inv) {
      const named = inv.operands.map((o) => wordKey(o.word)).find((k) => [...containers].some((c) => k === c || k.startsWith(`${c}:`)));
      if (named !== undefined) {
        if (setup.diagnostics.some((d) => d.code === 'REMOVED_NAME_USED' && d.file === cmd.file && d.line === cmd.line)) return;
        setup.diagnostics.push(diag('REMOVED_NAME_USED', 'error', `\`${shownCommand(cmd)}\` uses the container ${named.split(':')[0]} that ${setup.script} made${after}; the migration no longer makes it`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: 'Remove that command (the migrated script leaves no container behind), then run the tool again.' }));
        return;
      }
      // Another image built from a context the artifact was left in (`docker build -f
      // Dockerfile.debug .` with `COPY app /debug/app`) read it there.
      if (inv.verb === 'build') {
        for (const a of setup.artifacts.filter((x) => !x.hostNeeded && left(x.hostPath))) {
          const why = readsArtifact(inv, { ...setup, artifacts: [a] }, reading.fs, reading.dockerfiles, false);
          if (why) a.hostNeeded = `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) builds from it: ${why}${after}`;
        }
        continue;
      }
      if (inv.verb !== 'run' && inv.verb !== 'create') continue;
    }
    // An artifact the script removes itself (`rm ./relay` after the final build) was never there for the caller.
    const pending = setup.artifacts.filter((a) => !a.hostNeeded && left(a.hostPath));
    // Nothing left to find here; a later command may still name the container.
    if (pending.length === 0) continue;
    const used = uses(cmd, inv ?? null, pending);
    for (const art of used?.artifacts ?? []) art.hostNeeded = `${used!.why}${after}`;
    // A program only known at run time (`$(RELEASE)` holding `./build.sh && tar czf rel.tgz app`,
    // `$TOOL`, `sh -c "$CMD"`) may run the script and then use anything it left, as it may use the
    // builder image (markUnknownProgram): the first one is the reason for what no read names.
    const word = inv ? null : unknownProgramWord(cmd);
    if (word && !unknown) unknown = { cmd, word };
  }
  if (unknown) {
    const shown = shownCommand(unknown.cmd);
    const by = shown === unknown.word.raw ? '' : ` (\`${unknown.word.raw}\`)`;
    for (const art of setup.artifacts.filter((a) => !a.hostNeeded && left(a.hostPath))) art.hostNeeded = `\`${shown}\` (${unknown.cmd.file}:${unknown.cmd.line}) runs a program only known at run time${by}, which may use it${after}`;
  }
}

/**
 * The files the removed commands wrote (`> build.log`, ./removed-outputs.ts) disappear for a later
 * script as the artifacts do, but nothing writes them back: a read of one refuses the setup
 * (REMOVED_OUTPUT_USED). Read as the artifacts are, by the same commands (`uses`).
 */
function checkOutputReads(setup: Setup, readers: OutputReaders, skip: ReadonlySet<ScriptCommand>, after: string, uses: typeof artifactUse, reading: BuildReading): void {
  const own = reading.scripts.get(setup.script);
  const outputs = [...leftOutputs(setup, own, reading.fs), ...(readers.also ?? [])];
  let live = outputs;
  let carried = new Set<ScriptCommand>();
  let carrying: Output[] = [];
  let untold: Output[] = [];
  const push = (d: Diagnostic | null) => {
    if (d && !setup.diagnostics.some((x) => x.code === d.code && x.file === d.file && x.line === d.line)) setup.diagnostics.push(d);
  };
  for (const cmd of readers.commands) {
    // A call of the setup's script writes them again; and a file the call sends the script's
    // output to (`./build.sh > build.log 2>&1`, `./build.sh | tee build.log`) no longer gets
    // the removed commands' output.
    if (skip.has(cmd)) {
      const through = own ? callerOutputs(setup, own, cmd, readers.commands, reading.fs, readers.script) : [];
      // A path only known at run time (`./build.sh > "$LOG"`): what reads it cannot be told.
      for (const o of through.filter((x) => x.path === null && !x.anywhere)) push(unknownOutput(setup, o, cmd));
      // (a program whose writes the tool cannot tell may have written any file: ../plan/untold-writers.ts)
      untold = [...untold, ...through.filter((o) => o.anywhere)];
      // (a file an earlier call sent that output to keeps it: `./build.sh | tee build.log`, then `./build.sh`, then `cat build.log`)
      live = [...new Set([...live, ...outputs, ...through.filter((o) => o.path !== null)])];
      carried = new Set([...carried, ...pipeReaders(cmd, callerShell(readers.commands, cmd.file, readers.script))]);
      carrying = through;
    }
    if (skip.has(cmd) || forcedRemoval(cmd)) continue;
    // What a pipe from the call feeds (`| tee build.log`, `| gzip > log.gz`) writes those files
    // as the call runs: neither a read of them nor a write after it.
    if (carried.has(cmd)) {
      push(outputRead(setup, cmd, live.filter((o) => !carrying.includes(o)), uses, after, reading));
      continue;
    }
    push(outputRead(setup, cmd, live, uses, after, reading) ?? untoldRead(setup, cmd, untold, uses, after, reading));
    // Written anew on every path (`go test ./... > build.log`), a later read in the same run reads that.
    if (readers.ordered) for (const p of rewritten(cmd)) live = live.filter((o) => o.path !== p);
  }
}

/**
 * The files each setup's callers sent its script's output to (`./build.sh > build.log 2>&1` in
 * ci.sh), which the migration no longer writes either: a script that may run after such a
 * caller (release.sh running ci.sh, then `grep -q Successfully build.log`) is searched for
 * reads of them as for the script's own (markNeighbourUses).
 */
const sentByCallers = new WeakMap<Setup, Map<string, Output[]>>();

/** The files `setup`'s callers sent its output to: those of the caller `rel`, or of every caller. */
function sentBy(setup: Setup, rel?: string): Output[] {
  const all = sentByCallers.get(setup);
  if (!all) return [];
  const lists = rel === undefined ? [...all.values()] : [all.get(rel) ?? []];
  const out: Output[] = [];
  for (const o of lists.flat()) if (!out.some((x) => x.path === o.path)) out.push(o);
  return out;
}

/** Records that the caller `rel` sent `setup`'s output to `outputs`. */
function recordSent(setup: Setup, rel: string, outputs: readonly Output[]): void {
  if (outputs.length === 0) return;
  const all = sentByCallers.get(setup) ?? sentByCallers.set(setup, new Map()).get(setup)!;
  all.set(rel, [...(all.get(rel) ?? []), ...outputs]);
}

/** The files `call` sends the setup's script's output to that the commands the migration removes wrote into (../plan/descriptor-outputs.ts callOutputs); `commands`: the caller's, among them what a pipe from the call feeds. */
function callerOutputs(setup: Setup, script: ScriptFile, call: ScriptCommand, commands: readonly ScriptCommand[], fs: RepoFs, caller?: ScriptFile): Output[] {
  const removed = new Set([...(keepsBuilderImage(setup) ? [] : [setup.builder.inv.cmd]), ...setup.extraction, ...setup.cleanup]);
  // The caller's descriptors as the call runs (`exec > ci.log 2>&1` before it).
  const fds = new Descriptors(caller, undefined, fs);
  for (const c of commands) {
    fds.see(c);
    if (c === call) break;
  }
  const out = callOutputs(script, removed, call, callerShell(commands, call.file, caller), fds, fs).map(({ sink, by }): Output => {
    if (sink.anywhere && sink.exec) return { path: null, by, raw: sink.raw, via: `; its output may have gone there through \`${sink.raw}\` at ${sink.opener.file}:${sink.opener.line}, a file the tool cannot read sourced before the call, whose \`exec\` may open any file`, anywhere: true };
    if (sink.anywhere) return { path: null, by, raw: sink.raw, via: `; its output may have gone there through \`${sink.raw}\` of the call at ${call.file}:${call.line}, a program whose writes the tool does not know`, anywhere: true };
    const where = sink.exec ? `\`exec ${sink.opener.redirects.map(redirectText).join(' ')}\` at ${sink.opener.file}:${sink.opener.line}, which the call inherits` : `\`${sink.raw}\` of the call at ${call.file}:${call.line}`;
    return { path: sink.path, by, raw: sink.raw, via: `; its output went there through ${where}` };
  });
  recordSent(setup, call.file, out.filter((o) => o.path !== null && !o.anywhere));
  return out;
}

/**
 * The commands of a later script to check for reads of the removed outputs; `ordered` when they
 * run in that order, one run after another (a shell script, a CI job's steps, a Make target with
 * its prerequisites), not in an order the file does not fix (a Makefile's or package.json's entries).
 */
interface OutputReaders {
  commands: readonly ScriptCommand[];
  /** Files besides the script's own outputs that the migration no longer writes (those its callers sent its output to). */
  also?: readonly Output[];
  /** The file they are of, when they are one file's. */
  script?: ScriptFile;
  ordered: boolean;
}

/**
 * plan: pure. Setups → file changes (create / update / delete, updates as edits on the
 * original text) plus coded diagnostics and one-line notes that explain each decision.
 * A setup with any error is refused whole: none of its changes appear.
 */
import { makeOverridden } from './make-overridden-recipes.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import type { Analysis } from '../analyze/index.js';
import type { ShellScript } from '../analyze/shell.js';
import { unknownProgramWord } from '../analyze/unknown-program.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Progress } from '../model/progress.js';
import { dockerInvocation, dockerVariable } from '../model/docker-command.js';
import { applyEdits, type Edit } from '../model/edits.js';
import type { RepoFs } from '../model/fs.js';
import { dirStateAfter } from '../analyze/host-dirs.js';
import { keepsBuilderImage, type Artifact, type Setup } from '../model/setup.js';
import { mergeBuilders, mergeDockerfiles, type BuilderPart } from '../../transforms/dockerfile-merge.js';
import path from 'node:path/posix';
import { adapterFor } from '../../transforms/adapters.js';
import { shownCommand, type ScriptAdapter, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import { bakeBuilderArgs } from './baked-args.js';
import { passedArgs } from '../analyze/copy-variables.js';
import { builderOnlyPlatform, carryBuilderFlags, contextShadowedBy, stockRuntimeFlags, extractionEngines, PROXY_ARGS, readsProxy, runStepProxyLeaks, runtimeArgLeaks } from './build-flags.js';
import { ownTagRead } from './builder-bases.js';
import { checkBuildInputs } from './build-inputs.js';
import { callEnvironmentConflicts } from './call-environments.js';
import { composeOrigin, planCompose } from './compose.js';
import { builderRmisOfGroup, checkBuilderGroup, emptiedByGroup, groupStageNames, runtimeGroups } from './builder-group.js';
import { rewriteForSubfolder } from './context-subfolder.js';
import { decideSharedBase } from './shared-base.js';
import { announcements } from './announcements.js';
import { rereadScript, type WordChange } from './reread.js';
import { checkHostEffects } from './host-effects.js';
import { runStepLines, runtimeReadsRanStage } from './run-step.js';
import { runFailureIgnored, unwaitedBackground } from './run-failure.js';
import { REFUSED_HINT } from './runtime-rebuilds.js';
import { artifactKind, plainCopyChangesModes, renamedKind } from './artifact-kind.js';
import { hostChmodFiles, innerModes, type InnerMode } from './inner-modes.js';
import { checkBroadCopies } from './broad-copy-check.js';
import { siblingBuildEdits } from './context-siblings.js';
import { checkMergedStructure } from './merge-structure.js';
import { danglingContinuation } from './dangling-continuation.js';
import { EXPORT_KINDS, exportBuildEdit } from './export-build.js';
import { exportRecompiles } from './export-recompile.js';
import { placeholderTexts, showPlanPlaceholders } from './shown-placeholders.js';
import { exportIgnore, ignoreText, type IgnoreWrite } from './export-ignore.js';
import { sourcedVariableChange } from './sourced-variables.js';
import { linkedArtifactPaths } from './linked-artifact-path.js';
import { upToDateRule } from './make-up-to-date.js';
import { pipedFeeds } from './piped-feed.js';
import { sharedScriptEdit } from './shared-script.js';
import { removedNameUses } from './removed-names.js';
import { removedPrerequisite } from './make-prerequisites.js';
import { stockCarry, stockNote } from './stock-stage.js';
import { localImages } from './local-images.js';
import { includers, makeIncludes } from './make-includes.js';
import { hostVarNote, partHolding } from '../analyze/embedded.js';
import type { EmbeddedScript, MakeScript } from '../analyze/embedded.js';
import { isExpanded } from '../analyze/compose.js';
import { keepNamedBuilders, type Kept } from './builder-keep.js';
import { builderBuilds, buildMentions, extractionSteps, forgetBuilds } from './build-index.js';
import { partsOf, rootFacts, type RootFacts } from './parts.js';
import { canonicalImage } from '../model/image-ref.js';
import { dynamicTags } from '../analyze/dynamic-tag.js';
import { validateMerged } from './validate.js';
import { trimTrailingSlashes } from '../model/text.js';
import { applyVerdict, declinedProblem } from './verdicts.js';
import { checkWrappers } from './wrapped-docker.js';
import { finishDraft, prerequisiteMissing } from './blockers.js';
import type { Verdict } from '../model/verdict.js';
import { addTo } from '../model/multimap.js';
import { lossyText } from './lossy-texts.js';
import { ignoredChange, ignorePatterns, type IgnorePatterns } from './ignored-paths.js';

/** A consumer's proven kind, with why it is unproven for the refusal's message. */
const kindOf = (k: { kind: 'file' | 'folder' | null; why: string }) => ({ kind: k.kind, ...(k.why ? { kindWhy: k.why } : {}) });

export interface FileChange {
  path: string;
  action: 'create' | 'update' | 'delete';
  before: string | null;
  after: string | null;
  /** Setups this change belongs to (a shared script belongs to several). */
  setups: string[];
}

/** An artifact as the plan and its reports show it: where it was extracted, and each COPY that now reads it from a stage. */
export interface PlannedArtifact {
  containerPath: string;
  hostPath: string;
  extractedAt: { file: string; line: number };
  copies: { file: string; line: number; stagePath: string }[];
}

export interface SetupPlan {
  id: string;
  script: string;
  status: 'migrate' | 'refused';
  builderDockerfile: string | null;
  runtimeDockerfile: string | null;
  stage: string | null;
  finalTags: string[];
  artifacts: PlannedArtifact[];
  notes: string[];
  diagnostics: Diagnostic[];
  /** Paths of the file changes this setup needs. */
  changes: string[];
  /** What --verify found (an input of the plan: see PlanOptions.verdicts). */
  verification?: Verdict;
}

export interface Plan {
  setups: SetupPlan[];
  changes: FileChange[];
  diagnostics: Diagnostic[];
}

export interface PlanOptions {
  stageName: string;
  /** The user named the stage (--stage-name): a name already in use refuses instead of becoming `<name>-2`. */
  stageNameFixed?: boolean;
  /**
   * Setups the interactive review declined: planned as if they stay as they are (refused with
   * DECLINED), so the setups accepted are planned for a tree where those scripts do not change
   * (src/review/declined.ts).
   */
  declined?: ReadonlySet<string>;
  /** Told how many setups have been drafted so far. */
  progress?: Progress;
  /**
   * Nothing plans this analysis again (the CLI without --verify): each part of the root lets
   * its scripts and setups go once it is planned (./parts.ts), and the analysis is left
   * without its setups.
   */
  release?: boolean;
  /** --verify's findings by setup id: a setup that did not verify is refused. */
  verdicts?: ReadonlyMap<string, Verdict>;
  /**
   * --ignore patterns (gitignore syntax, relative to the root): a setup whose changes would touch
   * a file they leave out is refused (IGNORED_PATH, ./ignored-paths.ts).
   */
  ignore?: readonly string[];
  /**
   * For tests only (the CLI never sets it): rewrites each planned change, so a test can break
   * an otherwise correct plan and show that --verify catches it.
   */
  perturb?: (change: FileChange) => FileChange;
}

interface ScriptWork {
  deletes: number[];
  edits: Edit[];
  /** The same in-place changes, as the words each command must read as afterwards (checked by reread). */
  rewrites: WordChange[];
}

export interface Draft {
  setup: Setup;
  plan: SetupPlan;
  dockerfile: { path: string; before: string; after: string } | null;
  deleteBuilder: string | null;
  script: ScriptWork;
  /** What the merge of this setup's builder took, and the notes it gave (a group merges again). */
  merge: { part: BuilderPart; notes: string[]; builder: DockerfileFacts; runtime: DockerfileFacts } | null;
  /** Setups whose builders are merged into this draft's Dockerfile with it. */
  group: string[] | null;
  /** The merged Dockerfile's own ignore file, written when an export build would land files its builder stage reads (./export-ignore.ts). */
  ignore: IgnoreWrite | null;
}

export function planMigration(analysis: Analysis, fs: RepoFs, opts: PlanOptions): Plan {
  // The root in independent parts (./parts.ts), each with the facts of the whole root.
  const facts = rootFacts(analysis, fs);
  // (taken now: a part's scripts go once it is planned)
  const placeholders = placeholderTexts(analysis.scripts.values());
  const all: (Setup | null)[] = [...analysis.setups];
  const total = all.length;
  const plans: SetupPlan[] = new Array(total);
  const changes: FileChange[] = [];
  const kept: KeptDraft[] = [];
  let drafted = 0;
  const drafting = () => {
    if (opts.progress && drafted % 32 === 0) opts.progress('planning', drafted, total);
    drafted++;
  };
  const parts = partsOf(analysis);
  if (opts.release) analysis.setups = [];
  const ignore = ignorePatterns(opts.ignore);
  for (const part of parts) {
    const setups = part.map((i) => all[i]!);
    const done = planPart(setups, analysis, fs, opts, facts, drafting, ignore);
    part.forEach((i, k) => (plans[i] = done.plans[k]!));
    changes.push(...done.changes);
    kept.push(...done.kept);
    if (!opts.release) continue;
    // Nothing plans this part again: its scripts and setups go (the builds they hold with them).
    const scripts = new Set(setups.map((s) => s.script));
    forgetBuilds(analysis, scripts);
    for (const f of scripts) analysis.scripts.delete(f);
    for (const i of part) all[i] = null;
  }
  opts.progress?.('planning', total, total);

  keepNamedBuilders(kept, facts.namings, changes);
  // Maps, not nested filters: a monorepo sweep plans thousands of setups.
  const deletions = new Map<string, FileChange>();
  for (const d of kept) {
    if (d.dockerfile) changes.push(d.dockerfile);
    if (!d.deleteBuilder) continue;
    const gone = deletions.get(d.deleteBuilder);
    if (gone) gone.setups.push(d.plan.id);
    else {
      const change: FileChange = { path: d.deleteBuilder, action: 'delete', before: fs.readText(d.deleteBuilder), after: null, setups: [d.plan.id] };
      deletions.set(d.deleteBuilder, change);
      changes.push(change);
    }
  }
  // The merged Dockerfiles' own ignore files (./export-ignore.ts): the builders of one group add their rules to one file.
  const ignores = new Map<string, { write: IgnoreWrite; setups: string[] }>();
  for (const d of kept) {
    if (!d.ignore) continue;
    const held = ignores.get(d.ignore.path);
    if (!held) ignores.set(d.ignore.path, { write: { ...d.ignore, lines: [...d.ignore.lines] }, setups: [d.plan.id] });
    else {
      held.write.lines.push(...d.ignore.lines.filter((l) => !held.write.lines.includes(l)));
      held.setups.push(d.plan.id);
    }
  }
  for (const { write, setups } of ignores.values()) changes.push({ path: write.path, action: write.before === null ? 'create' : 'update', before: write.before, after: ignoreText(write), setups });
  const pathsOf = new Map<string, string[]>();
  for (const c of changes) for (const id of c.setups) addTo(pathsOf, id, c.path);
  for (const d of kept) d.plan.changes = pathsOf.get(d.plan.id) ?? [];
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (opts.perturb) changes.splice(0, changes.length, ...changes.map(opts.perturb));

  const diagnostics = [...analysis.diagnostics];
  if (total === 0) {
    diagnostics.push(diag('NO_SETUP', 'info', 'no builder-pattern setup found (a script that builds an image, copies files out of a container made from it, and builds another image that COPYs them)'));
  }
  const plan = { setups: plans, changes, diagnostics };
  showPlanPlaceholders(plan, placeholders);
  return plan;
}

/** What the end of the plan keeps of a setup that migrates: its merged Dockerfile's change, and the builder it may delete. */
type KeptDraft = Kept & { dockerfile: FileChange | null; ignore: IgnoreWrite | null };

/**
 * One part of a root (./parts.ts): its setups' plans in their order, the changes to its scripts
 * and compose files, and what the end of the plan needs of each setup that migrates.
 */
function planPart(setups: Setup[], analysis: Analysis, fs: RepoFs, opts: PlanOptions, facts: RootFacts, drafting: () => void, ignore: IgnorePatterns | null): { plans: SetupPlan[]; changes: FileChange[]; kept: KeptDraft[] } {
  // Builders feeding one runtime build get stage names that tell them apart.
  const groups = runtimeGroups(setups);
  const stageNames = new Map<string, string>();
  for (const g of groups) groupStageNames(g, opts.stageName).forEach((n, i) => stageNames.set(g[i]!.id, n));
  const drafts = setups.map((s) => {
    drafting();
    return draftSetup(s, analysis, fs, { ...opts, stageName: stageNames.get(s.id) ?? opts.stageName }, facts);
  });
  for (const d of drafts) {
    const problem = d.plan.status === 'migrate' ? (declinedProblem(d.plan, opts.declined) ?? applyVerdict(d.plan, opts.verdicts?.get(d.plan.id))) : null;
    if (problem) refuse(d, problem);
  }
  const planned = drafts.filter((d) => d.plan.status === 'migrate');
  const draftOf = new Map(planned.map((d) => [d.setup, d]));
  for (const g of groups) {
    const members = g.map((s) => draftOf.get(s)).filter((d): d is Draft => d?.plan.status === 'migrate');
    if (members.length > 1) mergeGroup(members, analysis, fs, opts);
  }

  // A refused setup keeps its script, whose final build of the same runtime Dockerfile copied
  // what its own extraction left: merged, that build would compile the builder stage instead.
  const staying = drafts.filter((d) => d.plan.status !== 'migrate');
  for (const d of planned) {
    if (!d.dockerfile || d.plan.status !== 'migrate') continue;
    const other = staying.find((x) => x.setup.runtime?.dockerfile === d.dockerfile!.path && x.setup.runtime.inv.cmd !== d.setup.runtime!.inv.cmd);
    if (!other) continue;
    const cmd = other.setup.runtime!.inv.cmd;
    refuse(d, diag('RUNTIME_REBUILT', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) also builds ${d.dockerfile.path}, after its own extraction (${other.setup.script}:${other.setup.builder.inv.cmd.line}), and that setup is refused, so its script stays as it is: it copied what its extraction left, and would now compile the builder stage and copy from it instead`, { file: cmd.file, line: cmd.line, setup: d.plan.id, hint: REFUSED_HINT }));
  }

  // Two setups merging into one Dockerfile through different runtime builds cannot both be right.
  const byDockerfile = new Map<string, Draft[]>();
  for (const d of planned) if (d.dockerfile && d.plan.status === 'migrate') addTo(byDockerfile, d.dockerfile.path, d);
  for (const [p, ds] of byDockerfile) {
    if (ds.length < 2) continue;
    for (const d of ds) refuse(d, diag('SHARED_DOCKERFILE', 'error', `${ds.length} different builds would each merge a builder into ${p}`, { file: d.setup.script, line: d.setup.runtime!.inv.cmd.line, setup: d.plan.id, hint: 'Give each runtime image its own Dockerfile, build it once, or migrate these setups by hand.' }));
  }

  refuseWholeGroups(planned);
  checkLoops(drafts, analysis);
  // A Makefile rule that lists the deleted builder Dockerfile could no longer be made.
  for (const d of planned) {
    const p = d.plan.status === 'migrate' ? removedPrerequisite(d.deleteBuilder, d.plan.id, analysis, fs) : null;
    if (p) refuse(d, p);
  }
  // A Dockerfile to rewrite or delete that is not valid UTF-8 (./lossy-texts.ts), or that an
  // --ignore pattern leaves out (./ignored-paths.ts).
  for (const d of planned) {
    if (d.plan.status !== 'migrate') continue;
    for (const [rel, how] of [[d.dockerfile?.path, 'update'], [d.deleteBuilder, 'delete'], [d.ignore?.path, d.ignore?.before === null ? 'create' : 'update']] as const) {
      const p = rel ? (lossyText(fs, rel, d.plan.id) ?? ignoredChange(ignore, rel, how, d.plan.id, d.setup.script)) : null;
      if (p) refuse(d, p);
    }
  }
  refuseWholeGroups(planned);

  const changes: FileChange[] = [];
  let active = planned.filter((d) => d.plan.status === 'migrate');
  // Script edits of every setup sharing a file are applied together; a conflict refuses those setups.
  for (;;) {
    // A builder that was a compose service leaves its compose file too.
    const composeChanges = planCompose(active.map((d) => ({ id: d.plan.id, script: d.setup.script, deletes: d.script.deletes })), analysis);
    if ('refused' in composeChanges) {
      for (const r of composeChanges.refused) refuse(active.find((d) => d.plan.id === r.id)!, r.diagnostic);
      refuseWholeGroups(active);
      active = active.filter((d) => d.plan.status === 'migrate');
      continue;
    }
    // `docker compose rm|stop|kill builder` only cleaned up after the service: it goes with it.
    for (const c of composeChanges.changes.length > 0 ? composeChanges.cleanup : []) {
      const d = active.find((x) => x.plan.id === c.id)!;
      if (!d.script.deletes.includes(c.index)) d.script.deletes.push(c.index);
    }
    const scriptChanges = combineScripts(active, analysis, fs);
    if ('refused' in scriptChanges) {
      for (const d of scriptChanges.refused) refuse(d.draft, d.diagnostic);
      refuseWholeGroups(active);
      active = active.filter((d) => d.plan.status === 'migrate');
      continue;
    }
    // A script to rewrite that is not valid UTF-8 (./lossy-texts.ts), or that an --ignore pattern
    // leaves out (./ignored-paths.ts), refuses the setups editing it.
    const touched = [
      ...scriptChanges.changes.map((c) => ({ c, how: c.action })),
      ...composeChanges.changes.map((c) => ({ c, how: c.after === null ? ('delete' as const) : ('update' as const) })),
    ];
    const scriptOf = (id: string) => active.find((d) => d.plan.id === id)!.setup.script;
    const lossy = touched.flatMap(({ c, how }) => c.setups.map((id) => ({ id, p: lossyText(fs, c.path, id) ?? ignoredChange(ignore, c.path, how, id, scriptOf(id)) })));
    if (lossy.some((x) => x.p !== null)) {
      for (const { id, p } of lossy) if (p) refuse(active.find((d) => d.plan.id === id)!, p);
      refuseWholeGroups(active);
      active = active.filter((d) => d.plan.status === 'migrate');
      continue;
    }
    changes.push(...scriptChanges.changes);
    for (const c of composeChanges.changes) {
      changes.push({ path: c.path, action: c.after === null ? 'delete' : 'update', before: c.before, after: c.after, setups: c.setups });
      for (const id of c.setups) active.find((d) => d.plan.id === id)?.plan.notes.push(`${c.path}: ${c.after === null ? 'deleted, its only service' : 'the builder service'} is now the builder stage`);
    }
    break;
  }
  const kept = active.map((d): KeptDraft => ({
    plan: d.plan,
    deleteBuilder: d.deleteBuilder,
    dockerfile: d.dockerfile ? { path: d.dockerfile.path, action: 'update', before: d.dockerfile.before, after: d.dockerfile.after, setups: d.group ?? [d.plan.id] } : null,
    ignore: d.ignore,
  }));
  return { plans: drafts.map((d) => d.plan), changes, kept };
}

/**
 * Setups read from one loop body (`for svc in api worker`) share its lines: the body can be
 * edited only if every pass migrates, and migrates those lines the same way.
 */
function checkLoops(drafts: Draft[], analysis: Analysis): void {
  const groups = new Map<string, Draft[]>();
  for (const d of drafts) {
    const it = d.setup.builder.inv.cmd.iteration;
    if (it) addTo(groups, `${d.setup.script}#${it.loop}`, d);
  }
  for (const ds of groups.values()) {
    const it = ds[0]!.setup.builder.inv.cmd.iteration!;
    const script = analysis.scripts.get(ds[0]!.setup.script)!;
    const shape = (d: Draft) =>
      JSON.stringify([d.script.deletes.map((i) => `${script.commands[i]!.start}-${script.commands[i]!.end}`).sort(), d.script.edits.map((e) => [e.start, e.end, e.text])]);
    const migrating = ds.filter((d) => d.plan.status === 'migrate');
    const why =
      migrating.length === 0
        ? null
        : ds.length < it.count
          ? `${it.count - ds.length} of the loop's ${it.count} passes drive no setup`
          : migrating.length < ds.length
            ? `the pass${ds.filter((d) => d.plan.status !== 'migrate').length > 1 ? 'es' : ''} ${ds.filter((d) => d.plan.status !== 'migrate').map((d) => d.setup.builder.inv.cmd.iteration!.label).join(', ')} cannot be migrated`
            : new Set(migrating.map(shape)).size > 1
              ? 'the passes would need different edits to the same lines'
              : null;
    if (!why) continue;
    for (const d of migrating) {
      refuse(d, diag('LOOP_INCONSISTENT', 'error', `this setup is one pass of a loop whose body serves every pass, and ${why}`, { file: d.setup.script, line: d.setup.builder.inv.cmd.line, setup: d.plan.id, hint: 'Make every pass of the loop migratable (see the other passes\' diagnostics), or migrate by hand.' }));
    }
  }
}

/**
 * Builders feeding one runtime build are merged into its Dockerfile together: one build, so
 * the checks between the builders come first; then, where their first instructions provably
 * build the same thing, one shared base stage.
 */
function mergeGroup(members: Draft[], analysis: Analysis, fs: RepoFs, opts: PlanOptions): void {
  const ids = members.map((d) => d.plan.id);
  const runtime = members[0]!.merge!.runtime;
  const refuseAll = (found: Diagnostic[]) => {
    for (const d of members) {
      const own = found.filter((x) => x.setup === d.plan.id);
      for (const x of own.length > 0 ? own : found.map((x) => ({ ...x, setup: d.plan.id }))) refuse(d, x);
    }
  };
  const bySetup = new Map(members.map((d) => [d.setup, d]));
  const problems = checkBuilderGroup(members.map((d) => d.setup), (s) => bySetup.get(s)!.merge!.builder);
  const exports = members.filter((d) => d.merge!.part.exportStage);
  if (exports.length > 1) {
    const at = exports[1]!.setup.builder.inv.cmd;
    problems.push(diag('SHARED_DOCKERFILE', 'error', `${exports.length} of the builders merged into ${runtime.path} leave files on the host; one export stage per Dockerfile is supported so far`, { file: at.file, line: at.line, hint: 'Migrate these setups by hand.' }));
  }
  if (problems.length > 0) return refuseAll(problems);
  const script = analysis.scripts.get(members[0]!.setup.script)!;
  const files = members.filter((d, i) => members.findIndex((x) => x.merge!.builder.path === d.merge!.builder.path) === i);
  const decision =
    files.length > 1
      ? decideSharedBase(files.map((d) => ({ facts: d.merge!.builder, build: d.setup.builder })), script.text, fs, `${opts.stageName}-base`)
      : { base: null, note: `${files[0]!.merge!.builder.path} is the builder of every one of these builds (each its own --target): it goes in once, its own stages shared as they were` };
  const merged = mergeBuilders({ runtime, runtimeBuildArgs: passedArgs(members[0]!.setup.runtime!.inv), builders: members.map((d) => d.merge!.part), sharedBase: decision.base, setup: ids[0]! });
  const invalid = merged.diagnostics.length > 0 ? merged.diagnostics : [...validateMerged(merged.text, [...members.map((d) => d.merge!.builder.text), runtime.text], runtime.path, ids[0]!), ...checkMergedStructure(merged.text, merged.intent, runtime.path, ids[0]!)];
  if (invalid.length > 0) return refuseAll(invalid);
  // A kept builder build was written with its stage's name in this setup's own merge: the
  // merged file must call that stage the same (a name another builder file has is renamed).
  const moved = members.flatMap((d, i) => (keepsBuilderImage(d.setup) && d.plan.stage !== null && merged.stageRefs[i]!.toLowerCase() !== d.plan.stage.toLowerCase() ? [{ d, i }] : []));
  // A stage renamed only here was not among the names the runtime build's contexts were checked against.
  const runtimeInv = members[0]!.setup.runtime?.inv;
  const shadowed = runtimeInv ? contextShadowedBy(runtimeInv, merged.renamed, 'Rename the stage in one of the builder files (or rename the context), then run the tool again.') : [];
  if (shadowed.length > 0) return refuseAll(shadowed);
  if (moved.length > 0) {
    return refuseAll(moved.map(({ d, i }) => diag('BUILDER_TAG_USED', 'error', `the builder image ${d.setup.builder.tags[0]} is still used, but its build cannot be kept: its stage is \`${d.plan.stage}\` on its own and \`${merged.stageRefs[i]}\` in the file merged with the other builders`, { file: d.setup.script, line: d.setup.builder.inv.cmd.line, setup: d.plan.id, hint: 'Give the stages of the builder files different names, or migrate these setups by hand.' })));
  }
  members.forEach((d, i) => {
    d.dockerfile = i === 0 ? { path: runtime.path, before: runtime.text, after: merged.text } : null;
    d.group = ids;
    d.plan.stage = merged.stageRefs[i] ?? d.plan.stage;
    d.plan.notes = [...merged.notes, decision.note, ...d.plan.notes.filter((n) => !d.merge!.notes.includes(n))];
  });
  // A builder file kept only because another member's build (now gone) used it goes too.
  const builds = new Set(members.map((d) => d.setup.builder.inv.cmd));
  for (const d of members) {
    const p = d.merge!.builder.path;
    if (d.deleteBuilder || (buildMentions(analysis).get(p) ?? []).some((c) => !builds.has(c))) continue;
    d.deleteBuilder = p;
    d.plan.notes = d.plan.notes.map((n) => (n === `${p} is kept: another build still uses it` ? `${p} is deleted: its instructions now live in ${runtime.path}` : n));
  }
  // `rm -f api worker`: each setup drops its own word; together they empty the command, so it goes.
  for (const cmd of emptiedByGroup(members.map((d) => d.setup))) {
    const spans = new Set(cmd.words.slice(1).map((w, k) => `${cmd.words[k]!.end}-${w.end}`));
    for (const d of members) d.script.edits = d.script.edits.filter((e) => !(e.text === '' && spans.has(`${e.start}-${e.end}`)));
    members[0]!.script.deletes.push(cmd.index);
    for (const d of members) d.plan.notes.push(`\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) only removed extracted files, so it goes`);
  }
  const rmis = builderRmisOfGroup(members.map((d) => d.setup), script);
  for (const cmd of rmis.whole) {
    members[0]!.script.deletes.push(cmd.index);
    for (const d of members) d.plan.notes.push(`\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) only removed the builder images, which are no longer built, so it goes`);
  }
  for (const { cmd, word } of rmis.words) {
    members[0]!.script.edits.push({ start: cmd.words[word - 1]!.end, end: cmd.words[word]!.end, text: '' });
    members[0]!.script.rewrites.push({ index: cmd.index, kind: 'remove', word });
    for (const d of members) d.plan.notes.push(`\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) no longer names ${cmd.words[word]!.raw}, which is no longer built`);
  }
}

/** A group's builders live in one Dockerfile change: one refused member refuses them all. */
function refuseWholeGroups(drafts: Draft[]): void {
  const byId = new Map(drafts.map((d) => [d.plan.id, d]));
  for (const d of drafts) {
    if (!d.group || d.plan.status === 'migrate') continue;
    for (const other of d.group.map((id) => byId.get(id))) {
      if (other && other !== d && other.plan.status === 'migrate') {
        refuse(other, diag('SHARED_DOCKERFILE', 'error', `its builder is merged into ${d.setup.runtime!.dockerfile} together with that of ${d.plan.id}, which is refused`, { file: d.setup.script, line: d.setup.builder.inv.cmd.line, setup: other.plan.id, hint: 'See the other setup\'s diagnostics.' }));
      }
    }
  }
}

function refuse(d: Draft, dg: Diagnostic): void {
  d.plan.status = 'refused';
  d.plan.diagnostics.push(dg);
  d.plan.changes = [];
}

function draftSetup(setup: Setup, analysis: Analysis, fs: RepoFs, opts: PlanOptions, facts: RootFacts): Draft {
  const plan: SetupPlan = {
    id: setup.id,
    script: setup.script,
    status: 'migrate',
    builderDockerfile: setup.builder.stock ? null : setup.builder.dockerfile,
    runtimeDockerfile: setup.runtime?.dockerfile ?? null,
    stage: null,
    finalTags: setup.runtime?.tags ?? [],
    artifacts: setup.artifacts.map((a) => ({
      containerPath: a.containerPath,
      hostPath: a.hostPath,
      extractedAt: { file: a.via.cmd.file, line: a.via.cmd.line },
      copies: a.consumers.map((c) => ({ file: c.dockerfile, line: c.line, stagePath: c.stagePath })),
    })),
    notes: [],
    diagnostics: [...setup.diagnostics],
    changes: [],
  };
  const draft: Draft = { setup, plan, dockerfile: null, deleteBuilder: null, script: { deletes: [], edits: [], rewrites: [] }, merge: null, group: null, ignore: null };
  const failed = () => plan.diagnostics.some((d) => d.severity === 'error');
  // Every independent blocker is reported at once: a refusal found so far stops only the checks that depend on it.
  const builderFacts = setup.builder.dockerfile ? (analysis.dockerfiles.get(setup.builder.dockerfile) ?? null) : null;
  const runtimeFacts = setup.runtime?.dockerfile ? (analysis.dockerfiles.get(setup.runtime.dockerfile) ?? null) : null;
  const stop = prerequisiteMissing(setup, plan.diagnostics, builderFacts !== null && runtimeFacts !== null);
  if (stop !== null || !setup.runtime || !builderFacts || !runtimeFacts) {
    if (stop) plan.notes.push(stop);
    plan.status = 'refused';
    return draft;
  }
  const runtime = setup.runtime;
  // The builder build and the final build read one Dockerfile (`--target build`, then the whole
  // file): it is multi-stage already, and merging it into itself would both rewrite and delete it.
  if (setup.builder.dockerfile === runtime.dockerfile) {
    plan.diagnostics.push(diag('SHARED_DOCKERFILE', 'error', `the builder build and the final build both use ${runtime.dockerfile}: it is multi-stage already, and the tool does not rewrite a COPY to read from a stage of its own file`, { file: setup.builder.inv.cmd.file, line: setup.builder.inv.cmd.line, setup: setup.id, hint: `Change the runtime COPY to \`COPY --from=<the builder's stage> …\` and drop the extraction by hand.` }));
    plan.status = 'refused';
    return draft;
  }
  const finish = (): Draft => finishDraft(draft, analysis.scripts.get(setup.script)!, failed());

  const inputs = checkBuildInputs(setup, fs);
  plan.diagnostics.push(...inputs.diagnostics, ...checkBroadCopies(setup, facts.names), ...linkedArtifactPaths(setup, fs));
  const upToDate = upToDateRule(setup, analysis.scripts.get(setup.script)!, fs);
  if (upToDate) plan.diagnostics.push(upToDate);
  const wrappers = checkWrappers(setup);
  if (wrappers) plan.diagnostics.push(wrappers);
  // A make file joined with another by `include` is read alone: the other must not reach its recipes.
  const known = includers(analysis, () => [...analysis.files, ...(analysis.passedOver ?? []), ...(analysis.quiet ?? [])], fs);
  for (const file of new Set([setup.script, runtime.inv.cmd.file])) plan.diagnostics.push(...makeIncludes(file, known, fs, setup.id));
  // Under .ONESHELL a recipe is one shell text: removing a line can change what the recipe's
  // status is (only its last command's counts) or which line's prefixes Make honours.
  // Several rules giving one target a recipe: make runs only the last (./make-overridden-recipes.ts).
  plan.diagnostics.push(...makeOverridden(setup, analysis.scripts));
  for (const file of new Set([setup.script, runtime.inv.cmd.file])) {
    if ((analysis.scripts.get(file) as Partial<MakeScript> | undefined)?.oneShell) plan.diagnostics.push(makeOneShell(file, setup.id));
  }
  const ending = danglingContinuation(builderFacts, setup.id);
  if (ending && 'refusal' in ending) plan.diagnostics.push(ending.refusal);
  const subfolder = inputs.subfolder !== null ? rewriteForSubfolder(builderFacts, inputs.subfolder, setup.id, fs) : null;
  if (subfolder) plan.diagnostics.push(...subfolder.diagnostics);
  const runtimeSub = inputs.siblings ? rewriteForSubfolder(runtimeFacts, inputs.siblings.runtimeSub, setup.id, fs) : null;
  if (runtimeSub) plan.diagnostics.push(...runtimeSub.diagnostics);
  // Builder-only build arguments the runtime declares too: defaults of the builder's own declarations.
  const baked = setup.builder.stock ? null : bakeBuilderArgs(setup.builder, runtime, builderFacts, runtimeFacts);
  const ownTag = ownTagRead(setup, analysis.dockerfiles);
  if (ownTag) {
    plan.diagnostics.push(diag('BUILDER_TAG_USED', 'error', `\`${ownTag.value}\` (${builderFacts.path}:${ownTag.line}) is the image the builder build itself tags: each run of the old script read the builder image the run before left; merged, no build writes that tag before the builder stage reads it, so every later run would read another image`, {
      file: builderFacts.path,
      line: ownTag.line,
      setup: setup.id,
      hint: 'Read the earlier build\'s files from an image of another name (or a cache mount), or migrate this setup by hand.',
    }));
  }

  // A step run in the background that nothing waits for ran beside the next (./run-failure.ts).
  const unwaited = unwaitedBackground(setup, analysis.scripts.get(setup.script)!);
  if (unwaited) plan.diagnostics.push(unwaited);
  let builderStage = builderFacts.stages.length - 1;
  if (setup.builder.target) {
    builderStage = builderFacts.stages.findIndex((s) => s.name?.toLowerCase() === setup.builder.target!.toLowerCase());
    if (builderStage < 0) {
      plan.diagnostics.push(diag('TARGET_NOT_FOUND', 'error', `--target ${setup.builder.target} names no stage of ${builderFacts.path}`, { file: setup.script, line: setup.builder.inv.cmd.line, setup: setup.id, hint: 'Fix the --target, then run the tool again.' }));
    }
  }
  const runStep = setup.run && builderStage >= 0 ? runStepLines(setup.run, builderFacts, builderStage, setup.artifacts.map((a) => a.containerPath), setup.id) : null;
  if (runStep) plan.diagnostics.push(...runStep.diagnostics);
  if (runStep && runStep.lines.length > 0 && setup.run) {
    // The build the container ran is now a step of the builder stage: a runtime reference to
    // the builder image would read it too, and its failure would fail the merged build.
    plan.diagnostics.push(...runtimeReadsRanStage(runtimeFacts, setup.builder.tags, setup.run, setup.id));
    const runScript = analysis.scripts.get(setup.run.at.file);
    const ignored = runScript ? runFailureIgnored(setup, runScript, fs) : null;
    if (ignored) plan.diagnostics.push(ignored);
  }
  const inner = builderStage >= 0 ? innerModes(setup, builderFacts, builderStage, runStep?.lines ?? [], runtimeFacts, passedArgs(setup.builder.inv)) : null;
  if (inner) {
    plan.diagnostics.push(...inner.diagnostics);
    plan.notes.push(...inner.notes);
  }
  // Modes a host chmod set on a file that kept the container's (./inner-modes.ts): the file's mode, or the one its symbolic modes give.
  const hostChmods = hostChmodFiles(setup, builderFacts, builderStage, runStep?.lines ?? [], runtimeFacts, passedArgs(setup.builder.inv));
  plan.diagnostics.push(...hostChmods.diagnostics);
  plan.notes.push(...hostChmods.notes);
  const modeOf = (a: Artifact) => a.mode ?? hostChmods.modes.get(a) ?? null;
  const planned = exportPlan(setup, builderFacts, runtimeFacts, opts.stageName, analysis.scripts.get(setup.script)!, modeOf, fs, inner?.exported);
  if ('error' in planned) plan.diagnostics.push(planned.error);
  const exported = 'error' in planned ? { stage: null, dest: '', reasons: [] } : planned;
  // `docker run -v "$PWD/out:/out" IMG cp /out/app /out/`, `docker run IMG tar -c … | tar -x`: the
  // copy's mode is the stage's less the umask (artifact-kind.ts), for tar -x whenever a user but root runs it.
  for (const a of builderStage >= 0 ? setup.artifacts.filter((x) => x.modesMasked) : []) {
    const why = plainCopyChangesModes(a.containerPath, builderFacts, builderStage, runStep?.lines ?? [], passedArgs(setup.builder.inv));
    if (why === null) continue;
    const tar = a.modesMasked === 'tar';
    const how = tar ? `unpacks ${a.containerPath} with a host \`tar -x\` without \`-p\`, which, run by any user but root, applies the umask and drops special bits from the modes it unpacks` : `copies ${a.containerPath} out with plain cp, which drops group and other write and special bits from the modes it copies`;
    const hint = tar ? 'If the image should hold the stage\'s own modes, unpack with `tar -xp` and run the tool again; otherwise migrate this setup by hand.' : 'If the image should hold the stage\'s own modes, copy with `cp -p` (or `-a`) and run the tool again; otherwise migrate this setup by hand.';
    plan.diagnostics.push(diag('EXTRACTION_MODE_CHANGED', 'error', `\`${shownCommand(a.via.cmd)}\` ${how}, and COPY --from would keep them: ${why}`, { file: a.via.cmd.file, line: a.via.cmd.line, setup: setup.id, hint }));
  }
  const part: BuilderPart = {
    builder: builderFacts,
    builderStage,
    stageName: opts.stageName,
    stageNameFixed: opts.stageNameFixed ?? false,
    builderTags: setup.builder.tags,
    consumers: setup.artifacts.flatMap((a) => a.consumers.map((c) => ({ copy: c.copy, source: c.source, stagePath: c.stagePath, hostSource: c.hostSource, ...(inner?.fileModes.has(c) ? { mode: inner.fileModes.get(c)!.mode, modeBy: inner.fileModes.get(c)!.by } : { mode: modeOf(a), ...(a.modeSetBy ? { modeBy: shownCommand(a.modeSetBy) } : {}) }), folder: a.contentsOnly && c.stagePath === trimTrailingSlashes(a.containerPath), ...(c.within === undefined ? kindOf(renamedKind(c, builderFacts, builderStage, runStep?.lines ?? [], runtimeFacts, passedArgs(setup.builder.inv))) : { kind: null }), ...(c.within !== undefined ? { within: c.within } : {}), ...(c.folderOnly ? { folderOnly: true as const } : {}), ...(inner?.byConsumer.has(c) ? { innerModes: inner.byConsumer.get(c)! } : {}) }))),
    appendToBuilder: runStep?.lines ?? [],
    ...(exported.stage ? { exportStage: exported.stage } : {}),
    textEdits: [...(subfolder?.edits ?? []), ...(ending && 'edit' in ending ? [ending.edit] : []), ...(baked?.edits ?? [])],
    ...(baked && baked.defaults.size > 0 ? { argDefaults: baked.defaults } : {}),
    ...(runtimeSub ? { runtimeSourceEdits: runtimeSub.edits } : {}),
  };
  // `--platform` given to the builder build alone: its stages name it in their FROM lines.
  const platform = setup.builder.stock ? null : builderOnlyPlatform(setup.builder.inv, runtime.inv, builderFacts, runtimeFacts, setup.builder.tags);
  if (platform && 'value' in platform && platform.stages.length > 0) {
    part.textEdits = [...(part.textEdits ?? []), ...platform.stages.map((i) => ({ start: builderFacts.stages[i]!.from.start + 'FROM'.length, end: builderFacts.stages[i]!.from.start + 'FROM'.length, text: ` --platform=${platform.value}` }))];
    plan.notes.push(`the builder build's --platform ${platform.value} becomes \`FROM --platform=${platform.value}\` on ${platform.stages.length === 1 ? 'its stage' : `its ${platform.stages.length} stages that name an image`} (${platform.stages.map((i) => `${builderFacts.path}:${builderFacts.stages[i]!.from.line}`).join(', ')}): the runtime stages keep the final build's platform`);
  }
  const merge = mergeDockerfiles({ ...part, runtime: runtimeFacts, runtimeBuildArgs: passedArgs(runtime.inv), setup: setup.id });
  draft.merge = { part, notes: merge.notes, builder: builderFacts, runtime: runtimeFacts };
  if (runStep?.note) plan.notes.push(runStep.note);
  if (subfolder?.note) plan.notes.push(subfolder.note);
  if (ending && 'note' in ending) plan.notes.push(ending.note);
  if (baked?.note) plan.notes.push(baked.note);
  plan.stage = merge.stageRef || null;
  plan.diagnostics.push(...merge.diagnostics);
  plan.notes.push(...merge.notes);
  const script = analysis.scripts.get(setup.script)!;
  const adapter = adapterFor(script);
  const carry = setup.builder.stock ? { ...stockCarry, diagnostics: stockRuntimeFlags(script.text, setup.builder.inv, runtime.inv, builderFacts, setup.id) } : carryBuilderFlags(script.text, setup.builder, runtime, builderFacts, runtimeFacts, setup.id, { chmod: part.consumers.some((c) => c.mode !== null || c.innerModes !== undefined), exportStage: part.exportStage !== undefined, stageRefs: [merge.stageRef, ...merge.renamed], pastTarget: builderFacts.stages.slice(builderStage + 1).map((st) => `stage ${st.name ? `\`${st.name}\`` : st.index} (${builderFacts.path}:${st.from.line})`), onbuildRuns: { ...(setup.builderOnbuildRun !== undefined ? { builder: setup.builderOnbuildRun } : {}), ...(setup.runtimeOnbuildRun !== undefined ? { runtime: setup.runtimeOnbuildRun } : {}) }, ...(setup.callerBuildkit !== undefined ? { callerBuildkit: setup.callerBuildkit } : {}), ...buildkitWhy(setup, script, runtime.inv.cmd) }, localImages(script.commands), baked?.defaults, perScriptVariables(script, setup.builder.inv.cmd, runtime.inv.cmd), isExpanded(script) && script.compose.origin[setup.builder.inv.cmd.index] != null, ownEnvironment(script, setup.builder.inv.cmd, runtime.inv.cmd), shellsApart(script, setup.builder.inv.cmd, runtime.inv.cmd), spellingsApart(script, setup.builder.inv.cmd, runtime.inv.cmd));
  plan.diagnostics.push(...carry.diagnostics);
  const sourcedChange = sourcedVariableChange(setup, script, fs);
  if (sourcedChange) plan.diagnostics.push(sourcedChange);
  // The command the builder's container ran is now a RUN of its stage, which the one build's proxy arguments reach.
  const ranInRun = setup.run !== null && runStep !== null && runStep.lines.some((l) => l.startsWith('RUN ') && readsProxy(l));
  if (ranInRun) plan.diagnostics.push(...runStepProxyLeaks([...(setup.builder.stock ? [] : [{ inv: setup.builder.inv, which: 'builder' }]), { inv: runtime.inv, which: 'runtime' }], setup.run!.at, setup.id));
  // A stock build gave no flags of its own: the runtime build's arguments alone may now reach its stage.
  if (setup.builder.stock) plan.diagnostics.push(...runtimeArgLeaks(runtime.inv, new Map(), builderFacts, setup.id, ranInRun ? PROXY_ARGS : new Set()));
  // The extraction read the builder image on its own engine (`docker -H … cp`): it must be the build's.
  if (!setup.builder.stock) plan.diagnostics.push(...extractionEngines(setup.builder.inv, setup.extraction.flatMap((c) => dockerInvocation(c) ?? []), setup.id));
  // A call started with an environment of its own does not share what the script's caller gave the others (DOCKER_HOST…).
  if (!setup.builder.stock) plan.diagnostics.push(...callEnvironmentConflicts(script, setup.builder.inv, runtime.inv, setup.extraction.flatMap((c) => dockerInvocation(c) ?? []), setup.id));
  // The merged Dockerfile is checked only when everything it was made from was accepted.
  if (!failed()) plan.diagnostics.push(...validateMerged(merge.text, [builderFacts.text, runtimeFacts.text], runtimeFacts.path, setup.id), ...checkMergedStructure(merge.text, merge.intent, runtimeFacts.path, setup.id));
  if (!failed()) draft.dockerfile = { path: runtimeFacts.path, before: runtimeFacts.text, after: merge.text };

  // The script: drop the builder build, the extraction and the cleanup; the final build gets the carried flags.
  const keep = keepsBuilderImage(setup);
  draft.script.deletes = [...new Set([...(keep ? [] : [setup.builder.inv.cmd]), ...setup.extraction, ...setup.cleanup].map((c) => c.index))];
  // A `cat FILE |` that feeds a command that goes, goes with it (piped-feed.ts).
  const feeds = pipedFeeds(setup, script, draft.script.deletes, fs);
  plan.diagnostics.push(...feeds.diagnostics);
  draft.script.deletes.push(...feeds.feeders);
  // Every command that stays is checked against what goes (containers, ids, paths, Dockerfiles).
  const effects = checkHostEffects(setup, script, draft.script.deletes, fs, analysis.dockerfiles, builderBuilds(analysis), extractionSteps(analysis));
  plan.diagnostics.push(...effects.diagnostics);
  draft.script.deletes.push(...effects.deletes.map((c) => c.index));
  plan.notes.push(...effects.notes);
  if (keep) {
    // A build the container ran is now a step of the builder stage: built with --target, the
    // image under the old tag would hold what that run wrote (and its environment), not the old image.
    const ranInStage = runStep && runStep.lines.length > 0 && setup.run ? { error: `its stage now also runs the build its container ran (${setup.script}:${setup.run.at.line}), so the image under that tag would hold what that build wrote` } : null;
    const kept = ranInStage ?? keepBuilderBuild(setup, runtimeFacts.path, merge.stageRef, script, adapter, draft.script.rewrites);
    if ('error' in kept) {
      plan.diagnostics.push(diag('BUILDER_TAG_USED', 'error', `the builder image ${setup.builder.tags[0]} is still used, but its build cannot be kept: ${kept.error} (it would stay because ${whyBuilderKept(setup)})`, { file: setup.script, line: setup.builder.inv.cmd.line, setup: setup.id, hint: 'Remove that use of the image, or migrate this setup by hand.' }));
    } else {
      draft.script.edits.push(...kept);
      plan.notes.push(`the builder build stays as \`--target ${merge.stageRef}\` of ${runtimeFacts.path}, because ${whyBuilderKept(setup)}`);
    }
  }
  // The export build takes the place of the last extraction step that stands on its own: the
  // files appear where they did, after any `rm -rf DEST && mkdir DEST` before the copy.
  if (exported.stage) {
    plan.diagnostics.push(...exportRecompiles(setup, runtime));
    const left = exportIgnore(setup, runtime, analysis.dockerfiles, fs);
    plan.diagnostics.push(...left.diagnostics);
    plan.notes.push(...left.notes);
    draft.ignore = left.change;
    // (an artifact the Dockerfiles prove a folder: a COPY takes a path below it, `COPY dist/app /app`, or takes it whole as a folder)
    const below = (a: Artifact) => a.consumers.some((c) => c.within === undefined && trimTrailingSlashes(c.stagePath).startsWith(`${trimTrailingSlashes(a.containerPath)}/`));
    const isFolder = (a: Artifact) => builderStage >= 0 && (below(a) || a.consumers.some((c) => c.within === undefined && trimTrailingSlashes(c.stagePath) === trimTrailingSlashes(a.containerPath) && artifactKind({ stagePath: c.stagePath, builder: builderFacts, builderStage, appended: runStep?.lines ?? [], runtime: runtimeFacts, copy: c.copy, hostBase: trimTrailingSlashes(c.hostSource).split('/').pop() ?? '', buildArgs: passedArgs(setup.builder.inv) }) === 'folder'));
    const written = exportBuildEdit(setup, { stage: exported.stage.name, dest: exported.dest, reasons: exported.reasons, dockerfile: runtimeFacts.path, context: runtime.context ?? '' }, script, adapter, draft.script.deletes, fs, isFolder);
    draft.script.deletes = draft.script.deletes.filter((i) => !written.keep.has(i) && !written.absorbed.has(i));
    draft.script.edits.push(...written.edits);
    draft.script.rewrites.push(...written.rewrites);
    plan.diagnostics.push(...written.diagnostics);
    plan.notes.push(...written.notes);
  }
  const rcmd = runtime.inv.cmd;
  let insertWords = carry.words;
  if (inputs.siblings) {
    // Sibling contexts: the final build reads their common parent (context-siblings.ts).
    const sib = keep || part.exportStage ? { error: 'another build of the merged file (the kept builder image or a host export) would still read the old context' } : siblingBuildEdits(setup, inputs.siblings, script, adapter, draft.script.rewrites);
    if ('error' in sib) {
      plan.diagnostics.push(diag('CONTEXT_MISMATCH', 'error', `the builder and runtime contexts are side by side, and ${sib.error}`, { file: rcmd.file, line: rcmd.line, setup: setup.id, hint: 'Use one context for both builds, or migrate this setup by hand.' }));
    } else {
      draft.script.edits.push(...sib.edits);
      insertWords = [...sib.fileWords, ...carry.words];
      plan.notes.push(`the builder was built from ${setup.builder.context}/ and the runtime from ${runtime.context}/: the merged build reads both from ${inputs.siblings.parent || '.'}, each file's COPY/ADD sources with its folder in front`);
    }
  }
  if (insertWords.length > 0) {
    const inserted = adapter.insertWords(script, rcmd.index, runtime.inv.verbIndex, insertWords);
    if ('error' in inserted) {
      plan.diagnostics.push(diag('SCRIPT_EDIT_UNSAFE', 'error', `cannot add the builder build's flags to the final build: ${inserted.error}`, { file: rcmd.file, line: rcmd.line, setup: setup.id, hint: 'Pass the flags to the final build yourself, remove them from the builder build, then run the tool again.' }));
    } else {
      draft.script.edits.push(...inserted, ...adapter.repairs(script, rcmd.index));
      // The command substitutions of the carried words (`$(cat VERSION)`) now run with the final build.
      const bcmd = setup.builder.inv.cmd;
      // (none for a compose service read as commands: its words come from the YAML, not the script's text)
      const carries = isExpanded(script) ? [] : script.commands.filter((c) => c !== bcmd && c.stdout?.kind === 'capture' && c.file === bcmd.file && c.start >= bcmd.start && c.end <= bcmd.end && carry.words.some((w) => w.end > w.start && c.start >= w.start && c.end <= w.end)).map((c) => c.index);
      draft.script.rewrites.push({ index: rcmd.index, kind: 'insert', after: runtime.inv.verbIndex, words: insertWords.map((w) => w.symbol), ...(carries.length > 0 ? { carries } : {}) });
    }
  }
  for (const { cmd, word } of setup.cleanupWords) {
    const w = cmd.words[word]!;
    const prevEnd = cmd.words[word - 1]!.end;
    draft.script.edits.push({ start: prevEnd, end: w.end, text: '' });
    draft.script.rewrites.push({ index: cmd.index, kind: 'remove', word });
  }
  const removed = draft.script.deletes.length - (keep || setup.builder.stock ? 0 : 1);
  plan.notes.push(`${setup.script}: ${keep || setup.builder.stock ? '' : 'the builder build and '}${removed} ${setup.builder.stock ? 'build/cleanup' : 'extraction/cleanup'} command(s) go; the final build of ${runtime.tags[0] ?? 'the runtime image'} stays`);
  for (const echo of announcements(setup, script, draft.script.deletes)) {
    draft.script.deletes.push(echo.index);
    plan.notes.push(`\`${shownCommand(echo)}\` (${echo.file}:${echo.line}) only announced a step that goes, so it goes too`);
  }
  plan.notes.push(...carry.notes);
  const shared = sharedScriptEdit(setup, script, [...draft.script.deletes, ...draft.script.rewrites.map((r) => r.index)]);
  if (shared) plan.diagnostics.push(shared);

  // The builder Dockerfile goes, unless another command still builds or mentions it.
  const builderPath = builderFacts.path;
  if (setup.builder.stock) {
    plan.notes.push(stockNote(setup.builder.stock));
    return finish();
  }
  // Builds of the same compose service go with it (the service leaves the compose file).
  const service = composeOrigin(analysis, setup.builder.inv.cmd);
  const sameService = (c: ScriptCommand) => service !== null && composeOrigin(analysis, c)?.file === service.file && composeOrigin(analysis, c)?.service === service.service;
  const stillUsed = (buildMentions(analysis).get(builderPath) ?? []).some((c) => c !== setup.builder.inv.cmd && !sameService(c));
  if (stillUsed) plan.notes.push(`${builderPath} is kept: another build still uses it`);
  else {
    draft.deleteBuilder = builderPath;
    plan.notes.push(`${builderPath} is deleted: its instructions now live in ${runtimeFacts.path}`);
  }
  return finish();
}

/**
 * Files the host still needs after the build get a `FROM scratch` export stage. Supported
 * where the export build can take the extraction's place (./export-build.ts).
 */
function exportPlan(setup: Setup, builderFacts: DockerfileFacts, runtimeFacts: DockerfileFacts, stageName: string, script: ScriptFile, modeOf: (a: Artifact) => number | null, fs: RepoFs, innerModes?: ReadonlyMap<Artifact, readonly InnerMode[]>): { stage: NonNullable<Parameters<typeof mergeDockerfiles>[0]['exportStage']> | null; dest: string; reasons: string[] } | { error: Diagnostic } {
  const host = setup.artifacts.filter((a) => a.hostNeeded);
  if (host.length === 0) return { stage: null, dest: '', reasons: [] };
  const where = { file: setup.script, line: host[0]!.via.cmd.line, setup: setup.id };
  if (!EXPORT_KINDS.has(script.kind)) {
    return { error: diag('ARTIFACT_USED_ON_HOST', 'error', `${host[0]!.hostPath} is still needed on the host (${host[0]!.hostNeeded}), and export stages are only written into shell scripts, GitHub Actions and GitLab CI steps, Makefile recipes, npm scripts and JavaScript build scripts so far`, { ...where, hint: 'Migrate this setup by hand, or move the host steps into one of those.' }) };
  }
  const taken = new Set([...builderFacts.stages, ...runtimeFacts.stages].map((s) => s.name?.toLowerCase()).filter(Boolean));
  const name = ['export', `${stageName}-export`, 'host-export'].find((n) => !taken.has(n))!;
  // One output folder: the deepest folder holding every file the host needs. A folder the host
  // already has, that the extraction filled (`mkdir -p out` before `docker cp x:/out/. out/` or a
  // bind mount of it), is written as the output folder itself: the exporter keeps that one's
  // mode, and gives any folder below it the export stage's (./export-build.ts refuses those).
  const dirs = host.map((a) => (hostFolderBefore(script, a, fs) ? a.hostPath : path.dirname(a.hostPath).replace(/^\.$/, '')));
  let dest = dirs[0]!;
  while (!dirs.every((d) => d === dest || d.startsWith(`${dest}/`) || dest === '')) dest = path.dirname(dest).replace(/^\.$/, '');
  // A file inside an exported folder whose mode a host chmod set is written again after the folder, with that mode (./inner-modes.ts).
  const files = host.flatMap((a) => {
    const at = a.hostPath === dest ? '/' : `/${dest ? a.hostPath.slice(dest.length + 1) : a.hostPath}`;
    return [{ containerPath: a.containerPath, dest: at, mode: modeOf(a) }, ...(innerModes?.get(a) ?? []).map((m) => ({ containerPath: m.stagePath, dest: path.join(at, m.within), mode: m.mode }))];
  });
  return { stage: { name, files }, dest, reasons: host.map((a) => `${a.hostPath} is still needed on the host: ${a.hostNeeded}`) };
}


/** Whether the host surely has the artifact's host path as a folder before its extraction runs (the extraction fills it). */
function hostFolderBefore(script: ScriptFile, a: Artifact, fs: RepoFs): boolean {
  const cmd = a.via.cmd;
  const sequence = 'sequences' in script ? ((script as EmbeddedScript).sequences.find((s) => s.includes(cmd)) ?? []) : script.commands;
  const k = sequence.indexOf(cmd);
  // (tar's `./` entry, a `cp -a SRC/.`, give the folder the container folder's mode: an export gives it none of the two)
  return k >= 0 && !a.ownFolderMode && dirStateAfter(a.hostPath, sequence.slice(0, k), fs) === 'dir';
}

/** Why a kept builder build stays: the first use of its image after the setup, or its tag's unknown name. */
function whyBuilderKept(setup: Setup): string {
  const cmd = setup.builderTagUsers[0];
  const unknown = setup.builderTagUnknown;
  if (!cmd && unknown) return `its tag ${unknown.tag} (${unknown.file}:${unknown.line}) is only known at run time, with no name it falls back to: whatever chooses the name may use the image after the script, and there is no name to search the other files for`;
  const user = cmd ? { text: shownCommand(cmd), file: cmd.file, line: cmd.line } : setup.builderTagUsedElsewhere!;
  // A command naming an image only known at run time may be naming it (src/analyze/unknown-image.ts).
  // (A run-time tag spelled as the same expansion is surely it: src/analyze/dynamic-tag-uses.ts.)
  const maybe = cmd !== undefined && !cmd.words.some((w) => (w.value !== null && setup.builder.tags.includes(canonicalImage(w.value))) || dynamicTags(setup.builder).some((t) => w.value === null && typeof w.same === 'string' && w.same === t.same));
  const why = !maybe ? '' : unknownProgramWord(cmd!) ? ', which runs a program only known at run time' : cmd!.words.some((w) => w.value === null) ? ', which names an image only known at run time' : '';
  return `its image ${dynamicTags(setup.builder)[0]?.raw ?? setup.builder.tags[0]} ${maybe || ('via' in user && user.via) ? 'may still be used by' : 'is still used by'} \`${user.text}\` (${user.file}:${user.line})${'via' in user && user.via ? `, given ${user.via}` : ''}${why}`;
}
/** The builder build rewritten to build the merged Dockerfile's builder stage, under its old tag. */
function keepBuilderBuild(setup: Setup, runtimeDockerfile: string, stage: string, script: ScriptFile, adapter: ScriptAdapter<ScriptFile>, rewrites: WordChange[]): Edit[] | { error: string } {
  const inv = setup.builder.inv;
  const cmd = inv.cmd;
  if (cmd.cwd === null) return { error: 'its working directory is unknown' };
  const rel = path.relative(cmd.cwd || '.', runtimeDockerfile) || runtimeDockerfile;
  const edits: Edit[] = [];
  // The merged Dockerfile is built from the runtime build's context.
  const ctx = inv.operands[0];
  if (ctx && setup.runtime && setup.runtime.context !== setup.builder.context) {
    const value = path.relative(cmd.cwd || '.', setup.runtime.context || '.') || '.';
    const r = adapter.replaceWord(script, cmd.index, ctx.index, value);
    if ('error' in r) return r;
    edits.push(...r);
    rewrites.push({ index: cmd.index, kind: 'replace', word: ctx.index, with: value });
  }
  const file = inv.flags.find((f) => f.name === '--file');
  // `-f - < Dockerfile.build`: the file fed goes with the merge, and the redirect would fail to open it.
  if (file?.value?.value === '-') return { error: 'it reads its Dockerfile from standard input, fed from the builder Dockerfile the migration deletes' };
  const words: Word[] = [];
  const word = (value: string): Word => ({ value, symbol: value, staticPrefix: value, raw: adapter.quote(value), start: 0, end: 0 });
  // The builder build's own --target names the stage in its file, which the merge may have
  // renamed (a name the runtime file uses too): it is written as the merged file's name.
  const targets = inv.flags.filter((f) => f.name === '--target');
  if (targets.length > 1) return { error: 'it gives --target more than once' };
  const target = targets[0];
  if (target) {
    const value = target.value?.value ?? null;
    if (value === null) return { error: 'its --target is not a literal, so the stage it would name in the merged Dockerfile is unknown' };
    if (value.toLowerCase() !== stage.toLowerCase()) {
      const [w, v] = target.wordCount === 2 ? [target.wordIndex + 1, stage] : [target.wordIndex, `--target=${stage}`];
      const r = adapter.replaceWord(script, cmd.index, w, v);
      if ('error' in r) return r;
      edits.push(...r);
      rewrites.push({ index: cmd.index, kind: 'replace', word: w, with: v });
    }
  } else words.push(word('--target'), word(stage));
  if (file && file.value) {
    // `-f X` / `--file X`: the value word; `--file=X`: the whole word.
    const [word, value] = file.wordCount === 2 ? [file.wordIndex + 1, rel] : [file.wordIndex, `--file=${rel}`];
    const r = adapter.replaceWord(script, cmd.index, word, value);
    if ('error' in r) return r;
    edits.push(...r);
    rewrites.push({ index: cmd.index, kind: 'replace', word, with: value });
  } else words.push(word('-f'), word(rel));
  if (words.length > 0) {
    const r = adapter.insertWords(script, cmd.index, inv.verbIndex, words);
    if ('error' in r) return r;
    edits.push(...r);
    rewrites.push({ index: cmd.index, kind: 'insert', after: inv.verbIndex, words: words.map((w) => w.symbol) });
  }
  return [...edits, ...adapter.repairs(script, cmd.index)];
}

/** Programs that change nothing outside the shell running them: run in a command substitution, they only print. */
const ONLY_PRINT: ReadonlySet<string> = new Set(['pwd', 'dirname', 'basename', 'realpath', 'readlink', 'echo', 'printf', 'id', 'whoami', 'uname']);

type Combined = { changes: FileChange[] } | { refused: { draft: Draft; diagnostic: Diagnostic }[] };

function combineScripts(drafts: Draft[], analysis: Analysis, fs: RepoFs): Combined {
  const byFile = new Map<string, Draft[]>();
  for (const d of drafts) addTo(byFile, d.setup.script, d);
  const changes: FileChange[] = [];
  const refused: { draft: Draft; diagnostic: Diagnostic }[] = [];
  for (const [file, ds] of byFile) {
    const script = analysis.scripts.get(file)!;
    const adapter = adapterFor(script);
    const asked = ds.flatMap((d) => d.script.deletes);
    // `|| exit 1` guards of removed commands go with them.
    // A command inside the text of one rewritten whole (`docker container create` in `docker cp
    // $(docker container create IMG):/out .`, replaced by the export build) goes with it: it gets
    // no edit of its own (which would overlap the rewrite), nor do its guards (the rewritten
    // command's own `|| exit 1` stays with it).
    const wholes = ds.flatMap((d) => d.script.rewrites).filter((r) => r.kind === 'whole').map((r) => script.commands[r.index]!);
    const within = (i: number) => { const c = script.commands[i]!; return wholes.some((w) => w !== c && w.file === c.file && c.start >= w.start && c.end <= w.end); };
    const own = asked.filter((i) => !within(i));
    const edited = [...new Set([...own, ...adapter.companions(script, own)])];
    // A command substitution in a removed command's words (`"$(pwd)/out:/out"`) goes with it,
    // where it only prints (a substitution runs in a subshell: no variable it sets outlives it).
    const gone = edited.map((i) => script.commands[i]!);
    const captured = script.commands.filter((c) => c.stdout?.kind === 'capture' && c.redirects.length === 0 && ONLY_PRINT.has(c.words[0]?.value ?? '') && gone.some((w) => w !== c && w.file === c.file && c.start >= w.start && c.end <= w.end && c.end - c.start < w.end - w.start)).map((c) => c.index);
    const removed = [...new Set([...edited, ...asked.filter(within), ...captured])];
    // An npm script, Make target or CI step the removal empties may still be run or read by its
    // name: checked here, for all the setups editing the file together, where the removal's
    // companions were just read (their snippets are read again on demand, ../analyze/release.ts).
    {
      const used = removedNameUses({ script, removed: own, drivers: ds.map((d) => d.setup.runtime!.inv.cmd), analysis, fs, setup: ds[0]!.plan.id });
      if (used.length > 0) {
        for (const d of ds) for (const u of used) refused.push({ draft: d, diagnostic: { ...u, setup: d.plan.id } });
        continue;
      }
    }
    const deletions = adapter.deleteCommands(script, edited);
    if ('error' in deletions) {
      for (const d of ds) refused.push({ draft: d, diagnostic: diag('SCRIPT_EDIT_UNSAFE', 'error', `cannot remove the extraction steps from ${file}: ${deletions.error}`, { file, setup: d.plan.id, hint: deletions.hint ?? 'Put the docker commands of the setup on lines of their own, then run the tool again.' }) });
      continue;
    }
    try {
      const after = applyEdits(script.text, [...deletions, ...ds.flatMap((d) => d.script.edits)]);
      const wrong = rereadScript({ script, after, removed, rewrites: ds.flatMap((d) => d.script.rewrites) }, fs);
      if (wrong !== null) {
        for (const d of ds) refused.push({ draft: d, diagnostic: diag('SCRIPT_REREAD_FAILED', 'error', `${file} was rewritten, but read again it does not hold the planned commands: ${wrong}`, { file, setup: d.plan.id, hint: 'Please report this with the script attached; migrate this setup by hand meanwhile.' }) });
        continue;
      }
      changes.push({ path: file, action: 'update', before: script.text, after, setups: ds.map((d) => d.plan.id) });
    } catch (e) {
      for (const d of ds) refused.push({ draft: d, diagnostic: diag('SCRIPT_EDIT_UNSAFE', 'error', `the edits to ${file} overlap (${(e as Error).message})`, { file, setup: d.plan.id, hint: 'Please report this with the script attached.' }) });
    }
  }
  return refused.length > 0 ? { refused } : { changes };
}

/**
 * MAKE_ONESHELL: a setup in a Makefile under `.ONESHELL`. The file is read (each recipe's lines
 * continue one shell), so what its recipes do is known to every other setup's checks; but the
 * migration's edits are not modelled there: the recipe's status is its last command's (no
 * errexit unless `.SHELLFLAGS` or the recipe says so), so removing a line can change whether a
 * failure stops `make`, and removing the first line hands its `@`/`-`/`+` meaning to the next one.
 */
function makeOneShell(file: string, setup: string): Diagnostic {
  return diag('MAKE_ONESHELL', 'error', `${file} sets .ONESHELL: each recipe runs in one shell, whose status is its last command's, and the tool does not yet edit such recipes`, {
    file,
    setup,
    hint: 'Migrate this setup by hand, or drop .ONESHELL (each recipe line then runs in its own shell: join lines that share a `cd` or a variable with `&&`), then run the tool again.',
  });
}

/** Whether two commands of a Makefile stand in the recipes of different rules (their snippets' scopes differ). */
/**
 * The variables whose value differs between the builder build's text and the final build's when
 * they are apart: a Make variable with a per-rule value (MakeScript.perTarget), in different
 * rules; npm's `$npm_lifecycle_event` and `$npm_lifecycle_script`, the running script's name and
 * text, in different npm scripts.
 */
function perScriptVariables(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): ReadonlySet<string> {
  if (rulesApart(script, a, b)) return (script as Partial<MakeScript>).perTarget ?? new Set();
  if (script.kind !== 'package-json') return new Set();
  const part = (c: ScriptCommand) => partHolding(script, c)?.part;
  return part(a) !== part(b) ? new Set(['npm_lifecycle_event', 'npm_lifecycle_script']) : new Set();
}

/** The environment of its own the final build's call `b` starts with, where the builder build's call `a` had another (Snippet.ownEnvironment); null when they share one. */
function ownEnvironment(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): string | null {
  const own = (c: ScriptCommand) => partHolding(script, c)?.part.snippet.ownEnvironment ?? null;
  const [was, now] = [own(a), own(b)];
  return now !== null && (was !== now || partHolding(script, a)?.part !== partHolding(script, b)?.part) ? now : null;
}

/** The shells the builder build's call `a` and the final build's call `b` run with, where the host names them and they differ (Snippet.shellName); null otherwise. */
function shellsApart(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): { builder: string; final: string } | null {
  const shell = (c: ScriptCommand) => partHolding(script, c)?.part.snippet.shellName;
  const [was, now] = [shell(a), shell(b)];
  const shown = { sh: '/bin/sh (a POSIX sh, dash on Debian)', bash: 'bash' } as const;
  return was !== undefined && now !== undefined && was !== now ? { builder: shown[was], final: shown[now] } : null;
}

/** How the builder build's call `a` and the final build's call `b` are spelled, where the host says and they differ (Snippet.spelling); null otherwise. */
function spellingsApart(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): { builder: string; final: string } | null {
  const spelling = (c: ScriptCommand) => partHolding(script, c)?.part.snippet.spelling;
  const [was, now] = [spelling(a), spelling(b)];
  return was !== undefined && now !== undefined && was !== now ? { builder: was, final: now } : null;
}

function rulesApart(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): boolean {
  if (script.kind !== 'make') return false;
  const scope = (c: ScriptCommand) => (script as EmbeddedScript).parts.find((p) => c.index >= p.first && c.index < p.first + p.count)?.snippet.scope;
  return scope(a) !== scope(b);
}

/** Why the final build runs with the DOCKER_BUILDKIT it has, where its host (or its callers') gives it (MergedNeeds.buildkitWhy). */
function buildkitWhy(setup: Setup, script: ScriptFile, runtime: ScriptCommand): { buildkitWhy?: string } {
  const why = dockerVariable(runtime, 'DOCKER_BUILDKIT') === undefined ? setup.callerBuildkitWhy : hostVarNote(script, runtime, 'DOCKER_BUILDKIT');
  return why === undefined ? {} : { buildkitWhy: why };
}

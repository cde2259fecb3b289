/**
 * --verify: run the setup's real pipeline twice, through its own entry point (./entry.ts):
 * the old one in a temporary copy of the repository, the migrated one in another copy with
 * the planned changes applied. `docker` on PATH is the shipped shim (./shim), working in a
 * private temporary podman store per run (./private-store.ts), so the user's images are never
 * touched and nothing leaves the machine. Then compare: every image tag the old run left
 * (files and config), the files it left in the repository, and the exit status.
 */
import fs from 'node:fs';
import path from 'node:path';
import { keepsBuilderImage, type Setup } from '../model/setup.js';
import type { RunSummary, Verdict, VerifyStatus } from '../model/verdict.js';
import type { FileChange } from '../plan/index.js';
import type { RootRun } from '../pipeline.js';
import { EngineCommandError, PodmanEngine, type Engine } from './engine.js';
import { entryOf, type Entry } from './entry.js';
import { artifactFootprint, compareHostFiles, snapshotTree } from './host-files.js';
import { privateStoreFor, verifyTempRoot, type PrivateStore } from './private-store.js';
import { missingProgram, runSteps, stepsOf, type RunOutcome } from './run-entry.js';
import { shimEnv } from './shim-env.js';
import { compareSnapshots, formatDifferences, snapshotImage } from './snapshot.js';
import { listOwnImages, poisonNames, sameRef } from './store-images.js';
import { composeServiceImage } from '../analyze/compose.js';

export { composeServiceImage };

export type { RunSummary, VerifyStatus } from '../model/verdict.js';
/** A setup's verdict (the plan's input). */
export type Verification = Verdict;

export interface VerifyOptions {
  env?: NodeJS.ProcessEnv;
  progress?: (message: string) => void;
  /** Limit for each run (old, migrated); default 10 minutes. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;

function copyRepo(root: string, dest: string): void {
  fs.cpSync(root, dest, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== '.git' });
}

function applyChanges(dir: string, changes: readonly FileChange[]): void {
  for (const ch of changes) {
    const p = path.join(dir, ch.path);
    if (ch.action === 'delete') fs.rmSync(p, { force: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, ch.after ?? '');
    }
  }
}

const blank = (status: VerifyStatus, message: string, entry: string | null = null): Verification => ({ status, message, differences: [], entry, old: null, migrated: null, images: [], hostFiles: [] });
const notVerified = (why: string, entry: string | null = null) => blank('not-verified', `not verified: ${why}`, entry);

/** Verifies the given setups of one root against the planned changes. Returns one result per setup id. */
export async function verifyRoot(engine: Engine, run: RootRun, changes: readonly FileChange[], setupIds: readonly string[], options: VerifyOptions = {}): Promise<Map<string, Verification>> {
  const results = new Map<string, Verification>();
  const setups = setupIds.map((id) => run.analysis.setups.find((s) => s.id === id)).filter((s): s is Setup => s !== undefined);
  if (!(engine instanceof PodmanEngine)) {
    const why = 'running the scripts needs a private image store, which a shared Docker daemon cannot give (use --engine podman)';
    for (const s of setups) results.set(s.id, notVerified(why));
    return results;
  }
  // Setups run by the same entry point are verified by one pair of runs.
  const byEntry = new Map<string, { entry: Entry; setups: Setup[] }>();
  for (const s of setups) {
    const e = entryOf(s, run.analysis, run.fs);
    if ('none' in e) {
      results.set(s.id, notVerified(e.none));
      continue;
    }
    const g = byEntry.get(e.label) ?? { entry: e, setups: [] };
    g.setups.push(s);
    byEntry.set(e.label, g);
  }
  for (const { entry, setups: group } of byEntry.values()) {
    let v: Verification;
    try {
      v = await verifyEntry(engine, run, changes, entry, group, options);
    } catch (e) {
      if (!(e instanceof EngineCommandError)) throw e;
      v = { ...blank('engine-error', `${engine.name} failed: ${e.message.split('\n')[0]}`, entry.label), differences: e.message.split('\n').slice(1) };
    }
    for (const s of group) results.set(s.id, v);
  }
  return results;
}

async function verifyEntry(engine: PodmanEngine, run: RootRun, changes: readonly FileChange[], entry: Entry, group: Setup[], options: VerifyOptions): Promise<Verification> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const say = (what: string) => options.progress?.(`verifying ${entry.label}: ${what} …`);
  const work = verifyTempRoot();
  const stores: PrivateStore[] = [];
  try {
    // Both copies keep the repository's folder name: compose names projects (and so images) after it.
    const name = path.basename(run.abs) || 'repo';
    const oldDir = path.join(work, 'old', name);
    const newDir = path.join(work, 'migrated', name);
    copyRepo(run.abs, oldDir);
    copyRepo(run.abs, newDir);
    applyChanges(newDir, changes);
    const oldSteps = stepsOf(entry, oldDir);
    const newSteps = stepsOf(entry, newDir);
    if ('none' in oldSteps) return notVerified(oldSteps.none, entry.label);
    if ('none' in newSteps) return notVerified(`the migrated pipeline: ${newSteps.none}`, entry.label);
    for (const side of ['old', 'new'] as const) {
      const store = privateStoreFor(engine, work, `${side}-store`);
      if ('none' in store) return notVerified(store.none, entry.label);
      stores.push(store);
    }
    const [oldStore, newStore] = stores as [PrivateStore, PrivateStore];
    const missing = missingProgram(oldSteps, shimEnv(env, oldStore.shim));
    if (missing) return notVerified(`\`${missing}\` is not installed here`, entry.label);

    // The old pipeline.
    say('running the old pipeline');
    const oldRefusals = path.join(work, 'old-refusals');
    const oldBefore = snapshotTree(oldDir);
    const oldRun = await runSteps(oldSteps, oldDir, shimEnv(env, oldStore.shim, { refusals: oldRefusals }), timeoutMs);
    const oldAfter = snapshotTree(oldDir);
    const summary = (r: RunOutcome): RunSummary => ({ exitCode: r.exitCode, timedOut: r.timedOut, seconds: Math.round(r.seconds * 10) / 10 });
    const base = { entry: entry.label, old: summary(oldRun), migrated: null };
    const refused = readLines(oldRefusals);
    if (refused.length > 0) return { ...notVerified(`the old pipeline needs what --verify never does: ${refused[0]}`, entry.label), ...base };
    if (oldRun.timedOut) return { ...notVerified(`the old pipeline did not finish within ${timeoutMs / 1000} s (--verify-timeout)`, entry.label), ...base };
    if (oldRun.exitCode !== 0) return { ...notVerified(`the old pipeline fails here (exit ${oldRun.exitCode} in ${oldRun.failedStep}): ${lastLine(oldRun.output)}`, entry.label), differences: tail(oldRun.output), ...base };
    const oldImages = await listOwnImages(oldStore.engine);

    // The migrated pipeline, in a store where every name the old run built (and every builder
    // tag) already names an empty image: leaning on an image it no longer builds shows.
    say('running the migrated pipeline');
    const builderTags = group.flatMap((s) => s.builder.tags);
    const poison = await poisonNames(newStore.engine, [...oldImages.keys(), ...builderTags]);
    const newRefusals = path.join(work, 'new-refusals');
    const newBefore = snapshotTree(newDir);
    const standInUses = path.join(work, 'new-stand-in-uses');
    const newRun = await runSteps(newSteps, newDir, shimEnv(env, newStore.shim, { refusals: newRefusals, standIn: { id: poison, uses: standInUses } }), timeoutMs);
    const newAfter = snapshotTree(newDir);
    const done = { ...base, migrated: summary(newRun) };

    say('comparing');
    const differences: string[] = [];
    for (const r of readLines(newRefusals)) differences.push(`the migrated pipeline asked for what --verify never does: ${r}`);
    // The old run had a real image under that name; a lookup that found the stand-in instead
    // (`docker image inspect NAME && …`) may have answered as if the migrated run had built it.
    for (const n of new Set(readLines(standInUses))) differences.push(`image ${n}: looked up by the migrated pipeline, which no longer builds it (the old pipeline did)`);
    if (newRun.timedOut) differences.push(`the migrated pipeline did not finish within ${timeoutMs / 1000} s`);
    else if (newRun.exitCode !== 0) differences.push(`exit status: the old pipeline 0, the migrated one ${newRun.exitCode} (in ${newRun.failedStep}): ${lastLine(newRun.output)}`);

    const newImages = await listOwnImages(newStore.engine);
    const dropped = new Set(group.filter((s) => !keepsBuilderImage(s)).flatMap((s) => s.builder.tags));
    const images: string[] = [];
    for (const [name, oldId] of oldImages) {
      const newId = newImages.get(name);
      if (newId === undefined || newId === poison) {
        if ([...dropped].some((t) => sameRef(t, name) || composeServiceImage(t, name))) continue;
        differences.push(`image ${name}: built by the old pipeline, not by the migrated one`);
        continue;
      }
      images.push(name);
      const diffs = compareSnapshots(await snapshotImage(oldStore.engine, oldId), await snapshotImage(newStore.engine, newId));
      if (diffs.length > 0) {
        const text = formatDifferences(diffs, { labels: ['old pipeline', 'migrated'], maxLines: 40 });
        differences.push(...text.split('\n').slice(1).map((l) => `image ${name}: ${l.trim()}`).filter((l) => !l.endsWith(': ')));
      }
    }
    for (const [name, id] of newImages) if (!oldImages.has(name) && id !== poison) differences.push(`image ${name}: left by the migrated pipeline only`);

    const gone = group.flatMap((s) => s.artifacts.filter((a) => !a.hostNeeded).map((a) => a.hostPath.replace(/^\.\//, '').replace(/\/+$/, '')));
    const exempt = artifactFootprint(gone, oldBefore, oldAfter);
    const host = compareHostFiles({ before: oldBefore, after: oldAfter }, { before: newBefore, after: newAfter }, exempt);
    differences.push(...host.differences);

    const result = { ...done, images, hostFiles: host.compared };
    if (differences.length === 0) {
      return { ...result, status: 'identical', message: `verified with ${engine.name} by running \`${entry.label}\` both ways: ${images.length > 0 ? `the same images (${images.join(', ')})` : 'no image either way'}, the same host files and exit status`, differences: [] };
    }
    return { ...result, status: 'differs', message: `running \`${entry.label}\` both ways gave ${differences.length} difference(s)`, differences };
  } finally {
    for (const s of stores) await s.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function tail(output: string): string[] {
  return output.trimEnd().split('\n').slice(-15);
}

function lastLine(output: string): string {
  return output.trimEnd().split('\n').filter(Boolean).pop() ?? '(no output)';
}


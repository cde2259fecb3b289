/**
 * --verify: prove a migration with the user's own engine. In two temporary copies of the
 * repository, replay the old pipeline's docker commands as analysed (builder build, each
 * artifact copied out of a container made from it, runtime build) and build the migrated
 * Dockerfile with the merged build's flags; then compare the final images file by file and
 * key by key. Nothing of the user's script is executed, and everything created is removed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DockerInvocation, ParsedFlag } from '../model/docker-command.js';
import type { Word } from '../model/script.js';
import type { BuildStep, Setup } from '../model/setup.js';
import type { FileChange } from '../plan/index.js';
import type { RootRun } from '../pipeline.js';
import type { BuildOptions, Engine } from './engine.js';
import { compareSnapshots, formatDifferences, snapshotImage } from './snapshot.js';

export type VerifyStatus = 'identical' | 'differs' | 'old-build-failed' | 'new-build-failed' | 'not-verified';

export interface Verification {
  status: VerifyStatus;
  /** One line for people. */
  message: string;
  /** Readable differences (paths and config keys), when the images differ. */
  differences: string[];
}

/** Flags that name a build's own output or how it is shown: never replayed. */
const SKIP = new Set(['--tag', '--file', '--iidfile', '--quiet', '--output', '--push', '--load', '--progress', '--metadata-file']);

/** A word's value at verify time: static, or made of `${NAME}` parts read from the environment. */
export function wordValue(w: Word, env: NodeJS.ProcessEnv): string | null {
  if (w.value !== null) return w.value;
  if (/\$\(|`/.test(w.symbol)) return null;
  const rest = w.symbol.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '');
  if (rest.includes('$')) return null;
  return w.symbol.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, n: string) => env[n] ?? '');
}

function buildOptions(flags: readonly ParsedFlag[], env: NodeJS.ProcessEnv): BuildOptions | string {
  const opts: BuildOptions = { context: '', buildArgs: {}, extraArgs: [] };
  for (const f of flags) {
    if (SKIP.has(f.name)) continue;
    const v = f.value ? wordValue(f.value, env) : null;
    if (f.value && v === null) return `the value of ${f.name} is only known when the script runs`;
    if (f.name === '--build-arg') {
      const eq = v!.indexOf('=');
      if (eq < 0) opts.buildArgs![v!] = env[v!] ?? '';
      else opts.buildArgs![v!.slice(0, eq)] = v!.slice(eq + 1);
    } else if (f.name === '--no-cache') opts.noCache = true;
    else if (f.name === '--target') opts.target = v!;
    else opts.extraArgs!.push(v === null ? f.name : `${f.name}=${v}`);
  }
  return opts;
}

function mergedFlags(builders: readonly DockerInvocation[], runtime: DockerInvocation): ParsedFlag[] {
  const own = new Set(['--tag', '--file', '--target']);
  const key = (f: ParsedFlag) => `${f.name}=${f.value ? f.value.value ?? f.value.symbol : ''}`;
  const flags = [...runtime.flags];
  const seen = new Set(flags.map(key));
  for (const f of builders.flatMap((b) => b.flags)) {
    if (own.has(f.name) || seen.has(key(f))) continue;
    seen.add(key(f));
    flags.push(f);
  }
  return flags;
}

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

export interface VerifyOptions {
  env?: NodeJS.ProcessEnv;
  progress?: (message: string) => void;
}

/** Verifies the given setups of one root against the planned changes. Returns one result per setup id. */
export async function verifyRoot(engine: Engine, run: RootRun, changes: readonly FileChange[], setupIds: readonly string[], options: VerifyOptions = {}): Promise<Map<string, Verification>> {
  const env = options.env ?? process.env;
  const results = new Map<string, Verification>();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-verify-'));
  const oldDir = path.join(work, 'old');
  const newDir = path.join(work, 'new');
  const images: string[] = [];
  const stamp = randomBytes(4).toString('hex');
  try {
    copyRepo(run.abs, oldDir);
    copyRepo(run.abs, newDir);
    applyChanges(newDir, changes);
    for (const [k, id] of setupIds.entries()) {
      const setup = run.analysis.setups.find((s) => s.id === id);
      if (!setup || !setup.runtime || results.has(id)) continue;
      options.progress?.(`verifying ${id} with ${engine.name} …`);
      const tag = (what: string) => {
        const t = `localhost/multistage-codemod-verify-${stamp}-${k}:${what}`;
        images.push(t);
        return t;
      };
      // Builders feeding the same runtime build are replayed (and verified) together.
      const group = run.analysis.setups.filter((s) => s.runtime?.inv.cmd === setup.runtime!.inv.cmd);
      const migrated = group.filter((s) => setupIds.includes(s.id));
      const result = await verifySetup(engine, run, group, migrated, oldDir, newDir, tag, images, env);
      for (const s of migrated) results.set(s.id, result);
    }
  } finally {
    for (const image of images) await engine.removeImage(image, { force: true, ignoreMissing: true }).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
  return results;
}

async function verifySetup(
  engine: Engine,
  run: RootRun,
  group: readonly Setup[],
  migrated: readonly Setup[],
  oldDir: string,
  newDir: string,
  tag: (what: string) => string,
  images: string[],
  env: NodeJS.ProcessEnv,
): Promise<Verification> {
  const runtime = group[0]!.runtime!;
  const notVerified = (why: string): Verification => ({ status: 'not-verified', message: `not verified: ${why}`, differences: [] });
  if (group.some((s) => s.run && s.run.idle === undefined)) return notVerified('the old builder compiled when its container ran, which a replay of docker commands cannot do without running that container');
  const inputs = (b: BuildStep, dir: string, flags: readonly ParsedFlag[]): BuildOptions | string => {
    const o = buildOptions(flags, env);
    if (typeof o === 'string') return o;
    return { ...o, context: path.join(dir, b.context ?? ''), dockerfile: path.join(dir, b.dockerfile ?? 'Dockerfile') };
  };

  // The old pipeline, replayed: every builder feeding the runtime build, and its extraction
  // (into the migrated copy too, for a builder that is not migrated and still extracts).
  const oldBuilders = group.map((s) => inputs(s.builder, oldDir, s.builder.inv.flags));
  const oldRuntime = inputs(runtime, oldDir, runtime.inv.flags);
  const newRuntime = inputs(runtime, newDir, mergedFlags(migrated.map((s) => s.builder.inv), runtime.inv));
  for (const o of [...oldBuilders, oldRuntime, newRuntime]) if (typeof o === 'string') return notVerified(o);
  for (const [i, setup] of group.entries()) {
    const failed = await replayBuilder(engine, setup, oldBuilders[i] as BuildOptions, migrated.includes(setup) ? [oldDir] : [oldDir, newDir], tag(`builder${i}`), images);
    if (failed) return failed;
  }
  const oldFinal = tag('old');
  try {
    await engine.build({ ...(oldRuntime as BuildOptions), tag: oldFinal });
  } catch (e) {
    return { status: 'old-build-failed', message: `the old runtime build failed: ${firstLine(e)}`, differences: [] };
  }
  const newFinal = tag('new');
  try {
    await engine.build({ ...(newRuntime as BuildOptions), tag: newFinal });
  } catch (e) {
    return { status: 'new-build-failed', message: `the migrated build failed: ${firstLine(e)}`, differences: [] };
  }
  const diffs = compareSnapshots(await snapshotImage(engine, oldFinal), await snapshotImage(engine, newFinal));
  if (diffs.length === 0) return { status: 'identical', message: `verified with ${engine.name}: the migrated build gives the same final image`, differences: [] };
  const text = formatDifferences(diffs, { labels: ['old pipeline', 'migrated'], maxLines: 40 });
  return { status: 'differs', message: `the final images differ (${diffs.length} difference(s))`, differences: text.split('\n').slice(1).map((l) => l.trim()).filter(Boolean) };
}

/** One builder build of the old pipeline and the extraction of its artifacts into `dirs`; a failure as a result. */
async function replayBuilder(engine: Engine, setup: Setup, options: BuildOptions, dirs: string[], builderTag: string, images: string[]): Promise<Verification | null> {
  try {
    await engine.build({ ...options, tag: builderTag });
    // The runtime Dockerfile may name the builder image by its old tag (FROM app:build).
    const runtimeText = fs.readFileSync(path.join(dirs[0]!, setup.runtime!.dockerfile!), 'utf8');
    for (const t of setup.builder.tags) {
      const short = t.replace(/:latest$/, '');
      if (runtimeText.includes(short)) {
        await engine.tagImage(builderTag, t);
        images.push(t);
      }
    }
    const ctr = await engine.createContainer(builderTag);
    try {
      for (const a of setup.artifacts) {
        for (const dir of dirs) {
          const dest = path.join(dir, a.hostPath);
          fs.mkdirSync(path.dirname(dest), { recursive: true });
          await engine.cp(ctr, a.contentsOnly ? `${a.containerPath}/.` : a.containerPath, dest);
          if (a.mode !== null) fs.chmodSync(dest, a.mode);
        }
      }
    } finally {
      await engine.removeContainer(ctr, { force: true, ignoreMissing: true });
    }
  } catch (e) {
    return { status: 'old-build-failed', message: `the old pipeline failed: ${firstLine(e)}`, differences: [] };
  }
  return null;
}

function firstLine(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  const detail = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop();
  return detail ?? String(err.message ?? e).split('\n')[0]!;
}


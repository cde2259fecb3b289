/**
 * A root is planned in independent parts, so that a large sweep can let each part's reading go
 * once it is planned instead of holding every setup's script until the plan ends.
 *
 * A part is a connected component of setups: two setups are in one part when they share a
 * script (or any file a step of theirs is in), a Dockerfile (builder, runtime, one a COPY reads
 * from), a folder (their scripts'), a compose file their scripts read, or when a docker build of
 * one's script names the other's builder Dockerfile. Everything the plan decides between setups
 * (runtime groups, loops, shared Dockerfiles, one script's combined edits, a compose service
 * that goes, a builder Dockerfile another build still uses) is decided between setups that meet
 * in one of those ways, so within one part.
 *
 * What the plan reads of the whole root is read first, as compact indexes, while every script
 * is still there: the builds by path they name (./build-index.ts), the builder builds, the
 * Makefiles (./make-prerequisites.ts), the names of the scripts and Dockerfiles
 * (./broad-copy-check.ts), and where files name a Dockerfile the plan may delete
 * (./builder-mentions.ts, asked at the end, when every part is planned). So a part is planned
 * with exactly the facts the whole plan would have given it.
 */
import path from 'node:path/posix';
import { isExpanded } from '../analyze/compose.js';
import { setupCommands, type Analysis } from '../analyze/index.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import type { ReadNames } from './broad-copy-check.js';
import { builderBuilds, buildMentions, extractionSteps } from './build-index.js';
import { namingIndex, type NamingIndex } from './builder-mentions.js';
import { listMakefiles } from './make-prerequisites.js';
import { markMakeOverrides } from './make-overrides.js';
import { markBuilderTagUses } from './tag-mentions.js';
import { markCallerUses } from './caller-uses.js';
import { markSharedContentsFolders } from './shared-contents-folder.js';
import { markRuntimeRebuilds } from './runtime-rebuilds.js';

/** What every part is planned with: read from the whole root before any part. */
export interface RootFacts {
  names: ReadNames;
  namings: NamingIndex;
}

export function rootFacts(analysis: Analysis, fs: RepoFs): RootFacts {
  builderBuilds(analysis);
  extractionSteps(analysis);
  buildMentions(analysis);
  listMakefiles(analysis, fs);
  const names: ReadNames = { scripts: [...analysis.scripts.keys()], dockerfiles: [...analysis.dockerfiles.keys()] };
  // Any builder Dockerfile may be the one a setup deletes: its base name is looked for.
  const bases = new Set<string>();
  for (const s of analysis.setups) {
    const facts = s.builder.dockerfile ? analysis.dockerfiles.get(s.builder.dockerfile) : null;
    if (facts) bases.add(path.basename(facts.path));
  }
  const setupsOf = new Map<ScriptCommand, string[]>();
  for (const s of analysis.setups) {
    for (const c of setupCommands(s)) {
      const ids = setupsOf.get(c);
      if (ids) ids.push(s.id);
      else setupsOf.set(c, [s.id]);
    }
  }
  const namings = namingIndex(analysis, fs, [...bases], (c) => setupsOf.get(c) ?? []);
  // A builder image used by its tag anywhere in the root (another part's script included) keeps
  // its build: each such setup is marked before any part is planned (./tag-mentions.ts).
  markBuilderTagUses(analysis, fs);
  // A `make` run that sets a variable a Makefile's builder tag is written with (./make-overrides.ts).
  markMakeOverrides(analysis, fs);
  // What a caller of a setup's script does after running it (./caller-uses.ts).
  markCallerUses(analysis, fs);
  // Two setups copying into one folder of the repository, one a folder's contents (./shared-contents-folder.ts).
  markSharedContentsFolders(analysis, fs);
  // Other builds of a runtime Dockerfile the plan merges a builder into (./runtime-rebuilds.ts).
  markRuntimeRebuilds(analysis, fs);
  return { names, namings };
}

/** The parts of a root: indexes into `analysis.setups`, ascending, the parts in the order of their first setup. */
export function partsOf(analysis: Analysis): number[][] {
  const setups = analysis.setups;
  const parent = setups.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  const meet = (i: number, key: string) => {
    const j = owner.get(key);
    if (j === undefined) owner.set(key, i);
    else {
      const [a, b] = [find(i), find(j)];
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  };
  const mentions = buildMentions(analysis);
  setups.forEach((s, i) => keysOf(s, analysis, mentions).forEach((k) => meet(i, k)));
  const parts = new Map<number, number[]>();
  setups.forEach((_, i) => {
    const root = find(i);
    const part = parts.get(root);
    if (part) part.push(i);
    else parts.set(root, [i]);
  });
  return [...parts.values()].sort((a, b) => a[0]! - b[0]!);
}

/** The files, Dockerfiles, folders and compose files through which a setup meets others. */
function keysOf(s: Setup, analysis: Analysis, mentions: ReadonlyMap<string, readonly ScriptCommand[]>): Set<string> {
  const keys = new Set<string>();
  const file = (f: string) => {
    keys.add(`file:${f}`);
    const script = analysis.scripts.get(f);
    if (script && isExpanded(script)) {
      const x = script.compose;
      for (const c of x.files.keys()) keys.add(`compose:${c}`);
      for (const call of x.calls.values()) if (call.file !== null) keys.add(`compose:${call.file}`);
      for (const o of x.origin) if (o) keys.add(`compose:${o.file}`);
    }
  };
  file(s.script);
  keys.add(`folder:${path.dirname(s.script)}`);
  for (const c of setupCommands(s)) file(c.file);
  const dockerfile = (d: string | null | undefined) => {
    if (!d) return;
    keys.add(`dockerfile:${d}`);
    const facts = analysis.dockerfiles.get(d);
    if (facts) keys.add(`dockerfile:${facts.path}`);
  };
  dockerfile(s.builder.dockerfile);
  dockerfile(s.runtime?.dockerfile);
  for (const a of s.artifacts) for (const c of a.consumers) dockerfile(c.dockerfile);
  // A build elsewhere that names this setup's builder Dockerfile decides whether it is deleted.
  const builder = s.builder.dockerfile ? analysis.dockerfiles.get(s.builder.dockerfile) : null;
  if (builder) for (const c of mentions.get(builder.path) ?? []) file(c.file);
  return keys;
}

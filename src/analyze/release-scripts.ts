/**
 * What the analysis keeps of a script that drives no setup. Most candidate files of a large
 * tree mention docker without being part of a setup (deploy scripts, npm scripts that push,
 * JavaScript release scripts), yet their commands, words and variables were held until the
 * plan was made: on the bench's tree, a fifth of what the analysis held. Once its file is
 * analysed, such a script is asked for little: its text (a Makefile's prerequisites, the
 * search for names of a builder Dockerfile the plan deletes), the commands that run a script
 * (where callers start the scripts they run: ./callers.ts), its docker builds (which builds
 * still use a Dockerfile), and the command at a place its text names a Dockerfile.
 *
 * So as soon as its file is analysed, such a script keeps its name, kind, text and start
 * folder, and the commands the caller search and the build index look at (as read: the plan
 * compares builds by identity). Anything else asked of it is answered by reading the text
 * again from the same start (and expanding its compose services again, when it had some),
 * checked against the commands the first reading found.
 */
import { dockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { isMakeScript } from './embedded.js';

/** What a released script holds itself; everything else comes from reading it again. */
interface Kept {
  file: string;
  kind: ScriptFile['kind'];
  text: string;
  startCwd?: string | null;
  /** A Makefile's prerequisites (../analyze/hosts/make-prerequisite-words.ts): small, and all the plan asks of most Makefiles. */
  prerequisiteWords?: readonly number[];
}

interface State {
  fs: RepoFs;
  /** The names of the first reading's own fields (`'compose' in script` needs no second reading). */
  keys: ReadonlySet<PropertyKey>;
  /** The first reading's command count and the ranges of its commands (the check of a second reading). */
  ranges: Int32Array;
  /** The commands kept as first read, in their order. */
  kept: readonly ScriptCommand[];
  again: Reader;
}

/** Reads a script's text as the analysis did (its kind's reader). */
export type Reader = (kind: ScriptFile['kind'], rel: string, text: string, fs: RepoFs, start: { cwd: string | null } | undefined) => ScriptFile | null;

const states = new WeakMap<object, State>();
/** Released scripts as seen by the plan (the proxies), to their kept part. */
const keptOf = new WeakMap<object, Kept>();

/** Kept fields answer for themselves; any other is the second reading's. */
const KEPT = new Set<PropertyKey>(['file', 'kind', 'text', 'startCwd', 'prerequisiteWords']);

const handler: ProxyHandler<Kept> = {
  get(target, key) {
    if (KEPT.has(key) || !states.get(target)!.keys.has(key)) return Reflect.get(target, key);
    return Reflect.get(reading(target), key);
  },
  has(target, key) {
    return states.get(target)!.keys.has(key) || Reflect.has(target, key);
  },
  ownKeys(target) {
    return Reflect.ownKeys(reading(target));
  },
  getOwnPropertyDescriptor(target, key) {
    if (KEPT.has(key)) return Reflect.getOwnPropertyDescriptor(target, key);
    const d = Reflect.getOwnPropertyDescriptor(reading(target), key);
    return d ? { ...d, configurable: true } : undefined;
  },
  set() {
    throw new Error('internal error: a released script was changed');
  },
};

/**
 * `script` as the analysis keeps it: whole when `drivesSetup`, else released (see above),
 * keeping the commands `keep` selects. `again` reads a script's text as the analysis did,
 * compose services expanded.
 */
export function releaseScript(script: ScriptFile, drivesSetup: boolean, fs: RepoFs, again: Reader, keep: (c: ScriptCommand) => boolean): ScriptFile {
  if (drivesSetup || isReleased(script)) return script;
  const kept: Kept = { file: script.file, kind: script.kind, text: script.text };
  if (script.startCwd !== undefined) kept.startCwd = script.startCwd;
  if (isMakeScript(script)) kept.prerequisiteWords = script.prerequisiteWords;
  const ranges = new Int32Array(script.commands.length * 2);
  script.commands.forEach((c, k) => {
    ranges[2 * k] = c.start;
    ranges[2 * k + 1] = c.end;
  });
  states.set(kept, { fs, keys: keysOf(script), ranges, kept: script.commands.filter(keep).slice(), again });
  const proxy = new Proxy(kept, handler) as unknown as ScriptFile;
  keptOf.set(proxy, kept);
  return proxy;
}

/** The field names of scripts, one set per shape (a few kinds of script, thousands of scripts). */
const shapes = new Map<string, ReadonlySet<PropertyKey>>();

function keysOf(script: ScriptFile): ReadonlySet<PropertyKey> {
  const keys = Reflect.ownKeys(script);
  const name = keys.map(String).join('\0');
  let set = shapes.get(name);
  if (!set) shapes.set(name, (set = new Set(keys)));
  return set;
}

/** A docker build in a known folder: what the plan's index of builds holds (src/plan/index.ts buildMentions). */
export function isIndexedBuild(c: ScriptCommand): boolean {
  return c.cwd !== null && dockerInvocation(c)?.verb === 'build';
}

/** Whether `script` was released (a proxy that reads it again). */
export function isReleased(script: ScriptFile): boolean {
  return keptOf.has(script);
}

/**
 * The commands of `script` to search for what the release kept (builds, calls of scripts),
 * without reading a released script again: the kept ones of a released script, all of them
 * otherwise. The caller filters them as before.
 */
export function keptCommands(script: ScriptFile): readonly ScriptCommand[] {
  const kept = keptOf.get(script);
  return kept ? states.get(kept)!.kept : script.commands;
}

/** The commands of `script` that are docker builds in a known folder (the plan's build index), without reading it again. */
export function indexedBuilds(script: ScriptFile): readonly ScriptCommand[] {
  return keptCommands(script).filter(isIndexedBuild);
}

/**
 * The second readings made lately: the plan asks a script for the command at each place its
 * text names a Dockerfile, one after the other, so a few are kept and only a few.
 */
const RECENT = 16;
const recent = new Map<Kept, ScriptFile>();

function reading(kept: Kept): ScriptFile {
  const known = recent.get(kept);
  if (known) return known;
  const s = states.get(kept)!;
  const start = kept.startCwd !== undefined ? { cwd: kept.startCwd } : undefined;
  const again = s.again(kept.kind, kept.file, kept.text, s.fs, start);
  // The same text from the same start reads the same; anything else is a bug, never a plan.
  const same = again !== null && again.commands.length * 2 === s.ranges.length && again.commands.every((c, k) => c.start === s.ranges[2 * k] && c.end === s.ranges[2 * k + 1]);
  if (!same) throw new Error(`internal error: ${kept.file} reads differently the second time`);
  recent.set(kept, again);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return again;
}

/**
 * One file's analysis sent from a worker thread to the main thread, faithfully.
 *
 * A FileAnalysis is mostly plain data, and postMessage's structured clone keeps what matters
 * of it: shared references inside one message (a setup points at the very ScriptCommands of
 * its script), Maps and Sets. What cloning loses, found by walking the results of every
 * fixture and of the bench's tree:
 *
 * - prototypes: the LineIndex of a shell reading (it is plain fields, so its prototype is put
 *   back);
 * - functions: the encoders and word writers of embedded shell (Snippet.encode, insertWords,
 *   replaceWord). One made by a revivable factory (model/revivable.ts) crosses as its recipe;
 *   any other becomes a stand-in that, when the plan first calls it, analyses the file again
 *   on the main thread and calls the same function of that reading;
 * - side tables keyed by object identity: the docker invocation read for each command
 *   (model/docker-command.ts) and the diagnostics of the analysis's own reading of a script
 *   (first-reading.ts). They are sent beside the objects and recorded again;
 * - the parsed Dockerfiles' dockerfile-ast instructions (DockerfileFacts.instructions), which
 *   are class instances the plan calls: they are parsed again from the facts' text when the
 *   plan first asks for them.
 *
 * Anything else that is not plain data (another class instance) fails the packing; the file
 * is then analysed on the main thread, so an unforeseen shape costs time, never correctness.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { cachedInvocation, primeInvocation, type DockerInvocation } from '../model/docker-command.js';
import { fromRecipe, recipeOf, type Recipe } from '../model/revivable.js';
import { LineIndex } from '../model/text.js';
import type { DockerfileFacts } from './dockerfile.js';
import { readingOf, restoreReading, type Reading } from './first-reading.js';
import type { FileAnalysis } from './index.js';

/** A step from an object to one of its values: a property or index, or a Map's key. */
export type Step = string | number | { map: unknown };

type Fixup = { holder: object; key: Step; recipe: Recipe | null; path: Step[] } | { lines: object };

export interface PackedFile {
  analysis: FileAnalysis;
  fixups: Fixup[];
  invocations: [object, DockerInvocation | null][];
  readings: [object, Reading][];
}

type AnyFn = (...a: never[]) => unknown;

function setAt(holder: object, key: Step, value: unknown): void {
  if (typeof key === 'object') (holder as Map<unknown, unknown>).set(key.map, value);
  else (holder as Record<string | number, unknown>)[key] = value;
}

/**
 * Packs `analysis` for postMessage. The functions in it are taken out until `restore` is
 * called (after posting): the objects stay the worker's, unchanged.
 */
export function packFile(analysis: FileAnalysis): { packed: PackedFile; restore: () => void } {
  const fixups: Fixup[] = [];
  const taken: [object, Step, AnyFn][] = [];
  const invocations: [object, DockerInvocation | null][] = [];
  const readings: [object, Reading][] = [];
  const seen = new Set<object>();
  const path: Step[] = [];
  const visit = (holder: object, key: Step, v: unknown): void => {
    if (typeof v === 'function') {
      fixups.push({ holder, key, recipe: recipeOf(v as AnyFn) ?? null, path: [...path] });
      taken.push([holder, key, v as AnyFn]);
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === LineIndex.prototype) {
      fixups.push({ lines: v });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v, i, v[i]);
        path.pop();
      }
    } else if (proto === Object.prototype || proto === null) {
      // Only a script command has an invocation, only a script a reading (the side tables' keys).
      if ('words' in v) {
        const inv = cachedInvocation(v as never);
        if (inv !== undefined) invocations.push([v, inv]);
      } else if ('commands' in v) {
        const reading = readingOf(v);
        if (reading) readings.push([v, reading]);
      }
      for (const k of Object.keys(v)) {
        path.push(k);
        visit(v, k, (v as Record<string, unknown>)[k]);
        path.pop();
      }
    } else if (proto === Map.prototype) {
      for (const [k, x] of v as Map<unknown, unknown>) {
        if (typeof k === 'function') throw new Error(`a function as a Map key cannot cross threads (at ${shown(path)})`);
        visitKey(k);
        const step = { map: k };
        path.push(step);
        visit(v, step, x);
        path.pop();
      }
    } else if (proto === Set.prototype) {
      for (const x of v as Set<unknown>) {
        if (typeof x === 'function') throw new Error(`a function in a Set cannot cross threads (at ${shown(path)})`);
        visitKey(x);
      }
    } else {
      throw new Error(`a ${(proto as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'class'} instance cannot cross threads (at ${shown(path)})`);
    }
  };
  // Objects used as Map keys or Set members: walked for what they hold (they cannot be stepped into by path).
  const visitKey = (k: unknown) => {
    if (typeof k !== 'object' || k === null || seen.has(k)) return;
    const mark = path.length;
    path.push('<key>');
    visit({}, '<key>', k);
    path.length = mark;
  };
  visit({ analysis }, 'analysis', analysis);
  for (const [holder, key] of taken) setAt(holder, key, undefined);
  return {
    packed: { analysis, fixups, invocations, readings },
    restore: () => {
      for (const [holder, key, f] of taken) setAt(holder, key, f);
    },
  };
}

function shown(path: readonly Step[]): string {
  return path.map((s) => (typeof s === 'object' ? `<${String(s.map)}>` : String(s))).join('.');
}

/**
 * The analysis a worker packed, as the main thread received it, made whole. `again` analyses
 * the file on this thread (for a function that has no recipe; called at most once, and only
 * when the plan calls such a function).
 */
export function unpackFile(p: PackedFile, again: () => FileAnalysis): FileAnalysis {
  let fresh: FileAnalysis | undefined;
  for (const f of p.fixups) {
    if ('lines' in f) {
      Object.setPrototypeOf(f.lines, LineIndex.prototype);
      continue;
    }
    if (f.recipe) {
      setAt(f.holder, f.key, fromRecipe(f.recipe));
      continue;
    }
    let target: AnyFn | undefined;
    const fpath = f.path;
    setAt(f.holder, f.key, function (this: unknown, ...args: never[]) {
      target ??= follow((fresh ??= again()), fpath);
      return target.apply(this, args);
    });
  }
  for (const [cmd, inv] of p.invocations) primeInvocation(cmd as never, inv);
  for (const [script, reading] of p.readings) restoreReading(script, reading);
  return p.analysis;
}

/** The function at `path` in another reading of the same file. */
function follow(analysis: FileAnalysis, path: readonly Step[]): AnyFn {
  let v: unknown = analysis;
  for (const s of path) {
    if (v === null || typeof v !== 'object') break;
    v = typeof s === 'object' ? (v as Map<unknown, unknown>).get(s.map) : (v as Record<string | number, unknown>)[s];
  }
  if (typeof v !== 'function') throw new Error(`internal error: analysing ${analysis.rel} again gave no function at ${shown(path)}`);
  return v as AnyFn;
}

/** A parsed Dockerfile for postMessage: its facts without the parser's objects (the cache's own object is not changed). */
export function packFacts(f: DockerfileFacts | null): DockerfileFacts | null {
  if (f === null) return null;
  const { instructions: _, ...rest } = f;
  return rest as DockerfileFacts;
}

/** Facts a worker packed, made whole: the LineIndex back, the instructions parsed from the text when first asked for. */
export function unpackFacts(f: DockerfileFacts | null): DockerfileFacts | null {
  if (f === null) return null;
  Object.setPrototypeOf(f.lines, LineIndex.prototype);
  let instructions: Instruction[] | undefined;
  Object.defineProperty(f, 'instructions', {
    get: () => (instructions ??= DockerfileParser.parse(f.text).getInstructions()),
    enumerable: true,
    configurable: true,
  });
  return f;
}

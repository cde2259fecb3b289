/**
 * The plan's two indexes of docker builds, made once per analysis from every script and setup
 * before any part of the root is planned (./parts.ts), so a part sees the builds of the whole
 * root however many parts were planned and let go before it.
 *
 * - builderBuilds: the builder build of every setup. Held weakly: only a command still read
 *   is ever asked about (a part asks about the commands of its own scripts). extractionSteps
 *   indexes the setups' extraction and cleanup commands by their place in their script.
 * - buildMentions: every docker build in a known folder, by each repository path its words
 *   name that is the path of a Dockerfile the analysis read. It is only ever asked about a
 *   setup's builder Dockerfile (by its facts' path, and every setup's builder is one of those),
 *   and indexing every word (`docker`, `build`, `-t`, the tag, `.`, each joined to the folder)
 *   made it about a tenth of the live heap as the plan starts (1x tree: 3.2 MiB, the whole
 *   analysis 31). A part's scripts are taken out of it once the part is planned
 *   (`forgetBuilds`): another part never asks about them, since a script whose build names a
 *   setup's builder Dockerfile is planned in that setup's part.
 */
import type { Analysis } from '../analyze/index.js';
import { indexedBuilds } from '../analyze/release-scripts.js';
import type { ScriptCommand } from '../model/script.js';

const buildersCache = new WeakMap<Analysis, WeakSet<ScriptCommand>>();
const stepsCache = new WeakMap<Analysis, Map<string, number>>();

/** A command by its place (a script read again has new command objects, at the same places). */
const placeOf = (c: ScriptCommand) => `${c.file}\0${c.index}`;

/**
 * Whether `cmd` is an extraction or cleanup command of a setup with the runtime build `runtime`:
 * setups of one runtime build (several builders) are merged, or refused, together, so one's
 * removed steps are the others' too. The index is built once per analysis.
 */
export function extractionSteps(analysis: Analysis): { isStepFor(cmd: ScriptCommand, runtime: ScriptCommand): boolean } {
  let map = stepsCache.get(analysis);
  if (!map) {
    map = new Map();
    for (const s of analysis.setups) if (s.runtime) for (const c of [...s.extraction, ...s.cleanup]) map.set(placeOf(c), s.runtime.inv.cmd.index);
    stepsCache.set(analysis, map);
  }
  const m = map;
  return { isStepFor: (cmd, runtime) => cmd.file === runtime.file && m.get(placeOf(cmd)) === runtime.index };
}

/** The builder build of every setup found; built once per analysis. */
export function builderBuilds(analysis: Analysis): { has(cmd: ScriptCommand): boolean } {
  let set = buildersCache.get(analysis);
  if (!set) {
    set = new WeakSet();
    for (const s of analysis.setups) set.add(s.builder.inv.cmd);
    buildersCache.set(analysis, set);
  }
  return set;
}

interface Mentions {
  byPath: Map<string, ScriptCommand[]>;
  /** The paths each script's builds are listed under, to take them out again. */
  pathsOf: Map<string, string[]>;
}

const mentionsCache = new WeakMap<Analysis, Mentions>();

function mentions(analysis: Analysis): Mentions {
  const cached = mentionsCache.get(analysis);
  if (cached) return cached;
  const byPath = new Map<string, ScriptCommand[]>();
  const pathsOf = new Map<string, string[]>();
  const dockerfiles = new Set<string>();
  // A word can name a Dockerfile only if it ends in one's base name: most words (`docker`,
  // `build`, `-t`, the tag, `.`) are passed over without joining them to the folder.
  const names = new Set<string>();
  for (const f of analysis.dockerfiles.values()) {
    if (!f) continue;
    dockerfiles.add(f.path);
    names.add(f.path.slice(f.path.lastIndexOf('/') + 1));
  }
  for (const s of analysis.scripts.values()) {
    for (const c of indexedBuilds(s)) {
      for (const w of c.words) {
        if (w.value === null || !names.has(w.value.slice(w.value.lastIndexOf('/') + 1))) continue;
        const p: string = (c.cwd === '' ? w.value : `${c.cwd}/${w.value}`).replace(/^\.\//, '');
        if (!dockerfiles.has(p)) continue;
        const list: ScriptCommand[] = byPath.get(p) ?? [];
        if (!list.includes(c)) list.push(c);
        byPath.set(p, list);
        const paths = pathsOf.get(c.file);
        if (!paths) pathsOf.set(c.file, [p]);
        else if (paths[paths.length - 1] !== p) paths.push(p);
      }
    }
  }
  const made = { byPath, pathsOf };
  mentionsCache.set(analysis, made);
  return made;
}

/** Every docker build command, indexed by each path of a read Dockerfile its words name; built once per analysis. */
export function buildMentions(analysis: Analysis): ReadonlyMap<string, readonly ScriptCommand[]> {
  return mentions(analysis).byPath;
}

/** Takes the builds of `files` (scripts of a part that was planned) out of the index. */
export function forgetBuilds(analysis: Analysis, files: Iterable<string>): void {
  const m = mentions(analysis);
  for (const file of files) {
    for (const p of m.pathsOf.get(file) ?? []) {
      const list = m.byPath.get(p);
      if (!list) continue;
      const rest = list.filter((c) => c.file !== file);
      if (rest.length === 0) m.byPath.delete(p);
      else m.byPath.set(p, rest);
    }
    m.pathsOf.delete(file);
  }
}

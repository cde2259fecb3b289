/**
 * analyze: parse each candidate script with its adapter, reduce it to the docker-command
 * model, and link setups. Pure over a RepoFs; nothing is executed or written.
 */
import path from 'node:path/posix';
import { engineBuild } from '../model/engine-builds.js';
import { fileKind, kindOf } from '../kinds/registry.js';
import { packageDirOf } from '../kinds/javascript.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Progress } from '../model/progress.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand, ScriptFile, ScriptKind } from '../model/script.js';
import { LineIndex } from '../model/text.js';
import { runByBashOnly } from './alias-expansion.js';
import { startFolders, type Start } from './callers.js';
import { mayRunNamed, scriptRuns } from './script-runs.js';
import { expandCompose, isExpanded } from './compose.js';
import { unreadConcerns, type EmbeddedScript } from './embedded.js';
import { setupCommands, type Setup } from '../model/setup.js';
import type { DockerfileFacts } from './dockerfile.js';
import { linkScript } from './link.js';
import { rememberReading } from './first-reading.js';
import { dropFollowed } from './near-miss.js';
import { fromOtherReadings, type Reading } from './shared-readings.js';
import { releaseSnippetReadings } from './release.js';
import { isIndexedBuild, isReleased, releaseScript } from './release-scripts.js';
import { exactScriptLists, exactSetupLists } from './compact-kept.js';
import { SCRIPT_MENTIONS } from '../discover/walk.js';
import { addTo } from '../model/multimap.js';

export interface Analysis {
  scripts: Map<string, ScriptFile>;
  setups: Setup[];
  /** Diagnostics not tied to a setup (parse warnings, nothing found…). */
  diagnostics: Diagnostic[];
  dockerfiles: Map<string, DockerfileFacts | null>;
  /** Every candidate file the walk kept, in its order (a file the plan deletes may be named in any: src/plan/builder-mentions.ts). */
  files: readonly string[];
  /**
   * Files the walk passed over that may use an image (src/discover/passed-over.ts), searched
   * for builder tags only when a setup would delete a builder build (src/plan/tag-mentions.ts).
   */
  passedOver?: readonly string[];
  /** Files the walk kept because they may run a script, without docker in them (src/plan/caller-uses.ts). */
  quiet?: readonly string[];
  /**
   * Files an --ignore pattern left out by their own path (src/discover/walk.ts), also in
   * `passedOver`: never read as scripts nor changed, but their namings of a setup count
   * (src/plan/passed-over-callers.ts `markUnreadableNamers`).
   */
  ignored?: readonly string[];
}

/** Which file kind reads a file, by name and first line. */
export const scriptKindOf = kindOf;

/** Reads one script file with the reader of its kind (also how a rewritten script is read again). */
export function readScript(kind: ScriptKind, rel: string, text: string, fs: RepoFs, start?: { cwd: string | null }): { script: ScriptFile | null; diagnostics: Diagnostic[] } {
  return fileKind(kind).read(rel, text, fs, start);
}

/**
 * A plain script runs top to bottom; embedded hosts run their commands in sequences (a target
 * after its prerequisites, a job's steps, an npm script with the scripts it calls). A setup
 * found in several sequences is kept once: the reading that links a runtime build, with the
 * fewest refusals, refused when the sequences that reach a runtime build read it differently.
 */
function linkSequences(script: ScriptFile, fs: RepoFs, dockerfiles: Analysis['dockerfiles']): { setups: Setup[]; diagnostics: Diagnostic[] } {
  const sequences = 'sequences' in script ? (script as EmbeddedScript).sequences : [script.commands];
  const unread = 'unread' in script ? (script as EmbeddedScript).unread ?? [] : [];
  const best = new Map<ScriptCommand, Setup>();
  const readings = new Map<ScriptCommand, Reading[]>();
  const diagnostics: Diagnostic[] = [];
  const score = (s: Setup) => (s.runtime ? 0 : 1000) + s.diagnostics.filter((d) => d.severity === 'error').length;
  const reported = new Set<Diagnostic>();
  for (const [n, seq] of sequences.entries()) {
    const linked = linkScript(script, fs, dockerfiles, seq);
    // A step of this sequence that was not read may use the builder's image or artifact.
    for (const u of unread.filter((x) => x.sequence === n)) {
      const hit = linked.setups.filter((s) => unreadConcerns(u, setupCommands(s), s.builder.inv.cmd.start));
      for (const s of hit) s.diagnostics.push({ ...u.diagnostic, severity: 'error', setup: s.id });
      // One that names its commands, or that only runs after builds, concerns only the setups it hits.
      if (hit.length > 0 || u.commands || u.after !== undefined) reported.add(u.diagnostic);
    }
    for (const d of linked.diagnostics) if (!diagnostics.some((x) => sameDiagnostic(x, d))) diagnostics.push(d);
    for (const s of linked.setups) {
      addTo(readings, s.builder.inv.cmd, { sequence: n, entry: (script as EmbeddedScript).entries?.[n], setup: s, commands: seq });
      const prev = best.get(s.builder.inv.cmd);
      if (!prev || score(s) < score(prev)) best.set(s.builder.inv.cmd, s);
    }
  }
  for (const u of unread) if (!reported.has(u.diagnostic)) diagnostics.push(u.diagnostic);
  // A setup several sequences share is edited once for all of them (./shared-readings.ts).
  const sameTree = script.kind === 'make' || script.kind === 'package-json';
  for (const [cmd, s] of best) s.diagnostics.push(...fromOtherReadings(readings.get(cmd)!, s, sameTree));
  const setups = [...best.values()].sort((a, b) => a.builder.inv.cmd.index - b.builder.inv.cmd.index);
  const used = new Set(setups.flatMap((s) => setupCommands(s).map((c) => `${c.file}:${c.line}`)));
  return { setups, diagnostics: dropFollowed(diagnostics, (file, line) => used.has(`${file}:${line}`)) };
}

/** The same finding (a script's several sequences, or several commands, can report one twice). */
function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return a.code === b.code && a.file === b.file && a.line === b.line && a.message === b.message;
}


/** The commands a setup is made of (../model/setup.ts), for the planner's passes that import the analysis. */
export { setupCommands };

/** What one file gave: its script (when it is one), its setups and the diagnostics not tied to them. */
export interface FileAnalysis {
  rel: string;
  script: ScriptFile | null;
  setups: Setup[];
  diagnostics: Diagnostic[];
}

/**
 * Analyses one candidate file. Independent of every other file (`dockerfiles` is only a cache
 * of parsed Dockerfiles), so files may be analysed in any order and `assemble` gives the same
 * Analysis: the walk may still be finding files while the first ones are analysed.
 */
export function analyzeFile(fs: RepoFs, rel: string, dockerfiles: Analysis['dockerfiles'], start?: Start): FileAnalysis {
  const result: FileAnalysis = { rel, script: null, setups: [], diagnostics: [] };
  const text = fs.readText(rel);
  if (text === null) {
    result.diagnostics.push(diag('READ_ERROR', 'warning', `cannot read ${rel}; it was skipped`, { file: rel }));
    return result;
  }
  // Cheap pre-filter: a script that says neither docker nor another engine neither drives a
  // setup nor builds a Dockerfile a migration changes.
  if (!SCRIPT_MENTIONS.some((m) => text.includes(m))) return result;
  const kind = scriptKindOf(rel, text);
  if (kind === null) return result;
  const from = start ? { cwd: start.cwd } : undefined;
  const read = readScript(kind, rel, text, fs, from);
  const diagnostics = read.diagnostics;
  if (read.script) rememberReading(read.script, from, diagnostics);
  if (!read.script) {
    result.diagnostics.push(...diagnostics);
    return result;
  }
  // `docker compose run|up|build` read as the docker commands the compose file defines.
  const script = expandCompose(read.script, fs, diagnostics);
  // PATH folders a caller's earlier CI steps append: the shadow check follows them (./shadowed-commands.ts).
  if (start?.callerPath) (script as { callerPath?: Start['callerPath'] }).callerPath = start.callerPath;
  // (and the functions they export to it)
  if (start?.callerFunctions) (script as { callerFunctions?: Start['callerFunctions'] }).callerFunctions = start.callerFunctions;
  result.script = script;
  const linked = linkSequences(script, fs, dockerfiles);
  if (isExpanded(script)) {
    for (const s of linked.setups) {
      for (const c of setupCommands(s)) {
        for (const d of script.compose.problems.get(c.index) ?? []) {
          if (!s.diagnostics.some((x) => sameDiagnostic(x, d))) s.diagnostics.push({ ...d, setup: s.id });
        }
      }
    }
  }
  if (start?.conflict) for (const s of linked.setups) s.diagnostics.push({ ...start.conflict, setup: s.id });
  result.setups.push(...linked.setups);
  result.diagnostics.push(...linked.diagnostics);
  // A parse warning on a line a setup uses is shown with that setup.
  const lines = new LineIndex(text);
  for (const d of diagnostics) {
    const owner = linked.setups.find((s) => setupCommands(s).some((c) => d.line !== undefined && c.line <= d.line && d.line <= lines.lineOf(Math.max(c.start, c.end - 1))));
    if (owner) owner.diagnostics.push({ ...d, setup: owner.id });
    else result.diagnostics.push(d);
  }
  return result;
}

/** The files' analyses, in the order of `files` (the walk's), as one Analysis. */
export function assemble(files: readonly string[], analysed: ReadonlyMap<string, FileAnalysis>, dockerfiles: Analysis['dockerfiles'], fs: RepoFs): Analysis {
  const analysis: Analysis = { scripts: new Map(), setups: [], diagnostics: [], dockerfiles, files };
  for (const rel of files) {
    const a = analysed.get(rel);
    if (!a) throw new Error(`internal error: ${rel} was not analysed`);
    if (a.script) analysis.scripts.set(rel, forPlan(a, fs).script!);
    analysis.setups.push(...a.setups);
    analysis.diagnostics.push(...a.diagnostics);
  }
  return analysis;
}

/**
 * Shell scripts a caller runs from another folder start there (./callers.ts): once every file
 * is analysed, those are analysed again from that folder. `quiet`: files without docker that
 * may run a script (the walker's `quiet`).
 */
export function followCallers(fs: RepoFs, files: readonly string[], quiet: readonly string[], analysed: Map<string, FileAnalysis>, dockerfiles: Analysis['dockerfiles']): void {
  const starts = startFolders(files, quiet, {
    text: (rel) => fs.readText(rel),
    isShell: (rel, text) => scriptKindOf(rel, text) === 'shell',
    startFolder: (rel, text) => {
      const kind = scriptKindOf(rel, text);
      const own = path.dirname(rel) === '.' ? '' : path.dirname(rel);
      return kind === 'javascript' ? packageDirOf(rel, fs) ?? own : kind === 'powershell' ? own : undefined;
    },
    read: (rel, text, start) => {
      if (!start) {
        const done = analysed.get(rel)?.script;
        if (done) return done;
      }
      const kind = scriptKindOf(rel, text);
      return kind === null ? null : readScript(kind, rel, text, fs, start ?? undefined).script;
    },
  });
  for (const [rel, start] of starts) analysed.set(rel, analyzeFile(fs, rel, dockerfiles, start));
  // An alias bash never expands in a script still shadows its command unless every file that names the script runs it as bash (./alias-expansion.ts).
  for (const a of analysed.values()) {
    const held = a.setups.filter((s) => s.aliasShadows);
    if (held.length > 0 && !runByBashOnly(a.rel, [...files, ...quiet], (rel, text) => readNaming(fs, rel, text), (rel) => fs.readText(rel))) for (const s of held) s.diagnostics.push(...s.aliasShadows!);
  }
}

/** A file read as the script it is, for the files naming a script (null: the tool cannot read it as one). */
function readNaming(fs: RepoFs, rel: string, text: string): ScriptFile | null {
  const kind = scriptKindOf(rel, text);
  return kind === null ? null : readScript(kind, rel, text, fs).script;
}

export function analyze(fs: RepoFs, files: readonly string[], progress?: Progress, quiet: readonly string[] = []): Analysis {
  const dockerfiles: Analysis['dockerfiles'] = new Map();
  const analysed = new Map<string, FileAnalysis>();
  for (const [n, rel] of files.entries()) {
    if (progress && n % 64 === 0) progress('analysing', n, files.length);
    analysed.set(rel, forPlan(analyzeFile(fs, rel, dockerfiles), fs));
  }
  followCallers(fs, files, quiet, analysed, dockerfiles);
  progress?.('analysing', files.length, files.length);
  return assemble(files, analysed, dockerfiles, fs);
}

/**
 * A file's analysis as the rest of the run keeps it: its snippets' own readings dropped
 * (./release.ts), and the script itself released when it drives no setup
 * (./release-scripts.ts), keeping the commands that call scripts and the docker builds.
 * Made as soon as the file is analysed, so the whole tree's readings are never held at once.
 */
export function forPlan(a: FileAnalysis, fs: RepoFs): FileAnalysis {
  if (a.script && !isReleased(a.script)) {
    a.script = releaseScript(releaseSnippetReadings(a.script), a.setups.length > 0, fs, readAgain, keptForCallers);
    // Kept until the plan is made: its lists at their length (./compact-kept.ts).
    if (!isReleased(a.script)) exactScriptLists(a.script);
    for (const s of a.setups) exactSetupLists(s);
  }
  return a;
}

/**
 * The commands a released script keeps as read: calls of scripts (./callers.ts), and commands of
 * programs that may run a script they name in a form the tool does not read as a run (a naming
 * that leaves its folder unknown, ./callers.ts), the plan's indexed builds and other engines'
 * builds (src/plan/runtime-rebuilds.ts).
 */
const keptForCallers = (c: ScriptCommand) => scriptRuns(c).length > 0 || isIndexedBuild(c) || (c.cwd !== null && engineBuild(c) !== null) || mayRunNamed(c);

/** A script read again as analyzeFile read it, compose services expanded (one that drives no setup: ./release-scripts.ts). */
function readAgain(kind: ScriptKind, rel: string, text: string, fs: RepoFs, start: { cwd: string | null } | undefined): ScriptFile | null {
  const read = readScript(kind, rel, text, fs, start).script;
  // Shaped as assemble left the first reading: its snippets' own readings dropped.
  return read && releaseSnippetReadings(expandCompose(read, fs, []));
}

/**
 * A file the walk passed over (a Python, Ruby or Perl script, a task runner's file:
 * src/discover/passed-over.ts) that names a setup's script may run it
 * (`subprocess.run(["sh", "build.sh"])`) and then use what the old script left on the host:
 * `shutil.copy("app", "release/app")`. The tool does not read those languages, so it cannot
 * tell what such a file does after the call; a naming of the script counts as a call, and
 * everything the old script left behind as used after it:
 *
 * - each artifact the script leaves on the host stays there (an export stage writes it where
 *   the extraction did), with the reason named;
 * - a file a removed command wrote (`> build.log`) that the file names refuses the setup
 *   (REMOVED_OUTPUT_USED), as the migration no longer writes it.
 *
 * The files searched are those no reader reads as a script: the ones the walk passed over, and
 * the candidates it kept (for saying docker, or for naming a script) that no reader claims, such
 * as a justfile, a Rakefile, a Vagrantfile or a crontab (`./build.sh && cp relay dist/`), which
 * have no extension the walk knows.
 *
 * A naming is a whole name (`build.sh`, not `prebuild.sh`) in a path-like token, outside the
 * parts of the file a parser proves cannot run anything (./passed-over-inert.ts). A token with
 * folders is resolved from the file's folder and from the root; a bare name, `./name`, or one
 * after something only known when the file runs (`f"{pkg}/build.sh"`, `$DIR/build.sh`) may be
 * the script of any folder.
 */
import path from 'node:path/posix';
import { readScript, scriptKindOf, type Analysis } from '../analyze/index.js';
import { diag } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { Setup } from '../model/setup.js';
import type { MakeScript } from '../analyze/embedded.js';
import { LineIndex } from '../model/text.js';
import type { EmbeddedScript } from '../analyze/embedded.js';
import { leftOutputs, type Output } from './removed-outputs.js';
import { markHookSkippingNaming } from './hook-callers.js';
import { COMPOSE_FILE, DOCKERFILE } from '../discover/passed-over.js';
import { inert, inertRanges } from './passed-over-inert.js';
import { mayBe, namings, type Naming } from '../analyze/script-namings.js';

/** The namings of `name` in the parts of file `rel` that may run something (./passed-over-inert.ts: not in a Python comment or docstring); `ranges` caches its parse. */
function liveNamings(rel: string, text: string, name: string, ranges: { of?: [number, number][] }): Naming[] {
  const all = namings(text, name);
  if (all.length === 0) return all;
  ranges.of ??= inertRanges(rel, text);
  return all.filter((n) => !inert(ranges.of!, n.at));
}

/**
 * Marks the setups whose script a passed-over file names. `byScript`: the setups of each shell
 * script a caller may run by its path; `left`: whether an artifact's host path is still there
 * when the script ends (the script does not remove it).
 */
export function markPassedOverCallers(analysis: Analysis, fs: RepoFs, byScript: ReadonlyMap<string, readonly Setup[]>, left: (setup: Setup, hostPath: string) => boolean): void {
  const outputs = outputsBySetup(analysis, fs);
  // (a script whose setups are all settled is searched for no more)
  const open = ([, setups]: readonly [string, readonly Setup[]]) => !setups.every((setup) => settled(setup, outputs));
  let pending = [...byScript].filter(open);
  let bases = new Set(pending.map(([s]) => path.basename(s)));
  for (const rel of unreadFiles(analysis)) {
    if (pending.length === 0) return;
    if (inContainer(rel)) continue;
    const text = fs.readText(rel);
    if (text === null || ![...bases].some((b) => text.includes(b)) || readAsScript(analysis, rel, text, fs)) continue;
    let lines: LineIndex | null = null;
    const ranges = {};
    // (scripts of one name, a monorepo's hundred `build.sh`: their namings are searched once)
    const found = new Map<string, Naming[]>();
    const of = (base: string) => found.get(base) ?? found.set(base, liveNamings(rel, text, base, ranges)).get(base)!;
    for (const [script, setups] of pending) {
      const hit = of(path.basename(script)).find((n) => mayBe(n.token, n.afterExpansion, rel, script));
      if (!hit) continue;
      lines ??= new LineIndex(text);
      const line = lines.lineOf(hit.at);
      const why = () => `${rel}:${line} names ${script} (\`${hit.token}\`), and the tool does not read that file: it may run ${script} and then read what it leaves`;
      for (const setup of setups) markSetup(setup, text, rel, line, why, analysis, left, outputs);
    }
    if (lines !== null && !pending.every(open)) {
      pending = pending.filter(open);
      bases = new Set(pending.map(([s]) => path.basename(s)));
    }
  }
}

/**
 * A setup one more naming file can teach nothing: every artifact is marked as needed on the
 * host, it leaves no other output, and it has no pre/post scripts. (Every file naming `make` or
 * a bare `build.sh` may run each of a monorepo's hundreds: searched on, that is files × setups.)
 */
function settled(setup: Setup, outputs: (setup: Setup) => readonly Output[], scripts?: ReadonlyMap<string, unknown>): boolean {
  return setup.artifacts.every((a) => a.hostNeeded) && outputs(setup).length === 0 && !(scripts?.get(setup.script) as Partial<EmbeddedScript> | undefined)?.hooked;
}

/** A Dockerfile's or compose file's `RUN ./build.sh`, `command: npm run build` runs in a container, not on the host. */
const inContainer = (rel: string) => DOCKERFILE.test(path.basename(rel)) || COMPOSE_FILE.test(path.basename(rel));

/**
 * The files a passed-over caller may be, in path order: those the walk passed over, and the
 * candidates it kept (`files`, `quiet`), which `readAsScript` then lets go when a reader takes them.
 */
function unreadFiles(analysis: Analysis): string[] {
  return [...new Set([...(analysis.passedOver ?? []), ...analysis.files, ...(analysis.quiet ?? [])])].sort();
}

/**
 * Whether the callers' reading takes the file as a script (its calls are then read as commands,
 * ./caller-uses.ts), rather than as text here: a file the walk kept (`files`, `quiet`) that a
 * reader claims. A shell script only passed over (no docker, and nothing that looks like a call
 * of a script) is not read there, so its text is searched here.
 */
function readAsScript(analysis: Analysis, rel: string, text: string, fs: RepoFs): boolean {
  if (analysis.scripts.has(rel)) return true;
  return keptFiles(analysis).has(rel) && scriptKindOf(rel, text) !== null && !unreadable(analysis, fs, rel, text);
}

const unknownSets = new WeakMap<Analysis, Map<string, string | null>>();
/**
 * What of a Makefile the tool read it may not have read, as a clause on the file, or null: that
 * `.ONESHELL` may hold for its recipes, which it reads line by line (an include it cannot
 * resolve: src/analyze/hosts/make-joined.ts), or that `$(eval …)` makes rules of text it does not
 * read as the Makefile. Read once per analysis and file.
 */
function partlyRead(analysis: Analysis, fs: RepoFs, rel: string, text: string): string | null {
  let known = unknownSets.get(analysis);
  if (!known) unknownSets.set(analysis, (known = new Map()));
  let why = known.get(rel);
  if (why === undefined) {
    const kind = analysis.scripts.has(rel) ? null : scriptKindOf(rel, text);
    const script = kind === 'make' ? readScript(kind, rel, text, fs).script : (analysis.scripts.get(rel) ?? null);
    const make = script?.kind === 'make' ? (script as MakeScript) : null;
    why =
      make?.oneShellUnknown !== undefined
        ? `whose recipes may each run in one shell or line by line (${make.oneShellUnknown})`
        : make?.evaluates !== undefined
          ? `whose \`$(eval …)\` (line ${make.evaluates}) makes rules the tool does not read, which may run anything`
          : null;
    known.set(rel, why);
  }
  return why;
}

const unreadableSets = new WeakMap<Analysis, Map<string, boolean>>();
/**
 * Whether a kept file of a kind the tool reads gives no script when read (a Makefile under
 * `.ONESHELL` with prerequisites, a shell script that does not parse: SHELL_PARSE_ERROR): the callers' reading
 * finds no commands in it (./caller-uses.ts), so it is searched as text, like a passed-over file.
 * Read once per analysis and file.
 */
function unreadable(analysis: Analysis, fs: RepoFs, rel: string, text: string): boolean {
  let known = unreadableSets.get(analysis);
  if (!known) unreadableSets.set(analysis, (known = new Map()));
  let no = known.get(rel);
  if (no === undefined) {
    const kind = analysis.scripts.has(rel) ? null : scriptKindOf(rel, text);
    const read = kind === null ? null : readScript(kind, rel, text, fs);
    // Not a file with nothing to read (a workflow without a `run:` step): one that did not parse.
    no = read !== null && read.script === null && read.diagnostics.some((d) => d.code === 'SHELL_PARSE_ERROR');
    known.set(rel, no);
  }
  return no;
}

/**
 * The kept files the tool could not read although their kind is one it reads (see
 * `unreadable`): a Makefile giving `.ONESHELL` prerequisites or a shell script that does not parse may run
 * anything after a setup's script did, and the tool cannot tell what. So each names of a setup
 * counts as a use, as a caller's command would (./caller-uses.ts), wherever the file is: a
 * whole name of the extraction's container (`docker rm relay-x`, `containers(setup)`) refuses
 * the setup (REMOVED_NAME_USED), as the migration no longer makes it; a file a removed command
 * wrote refuses it too (REMOVED_OUTPUT_USED); an artifact's name, or the name of a folder holding
 * it, keeps it on the host (an export stage). A Makefile the tool read line by line although a
 * make file joined with it by an include it cannot resolve may set `.ONESHELL` is searched so too.
 * Its builder tag, Dockerfiles and builds are searched as every unread file's are
 * (./tag-mentions.ts, ./builder-mentions.ts, ./unread-builds.ts), and a naming of the script as a
 * passed-over caller's (markPassedOverCallers).
 *
 * A file an --ignore pattern leaves out by its path (analysis.ignored) is searched the same
 * way: the user said not to touch it, not that it never runs, and the tool reads it as no
 * script. (It is among the passed-over files too, for the other searches.)
 */
export function markUnreadableNamers(analysis: Analysis, fs: RepoFs, setups: readonly Setup[], containers: (setup: Setup) => readonly string[], left: (setup: Setup, hostPath: string) => boolean): void {
  if (setups.length === 0) return;
  const outputs = new Map(setups.map((s) => [s, leftOutputs(s, analysis.scripts.get(s.script), fs).map((o) => ({ base: path.basename(o.path!), by: o.by }))]));
  // An artifact is named by its own name or a folder holding it (`cd dist && tar czf ../rel.tgz .`).
  const segments = (hostPath: string) => hostPath.split('/').filter((x) => x !== '' && x !== '.');
  const names = new Set(setups.flatMap((s) => [...containers(s), ...s.artifacts.flatMap((a) => segments(a.hostPath)), ...outputs.get(s)!.map((o) => o.base)]));
  if (names.size === 0) return;
  const ignored = new Set(analysis.ignored ?? []);
  const searched = [...names];
  for (const rel of [...new Set([...keptFiles(analysis), ...ignored])].sort()) {
    if (inContainer(rel)) continue;
    const kept = !ignored.has(rel);
    // A script the tool read is searched only when it is a Makefile whose one-shell reading is
    // unknown (below): every other one is left before its text is read again and searched.
    const read = analysis.scripts.get(rel);
    if (read && (!kept || ((read as Partial<MakeScript>).oneShellUnknown === undefined && (read as Partial<MakeScript>).evaluates === undefined))) continue;
    // An ignored file is read only here, once, and let go (as the other searches of passed-over files read it).
    const text = kept || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null || !searched.some((n) => text.includes(n))) continue;
    // A Makefile read line by line whose recipes may run under .ONESHELL (an include the tool cannot resolve) is searched too.
    const unknown = kept ? partlyRead(analysis, fs, rel, text) : null;
    if (kept && unknown === null && (analysis.scripts.has(rel) || !unreadable(analysis, fs, rel, text))) continue;
    const lines = new LineIndex(text);
    const lineOf = (name: string) => {
      const at = namings(text, name)[0]?.at;
      return at === undefined ? null : lines.lineOf(at);
    };
    const fix = kept ? 'make the file readable' : 'run without the --ignore pattern that leaves it out';
    for (const setup of setups) {
      const after = !kept
        ? `${rel}, which an --ignore pattern leaves out (the tool does not read it, and it still runs) and which may run after ${setup.script} did`
        : unknown === null
          ? `${rel}, which the tool could not read (see its SHELL_PARSE_ERROR) and which may run after ${setup.script} did`
          : `${rel}, ${unknown}, and which may run after ${setup.script} did`;
      for (const c of containers(setup)) {
        const line = lineOf(c);
        if (line === null || setup.diagnostics.some((d) => d.code === 'REMOVED_NAME_USED' && d.file === rel && d.line === line)) continue;
        setup.diagnostics.push(diag('REMOVED_NAME_USED', 'error', `this line names the container ${c} that ${setup.script} made, in ${after}; the migration no longer makes it`, { file: rel, line, setup: setup.id, hint: kept ? 'Make the file readable (or stop using that container there), then run the tool again.' : 'Run without the --ignore pattern that leaves the file out (or stop using that container there), then run the tool again.' }));
      }
      for (const o of outputs.get(setup)!) {
        const line = lineOf(o.base);
        if (line === null || setup.diagnostics.some((d) => d.code === 'REMOVED_OUTPUT_USED' && d.file === rel && d.line === line)) continue;
        setup.diagnostics.push(diag('REMOVED_OUTPUT_USED', 'error', `this line names ${o.base}, which a removed command wrote (${o.by.file}:${o.by.line}), in ${after}; the migration no longer writes it`, { file: rel, line, setup: setup.id, hint: `Write ${o.base} from a command that stays, or ${fix}, then run the tool again.` }));
      }
      for (const a of setup.artifacts) {
        if (a.hostNeeded || !left(setup, a.hostPath)) continue;
        const named = segments(a.hostPath).reverse().find((x) => lineOf(x) !== null);
        if (named !== undefined) a.hostNeeded = `${rel}:${lineOf(named)} names ${named === path.basename(a.hostPath) ? named : `${named}, a folder holding ${a.hostPath}`}, in ${after}`;
      }
    }
  }
}

const keptSets = new WeakMap<Analysis, Set<string>>();
/** The files the walk kept (`files`, `quiet`), as a set made once per analysis: a large tree asks about thousands. */
export function keptFiles(analysis: Analysis): ReadonlySet<string> {
  let kept = keptSets.get(analysis);
  if (!kept) keptSets.set(analysis, (kept = new Set([...analysis.files, ...(analysis.quiet ?? [])])));
  return kept;
}

/**
 * The programs that run a target of a Makefile or a script of a package.json: npm's scripts are
 * also run by bun, by npm-run-all (`run-s`, `run-p`), concurrently (`npm:NAME`) and turbo, and
 * through npx (`npx run-s compile`).
 */
export const RUNNERS: Readonly<Record<string, readonly string[]>> = { make: ['make'], 'package-json': ['npm', 'yarn', 'pnpm', 'bun', 'npx', 'pnpx', 'run-s', 'run-p', 'npm-run-all', 'concurrently', 'turbo'] };

/**
 * The same for a setup in a Makefile or a package.json: a passed-over file that runs `make`
 * (`subprocess.run(["make", "image"])`, a whole word `make`) or `npm`/`yarn`/`pnpm`, or names
 * the file (`make -f build.mk`), may run its target or script and then read what it leaves.
 * Any such file's, as `make -C dir` or `npm --prefix dir` reaches one in another folder.
 */
export function markPassedOverRunnerCallers(analysis: Analysis, fs: RepoFs, setups: readonly { setup: Setup; runners: readonly string[] }[], left: (setup: Setup, hostPath: string) => boolean): void {
  if (setups.length === 0) return;
  const outputs = outputsBySetup(analysis, fs);
  // (a settled setup is searched for no more; its pre/post scripts are checked per naming file)
  const open = ({ setup }: { setup: Setup }) => !settled(setup, outputs, analysis.scripts);
  let pending = setups.filter(open);
  let words = wordsOf(pending);
  for (const rel of unreadFiles(analysis)) {
    if (pending.length === 0) return;
    if (inContainer(rel)) continue;
    const text = fs.readText(rel);
    if (text === null || !words.some((w) => text.includes(w)) || readAsScript(analysis, rel, text, fs)) continue;
    // Each word searched once per file, whatever the number of setups (a monorepo has hundreds).
    const found = new Map<string, Naming[]>();
    const ranges = {};
    const of = (word: string) => found.get(word) ?? found.set(word, text.includes(word) ? liveNamings(rel, text, word, ranges) : []).get(word)!;
    let lines: LineIndex | null = null;
    for (const { setup, runners } of pending) {
      const hit = runners.map((r) => of(r).find((n) => n.token === r)).find((n) => n !== undefined) ?? of(path.basename(setup.script)).find((n) => mayBe(n.token, n.afterExpansion, rel, setup.script));
      if (!hit) continue;
      lines ??= new LineIndex(text);
      const line = lines.lineOf(hit.at);
      const why = () => `${rel}:${line} names ${runners.includes(hit.token) ? hit.token : setup.script} (\`${hit.token}\`), and the tool does not read that file: it may run ${setup.script} and then read what it leaves`;
      markSetup(setup, text, rel, line, why, analysis, left, outputs);
      // A runner that may run the setup's package.json script without the hooks its steps are in (./hook-callers.ts).
      markHookSkippingNaming(setup, analysis.scripts.get(setup.script), rel, line, (r) => runners.includes(r) && of(r).some((n) => n.token === r), text.includes('--ignore-scripts'));
    }
    if (lines !== null && !pending.every(open)) {
      pending = pending.filter(open);
      words = wordsOf(pending);
    }
  }
}

/** Every word whose naming may count for one of `setups` (its runners, its script's name): a file holding none is let go after one search each. */
function wordsOf(setups: readonly { setup: Setup; runners: readonly string[] }[]): string[] {
  return [...new Set(setups.flatMap(({ setup, runners }) => [...runners, path.basename(setup.script)]))];
}

/**
 * Where a file the tool does not read as a script names a runner of `runners` (`make`, `npm`…,
 * a whole word) and one of `names` whole (`subprocess.run(["npm", "run", "prepare-bin"])`): it
 * may run that script or target. The first naming of each name in each file; the files in `read`
 * were read as scripts (their commands are the calls).
 */
export function unreadRunnerNamings(analysis: Analysis, fs: RepoFs, runners: readonly string[], names: readonly string[], read: ReadonlySet<string>): { file: string; line: number; runner: string; name: string }[] {
  const out: { file: string; line: number; runner: string; name: string }[] = [];
  if (runners.length === 0 || names.length === 0) return out;
  const kept = keptFiles(analysis);
  for (const { rel, runner } of unreadRunnerFiles(analysis, fs, runners)) {
    if (read.has(rel)) continue;
    const text = kept.has(rel) || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null || !names.some((n) => text.includes(n))) continue;
    const ranges = {};
    let lines: LineIndex | null = null;
    for (const name of names) {
      const hit = liveNamings(rel, text, name, ranges).find((n) => n.token === name);
      if (!hit) continue;
      lines ??= new LineIndex(text);
      out.push({ file: rel, line: lines.lineOf(hit.at), runner, name });
    }
  }
  return out;
}

const runnerFileLists = new WeakMap<Analysis, Map<string, { rel: string; runner: string }[]>>();

/**
 * The files unreadRunnerNamings searches for `runners`, found once per analysis (every setup
 * that takes a name away asks): those not read as scripts that name one of the runners outside
 * comments, with the first runner named, in the files' order.
 */
function unreadRunnerFiles(analysis: Analysis, fs: RepoFs, runners: readonly string[]): { rel: string; runner: string }[] {
  let perRunners = runnerFileLists.get(analysis);
  if (!perRunners) runnerFileLists.set(analysis, (perRunners = new Map()));
  const key = runners.join(' ');
  const known = perRunners.get(key);
  if (known) return known;
  const out: { rel: string; runner: string }[] = [];
  const kept = keptFiles(analysis);
  for (const rel of unreadFiles(analysis)) {
    if (inContainer(rel)) continue;
    const text = kept.has(rel) || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null || !runners.some((w) => text.includes(w)) || readAsScript(analysis, rel, text, fs)) continue;
    const ranges = {};
    const runner = runners.find((r) => liveNamings(rel, text, r, ranges).some((n) => n.token === r));
    if (runner !== undefined) out.push({ rel, runner });
  }
  perRunners.set(key, out);
  return out;
}

/** A naming of `setup`'s script or runner at `file`:`line`: what it left behind counts as used there (`why`). */
/**
 * What each setup's removed commands leave (leftOutputs), worked out once per setup: every
 * passed-over file naming a runner asks again for every setup it may run (a monorepo's files
 * naming `make` times its hundreds of Makefiles). The setups' commands do not change while
 * the callers are marked.
 */
function outputsBySetup(analysis: Analysis, fs: RepoFs): (setup: Setup) => readonly Output[] {
  const known = new Map<Setup, readonly Output[]>();
  return (setup) => known.get(setup) ?? known.set(setup, leftOutputs(setup, analysis.scripts.get(setup.script), fs)).get(setup)!;
}

function markSetup(setup: Setup, text: string, file: string, line: number, why: () => string, analysis: Analysis, left: (setup: Setup, hostPath: string) => boolean, outputs: (setup: Setup) => readonly Output[]): void {
  for (const a of setup.artifacts) if (!a.hostNeeded && left(setup, a.hostPath)) a.hostNeeded = why();
  const where = `${file}:${line}`;
  for (const o of outputs(setup)) {
    const base = path.basename(o.path!);
    if (namings(text, base).length === 0 || setup.diagnostics.some((d) => d.code === 'REMOVED_OUTPUT_USED' && d.file === file && d.line === line)) continue;
    setup.diagnostics.push(
      diag('REMOVED_OUTPUT_USED', 'error', `${where} names ${setup.script} and ${base}, which a removed command wrote (${o.by.file}:${o.by.line}); the tool does not read that file, so it may read ${base} after running the script, and the migration no longer writes it`, {
        file,
        line,
        setup: setup.id,
        hint: `Write ${base} from a command that stays, or stop reading it there, then run the tool again.`,
      }),
    );
  }
}

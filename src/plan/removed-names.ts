/**
 * Names the migration takes away. Removing a setup's commands can empty the host item that held
 * them, which then goes (or stays and does nothing); whatever still runs or reads it by its name
 * breaks:
 *
 * - an npm script left empty is deleted (`npm run prepare-bin` then fails: Missing script), and a
 *   Make target whose recipe is emptied does nothing (`make bin` no longer makes ./app). Such an
 *   entry may go only as a step of the build it served: run by an entry holding the setup's
 *   runtime build (`"image": "npm run prepare-bin && docker build …"`), and by nothing else. A
 *   caller elsewhere (another entry of the file, a shell script, a CI step, a recipe, a file the
 *   tool does not read that runs npm or make and names it), an entry of its own that no such
 *   build runs (`"refresh": "npm run prepare-bin"`), or an npm `preX`/`postX` hook that stays
 *   (npm ran it only around X) refuses the setup;
 * - a GitHub Actions step removed whole takes its `id` with it: `steps.<id>` read anywhere in its
 *   job (an `if:`, with or without `${{ }}`, any `${{ }}` in `run:`, `env:`, `with:`, the job's
 *   `outputs:`) becomes empty, and an `if: steps.builder.outcome == 'success'` never holds again.
 *   The `steps` context is the job's own, so the job is searched (a job is never removed).
 *
 * Each refusal is REMOVED_NAME_USED at the line that uses the name.
 */
import type { Pair, Scalar, YAMLMap } from 'yaml';
import type { Analysis } from '../analyze/index.js';
import { isExpanded } from '../analyze/compose.js';
import type { EmbeddedScript, Part } from '../analyze/embedded.js';
import { isMap, isScalar, isSeq } from '../analyze/hosts/ci-yaml.js';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import { LineIndex } from '../model/text.js';
import { folderOf } from '../model/paths.js';
import { addTo } from '../model/multimap.js';
import { programAt } from '../model/wrappers.js';
import { embeddedAdapter, emptiedParts } from '../../transforms/embedded.js';
import { callerScript } from './caller-uses.js';
import { keptFiles, RUNNERS, unreadRunnerNamings } from './passed-over-callers.js';
import { foldersReached, runnerFolder, runnerOf, runsFileFrom } from './runner-calls.js';

const HINT = 'Keep what that caller needs by hand (or stop calling it there), then run the tool again.';

export interface RemovedNames {
  script: ScriptFile;
  /** The commands the migration removes from it (their companions are added here). */
  removed: readonly number[];
  /** The runtime builds of the setups removing them: an entry running one is the build they served. */
  drivers: readonly ScriptCommand[];
  analysis: Analysis;
  fs: RepoFs;
  setup: string;
}

/** Each use of a name the removal takes away (REMOVED_NAME_USED), at the line that uses it. */
export function removedNameUses(r: RemovedNames): Diagnostic[] {
  // Compose commands read as the docker commands they stand for: the names are the file's as written (a command goes when all it stood for goes).
  if (isExpanded(r.script)) {
    const x = r.script.compose;
    const doomed = new Set(r.removed);
    const removed = [...new Set(r.removed.map((i) => x.baseIndex[i]!))].filter((b) => x.baseIndex.every((bb, k) => bb !== b || doomed.has(k)));
    const drivers = r.drivers.flatMap((d) => (r.script.commands[d.index] === d ? [x.base.commands[x.baseIndex[d.index]!]!] : []));
    return removedNameUses({ ...r, script: x.base, removed, drivers });
  }
  const script = r.script as Partial<EmbeddedScript> & ScriptFile;
  if (!script.parts || r.removed.length === 0) return [];
  const emb = script as EmbeddedScript;
  const asked = [...new Set([...r.removed, ...embeddedAdapter.companions(emb, r.removed)])];
  if (emb.kind === 'github-actions') return stepIdUses(emb, asked, r.setup);
  if (emb.kind === 'package-json' || emb.kind === 'make') return entryUses(emb, asked, r);
  return [];
}

/** The npm scripts or Make targets the removal empties, and who still runs them. */
function entryUses(emb: EmbeddedScript, asked: number[], r: RemovedNames): Diagnostic[] {
  const { doomed, emptied } = emptiedParts(emb, asked);
  if (emptied.size === 0) return [];
  const partsOf = new Map<string, Part[]>();
  for (const p of emb.parts) for (const n of p.snippet.entryNames ?? []) addTo(partsOf, n, p);
  const gone = new Set([...partsOf].filter(([, ps]) => ps.every((p) => emptied.has(p))).map(([n]) => n));
  if (gone.size === 0) return [];
  const npm = emb.kind === 'package-json';
  const what = (n: string) => (npm ? `the script "${n}" of ${emb.file}, which the migration deletes` : `the target ${n} of ${emb.file}, whose recipe the migration empties`) + ' (all it ran are steps of the builder pattern, which the migration removes)';
  const broken = (n: string) => (npm ? `\`npm run ${n}\` would fail (Missing script: "${n}")` : `\`make ${n}\` would do nothing`);
  const own = (n: string) => (partsOf.get(n) ?? []).flatMap((p) => emb.commands.slice(p.first, p.first + p.count));
  const entries = emb.entries ?? [];
  const drivers = new Set(r.drivers);
  const runnerSet = new Set(RUNNERS[emb.kind] ?? []);
  // An npm hook runs as part of its script: its sequence is that one's.
  const sequenceOf = (n: string): readonly ScriptCommand[] => {
    const i = entries.indexOf(n);
    if (i >= 0) return emb.sequences[i]!;
    const base = npm ? n.replace(/^(pre|post)/, '') : n;
    return base !== n && entries.includes(base) ? sequenceOf(base) : [];
  };
  const driving = (n: string) => sequenceOf(n).some((c) => drivers.has(c));
  // Who runs n in the file: a Make target with it among its prerequisites (its sequence holds n's
  // recipe); an npm script with a call of it in its own text (`npm run n`), or its base for a hook.
  const runners = (n: string): string[] => {
    if (!npm) {
      const first = own(n)[0];
      return entries.filter((e, i) => e !== n && first !== undefined && emb.sequences[i]!.includes(first));
    }
    const by = [...partsOf.keys()].filter((e) => e !== n && own(e).some((c) => { const run = runnerOf(c, runnerSet); return run !== null && (runnerNames(c, run, null) ?? []).includes(n); }));
    const base = n.replace(/^(pre|post)/, '');
    if (base !== n && partsOf.has(base) && !by.includes(base)) by.push(base);
    return by;
  };
  const out: Diagnostic[] = [];
  const refuse = (at: { file: string; line: number }, why: string) => {
    if (!out.some((d) => d.file === at.file && d.line === at.line)) out.push(diag('REMOVED_NAME_USED', 'error', why, { ...at, setup: r.setup, hint: HINT }));
  };
  // Whether gone entry n is only a step of the build: run by a driving entry, and otherwise only by such steps.
  const checked = new Map<string, boolean>();
  const inChain = (n: string): boolean => {
    const known = checked.get(n);
    if (known !== undefined) return known;
    checked.set(n, false);
    const by = runners(n);
    const at = own(n)[0]!;
    let ok = by.length > 0;
    if (!ok) refuse({ file: emb.file, line: at.line }, `${what(n)}, but no ${npm ? 'script' : 'target'} that builds the runtime image runs it: it is run on its own, for what it leaves on the host, and ${broken(n)}`);
    for (const e of by) {
      if (driving(e) || (gone.has(e) && inChain(e))) continue;
      ok = false;
      const call = callIn(emb, e, partsOf, n) ?? at;
      refuse({ file: emb.file, line: call.line }, `${npm ? 'the script' : 'the target'} ${e} runs ${what(n)}, and does not build the runtime image: it is run on its own, for what ${n} leaves on the host, which the migration no longer leaves there`);
    }
    checked.set(n, ok);
    return ok;
  };
  for (const n of gone) {
    inChain(n);
    // npm runs `preX` and `postX` only around X: a hook that stays would no longer run.
    if (npm) {
      for (const hook of [`pre${n}`, `post${n}`]) {
        const ps = partsOf.get(hook);
        if (!ps || gone.has(hook)) continue;
        const at = emb.commands[ps[0]!.first];
        if (at) refuse({ file: emb.file, line: at.line }, `the script "${hook}" of ${emb.file} stays, but npm runs it only around "${n}", which the migration deletes: it would never run again`);
      }
    }
  }
  // Callers in the files read or passed over (the file's own removed calls go with the names).
  const runnerWords = RUNNERS[emb.kind] ?? [];
  const names = [...gone];
  const defaultGoal = npm ? null : (entries[0] ?? null);
  // Only files with a call that may run one of the names (runnerCallIndex): a sweep plans
  // thousands of setups, and reading every file again for each took minutes.
  const index = runnerCallIndex(r.analysis, r.fs, emb.kind, runnerWords);
  // runsFileFrom, with each call's folders worked out once in the index.
  const home = folderOf(emb.file);
  const named = new Map<string, boolean>();
  const nameOk = (runner: string) => named.get(runner) ?? named.set(runner, runsFileFrom(runner, home, emb.file)).get(runner)!;
  const reaching = (calls: readonly IndexedCall[]) => calls.filter((c) => c.reached === null || (c.reached.has(home) && nameOk(c.runner))).map((c) => c.rel);
  const files = [...new Set([emb.file, ...reaching(index.unknown), ...names.flatMap((n) => reaching(index.byName.get(n) ?? [])), ...(defaultGoal !== null && gone.has(defaultGoal) ? reaching(index.bare) : [])])].sort();
  const read = index.parsed;
  for (const rel of files) {
    const text = r.fs.readText(rel);
    if (text === null || !runnerWords.some((w) => text.includes(w))) continue;
    if (rel !== emb.file && !names.some((n) => text.includes(n)) && !(defaultGoal !== null && gone.has(defaultGoal))) continue;
    const caller = rel === emb.file ? emb : callerScript(r.analysis, r.fs, rel, text);
    if (!caller) continue;
    for (const cmd of caller.commands) {
      if (rel === emb.file && doomed.has(cmd.index)) continue;
      const runner = runnerOf(cmd, new Set(runnerWords));
      if (runner === null) continue;
      const folder = runnerFolder(cmd, runner);
      if (folder !== null && !runsFileFrom(runner, folder, emb.file)) continue;
      const run = runnerNames(cmd, runner, defaultGoal);
      const hit = run === null ? names[0] : names.find((n) => run.includes(n));
      if (hit === undefined) continue;
      refuse({ file: cmd.file, line: cmd.line }, `\`${shownCommand(cmd)}\` ${run === null ? 'may run' : 'runs'} ${what(hit)}: ${run === null ? 'it' : 'that call'} would ${npm ? `fail (Missing script: "${hit}")` : 'do nothing'}, and no longer leave what ${hit} left on the host`);
    }
  }
  for (const n of unreadRunnerNamings(r.analysis, r.fs, runnerWords, names, read)) {
    refuse({ file: n.file, line: n.line }, `${n.file}:${n.line} names ${n.runner} and ${n.name}, and the tool does not read that file: it may run ${what(n.name)}, which would ${npm ? 'fail' : 'do nothing'}`);
  }
  return out;
}

/** A runner call: its file, its runner and the folders whose file of its kind it may run (null: any). */
interface IndexedCall {
  rel: string;
  runner: string;
  reached: ReadonlySet<string> | null;
}

/** Where the runner calls of a kind (`npm`/`yarn`/`pnpm`, or `make`) are, by the names they run. */
interface RunnerCallIndex {
  /** The calls of each name. */
  byName: Map<string, IndexedCall[]>;
  /** Calls whose name is only known at run time (`npm run "$TASK"`). */
  unknown: IndexedCall[];
  /** Calls naming nothing (`make` alone: the default goal). */
  bare: IndexedCall[];
  /** Every file with a runner word the callers' reading takes as a script (its commands are the calls). */
  parsed: Set<string>;
}

const callIndexes = new WeakMap<Analysis, Map<string, RunnerCallIndex>>();

/**
 * The runner calls of every file the tool reads or passes over, read once per analysis and kind:
 * entryUses then reads again only the files whose calls may run a name it takes away. A file is
 * indexed as entryUses reads it (a runner word in its text, its commands as callerScript gives
 * them, each call's names as runnerNames gives them without a default goal), so the files it
 * leaves out could not have held a call of a name, nor one from a folder that reaches the file.
 */
function runnerCallIndex(analysis: Analysis, fs: RepoFs, kind: string, runnerWords: readonly string[]): RunnerCallIndex {
  let perKind = callIndexes.get(analysis);
  if (!perKind) callIndexes.set(analysis, (perKind = new Map()));
  const known = perKind.get(kind);
  if (known) return known;
  const index: RunnerCallIndex = { byName: new Map(), unknown: [], bare: [], parsed: new Set() };
  const kept = keptFiles(analysis);
  const runners = new Set(runnerWords);
  for (const rel of new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])) {
    // A passed-over file is read once and let go, as the other searches of them do.
    const text = kept.has(rel) || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null || !runnerWords.some((w) => text.includes(w))) continue;
    const caller = callerScript(analysis, fs, rel, text);
    if (!caller) continue;
    index.parsed.add(rel);
    for (const cmd of caller.commands) {
      const runner = runnerOf(cmd, runners);
      if (runner === null) continue;
      const run = runnerNames(cmd, runner, null);
      const folder = runnerFolder(cmd, runner);
      const call: IndexedCall = { rel, runner, reached: folder === null ? null : new Set(foldersReached(runner, folder)) };
      if (run === null) index.unknown.push(call);
      else if (run.length === 0) index.bare.push(call);
      else for (const n of new Set(run)) addTo(index.byName, n, call);
    }
  }
  perKind.set(kind, index);
  return index;
}

/** The command of entry `caller`'s own text that runs `name` (`npm run name`), if it has one. */
function callIn(emb: EmbeddedScript, caller: string, partsOf: ReadonlyMap<string, Part[]>, name: string): ScriptCommand | undefined {
  const own = (partsOf.get(caller) ?? []).flatMap((p) => emb.commands.slice(p.first, p.first + p.count));
  const runners = new Set(RUNNERS[emb.kind] ?? []);
  return own.find((c) => { const r = runnerOf(c, runners); const n = r === null ? null : runnerNames(c, r, null); return n !== null && n.includes(name); }) ?? own[0];
}

/** npm's own commands that run the script of the same name (`npm test`), and those that run install's scripts. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const NPM_SCRIPT_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  test: ['test'], t: ['test'], tst: ['test'], start: ['start'], stop: ['stop'], restart: ['restart', 'stop', 'start'],
  install: INSTALL_SCRIPTS, i: INSTALL_SCRIPTS, ci: INSTALL_SCRIPTS,
};
const NPM_RUN = new Set(['run', 'run-script', 'rum', 'urn']);
/** Commands of yarn and pnpm that are their own, not a script's name (`yarn build` runs the script build). */
const OWN_COMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  yarn: new Set(['add', 'audit', 'autoclean', 'bin', 'cache', 'check', 'config', 'create', 'dedupe', 'dlx', 'exec', 'explain', 'global', 'import', 'info', 'init', 'install', 'licenses', 'link', 'list', 'login', 'logout', 'node', 'npm', 'outdated', 'owner', 'pack', 'patch', 'plugin', 'policies', 'publish', 'rebuild', 'remove', 'search', 'set', 'tag', 'team', 'unlink', 'unplug', 'up', 'upgrade', 'upgrade-interactive', 'version', 'versions', 'why', 'workspace', 'workspaces']),
  pnpm: new Set(['add', 'audit', 'bin', 'config', 'create', 'dedupe', 'dlx', 'env', 'exec', 'fetch', 'i', 'import', 'init', 'install', 'licenses', 'link', 'list', 'ln', 'ls', 'outdated', 'pack', 'patch', 'prune', 'publish', 'rb', 'rebuild', 'remove', 'rm', 'root', 'server', 'setup', 'store', 'un', 'uninstall', 'unlink', 'up', 'update', 'why']),
};
/** Options of make that take the next word as their value. */
const MAKE_VALUED = new Set(['-C', '-f', '-I', '-o', '-W', '--directory', '--file', '--makefile', '--include-dir', '--old-file', '--assume-old', '--what-if', '--new-file', '--assume-new']);

/**
 * The scripts (npm, yarn, pnpm) or targets (make) a runner's command runs by name, or null when
 * a word it may run is only known at run time. Make with no goal runs `defaultGoal`. An npm
 * script's `preX`/`postX` hooks are not named: they run around X, and go with it or refuse there.
 */
export function runnerNames(cmd: ScriptCommand, runner: string, defaultGoal: string | null): string[] | null {
  const { at } = programAt(cmd.words);
  const words: Word[] = cmd.words.slice(at + 1);
  if (runner === 'make') {
    const goals: string[] = [];
    for (let k = 0; k < words.length; k++) {
      const v = words[k]!.value;
      if (v === null) return null;
      if (MAKE_VALUED.has(v)) k++;
      else if (/^-[jl]$/.test(v) && /^\d+(\.\d+)?$/.test(words[k + 1]?.value ?? '')) k++;
      else if (!v.startsWith('-') && !v.includes('=')) goals.push(v);
    }
    return goals.length > 0 ? goals : defaultGoal === null ? [] : [defaultGoal];
  }
  return packageRunnerNames(words, runner);
}

/** Options of npm, yarn, pnpm and bun that take the next word as their value (`npm --prefix . run x`). */
const PACKAGE_VALUED = new Set(['--prefix', '-C', '-w', '--workspace', '--cwd', '--dir', '--filter', '-F', '--userconfig', '--cache', '--loglevel', '--registry', '--script-shell']);
/** Runners of npm scripts by name besides npm's own: their operands are script names (or patterns). */
const SCRIPT_LISTS = new Set(['run-s', 'run-p', 'npm-run-all']);
/** bun's own commands (`bun test` runs its test runner, not a script). */
const BUN_OWN = new Set(['add', 'install', 'i', 'remove', 'rm', 'update', 'link', 'unlink', 'pm', 'x', 'create', 'init', 'upgrade', 'build', 'test', 'repl', 'exec', 'outdated', 'publish', 'patch']);

/** runnerNames for the runners of a package.json's scripts, from the words after the runner. */
function packageRunnerNames(words: readonly Word[], runner: string): string[] | null {
  // (npx run-s compile: the tool it runs is the runner)
  if (runner === 'npx' || runner === 'pnpx') {
    const k = words.findIndex((w) => w.value === null || !w.value.startsWith('-'));
    const tool = k < 0 ? undefined : words[k]!.value;
    if (tool === null) return null;
    return tool !== undefined && (SCRIPT_LISTS.has(tool) || tool === 'concurrently' || tool === 'turbo') ? packageRunnerNames(words.slice(k + 1), tool) : [];
  }
  // `run-s compile lint`, `npm-run-all "build:*"`: each operand a name, a pattern may name any
  if (SCRIPT_LISTS.has(runner) || runner === 'turbo') {
    const names = words.filter((w) => w.value === null || !w.value.startsWith('-')).map((w) => w.value);
    const list = runner === 'turbo' && names[0] === 'run' ? names.slice(1) : names;
    return list.some((n) => n === null || /[*?[{]/.test(n)) ? null : (list as string[]);
  }
  // `concurrently "npm:compile" "npm run lint"`: `npm:` names a script; another command may run any
  if (runner === 'concurrently') {
    const ops = words.filter((w) => w.value === null || !w.value.startsWith('-')).map((w) => w.value);
    return ops.every((o) => o !== null && /^npm:[^*?[{]+$/.test(o)) ? ops.map((o) => o!.slice(4)) : null;
  }
  // The first word that is no option (an option's value, `--prefix web`, is skipped: the folder was checked).
  let plain = -1;
  for (let k = 0; k < words.length; k++) {
    const v = words[k]!.value;
    if (v !== null && PACKAGE_VALUED.has(v)) k++;
    else if (v === null || !v.startsWith('-')) {
      plain = k;
      break;
    }
  }
  if (plain < 0) return runner === 'npm' ? [] : INSTALL_SCRIPTS.slice(0, 3);
  const sub = words[plain]!.value;
  if (sub === null) return null;
  const next = () => {
    const k = words.slice(plain + 1).findIndex((w) => w.value === null || !w.value.startsWith('-'));
    if (k < 0) return [];
    const v = words[plain + 1 + k]!.value;
    return v === null ? null : [v];
  };
  if (runner === 'npm') return NPM_RUN.has(sub) ? next() : (NPM_SCRIPT_COMMANDS[sub] ? [...NPM_SCRIPT_COMMANDS[sub]] : []);
  if (sub === 'run' || sub === 'run-script') return next();
  if (runner === 'bun') return BUN_OWN.has(sub) ? [] : [sub];
  if (OWN_COMMANDS[runner]?.has(sub)) return sub === 'install' || sub === 'i' ? INSTALL_SCRIPTS.slice(0, 3) : [];
  return [sub];
}

/**
 * GitHub Actions steps the removal takes whole, and each read of their `id` left in their job.
 * A step is removed when one edit of the removal spans it.
 */
function stepIdUses(emb: EmbeddedScript, asked: number[], setup: string): Diagnostic[] {
  const edits = embeddedAdapter.deleteCommands(emb, asked);
  if ('error' in edits) return [];
  const cuts = edits.filter((e) => e.text === '' && e.end > e.start);
  const text = emb.text;
  const doc = yaml().parseDocument(text);
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : null;
  if (!isMap(jobs)) return [];
  const lines = new LineIndex(text);
  const out: Diagnostic[] = [];
  for (const jp of jobs.items) {
    const job = jp.value;
    const steps = isMap(job) ? job.get('steps', true) : null;
    if (!isMap(job) || !isSeq(steps)) continue;
    const removed = new Map<string, { step: YAMLMap; line: number }>();
    for (const step of steps.items) {
      if (!isMap(step) || !step.range) continue;
      const id = step.get('id', true);
      if (!isScalar(id) || typeof id.value !== 'string') continue;
      let end = step.range[1];
      while (end > step.range[0] && /\s/.test(text[end - 1]!)) end--;
      if (cuts.some((e) => e.start <= step.range![0] && e.end >= end)) removed.set(id.value.toLowerCase(), { step, line: lines.lineOf(step.range[0]) });
    }
    if (removed.size === 0) continue;
    const gone = new Set([...removed.values()].map((x) => x.step));
    yaml().visit(job, {
      Map: (_, node) => (gone.has(node as YAMLMap) ? yaml().visit.SKIP : undefined),
      Scalar: (_, node, path) => {
        const parent = path[path.length - 1] as Pair | undefined;
        if (parent && yaml().isPair(parent) && parent.key === node) return;
        const value = (node as Scalar).value;
        if (typeof value !== 'string' || !(node as Scalar).range) return;
        const key = parent && yaml().isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : null;
        // `if:` is an expression whole, with or without `${{ }}`; elsewhere only `${{ }}` is one.
        const exprs = key === 'if' && !value.includes('${{') ? [value] : expressionsIn(value);
        for (const id of exprs.flatMap(stepRefs)) {
          const hits = id === '*' ? [...removed.keys()] : removed.has(id) ? [id] : [];
          for (const h of hits) {
            const start = (node as Scalar).range![0];
            const src = text.slice(start, (node as Scalar).range![1]);
            const k = src.search(/steps\s*[.[]/i);
            const line = lines.lineOf(start + Math.max(0, k));
            const by = removed.get(h)!;
            if (out.some((d) => d.file === emb.file && d.line === line)) continue;
            out.push(diag('REMOVED_NAME_USED', 'error', `${key === null ? 'a value' : `\`${key}:\``} of the job ${String(isScalar(jp.key) ? jp.key.value : '?')} reads steps.${h}, the step with \`id: ${h}\` (${emb.file}:${by.line}), which the migration removes: it would read as empty`, { file: emb.file, line, setup, hint: 'Read the outcome of a step that stays (give the runtime build an `id` and use that), or remove the use, then run the tool again.' }));
          }
        }
      },
    });
  }
  return out;
}

/** The texts of the `${{ … }}` expressions in a value (a `}}` inside a string literal does not end one). */
export function expressionsIn(value: string): string[] {
  const out: string[] = [];
  for (let at = value.indexOf('${{'); at >= 0; at = value.indexOf('${{', at)) {
    let k = at + 3;
    while (k < value.length && !(value[k] === '}' && value[k + 1] === '}')) {
      if (value[k] === "'") {
        k++;
        while (k < value.length && !(value[k] === "'" && value[k + 1] !== "'")) k += value[k] === "'" ? 2 : 1;
      }
      k++;
    }
    out.push(value.slice(at + 3, k));
    at = k + 2;
  }
  return out;
}

/**
 * The step ids a GitHub expression reads through the `steps` context, lowercased (names in
 * expressions are not case-sensitive): `steps.builder.outcome`, `steps['builder'].outcome`;
 * `*` for `steps.*` (any step). String literals (`'steps.x'`) are not reads.
 */
export function stepRefs(expr: string): string[] {
  const out: string[] = [];
  const ident = /[A-Za-z_][A-Za-z0-9_-]*/y;
  const space = (k: number) => { while (k < expr.length && /\s/.test(expr[k]!)) k++; return k; };
  for (let k = 0; k < expr.length; ) {
    const c = expr[k]!;
    if (c === "'") {
      k++;
      while (k < expr.length && !(expr[k] === "'" && expr[k + 1] !== "'")) k += expr[k] === "'" ? 2 : 1;
      k++;
      continue;
    }
    ident.lastIndex = k;
    const m = ident.exec(expr);
    if (!m) { k++; continue; }
    const start = k;
    k += m[0].length;
    let before = start - 1;
    while (before >= 0 && /\s/.test(expr[before]!)) before--;
    if (m[0].toLowerCase() !== 'steps' || expr[before] === '.') continue;
    let j = space(k);
    if (expr[j] === '.') {
      j = space(j + 1);
      if (expr[j] === '*') out.push('*');
      else {
        ident.lastIndex = j;
        const id = ident.exec(expr);
        if (id) out.push(id[0].toLowerCase());
      }
    } else if (expr[j] === '[') {
      j = space(j + 1);
      const q = expr[j];
      if (q === "'") {
        let v = '';
        for (j++; j < expr.length && !(expr[j] === "'" && expr[j + 1] !== "'"); j += expr[j] === "'" ? 2 : 1) v += expr[j];
        out.push(v.toLowerCase());
      } else out.push('*');
    }
  }
  return out;
}

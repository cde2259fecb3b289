/**
 * The export build: files the host still needs after the build come out of a `FROM scratch`
 * export stage, built with `docker build --target NAME --output type=local,dest=DIR` in the
 * place of the last extraction step, written in the form that step is written in (a shell
 * line, a CI step's shell text, a JS string or argument array). The export build runs where
 * the extraction ran (its folder, its step's environment), so what it builds must be what the
 * builder build built: its carried flags must read the same values there, and the build
 * environment (BuildKit, platform) must be the builder build's.
 */
import path from 'node:path/posix';
import { hostVarNote, type EmbeddedScript } from '../analyze/embedded.js';
import { dirStateAfter } from '../analyze/host-dirs.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerEnvironment, dockerVariable, wrapperEnvironment } from '../model/docker-command.js';
import type { Edit } from '../model/edits.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type NewWord, type ScriptAdapter, type ScriptCommand, type ScriptFile, type ScriptKind, type Word } from '../model/script.js';
import type { Artifact, Setup } from '../model/setup.js';
import { shellQuote } from '../model/shell-quote.js';
import { BUILD_ENV, buildArgName, legacyBuilder } from './build-flags.js';
import { snippetIgnoresFailure } from './failure-ignored.js';
import { ruleNamingFile } from './make-file-order.js';
import type { WordChange } from './reread.js';
import { lostRedirect } from './replaced-redirects.js';
import { timeReadOf } from './time-reads.js';
import { folderEntrySeen, madeFolders } from './made-folder-entry.js';
import { wrapperWords } from './wrapped-docker.js';

/** The kinds an export build is written into: a shell line, a CI step's shell, a Make recipe line, an npm script, a JS build script's call. */
export const EXPORT_KINDS: ReadonlySet<ScriptKind> = new Set(['shell', 'github-actions', 'gitlab-ci', 'make', 'package-json', 'javascript', 'circleci', 'azure-pipelines', 'bitbucket-pipelines', 'travis-ci', 'jenkinsfile']);

/**
 * Flags of the builder build the export build does not take: it names its own file, target and
 * output (`--load` is an output too, the image store: buildx refuses it beside `--output`).
 */
const OWN = new Set(['--tag', '--file', '--target', '--output', '--iidfile', '--quiet', '--load']);

const MODELLED_ENV = /^(DOCKER|BUILDKIT|BUILDX)_/;

export interface ExportBuild {
  /** The stage to build and the folder it writes into (repository-relative, '' the root). */
  stage: string;
  dest: string;
  /** Why the files are still needed on the host, for the note. */
  reasons: string[];
  /** The merged Dockerfile and the build's context. */
  dockerfile: string;
  context: string;
}

export interface ExportEdit {
  edits: Edit[];
  rewrites: WordChange[];
  /** Commands that stay although the extraction goes: the export build takes the target's place, the `mkdir`s stay. */
  keep: Set<number>;
  /** The `cat FILE` that fed the replaced command through a pipe: the export build takes the whole pipeline's place. */
  absorbed: Set<number>;
  diagnostics: Diagnostic[];
  notes: string[];
}

/** The value a variable has where the export build runs: the export build takes the place of the extraction's command whole, prefix assignments included. */
const envAt = (target: ScriptCommand, name: string) => (target.vars.has(name) ? target.vars.get(name)! : undefined);

/**
 * Whether the value a command sees of a variable is in its environment, as docker sees it: set
 * for the command alone, or the value its CI step or job started with (a step's `env:`, GitLab
 * `variables:`). A shell variable may not be exported, and docker would not see it.
 */
export function inEnvironment(script: ScriptFile, cmd: ScriptCommand, name: string): boolean {
  if (dockerEnvironment(cmd).has(name)) return true;
  if (!('parts' in script)) return false;
  const parts = (script as EmbeddedScript).parts;
  let k = parts.findIndex((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  // A snippet that goes on in the shell of the one before (GitLab's script items) starts from its variables, shell ones too.
  while (k > 0 && parts[k]!.snippet.continues) k--;
  const start = parts[k]?.snippet.vars;
  return start !== undefined && start.has(name) && start.get(name) === cmd.vars.get(name);
}

const show = (v: string | null | undefined) => (v === undefined ? 'unset' : v === null ? 'only known at run time' : JSON.stringify(v));

/** The commands that run, in order, in the sequence holding both commands (a CI job, a JS script), or null. */
function sequenceOf(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): readonly ScriptCommand[] | null {
  if (!('sequences' in script)) return script.commands;
  return (script as EmbeddedScript).sequences.find((s) => s.includes(a) && s.includes(b)) ?? null;
}

/**
 * The export build in place of the extraction's last step that stands on its own, or the
 * diagnostics that say why it cannot be written.
 */
export function exportBuildEdit(setup: Setup, exp: ExportBuild, script: ScriptFile, adapter: ScriptAdapter<ScriptFile>, deletes: readonly number[], fs: RepoFs, isFolder: (a: Artifact) => boolean = () => false): ExportEdit {
  const out: ExportEdit = { edits: [], rewrites: [], keep: new Set(), absorbed: new Set(), diagnostics: [], notes: [] };
  const refuse = (code: Parameters<typeof diag>[0], at: ScriptCommand, message: string, hint: string) => out.diagnostics.push(diag(code, 'error', message, { file: setup.script, line: at.line, setup: setup.id, hint }));
  // (a command fed by a `cat FILE |` that goes with it, ./piped-feed.ts, stands on its own with it)
  const target = setup.extraction.filter((c) => c.stdout === null && (c.stdinFrom === null || deletes.includes(c.stdinFrom))).pop();
  if (!target) {
    refuse('SCRIPT_EDIT_UNSAFE', setup.extraction[0]!, 'no command of the extraction stands on its own to be replaced by the export build', 'Migrate this setup by hand.');
    return out;
  }
  const lost = lostRedirect(setup, target);
  if (lost !== null) {
    refuse('SCRIPT_EDIT_UNSAFE', target, `the export build would take the place of \`${shownCommand(target)}\`, whose redirect \`${lost}\` writes a file the export build does not write: the old command's redirects go with it`, 'If nothing reads that file, drop the redirect and run the tool again; otherwise migrate this setup by hand.');
    return out;
  }
  // The `mkdir` of the folders the extraction filled stays: the export writes into them, and
  // a folder it makes itself gets the engine's mode, not the one the host's mkdir gave it.
  out.keep = new Set([target.index, ...setup.extraction.filter((c) => c.words[0]?.value === 'mkdir').map((c) => c.index)]);
  // The export build takes the target's line, and so whether its host goes on when it fails
  // (Make's `-`): that must be what it was for the whole extraction.
  const ignoring = setup.extraction.find((c) => snippetIgnoresFailure(c, script) !== snippetIgnoresFailure(target, script));
  if (ignoring) {
    const [ignored, counted] = snippetIgnoresFailure(target, script) ? [target, ignoring] : [ignoring, target];
    refuse('SCRIPT_EDIT_UNSAFE', target, `the export build would take the place of \`${shownCommand(target)}\`, but a failure of \`${shownCommand(ignored)}\` is ignored by ${setup.script} and one of \`${shownCommand(counted)}\` is not: the export build cannot fail as the extraction did`, 'Write the extraction\'s lines with the same prefix (both with `-` or neither), then run the tool again.');
    return out;
  }
  const rule = ruleNamingFile(script, setup.artifacts.filter((a) => a.hostNeeded).map((a) => a.hostPath));
  if (rule) {
    const named = rule.name.includes('$') ? `${rule.name}, a name only known once Make expands it, which may be ${hostPaths(setup)}` : rule.name;
    out.diagnostics.push(diag('ARTIFACT_USED_ON_HOST', 'error', `${hostPaths(setup)} is still needed on the host, and a rule of ${setup.script} has ${named} as a ${rule.role}: Make runs that rule or not by the file's modification time, which the export build need not give it as the extraction did`, { file: setup.script, line: rule.line ?? target.line, setup: setup.id, hint: 'Migrate this setup by hand.' }));
    return out;
  }
  // The same in a caller (./caller-uses.ts markCallerTimeReads).
  const callerTimed = setup.callerTimeReads?.find((t) => setup.artifacts.some((a) => a.hostNeeded && a.hostPath === t.hostPath));
  if (callerTimed) {
    out.diagnostics.push(diag('ARTIFACT_USED_ON_HOST', 'error', `${hostPaths(setup)} is still needed on the host, and ${callerTimed.why}: the export build gives ${callerTimed.hostPath} the time its exporter gives it, not the one the extraction gave it, so that may go otherwise`, { file: callerTimed.file, line: callerTimed.line, setup: setup.id, hint: 'Migrate this setup by hand.' }));
    return out;
  }
  const b = setup.builder.inv;
  const sequence = sequenceOf(script, target, b.cmd);
  if (target.cwd === null || sequence === null) {
    refuse('ARTIFACT_USED_ON_HOST', target, `${hostPaths(setup)} is still needed on the host, but the folder the extraction runs in is not known, so the export build's paths cannot be written`, 'Give the step a literal working directory, or migrate this setup by hand.');
    return out;
  }
  // A later command deciding by the file's modification time (./time-reads.ts).
  const timed = timeReadOf(sequence.slice(sequence.indexOf(target) + 1), setup.artifacts.filter((a) => a.hostNeeded).map((a) => a.hostPath));
  if (timed) {
    refuse('ARTIFACT_USED_ON_HOST', timed.cmd, `${hostPaths(setup)} is still needed on the host, and \`${shownCommand(timed.cmd)}\` ${timed.how} ${timed.word === '.' ? 'the folder holding it' : timed.word}: the export build gives the file the time its exporter gives it (the builder stage's), not the one the extraction gave it, so that command may decide otherwise`, 'Migrate this setup by hand.');
    return out;
  }
  // A folder the export has to make itself (the old run's extraction made it: `docker cp` of a
  // folder, a bind mount Docker creates) would get the engine's mode and owner, not the old ones.
  const gone = new Set(deletes.filter((i) => !out.keep.has(i)));
  const staying = sequence.slice(0, sequence.indexOf(target)).filter((c) => !gone.has(c.index));
  if (dirStateAfter(exp.dest, staying, fs) !== 'dir') {
    refuse('ARTIFACT_USED_ON_HOST', target, `${hostPaths(setup)} is still needed on the host, but no folder ${exp.dest} exists before the export build that would write it there: the build would make it itself, with the engine's mode and owner rather than those the extraction gave it`, `Make the folder first in ${setup.script} (\`mkdir -p ${exp.dest}\` before the extraction), then run the tool again.`);
  }
  // The exporter gives each folder it writes below its destination the export stage's mode and
  // time, also one the host already has (`mkdir -m 700 dist` before `docker cp x:/out/. dist/`,
  // or `bin/` and `dist/` of two files exported into their common folder), where the extraction
  // only added files to it (seen on podman: 0700 became 0755).
  const held = new Set(setup.artifacts.filter((a) => a.hostNeeded).flatMap((a) => {
    const out: string[] = [];
    for (let d = a.hostPath; d !== exp.dest && d !== '' && d !== '.'; d = path.dirname(d)) out.push(d);
    return out;
  }));
  const existing = [...held].filter((d) => dirStateAfter(d, staying, fs) !== 'absent').sort();
  if (existing.length > 0) {
    refuse('ARTIFACT_USED_ON_HOST', target, `${hostPaths(setup)} ${setup.artifacts.filter((a) => a.hostNeeded).length === 1 ? 'is' : 'are'} still needed on the host, and the export build would write ${exp.dest || 'the root'} with ${existing.join(', ')} in it, ${existing.length === 1 ? 'a folder' : 'folders'} the host may already hold: the exporter gives ${existing.length === 1 ? 'it' : 'them'} the export stage's mode, not the one the extraction left ${existing.length === 1 ? 'it' : 'them'} with (its own, or the container folder's where tar's \`./\` entry or a \`cp -a\` of a folder's contents carried it)`, existing.length === 1 && held.size === 1 ? 'Migrate this setup by hand.' : 'Extract the files the host needs into one folder, then run the tool again; or migrate this setup by hand.');
  }
  // A folder the extraction made whole gets another mode and time of its own (./made-folder-entry.ts).
  // (one refusal of the export build is enough)
  const refused = out.diagnostics.some((d) => d.severity === 'error');
  for (const a of refused ? [] : madeFolders(setup.artifacts, isFolder, (p) => dirStateAfter(p, staying, fs) === 'absent')) {
    const seen = folderEntrySeen(sequence.slice(sequence.indexOf(target) + 1), a.hostPath);
    if (!seen) continue;
    refuse('ARTIFACT_USED_ON_HOST', seen, `${hostPaths(setup)} is still needed on the host, and \`${shownCommand(seen)}\` reads the folder ${a.hostPath} itself, which \`${shownCommand(a.via.cmd)}\` made whole: the export build would make it with the mode COPY gives a folder it makes and the time of the export, not the container folder's mode and time the extraction gave it`, 'Migrate this setup by hand; or read only the files the folder holds after the build.');
    break;
  }
  const flags = setup.builder.stock ? [] : b.flags.filter((f) => !OWN.has(f.name));
  const copied = flags.flatMap((f) => b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount));
  const { env, problems } = environmentOf(setup, script, target, copied);
  out.diagnostics.push(...problems);
  const rel = (p: string) => path.relative(target.cwd || '.', p || '.') || '.';
  // `--output` is a comma-separated list of key=value options: a `,` in the folder would end its
  // `dest=` (podman then refuses the value; buildx reads it as CSV, whose quoting podman does not).
  if (/[,"\n]/.test(rel(exp.dest))) {
    refuse('ARTIFACT_USED_ON_HOST', target, `${hostPaths(setup)} is still needed on the host, and the export build would write it into ${rel(exp.dest)}, which \`--output type=local,dest=…\` cannot name: its options are separated by commas (a \`,\`, \`"\` or line break in the folder's name)`, 'Extract the files into a folder whose name has no comma or double quote, then run the tool again; or migrate this setup by hand.');
    return out;
  }
  const head = ['docker', 'build', '--target', exp.stage, '--output', `type=local,dest=${rel(exp.dest)}`, '-f', rel(exp.dockerfile)];
  const prefix: NewWord[] = [...env].map(([name, to]) => ({ env: name, to }));
  // Through the wrappers every docker command of the setup ran through (./wrapped-docker.ts): `sudo docker build --target export …`.
  const wrappers: NewWord[] = wrapperWords(b.cmd).map((copy) => ({ copy, from: b.cmd.index }));
  const words: NewWord[] = [...prefix, ...wrappers, ...head.map((value) => ({ value })), ...copied.map((copy) => ({ copy, from: b.cmd.index })), { value: rel(exp.context) }];
  const edits = adapter.replaceCommand(script, target.index, words);
  if ('error' in edits) {
    refuse('SCRIPT_EDIT_UNSAFE', target, `the export build cannot be written in place of \`${shownCommand(target)}\`: ${edits.error}`, 'Migrate this setup by hand.');
    return out;
  }
  out.edits.push(...edits);
  const feeder = target.stdinFrom === null ? null : script.commands[target.stdinFrom]!;
  if (feeder) {
    // `cat FILE | ` goes with the command it fed: the export build is written in the whole pipeline's place.
    out.edits.push({ start: feeder.start, end: target.start, text: '' });
    out.absorbed.add(feeder.index);
  }
  out.rewrites.push({ index: target.index, kind: 'whole', words: [...wrapperWords(b.cmd).map((w) => w.symbol), ...head, ...copied.map((w) => w.symbol), rel(exp.context)], env: Object.fromEntries(env), ...(feeder ? { absorbs: [feeder.index] } : {}) });
  const shown = words.map((w) => ('value' in w ? shellQuote(w.value) : 'env' in w ? `${w.env}=${shellQuote(w.to)}` : w.copy.raw)).join(' ');
  out.notes.push(`${exp.reasons.join('; ')}: \`${shown}\` now writes it where the extraction did`);
  return out;
}


const hostPaths = (setup: Setup) =>
  setup.artifacts
    .filter((a) => a.hostNeeded)
    .map((a) => a.hostPath)
    .join(', ');

/**
 * The export build runs with the extraction's environment (in CI, its own step's), the
 * builder build with its own: the builder stage must build the same either way. A build
 * variable the builder build has a known value of, and the extraction's place has not, is set
 * for the export build alone (`NAME=value docker build …`), as the builder build had it.
 */
function environmentOf(setup: Setup, script: ScriptFile, target: ScriptCommand, copied: readonly Word[]): { env: Map<string, string>; problems: Diagnostic[] } {
  const b = setup.builder;
  const out: Diagnostic[] = [];
  const env = new Map<string, string>();
  const at = { file: target.file, line: target.line, setup: setup.id };
  // (SOURCE_DATE_EPOCH too, which buildx passes as a build argument where no --build-arg sets it: ./build-flags.ts environmentEpoch)
  const read = (n: string) => MODELLED_ENV.test(n) || (n === 'SOURCE_DATE_EPOCH' && !b.inv.flags.some((f) => f.name === '--build-arg' && buildArgName(f) === n));
  const names = new Set([...dockerEnvironment(b.inv.cmd).keys(), ...[...b.inv.cmd.vars.keys(), ...target.vars.keys()].filter(read)]);
  // The export build runs through the builder build's wrappers (./wrapped-docker.ts), an `env` of assignments among them.
  const carried = wrapperEnvironment(b.inv.cmd);
  for (const name of names) {
    if (BUILD_ENV[name] === 'harmless' || !read(name)) continue;
    const want = dockerVariable(b.inv.cmd, name);
    if (want === envAt(target, name) || (carried.has(name) && carried.get(name) === want)) continue;
    if (typeof want === 'string' && inEnvironment(script, b.inv.cmd, name)) env.set(name, want);
    // Where BuildKit was not asked for, the export build needs it all the same (DOCKER_BUILDKIT=0 there refuses below).
    else if (name !== 'DOCKER_BUILDKIT') {
      out.push(diag('FLAG_CONFLICT', 'error', `$${name} is ${show(want)} for the builder build but ${show(envAt(target, name))} where the export build runs, which builds the builder stage again`, { ...at, hint: `Give ${name} the same value for both, or migrate this setup by hand.` }));
    }
  }
  // (where the script sets none, the value its callers run it with)
  const atTarget = envAt(target, 'DOCKER_BUILDKIT');
  const buildkit = carried.has('DOCKER_BUILDKIT') ? carried.get('DOCKER_BUILDKIT') : env.has('DOCKER_BUILDKIT') ? env.get('DOCKER_BUILDKIT') : atTarget === undefined ? setup.callerBuildkit : atTarget;
  const legacy = legacyBuilder(buildkit);
  if (legacy !== false) {
    // (where the value is the one its host, or its callers' host, gives: a GitLab job's docker: image)
    const why = carried.has('DOCKER_BUILDKIT') || env.has('DOCKER_BUILDKIT') ? undefined : atTarget === undefined ? setup.callerBuildkitWhy : hostVarNote(script, target, 'DOCKER_BUILDKIT');
    const runs = why !== undefined ? `${why}; it cannot` : legacy ? `with DOCKER_BUILDKIT=${buildkit} (the legacy builder), which cannot` : 'with DOCKER_BUILDKIT set to a value only known at run time, which may pick the legacy builder (0 or false), which cannot';
    out.push(diag('UNSUPPORTED_BUILD_FLAG', 'error', `the export build would run ${runs} write a build's result with --output`, { ...at, hint: why !== undefined ? 'Set DOCKER_BUILDKIT=1 for the job (or run it in a docker image of 23 or later), or migrate this setup by hand.' : 'Build with BuildKit, or migrate this setup by hand.' }));
  }
  // A carried flag that reads a variable (or takes a build argument from the environment) must read the same value there.
  if (b.stock) return { env, problems: out };
  for (const f of b.inv.flags) {
    const own = b.inv.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount);
    if (!own.some((w) => copied.includes(w))) continue;
    const read = own.flatMap((w) => [...w.raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const value = f.value?.value ?? f.value?.staticPrefix ?? '';
    if (f.name === '--build-arg' && !value.includes('=')) read.push(value);
    const differs = read.find((name) => dockerVariable(b.inv.cmd, name) !== envAt(target, name));
    if (differs !== undefined) {
      const shownFlag = own.map((w) => w.raw).join(' ');
      out.push(diag('FLAG_CONFLICT', 'error', `the builder build's ${shownFlag} reads $${differs}, which is ${show(dockerVariable(b.inv.cmd, differs))} there but ${show(envAt(target, differs))} where the export build runs`, { ...at, hint: `Give $${differs} one value for both, or write the value in the builder build.` }));
    }
  }
  return { env, problems: out };
}

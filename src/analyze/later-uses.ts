/**
 * Whether a command the setup's own script runs after the extraction may use an artifact left on
 * the host, reading past the command's own words (those are src/analyze/host-uses.ts
 * artifactUse): "trust nothing not modelled".
 *
 * - A script it runs (`sh scripts/checksum.sh`, `./package.sh`) or sources (`. ./post.sh`) runs
 *   its commands then, in the command's folder: each is checked the same way, and the first use
 *   names the artifact. A sourced file that cannot be read (missing, or a path only known at run
 *   time) counts as a use: what it runs is not known.
 * - A call of a function the script defines runs the function's body: its commands are checked.
 * - A trap's handler (`trap 'sha256sum app > SUMS' EXIT`) runs later in the script's shell: its
 *   commands are checked, and a handler only known at run time counts as a use.
 * - A shell's `-c` text written out in full (`sh -c 'docker rm relay-x'`) runs its commands:
 *   each is checked the same way (./script-runs.ts inlineCommands).
 * - Any other program the tool does not model (`python3 scripts/publish.py`, `./deploy`,
 *   `make release`, `npm publish`, `git add -A`) run from the folder holding an artifact, a
 *   folder above it, inside it, or a folder only known at run time may read it (by a name in its
 *   own source, a listing, a glob): it counts as a use, so an export stage keeps the file there.
 *   Run from a folder that does not reach it (`(cd docs && ./render)` with the artifact in out/),
 *   it is no use, unless a repository file among its words (the program, an interpreter's
 *   script) names the artifact's file name (`docs/render.py` opening `../out/app`). A short
 *   table of programs known to read no file they are not given (src/plan/host-commands.ts
 *   readsOnlyNamed: `git push`, `curl` without an upload) is exempt.
 * - A file docker itself reads from the host (standard input, `docker cp app smoke:/app`, an
 *   env file, `docker load -i`) is a use, and so is a read through a symbolic link the
 *   repository holds (it may point at the artifact).
 *
 * Commands in other files that only may run later (sibling Make targets, neighbour scripts:
 * src/plan/caller-uses.ts) keep the narrower reading of host-uses.ts artifactRead.
 */
import path from 'node:path/posix';
import { dockerInvocation, flagValues, type DockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import type { Artifact } from '../model/setup.js';
import { hostEffect, readsOnlyNamed } from '../plan/host-commands.js';
import { calledPath } from './callers.js';
import { inlineCommands } from './script-runs.js';
import { artifactUse, type ArtifactUse } from './host-uses.js';
import { parseShell } from './shell.js';
import { SCRIPT_SHELLS as SHELLS } from '../model/shells.js';
import { SOURCING, sourcedFile, sourcedFiles } from './sourced-files.js';
import { trapHandlerCommands } from './trap-handlers.js';

const at = (cmd: ScriptCommand) => `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line})`;

const DOCKER = new Set(['docker', 'podman']);

/** `script`: the file holding `cmd` (its functions); `seen`: the files and functions on the way here, so a loop of calls ends. */
export function laterUse(cmd: ScriptCommand, artifacts: readonly Artifact[], fs: RepoFs, script: ScriptFile | null, seen: ReadonlySet<string> = new Set()): ArtifactUse | null {
  if (artifacts.length === 0) return null;
  const inv = dockerInvocation(cmd);
  // A file docker itself reads from the host: fed on standard input, copied into a container, loaded.
  const fed = inv ? dockerFileRead(inv, cmd, artifacts) : null;
  if (fed) return fed;
  // Docker's other verbs are the linker's and the planner's (builds, pushes, removals).
  if (inv && inv.verb !== 'run' && inv.verb !== 'create') return null;
  const named = artifactUse(cmd, inv, artifacts) ?? (inv ? null : linkedRead(cmd, artifacts, fs, script));
  if (named || inv) return named;
  // `trap 'sha256sum app > SUMS' EXIT`: the handler runs later in this shell (./trap-handlers.ts).
  const handler = trapHandlerCommands(cmd);
  if (handler === null) return { artifacts: [...artifacts], why: `${at(cmd)} sets a trap whose text is only known at run time; it may use it` };
  if (handler) return handler.reduce<ArtifactUse | null>((found, c) => found ?? within(laterUse(c, artifacts, fs, script, seen), `, in the trap ${at(cmd)} sets`), null);
  const fn = functionBody(cmd, script, seen);
  if (fn) return fn.body.reduce<ArtifactUse | null>((found, c) => found ?? within(laterUse(c, artifacts, fs, script, fn.seen), `, in the function ${fn.name}, which ${at(cmd)} calls`), null);
  if (SOURCING.has(cmd.words[0]?.value ?? '')) {
    const sourced = sourcedFile(cmd, fs);
    if (sourced === null || 'unknown' in sourced) return { artifacts: [...artifacts], why: `${at(cmd)} sources ${sourced ? sourced.unknown : 'a file'}; it may use it` };
    const { rel, script: callee } = sourced;
    if (rel === cmd.file || seen.has(rel)) return null;
    return callee.commands.reduce<ArtifactUse | null>((found, c) => found ?? within(laterUse(c, artifacts, fs, callee, new Set([...seen, rel])), `, in ${rel}, which ${at(cmd)} sources`), null);
  }
  const file = cmd.cwd === null ? null : calledPath(cmd);
  if (file !== null) {
    const rel = resolveRel(cmd.cwd!, file);
    if (rel === cmd.file || seen.has(rel)) return null;
    const callee = shellScript(rel, cmd, fs);
    if (callee) return callee.commands.reduce<ArtifactUse | null>((found, c) => found ?? within(laterUse(c, artifacts, fs, callee, new Set([...seen, rel])), `, in ${rel}, which ${at(cmd)} runs`), null);
  }
  // `sh -c 'docker rm relay-x'`: a shell text written out in full runs its commands, each checked as the script's own.
  const inline = inlineCommands(cmd);
  if (inline.length > 0) return inline.reduce<ArtifactUse | null>((found, c) => found ?? within(laterUse(c, artifacts, fs, null, seen), `, in the shell text ${at(cmd)} runs`), null);
  return unmodelledUse(cmd, artifacts, fs);
}

/**
 * A command before the extraction that leaves a trap handler running when the script ends, with
 * every artifact there: a `trap` itself, or a file it sources (and those that one sources) that
 * sets one. The first use of an artifact in such a handler, or null.
 */
export function exitHandlerUse(cmd: ScriptCommand, artifacts: readonly Artifact[], fs: RepoFs, script: ScriptFile | null): ArtifactUse | null {
  if (trapHandlerCommands(cmd) !== undefined) return laterUse(cmd, artifacts, fs, script);
  if (!SOURCING.has(cmd.words[0]?.value ?? '')) return null;
  for (const f of sourcedFiles([cmd], fs)) {
    for (const c of f.script.commands) {
      if (trapHandlerCommands(c) === undefined) continue;
      const used = within(laterUse(c, artifacts, fs, f.script, new Set([f.rel])), `, in ${f.rel}, which ${at(f.by)} sources`);
      if (used) return used;
    }
  }
  return null;
}

/**
 * A path read through a symbolic link the repository holds (`sha256sum release/app` where
 * release/app, or release, is a link): the link may point at an artifact (`../app`), which the
 * words do not name. The tool does not read links' targets: any such read counts as a use.
 */
function linkedRead(cmd: ScriptCommand, artifacts: readonly Artifact[], fs: RepoFs, script: ScriptFile | null): ArtifactUse | null {
  const effect = hostEffect(cmd);
  const made = script && symlinksOf(script).length > 0 ? madeLinks(script, artifacts) : new Map<string, ScriptCommand>();
  for (const u of [...effect.reads, ...effect.mayTouch]) {
    if (u.path === null || u.glob) continue;
    // (a link the script makes to an artifact, `ln -sf app app-current`, before or after the extraction)
    const link = [...made.keys()].find((l) => u.path === l || u.path!.startsWith(`${l}/`));
    if (link !== undefined) return { artifacts: [...artifacts], why: `${at(cmd)} reads ${u.word.raw}, a symbolic link to it that ${at(made.get(link)!)} makes` };
    const parts = u.path.split('/');
    for (let k = 1; k <= parts.length; k++) {
      const prefix = parts.slice(0, k).join('/');
      if (prefix === '..' || prefix === '.') break;
      if (fs.kind(prefix) === 'symlink') return { artifacts: [...artifacts], why: `${at(cmd)} reads ${u.word.raw}${prefix === u.path ? ',' : ` through ${prefix},`} a symbolic link of the repository, which may point at it` };
    }
  }
  return null;
}

/**
 * The symbolic links `script` makes to an artifact (`ln -s[f] TARGET LINK`, the target read from
 * the link's folder), by the link's path, with the command making each.
 */
function madeLinks(script: ScriptFile, artifacts: readonly Artifact[]): Map<string, ScriptCommand> {
  const out = new Map<string, ScriptCommand>();
  for (const { link, to, cmd } of symlinksOf(script)) {
    if (artifacts.some((a) => to === a.hostPath || to.startsWith(`${a.hostPath}/`) || a.hostPath.startsWith(`${to}/`))) out.set(link, cmd);
  }
  return out;
}

/** Each script's `ln -s` commands (link and target as paths of the repository), read once a script: every later command of every setup asks. */
const links = new WeakMap<ScriptFile, { link: string; to: string; cmd: ScriptCommand }[]>();
function symlinksOf(script: ScriptFile): { link: string; to: string; cmd: ScriptCommand }[] {
  let out = links.get(script);
  if (out) return out;
  out = [];
  for (const c of script.commands) {
    if (c.words[0]?.value !== 'ln' || c.cwd === null) continue;
    const options = c.words.slice(1).filter((w) => w.value?.startsWith('-'));
    if (!options.some((w) => w.value === '--symbolic' || /^-[a-zA-Z]*s/.test(w.value ?? ''))) continue;
    const operands = c.words.slice(1).filter((w) => !w.value?.startsWith('-'));
    if (operands.length < 1 || operands.length > 2 || operands.some((w) => w.value === null)) continue;
    const target = operands[0]!.value!;
    if (target.startsWith('/')) continue;
    const link = resolveRel(c.cwd, operands[1]?.value ?? path.basename(target));
    out.push({ link, to: resolveRel(path.dirname(link) === '.' ? '' : path.dirname(link), target), cmd: c });
  }
  links.set(script, out);
  return out;
}

/** Docker verbs (past `docker`) whose operands name host files they read. */
const READS_OPERANDS = new Set(['load', 'import', 'secret create', 'config create']);

/**
 * A host file a docker command reads itself (its mounts are ./host-uses.ts's): its standard
 * input (`docker run -i … < app`, `docker load < app.tar`), the host source of a copy into a
 * container (`docker cp app smoke:/app`), a container's `--env-file`/`--label-file`, and the file
 * operands of `docker load -i`, `docker import`, `docker secret create`, `docker config create`.
 */
function dockerFileRead(inv: DockerInvocation, cmd: ScriptCommand, artifacts: readonly Artifact[]): ArtifactUse | null {
  if (cmd.cwd === null) return null;
  const words = cmd.redirects.filter((r) => r.op === '<' && (r.fd === null || r.fd === '0')).map((r) => r.target);
  const [src, dest] = inv.operands;
  // (one side of a copy is a container: a source without `NAME:` is the host's)
  if (inv.verb === 'cp' && src && dest && src.word.value !== null && !src.word.value.includes(':')) words.push(src.word);
  if (inv.verb === 'run' || inv.verb === 'create') words.push(...flagValues(inv, '--env-file'), ...flagValues(inv, '--label-file'));
  if (inv.verb === 'other') {
    // (`docker image import`, `docker secret create`: the verb is one or two words past `docker`)
    const after = cmd.words.slice((inv.at ?? 0) + 1);
    const k = after.findIndex((w) => !w.value?.startsWith('-'));
    const [first, second] = [after[k]?.value, after[k + 1]?.value];
    const two = first === 'image' || first === 'container' ? second : `${first} ${second}`;
    // (its words from the verb on: the verb's own are no paths of the repository)
    if (READS_OPERANDS.has(first ?? '') || READS_OPERANDS.has(two ?? '')) words.push(...after.slice(k));
  }
  const paths = words.flatMap((w) => (w.value === null ? [] : [resolveRel(cmd.cwd!, w.value)]));
  // (the artifact, a path inside it, or a folder holding it: `docker cp ./out smoke:/opt`)
  const named = artifacts.filter((a) => paths.some((p) => p === a.hostPath || p.startsWith(`${a.hostPath}/`) || p === '' || a.hostPath.startsWith(`${p}/`)));
  return named.length > 0 ? { artifacts: named, why: `${at(cmd)} reads it` } : null;
}

/** A program the tool does not model, run where it may find an artifact. */
function unmodelledUse(cmd: ScriptCommand, artifacts: readonly Artifact[], fs: RepoFs): ArtifactUse | null {
  const effect = hostEffect(cmd);
  // Docker behind a wrapper (`sudo docker rm …`) is the linker's and the planner's, as docker itself is.
  if (effect.known || readsOnlyNamed(cmd, effect) || DOCKER.has(path.basename(effect.program ?? ''))) return null;
  // The folder it runs in holds the artifact, is above it or inside it; or is only known at run time.
  const cwd = cmd.cwd;
  const reached = cwd === null ? [...artifacts] : artifacts.filter((a) => cwd === '' || a.hostPath === cwd || a.hostPath.startsWith(`${cwd}/`) || cwd.startsWith(`${a.hostPath}/`));
  if (reached.length === 0) return sourceNames(cmd, artifacts, fs);
  const inside = cwd !== null && reached.some((a) => cwd.startsWith(`${a.hostPath}/`));
  const where = cwd === null ? 'from a folder only known at run time, which may hold it' : `from ${cwd === '' ? 'the repository root' : cwd}, ${inside ? 'inside it' : 'which holds it'}`;
  return { artifacts: reached, why: `${at(cmd)} runs ${effect.program === null ? 'a program only known at run time' : 'a program the tool does not model'} ${where}, and may read it` };
}

/**
 * A program run from a folder that does not hold the artifact may still reach it by a path of
 * its own (`(cd docs && python3 render.py)` opening `../app`): a file of the repository among
 * its words (the program, the script an interpreter runs) whose text names an artifact's file
 * name counts as a use.
 */
function sourceNames(cmd: ScriptCommand, artifacts: readonly Artifact[], fs: RepoFs): ArtifactUse | null {
  if (cmd.cwd === null) return null;
  for (const w of cmd.words) {
    if (w.value === null || w.value.startsWith('-') || w.value.startsWith('/')) continue;
    const rel = resolveRel(cmd.cwd, w.value);
    if (rel === '..' || rel.startsWith('../') || fs.kind(rel) !== 'file') continue;
    const text = fs.readText(rel);
    // (as a name of its own: `../app`, `"app"`, not `application`)
    const named = text === null ? [] : artifacts.filter((a) => new RegExp(`(?:^|[^\\w.-])${path.basename(a.hostPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:$|[^\\w.-])`, 'm').test(text));
    if (named.length > 0) return { artifacts: named, why: `${at(cmd)} runs ${rel}, which names ${named.map((a) => path.basename(a.hostPath)).join(', ')} and may read it` };
  }
  return null;
}

const within = (used: ArtifactUse | null, where: string): ArtifactUse | null => (used ? { artifacts: used.artifacts, why: `${used.why}${where}` } : null);

/** The body of a function of the script that `cmd` calls, unless it is already being read. */
function functionBody(cmd: ScriptCommand, script: ScriptFile | null, seen: ReadonlySet<string>): { name: string; body: ScriptCommand[]; seen: ReadonlySet<string> } | null {
  const name = cmd.words[0]?.value;
  const functions = (script as { functions?: ReadonlyMap<string, string> } | null)?.functions;
  const id = name ? functions?.get(name) : undefined;
  if (!name || id === undefined || script === null) return null;
  const key = `${script.file}#${name}`;
  // A call inside its own body (recursion) adds nothing: its commands are already being checked.
  if (seen.has(key)) return { name, body: [], seen };
  return { name, body: script.commands.filter((c) => c !== cmd && c.branches?.some((b) => b.id === id)), seen: new Set([...seen, key]) };
}

/**
 * The callee read as a shell script starting in the caller's folder, or null when it cannot be
 * (missing, unparsable, or a program in another language: `#!/usr/bin/env python3`). A file
 * named after `sh` is read by the shell whatever its first line says (a sourced one too:
 * ./sourced-files.ts).
 */
export function shellScript(rel: string, cmd: ScriptCommand, fs: RepoFs): ScriptFile | null {
  const text = fs.readText(rel);
  if (text === null) return null;
  const explicit = cmd.words[0]?.value !== undefined && SHELLS.has(path.basename(cmd.words[0]!.value ?? ''));
  if (!explicit && text.startsWith('#!') && !SHELLS.has(interpreter(text))) return null;
  return parseShell(rel, text, { cwd: cmd.cwd }).script;
}

/** The program a `#!` line names, past `env` and its options (`#!/usr/bin/env -S bash -e` → bash). */
function interpreter(text: string): string {
  const words = text.slice(2, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).trim().split(/\s+/);
  let k = 0;
  if (path.basename(words[0] ?? '') === 'env') for (k = 1; words[k]?.startsWith('-') || words[k]?.includes('='); k++);
  return path.basename(words[k] ?? '');
}

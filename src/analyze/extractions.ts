/**
 * Every way a script takes files out of a builder image, reduced to one shape: which image,
 * which container path lands at which host path, and which commands did it. The linker
 * then treats all of them alike.
 *
 * Recognised: `docker cp` from a container made by `create` or `run` (named, or an id held
 * in a variable or inline `$(docker create …)`); `docker run --rm IMG cat /p > f`;
 * `docker run --rm IMG tar -c … | tar -x …` (also `sh -c 'cd D && tar -c .'`);
 * `docker run --rm -v HOST:/m IMG cp SRC… /m/…`.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerVariable, flagValues, type DockerInvocation } from '../model/docker-command.js';
import { shownCommand, type ScriptCommand, type Word } from '../model/script.js';
import type { Artifact, RunStep } from '../model/setup.js';
import { parseShell } from './shell.js';
import { readTar } from './tar-options.js';
import { droppedRunFlags, stdinProblem } from './run-flags.js';
import { canonicalImage } from '../model/image-ref.js';
import { resolveRel } from '../model/paths.js';
import { trimTrailingSlashes } from '../model/text.js';
import { outputSinks, streamFile } from './output-sinks.js';
import { BACKSLASH_WORD } from './hosts/powershell-words.js';

export const wordKey = (w: Word) => (w.value !== null ? w.value : w.symbol);

/**
 * The image a word names, canonical (`app` is `app:latest`), once per word: a script driving many
 * setups has each docker command's words compared with every setup's builder tags.
 */
const imageKeys = new WeakMap<Word, string>();
export function imageKeyOf(w: Word): string {
  let k = imageKeys.get(w);
  if (k === undefined) imageKeys.set(w, (k = canonicalImage(wordKey(w))));
  return k;
}

/** `docker rmi` of these images and nothing else (`tags`: canonical references, as BuildStep.tags). */
export function removesOnlyImages(inv: DockerInvocation | null, tags: ReadonlySet<string>): boolean {
  return inv?.verb === 'rmi' && inv.operands.length > 0 && inv.operands.every((o) => tags.has(imageKeyOf(o.word)));
}




export interface Container {
  key: string;
  image: string;
  made: DockerInvocation;
  /** Set once the container has run (made by `run`, or `start`ed). */
  run: RunStep | null;
  commands: ScriptCommand[];
  problems: Diagnostic[];
  /**
   * Set once a `docker rm` removes it on every path (not in a branch, a chain or a loop): a later
   * `docker rm -f NAME` (a second cleanup) finds no container in the old pipeline either, so it
   * is not one of the container's commands (src/analyze/link.ts); nor is a removal after a build
   * that follows the container's last use (a cleanup at the end, after the final build). Such a
   * command stays a command naming a container the migration no longer makes: a removal goes
   * with the setup (src/plan/host-effects.ts).
   */
  removed?: true;
}

export interface Extraction {
  image: string;
  /** The container it copied from, whose own commands (create, start, rm) go with it. */
  container: Container | null;
  at: DockerInvocation;
  commands: ScriptCommand[];
  artifacts: Artifact[];
  run: RunStep | null;
  /** Host folders that only exist for the extraction (mount points, tar -x targets). */
  dirs: string[];
  problems: Diagnostic[];
  /** A refusal that holds unless the builder stage proves the one path copied a file (./file-landing.ts). */
  landsIfFile?: Diagnostic;
}

const at = (cmd: ScriptCommand, hint: string) => ({ file: cmd.file, line: cmd.line, hint });

function dynamicPath(cmd: ScriptCommand): Diagnostic {
  if (cmd.words.some((w) => w.value === null && w.symbol.includes(BACKSLASH_WORD))) {
    return diag('DYNAMIC_ARTIFACT_PATH', 'error', `a path of \`${shownCommand(cmd)}\` holds a \`\\\`, which docker reads as a folder separator on Windows and as part of a file name elsewhere: what it names depends on where the script runs`, at(cmd, 'Write the path with `/` (`./app`), which docker reads alike everywhere, then run the tool again.'));
  }
  return diag('DYNAMIC_ARTIFACT_PATH', 'error', `the path copied by \`${shownCommand(cmd)}\` is only known at run time`, at(cmd, 'Use literal paths (or variables assigned literals); the tool will not guess a path.'));
}

/** The run step a `docker run` (or a later `start`) performs. */
export function runStepOf(inv: DockerInvocation, imageIndex: number, problems: Diagnostic[], outputMounts = false): RunStep {
  const cmd = inv.cmd;
  const env: [string, string][] = [];
  const unknownEnv: string[] = [];
  for (const e of flagValues(inv, '--env')) {
    const v = e.value;
    if (v === null || !v.includes('=')) unknownEnv.push(`\`${e.raw}\``);
    else env.push([v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]);
  }
  // One problem, one line: every variable whose value is only known at run time, together.
  if (unknownEnv.length > 0) {
    const what = unknownEnv.length === 1 ? `the environment ${unknownEnv[0]} given to the builder is` : `the environment ${unknownEnv.join(', ')} given to the builder are`;
    problems.push(diag('BUILD_AT_RUN_TIME', 'error', `${what} only known at run time`, at(cmd, 'Give the values literally, or migrate this setup by hand.')));
  }
  const workdir = flagValues(inv, '--workdir')[0];
  if (workdir && workdir.value === null) problems.push(diag('BUILD_AT_RUN_TIME', 'error', 'the builder\'s working directory is only known at run time', at(cmd, 'Give -w literally.')));
  for (const f of inv.flags) {
    if ((outputMounts ? ['--mount', '--env-file', '--volumes-from'] : ['--volume', '--mount', '--env-file', '--volumes-from']).includes(f.name)) {
      problems.push(diag('BUILD_AT_RUN_TIME', 'error', `the builder runs with ${f.name}, which a build step cannot reproduce`, at(cmd, 'Builds that read host files at run time are not migrated; migrate this setup by hand.')));
    }
  }
  const user = rootUser(inv, problems);
  problems.push(...droppedRunFlags(inv));
  const rest = inv.operands.filter((o) => o.index > imageIndex).map((o) => o.word);
  if (rest.some((w) => w.value === null)) problems.push(diag('BUILD_AT_RUN_TIME', 'error', 'the command run in the builder is only known at run time', at(cmd, 'Write the command literally.')));
  const entrypoint = flagValues(inv, '--entrypoint')[0]?.value ?? null;
  const command = rest.length > 0 ? rest.map((w) => w.value ?? '') : null;
  // A container made with `create` reads the input its `docker start -ai` is given (link.ts); a
  // detached one (`-dit … sh`, which idles: ./detached.ts) is given none by the script.
  const has = (name: string) => inv.flags.some((f) => f.name === name);
  const input = inv.verb === 'run' ? stdinProblem(has('--interactive') && !has('--detach'), cmd, command, inv) : null;
  if (input) problems.push(input);
  return { command, entrypoint, env, workdir: workdir?.value ?? null, at: cmd, ...(user !== null ? { asRoot: user } : {}) };
}

/** `--user` values that name root whatever the image's /etc/passwd says (uid 0, group 0). */
const ROOT = /^(root|0)(:(root|0))?$/;

/**
 * The `--user` of a run-time build, when it is root: the build step runs as root, with the
 * home and groups root has in the image either way, and the stage's own USER comes back after
 * it (run-step.ts). Another user is refused: where a build step and a container agree on its
 * home, groups and the owner of what it writes is not proven.
 */
function rootUser(inv: DockerInvocation, problems: Diagnostic[]): string | null {
  const flags = inv.flags.filter((f) => f.name === '--user');
  const word = flags[flags.length - 1]?.value;
  if (flags.length === 0) return null;
  if (word && word.value !== null && ROOT.test(word.value)) return word.value;
  const shown = `\`--user ${word?.raw ?? ''}\``;
  const why = word && word.value === null ? `${shown}, a user only known at run time (the host user, usually)` : shown;
  problems.push(diag('BUILD_AT_RUN_TIME', 'error', `the builder runs with ${why}: only \`--user root\` is migrated (as \`USER root\` around the build step), another user's home, groups and file owners in a build step are not proven the same`, at(inv.cmd, 'Drop --user (the build then runs as the image\'s USER), or use --user root, then run the tool again.')));
  return null;
}

/** Finds the container a `CONTAINER:PATH` word names, by the longest known key before a colon. */
export function containerOf(word: Word, containers: Map<string, Container>): { ctr: Container; path: string | null } | null {
  const key = wordKey(word);
  let best: Container | null = null;
  for (const c of containers.values()) {
    if (key.startsWith(`${c.key}:`) && (!best || c.key.length > best.key.length)) best = c;
  }
  if (!best) return null;
  const rest = key.slice(best.key.length + 1);
  return { ctr: best, path: word.value === null && /\$|`/.test(rest) ? null : rest };
}

/**
 * `docker cp CTR:SRC DST` → an artifact of the container's image. `isDir`: whether `rel` is a folder when the copy runs; `unsure`: whether that is not known
 * (the caller then refuses the copy on its own, ARTIFACT_DEST_EXISTS).
 */
export function fromCp(inv: DockerInvocation, containers: Map<string, Container>, unresolved: Diagnostic[], isDir: (rel: string) => boolean, unsure: (rel: string) => boolean = () => false): Extraction | null {
  const cmd = inv.cmd;
  const [srcOp, dstOp] = inv.operands;
  if (!srcOp || !dstOp) return null;
  const src = srcOp.word;
  // `docker cp host ctr:/path` copies into a container: not an extraction.
  if (!wordKey(src).includes(':') || /^[^/]*:/.test(wordKey(dstOp.word)) && !wordKey(dstOp.word).startsWith('/')) return null;
  const found = containerOf(src, containers);
  if (!found) {
    if (src.value === null) {
      unresolved.push(diag('DYNAMIC_CONTAINER', 'error', `cannot tell which container \`${src.raw}\` copies from: it is only known at run time`, at(cmd, 'Give the container a literal name with `docker create --name NAME IMAGE` in the same script.')));
    }
    return null;
  }
  const { ctr, path: containerPath } = found;
  const ex: Extraction = { image: ctr.image, container: ctr, at: inv, commands: [cmd], artifacts: [], run: ctr.run, dirs: [], problems: [] };
  const dst = dstOp.word.value;
  if (containerPath === null || dst === null || cmd.cwd === null) {
    ex.problems.push(dynamicPath(cmd));
    return ex;
  }
  if (dst === '-') {
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${shownCommand(cmd)}\` streams a tar archive to standard output`, at(cmd, 'Copy to a path instead of -, or migrate this setup by hand.')));
    return ex;
  }
  if (!containerPath.startsWith('/')) {
    // docker reads a relative path from the container's root, podman (4.x) from its working
    // directory: which file the old pipeline copied depends on the engine.
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${containerPath}\` in \`${shownCommand(cmd)}\` is relative: docker reads it from the container's root, podman from the image's working directory, so which file was copied depends on the engine`, at(cmd, `Write the absolute path in the container (\`/${containerPath}\` if docker is what ran it), then run the tool again.`)));
    return ex;
  }
  if (/\/\.\/+$/.test(containerPath)) {
    // `/out/./`: docker reads it as `/out/.` (the folder's contents), podman (4.3) copies the
    // folder itself into a destination folder that exists: what landed depends on the engine.
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${containerPath}\` in \`${shownCommand(cmd)}\` ends in \`/./\`: docker copies the folder's contents, podman the folder itself when the destination folder exists, so what landed depends on the engine`, at(cmd, `Write \`${containerPath.replace(/\/+$/, '')}\` (the contents, as docker copies them) or \`${trimTrailingSlashes(containerPath.replace(/\/\.\/+$/, '')) || '/'}\` (the folder itself), then run the tool again.`)));
    return ex;
  }
  let hostPath = resolveRel(cmd.cwd, dst);
  const contents = /\/\.$/.test(containerPath);
  const cleanSrc = trimTrailingSlashes(containerPath.replace(/\/\.$/, '')) || '/';
  // Into an existing folder (`.`, or a folder of the repository or one the script made), the
  // copy lands inside it under its own name. `dir/` is no proof that `dir` exists: where it
  // does not, docker makes `dir` a copy of a folder (its contents at dir/…) and fails for a
  // file, podman fails for both, so what landed depends on the engine and the source's kind.
  if (!contents && (/^\.\.?\/*$/.test(dst) || isDir(hostPath))) hostPath = resolveRel(hostPath, path.basename(cleanSrc));
  else if (!contents && /\/$/.test(dst) && !unsure(hostPath)) {
    const folder = trimTrailingSlashes(dst);
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${shownCommand(cmd)}\` copies into ${folder}/, which does not exist when it runs: docker then makes ${folder} a copy of the folder ${cleanSrc} (its contents at ${folder}/…) and fails for a file, podman fails for both, so what landed depends on the engine`, at(cmd, `Make the folder first (\`mkdir -p ${folder}\` before the copy) to land it at ${folder}/${path.basename(cleanSrc)}, or write \`${folder}\` without the trailing slash to land it at ${folder}, then run the tool again.`)));
    return ex;
  }
  ex.artifacts.push({ containerPath: cleanSrc, hostPath, via: inv, consumers: [], mode: null, contentsOnly: contents });
  return ex;
}

/**
 * What the container runs, as the script gives it: the words after the image, behind the
 * program `--entrypoint` names (`docker run --entrypoint cat IMG /p` runs `cat /p`; the image's
 * ENTRYPOINT and CMD are then not run). An empty `--entrypoint ""` names none.
 */
export function commandWords(inv: DockerInvocation, imageIndex: number): Word[] {
  const rest = inv.operands.filter((o) => o.index > imageIndex).map((o) => o.word);
  const entrypoint = flagValues(inv, '--entrypoint').at(-1);
  return entrypoint && entrypoint.value !== '' ? [entrypoint, ...rest] : rest;
}

/**
 * `docker run --rm IMG cat /p > f`, or `--entrypoint cat IMG /p`, or `… cat /p | tee f > /dev/null`
 * (`next` the command piped into; the host file loses the container's mode).
 */
export function fromCatRedirect(inv: DockerInvocation, imageIndex: number, next: ScriptCommand | null = null): Extraction | null {
  const cmd = inv.cmd;
  const rest = commandWords(inv, imageIndex);
  // (the file the output lands in once every redirect is applied: `> f >&2` leaves f empty)
  const out = streamFile(cmd, next);
  if (!out || rest[0]?.value !== 'cat' || rest.length !== 2) return null;
  const ex = baseRun(inv, imageIndex);
  if (out.tee) ex.commands.push(out.tee);
  const src = rest[1]!.value;
  if (src === null || out.target.value === null || out.cwd === null) {
    ex.problems.push(dynamicPath(cmd));
    return ex;
  }
  const containerPath = absoluteIn(src, inv);
  if (containerPath === null) {
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${src}\` is relative to the image's working directory, which the script does not state`, at(cmd, 'Use an absolute path in the container, or pass -w.')));
    return ex;
  }
  // The shell (or tee) creates the file: mode 0666 less the usual umask 022.
  ex.artifacts.push({ containerPath, hostPath: resolveRel(out.cwd, out.target.value), via: inv, consumers: [], mode: 0o644, contentsOnly: false });
  return ex;
}

/** `docker run --rm IMG tar -c … | tar -x …` (or `--entrypoint tar IMG -c …`). */
export function fromTarPipe(inv: DockerInvocation, imageIndex: number, next: ScriptCommand | null): Extraction | null {
  const cmd = inv.cmd;
  if (!next || cmd.stdout?.kind !== 'pipe' || next.words[0]?.value !== 'tar') return null;
  // `tar -c … > /dev/null | tar -x`: a redirect takes the archive away from the pipe, which carries nothing.
  const out = outputSinks(cmd.redirects).out;
  if (out.kind !== 'inherited' || out.fd !== '1') return null;
  const rest = commandWords(inv, imageIndex);
  let tarWords: (string | null)[] | null = null;
  let cdDir: string | null = null;
  if (rest[0]?.value === 'tar') tarWords = rest.slice(1).map((w) => w.value);
  else if (/^(\/bin\/)?(ba)?sh$/.test(rest[0]?.value ?? '') && rest[1]?.value === '-c' && rest[2]?.value) {
    // `sh -c 'cd /dist && tar -c .'`: read the inner script with the same shell parser.
    const inner = parseShell('-c', rest[2].value).script;
    const cmds = inner?.commands ?? [];
    const cd = cmds.length === 2 && cmds[0]!.words[0]?.value === 'cd' ? cmds[0]!.words[1]?.value ?? null : null;
    const tar = cmds[cmds.length - 1];
    if (tar?.words[0]?.value === 'tar' && (cmds.length === 1 || cd)) {
      tarWords = tar.words.slice(1).map((w) => w.value);
      cdDir = cd;
    }
  }
  if (!tarWords) return null;
  const ex = baseRun(inv, imageIndex);
  ex.commands.push(next);
  const create = readTar(tarWords, 'c');
  const extract = readTar(next.words.slice(1).map((w) => w.value), 'x');
  // An option that changes what is passed on (./tar-options.ts): read the rest, and refuse with it named.
  const odd = create?.unsupported ? { option: create.unsupported, side: 'the container\'s tar', at: cmd } : extract?.unsupported ? { option: extract.unsupported, side: 'the host\'s `tar -x`', at: next } : null;
  if (odd) ex.problems.push(diag('HOST_POSTPROCESS', 'error', `\`${odd.option}\` of ${odd.side} changes which files come out of the builder, their names or their modes: COPY --from would copy the folder as the builder stage holds it`, at(odd.at, 'Drop the option (do that step in the builder Dockerfile, a RUN), then run the tool again; or migrate by hand.')));
  if (!create || !extract || next.cwd === null) {
    ex.problems.push(dynamicPath(cmd));
    return ex;
  }
  const base = create.dir ?? cdDir ?? null;
  const hostDir = resolveRel(next.cwd, extract.dir ?? '.');
  if (base === null || !base.startsWith('/')) {
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', 'the folder tar reads in the container is relative to the image\'s working directory', at(cmd, 'Use tar -C /absolute/dir.')));
    return ex;
  }
  if (create.paths.some((p) => /[*?[]/.test(p))) {
    ex.problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', 'tar expands a wildcard inside the container, so the files taken out are only known at run time', at(cmd, 'Name the files, or tar a whole folder.')));
    return ex;
  }
  // Without -p only root's tar keeps the archive's modes (the plan checks the stage's survive a
  // umask); an unsupported option there is refused already, by name.
  for (const p of create.paths) {
    const containerPath = path.normalize(path.join(base, p)).replace(/\/$/, '') || '/';
    const hostPath = resolveRel(hostDir, p);
    ex.artifacts.push({ containerPath, hostPath, via: inv, consumers: [], mode: null, contentsOnly: p === '.' || p === './', ...(p === '.' || p === './' ? { ownFolderMode: true as const } : {}), ...(extract.keepsModes || extract.unsupported ? {} : { modesMasked: 'tar' as const }) });
  }
  ex.dirs.push(hostDir);
  return ex;
}

/** `docker run --rm -v HOST:/m IMG cp [-r] SRC… /m/…`. */
export function fromMountCopy(inv: DockerInvocation, imageIndex: number): Extraction | null {
  const cmd = inv.cmd;
  // What the container runs: `--entrypoint /bin/echo IMG cp …` runs echo, not cp.
  const rest = commandWords(inv, imageIndex).map((w) => w.value);
  if (rest[0] !== 'cp' || cmd.cwd === null) return null;
  const mounts = bindMounts(inv);
  if (mounts === null || mounts.length === 0) return null;
  const args = rest.slice(1);
  if (args.some((a) => a === null)) return null;
  const flags = (args as string[]).filter((a) => a.startsWith('-'));
  const paths = (args as string[]).filter((a) => !a.startsWith('-'));
  if (paths.length < 2 || flags.some((f) => !/^-[rRapfv]+$/.test(f))) return null;
  const dest = paths[paths.length - 1]!;
  // The deepest mount holding the destination is the one cp writes into.
  const mount = mounts.filter((m) => dest === m.ctr || dest.startsWith(`${m.ctr}/`)).sort((a, b) => b.ctr.length - a.ctr.length)[0];
  if (!mount) return null;
  const targets = mountTargets(inv);
  const ex = baseRun(inv, imageIndex);
  // A named volume is read as the folder of that name, for what links it, and refused.
  if (mount.volume !== undefined) ex.problems.push(namedVolume(inv, mount));
  else if (dockerVariable(cmd, 'DOCKER_HOST') === null) ex.problems.push(remoteMount(inv, mount));
  const destRel = dest.slice(mount.ctr.length).replace(/^\/+/, '');
  const destIsDir = /\/$/.test(dest) || dest === mount.ctr || paths.length > 2;
  // `cp -r /out/. /m/` copies what /out holds into /m, not /out itself: the artifact is /m's
  // contents. Several such sources would merge into one folder: not followed.
  const contents = (src: string) => /(^|\/)\.\/?$/.test(src);
  if (paths.length > 2 && paths.slice(0, -1).some(contents)) return null;
  for (const src of paths.slice(0, -1)) {
    const containerPath = absoluteIn(src, inv);
    if (containerPath === null || /[*?[]/.test(src)) {
      ex.problems.push(dynamicPath(cmd));
      continue;
    }
    const whole = contents(src);
    // Another mount at or inside what cp writes (`-v "$PWD:/dist" --tmpfs /dist/bin`, cp to
    // /dist/bin/) took those files: they never reached the repository folder.
    const written = trimTrailingSlashes(destIsDir && !whole ? path.join(dest, path.basename(containerPath)) : dest) || '/';
    const inner = targets.find((t) => t !== mount.ctr && (t === null || ((mount.ctr === '/' || t.startsWith(`${mount.ctr}/`)) && (t === written || written.startsWith(`${t}/`) || t.startsWith(`${written}/`)))));
    if (inner !== undefined) {
      ex.problems.push(diag('ARTIFACT_VOLUME', 'error', `\`${shownCommand(cmd)}\` mounts ${inner === null ? 'a volume whose path is not known' : `a volume at ${inner}`} inside ${mount.ctr}, so cp wrote ${written} into that volume, not into the repository folder`, at(cmd, 'Copy into the bind-mounted folder alone, or migrate by hand.')));
      return ex;
    }
    const hostPath = resolveRel(mount.host, destIsDir && !whole ? path.join(destRel, path.basename(containerPath)) : destRel);
    ex.artifacts.push({ containerPath: trimTrailingSlashes(containerPath), hostPath, via: inv, consumers: [], mode: null, contentsOnly: whole, ...(whole && flags.some((f) => /[ap]/.test(f)) ? { ownFolderMode: true as const } : {}), ...(flags.some((f) => /[ap]/.test(f)) ? {} : { modesMasked: 'cp' as const }) });
  }
  ex.dirs.push(mount.host);
  return ex;
}

/** The container paths of `-v`, `--mount` and `--tmpfs` mounts (null where one is not known). */
function mountTargets(inv: DockerInvocation): (string | null)[] {
  const clean = (p: string | undefined) => (p !== undefined && p.startsWith('/') ? trimTrailingSlashes(path.normalize(p)) || '/' : null);
  return inv.flags.flatMap((f) => {
    if (!f.value || !['--volume', '--mount', '--tmpfs'].includes(f.name)) return [];
    const v = wordKey(f.value);
    if (f.name === '--mount') return [clean(v.split(',').map((kv) => kv.split('=')).find(([k]) => k === 'target' || k === 'dst' || k === 'destination')?.[1])];
    const parts = v.split(':');
    return [clean(f.name === '--tmpfs' || parts.length === 1 ? parts[0] : parts[1])];
  });
}

function baseRun(inv: DockerInvocation, imageIndex: number): Extraction {
  const image = inv.operands.find((o) => o.index === imageIndex)!.word;
  return { image: canonicalImage(wordKey(image)), container: null, at: inv, commands: [inv.cmd], artifacts: [], run: null, dirs: [], problems: [] };
}

function absoluteIn(p: string, inv: DockerInvocation): string | null {
  if (p.startsWith('/')) return path.normalize(p);
  const w = flagValues(inv, '--workdir')[0]?.value;
  return w ? path.normalize(path.join(w, p)) : null;
}


/**
 * `-v HOST:/path` mounts of a repository folder (`$PWD/x`, `./x`); null when one is not such a
 * mount. A bare name (`-v out:/out`) is no folder: docker and podman mount the named volume
 * `out`, whose files never reach the repository; it is kept, with `volume` set, so the
 * extraction through it refuses by name.
 */
function bindMounts(inv: DockerInvocation): { host: string; ctr: string; volume?: string }[] | null {
  const cwd = inv.cmd.cwd;
  if (cwd === null) return null;
  const mounts: { host: string; ctr: string; volume?: string }[] = [];
  for (const v of flagValues(inv, '--volume')) {
    const m = /^(\$\{PWD\}|\.)?([^:]*):(\/[^:]*)(:[a-z,]+)?$/.exec(wordKey(v));
    if (!m) return null;
    const hostRel = m[1] ? `.${m[2]}` : m[2]!;
    if (!m[1] && (hostRel.startsWith('/') || hostRel === '')) return null;
    const ctr = trimTrailingSlashes(m[3]!) || '/';
    if (!m[1] && !hostRel.startsWith('.') && v.value !== null) {
      // A volume name holds no `/` (docker refuses one that does): anything else is not read.
      // (A host side only known at run time is a path the plan refuses as such.)
      if (hostRel.includes('/')) return null;
      mounts.push({ host: resolveRel(cwd, hostRel), ctr, volume: hostRel });
      continue;
    }
    mounts.push({ host: resolveRel(cwd, hostRel || '.'), ctr });
  }
  return mounts;
}

/** The refusal of an extraction that writes into a named volume instead of a repository folder. */
function namedVolume(inv: DockerInvocation, mount: { ctr: string; volume?: string }): Diagnostic {
  return diag('ARTIFACT_VOLUME', 'error', `\`${shownCommand(inv.cmd)}\` mounts the named volume \`${mount.volume}\` at ${mount.ctr} (a bare name is a volume, not the folder ./${mount.volume}), so what the container writes there never reaches the repository, and the runtime build did not copy it`, at(inv.cmd, `Write the folder as \`./${mount.volume}\` or \`"$PWD/${mount.volume}"\` if it was meant, or migrate by hand.`));
}

/**
 * The refusal of a bind mount on an engine DOCKER_HOST names with a value only known at run time
 * (CircleCI's `setup_remote_docker` sets one: ./hosts/circleci.ts): docker mounts the folder of
 * that path on the engine's machine, which need not be the script's (on a remote engine it is
 * not), so what the container wrote there is not proven to reach the repository.
 */
function remoteMount(inv: DockerInvocation, mount: { host: string; ctr: string }): Diagnostic {
  return diag('ARTIFACT_VOLUME', 'error', `\`${shownCommand(inv.cmd)}\` bind-mounts ${mount.host ? `./${mount.host}` : 'the repository folder'} at ${mount.ctr} on the engine DOCKER_HOST names, only known at run time: docker mounts that path on the engine's machine, and a remote engine shares no folder with the script, so what the container writes there is not proven to reach the repository (nor did the runtime build necessarily copy it)`, at(inv.cmd, 'Take the files out with `docker cp` (or `docker run … cat`), which reach the script through the engine, and run the tool again; or migrate by hand.'));
}

/**
 * `docker run --rm -v "$PWD/out:/out" IMG make …`: a build that writes straight into a mounted
 * folder. The folder (which must not exist in the repository, so it holds nothing but the
 * output) is a folder artifact; the builder stage runs the same command, after creating it.
 */
export function fromMountBuild(inv: DockerInvocation, imageIndex: number, isDir: (rel: string) => boolean): Extraction | null {
  const mounts = bindMounts(inv);
  if (mounts === null || mounts.length !== 1) return null;
  const mount = mounts[0]!;
  const ex = baseRun(inv, imageIndex);
  if (mount.volume !== undefined) {
    // Read as the folder of that name, for what links it; refused whatever it links to.
    ex.problems.push(namedVolume(inv, mount));
  } else if (dockerVariable(inv.cmd, 'DOCKER_HOST') === null) {
    ex.problems.push(remoteMount(inv, mount));
  } else if (isDir(mount.host)) {
    ex.problems.push(diag('BUILD_AT_RUN_TIME', 'error', `the builder runs with ${mount.host || '.'} of the repository mounted at ${mount.ctr}, so it reads host files at run time`, at(inv.cmd, 'Builds that read host files at run time are not migrated; migrate this setup by hand.')));
    return ex;
  }
  ex.run = runStepOf(inv, imageIndex, ex.problems, true);
  if (ex.run.command === null) ex.problems.push(diag('BUILD_AT_RUN_TIME', 'error', 'the builder runs its image\'s default command into a mounted folder', at(inv.cmd, 'Pass the command to docker run explicitly.')));
  ex.run.prepare = [mount.ctr];
  ex.artifacts.push({ containerPath: mount.ctr, hostPath: mount.host, via: inv, consumers: [], mode: null, contentsOnly: true });
  ex.dirs.push(mount.host);
  return ex;
}

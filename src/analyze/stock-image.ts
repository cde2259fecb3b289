/**
 * Builds in a stock toolchain image with the sources mounted:
 * `docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .`, then a runtime
 * build that COPYs `bin/app`. There is no builder Dockerfile: the builder stage is generated
 * (`FROM golang:1.21` + `COPY . /src`), and the command becomes its exec-form `RUN` like any
 * build that happened at run time. The artifacts are the runtime build's COPY sources inside
 * the mounted folder that the repository does not hold (the command wrote them).
 *
 * Refused (STOCK_BUILD_UNSUPPORTED) wherever the mount gave the command something a context
 * COPY cannot: other mounts (caches, the docker socket), files the runtime build's ignore file
 * hides, a mount point at `/`, output beside the artifacts that the script still uses.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { flagValues, isDockerProgram, type DockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import type { Artifact, BuildStep } from '../model/setup.js';
import { effectiveIgnoreFile } from '../plan/build-inputs.js';
import { ignorePatterns, mayExcludeUnder } from '../plan/context-subfolder.js';
import { readDockerfile, type DockerfileFacts } from './dockerfile.js';
import { runStepOf, wordKey, type Extraction } from './extractions.js';
import { canonicalImage } from '../model/image-ref.js';
import { clearMountPoint, stockUser, trackedFilesUsedLater } from './stock-assumptions.js';
import { resolveRel } from '../model/paths.js';
import { passedArgs, variableReach, variableSources } from './copy-variables.js';

export interface StockRun {
  inv: DockerInvocation;
  image: string;
  /** The image as written (the generated stage's FROM). */
  imageText: string;
  imageIndex: number;
  /** The repository folder mounted, and where. */
  mount: { host: string; ctr: string };
  problems: Diagnostic[];
}

const at = (cmd: ScriptCommand, hint: string) => ({ file: cmd.file, line: cmd.line, hint });
const PLAIN = /^[A-Za-z0-9._/@:+-]+$/;

/**
 * `docker run --rm -v REPO_FOLDER:/m … IMAGE cmd…` where IMAGE is not built earlier in the
 * script and REPO_FOLDER is a folder of the repository; null for anything else.
 */
export function stockRun(inv: DockerInvocation, imageIndex: number, builtImages: ReadonlySet<string>, isDir: (rel: string) => boolean): StockRun | null {
  const cwd = inv.cmd.cwd;
  const imageWord = inv.operands.find((o) => o.index === imageIndex)?.word;
  if (cwd === null || !imageWord || imageWord.value === null) return null;
  const image = canonicalImage(imageWord.value);
  if (builtImages.has(image)) return null;
  const repo: { host: string; ctr: string }[] = [];
  const other: string[] = [];
  for (const v of flagValues(inv, '--volume')) {
    const m = /^(\$\{PWD\}|\.)?([^:]*):(\/[^:]*)(:[a-z,]+)?$/.exec(wordKey(v));
    const hostRel = m ? (m[1] ? `.${m[2]}` : m[2]!) : null;
    if (!m || hostRel === null || (!m[1] && v.value === null) || (!m[1] && (hostRel.startsWith('/') || hostRel === '' || hostRel.startsWith('~')))) {
      other.push(v.raw);
      continue;
    }
    const host = resolveRel(cwd, hostRel || '.');
    // Mounted read-only, the folder cannot have received what the runtime build copies from it.
    if ((m[4] ?? '').slice(1).split(',').includes('ro')) continue;
    if (host.startsWith('..')) other.push(v.raw);
    else repo.push({ host, ctr: m[3]!.replace(/\/+$/, '') || '/' });
  }
  const sources = repo.filter((r) => isDir(r.host));
  if (sources.length === 0) return null;
  const mount = sources[0]!;
  const problems: Diagnostic[] = [];
  const refuse = (message: string, hint: string) => problems.push(diag('STOCK_BUILD_UNSUPPORTED', 'error', message, at(inv.cmd, hint)));
  for (const o of [...other, ...repo.filter((r) => r !== mount).map((r) => `${r.host || '.'}:${r.ctr}`)]) {
    refuse(`the build in ${imageWord.value} also mounts ${o} (a cache, a socket or another folder), which a build stage cannot give the command`, 'Remove the extra mount, or migrate this setup by hand.');
  }
  if (mount.ctr === '/') refuse('the sources are mounted over the image\'s root folder', 'Mount them at a folder of their own (-v "$PWD":/src -w /src).');
  if (!PLAIN.test(imageWord.value)) refuse(`the image \`${imageWord.raw}\` would need quoting in a Dockerfile`, 'Write the image reference plainly.');
  return { inv, image, imageText: imageWord.value, imageIndex, mount, problems };
}

export interface StockParts {
  builder: BuildStep;
  extraction: Extraction;
  /** The generated builder Dockerfile. */
  facts: DockerfileFacts;
}

/**
 * The builder stage and the artifacts of a stock run, from the first later build whose
 * Dockerfile copies files from the mounted folder that the repository does not hold; null
 * when no later build does (the caller reports the run as not followed).
 */
export function stockParts(
  run: StockRun,
  later: readonly BuildStep[],
  sequence: readonly ScriptCommand[],
  fs: RepoFs,
  load: (rel: string) => DockerfileFacts | null,
): StockParts | null {
  const { mount, inv } = run;
  const cmd = inv.cmd;
  const under = (p: string) => mount.host === '' || p === mount.host || p.startsWith(`${mount.host}/`);
  const inside = (p: string) => (mount.host === '' ? p : p.slice(mount.host.length + 1));
  for (const build of later) {
    if (build.dockerfile === null || build.context === null) continue;
    const facts = load(build.dockerfile);
    if (!facts) continue;
    const artifacts = new Map<string, Artifact>();
    const problems: Diagnostic[] = [...run.problems];
    const broad: Diagnostic[] = [];
    const broadHosts: string[] = [];
    const copied: { path: string; file: string; line: number }[] = [];
    // A source written through a variable (`ARG BIN=out/app`, `COPY ${BIN} …`) reads the file its value names.
    const through = new Map(variableSources(facts, passedArgs(build.inv)).map((v) => [`${v.copy}:${v.source}`, v]));
    for (const [ci, copy] of facts.copies.entries()) {
      if (copy.from || copy.heredoc) continue;
      for (const [si, src] of copy.sources.entries()) {
        const v = through.get(`${ci}:${si}`);
        if (v && v.value === null) {
          if (variableReach(v, build.context, [mount.host]) !== null) {
            problems.push(diag('DYNAMIC_ARTIFACT_PATH', 'error', `\`${copy.keyword} ${facts.text.slice(src.start, src.end)}\` reads its source through ${v.names.map((n) => `\`${n}\``).join(', ')}, whose value the tool cannot know before the build, and it may name what the run of ${run.imageText} wrote into the mounted ${mount.host || '.'}`, { file: facts.path, line: copy.line, hint: 'Write the build output\'s path literally in its COPY line, then run the tool again.' }));
          }
          continue;
        }
        const host = resolveRel(build.context, (v ? v.value! : src.value).replace(/^\/+/, ''));
        const glob = /[*?[]/.test(src.value);
        copied.push({ path: host, file: facts.path, line: copy.line });
        if (!glob && under(host) && host !== mount.host && fs.kind(host) === null) {
          artifacts.set(host, { containerPath: path.join(mount.ctr, inside(host)), hostPath: host, via: inv, consumers: [], mode: null, contentsOnly: false });
        } else if ((glob || fs.kind(host) === 'dir') && (under(host) || host === '' || mount.host.startsWith(`${host}/`))) {
          broadHosts.push(host);
          broad.push(diag('ARTIFACT_IN_BROAD_COPY', 'error', `\`${copy.keyword} ${src.value}\` copies the mounted ${mount.host || '.'} (or part of it), where the build in ${run.imageText} may have written more than the files named`, { file: facts.path, line: copy.line, hint: `Copy the build output with its own ${copy.keyword} line, then run the tool again.` }));
        }
      }
    }
    if (artifacts.size === 0) continue;
    // A folder that holds an artifact is reported by the linker itself; the others here.
    broad.forEach((d, k) => {
      const h = broadHosts[k]!;
      if (![...artifacts.keys()].some((a) => h === '' || a.startsWith(`${h}/`))) problems.push(d);
    });
    const context = build.context;
    const rel = path.relative(context || '.', mount.host || '.') || '.';
    if (rel.startsWith('..')) {
      problems.push(diag('CONTEXT_MISMATCH', 'error', `the mounted ${mount.host || '.'} is outside the runtime build's context ${context || '.'}, so a builder stage cannot copy it`, at(cmd, 'Mount a folder inside the runtime build\'s context, or migrate this setup by hand.')));
    }
    if (!PLAIN.test(rel) || !PLAIN.test(mount.ctr)) {
      problems.push(diag('PATH_NEEDS_QUOTING', 'error', `the mounted ${rel} or its mount point ${mount.ctr} would need quoting in a Dockerfile`, at(cmd, 'Use plain folder names.')));
    }
    // The old command saw the folder whole; the builder stage sees it through the runtime build's ignore file.
    const ignore = effectiveIgnoreFile(build, fs);
    const sub = rel === '.' ? '' : rel;
    const hiding = ignore === null ? [] : ignorePatterns(fs.readText(ignore) ?? '').filter((p) => sub === '' || mayExcludeUnder(p.pattern, sub));
    if (hiding.length > 0) {
      problems.push(diag('STOCK_BUILD_UNSUPPORTED', 'error', `${ignore} has \`${hiding[0]!.pattern}\`, which may hide files of the mounted ${mount.host || '.'} that the build in ${run.imageText} read`, { file: ignore!, line: hiding[0]!.line, hint: 'Make the ignore file exclude nothing under the mounted folder, or migrate this setup by hand.' }));
    }
    // Folders that only hold the output (not in the repository): the `mkdir` before the run
    // and the `rm -rf` after the build go; a `mkdir` the script did is done in the stage.
    const dirs = new Set<string>();
    for (const a of artifacts.values()) {
      let d = path.dirname(a.hostPath).replace(/^\.$/, '');
      let top: string | null = null;
      while (d !== mount.host && d !== '' && fs.kind(d) === null) {
        top = d;
        d = path.dirname(d).replace(/^\.$/, '');
      }
      if (top !== null) dirs.add(top);
    }
    const made = new Set<string>();
    const runAt = sequence.indexOf(cmd);
    const runtimeAt = sequence.indexOf(build.inv.cmd);
    sequence.forEach((c, i) => {
      if (c.cwd === null) return;
      const words = c.words.slice(1).filter((w) => !(w.value ?? '-').startsWith('-'));
      const paths = words.map((w) => (w.value === null ? null : resolveRel(c.cwd!, w.value)));
      if (i < runAt && c.words[0]?.value === 'mkdir') for (const p of paths) if (p !== null && dirs.has(p)) made.add(p);
      // Output beside the artifacts that a later host command uses: the stage would not leave it.
      if (i > runAt && i !== runtimeAt && c.words[0]?.value !== 'rm' && c.words[0]?.value !== 'docker') {
        const stray = paths.find((p) => p !== null && [...dirs].some((d) => p.startsWith(`${d}/`)) && ![...artifacts.keys()].some((a) => p === a || p.startsWith(`${a}/`)));
        if (stray) problems.push(diag('STOCK_BUILD_UNSUPPORTED', 'error', `\`${shownCommand(c)}\` uses ${stray}, which the build in ${run.imageText} wrote beside the files the image copies`, at(c, 'Copy it into the image too, or migrate this setup by hand.')));
      }
    });
    // `-u`: the stage runs as that user, over sources it owns (stock-assumptions.ts).
    const user = stockUser(inv);
    if (user.problem) problems.push(user.problem);
    const step = runStepOf({ ...inv, flags: inv.flags.filter((f) => f.name !== '--user') }, run.imageIndex, problems, true);
    if (user.user !== null) step.user = user.user;
    if (step.command === null) problems.push(diag('STOCK_BUILD_UNSUPPORTED', 'error', `the build runs ${run.imageText}'s default command, which the tool cannot see`, at(cmd, 'Pass the command to docker run explicitly.')));
    if (made.size > 0) step.prepare = [...made].map((d) => path.join(mount.ctr, inside(d)));
    // The mount hid what the image had at the mount point; the stage removes it before the COPY.
    const cleared = clearMountPoint(mount.ctr, cmd);
    if (cleared.problem) problems.push(cleared.problem);
    const later = sequence.slice(runAt + 1).filter((c) => !isDockerProgram(c.words[0]));
    problems.push(...trackedFilesUsedLater(mount.host, { cmd, argv: step.entrypoint === null ? step.command : null, image: run.imageText }, copied, later, fs));
    const text = `FROM ${run.imageText}\n${cleared.line ? `${cleared.line}\n` : ''}COPY ${user.user !== null ? `--chown=${user.user} ` : ''}${rel} ${mount.ctr}\n`;
    const virtual = `${cmd.file}:${cmd.line} (docker run ${run.imageText})`;
    const facts2 = readDockerfile(virtual, text);
    const builder: BuildStep = { inv, tags: [], dockerfile: virtual, context, target: null, stock: { image: run.imageText, mountHost: mount.host, mountPoint: mount.ctr } };
    const extraction: Extraction = { image: run.image, container: null, at: inv, commands: [cmd], artifacts: [...artifacts.values()], run: step, dirs: [...dirs], problems };
    return { builder, extraction, facts: facts2 };
  }
  return null;
}

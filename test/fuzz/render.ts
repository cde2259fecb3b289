/**
 * A RepoSpec (./grammar.ts) written out as a small repository: a fake Go program, a builder
 * Dockerfile whose "build" is the go stand-in of the e2e base images writing a shell script, a
 * runtime Dockerfile, and the driver (sh/bash script, Makefile or package.json) that runs the
 * builder pattern, or a runner of its own: a GitHub Actions workflow, a GitLab CI job
 * (./render-ci.ts) or a JS build script (./render-js.ts). Pure: the same spec gives the same files.
 */
import * as df from './render-dockerfile.js';
import { catLike, runnerView, runTimeBuild, type RepoSpec } from './grammar.js';
import { ciFolder, githubWorkflow, gitlabCi, groups } from './render-ci.js';
import { flavouredCi } from './ci-flavours.js';
import { tmpRenameOf } from './extraction-features.js';
import { placed, placedPath, placeLines } from './place-features.js';
import { catSinkOf, sinkRefusal, tarPipeOf } from './stream-features.js';
import { toolCallerOf } from './caller-features.js';
import { inFunction } from './function-features.js';
import { inBuilderFile, outArgFlag, outRoot, runtimeOutDirLines } from './out-arg-features.js';
import { jsScript } from './render-js.js';
import { finalImageTag } from './make-override-features.js';
import { SHELL_READ } from './make-shell-var-features.js';
import { afterArtifactCopy, artifactSource, beforeArtifactCopy, copyArgFlag } from './copy-arg-features.js';
import { secondSetup } from './render-second.js';
import { cleanBranch, laterEntries, otherTargets, rmiInSequence, splitListLines } from './later-step-features.js';
import { builderRun, cachedCopy, fedRun, mustRefuse, stepsFile } from './run-step-features.js';
import { keepsArtifact, preRuntimeLines, readerEntries, readerFiles, readerLines, readerTargets } from './reader-features.js';
import { logEntries, logFile, logFiles, logReadInCaller, logReadInScript, logOpenLines, logged } from './log-features.js';
import { afterBuilderLines, afterRuntimeLines, imageFinalTags, imageScratch, rebuildEntries, rebuildFiles, rebuildKeepsArtifact, rebuildLines, rebuildRefusal, runtimeBuildFlags, wrapEngine } from './image-features.js';
import { setLine } from './errexit-features.js';
import { removalLine, sourcedFile, sourcedHead, sourcedRefusal, trapLine } from './sourced-features.js';

export interface RepoFile {
  path: string;
  content: string;
  mode: number;
}

export type PipelineEntry =
  | { kind: 'script'; script: string; args?: string[] }
  | { kind: 'make'; target: string }
  | { kind: 'npm'; script: string }
  | { kind: 'github'; workflow: string; job: string }
  | { kind: 'gitlab'; job: string }
  | { kind: 'circleci'; job: string }
  | { kind: 'azure'; job: string }
  | { kind: 'bitbucket'; step: string }
  | { kind: 'travis'; job: string }
  | { kind: 'node'; script: string }
  /** A shell command run from the root (./reader-features.ts: `cd deploy && sh upload.sh`). */
  | { kind: 'shell'; command: string };

export interface RenderedRepo {
  files: RepoFile[];
  /** How the old (and migrated) pipeline is started. */
  entry: PipelineEntry;
  /** Tags whose final images the old and migrated pipelines must build identically. */
  finalTags: string[];
  /** Host paths the old run may leave behind that nothing uses afterwards (extraction by-products). */
  scratchPaths: string[];
  /** What runs after `entry`, in order, in the old repository and the migrated one (./later-step-features.ts). */
  later: PipelineEntry[];
  /** The code the tool must refuse with, for a pipeline this engine cannot run (./run-step-features.ts mustRefuse). */
  mustRefuse?: string;
  /**
   * With a second setup beside it, only the setup holding the run step must refuse: the other may
   * migrate (unverified: the old pipeline cannot run here to compare).
   */
  mustRefuseOne?: true;
  /** The code the tool must refuse with, for a pipeline that runs but whose migration the images compared may not show wrong (./image-features.ts rebuildRefusal). */
  refuseWith?: string;
}

export interface Layout {
  builderTag: string;
  container: string;
  /** Container path of the artifact: a file, or a folder holding bin/APP and share/. */
  containerPath: string;
  /** Host path the artifact lands at, relative to the repository root (as the runtime COPY reads it). */
  hostPath: string;
  /** Destination given to the extraction command (differs from hostPath when it is a folder). */
  cpDest: string;
  /** The folder the script prepares for the extraction, if any. */
  destDir: string | null;
  /**
   * A folder the extraction creates under a new name (`docker cp x:/out ./dist`): the script may
   * only remove it first. Made again empty, the copy would land inside it (dist/out).
   */
  clearOnly?: string;
  /** The extracted program on the host (what post-processing and checksums touch). */
  hostProgram: string;
  /** Where the extraction lands the file when a host copy then puts it at hostPath (./place-features.ts). */
  landed?: string;
}

export function layout(s: RepoSpec): Layout {
  const a = s.app;
  const builderTag = s.builderTag === 'colon' ? `${a}:build` : `${a}-builder`;
  const container = s.extraction === 'run-name' ? `${a}-compile` : `${a}-extract`;
  const folder = s.artifact === 'folder';
  const containerPath = folder ? outRoot(s) : `${outRoot(s)}/${a}`;
  const slash = (d: string) => (s.destSlash ? `${d}/` : d);
  switch (s.extraction) {
    case 'volume-cp':
    case 'mount-build':
      return { builderTag, container, containerPath, hostPath: folder ? 'out' : `out/${a}`, cpDest: 'out', destDir: 'out', hostProgram: folder ? `out/bin/${a}` : `out/${a}` };
    case 'tar-pipe':
      return { builderTag, container, containerPath, hostPath: 'build', cpDest: 'build/', destDir: 'build', hostProgram: `build/bin/${a}` };
    case 'stock-build':
      return { builderTag, container, containerPath, hostPath: `bin/${a}`, cpDest: `bin/${a}`, destDir: null, hostProgram: `bin/${a}` };
    default:
      break;
  }
  if (folder) {
    // `docker cp x:/out .` keeps the folder's name; `docker cp x:/out ./dist` renames it
    const host = s.dest === 'rename' ? 'dist' : 'out';
    const rename = s.dest === 'rename';
    // Removed first, `./dist/` (which must exist) would fail: a cleared folder is named without the slash.
    const clear = s.rmMkdirDest && rename;
    return { builderTag, container, containerPath, hostPath: host, cpDest: rename ? (clear ? './dist' : slash('./dist')) : '.', destDir: s.rmMkdirDest && !rename ? host : null, ...(clear ? { clearOnly: host } : {}), hostProgram: `${host}/bin/${a}` };
  }
  if (s.dest === 'bin-dir') return { builderTag, container, containerPath, hostPath: `bin/${a}`, cpDest: catLike(s.extraction) ? `bin/${a}` : slash('bin'), destDir: 'bin', hostProgram: `bin/${a}` };
  // a folder made only to hold the artifact, copied whole by the runtime build
  if (s.dest === 'holder-dir') return { builderTag, container, containerPath, hostPath: 'build', cpDest: catLike(s.extraction) ? `build/${a}` : slash('build'), destDir: 'build', hostProgram: `build/${a}` };
  const host = s.dest === 'rename' ? (s.spaceName ? `${a} linux` : `${a}-linux`) : a;
  // copied into place on the host: the runtime build reads the copy (./place-features.ts)
  if (placed(s)) return { builderTag, container, containerPath, hostPath: placedPath(s, host), cpDest: `./${host}`, destDir: null, hostProgram: placedPath(s, host), landed: host };
  return { builderTag, container, containerPath, hostPath: host, cpDest: `./${host}`, destDir: null, hostProgram: host };
}

/** A shell word for a path (quoted when it holds a space). */
export const q = (x: string) => (x.includes(' ') ? `"${x}"` : x);

/** A Dockerfile COPY line, in JSON form when a path holds a space. */
function copyLine(flags: string, src: string, dest: string): string {
  return src.includes(' ') || dest.includes(' ') ? `COPY ${flags}${JSON.stringify([src, dest]).replace(/","/g, '", "')}` : `COPY ${flags}${src} ${dest}`;
}

function mainGo(a: string): string {
  return `// Command ${a} is a tiny program for the builder-pattern fuzzer.\npackage main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("${a}: ok")\n}\n`;
}

function builderDockerfile(s: RepoSpec, l: Layout): string {
  const a = s.app;
  const lines: string[] = [...df.builderDirectives(s), `# Builds ${a} (the toolchain image of the builder pattern).`, ...df.builderAfterComment(s)];
  if (s.globalArgs === 'shared-line') lines.push(`ARG GO_VERSION=1.21 ${s.globalArgInRuntime ? 'FLAVOR=fancy' : 'CHANNEL=beta'}`);
  else {
    if (s.argBeforeFrom) lines.push('ARG GO_VERSION=1.21');
    if (s.globalArgInRuntime) lines.push('ARG FLAVOR=fancy');
  }
  // A global default reading a variable only the runtime declares: empty here, `-alpine` once merged.
  const image = s.globalArgs === 'builder-reads-runtime' ? 'FROM ${GO_IMAGE}' : s.argBeforeFrom ? 'FROM golang:${GO_VERSION}' : 'FROM golang:1.21';
  if (s.globalArgs === 'builder-reads-runtime') lines.push('ARG GO_IMAGE=golang:${GO_VERSION}${GO_VARIANT}');
  const shared = df.builderSharedStage(s, image);
  lines.push(...shared.lines, ...df.builderBuildStage(s, df.builderFrom(s, shared.from)));
  if (s.argAfterFrom) lines.push('ARG BUILD_MODE=release', 'RUN echo "mode=${BUILD_MODE}" > /etc/build-mode');
  lines.push(...df.builderPrelude(s), ...df.builderWorkdir(s), 'COPY main.go .', ...df.builderExtras(s));
  if (s.builderUser) lines.push(df.builderRun(s, 'RUN mkdir -p /out && chown 65534:65534 /out'), 'USER 65534');
  const build: string[] = [];
  if (runTimeBuild(s.extraction)) {
    if (s.builderJsonCmd) build.push(`CMD ["sh", "-c", "go build -o /out/${a} . && echo built ${a}"]`);
  } else if (s.artifact === 'folder') {
    let run = `RUN go build -o /out/bin/${a} . && mkdir -p /out/share && echo "${a} assets" > /out/share/${a}.txt && echo "{}" > /out/share/${a}.js.map`;
    // The archive's member times are pinned: a tar carries them in its bytes, and the two pipelines build
    // it minutes apart, so an unpinned one differs whenever it reaches the final image as a file.
    if (s.archiveAdd) run += ` && mkdir -p /tmp/assets && echo "${a} data" > /tmp/assets/${a}.dat && touch -t 200001010000 /tmp/assets/${a}.dat /tmp/assets && tar -C /tmp -cf /out/${a}-assets assets`;
    build.push(run);
    if (s.fileMode !== 'default') build.push(`RUN chmod ${s.fileMode} /out/bin/${a}`);
  } else {
    // (written under the ARG's default when the output folder is a build argument: ./out-arg-features.ts)
    build.push(`RUN go build -o ${inBuilderFile(s, l.containerPath)} .`);
    if (s.fileMode !== 'default') build.push(`RUN chmod ${s.fileMode} ${inBuilderFile(s, l.containerPath)}`);
  }
  if (s.extraction === 'cmd-cat') build.push(df.builderCatCommand(s, l.containerPath));
  if (s.trailingBackslash && build.length > 0) build[build.length - 1] += ' \\\n    # end of the build';
  lines.push(...build.map((line) => df.builderRun(s, line)), ...df.builderTail(s));
  return `${lines.join('\n')}\n`;
}

/** Where the runtime image keeps the program, and the COPY lines that put the artifact there. */
function runtimeDockerfile(s: RepoSpec, l: Layout): string {
  const a = s.app;
  const lines: string[] = [...df.runtimeDirectives(s)];
  /** The runtime's global ARG (./grammar.ts globalArgs), read again by its stage. */
  const global: [string, string] | undefined = ({ 'same-literal': ['GO_VERSION', '1.21'], 'runtime-reads-own': ['SUITE', 'go${GO_VERSION}'], 'builder-reads-runtime': ['GO_VARIANT', '-alpine'] } as Record<string, [string, string]>)[s.globalArgs];
  if (global) lines.push(`ARG ${global[0]}=${global[1]}`);
  if (s.stageCapture) lines.push('FROM busybox:latest AS builder', `RUN echo "${a} config" > /${a}.conf`, '');
  const shared = df.runtimeSharedStage(s, s.runtimeBase);
  const stages = df.runtimeFrom(s, shared.base);
  lines.push(...shared.lines, ...stages.from, ...df.runtimeSharedCopy(s));
  if (s.stageCapture) lines.push(`COPY --from=builder /${a}.conf /etc/${a}.conf`);
  if (s.globalArgInRuntime) lines.push('ARG FLAVOR', `RUN echo "flavor=\${FLAVOR}" > /etc/${a}.flavor`);
  if (global) lines.push(`ARG ${global[0]}`, `RUN echo "${global[0].toLowerCase()}=\${${global[0]}}" > /etc/${a}.${global[0].toLowerCase()}`);
  if (s.dockerfileEdit) lines.push(`ENV ${a.toUpperCase()}_CHANNEL=stable`);
  const dir = s.runtimeWorkdir ? '/app' : '/usr/local/bin';
  // the folder the COPY destination (or the WORKDIR) names, maybe through an ENV
  const home = s.runtimeWorkdir ? '/app' : s.artifact === 'folder' ? `/opt/${a}` : dir;
  lines.push(...df.runtimeBeforeCopy(s, home), ...runtimeOutDirLines(s));
  if (s.runtimeWorkdir) lines.push(`WORKDIR ${df.runtimeDir(s, '/app')}`);
  const to = df.runtimeDir(s, home);
  const chown = s.runtimeChown ? '--chown=65534:65534 ' : '';
  const flags = df.artifactCopyFlags(s, chown);
  let program: string;
  if (s.artifact === 'folder') {
    const dest = s.runtimeWorkdir ? './' : `${to}/`;
    lines.push(copyLine(flags, `${l.hostPath}/`, dest));
    if (s.archiveAdd) lines.push(`ADD ${l.hostPath}/${a}-assets /opt/${a}-data/`);
    program = s.runtimeWorkdir ? `/app/bin/${a}` : `/opt/${a}/bin/${a}`;
  } else if (s.dest === 'holder-dir') {
    lines.push(copyLine(flags, `${l.hostPath}/`, s.runtimeWorkdir ? './' : `${to}/`));
    program = `${dir}/${a}`;
  } else if (s.runtimeDestDir) {
    // the file keeps the name it has on the host
    lines.push(...beforeArtifactCopy(s, l.hostPath), copyLine(flags, artifactSource(s, l.hostPath), s.runtimeWorkdir ? './' : `${to}/`));
    program = `${dir}/${l.hostPath.split('/').pop()!}`;
  } else {
    lines.push(...beforeArtifactCopy(s, l.hostPath), copyLine(flags, artifactSource(s, l.hostPath), s.runtimeWorkdir ? `./${a}` : `${to}/${a}`));
    program = `${dir}/${a}`;
  }
  const extra = df.extraArtifact(s);
  if (extra) lines.push(extra.copy(chown));
  // (a second line through a build argument: ./copy-arg-features.ts)
  lines.push(...afterArtifactCopy(s, l.hostProgram));
  lines.push(...stages.split, ...df.runtimeMeta(s, program));
  if (s.runtimeUser) lines.push('USER 65534');
  lines.push(df.runtimeCmd(s, s.runtimeCmdSpaces ? `CMD ["${program}", "--greeting", "hello world"]` : `CMD ["${program}"]`));
  return `${lines.join('\n')}\n`;
}

/** How a driver refers to a name held in a variable, and defines it. */
interface Vars {
  ref(name: string): string;
  define(name: string, value: string): string;
}

/** A name held in a JS constant, as the JS writer finds it in a command (./render-js.ts). */
export const jsRef = (name: string) => `\u0001${name}\u0001`;

function varsOf(s: RepoSpec): Vars | null {
  if (s.vars === 'none') return null;
  if (s.runner === 'js') return { ref: jsRef, define: (n, v) => `${n}=${v}` };
  if (s.driver === 'make') {
    // (exported, the builder's tag and the container's name read by the recipe's shell: ./make-shell-var-features.ts)
    const exported = s.makeShellVars === 'exported';
    const ref = (n: string) => (exported && SHELL_READ.has(n) ? `$\${${n}}` : `$(${n})`);
    return { ref, define: (n, v) => `${exported ? 'export ' : ''}${s.vars === 'default' ? `${n} ?= ${v}` : `${n} := ${v}`}` };
  }
  return { ref: (n) => `"$${n}"`, define: (n, v) => (s.vars === 'default' ? `${n}="\${${n}:-${v}}"` : `${n}=${v}`) };
}

/** The pipeline's commands in three parts (the driver decides how they are joined and split). */
export interface Commands {
  /** Variable definitions (shell lines, or Makefile lines for make). */
  defs: string[];
  /** The same definitions as name and value (a CI file's `env:`, a JS script's constants). */
  vars: [string, string][];
  /** Up to and including the builder build. */
  builder: string[];
  /** The extraction, up to and including the container's removal. */
  extract: string[];
  /** From the first host step after the extraction to the end. */
  after: string[];
  /** Where the runtime build stands in `after`. */
  runtimeAt: number;
  /** The trap and the container's removal as written before ./sourced-features.ts moved them into the sourced file (null: not moved). */
  moved: { trap: string | null; removal: string | null };
}

export function commands(s: RepoSpec, l: Layout, dollar: string, auto: { dest: string } | null = null): Commands {
  const a = s.app;
  const v = varsOf(s);
  const defs: string[] = [];
  const vars: [string, string][] = [];
  const named = (name: string, value: string) => {
    if (!v) return value;
    defs.push(v.define(name, value));
    vars.push([name, value]);
    return v.ref(name);
  };
  const tag = s.extraction === 'stock-build' ? '' : named('BUILDER', l.builderTag);
  const c = namedContainer(s) ? named('CONTAINER', l.container) : l.container;
  const image = named('IMAGE', `${a}:latest`);
  const ctr = (sub: string) => (s.spelling === 'long' ? `docker container ${sub}` : `docker ${sub}`);
  const guard = (line: string) => (s.orGuard === 'exit' ? `${line} || exit 1` : s.orGuard === 'block' ? `${line} || { echo "${a}: step failed" >&2; exit 1; }` : line);
  const landed = l.landed ?? l.hostPath;
  const renamed = auto || l.cpDest !== `./${landed}` ? null : tmpRenameOf(s, landed, q);
  const cpDest = auto ? auto.dest : renamed ? renamed.dest : q(l.cpDest);
  const catDest = auto ? auto.dest : q(l.landed ?? l.hostProgram);

  const builder: string[] = [];
  if (s.echo) builder.push(`echo "==> building ${a}"`);
  if (s.extraction !== 'stock-build') {
    const flags = `${s.label ? '--label org.example.role=builder ' : ''}${s.buildArg ? '--build-arg BUILD_MODE=debug ' : ''}${outArgFlag(s)}${df.builderTarget(s)}`;
    builder.push(guard(logged(s, 'build', `docker build ${flags}-t ${tag} -f ${s.builderFile} .`)));
    builder.push(...afterBuilderLines(s, tag));
  }
  const extract: string[] = [];
  // (the trap or the removal may live in a file the script sources: ./sourced-features.ts)
  const moved: Commands['moved'] = { trap: null, removal: null };
  const moveTrap = (line: string) => {
    if (s.sourcedLib === 'trap') moved.trap = line;
    return trapLine(s, line);
  };
  const moveRemoval = (line: string) => {
    if (s.sourcedLib === 'cleanup') moved.removal = line;
    return removalLine(s, line);
  };
  if (l.destDir) extract.push(s.rmMkdirDest ? `rm -rf ${l.destDir} && mkdir -p ${l.destDir}` : `mkdir -p ${l.destDir}`);
  else if (l.clearOnly) extract.push(`rm -rf ${l.clearOnly}`);
  const wrap = (line: string): string => {
    switch (s.compound) {
      case 'if':
        return `if [ -f Dockerfile ]; then ${line}; fi`;
      case 'brace':
        return `{ ${line}; }`;
      case 'else':
        return `if [ ! -f Dockerfile ]; then echo "no Dockerfile" >&2; exit 1; else ${line}; fi`;
      default:
        return line;
    }
  };
  // (where the container goes: ./extraction-features.ts `removalAt`)
  const atEnd: string[] = [];
  const removal = (line: string, name: string) => {
    (s.removalAt === 'end' ? atEnd : extract).push(line);
    if (s.removalAt === 'again') atEnd.push(`${ctr('rm')} -f ${name}`);
  };
  const copyInTarget = s.artifact === 'folder' ? `${outRoot(s)}/share/NOTICE` : `${outRoot(s)}/NOTICE`;
  const extra = df.extraArtifact(s);
  /** The second artifact's copy out of the container `from` (./render-dockerfile.ts). */
  const extraCp = (from: string) => (extra ? [guard(`${ctr('cp')} ${from}:${extra.containerPath} ${extra.host}`)] : []);
  switch (s.extraction) {
    case 'create-cp':
    case 'run-name':
    case 'detached-idle': {
      if (s.trapCleanup) extract.push(moveTrap(`trap 'docker rm -f ${c.replace(/"/g, '')} >/dev/null 2>&1 || true' EXIT`));
      if (s.extraction === 'create-cp') extract.push(`${ctr('create')} --name ${c} ${tag}`);
      else if (s.extraction === 'detached-idle') extract.push(builderRun(s, dollar, `-d --name ${c} `, tag, 'tail', ['-f', '/dev/null']));
      else if (s.stdinFeed !== 'none') extract.push(...fedRun(s, c, '-e CGO_ENABLED=0 ', tag, runTimeCommand(l)));
      else extract.push(logged(s, 'run', builderRun(s, dollar, `--name ${c} -e CGO_ENABLED=0 `, tag, s.builderJsonCmd ? '' : 'go', s.builderJsonCmd ? [] : ['build', '-o', l.containerPath, '.'])));
      if (s.copyIn) extract.push(`${ctr('cp')} NOTICE ${c}:${copyInTarget}`);
      extract.push(wrap(guard(`${ctr('cp')} ${c}:${l.containerPath} ${cpDest}`)), ...extraCp(c));
      if (s.inspectAfter) extract.push(`docker inspect ${c} > /dev/null`);
      if (!s.trapCleanup) removal(moveRemoval(s.extraction === 'detached-idle' ? `${ctr('rm')} -f ${c}` : `${ctr('rm')} ${c}`), c);
      break;
    }
    case 'id-var': {
      extract.push(`id=$(${ctr('create')} ${tag})`);
      if (s.trapCleanup) extract.push(moveTrap(`trap 'docker rm -f "$id" >/dev/null 2>&1 || true' EXIT`));
      if (s.copyIn) extract.push(`${ctr('cp')} NOTICE "$id":${copyInTarget}`);
      const cp = `${ctr('cp')} "$id":${l.containerPath} ${cpDest}`;
      extract.push(wrap(s.guardedCp ? `[ -n "$id" ] && ${cp}` : guard(cp)), ...extraCp('"$id"'));
      if (s.inspectAfter) extract.push(`docker inspect "$id" > /dev/null`);
      if (!s.trapCleanup) removal(moveRemoval(`${ctr('rm')} -v "$id"`), '"$id"');
      break;
    }
    case 'inline-create':
      extract.push(wrap(guard(`${ctr('cp')} $(${ctr('create')} ${tag}):${l.containerPath} ${cpDest}`)), ...extraCp(`$(${ctr('create')} ${tag})`));
      break;
    case 'cat-redirect':
    case 'cmd-cat': {
      const sink = catSinkOf(s, catDest);
      extract.push(...sink.before, guard(`${builderRun(s, dollar, '--rm ', tag, s.extraction === 'cat-redirect' ? 'cat' : '', s.extraction === 'cat-redirect' ? [l.containerPath] : [])}${sink.tail}`));
      extract.push(`chmod ${s.fileMode === 'default' ? '+x' : s.fileMode} ${catDest}`);
      break;
    }
    case 'volume-cp':
      extract.push(logged(s, 'run', builderRun(s, dollar, `--rm -v "${dollar}PWD/out:/export" `, tag, 'cp', s.artifact === 'folder' ? ['-r', `${outRoot(s)}/.`, '/export/'] : [l.containerPath, '/export/'])));
      break;
    case 'mount-build':
      if (s.stdinFeed !== 'none') extract.push(...fedRun(s, null, `--rm -v "${dollar}PWD/out:/out" -e CGO_ENABLED=0 `, tag, runTimeCommand(l)));
      else extract.push(logged(s, 'run', builderRun(s, dollar, `--rm -v "${dollar}PWD/out:/out" -e CGO_ENABLED=0 `, tag, 'go', ['build', '-o', l.containerPath, '.'])));
      break;
    case 'tar-pipe':
      extract.push(`${builderRun(s, dollar, '--rm ', tag, 'tar', ['-C', outRoot(s), '-c', '.'])}${tarPipeOf(s)} tar -x -C build/`);
      break;
    case 'stock-build':
      extract.push(guard(logged(s, 'run', `docker run --rm -v "${dollar}PWD":/src -w /src -e CGO_ENABLED=0 golang:1.21 go build -o ${l.hostPath} .`)));
      break;
  }
  if (renamed) extract.push(renamed.mv);
  const after: string[] = l.landed ? placeLines(s, l.landed, q) : [];
  const program = q(l.hostProgram);
  switch (s.postProcess) {
    case 'chmod':
      after.push(`chmod 0700 ${program}`);
      break;
    case 'chmod-x':
      after.push(`chmod +x ${program}`);
      break;
    case 'sed':
      after.push(`sed -i 's/Fake program/Stamped program/' ${program}`);
      break;
    case 'append':
      after.push(`echo "# stamped" >> ${program}`);
      break;
    default:
      break;
  }
  if (s.sourceEdit === 'known') after.push('echo "// stamped after the builder build" >> main.go');
  if (s.sourceEdit === 'unknown') after.push('sh ./stamp-source.sh');
  if (s.dockerfileEdit) after.push(`sed -i 's/${a.toUpperCase()}_CHANNEL=stable/${a.toUpperCase()}_CHANNEL=edge/' Dockerfile`);
  after.push(...preRuntimeLines(s));
  const runtimeAt = after.length;
  after.push(`docker build ${runtimeBuildFlags(s)}${copyArgFlag(s, l.hostPath, l.hostProgram)}-t ${image} .`);
  after.push(...rebuildLines(s, q(l.hostPath.split('/')[0]!), df.extraArtifact(s)?.host ?? null), ...afterRuntimeLines(s, image, dollar));
  if (s.secondConsumer) after.push(`docker build -t ${a}:debug -f Dockerfile.debug .`);
  if (s.tagUse === 'script') after.push('sh ./check-builder.sh');
  if (s.tagUse === 'dockerfile') after.push(`docker build -t ${a}:check -f Dockerfile.check .`);
  after.push(...rmiInSequence(s, tag));
  if (s.hostUse === 'checksum') after.push(`sha256sum ${program} > ${a}.sha256`);
  if (s.hostUse === 'release') after.push(`mkdir -p release && cp ${program} release/`);
  after.push(...splitListLines(s, l.hostProgram, dollar));
  const reach = hostReachCommand(s, l);
  if (reach !== null && s.hostReach !== 'caller') after.push(reach);
  after.push(...readerLines(s, program, holderOf(s, l)), ...logReadInScript(s));
  // (a caller runs the binary the script leaves behind: no cleanup then)
  // (nor when a sibling target reads, writes or removes what the image target leaves: ./later-step-features.ts; nor for a later reader of it: ./reader-features.ts)
  const cleanup = s.cleanup && s.hostReach !== 'caller' && s.sibling === 'none' && !keepsArtifact(s) && !rebuildKeepsArtifact(s);
  if (cleanup) after.push(l.hostPath.includes('/') || s.artifact === 'folder' || s.dest === 'holder-dir' ? `rm -rf ${l.hostPath.split('/')[0]}` : `rm -f ${q(l.hostPath)}`);
  if (cleanup && l.landed) after.push(`rm -f ${q(l.landed)}`);
  if (cleanup && extra) after.push(`rm -rf ${extra.host}`);
  after.push(...atEnd);
  // every docker command of the pattern under the drawn wrapper (./image-features.ts)
  const wrapped = (lines: string[]) => lines.map((line) => wrapEngine(s, line));
  return { defs, vars, builder: wrapped(builder), extract: wrapped(extract), after: wrapped(after), runtimeAt, moved };
}

/** The command a run-time build runs in the builder container. */
export const runTimeCommand = (l: Layout) => `go build -o ${l.containerPath} .`;

/** The command of hostReach (grammar.ts): it reaches the artifact without naming it, or runs it by its path. */
function hostReachCommand(s: RepoSpec, l: Layout): string | null {
  // `?` for the last letter: a pattern of the artifact's own length, so it matches no other file
  // the migration deletes or changes (`buil*` matched build.Dockerfile too: fuzz seed 6419).
  const glob = () => {
    const at = l.hostPath.replace(/\/+$/, '');
    return `ls -d ${at.slice(0, -1)}? > found.txt`;
  };
  switch (s.hostReach ?? 'none') {
    case 'folder':
      return l.hostPath.includes('/') ? `mkdir -p kept && cp -r ${l.hostPath.split('/')[0]} kept/` : glob();
    case 'glob':
      return glob();
    case 'run':
    case 'caller':
      return `./${l.hostProgram} > run.log`;
    default:
      return null;
  }
}

/** The builder tag as the driver's commands name it (through its variable, if held in one). */
function builderTagRef(s: RepoSpec, l: Layout): string {
  const v = varsOf(s);
  return v ? v.ref('BUILDER') : l.builderTag;
}

/** The top folder holding the artifact on the host, if it is in one (an extracted folder, or one the file was copied into). */
const holderOf = (s: RepoSpec, l: Layout) => (s.artifact === 'folder' || l.hostPath.includes('/') || s.dest === 'holder-dir' ? l.hostPath.split('/')[0]! : null);

/** The Make targets or npm scripts besides the image's (./later-step-features.ts, ./reader-features.ts). */
const others = (s: RepoSpec, l: Layout) => [...readerTargets(s), ...otherTargets(s, builderTagRef(s, l), q(l.hostProgram), holderOf(s, l))];

/** Extractions with a container named in the script. */
const namedContainer = (s: RepoSpec) => s.extraction === 'create-cp' || s.extraction === 'run-name' || s.extraction === 'detached-idle';

export const all = (c: Commands) => [...c.builder, ...c.extract, ...c.after];

function shellScript(s: RepoSpec, l: Layout): string {
  const head = [s.driver === 'bash' ? '#!/usr/bin/env bash' : '#!/bin/sh', ...setLine(s)];
  if (s.inScriptsDir) head.push('cd "$(dirname "$0")/.."');
  // (a file it sources, from the repository's root: ./sourced-features.ts)
  head.push(...sourcedHead(s));
  // (the log's descriptor, opened once for the whole script: ./log-features.ts)
  head.push(...logOpenLines(s));
  const c = commands(s, l, '$');
  // A second setup's commands at the end, or before the runtime build (./render-second.ts).
  const second = secondSetup(s, '$')?.lines ?? [];
  const after = s.secondAt === 'between' ? [...c.after.slice(0, c.runtimeAt), ...second, ...c.after.slice(c.runtimeAt)] : [...c.after, ...second];
  const clean = cleanBranch(s, builderTagRef(s, l));
  // (maybe inside a shell function, called once or twice: ./function-features.ts)
  return `${[...head, ...(c.defs.length > 0 ? ['', ...c.defs] : []), '', ...clean, ...inFunction(s, [...c.builder, ...c.extract, ...after])].join('\n')}\n`;
}

function makefile(s: RepoSpec, l: Layout): string {
  const recipe = (lines: string[]) => lines.map((x) => `\t${x.replace(/\$\((?=docker )/g, '$$(')}`).join('\n');
  const c = commands(s, l, '$$', s.makeAuto ? { dest: '$@' } : null);
  const defs = c.defs.length > 0 ? `${c.defs.join('\n')}\n\n` : '';
  const more = others(s, l);
  const phony = ['image', ...more.map(([n]) => n)].join(' ');
  const rest = more.map(([n, lines]) => `\n${n}:\n${recipe(lines)}\n`).join('');
  if (!s.makeAuto) return `${defs}.PHONY: ${phony}\n\n# Builds the ${s.app} image through a builder image.\nimage:\n${recipe(all(c))}\n${rest}`;
  // the artifact is a file target of its own, made from the sources, named by $@ where it lands
  return `${defs}.PHONY: ${phony}\n\n# Builds the ${s.app} image through a builder image.\nimage: ${l.hostPath}\n${recipe(c.after)}\n\n${l.hostPath}: main.go\n${recipe(['@echo "compiling $< into $@"', ...c.builder, ...c.extract])}\n${rest}`;
}

function packageJson(s: RepoSpec, l: Layout): string {
  const c = commands(s, l, '$');
  const scripts: Record<string, string> =
    s.npmSplit === 'pre' ? { preimage: c.builder.join(' && '), image: [...c.extract, ...c.after].join(' && ') }
    : s.npmSplit === 'run' ? { builder: c.builder.join(' && '), image: ['npm run builder', ...c.extract, ...c.after].join(' && ') }
    : { image: all(c).join(' && ') };
  for (const [n, lines] of others(s, l)) scripts[n] = lines.join(' && ');
  const pkg = { name: s.app, version: '1.0.0', private: true, scripts };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function render(spec: RepoSpec): RenderedRepo {
  const s = runnerView(spec);
  const l = layout(s);
  const a = s.app;
  const files: RepoFile[] = [
    { path: 'main.go', content: mainGo(a), mode: 0o644 },
    ...(s.extraction === 'stock-build' ? [] : [{ path: s.builderFile, content: builderDockerfile(s, l), mode: 0o644 }]),
    { path: 'Dockerfile', content: runtimeDockerfile(s, l), mode: 0o644 },
    { path: 'NOTICE', content: `${a} is a fuzzer-made example.\n`, mode: 0o644 },
  ];
  if (s.ignoreFile === 'docs') files.push({ path: '.dockerignore', content: '*.md\nrelease/\n', mode: 0o644 }, { path: 'README.md', content: `# ${a}\n`, mode: 0o644 });
  if (s.ignoreFile === 'maps') files.push({ path: '.dockerignore', content: '**/*.map\n', mode: 0o644 });
  const allowlist = df.allowlistIgnore(s, l.hostPath.split('/')[0]!);
  if (allowlist !== null) files.push({ path: '.dockerignore', content: allowlist, mode: 0o644 });
  if (s.sourceEdit === 'unknown') files.push({ path: 'stamp-source.sh', content: `#!/bin/sh\nset -e\n# Marks the sources as built.\necho "// stamped after the builder build" >> main.go\n`, mode: 0o755 });
  if (s.tagUse === 'script') files.push({ path: 'check-builder.sh', content: `#!/bin/sh\nset -e\n# The builder image the pipeline leaves behind.\ndocker image inspect ${l.builderTag} > /dev/null\n`, mode: 0o755 });
  if (s.tagUse === 'dockerfile') files.push({ path: 'Dockerfile.check', content: `FROM ${l.builderTag}\nLABEL org.example.checked=true\n`, mode: 0o644 });
  if (s.secondConsumer) files.push({ path: 'Dockerfile.debug', content: `FROM busybox:latest\n${copyLine('', l.hostPath, `/debug/${a}`)}\n`, mode: 0o644 });
  const second = secondSetup(s, '$');
  if (second) files.push(...second.files);
  const steps = stepsFile(s, runTimeCommand(l));
  if (steps) files.push(steps);
  const cached = cachedCopy(s);
  if (cached) files.push(cached);
  files.push(...readerFiles(s, l.hostProgram, q(l.hostProgram)), ...logFiles(s), ...rebuildFiles(s));
  const finalTags = [finalImageTag(s), ...(s.secondConsumer ? [`${a}:debug`] : []), ...(second ? [second.finalTag] : []), ...imageFinalTags(s)];
  const top = l.hostPath.split('/')[0]!;
  const extra = df.extraArtifact(s);
  const reached = (s.hostReach ?? 'none') !== 'none';
  // (a sibling target reads, writes or removes what the image target left: it is no by-product)
  // (a later build of the runtime Dockerfile reads the artifact only before the migration: after it, what is left is a by-product; fuzz seed 100021)
  // (the extracted file, once copied into place, is a by-product: ./place-features.ts)
  const scratchPaths = [...(s.hostUse === 'none' && s.splitList === 'none' && !reached && s.sibling === 'none' && !keepsArtifact(s) ? [top] : []), ...(extra ? [extra.host] : []), ...(l.landed ? [l.landed] : [])];
  // (a log's or an image file's bytes are the engine's: ids and times, never the same twice; what reads them fails without them)
  const log = logFile(s);
  scratchPaths.push(...(log ? [log] : []), ...imageScratch(s));
  if (s.runner !== 'script') return withRunner(s, l, files, finalTags, scratchPaths);
  let entry: PipelineEntry;
  // (a shell script may run the Makefile's or package.json's image target: ./caller-features.ts)
  const caller = toolCallerOf(s);
  if (caller) files.push(caller.file);
  if (s.driver === 'make') {
    files.push({ path: 'Makefile', content: makefile(s, l), mode: 0o644 });
    entry = caller?.entry ?? { kind: 'make', target: 'image' };
  } else if (s.driver === 'npm') {
    files.push({ path: 'package.json', content: packageJson(s, l), mode: 0o644 });
    entry = caller?.entry ?? { kind: 'npm', script: 'image' };
  } else {
    const script = s.inScriptsDir ? 'scripts/build.sh' : 'build.sh';
    files.push({ path: script, content: shellScript(s, l), mode: 0o755 });
    const { moved } = commands(s, l, '$');
    const lib = sourcedFile(s, moved.trap, moved.removal);
    if (lib) files.push(lib);
    entry = { kind: 'script', script };
    if (s.hostReach === 'caller' || s.logReader === 'caller') {
      // A caller runs the build, then the binary it left behind, or reads the log it wrote (./log-features.ts).
      // (with the shell the script is written for: a bash script's `set -o pipefail` is no sh option; CI's fuzz seed 21)
      const then = [...(s.hostReach === 'caller' ? [hostReachCommand(s, l)!] : []), ...logReadInCaller(s)];
      files.push({ path: 'ci.sh', content: `#!/bin/sh\nset -e\n${s.driver === 'bash' ? 'bash' : 'sh'} ${script}\n${then.map((x) => `${x}\n`).join('')}`, mode: 0o755 });
      entry = { kind: 'script', script: 'ci.sh' };
    }
  }
  const script = entry.kind === 'script' && !caller ? (s.inScriptsDir ? 'scripts/build.sh' : 'build.sh') : null;
  const refusal = mustRefuse(s);
  const refuse = rebuildRefusal(s) ?? sinkRefusal(s) ?? sourcedRefusal(s);
  // (the later steps of ./log-features.ts and ./image-features.ts read what the build left: before a sibling may remove it)
  const later = [...readerEntries(s), ...logEntries(s), ...rebuildEntries(s), ...laterEntries(s, script)];
  return { files, entry, finalTags, scratchPaths, later, ...(refusal ? { mustRefuse: refusal, ...(second ? { mustRefuseOne: true as const } : {}) } : {}), ...(refuse ? { refuseWith: refuse } : {}) };
}

/** The repository run by a CI job or a JS script (./render-ci.ts, ./render-js.ts); with `ciWorkdir` its own files move to svc/. */
function withRunner(s: RepoSpec, l: Layout, own: RepoFile[], finalTags: string[], scratch: string[]): RenderedRepo {
  const folder = ciFolder(s);
  const inFolder = (p: string) => (folder ? `${folder}/${p}` : p);
  const c = commands(s, l, '$');
  const run = flavouredCi(s, c, groups(s, c), folder) ?? (s.runner === 'github' ? githubWorkflow(s, c) : s.runner === 'gitlab' ? gitlabCi(s, c) : jsScript(s, c));
  const files = [...own.map((f) => ({ ...f, path: inFolder(f.path) })), ...run.files];
  const refusal = mustRefuse(s);
  const refuse = rebuildRefusal(s) ?? sinkRefusal(s);
  return { files, entry: run.entry, finalTags, scratchPaths: scratch.map(inFolder), later: [], ...(refusal ? { mustRefuse: refusal } : {}), ...(refuse ? { refuseWith: refuse } : {}) };
}

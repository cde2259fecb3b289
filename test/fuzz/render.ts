/**
 * A RepoSpec (./grammar.ts) written out as a small repository: a fake Go program, a builder
 * Dockerfile whose "build" is the go stand-in of the e2e base images writing a shell script, a
 * runtime Dockerfile, and the driver (sh/bash script, Makefile or package.json) that runs the
 * builder pattern. Pure: the same spec gives the same files.
 */
import { runTimeBuild, type RepoSpec } from './grammar.js';

export interface RepoFile {
  path: string;
  content: string;
  mode: number;
}

export type PipelineEntry = { kind: 'script'; script: string } | { kind: 'make'; target: string } | { kind: 'npm'; script: string };

export interface RenderedRepo {
  files: RepoFile[];
  /** How the old (and migrated) pipeline is started. */
  entry: PipelineEntry;
  /** Tags whose final images the old and migrated pipelines must build identically. */
  finalTags: string[];
  /** Host paths the old run may leave behind that nothing uses afterwards (extraction by-products). */
  scratchPaths: string[];
}

interface Layout {
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
  /** The extracted program on the host (what post-processing and checksums touch). */
  hostProgram: string;
}

function layout(s: RepoSpec): Layout {
  const a = s.app;
  const builderTag = s.builderTag === 'colon' ? `${a}:build` : `${a}-builder`;
  const container = s.extraction === 'run-name' ? `${a}-compile` : `${a}-extract`;
  const folder = s.artifact === 'folder';
  const containerPath = folder ? '/out' : `/out/${a}`;
  switch (s.extraction) {
    case 'volume-cp':
    case 'mount-build':
      return { builderTag, container, containerPath, hostPath: folder ? 'out' : `out/${a}`, cpDest: 'out', destDir: 'out', hostProgram: folder ? `out/bin/${a}` : `out/${a}` };
    case 'tar-pipe':
      return { builderTag, container, containerPath, hostPath: 'build', cpDest: 'build/', destDir: 'build', hostProgram: `build/bin/${a}` };
    default:
      break;
  }
  if (folder) {
    // `docker cp x:/out .` keeps the folder's name; `docker cp x:/out ./dist` renames it
    const host = s.dest === 'rename' ? 'dist' : 'out';
    return { builderTag, container, containerPath, hostPath: host, cpDest: s.dest === 'rename' ? './dist' : '.', destDir: s.rmMkdirDest ? host : null, hostProgram: `${host}/bin/${a}` };
  }
  if (s.dest === 'bin-dir') return { builderTag, container, containerPath, hostPath: `bin/${a}`, cpDest: s.extraction === 'cat-redirect' ? `bin/${a}` : 'bin', destDir: 'bin', hostProgram: `bin/${a}` };
  const host = s.dest === 'rename' ? `${a}-linux` : a;
  return { builderTag, container, containerPath, hostPath: host, cpDest: `./${host}`, destDir: null, hostProgram: host };
}

function mainGo(a: string): string {
  return `// Command ${a} is a tiny program for the builder-pattern fuzzer.\npackage main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("${a}: ok")\n}\n`;
}

function builderDockerfile(s: RepoSpec, l: Layout): string {
  const a = s.app;
  const lines: string[] = [`# Builds ${a} (the toolchain image of the builder pattern).`];
  if (s.argBeforeFrom) lines.push('ARG GO_VERSION=1.21');
  if (s.globalArgInRuntime) lines.push('ARG FLAVOR=fancy');
  lines.push(s.argBeforeFrom ? 'FROM golang:${GO_VERSION}' : 'FROM golang:1.21');
  if (s.argAfterFrom) lines.push('ARG BUILD_MODE=release', 'RUN echo "mode=${BUILD_MODE}" > /etc/build-mode');
  lines.push(`WORKDIR ${s.builderWorkdir}`, 'COPY main.go .');
  if (s.builderUser) lines.push('RUN mkdir -p /out && chown 65534:65534 /out', 'USER 65534');
  const build: string[] = [];
  if (runTimeBuild(s.extraction)) {
    if (s.builderJsonCmd) build.push(`CMD ["sh", "-c", "go build -o /out/${a} . && echo built ${a}"]`);
  } else if (s.artifact === 'folder') {
    let run = `RUN go build -o /out/bin/${a} . && mkdir -p /out/share && echo "${a} assets" > /out/share/${a}.txt && echo "{}" > /out/share/${a}.js.map`;
    if (s.archiveAdd) run += ` && mkdir -p /tmp/assets && echo "${a} data" > /tmp/assets/${a}.dat && tar -C /tmp -cf /out/${a}-assets assets`;
    build.push(run);
    if (s.fileMode !== 'default') build.push(`RUN chmod ${s.fileMode} /out/bin/${a}`);
  } else {
    build.push(`RUN go build -o ${l.containerPath} .`);
    if (s.fileMode !== 'default') build.push(`RUN chmod ${s.fileMode} ${l.containerPath}`);
  }
  if (s.trailingBackslash && build.length > 0) build[build.length - 1] += ' \\\n    # end of the build';
  lines.push(...build);
  return `${lines.join('\n')}\n`;
}

/** Where the runtime image keeps the program, and the COPY lines that put the artifact there. */
function runtimeDockerfile(s: RepoSpec, l: Layout): string {
  const a = s.app;
  const lines: string[] = [];
  if (s.stageCapture) lines.push('FROM busybox:latest AS builder', `RUN echo "${a} config" > /${a}.conf`, '');
  lines.push(`FROM ${s.runtimeBase}`);
  if (s.stageCapture) lines.push(`COPY --from=builder /${a}.conf /etc/${a}.conf`);
  if (s.globalArgInRuntime) lines.push('ARG FLAVOR', `RUN echo "flavor=\${FLAVOR}" > /etc/${a}.flavor`);
  if (s.dockerfileEdit) lines.push(`ENV ${a.toUpperCase()}_CHANNEL=stable`);
  if (s.runtimeWorkdir) lines.push('WORKDIR /app');
  const chown = s.runtimeChown ? '--chown=65534:65534 ' : '';
  let program: string;
  if (s.artifact === 'folder') {
    const dest = s.runtimeWorkdir ? './' : `/opt/${a}/`;
    lines.push(`COPY ${chown}${l.hostPath}/ ${dest}`);
    if (s.archiveAdd) lines.push(`ADD ${l.hostPath}/${a}-assets /opt/${a}-data/`);
    program = s.runtimeWorkdir ? `/app/bin/${a}` : `/opt/${a}/bin/${a}`;
  } else {
    const dest = s.runtimeWorkdir ? `./${a}` : `/usr/local/bin/${a}`;
    lines.push(`COPY ${chown}${l.hostPath} ${dest}`);
    program = s.runtimeWorkdir ? `/app/${a}` : `/usr/local/bin/${a}`;
  }
  if (s.runtimeUser) lines.push('USER 65534');
  lines.push(s.runtimeCmdSpaces ? `CMD ["${program}", "--greeting", "hello world"]` : `CMD ["${program}"]`);
  return `${lines.join('\n')}\n`;
}

/** The pipeline's commands, one shell line each (the driver decides how they are joined). */
function commands(s: RepoSpec, l: Layout, dollar: string): string[] {
  const a = s.app;
  const out: string[] = [];
  const q = (x: string) => x; // paths here never need quoting
  if (s.echo) out.push(`echo "==> building ${a}"`);
  out.push(`docker build ${s.label ? '--label org.example.role=builder ' : ''}-t ${l.builderTag} -f ${s.builderFile} .`);
  if (l.destDir) out.push(s.rmMkdirDest ? `rm -rf ${l.destDir} && mkdir -p ${l.destDir}` : `mkdir -p ${l.destDir}`);
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
  const copyInTarget = s.artifact === 'folder' ? '/out/share/NOTICE' : '/out/NOTICE';
  switch (s.extraction) {
    case 'create-cp':
    case 'run-name': {
      const c = l.container;
      if (s.trapCleanup) out.push(`trap 'docker rm -f ${c} >/dev/null 2>&1 || true' EXIT`);
      if (s.extraction === 'create-cp') out.push(`docker create --name ${c} ${l.builderTag}`);
      else out.push(`docker run --name ${c} -e CGO_ENABLED=0 ${l.builderTag}${s.builderJsonCmd ? '' : ` go build -o ${l.containerPath} .`}`);
      if (s.copyIn) out.push(`docker cp NOTICE ${c}:${copyInTarget}`);
      out.push(wrap(`docker cp ${c}:${l.containerPath} ${l.cpDest}`));
      if (s.inspectAfter) out.push(`docker inspect ${c} > /dev/null`);
      if (!s.trapCleanup) out.push(`docker rm ${c}`);
      break;
    }
    case 'id-var': {
      out.push(`id=$(docker create ${l.builderTag})`);
      if (s.trapCleanup) out.push(`trap 'docker rm -f "$id" >/dev/null 2>&1 || true' EXIT`);
      if (s.copyIn) out.push(`docker cp NOTICE "$id":${copyInTarget}`);
      const cp = `docker cp "$id":${l.containerPath} ${l.cpDest}`;
      out.push(wrap(s.guardedCp ? `[ -n "$id" ] && ${cp}` : cp));
      if (s.inspectAfter) out.push(`docker inspect "$id" > /dev/null`);
      if (!s.trapCleanup) out.push(`docker rm -v "$id"`);
      break;
    }
    case 'inline-create':
      out.push(wrap(`docker cp $(docker create ${l.builderTag}):${l.containerPath} ${l.cpDest}`));
      break;
    case 'cat-redirect':
      out.push(`docker run --rm ${l.builderTag} cat ${l.containerPath} > ${q(l.hostPath)}`);
      out.push(`chmod ${s.fileMode === 'default' ? '+x' : s.fileMode} ${l.hostPath}`);
      break;
    case 'volume-cp':
      out.push(`docker run --rm -v "${dollar}PWD/out:/export" ${l.builderTag} ${s.artifact === 'folder' ? 'cp -r /out/. /export/' : `cp ${l.containerPath} /export/`}`);
      break;
    case 'mount-build':
      out.push(`docker run --rm -v "${dollar}PWD/out:/out" -e CGO_ENABLED=0 ${l.builderTag} go build -o ${l.containerPath} .`);
      break;
    case 'tar-pipe':
      out.push(`docker run --rm ${l.builderTag} tar -C /out -c . | tar -x -C build/`);
      break;
  }
  switch (s.postProcess) {
    case 'chmod':
      out.push(`chmod 0700 ${l.hostProgram}`);
      break;
    case 'sed':
      out.push(`sed -i 's/Fake program/Stamped program/' ${l.hostProgram}`);
      break;
    case 'append':
      out.push(`echo "# stamped" >> ${l.hostProgram}`);
      break;
    default:
      break;
  }
  if (s.dockerfileEdit) out.push(`sed -i 's/${a.toUpperCase()}_CHANNEL=stable/${a.toUpperCase()}_CHANNEL=edge/' Dockerfile`);
  out.push(`docker build -t ${a}:latest .`);
  if (s.secondConsumer) out.push(`docker build -t ${a}:debug -f Dockerfile.debug .`);
  if (s.hostUse === 'checksum') out.push(`sha256sum ${l.hostProgram} > ${a}.sha256`);
  if (s.hostUse === 'release') out.push(`mkdir -p release && cp ${l.hostProgram} release/`);
  if (s.cleanup) out.push(l.hostPath.includes('/') || s.artifact === 'folder' ? `rm -rf ${l.hostPath.split('/')[0]}` : `rm -f ${l.hostPath}`);
  return out;
}

function shellScript(s: RepoSpec, l: Layout): string {
  const head = [s.driver === 'bash' ? '#!/usr/bin/env bash' : '#!/bin/sh', `set -${s.shellOpts === 'euo' ? 'euo pipefail' : s.shellOpts}`];
  if (s.inScriptsDir) head.push('cd "$(dirname "$0")/.."');
  return `${[...head, '', ...commands(s, l, '$')].join('\n')}\n`;
}

function makefile(s: RepoSpec, l: Layout): string {
  return `.PHONY: image\n\n# Builds the ${s.app} image through a builder image.\nimage:\n${commands(s, l, '$$').map((c) => `\t${c.replace(/\$\(/g, '$$(')}`).join('\n')}\n`;
}

function packageJson(s: RepoSpec, l: Layout): string {
  const pkg = { name: s.app, version: '1.0.0', private: true, scripts: { image: commands(s, l, '$').join(' && ') } };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function render(s: RepoSpec): RenderedRepo {
  const l = layout(s);
  const a = s.app;
  const files: RepoFile[] = [
    { path: 'main.go', content: mainGo(a), mode: 0o644 },
    { path: s.builderFile, content: builderDockerfile(s, l), mode: 0o644 },
    { path: 'Dockerfile', content: runtimeDockerfile(s, l), mode: 0o644 },
    { path: 'NOTICE', content: `${a} is a fuzzer-made example.\n`, mode: 0o644 },
  ];
  if (s.ignoreFile === 'docs') files.push({ path: '.dockerignore', content: '*.md\nrelease/\n', mode: 0o644 }, { path: 'README.md', content: `# ${a}\n`, mode: 0o644 });
  if (s.ignoreFile === 'maps') files.push({ path: '.dockerignore', content: '**/*.map\n', mode: 0o644 });
  if (s.secondConsumer) files.push({ path: 'Dockerfile.debug', content: `FROM busybox:latest\nCOPY ${l.hostPath} /debug/${a}\n`, mode: 0o644 });
  let entry: PipelineEntry;
  if (s.driver === 'make') {
    files.push({ path: 'Makefile', content: makefile(s, l), mode: 0o644 });
    entry = { kind: 'make', target: 'image' };
  } else if (s.driver === 'npm') {
    files.push({ path: 'package.json', content: packageJson(s, l), mode: 0o644 });
    entry = { kind: 'npm', script: 'image' };
  } else {
    const script = s.inScriptsDir ? 'scripts/build.sh' : 'build.sh';
    files.push({ path: script, content: shellScript(s, l), mode: 0o755 });
    entry = { kind: 'script', script };
  }
  const finalTags = [`${a}:latest`, ...(s.secondConsumer ? [`${a}:debug`] : [])];
  const top = l.hostPath.split('/')[0]!;
  const scratchPaths = s.hostUse === 'none' ? [top] : [];
  return { files, entry, finalTags, scratchPaths };
}

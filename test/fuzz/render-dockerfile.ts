/**
 * The Dockerfile shapes of ./dockerfile-features.ts written out: the pieces ./render.ts puts
 * into the builder and runtime Dockerfiles, the script and the ignore file. Each function gives
 * nothing (or its input unchanged) when its feature is plain, so a plain spec renders exactly as
 * before these shapes existed.
 */
import type { RepoSpec } from './grammar.js';
import { builderDeclaresOutDir } from './out-arg-features.js';
import { readsNotice } from './copy-arg-features.js';

/** Parser directive lines that open the builder file. */
export function builderDirectives(s: RepoSpec): string[] {
  if (s.dfDirective === 'syntax-builder') return ['# syntax=docker/dockerfile:1'];
  if (s.dfDirective === 'escape-builder') return ['# escape=`'];
  return [];
}

/** Comment lines right after the builder's first comment (a directive there is only a comment). */
export function builderAfterComment(s: RepoSpec): string[] {
  return s.dfDirective === 'not-a-directive' ? ['# escape=`'] : [];
}

/** The builder's FROM line, with the stages in front of it or the name it gets. */
export function builderFrom(s: RepoSpec, from: string): string[] {
  // `ENTRYPOINT ["cat"]` goes in the first stage: a stage started FROM it inherits it.
  const cat = s.dfBuilderEntry === 'entrypoint-cat' ? ['ENTRYPOINT ["cat"]'] : [];
  const deps = (name: string) => [`${from} AS ${name}`, `RUN mkdir -p /go/pkg && echo "dependencies of ${s.app}" > /go/pkg/deps.txt`, ...cat, `FROM ${name}`];
  if (s.dfStages === 'builder-deps') return deps('deps');
  if (s.dfStages === 'builder-deps-builder') return deps('builder');
  if (s.dfStages === 'builder-named') return [`${from} AS build`, ...cat];
  return [from, ...cat];
}

/**
 * The builder's stage of the name both files use (dfSharedStage), in front of its FROM, and
 * the FROM the builder then starts with (`FROM tools` when its build stage starts from it).
 */
export function builderSharedStage(s: RepoSpec, from: string): { lines: string[]; from: string } {
  const text = `RUN echo "builder tools of ${s.app}" > /tools.txt`;
  if (s.dfSharedStage === 'copy' || s.dfSharedStage === 'case') return { lines: ['FROM busybox:latest AS tools', text, ''], from };
  if (s.dfSharedStage === 'from') return { lines: [`${from} AS tools`, text], from: 'FROM tools' };
  return { lines: [], from };
}

/** The builder's FROM lines with its build stage (the last FROM) named `tools` when it is the shared name. */
export function builderBuildStage(s: RepoSpec, lines: string[]): string[] {
  if (s.dfSharedStage !== 'target') return lines;
  const last = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
  return lines.map((l, i) => (i === last ? `${l} AS tools` : l));
}

/** The builder's lines after its build: a later stage, so that the build needs `--target tools`. */
export function builderTail(s: RepoSpec): string[] {
  return s.dfSharedStage === 'target' ? ['', 'FROM tools AS verify', 'RUN echo "verified" > /verified.txt'] : [];
}

/** The builder build's --target of the shared stage name. */
export const builderTarget = (s: RepoSpec) => (s.dfSharedStage === 'target' ? '--target tools ' : '');

/** Lines after the builder's FROM (and its ARG): a SHELL, its own tools checked, the output folder in an ARG or ENV. */
export function builderPrelude(s: RepoSpec): string[] {
  const out: string[] = [];
  if (s.dfShell === 'builder') out.push('SHELL ["/bin/sh", "-ec"]');
  if (s.dfSharedStage === 'copy' || s.dfSharedStage === 'case') out.push('COPY --from=tools /tools.txt /tools.txt');
  if (s.dfSharedStage === 'copy' || s.dfSharedStage === 'case' || s.dfSharedStage === 'from') out.push(`RUN grep -qx "builder tools of ${s.app}" /tools.txt`);
  if (builderDeclaresOutDir(s)) out.push('ARG OUT_DIR=/out');
  if (s.dfPaths === 'builder-env') out.push('ENV OUT_DIR=/out');
  return out;
}

/** The builder's WORKDIR, in one line or relative to an earlier one. */
export function builderWorkdir(s: RepoSpec): string[] {
  if (s.dfPaths !== 'relative-workdir') return [`WORKDIR ${s.builderWorkdir}`];
  return s.builderWorkdir === '/src' ? ['WORKDIR /', 'WORKDIR src'] : ['WORKDIR /go', 'WORKDIR src/app'];
}

/** The builder's own command for cmd-cat, which prints the artifact at `path`. */
export function builderCatCommand(s: RepoSpec, path: string): string {
  if (s.dfBuilderEntry === 'entrypoint-cat') return `CMD ["${path}"]`;
  if (s.dfBuilderEntry === 'entrypoint-shell') return `ENTRYPOINT cat ${path}`;
  if (s.dfBuilderEntry === 'cmd-sh-c') return `CMD ["sh", "-c", "cat ${path}"]`;
  return `CMD ["cat", "${path}"]`;
}

/** Escape characters: the builder's and the runtime's. */
const builderEscape = (s: RepoSpec) => (s.dfDirective === 'escape-builder' ? '`' : '\\');

/** Builder lines after `COPY main.go .`: a continued RUN (with an escape shape), the second artifact. */
export function builderExtras(s: RepoSpec): string[] {
  const a = s.app;
  const out: string[] = [];
  if (s.dfDirective === 'escape-builder' || s.dfDirective === 'escape-runtime' || s.dfDirective === 'not-a-directive') {
    out.push(`RUN mkdir -p /etc/${a} ${builderEscape(s)}\n    && echo "${a} builder" > /etc/${a}/builder.txt`);
  }
  if (s.dfExtra === 'second-file') out.push(`RUN mkdir -p /srv && echo "port=8080" > /srv/${a}.conf`);
  if (s.dfExtra === 'second-folder') out.push(`RUN mkdir -p /srv/${a}-static && echo "<h1>${a}</h1>" > /srv/${a}-static/index.html`);
  return out;
}

/** A builder RUN line with its output folder read through the ARG or ENV. */
export function builderRun(s: RepoSpec, line: string): string {
  if ((!builderDeclaresOutDir(s) && s.dfPaths !== 'builder-env') || !line.startsWith('RUN ')) return line;
  return line.replace(/\/out\b/g, '${OUT_DIR}');
}

/** The second artifact: where it is in the builder, where it lands on the host, how the runtime copies it. */
export function extraArtifact(s: RepoSpec): { containerPath: string; host: string; copy: (chown: string) => string } | null {
  const a = s.app;
  if (s.dfExtra === 'second-file') return { containerPath: `/srv/${a}.conf`, host: `${a}.conf`, copy: (chown) => `COPY ${chown}${a}.conf /etc/${a}.conf` };
  if (s.dfExtra === 'second-folder') return { containerPath: `/srv/${a}-static`, host: `${a}-static`, copy: (chown) => `COPY ${chown}${a}-static/ /srv/www/` };
  return null;
}

/** The runtime's first lines: its directive. */
export function runtimeDirectives(s: RepoSpec): string[] {
  return s.dfDirective === 'escape-runtime' ? ['# escape=`'] : [];
}

/**
 * The runtime's FROM, with a base stage in front (`base`), and where the final stage starts
 * when the artifact is copied in the base stage (`split`, after the COPY lines).
 */
export function runtimeFrom(s: RepoSpec, base: string): { from: string[]; split: string[] } {
  const a = s.app;
  const shell = s.dfShell === 'runtime' ? ['SHELL ["/bin/sh", "-ec"]', `RUN mkdir -p /var/lib/${a} && echo "${a}" > /var/lib/${a}/name`] : [];
  if (s.dfStages === 'runtime-base') return { from: [`FROM ${base} AS base`, `RUN mkdir -p /etc/${a} && echo "${a} base" > /etc/${a}/base.txt`, 'FROM base', ...shell], split: [] };
  if (s.dfStages === 'runtime-copy-in-base') return { from: [`FROM ${base} AS base`, ...shell], split: ['FROM base'] };
  return { from: [`FROM ${base}`, ...shell], split: [] };
}

/**
 * The runtime's stage of the name both files use (dfSharedStage), in front of its stages, and
 * the base its stages then start from (`tools` when its final stage starts from it).
 */
export function runtimeSharedStage(s: RepoSpec, base: string): { lines: string[]; base: string } {
  const text = `RUN echo "runtime tools of ${s.app}" > /tools.txt`;
  if (s.dfSharedStage === 'copy' || s.dfSharedStage === 'target') return { lines: ['FROM busybox:latest AS tools', text, ''], base };
  if (s.dfSharedStage === 'case') return { lines: ['FROM busybox:latest AS Tools', text, ''], base };
  if (s.dfSharedStage === 'from') return { lines: [`FROM ${base} AS tools`, text, ''], base: 'tools' };
  return { lines: [], base };
}

/** The runtime's COPY of its own tools (the shared stage name), at the top of its stages. */
export function runtimeSharedCopy(s: RepoSpec): string[] {
  if (s.dfSharedStage === 'copy' || s.dfSharedStage === 'target') return [`COPY --from=tools /tools.txt /etc/${s.app}-tools.txt`];
  if (s.dfSharedStage === 'case') return [`COPY --from=Tools /tools.txt /etc/${s.app}-tools.txt`];
  return [];
}

/** Runtime lines before the artifact's COPY: the ARG its --chown reads, the ENV its destination reads. */
export function runtimeBeforeCopy(s: RepoSpec, home: string): string[] {
  const out: string[] = [];
  if (s.dfCopyFlag === 'chown-arg') out.push('ARG APP_UID=65534');
  if (s.dfPaths === 'runtime-env') out.push(`ENV APP_HOME=${home}`);
  return out;
}

/** The runtime folder `dir` as the COPY destination (or WORKDIR) writes it. */
export const runtimeDir = (s: RepoSpec, dir: string) => (s.dfPaths === 'runtime-env' ? '${APP_HOME}' : dir);

/** Flags on the runtime COPY of the artifact. */
export function artifactCopyFlags(s: RepoSpec, chown: string): string {
  if (s.dfCopyFlag === 'chmod') return `${chown}--chmod=0755 `;
  if (s.dfCopyFlag === 'chown-arg') return '--chown=${APP_UID}:${APP_UID} ';
  return chown;
}

/** Runtime lines after the COPY lines, before USER and CMD: a continued RUN, image metadata. */
export function runtimeMeta(s: RepoSpec, program: string): string[] {
  const a = s.app;
  const out: string[] = [];
  if (s.dfDirective === 'escape-runtime') out.push(`RUN mkdir -p /var/lib/${a} \`\n    && echo ready > /var/lib/${a}/ready`);
  switch (s.dfRuntimeMeta) {
    case 'entrypoint-exec':
      out.push(`ENTRYPOINT ["${program}"]`);
      break;
    case 'entrypoint-shell':
      out.push(`ENTRYPOINT exec ${program}`);
      break;
    case 'healthcheck':
      out.push(`HEALTHCHECK --interval=30s --timeout=3s CMD ["${program}", "--health"]`);
      break;
    case 'expose-stopsignal':
      out.push('EXPOSE 8080/tcp', 'STOPSIGNAL SIGTERM');
      break;
    case 'volume-onbuild':
      out.push(`VOLUME ["/var/lib/${a}"]`, `ONBUILD RUN echo "built from ${a}"`);
      break;
    default:
      break;
  }
  return out;
}

/** The runtime's CMD: the arguments alone under an exec-form ENTRYPOINT. */
export const runtimeCmd = (s: RepoSpec, cmd: string) => (s.dfRuntimeMeta === 'entrypoint-exec' ? 'CMD ["--verbose"]' : cmd);

/** An allowlist .dockerignore naming what the builds read. */
export function allowlistIgnore(s: RepoSpec, hostTop: string): string | null {
  if (s.dfIgnore !== 'allowlist') return null;
  const extra = extraArtifact(s);
  return ['# Only what the builds read.', '*', '!main.go', `!${hostTop}`, ...(extra ? [`!${extra.host}`] : []), ...(readsNotice(s) ? ['!NOTICE'] : [])].join('\n') + '\n';
}

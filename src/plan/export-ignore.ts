/**
 * An export build writes the files the host still needs where the extraction wrote them, and it
 * runs before the final build. When that is inside the final build's context and the builder
 * stage reads it (`COPY . /src`, a bind mount of the context), the final build's builder stage
 * has other input than the export build's had: it does not reuse that compile but compiles
 * again, with the artifact among its sources (seen on podman), and a compile that is not
 * byte-for-byte reproducible leaves the host one file and the image another, where the old
 * pipeline compiled once, on a context without the artifact.
 *
 * The mechanical fix: leave the exported paths out of the merged Dockerfile's context with an
 * ignore file of its own, `<Dockerfile>.dockerignore` (BuildKit and podman read it instead of
 * the context's `.dockerignore`; the legacy builder cannot build an export stage at all, see
 * build-flags.ts). The merged runtime stage takes the artifact from the builder stage, not from
 * the context, so only the builder stage's view changes, back to what the old builder saw. A
 * new file starts with the context's `.dockerignore`, which it replaces for this Dockerfile,
 * and leaves itself out too (the old builder never saw it).
 *
 * Refused (`ARTIFACT_USED_ON_HOST`): an exported path the repository already holds (the old
 * builder read that file; left out, it would not, and read, the export overwrites it first), or
 * one that an ignore rule cannot name exactly (a glob character, `#`, `!`, spaces at an end).
 */
import path from 'node:path/posix';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { globToRegExp } from '../model/glob.js';
import type { BuildStep, Setup } from '../model/setup.js';
import { builderReads } from './builder-inputs.js';
import { effectiveIgnoreFile } from './build-inputs.js';

/** The ignore file to write: its text before (null: it is new), what the added rules follow, and the rules. */
export interface IgnoreWrite {
  path: string;
  before: string | null;
  base: string;
  /** The file's own path in the context, when it is new there (the old builds never saw it). */
  self: string | null;
  lines: string[];
}

export interface ExportIgnore {
  change: IgnoreWrite | null;
  diagnostics: Diagnostic[];
  notes: string[];
}

/** A path an ignore rule can name as written: no glob or escape character, no `#`/`!` start, no space at an end. */
const PLAIN = /^[^*?[\]\\\s#!][^*?[\]\\]*(?<!\s)$/;

export function exportIgnore(setup: Setup, runtime: BuildStep, dockerfiles: ReadonlyMap<string, DockerfileFacts | null>, fs: RepoFs): ExportIgnore {
  const out: ExportIgnore = { change: null, diagnostics: [], notes: [] };
  const context = runtime.context;
  if (context === null || runtime.dockerfile === null) return out;
  const reads = builderReads(setup, dockerfiles);
  // (A rule of the runtime build's ignore file cannot already leave the file out: the old runtime build read it from there, src/plan/artifact-ignore.ts.)
  const current = effectiveIgnoreFile(runtime, fs);
  const at = { file: setup.script, line: setup.extraction[setup.extraction.length - 1]?.line ?? setup.builder.inv.cmd.line, setup: setup.id };
  const left: string[] = [];
  /** Why the builder reads the first file left out, for the note. */
  let readWhy = '';
  for (const a of setup.artifacts) {
    if (!a.hostNeeded) continue;
    const rel = context === '' ? a.hostPath : a.hostPath.startsWith(`${context}/`) ? a.hostPath.slice(context.length + 1) : null;
    if (rel === null) continue;
    const read = reads.find((r) => covers(r.path, a.hostPath));
    if (!read) continue;
    if (fs.kind(a.hostPath) !== null) {
      out.diagnostics.push(diag('ARTIFACT_USED_ON_HOST', 'error', `${a.hostPath} is still needed on the host, so an export build writes it before the final build runs, and the repository already holds it where the builder reads it (${read.why}; a file left by an earlier run counts too): the final build's builder stage would read the exported file instead of the repository's and compile again, where the old pipeline compiled once`, { ...at, hint: `Delete ${a.hostPath} if an earlier run left it, or stop keeping it in the repository (or extract it elsewhere), then run the tool again; or migrate by hand.` }));
      continue;
    }
    if (!PLAIN.test(rel)) {
      out.diagnostics.push(diag('ARTIFACT_USED_ON_HOST', 'error', `${a.hostPath} is still needed on the host, so an export build writes it into the final build's context before that build runs, where the builder reads it (${read.why}); the tool leaves such a path out of the context with an ignore rule, and \`${rel}\` cannot be written as one exactly (a glob or escape character, a leading \`#\` or \`!\`, or spaces at an end)`, { ...at, hint: 'Extract the file to a plainer path, then run the tool again; or migrate by hand.' }));
      continue;
    }
    if (left.length === 0) readWhy = read.why;
    left.push(rel);
  }
  if (left.length === 0 || out.diagnostics.length > 0) return out;
  const own = `${runtime.dockerfile}.dockerignore`;
  const ownText = fs.kind(own) === 'file' ? (fs.readText(own) ?? '') : null;
  let self: string | null = null;
  let before: string;
  if (ownText !== null) before = ownText;
  else {
    const ctxFile = current ?? null;
    before = ctxFile ? `# ${path.basename(own)} replaces ${ctxFile} for ${path.basename(runtime.dockerfile)}: ${ctxFile}'s rules, then its own.\n${fs.readText(ctxFile) ?? ''}` : '';
    // The file itself is in the context when its Dockerfile is; the old builder never saw it.
    const inContext = context === '' ? own : own.startsWith(`${context}/`) ? own.slice(context.length + 1) : null;
    if (inContext !== null && PLAIN.test(inContext)) self = inContext;
  }
  out.change = { path: own, before: ownText, base: before, self, lines: left };
  out.notes.push(`${own}: ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} left out of the merged build's context: the export build writes ${left.length === 1 ? 'it' : 'them'} there before the final build, whose builder stage would otherwise read ${left.length === 1 ? 'it' : 'them'} (${readWhy}) and compile again instead of reusing the export build's compile${ownText === null && current ? `; the new file starts with ${current}'s rules, which it replaces for ${runtime.dockerfile}` : ''}`);
  return out;
}

/** The ignore file's text: its base, then the added rules under one comment. */
export function ignoreText(w: IgnoreWrite): string {
  const head = w.base === '' || w.base.endsWith('\n') ? w.base : `${w.base}\n`;
  const self = w.self === null ? '' : `# This file: the old builds never read it.\n${w.self}\n`;
  return `${head}${self}# The export build writes these before the final build, whose builder stage must not read them.\n${w.lines.map((l) => `${l}\n`).join('')}`;
}

/** Whether the builder's read of `read` (repository-relative, '' the root, maybe a glob) takes `file`: the path, a folder above it, or a pattern that may match either. */
function covers(read: string, file: string): boolean {
  const r = path.normalize(read || '.').replace(/^\/+|\/+$/g, '').replace(/^\.$/, '');
  if (r === '') return true;
  const parts = file.split('/');
  for (let k = 1; k <= parts.length; k++) {
    const prefix = parts.slice(0, k).join('/');
    if (r === prefix || (/[*?[]/.test(r) && globToRegExp(r).test(prefix))) return true;
  }
  return false;
}

/**
 * What reads the extracted artifact on the host after the build without the build's own
 * commands naming it (./grammar.ts): a program the tool does not model whose source holds the
 * path (`python3 tools/post.py`, `node tools/post.js`, a sourced `. ./tools/post.sh`), a script
 * in another folder the driver runs after the build (`deploy/upload.sh`, from the root or from
 * its folder), and the release steps a builder-pattern script ends with (`install -D -m 0755`
 * into a staging prefix, `mv` into a release folder, a reproducible tarball of what holds it);
 * and, before the runtime build, such a program reading or stamping it (which the tool must refuse).
 * Each leaves a file the trial compares (./run-seed.ts); with the artifact gone, the step fails.
 * Drawn from streams of their own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import type { PipelineEntry, RepoFile } from './render.js';

export const READER_FEATURES = {
  /** After the runtime build, the build runs a program that opens the artifact by a path written in its own source. */
  laterReader: ['none', 'python', 'node', 'sourced'],
  /** `deploy/upload.sh`, run after the build from the root (`sh deploy/upload.sh`) or from its folder (`cd deploy && sh upload.sh`), reads the artifact by a relative path. */
  remoteReader: ['none', 'root', 'cd'],
  /** After the runtime build: `install -D -m 0755` of the program into a staging prefix, `mv` of it into a release folder, or a tarball (times and owners pinned) of what holds it. */
  releaseStep: ['none', 'install', 'move', 'tarball'],
  /**
   * Between the extraction and the runtime build, a program the tool does not model, the path
   * only in its source: it reads the artifact (`python3 tools/check.py`: gone, it fails), or
   * stamps it (`node tools/stamp.js`, `python3 tools/stamp.py` append a line: the runtime image
   * holds the stamped file, which a `COPY --from` of the builder's would not).
   */
  preRuntimeTool: ['none', 'python-read', 'node-stamp', 'python-stamp'],
} as const;

/** The reader features as the rest of the spec allows (a spec stored before they existed reads them as `none`). */
export function normalizeReaders(s: RepoSpec): void {
  for (const k of Object.keys(READER_FEATURES) as (keyof typeof READER_FEATURES)[]) if (s[k] === undefined) (s as Record<string, unknown>)[k] = 'none';
  // a later entry of the driver: a CI job or a JS script is run as one entry here
  if (s.runner !== 'script') s.remoteReader = 'none';
  // a program moved away is not there for what reads it after the build: a caller running it, a sibling target, the remote reader
  if (s.releaseStep === 'move' && (s.hostReach === 'caller' || s.sibling !== 'none' || s.remoteReader !== 'none')) s.releaseStep = 'install';
}

/** What a reader writes: the program's checksum, in sha256sum's format. */
const out = (s: RepoSpec, what: string) => `${s.app}.${what}`;

/** The files the drawn readers need (`program`: the extracted program's path from the root, unquoted). */
export function readerFiles(s: RepoSpec, program: string, quoted: string): RepoFile[] {
  const files: RepoFile[] = [];
  const sum = out(s, 'post');
  const stamp = JSON.stringify('# stamped by tools/stamp\n');
  switch (s.preRuntimeTool) {
    case 'python-read':
      files.push({ path: 'tools/check.py', content: `"""Checks the program the build left before the image is built."""\nimport hashlib\n\nPROGRAM = ${JSON.stringify(program)}\n\nwith open(PROGRAM, "rb") as f:\n    digest = hashlib.sha256(f.read()).hexdigest()\nwith open(${JSON.stringify(out(s, 'pre'))}, "w") as f:\n    f.write(f"{digest}  {PROGRAM}\\n")\n`, mode: 0o644 });
      break;
    case 'node-stamp':
      files.push({ path: 'tools/stamp.js', content: `// Stamps the program the build left before the image is built.\nconst fs = require('node:fs');\n\nfs.appendFileSync(${JSON.stringify(program)}, ${stamp});\n`, mode: 0o644 });
      break;
    case 'python-stamp':
      files.push({ path: 'tools/stamp.py', content: `"""Stamps the program the build left before the image is built."""\n\nwith open(${JSON.stringify(program)}, "a") as f:\n    f.write(${stamp})\n`, mode: 0o644 });
      break;
    default:
      break;
  }
  switch (s.laterReader) {
    case 'python':
      files.push({ path: 'tools/post.py', content: `"""Records the checksum of the program the build left, for the release notes."""\nimport hashlib\n\nPROGRAM = ${JSON.stringify(program)}\n\nwith open(PROGRAM, "rb") as f:\n    digest = hashlib.sha256(f.read()).hexdigest()\nwith open(${JSON.stringify(sum)}, "w") as f:\n    f.write(f"{digest}  {PROGRAM}\\n")\n`, mode: 0o644 });
      break;
    case 'node':
      files.push({ path: 'tools/post.js', content: `// Records the checksum of the program the build left, for the release notes.\nconst crypto = require('node:crypto');\nconst fs = require('node:fs');\n\nconst program = ${JSON.stringify(program)};\nconst digest = crypto.createHash('sha256').update(fs.readFileSync(program)).digest('hex');\nfs.writeFileSync(${JSON.stringify(sum)}, \`\${digest}  \${program}\\n\`);\n`, mode: 0o644 });
      break;
    case 'sourced':
      // sourced: no shebang, no `set -e` of its own (the build's shell runs it)
      files.push({ path: 'tools/post.sh', content: `# Records the checksum of the program the build left, for the release notes.\nsha256sum ${quoted} > ${sum}\n`, mode: 0o644 });
      break;
    default:
      break;
  }
  if (s.remoteReader !== 'none') {
    const up = s.remoteReader === 'cd' ? '../' : '';
    // (a quoted name keeps its quotes around the whole relative path)
    const path = quoted.startsWith('"') ? `"${up}${program}"` : `${up}${program}`;
    files.push({ path: 'deploy/upload.sh', content: `#!/bin/sh\nset -e\n# Uploads the program the build left (here: records what would be sent).\nsha256sum ${path} > ${up}${out(s, 'uploaded')}\n`, mode: 0o755 });
  }
  return files;
}

/**
 * The build's own lines after the runtime build: the later reader, then the release step
 * (`program` quoted as the shell needs it, `holder` the folder holding it, if any). The reader
 * runs first: a release step may move the program away.
 */
export function readerLines(s: RepoSpec, program: string, holder: string | null): string[] {
  const lines: string[] = [];
  if (s.laterReader === 'python') lines.push('python3 tools/post.py');
  if (s.laterReader === 'node') lines.push('node tools/post.js');
  if (s.laterReader === 'sourced') lines.push('. ./tools/post.sh');
  switch (s.releaseStep) {
    case 'install':
      lines.push(`install -D -m 0755 ${program} stage/usr/local/bin/${s.app}`);
      break;
    case 'move':
      lines.push(`mkdir -p release && mv ${program} release/${s.app}-linux-amd64`);
      break;
    case 'tarball':
      // pinned times, owners and order: the two pipelines extract minutes apart
      lines.push(`tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf ${out(s, 'tar')} ${holder ?? program}`);
      break;
    default:
      break;
  }
  return lines;
}

/** The build's own line between the extraction and the runtime build, if drawn (preRuntimeTool). */
export function preRuntimeLines(s: RepoSpec): string[] {
  switch (s.preRuntimeTool) {
    case 'python-read':
      return ['python3 tools/check.py'];
    case 'node-stamp':
      return ['node tools/stamp.js'];
    case 'python-stamp':
      return ['python3 tools/stamp.py'];
    default:
      return [];
  }
}

/** The Make target or npm script that runs the remote reader, if drawn (a sh or bash driver runs it as a command of its own). */
export function readerTargets(s: RepoSpec): [string, string[]][] {
  if (s.remoteReader === 'none' || (s.driver !== 'make' && s.driver !== 'npm')) return [];
  return [['upload', [uploadCommand(s)]]];
}

const uploadCommand = (s: RepoSpec) => (s.remoteReader === 'cd' ? 'cd deploy && sh upload.sh' : 'sh deploy/upload.sh');

/** What the driver runs after the build for the remote reader: its Make target, npm script, or the command itself. */
export function readerEntries(s: RepoSpec): PipelineEntry[] {
  if (s.remoteReader === 'none') return [];
  if (s.driver === 'make') return [{ kind: 'make', target: 'upload' }];
  if (s.driver === 'npm') return [{ kind: 'npm', script: 'upload' }];
  return [{ kind: 'shell', command: uploadCommand(s) }];
}

/** True when a drawn reader needs the artifact left on the host after the build (no cleanup, no scratch). */
export const keepsArtifact = (s: RepoSpec) => s.remoteReader !== 'none';

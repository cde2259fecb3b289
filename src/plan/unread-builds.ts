/**
 * Image builds in files the tool does not read as scripts: an AWS CodeBuild `buildspec.yml`
 * (`- docker build --build-arg GOFLAGS=-race -t app .`), a Cloud Build step
 * (`args: ["build", …]` under `cloud-builders/docker`), a Taskfile, a justfile, a Python
 * release script (`subprocess.run(["docker", "build", …])`). Merged, such a build of the
 * runtime Dockerfile would build the builder stage too, from a context and with flags the tool
 * cannot read there (./runtime-rebuilds.ts checks the builds it reads). So each line of those
 * files (a whole-line comment aside) is searched for an engine's build: docker, podman or
 * nerdctl followed by `build` (also `buildx build`, `image build`, `builder build`) or `bake`,
 * buildah `bud`/`build`, kaniko's executor, `buildctl … build`, as words of the line, in any
 * quoting (a YAML file is parsed, and its strings and `name:`/`args:` steps searched). Only the name of the Dockerfile it builds is read (`-f`, `--file`, `--dockerfile`,
 * `filename=`): another name cannot be the runtime Dockerfile; no name is the engine's default
 * (`Dockerfile`, for podman and buildah also `Containerfile`); a name only known when the file
 * runs may be any. This is a search for a refusal, never an edit: what it cannot read refuses.
 *
 * Searched: the files the walk passed over that may name an image (./../discover/passed-over.ts:
 * other YAML, TOML, INI, other languages' scripts, outside the source folders), and the files it
 * kept that no reader took as a script (a `justfile` that says docker); not documentation,
 * compose files (read as compose: ./runtime-rebuilds.ts) nor Dockerfiles (a `RUN docker build`
 * runs inside another image).
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import { COMPOSE_FILE, isDocumentation } from '../discover/passed-over.js';
import type { RepoFs } from '../model/fs.js';
import { commentsOf } from './passed-over-files.js';
import { yaml } from '../analyze/hosts/yaml-module.js';

export interface UnreadBuild {
  file: string;
  line: number;
  text: string;
  program: string;
  /** The Dockerfile's name; 'default' when none is named; null when only known at run time. */
  dockerfileName: string | 'default' | null;
}

const ENGINE_WORDS = ['docker', 'podman', 'nerdctl', 'buildah', 'kaniko', 'buildctl'];
const DOCKERFILE_NAME = /^(dockerfile|containerfile)([._-].*)?$|\.(dockerfile|containerfile)$/i;
/** Separators of the words of a line, in any of the languages searched: spaces, quotes, list and call punctuation. */
const SEPARATORS = /[\s"'`,;()[\]{}]+/;
/** Docker's global options that take a value, so the word after them is no verb. */
const GLOBAL_WITH_VALUE = new Set(['-c', '--context', '-H', '--host', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const FILE_FLAGS = new Set(['-f', '--file', '--dockerfile']);

/** The build a line's words run, from word `i` (a program), or null. */
function buildAt(words: readonly string[], i: number): { program: string; verbEnd: number } | null {
  const word = words[i]!;
  const base = word.slice(word.lastIndexOf('/') + 1);
  if (base === 'executor' && word.includes('kaniko')) return { program: 'kaniko', verbEnd: i + 1 };
  if (base === 'buildctl' || base === 'buildctl-daemonless.sh') return words.slice(i + 1).includes('build') ? { program: 'buildctl', verbEnd: i + 1 } : null;
  if (base !== 'docker' && base !== 'podman' && base !== 'nerdctl' && base !== 'buildah' && base !== 'docker-buildx') return null;
  let j = i + 1;
  while (j < words.length && words[j]!.startsWith('-')) j += GLOBAL_WITH_VALUE.has(words[j]!) ? 2 : 1;
  const verb = words[j];
  if (base === 'buildah') return verb === 'bud' || verb === 'build' || verb === 'build-using-dockerfile' ? { program: base, verbEnd: j + 1 } : null;
  if (verb === 'build' || verb === 'bake') return { program: base, verbEnd: j + 1 };
  if ((verb === 'buildx' || verb === 'image' || verb === 'builder') && (words[j + 1] === 'build' || words[j + 1] === 'bake')) return { program: base, verbEnd: j + 2 };
  return null;
}

/** The name of the Dockerfile the words after a build's verb name. */
function dockerfileName(words: readonly string[]): string | 'default' | null {
  let name: string | 'default' | null = 'default';
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const eq = w.indexOf('=');
    let value: string | undefined;
    if (FILE_FLAGS.has(w)) value = words[k + 1] ?? '';
    else if (eq > 0 && (FILE_FLAGS.has(w.slice(0, eq)) || w.slice(0, eq) === 'filename')) value = w.slice(eq + 1);
    if (value === undefined) continue;
    name = value === '' || /[$%{}<>*?]/.test(value) ? null : path.basename(value);
  }
  return name;
}

/** The build the words of one command run, or null. */
function buildOf(file: string, line: number, text: string, words: readonly string[]): UnreadBuild | null {
  for (let i = 0; i < words.length; i++) {
    const b = buildAt(words, i);
    if (b) return { file, line, text, program: b.program, dockerfileName: dockerfileName(words.slice(b.verbEnd)) };
  }
  return null;
}

/**
 * The builds in a YAML file: each string scalar searched line by line, and each step written as a
 * program and its argument list (Cloud Build: `name: gcr.io/cloud-builders/docker` with
 * `args: ["build", …]`; also `entrypoint:` with `args:`) read as that command.
 */
function yamlBuilds(file: string, text: string): UnreadBuild[] | null {
  const Y = yaml();
  let docs;
  try {
    docs = Y.parseAllDocuments(text);
  } catch {
    return null;
  }
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null;
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const out: UnreadBuild[] = [];
  const str = (n: unknown) => (Y.isScalar(n) && typeof n.value === 'string' ? n.value : null);
  for (const doc of docs) {
    Y.visit(doc, {
      Map(_, map) {
        const program = str(map.get('entrypoint', true)) ?? str(map.get('name', true));
        const args = map.get('args', true);
        if (program === null || !Y.isSeq(args)) return;
        const words = [program, ...args.items.map((a) => str(a) ?? '$')];
        const found = buildOf(file, lineOf(map.range?.[0] ?? 0), `${program} ${words.slice(1).join(' ')}`, words);
        if (found) out.push(found);
      },
      Scalar(_, node) {
        if (typeof node.value !== 'string' || !ENGINE_WORDS.some((w) => (node.value as string).includes(w))) return;
        // A block scalar's text starts on the line after its `|` or `>`.
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
        const first = lineOf(node.range?.[0] ?? 0) + (block ? 1 : 0);
        for (const b of lineBuilds(file, node.value, [])) out.push({ ...b, line: first + b.line - 1 });
      },
    });
  }
  return out;
}

/** The builds in one file's text. */
export function unreadBuildsIn(file: string, text: string): UnreadBuild[] {
  if (!ENGINE_WORDS.some((w) => text.includes(w))) return [];
  if (/\.ya?ml$/i.test(file)) {
    const fromYaml = yamlBuilds(file, text);
    if (fromYaml !== null) return fromYaml;
  }
  return lineBuilds(file, text, commentsOf(file, text));
}

/** The builds on the lines of `text`, whole-line comments (`comments`) aside. */
function lineBuilds(file: string, text: string, comments: readonly string[]): UnreadBuild[] {
  const out: UnreadBuild[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const trimmed = line.trimStart();
    if (comments.some((c) => trimmed.startsWith(c))) continue;
    if (!ENGINE_WORDS.some((w) => line.includes(w))) continue;
    const found = buildOf(file, n + 1, trimmed.trimEnd(), trimmed.split(SEPARATORS).filter((w) => w !== ''));
    if (found) out.push(found);
  }
  return out;
}

/** Whether `build` may build the Dockerfile at `dockerfile` (a repository path). */
export function mayBuild(build: UnreadBuild, dockerfile: string): boolean {
  const base = path.basename(dockerfile);
  if (build.dockerfileName === null) return true;
  if (build.dockerfileName === 'default') return base === 'Dockerfile' || base === 'Containerfile';
  return build.dockerfileName === base;
}

/** Every such build in the files the analysis did not read as scripts (see above). */
export function unreadBuilds(analysis: Analysis, fs: RepoFs): UnreadBuild[] {
  const kept = new Set([...analysis.files, ...(analysis.quiet ?? [])]);
  const files = new Set([...(analysis.passedOver ?? []), ...kept]);
  const out: UnreadBuild[] = [];
  for (const rel of [...files].sort()) {
    if (analysis.scripts.has(rel) || isDocumentation(rel)) continue;
    const name = path.basename(rel);
    if (COMPOSE_FILE.test(name) || DOCKERFILE_NAME.test(name)) continue;
    // A passed-over file is read once and let go (as the builder-tag search reads it).
    const text = kept.has(rel) || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null) continue;
    out.push(...unreadBuildsIn(rel, text));
  }
  return out;
}

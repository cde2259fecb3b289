/**
 * Image builds in files the tool does not read as scripts: an AWS CodeBuild `buildspec.yml`
 * (`- docker build --build-arg GOFLAGS=-race -t app .`), a Cloud Build step
 * (`args: ["build", …]` under `cloud-builders/docker`), a Taskfile, a justfile, a Python
 * release script (`subprocess.run(["docker", "build", …])`). Merged, such a build of the
 * runtime Dockerfile would build the builder stage too, from a context and with flags the tool
 * cannot read there (./runtime-rebuilds.ts checks the builds it reads). So each line of those
 * files (a whole-line comment aside) is searched for an engine's build: docker, podman, buildah
 * or nerdctl followed by one of the build verbs that engine has (../model/engine-builds.ts),
 * docker's `bake`, or kaniko and buildctl as scripts' are recognised (../model/foreign-builds.ts),
 * as words of the line, in any quoting (a YAML file is parsed, and its strings and
 * `name:`/`args:` steps searched). Only the Dockerfile it builds is read (`-f`, `--file`,
 * `--dockerfile`, `filename=`, else the engine's default: `Dockerfile`, for podman and buildah
 * also `Containerfile`), from the folder the file's runner runs it in (./run-folders.ts); a path
 * only known when the file runs leaves any Dockerfile of the name it gives. Build tools that
 * never name the engine (skaffold, Tilt, Dev Containers, fly, Heroku, GoReleaser, bake files) are read from
 * their settings (./tool-builds.ts). This is a search for a refusal, never an edit: what it
 * cannot read refuses.
 *
 * Searched: the files the walk passed over that may name an image (./../discover/passed-over.ts:
 * other YAML, TOML, INI, other languages' scripts, outside the source folders), and the files it
 * kept that no reader took as a script (a `justfile` that says docker); not documentation,
 * compose files (read as compose: ./runtime-rebuilds.ts) nor Dockerfiles (a `RUN docker build`
 * runs inside another image).
 */
import path from 'node:path/posix';
import type { YAMLMap } from 'yaml';
import type { Analysis } from '../analyze/index.js';
import { COMPOSE_FILE, isDocumentation } from '../discover/passed-over.js';
import type { RepoFs } from '../model/fs.js';
import { commentsOf } from './passed-over-files.js';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { buildInputs } from '../analyze/link.js';
import { flagValues, parseDockerCommand } from '../model/docker-command.js';
import { engineBuild, engineVerb } from '../model/engine-builds.js';
import { OTHER_ENGINES } from '../model/engine-names.js';
import { resolveRel } from '../model/paths.js';
import { runFolders } from './run-folders.js';
import { parseShell } from '../analyze/shell/index.js';
import { toolBuilds } from './tool-builds.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { DYNAMIC, foreignProgram, foreignTargets, lastName, type Targets } from '../model/foreign-builds.js';

export interface UnreadBuild extends Targets {
  file: string;
  line: number;
  text: string;
  program: string;
}

const ENGINE_WORDS = ['docker', 'podman', 'nerdctl', 'buildah', 'kaniko', 'buildctl', 'gcloud', 'acr'];
const DOCKERFILE_NAME = /^(dockerfile|containerfile)([._-].*)?$|\.(dockerfile|containerfile)$/i;
/** Separators of the words of a line, in any of the languages searched: spaces, quotes, list and call punctuation. */
const SEPARATORS = /[\s"'`,;()[\]{}]+/;
/** Docker's global options that take a value, so the word after them is no verb. */
const GLOBAL_WITH_VALUE = new Set(['-c', '--context', '-H', '--host', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

/** The build a line's words run, from word `i` (a program), or null: kaniko or buildctl as scripts' are read, an engine by the build verbs it has. */
function buildAt(words: readonly string[], i: number): { program: string } | null {
  const foreign = foreignProgram(words[i]!, words.slice(i + 1));
  if (foreign) return { program: foreign };
  const word = words[i]!;
  const base = word.slice(word.lastIndexOf('/') + 1);
  if (base !== 'docker' && !OTHER_ENGINES.includes(base)) return null;
  let j = i + 1;
  while (j < words.length && words[j]!.startsWith('-')) j += GLOBAL_WITH_VALUE.has(words[j]!) ? 2 : 1;
  return engineVerb(base, words.slice(j)) ? { program: base } : null;
}

/** A word as the docker-command model reads it: a value, or null when only known at run time. */
function wordOf(text: string): Word {
  const cut = text.search(DYNAMIC);
  return { value: cut < 0 ? text : null, symbol: text, staticPrefix: cut < 0 ? text : text.slice(0, cut), raw: text, start: 0, end: 0 };
}

function commandOf(file: string, line: number, words: readonly string[], cwd: string): ScriptCommand {
  return { file, index: 0, words: words.map(wordOf), redirects: [], start: 0, end: 0, line, cwd, unit: 0, conditional: false, loop: false, stdout: null, stdinFrom: null, iteration: null, vars: new Map() };
}

/** What a docker, podman, buildah or nerdctl build (its program word first) builds, read from each of `cwds`. */
function dockerTargets(file: string, line: number, words: readonly string[], program: string, cwds: readonly string[]): Targets {
  const defaults = program === 'podman' || program === 'buildah' ? ['Dockerfile', 'Containerfile'] : ['Dockerfile'];
  const paths: string[] = [];
  for (const cwd of cwds) {
    const cmd = commandOf(file, line, words, cwd);
    const engine = program === 'docker' ? null : engineBuild(cmd);
    const inv = program === 'docker' ? parseDockerCommand(cmd) : engine?.kind === 'build' ? engine.inv : null;
    // A bake, or a build whose words the model cannot read: any Dockerfile of the default names.
    if (!inv || inv.verb !== 'build') return { dockerfiles: null, names: defaults };
    const { context, dockerfile } = buildInputs(inv);
    const fileWord = flagValues(inv, '--file')[0];
    if (dockerfile === null) {
      const name = fileWord ? lastName(fileWord.raw) : null;
      return { dockerfiles: null, names: fileWord ? (name === null ? [] : [name]) : defaults };
    }
    paths.push(dockerfile);
    if (!fileWord && context !== null) for (const d of defaults.slice(1)) paths.push(resolveRel(context, d));
  }
  return { dockerfiles: [...new Set(paths)], names: [] };
}

/** What a build reads from a folder only known at run time: any Dockerfile of the names it would build. */
function anyFolder(t: Targets): Targets {
  return t.dockerfiles === null ? t : { dockerfiles: null, names: [...new Set(t.dockerfiles.map((d) => path.basename(d)))] };
}

/** The build the words of one command run (read from each of `cwds`, the folders it may run in; null: only known at run time), or null. */
function buildOf(file: string, line: number, text: string, words: readonly string[], cwds: readonly string[] | null, reading: WordReading): UnreadBuild | null {
  for (let i = 0; i < words.length; i++) {
    const b = buildAt(words, i);
    if (!b) continue;
    const rest = words.slice(i);
    const from = cwds ?? [''];
    // A cloud builder's SOURCE is its one operand, or none: read from the words as the shell splits them, never from a line of another language (`…], check=True)`).
    const cloud = b.program === 'gcloud' || b.program === 'az';
    const cloudWords = !cloud ? null : reading === 'exact' ? rest.slice(1) : reading === 'shell' ? shellWordsAfter(file, text, b.program) : null;
    const targets = cloud
      ? foreignTargets(cloudWords ?? [], b.program as 'gcloud' | 'az', cloudWords === null ? null : from)
      : b.program === 'kaniko' || b.program === 'buildctl'
        ? foreignTargets(rest.slice(1), b.program, from)
        : dockerTargets(file, line, rest, b.program, from);
    return { file, line, text, program: b.program, ...(cwds === null ? anyFolder(targets) : targets) };
  }
  return null;
}

/**
 * The builds in a YAML file: each string scalar searched line by line, and each step written as a
 * program and its argument list (Cloud Build: `name: gcr.io/cloud-builders/docker` with
 * `args: ["build", …]`; also `entrypoint:` with `args:`) read as that command.
 */
function yamlBuilds(file: string, text: string, run: { folders: string[] | null; stepDir: boolean }): UnreadBuild[] | null {
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
  // The folders a node's commands run in: the file's, moved by the `dir:` of the nearest step or task that has one (null: only known at run time).
  const cwdsAt = (ancestors: readonly unknown[]): string[] | null => {
    if (!run.stepDir || run.folders === null) return run.folders;
    const owner = [...ancestors].reverse().find((n): n is YAMLMap => Y.isMap(n) && n.has('dir'));
    if (!owner) return run.folders;
    const dir = str(owner.get('dir', true));
    if (dir === null || dir.startsWith('/') || DYNAMIC.test(dir)) return null;
    return [...new Set(run.folders.map((f) => resolveRel(f, dir)))];
  };
  for (const doc of docs) {
    Y.visit(doc, {
      Map(_, map, ancestors) {
        const program = str(map.get('entrypoint', true)) ?? str(map.get('name', true));
        const args = map.get('args', true);
        if (program === null || !Y.isSeq(args)) return;
        const words = [program, ...args.items.map((a) => str(a) ?? '$')];
        const found = buildOf(file, lineOf(map.range?.[0] ?? 0), `${program} ${words.slice(1).join(' ')}`, words, cwdsAt([...ancestors, map]), 'exact');
        if (found) out.push(found);
      },
      Scalar(_, node, ancestors) {
        if (typeof node.value !== 'string' || !ENGINE_WORDS.some((w) => (node.value as string).includes(w))) return;
        // A block scalar's text starts on the line after its `|` or `>`.
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
        const first = lineOf(node.range?.[0] ?? 0) + (block ? 1 : 0);
        for (const b of lineBuilds(file, node.value, [], cwdsAt(ancestors), 'shell')) out.push({ ...b, line: first + b.line - 1 });
      },
    });
  }
  return out;
}

/** The builds in one file's text; `files`: the repository's files the walk found (where a Taskfile may be included from). */
export function unreadBuildsIn(file: string, text: string, files: readonly string[] = []): UnreadBuild[] {
  // A build tool's settings (./tool-builds.ts), and the engine commands any file may hold.
  const byTool = toolBuilds(file, text, files);
  if (!ENGINE_WORDS.some((w) => text.includes(w))) return byTool;
  const run = runFolders(file, text, files);
  // JSON is read as the YAML it also is (a Cloud Build `cloudbuild.json`'s steps, whose args are on lines of their own).
  const fromYaml = /\.(ya?ml|json)$/i.test(file) ? yamlBuilds(file, text, run) : null;
  return [...byTool, ...(fromYaml ?? lineBuilds(file, text, commentsOf(file, text), run.folders, SHELL_FILE.test(file) || SHEBANG.test(text) ? 'shell' : 'loose'))];
}

/** The builds on the lines of `text`, whole-line comments (`comments`) aside. */
/** How a line's words are read: a program and its argument list (`exact`), a line of shell (`shell`), or of another language (`loose`). */
type WordReading = 'exact' | 'shell' | 'loose';

/** The words after `program` in a line of shell, as the shell splits them (a word only known at run time: `$`); null when the line does not read. */
function shellWordsAfter(file: string, line: string, program: string): string[] | null {
  const script = parseShell(file, line).script;
  const cmd = script?.commands.find((c) => c.words.some((w) => w.value !== null && path.basename(w.value) === program));
  if (!cmd) return null;
  const at = cmd.words.findIndex((w) => w.value !== null && path.basename(w.value) === program);
  return cmd.words.slice(at + 1).map((w) => w.value ?? '$');
}

/** A shell script by its name or its first line: its lines are shell words (a YAML string's too). */
const SHELL_FILE = /\.(sh|bash)$/i;
const SHEBANG = /^#!.*\b(sh|bash|dash)\b/;

function lineBuilds(file: string, text: string, comments: readonly string[], cwds: readonly string[] | null, reading: WordReading): UnreadBuild[] {
  const out: UnreadBuild[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const trimmed = line.trimStart();
    if (comments.some((c) => trimmed.startsWith(c))) continue;
    if (!ENGINE_WORDS.some((w) => line.includes(w))) continue;
    const found = buildOf(file, n + 1, trimmed.trimEnd(), trimmed.split(SEPARATORS).filter((w) => w !== ''), cwds, reading);
    if (found) out.push(found);
  }
  return out;
}

export { mayBuild } from '../model/foreign-builds.js';

/** Every such build in the files the analysis did not read as scripts (see above). */
export function unreadBuilds(analysis: Analysis, fs: RepoFs): UnreadBuild[] {
  const kept = new Set([...analysis.files, ...(analysis.quiet ?? [])]);
  const files = new Set([...(analysis.passedOver ?? []), ...kept]);
  const out: UnreadBuild[] = [];
  const walked = [...files];
  for (const rel of [...files].sort()) {
    if (analysis.scripts.has(rel) || isDocumentation(rel)) continue;
    const name = path.basename(rel);
    if (COMPOSE_FILE.test(name) || DOCKERFILE_NAME.test(name)) continue;
    // A passed-over file is read once and let go (as the builder-tag search reads it).
    const text = kept.has(rel) || !fs.peekText ? fs.readText(rel) : fs.peekText(rel);
    if (text === null) continue;
    out.push(...unreadBuildsIn(rel, text, walked));
  }
  return out;
}

/**
 * Image builds by build tools that never name the engine: their settings name a Dockerfile, and
 * the tool builds it (./unread-builds.ts searches the rest for engine commands). Merged, such a
 * build of a setup's runtime Dockerfile would build the builder stage too, with the tool's own
 * context and arguments, so the setup refuses (RUNTIME_REBUILT, ./runtime-rebuilds.ts). One
 * reader a tool, by file name, each giving which Dockerfile it builds and where that is said:
 *
 * - skaffold.yaml: each of `build.artifacts` (also a profile's) built with docker or kaniko, or
 *   with no builder named (docker, by default): `docker.dockerfile` (default `Dockerfile`) in its
 *   `context` (default `.`), which is relative to the skaffold.yaml's folder;
 * - devcontainer.json: `build.dockerfile` (or the older `dockerFile`), relative to the file;
 * - heroku.yml: each process of `build.docker` (`web: Dockerfile`, or `dockerfile:` under it),
 *   relative to the file;
 * - fly.toml: `dockerfile` of its `[build]` table, relative to the file (flyctl joins it to the
 *   config's folder, `resolveDockerfilePath` in internal/command/deploy/deploy.go), else
 *   `Dockerfile` of the folder `fly deploy` runs in (the file's, or another, such as the root)
 *   unless the table names an image or a builder. The project has no
 *   TOML parser: only `key = "string"` lines of a `[build]` table are read, and any other mention
 *   of a dockerfile refuses with a Dockerfile of any name;
 * - a Tiltfile (Starlark) and a bake file (HCL): no parser either, so a search that errs to
 *   refuse: each `docker_build(` call (every `target` block) may build a Dockerfile of any name
 *   the file writes, or `Dockerfile` where the file has fewer `dockerfile` arguments than calls;
 *   and one of any name where a `dockerfile` is given by something else than such a name (a
 *   variable, an expression). Tilt reads a Tiltfile's paths from its folder, and bake reads the
 *   file in the folder it runs in (its own, unless `-f` names it from elsewhere, a build the
 *   script search reads): a build may be of any Dockerfile in that folder or below, or anywhere
 *   when the file says something that may leave it (`..`, an absolute path, `${…}`, the environment).
 *
 * YAML and JSON are parsed; a file that does not parse builds a Dockerfile of any name.
 */
import path from 'node:path/posix';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { DYNAMIC, lastName, type Targets } from '../model/foreign-builds.js';
import { resolveRel } from '../model/paths.js';

export interface ToolBuild extends Targets {
  file: string;
  line: number;
  text: string;
  program: string;
}

const DOCKERFILE_NAME = /^(dockerfile|containerfile)([._-].*)?$|\.(dockerfile|containerfile)$/i;
/** Separators of words in the files searched without a parser: spaces, quotes, punctuation, `=`. */
const WORDS = /[\s"'`,;()[\]{}=]+/;

interface ToolReader {
  name: RegExp;
  program: string;
  read(file: string, text: string): Omit<ToolBuild, 'file' | 'program'>[];
}

const folderOf = (file: string) => (path.dirname(file) === '.' ? '' : path.dirname(file));
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const any = (line: number, text: string) => ({ line, text, dockerfiles: null, names: [] });

/** The Dockerfile at `rel` (a path from each of `folders`; null: a folder only known at run time); by its name only when the path is not known. */
function targetsOf(folders: readonly string[] | null, rel: string): Targets {
  if (folders === null || DYNAMIC.test(rel) || rel.startsWith('/')) {
    const name = lastName(rel);
    return { dockerfiles: null, names: name === null ? [] : [name] };
  }
  return { dockerfiles: [...new Set(folders.map((f) => resolveRel(f, rel)))], names: [] };
}

function skaffold(file: string, text: string): Omit<ToolBuild, 'file' | 'program'>[] {
  const Y = yaml();
  const docs = Y.parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return [any(1, text.split('\n')[0]!)];
  const out: Omit<ToolBuild, 'file' | 'program'>[] = [];
  const str = (n: unknown) => (Y.isScalar(n) && typeof n.value === 'string' ? n.value : null);
  for (const doc of docs) {
    Y.visit(doc, {
      Pair(_, pair) {
        if (str(pair.key) !== 'artifacts' || !Y.isSeq(pair.value)) return;
        for (const item of pair.value.items) {
          if (!Y.isMap(item)) continue;
          // Builders that read no Dockerfile (a custom one's command is searched as a build line).
          if (['jib', 'bazel', 'buildpacks', 'ko', 'custom'].some((k) => item.has(k))) continue;
          const builder = item.get('docker', true) ?? item.get('kaniko', true);
          const df = Y.isMap(builder) && builder.has('dockerfile') ? str(builder.get('dockerfile', true)) ?? '$' : 'Dockerfile';
          const ctx = item.has('context') ? str(item.get('context', true)) ?? '$' : '.';
          const line = lineAt(text, item.range?.[0] ?? 0);
          const shown = `image: ${str(item.get('image', true)) ?? '?'}`;
          out.push({ line, text: shown, ...targetsOf(DYNAMIC.test(ctx) || ctx.startsWith('/') ? null : [resolveRel(folderOf(file), ctx)], df) });
        }
      },
    });
  }
  return out;
}

function heroku(file: string, text: string): Omit<ToolBuild, 'file' | 'program'>[] {
  const Y = yaml();
  const doc = Y.parseDocument(text);
  if (doc.errors.length > 0) return [any(1, text.split('\n')[0]!)];
  const docker = doc.getIn(['build', 'docker'], true);
  if (!Y.isMap(docker)) return [];
  return docker.items.map((p) => {
    const v = Y.isMap(p.value) ? p.value.get('dockerfile', true) : p.value;
    const df = Y.isScalar(v) && typeof v.value === 'string' ? v.value : '$';
    const key = Y.isScalar(p.key) ? String(p.key.value) : '?';
    const at = Y.isScalar(p.key) ? (p.key.range?.[0] ?? 0) : 0;
    return { line: lineAt(text, at), text: `${key}: ${df}`, ...targetsOf([folderOf(file)], df) };
  });
}

function devcontainer(file: string, text: string): Omit<ToolBuild, 'file' | 'program'>[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || errors.length > 0) return /dockerfile/i.test(text) ? [any(1, text.split('\n')[0]!)] : [];
  const node: Node | undefined = findNodeAtLocation(root, ['build', 'dockerfile']) ?? findNodeAtLocation(root, ['dockerFile']);
  if (!node) return [];
  const df = typeof node.value === 'string' ? node.value : '$';
  return [{ line: lineAt(text, node.offset), text: `"dockerfile": ${JSON.stringify(node.value)}`, ...targetsOf([folderOf(file)], df) }];
}

/** fly.toml, read without a TOML parser: only `key = "string"` lines of the `[build]` table; any other mention of a dockerfile is doubt. */
function fly(file: string, text: string): Omit<ToolBuild, 'file' | 'program'>[] {
  const lines = text.split('\n');
  let table: string | null = null;
  let header = 0;
  const keys = new Map<string, { value: string | null; line: number }>();
  for (let n = 0; n < lines.length; n++) {
    const t = lines[n]!.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('[')) {
      table = t;
      if (t === '[build]') header = n + 1;
      continue;
    }
    if (!/dockerfile|^(image|builder|builtin|buildpacks)\s*=/i.test(t) || table !== '[build]') {
      if (/dockerfile/i.test(t)) return [any(n + 1, t)];
      continue;
    }
    const eq = t.indexOf('=');
    const key = t.slice(0, eq).trim();
    const raw = t.slice(eq + 1).trim();
    const quote = raw[0];
    const value = (quote === '"' || quote === "'") && raw.indexOf(quote, 1) === raw.length - 1 && !raw.includes('\\') ? raw.slice(1, -1) : null;
    keys.set(key, { value, line: n + 1 });
  }
  const df = keys.get('dockerfile');
  if (df && df.value === null) return [any(df.line, lines[df.line - 1]!.trim())];
  if (!df && ['image', 'builder', 'builtin', 'buildpacks'].some((k) => keys.has(k))) return [];
  const line = df?.line ?? (header || 1);
  const dir = folderOf(file);
  const folders = df || dir === '' ? [dir] : [dir, ''];
  return [{ line, text: lines[line - 1]!.trim(), ...targetsOf(folders, df?.value ?? 'Dockerfile') }];
}

/**
 * A Tiltfile's or bake file's builds, searched without a parser (see above): each line whose
 * words include `call` (not a `#` or `//` comment) may build `Dockerfile`, any Dockerfile-like
 * name the file writes, or any name where a `dockerfile` is given by something else.
 */
function mentions(call: string) {
  return (file: string, text: string): Omit<ToolBuild, 'file' | 'program'>[] => {
    const lines = text.split('\n').map((l) => l.trim());
    const live = lines.map((l) => (l.startsWith('#') || l.startsWith('//') ? [] : l.split(WORDS).filter((w) => w !== '')));
    const words = live.flat();
    const calls = live.filter((ws) => ws.includes(call)).length;
    // `Dockerfile` by default, unless every call may have a `dockerfile` of its own.
    const names = new Set(words.filter((w) => w === 'dockerfile').length >= calls ? [] : ['Dockerfile']);
    let anyName = false;
    words.forEach((w, k) => {
      if (w === 'dockerfile') {
        const next = lastName(words[k + 1] ?? '');
        if (next === null || !DOCKERFILE_NAME.test(next)) anyName = true;
        return;
      }
      const name = lastName(w);
      if (name !== null && DOCKERFILE_NAME.test(name)) names.add(name);
    });
    // Paths in the file are read from its folder (Tilt), or from the folder bake runs in, its own by default.
    const under = ESCAPES.test(text) ? {} : { under: folderOf(file) };
    return live.flatMap((ws, n) => (ws.includes(call) ? [{ line: n + 1, text: lines[n]!, dockerfiles: null, names: anyName ? [] : [...names], ...under }] : []));
  };
}

/**
 * What may take a Tiltfile's or bake file's paths out of its folder: a `..`, an absolute path, an
 * interpolation (`${VAR}`), the environment or the main Tiltfile's folder.
 */
const ESCAPES = /(^|[^.\w])\.\.([/\\'"\s,)]|$)|["'`]\/|\$\{|\benv\b|environ|getenv|getcwd|main_dir|main_path/;

const READERS: readonly ToolReader[] = [
  { name: /^skaffold[^/]*\.ya?ml$/i, program: 'skaffold', read: skaffold },
  { name: /^\.?devcontainer\.json$/i, program: 'Dev Containers', read: devcontainer },
  { name: /^heroku\.ya?ml$/i, program: 'Heroku', read: heroku },
  { name: /^fly([._-][^/]*)?\.toml$/i, program: 'fly', read: fly },
  { name: /^tiltfile$|\.tiltfile$/i, program: 'Tilt', read: mentions('docker_build') },
  { name: /^docker-bake([._-][^/]*)?\.hcl$/i, program: 'docker buildx bake', read: mentions('target') },
];

/** The builds the settings of a build tool in `file` make (none when no reader knows its name). */
export function toolBuilds(file: string, text: string): ToolBuild[] {
  const reader = READERS.find((r) => r.name.test(path.basename(file)));
  return reader ? reader.read(file, text).map((b) => ({ ...b, file, program: reader.program })) : [];
}

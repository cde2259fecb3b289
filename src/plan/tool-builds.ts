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
 * - fly.toml: parsed as TOML (./tool-configs/fly.ts): `build.dockerfile`, relative to the file,
 *   else `Dockerfile` of the folder `fly deploy` runs in, unless `[build]` names an image or a
 *   builder;
 * - a Tiltfile (Starlark) and a bake file (HCL): no parser either, so a search that errs to
 *   refuse: each `docker_build(` call (every `target` block) may build a Dockerfile of any name
 *   the file writes, or `Dockerfile` where the file has fewer `dockerfile` arguments than calls;
 *   and one of any name where a `dockerfile` is given by something else than such a name (a
 *   variable, an expression). Tilt reads a Tiltfile's paths from its folder, and bake reads the
 *   file in the folder it runs in (its own, unless `-f` names it from elsewhere, a build the
 *   script search reads): a build may be of any Dockerfile in that folder or below, or anywhere
 *   when the file says something that may leave it (`..`, an absolute path, `${…}`, the environment).
 *
 * YAML, JSON and TOML are parsed; a file that does not parse builds a Dockerfile of any name.
 */
import path from 'node:path/posix';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { DYNAMIC, lastName } from '../model/foreign-builds.js';
import { resolveRel } from '../model/paths.js';
import { flyBuilds } from './tool-configs/fly.js';
import { anyBuild, folderOf, lineAt, targetsOf, type FoundBuild, type ToolBuild } from './tool-configs/targets.js';

export type { ToolBuild } from './tool-configs/targets.js';

const DOCKERFILE_NAME = /^(dockerfile|containerfile)([._-].*)?$|\.(dockerfile|containerfile)$/i;
/** Separators of words in the files searched without a parser: spaces, quotes, punctuation, `=`. */
const WORDS = /[\s"'`,;()[\]{}=]+/;

interface ToolReader {
  name: RegExp;
  program: string;
  read(file: string, text: string): FoundBuild[];
}

function skaffold(file: string, text: string): FoundBuild[] {
  const Y = yaml();
  const docs = Y.parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return [anyBuild(1, text.split('\n')[0]!)];
  const out: FoundBuild[] = [];
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

function heroku(file: string, text: string): FoundBuild[] {
  const Y = yaml();
  const doc = Y.parseDocument(text);
  if (doc.errors.length > 0) return [anyBuild(1, text.split('\n')[0]!)];
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

function devcontainer(file: string, text: string): FoundBuild[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || errors.length > 0) return /dockerfile/i.test(text) ? [anyBuild(1, text.split('\n')[0]!)] : [];
  const node: Node | undefined = findNodeAtLocation(root, ['build', 'dockerfile']) ?? findNodeAtLocation(root, ['dockerFile']);
  if (!node) return [];
  const df = typeof node.value === 'string' ? node.value : '$';
  return [{ line: lineAt(text, node.offset), text: `"dockerfile": ${JSON.stringify(node.value)}`, ...targetsOf([folderOf(file)], df) }];
}

/**
 * A Tiltfile's or bake file's builds, searched without a parser (see above): each line whose
 * words include `call` (not a `#` or `//` comment) may build `Dockerfile`, any Dockerfile-like
 * name the file writes, or any name where a `dockerfile` is given by something else.
 */
function mentions(call: string) {
  return (file: string, text: string): FoundBuild[] => {
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
  { name: /^fly([._-][^/]*)?\.toml$/i, program: 'fly', read: flyBuilds },
  { name: /^tiltfile$|\.tiltfile$/i, program: 'Tilt', read: mentions('docker_build') },
  { name: /^docker-bake([._-][^/]*)?\.hcl$/i, program: 'docker buildx bake', read: mentions('target') },
];

/** The builds the settings of a build tool in `file` make (none when no reader knows its name). */
export function toolBuilds(file: string, text: string): ToolBuild[] {
  const reader = READERS.find((r) => r.name.test(path.basename(file)));
  return reader ? reader.read(file, text).map((b) => ({ ...b, file, program: reader.program })) : [];
}

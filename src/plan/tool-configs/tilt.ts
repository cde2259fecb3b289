/**
 * A Tiltfile (Starlark), parsed with tree-sitter's Python grammar. Each call
 * `docker_build(ref, context, build_args, dockerfile, …)` builds `dockerfile` (keyword or fourth
 * argument), else `Dockerfile` in `context`; Tilt reads both from the Tiltfile's folder. One with
 * `dockerfile_contents` builds no Dockerfile of the repository. `docker_build_with_restart` (the
 * restart_process extension) passes its `ref`, `context` and keywords on to docker_build.
 *
 * What is not read exactly leaves a Dockerfile of its name, or of any name: an argument that is
 * no plain string (a variable, a concatenation, an f-string, `os.path.join(…)`), a `*args` or
 * `**kwargs`; `docker_build` named other than as the function of a call (passed, aliased); and a
 * call of a function the file loads (`load('./lib.star', 'build')`), which may build anything,
 * unless it is one of Tilt's extensions that build no image (`ext://helm_resource`).
 * A file that does not parse builds a Dockerfile of any name.
 */
import { parseWith, type TsNode } from '../../analyze/tree-sitter.js';
import { DYNAMIC, lastName } from '../../model/foreign-builds.js';
import { resolveRel } from '../../model/paths.js';
import { anyBuild, folderOf, lineAt, type FoundBuild } from './targets.js';

const BUILDS = new Set(['docker_build', 'docker_build_with_restart']);
/** Tilt's extensions that deploy or configure and build no image (a chart's images come from the Tiltfile's own docker_build). */
const NO_IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['ext://helm_resource', 'ext://helm_remote', 'ext://namespace', 'ext://secret', 'ext://configmap', 'ext://uibutton', 'ext://dotenv']);

/** A string literal's value (no f-string, no concatenation, no escape), else null. */
function literal(text: string, n: TsNode | undefined): string | null {
  if (n?.type !== 'string') return null;
  const parts = n.namedChildren.filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
  const start = text.slice(n.startIndex, n.namedChildren[0]?.endIndex ?? n.startIndex);
  // A prefix (f, r, b) or an escape is read as unknown rather than decoded.
  if (!/^["']/.test(start) || parts.some((c) => c.type !== 'string_content')) return null;
  const value = parts.map((c) => text.slice(c.startIndex, c.endIndex)).join('');
  return value.includes('\\') ? null : value;
}

export function tiltBuilds(file: string, text: string): FoundBuild[] {
  const lines = text.split('\n');
  const root = parseWith('tree-sitter-python', text);
  if (root.hasError) return /docker_build/.test(text) ? [anyBuild(1, lines[0]!.trim())] : [];
  const dir = folderOf(file);
  const loaded = new Set<string>();
  for (const call of root.descendantsOfType('call')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || text.slice(fn.startIndex, fn.endIndex) !== 'load') continue;
    // load('ext://x', 'a', b='c'): the names it binds (a; b), unless the extension builds no image.
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const from = literal(text, args[0]);
    if (from !== null && NO_IMAGE_EXTENSIONS.has(from)) continue;
    for (const arg of args.slice(1)) {
      const bound = arg.type === 'keyword_argument' ? arg.childForFieldName('name') : arg;
      const name = bound?.type === 'identifier' ? text.slice(bound.startIndex, bound.endIndex) : literal(text, bound ?? undefined);
      if (name !== null) loaded.add(name);
    }
  }
  const out: FoundBuild[] = [];
  const at = (n: TsNode) => {
    const line = lineAt(text, n.startIndex);
    return { line, text: lines[line - 1]!.trim() };
  };
  for (const id of root.descendantsOfType('identifier')) {
    const name = text.slice(id.startIndex, id.endIndex);
    if (!BUILDS.has(name) && !loaded.has(name)) continue;
    const call = callOf(root, id);
    if (call === null) {
      // Named other than as a call's function (`b = docker_build`), or a loaded name bound.
      if (BUILDS.has(name)) out.push(anyBuild(at(id).line, at(id).text));
      continue;
    }
    if (!BUILDS.has(name)) {
      out.push(anyBuild(at(call).line, at(call).text));
      continue;
    }
    const built = buildOf(text, call, name, dir);
    if (built) out.push({ ...at(call), ...built });
  }
  return out;
}

/** The call whose function is exactly `id`, or null. */
function callOf(root: TsNode, id: TsNode): TsNode | null {
  // The parents are not kept in the copied tree: find the call by position.
  for (const call of root.descendantsOfType('call')) {
    const fn = call.childForFieldName('function');
    if (fn && fn.startIndex === id.startIndex && fn.endIndex === id.endIndex && fn.type === 'identifier') return call;
  }
  return null;
}

/** What one call builds; null: no Dockerfile of the repository (its contents are given). */
function buildOf(text: string, call: TsNode, name: string, dir: string): Omit<FoundBuild, 'line' | 'text'> | null {
  const unknown = { dockerfiles: null, names: [] };
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return unknown;
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  const keyword = new Map(args.filter((a) => a.type === 'keyword_argument').map((a) => [text.slice(a.childForFieldName('name')!.startIndex, a.childForFieldName('name')!.endIndex), a.childForFieldName('value')!]));
  if (keyword.has('dockerfile_contents')) return null;
  const ctxNode = keyword.get('context') ?? positional[1];
  // docker_build's fourth argument is its dockerfile; docker_build_with_restart's are others.
  const dfNode = keyword.get('dockerfile') ?? (name === 'docker_build' ? positional[3] : undefined);
  const df = dfNode ? literal(text, dfNode) : 'Dockerfile';
  const ctx = ctxNode ? literal(text, ctxNode) : null;
  if (df === null) return unknown;
  const rel = dfNode ? df : null;
  if (DYNAMIC.test(df) || df.startsWith('/') || (rel === null && (ctx === null || DYNAMIC.test(ctx) || ctx.startsWith('/')))) {
    const last = lastName(df);
    return { dockerfiles: null, names: last === null ? [] : [last] };
  }
  return { dockerfiles: [rel !== null ? resolveRel(dir, rel) : resolveRel(resolveRel(dir, ctx!), 'Dockerfile')], names: [] };
}

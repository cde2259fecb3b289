/**
 * Bake files (`docker buildx bake`): docker-bake.hcl parsed with tree-sitter's HCL grammar,
 * docker-bake.json as JSON. Every `target` may be built (`bake NAME` builds any of them, not
 * only the default group's). A target builds `dockerfile` (default `Dockerfile`) joined to its
 * `context` (default `.`), as buildx joins them (`toBuildOpt` in bake/bake.go), both read from
 * the folder bake runs in: the file's own, or the repository's root for a file named with `-f`
 * from there (an action's `files:`); a `cwd://` Dockerfile is read from that folder alone. Its
 * attributes are its own, else those of the targets it `inherits` (the last one named first).
 * A `dockerfile-inline` target builds no Dockerfile of the repository.
 *
 * What the reader cannot know leaves the Dockerfile to its name, or to any name: a value given by
 * an expression (`${TAG}`, a variable, a function, a `matrix`), an absolute path or a remote
 * context, a target inheriting one the file does not define. bake merges the targets of every
 * file it reads (docker-bake.hcl with docker-bake.override.hcl, a compose file, each `-f`), so
 * where another bake or compose file sits in the same folder, an attribute the target leaves to
 * its default may be set there: it is unknown too. A file that does not parse builds a
 * Dockerfile of any name.
 */
import path from 'node:path/posix';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { parseWith, type TsNode } from '../../analyze/tree-sitter.js';
import { COMPOSE_FILE } from '../../discover/passed-over.js';
import { DYNAMIC, lastName } from '../../model/foreign-builds.js';
import { resolveRel } from '../../model/paths.js';
import { anyBuild, folderOf, lineAt, type FoundBuild } from './targets.js';

/** A bake file, by the names bake reads by default and their variants (`docker-bake.prod.hcl`). */
export const BAKE_FILE = /^docker-bake([._-][^/]*)?\.(hcl|json)$/i;

/** An attribute's value: a string, a list of strings, null where only known at run time. */
type Value = string | string[] | null;

interface Target {
  name: string;
  line: number;
  attrs: Map<string, Value>;
}

/** The file's targets, or null when it does not parse. */
type Reader = (text: string) => Target[] | null;

/** An HCL string literal without interpolation (`"x"`), a tuple of them, else null. */
function hclValue(text: string, expr: TsNode | undefined): Value {
  const inner = expr?.namedChildren[0];
  const str = (n: TsNode | undefined): string | null => {
    const lit = n?.type === 'literal_value' ? n.namedChildren[0] : n?.type === 'expression' ? n.namedChildren[0]?.namedChildren[0] : undefined;
    if (lit?.type !== 'string_lit') return null;
    const parts = lit.namedChildren.filter((c) => c.type !== 'quoted_template_start' && c.type !== 'quoted_template_end');
    if (parts.some((c) => c.type !== 'template_literal')) return null;
    const value = parts.map((c) => text.slice(c.startIndex, c.endIndex)).join('');
    // An escape (`\"`, `$${`) is read as unknown rather than decoded.
    return value.includes('\\') || value.includes('$') || value.includes('%{') ? null : value;
  };
  if (inner?.type === 'collection_value' && inner.namedChildren[0]?.type === 'tuple') {
    const items = inner.namedChildren[0].namedChildren.filter((c) => c.type === 'expression').map(str);
    return items.every((i): i is string => i !== null) ? items : null;
  }
  return str(inner);
}

const readHcl: Reader = (text) => {
  const root = parseWith('tree-sitter-hcl', text);
  if (root.hasError) return null;
  const body = root.namedChildren.find((c) => c.type === 'body');
  const out: Target[] = [];
  for (const block of body?.namedChildren ?? []) {
    if (block.type !== 'block') continue;
    const [kind, label] = block.namedChildren;
    if (!kind || text.slice(kind.startIndex, kind.endIndex) !== 'target') continue;
    const name = label?.type === 'identifier' ? text.slice(label.startIndex, label.endIndex) : label?.type === 'string_lit' ? text.slice(label.startIndex + 1, label.endIndex - 1) : '?';
    const attrs = new Map<string, Value>();
    for (const a of block.namedChildren.find((c) => c.type === 'body')?.namedChildren ?? []) {
      if (a.type !== 'attribute') continue;
      const [id, expr] = a.namedChildren;
      attrs.set(text.slice(id!.startIndex, id!.endIndex), hclValue(text, expr));
    }
    out.push({ name, line: lineAt(text, block.startIndex), attrs });
  }
  return out;
};

const readJson: Reader = (text) => {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || errors.length > 0) return null;
  const targets: Node | undefined = findNodeAtLocation(root, ['target']);
  if (!targets) return [];
  if (targets.type !== 'object') return null;
  const value = (n: Node | undefined): Value => {
    if (n?.type === 'string') return n.value as string;
    if (n?.type === 'array' && n.children!.every((c) => c.type === 'string')) return n.children!.map((c) => c.value as string);
    return null;
  };
  return (targets.children ?? []).map((prop) => {
    const [key, body] = prop.children!;
    const attrs = new Map<string, Value>();
    for (const p of body?.type === 'object' ? body.children! : []) attrs.set(String(p.children![0]!.value), value(p.children![1]));
    return { name: String(key!.value), line: lineAt(text, prop.offset), attrs };
  });
};

/**
 * An attribute of `target`: its own, else an inherited one. undefined: left to its default;
 * null: only known at run time (or from a target this file does not define).
 */
function attr(targets: ReadonlyMap<string, Target>, target: Target, key: string, seen: Set<string> = new Set()): Value | undefined {
  if (target.attrs.has(key)) return target.attrs.get(key)!;
  if (!target.attrs.has('inherits')) return undefined;
  const parents = target.attrs.get('inherits')!;
  if (parents === null || typeof parents === 'string') return null;
  seen.add(target.name);
  for (const p of [...parents].reverse()) {
    const parent = targets.get(p);
    if (!parent || seen.has(p)) return null;
    const v = attr(targets, parent, key, seen);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Whether the target or a target it inherits (that this file defines) gives a `dockerfile-inline`. */
function setsInline(targets: ReadonlyMap<string, Target>, target: Target, seen: Set<string> = new Set()): boolean {
  if (target.attrs.has('dockerfile-inline')) return true;
  const parents = target.attrs.get('inherits');
  seen.add(target.name);
  return Array.isArray(parents) && parents.some((p) => !seen.has(p) && targets.has(p) && setsInline(targets, targets.get(p)!, seen));
}

/** Whether a context is not a folder of the repository: a URL, a git remote, another target's image. */
const REMOTE = /^[a-z][a-z0-9+.-]*:\/\/|^git@|^target:|^docker-image:/i;

function buildsOf(file: string, text: string, files: readonly string[], read: Reader): FoundBuild[] {
  const lines = text.split('\n');
  const targets = read(text);
  if (targets === null) return /target/.test(text) ? [anyBuild(1, lines[0]!.trim())] : [];
  const dir = folderOf(file);
  const byName = new Map(targets.map((t) => [t.name, t]));
  // Another bake or compose file beside it may set what this one leaves to its defaults.
  const alone = !files.some((f) => f !== file && folderOf(f) === dir && (BAKE_FILE.test(path.basename(f)) || COMPOSE_FILE.test(path.basename(f))));
  const folders = [...new Set([dir, ''])];
  const out: FoundBuild[] = [];
  for (const t of targets) {
    const shown = { line: t.line, text: lines[t.line - 1]!.trim() };
    if (setsInline(byName, t)) continue;
    // An attribute left to its default (undefined) is the default only where no other file may set it.
    const given = (key: string, byDefault: string) => {
      const v = attr(byName, t, key);
      return v !== undefined ? v : alone ? byDefault : null;
    };
    const ctx = given('context', '.');
    const df = given('dockerfile', 'Dockerfile');
    if (typeof ctx !== 'string' && ctx !== null) {
      out.push(anyBuild(shown.line, shown.text));
      continue;
    }
    if (typeof df !== 'string') {
      out.push(anyBuild(shown.line, shown.text));
      continue;
    }
    const cwdRelative = df.startsWith('cwd://');
    const rel = cwdRelative ? df.slice('cwd://'.length) : df;
    const known = !DYNAMIC.test(rel) && !rel.startsWith('/') && (cwdRelative || (ctx !== null && !DYNAMIC.test(ctx) && !REMOTE.test(ctx) && !ctx.startsWith('/')));
    if (!known) {
      const name = lastName(rel);
      out.push({ ...shown, dockerfiles: null, names: name === null ? [] : [name] });
      continue;
    }
    out.push({ ...shown, dockerfiles: [...new Set(folders.map((f) => resolveRel(cwdRelative ? f : resolveRel(f, ctx!), rel)))], names: [] });
  }
  return out;
}

export const bakeHclBuilds = (file: string, text: string, files: readonly string[] = []) => buildsOf(file, text, files, readHcl);
export const bakeJsonBuilds = (file: string, text: string, files: readonly string[] = []) => buildsOf(file, text, files, readJson);

/**
 * The process environment of a JavaScript build script: every call the script makes runs its
 * shell in ONE process, whose environment (`process.env`) each call passes on unless it gives
 * its own `env:` option. So a variable the script does not set is the same value in every
 * call (one inherited version, ../shell/versions.ts), and
 * `const tag = process.env.TAG ?? 'app-build'` reads as the shell's `${TAG-app-build}`
 * (`||`: `${TAG:-app-build}`), a run-time value with a known fallback.
 *
 * Read exactly, or not at all:
 * - `process.env.X = '…'` (a literal, as a statement of the script's top level) sets X for the
 *   top-level calls after it; any other write to `process.env` (in a function, a computed name,
 *   `delete`, `Object.assign(process.env, …)`, `process.env` handed to anything, `env` imported
 *   from `node:process`) leaves every call's environment unknown;
 * - `env: { ...process.env, NAME: '…' }` (or `env: process.env`) is the process environment with
 *   those names set; any other `env:`, or options that are not an object literal, leave that
 *   call's environment unknown;
 * - a const (top level, declared once) of `process.env.X ?? '…'` / `|| '…'` is read as
 *   `${X-…}` / `${X:-…}` only in a call whose environment is the process environment with X as
 *   inherited, and only when nothing in the script writes X; anywhere else it is an unknown.
 */
import { CLOSE, EXPORTED, ID, newVersions, OPEN, type Versions } from '../shell/versions.js';
import type { ScriptCommand } from '../../model/script.js';
import { collectPaths } from './js-syntax.js';

/** A call's environment: its known variables, and the versions its shell starts with. */
export interface CallEnv {
  vars: Map<string, string | null>;
  versions: Versions;
  /** Where the call starts in the file. */
  call: number;
  /** The `${X-…}` spellings of consts written into the call's shell text, with the key each reads as while X is the inherited value. */
  spelled: { name: string; text: string; keys: string[] }[];
}

export interface ProcessEnv {
  /** The environment a call's shell starts with: `call` is its CallExpression path, `options` its options argument (or a wrapper's). */
  at(call: any, options: any): CallEnv;
  /** Shell text for `e` (an interpolated expression) when it reads the process environment with a known fallback, in the call of environment `env`. */
  word(e: any, env: CallEnv): string | undefined;
  /**
   * The calls (by start) whose shell text reads a const's spelling as something else than the
   * value the const holds: the text itself assigns the variable before (`TAG=x; docker build
   * -t ${TAG-app}`), or may (a `read`, an `eval`). Those calls are to be read again with `plain`.
   */
  misread(parts: readonly { snippet: object; first: number; count: number; script: { final: { versions: Versions } } | null }[], commands: readonly ScriptCommand[], envOf: (snippet: object) => CallEnv | undefined): number[];
  /** Reads no const as the environment's in these calls (each const an unknown there). */
  plain(calls: readonly number[]): void;
  /**
   * Where the script first may write a variable docker reads for a build (a `DOCKER_*`,
   * `BUILDKIT_*` or `BUILDX_*` name, or a name not known) in a way the reader does not follow:
   * `Object.assign(process.env, …)`, `process.env[name] = …`, a write in a function, `delete`;
   * null when it does not. Each build's own value of such a variable is then not known.
   */
  buildEnvWrite: { at: number; what: string } | null;
}

/** Source text for a message: its first line, cut to 60 characters. */
export function shortText(t: string): string {
  const line = t.split('\n')[0]!;
  return line.length > 60 || line.length < t.length ? `${line.slice(0, 57)}…` : line;
}

/** Variables docker reads for a build (src/plan/build-flags.ts BUILD_ENV and the names it refuses). */
const BUILD_ENV_NAME = /^(DOCKER|BUILDKIT|BUILDX)_/;

type StaticString = (e: any) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A fallback written as is into `${X-…}`: no quoting, expansion or space to read again. */
const PLAIN_FALLBACK = /^[A-Za-z0-9_./:@+,=%^-]*$/;
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

const isProcessEnv = (n: any): boolean => n?.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.object.name === 'process' && n.property.type === 'Identifier' && n.property.name === 'env';

/** X of `process.env.X` or `process.env['X']`, or null. */
function envName(n: any): string | null {
  if (n?.type !== 'MemberExpression' || !isProcessEnv(n.object)) return null;
  const name = !n.computed && n.property.type === 'Identifier' ? n.property.name : n.computed && n.property.type === 'StringLiteral' ? n.property.value : null;
  return name !== null && NAME.test(name) ? name : null;
}

/** Whether a path's node runs in the script's top level, not in a function body. */
function atTopLevel(p: any): boolean {
  for (let cur = p.parent; cur; cur = cur.parent) if (FUNCTIONS.has(cur.node.type)) return false;
  return true;
}

/** Whether an expression statement's path stands directly in the program's body. */
const topStatement = (p: any): boolean => p?.node.type === 'ExpressionStatement' && p.parent?.node.type === 'Program';

interface EnvConst {
  name: string;
  operator: '??' | '||';
  fallback: string;
}

export function readProcessEnv(file: string, text: string, tree: any, paths: { VariableDeclarator: any[]; ImportDeclaration: any[]; CallExpression: any[] }, staticString: StaticString, boundOnce: (name: string) => boolean): ProcessEnv {
  const shared = newVersions([], `${file}#env`);
  /** Top-level `process.env.X = '…'`, in the order they run. */
  const writes: { at: number; name: string; value: string }[] = [];
  const written = new Set<string>();
  let unknown = false;
  const imported = (source: unknown) => source === 'process' || source === 'node:process';
  if (paths.ImportDeclaration.some((p: any) => imported(p.node.source.value))) unknown = true;
  if (paths.CallExpression.some((p: any) => p.node.callee.type === 'Identifier' && p.node.callee.name === 'require' && imported(p.node.arguments[0]?.value))) unknown = true;
  let buildEnvWrite: { at: number; what: string } | null = null;
  /** A use of `process` at `node` that may write the environment (`name`: the variable, when known). */
  const mayWrite = (node: any, name: string | null) => {
    if (buildEnvWrite === null && (name === null || BUILD_ENV_NAME.test(name))) buildEnvWrite = { at: node.start, what: shortText(text.slice(node.start, node.end)) };
  };
  // Imported from node:process, every environment is unknown; the walk below still finds where the script may write a build's variables.
  const imports = unknown;
  if (text.includes('process')) {
    for (const p of collectPaths(tree, ['Identifier'] as const).Identifier) {
      if (p.node.name !== 'process') continue;
      const parent = p.parent?.node;
      // `foo.process`, `{ process: … }`: a name, not the global
      if ((parent?.type === 'MemberExpression' && parent.property === p.node && !parent.computed) || (parent?.type === 'ObjectProperty' && parent.key === p.node && !parent.computed)) continue;
      // The import's own binding (`import process from 'node:process'`) is no use.
      if (imports && (parent?.type === 'ImportDefaultSpecifier' || parent?.type === 'ImportSpecifier' || parent?.type === 'ImportNamespaceSpecifier')) continue;
      if (parent?.type !== 'MemberExpression' || parent.object !== p.node || parent.computed) {
        unknown = true;
        mayWrite(parent ?? p.node, null);
        break;
      }
      if (!isProcessEnv(parent)) continue;
      const use = p.parent.parent;
      const u = use?.node;
      if (u?.type === 'MemberExpression' && u.object === parent) {
        const target = use.parent?.node;
        if (target?.type === 'AssignmentExpression' && target.left === u) {
          const name = envName(u);
          const value = target.operator === '=' ? staticString(target.right) : undefined;
          if (name === null || value === undefined || !topStatement(use.parent.parent)) {
            unknown = true;
            mayWrite(target, name);
            if (imports) continue;
            break;
          }
          writes.push({ at: target.end, name, value });
          written.add(name);
          continue;
        }
        const patterns = ['UpdateExpression', 'ArrayPattern', 'ObjectPattern', 'RestElement', 'ForInStatement', 'ForOfStatement'];
        if ((target?.type === 'UnaryExpression' && target.operator === 'delete') || patterns.includes(target?.type) || (target?.type === 'ObjectProperty' && use.parent.parent?.node.type === 'ObjectPattern') || (target?.type === 'AssignmentPattern' && target.left === u)) {
          unknown = true;
          mayWrite(target, envName(u));
          if (imports) continue;
          break;
        }
        continue; // a read
      }
      // `{ ...process.env }` copies it; `env: process.env` hands it to a child that only reads it
      if (u?.type === 'SpreadElement' && use.parent?.node.type === 'ObjectExpression') continue;
      if (u?.type === 'ObjectProperty' && u.value === parent && !u.computed && (u.key.name === 'env' || u.key.value === 'env')) continue;
      unknown = true;
      mayWrite(u ?? parent, null);
      if (imports) continue;
      break;
    }
  }
  // `import { env } from 'node:process'` (or `const { env } = require('process')`): a write through that name.
  const envNames = new Set<string>();
  for (const p of paths.ImportDeclaration) if (imported(p.node.source.value)) for (const x of p.node.specifiers ?? []) if (x.type === 'ImportSpecifier' && (x.imported?.name ?? x.imported?.value) === 'env') envNames.add(x.local.name);
  for (const p of paths.VariableDeclarator) {
    const { id, init } = p.node;
    if (id.type === 'ObjectPattern' && init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && imported(init.arguments[0]?.value)) {
      for (const x of id.properties) if (x.type === 'ObjectProperty' && !x.computed && (x.key.name ?? x.key.value) === 'env' && x.value.type === 'Identifier') envNames.add(x.value.name);
    }
  }
  if (envNames.size > 0 && buildEnvWrite === null) {
    for (const p of collectPaths(tree, ['Identifier'] as const).Identifier) {
      if (!envNames.has(p.node.name)) continue;
      const parent = p.parent?.node;
      if (parent?.type === 'ImportSpecifier' || (parent?.type === 'ObjectProperty' && parent.value === p.node && p.parent.parent?.node.type === 'ObjectPattern')) continue;
      if (parent?.type === 'MemberExpression' && parent.object === p.node) {
        const target = p.parent.parent?.node;
        const name = !parent.computed && parent.property.type === 'Identifier' ? parent.property.name : parent.computed && parent.property.type === 'StringLiteral' ? parent.property.value : null;
        const written = (target?.type === 'AssignmentExpression' && target.left === parent) || target?.type === 'UpdateExpression' || (target?.type === 'UnaryExpression' && target.operator === 'delete');
        if (written) mayWrite(target, name);
        continue;
      }
      // Handed to anything (`Object.assign(env, …)`), or bound to another name: it may be written.
      mayWrite(parent ?? p.node, null);
    }
  }
  writes.sort((a, b) => a.at - b.at);

  // Top-level consts of `process.env.X ?? '…'`, each name bound once in the file (no parameter or other declaration of it).
  const consts = new Map<string, EnvConst>();
  for (const p of paths.VariableDeclarator) {
    const { id, init } = p.node;
    if (id.type !== 'Identifier' || !boundOnce(id.name) || p.parent.node.kind !== 'const' || p.parent.parent?.node.type !== 'Program') continue;
    const read = envDefault(init);
    if (read) consts.set(id.name, read);
  }

  function envDefault(e: any): EnvConst | null {
    if (e?.type !== 'LogicalExpression' || (e.operator !== '??' && e.operator !== '||')) return null;
    const name = envName(e.left);
    const fallback = staticString(e.right);
    if (name === null || fallback === undefined || !PLAIN_FALLBACK.test(fallback)) return null;
    return { name, operator: e.operator, fallback };
  }

  /** Environments made here, by what they hold (`inherits`: which names still have the process's inherited value). */
  const inheritsOf = new WeakMap<CallEnv, (name: string) => boolean>();
  let calls = 0;
  const plainCalls = new Set<number>();
  const unknownEnv = (call: number): CallEnv => {
    const versions = newVersions([], `${file}#env-unknown-${++calls}`);
    versions.baseUnset = false;
    const env = { vars: new Map<string, string | null>(), versions, call, spelled: [] };
    inheritsOf.set(env, () => false);
    return env;
  };
  const withValues = (call: number, set: Map<string, { value: string; id: string }>): CallEnv => {
    if (set.size === 0) {
      const env = { vars: new Map<string, string | null>(), versions: shared, call, spelled: [] };
      inheritsOf.set(env, () => true);
      return env;
    }
    const of = new Map(shared.of);
    const vars = new Map<string, string | null>();
    for (const [name, { value, id }] of set) {
      of.set(name, { id, fallback: value });
      vars.set(name, value);
    }
    const env = { vars, versions: { ...shared, of, inherited: new Set([...shared.inherited, ...set.keys()]), exported: new Set([...shared.exported, ...set.keys()]) }, call, spelled: [] };
    inheritsOf.set(env, (name) => !set.has(name));
    return env;
  };

  return {
    at(call, options) {
      if (unknown) return unknownEnv(call.node.start);
      const set = new Map<string, { value: string; id: string }>();
      if (writes.length > 0) {
        if (!atTopLevel(call)) return unknownEnv(call.node.start);
        for (const w of writes) if (w.at <= call.node.start) set.set(w.name, { value: w.value, id: `${file}#env@${w.at}` });
      }
      if (options !== undefined && options !== null) {
        if (options.type !== 'ObjectExpression') return unknownEnv(call.node.start);
        for (const prop of options.properties) {
          if (prop.type !== 'ObjectProperty' || prop.computed) return unknownEnv(call.node.start);
          if ((prop.key.name ?? prop.key.value) !== 'env') continue;
          const own = prop.value;
          if (isProcessEnv(own)) continue;
          if (own.type !== 'ObjectExpression' || own.properties.length === 0 || own.properties[0].type !== 'SpreadElement' || !isProcessEnv(own.properties[0].argument)) return unknownEnv(call.node.start);
          for (const q of own.properties.slice(1)) {
            const name = q.type === 'ObjectProperty' && !q.computed ? (q.key.name ?? q.key.value) : null;
            const value = q.type === 'ObjectProperty' ? staticString(q.value) : undefined;
            if (typeof name !== 'string' || !NAME.test(name) || value === undefined) return unknownEnv(call.node.start);
            set.set(name, { value, id: `${file}#env@${q.start}` });
          }
        }
      }
      return withValues(call.node.start, set);
    },
    word(e, env) {
      const read = e?.type === 'Identifier' ? consts.get(e.name) : null;
      if (!read || written.has(read.name) || plainCalls.has(env.call) || !inheritsOf.get(env)?.(read.name)) return undefined;
      const op = read.operator === '??' ? '-' : ':-';
      const text = `\${${read.name}${op}${read.fallback}}`;
      const tail = `${ID}${env.versions.base}${ID}${op}${read.fallback}${CLOSE}`;
      env.spelled.push({ name: read.name, text, keys: [`${OPEN}${read.name}${tail}`, `${OPEN}${read.name}${EXPORTED}${tail}`] });
      return text;
    },
    misread(parts, commands, envOf) {
      const out: number[] = [];
      for (const part of parts) {
        const env = envOf(part.snippet);
        if (!env || env.spelled.length === 0) continue;
        const final = part.script?.final.versions;
        // The text assigned a variable it reads a const as, or may have assigned anything.
        let bad = !final || final.base !== env.versions.base || env.spelled.some((s) => final.of.get(s.name) !== env.versions.of.get(s.name));
        for (const cmd of commands.slice(part.first, part.first + part.count)) {
          if (bad) break;
          for (const w of [...cmd.words, ...cmd.redirects.map((r) => r.target)]) {
            // Each word spelling a const must read it at the inherited value; a word that may differ
            // each time (`$(docker create ${TAG-app})`: its inner command is checked itself) claims nothing.
            if (env.spelled.some((s) => w.raw.includes(s.text) && (w.value !== null || (typeof w.same === 'string' && !s.keys.some((k) => w.same!.includes(k)))))) bad = true;
          }
        }
        if (bad) out.push(env.call);
      }
      return out;
    },
    plain(calls) {
      for (const c of calls) plainCalls.add(c);
    },
    buildEnvWrite,
  };
}

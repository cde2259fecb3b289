/**
 * What a JavaScript/TypeScript build script knows statically beyond string literals:
 *
 * - small wrappers around the process calls: `const sh = (cmd) => execSync(cmd, {stdio:
 *   'inherit'})`, `function run(cmd, args) { return spawnSync(cmd, args, opts); }`. A wrapper
 *   counts only when its whole body is one call of execSync/exec (shell text) or
 *   spawnSync/spawn/execFileSync/execFile (argv, without `shell:`) that passes its parameters
 *   straight through, in order, with literal options; a call of it reads as that call. Any
 *   other function stays unknown.
 * - `require('../package.json')` and `import pkg from '../package.json'` (with or without an
 *   import attribute), read with JSON.parse: `pkg.name`, `pkg.version` and other string fields
 *   are static, also destructured (`const { name, version } = require(…)`).
 * - `const` strings built from those (`` const image = `${pkg.name}:${pkg.version}` ``).
 */
import path from 'node:path/posix';

export const SHELL_CALLS = new Set(['exec', 'execSync']);
export const ARGV_CALLS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'execa', 'execaSync']);

/** The paths of a script's nodes by type, in walk order (./js-syntax.ts collectPaths). */
export type ScriptPaths = Record<'VariableDeclarator' | 'FunctionDeclaration' | 'AssignmentExpression' | 'ImportDeclaration', any[]>;

/** A wrapper: calls of it read as `via(...args, options)`. */
export interface Wrapper {
  kind: 'shell' | 'argv';
  /** The call it makes (`execSync`, `spawnSync`, `exec`…), and its callee node: what a failure does (./js-failure.ts). */
  via: string;
  callee: any;
  /** The options object the wrapper passes (an ObjectExpression node), or null. */
  options: any;
}

const calleeName = (callee: any): string | null => (callee?.type === 'Identifier' ? callee.name : callee?.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : null);

/** Options written out literally (no spread, no computed keys), and for argv calls no `shell`. */
function literalOptions(node: any, argv: boolean): boolean {
  if (!node) return true;
  if (node.type !== 'ObjectExpression') return false;
  return node.properties.every((p: any) => (p.type === 'ObjectProperty' || p.type === 'Property') && !p.computed && !(argv && (p.key?.name === 'shell' || p.key?.value === 'shell')));
}

/** The one call a function body makes with its result, or null for any other body. */
function soleCall(body: any): any {
  if (body?.type === 'CallExpression') return body;
  if (body?.type !== 'BlockStatement' || body.body.length !== 1) return null;
  const st = body.body[0];
  if (st.type === 'ExpressionStatement' && st.expression.type === 'CallExpression') return st.expression;
  if (st.type === 'ReturnStatement' && st.argument?.type === 'CallExpression') return st.argument;
  return null;
}

/** The wrapper a function is, or null. */
function wrapperOf(fn: any): Wrapper | null {
  if (!fn || fn.async || fn.generator) return null;
  const params = fn.params ?? [];
  if (!params.every((p: any) => p.type === 'Identifier')) return null;
  const call = soleCall(fn.body);
  if (!call) return null;
  const name = calleeName(call.callee);
  const args = call.arguments;
  const isParam = (a: any, k: number) => a?.type === 'Identifier' && params[k]?.name === a.name;
  if (name && SHELL_CALLS.has(name) && params.length === 1 && isParam(args[0], 0) && args.length <= 2 && literalOptions(args[1], false)) {
    return { kind: 'shell', options: args[1] ?? null, via: name, callee: call.callee };
  }
  if (name && ARGV_CALLS.has(name) && params.length === 2 && isParam(args[0], 0) && isParam(args[1], 1) && args.length <= 3 && literalOptions(args[2], true)) {
    return { kind: 'argv', options: args[2] ?? null, via: name, callee: call.callee };
  }
  return null;
}

/** Names bound more than once (or assigned to) cannot be trusted to be the wrapper everywhere. */
function rebound(paths: ScriptPaths): Set<string> {
  const seen = new Map<string, number>();
  const count = (n: string) => seen.set(n, (seen.get(n) ?? 0) + 1);
  paths.VariableDeclarator.forEach((p: any) => p.node.id.type === 'Identifier' && count(p.node.id.name));
  paths.FunctionDeclaration.forEach((p: any) => p.node.id && count(p.node.id.name));
  paths.AssignmentExpression.forEach((p: any) => {
    if (p.node.left.type === 'Identifier') seen.set(p.node.left.name, 2);
  });
  return new Set([...seen].filter(([, k]) => k > 1).map(([n]) => n));
}

/** The wrappers a file defines: `const x = (…) => …`, `const x = function (…) {…}`, `function x(…) {…}`. */
export function findWrappers(paths: ScriptPaths): Map<string, Wrapper> {
  const out = new Map<string, Wrapper>();
  const twice = rebound(paths);
  paths.VariableDeclarator.forEach((p: any) => {
    const { id, init } = p.node;
    if (p.parent.node.kind !== 'const' || id.type !== 'Identifier' || twice.has(id.name)) return;
    if (init?.type !== 'ArrowFunctionExpression' && init?.type !== 'FunctionExpression') return;
    const w = wrapperOf(init);
    if (w) out.set(id.name, w);
  });
  paths.FunctionDeclaration.forEach((p: any) => {
    const id = p.node.id;
    if (!id || twice.has(id.name)) return;
    const w = wrapperOf(p.node);
    if (w) out.set(id.name, w);
  });
  return out;
}

/** A JSON file's object, or null. */
export type ReadJson = (rel: string) => Record<string, unknown> | null;

/** `pkg` for `require('../package.json')` / `import pkg from '../package.json'`; destructured fields as constants. */
export function packageJsonBindings(paths: ScriptPaths, file: string, readJson: ReadJson): { objects: Map<string, Record<string, unknown>>; fields: Map<string, string> } {
  const objects = new Map<string, Record<string, unknown>>();
  const fields = new Map<string, string>();
  const dir = path.dirname(file);
  const load = (spec: string): Record<string, unknown> | null => (spec.endsWith('.json') && spec.startsWith('.') ? readJson(path.normalize(path.join(dir, spec))) : null);
  paths.ImportDeclaration.forEach((p: any) => {
    const spec = p.node.source?.value;
    const def = p.node.specifiers?.find((s: any) => s.type === 'ImportDefaultSpecifier');
    if (typeof spec !== 'string' || !def || p.node.importKind === 'type') return;
    const json = load(spec);
    if (json) objects.set(def.local.name, json);
  });
  paths.VariableDeclarator.forEach((p: any) => {
    const { id, init } = p.node;
    if (p.parent.node.kind !== 'const' || init?.type !== 'CallExpression' || init.callee.type !== 'Identifier' || init.callee.name !== 'require') return;
    const spec = init.arguments[0];
    if (init.arguments.length !== 1 || spec?.type !== 'StringLiteral') return;
    const json = load(spec.value);
    if (!json) return;
    if (id.type === 'Identifier') objects.set(id.name, json);
    else if (id.type === 'ObjectPattern') {
      for (const prop of id.properties) {
        if (prop.type !== 'ObjectProperty' || prop.computed || prop.key.type !== 'Identifier' || prop.value.type !== 'Identifier') continue;
        const v = json[prop.key.name];
        if (typeof v === 'string') fields.set(prop.value.name, v);
      }
    }
  });
  return { objects, fields };
}

/** The static string an expression is, or undefined. */
export function staticString(e: any, consts: ReadonlyMap<string, string>, objects: ReadonlyMap<string, Record<string, unknown>>): string | undefined {
  if (!e) return undefined;
  if (e.type === 'StringLiteral') return e.value;
  if (e.type === 'Identifier') return consts.get(e.name);
  if (e.type === 'MemberExpression' && !e.computed && e.object.type === 'Identifier' && e.property.type === 'Identifier') {
    const v = objects.get(e.object.name)?.[e.property.name];
    return typeof v === 'string' ? v : undefined;
  }
  if (e.type === 'TemplateLiteral') {
    let out = '';
    for (const [k, q] of e.quasis.entries()) {
      if (q.value.cooked === null || q.value.cooked === undefined) return undefined;
      out += q.value.cooked;
      if (k < e.expressions.length) {
        const v = staticString(e.expressions[k], consts, objects);
        if (v === undefined) return undefined;
        out += v;
      }
    }
    return out;
  }
  return undefined;
}

/**
 * A builder tag held in a JavaScript const (`const builder = 'app-build'`, or the fallback of
 * `const builder = process.env.BUILDER ?? 'app-build'`) is not used where it is declared: its
 * uses are the places that read the const. The tag search (./tag-mentions.ts) searches the
 * commands the JS reader read by their words' values, so a const whose every use is such a word
 * (`execSync(`docker run ${builder} go test`)`, `spawnSync('docker', ['create', builder])`) has
 * been searched already where it is used, and its declaration is no use of its own.
 *
 * Followed, and so not a use: a read inside a command the reader read whose word carries the
 * declared text (its value, or its fallback when only known at run time), an argument printed by
 * `console.log` (and its siblings: the terminal, as `echo`), and the text of another such const
 * (`const ref = `${builder}:latest``), followed the same way. Anything else keeps the
 * declaration a use: the const exported, declared twice, read in a call the reader did not read
 * as a command (`spawnSync('trivy', ['image', builder])`, `fs.writeFileSync(f, builder)`), or in
 * a call where the reader does not know its value (a word read as unknown).
 */
import type { ScriptFile } from '../model/script.js';
import { collectPaths, parseScriptTree } from '../analyze/hosts/js-syntax.js';
import { addTo } from '../model/multimap.js';

const PRINTS = new Set(['log', 'info', 'warn', 'error', 'debug']);
/** An expression that pastes its parts' text into a larger string, and does no more with them. */
const pastes = (n: any): boolean => n.type === 'TemplateLiteral' || (n.type === 'BinaryExpression' && n.operator === '+');

export interface JsBindings {
  /** Each name's declarators, and the paths of every identifier read by that name. */
  declarators: Map<string, any[]>;
  reads: Map<string, any[]>;
  /** Names also declared otherwise: a function, a class, a parameter, a `catch`, an import. */
  others: Set<string>;
}

/** The declarators and identifier reads of a JavaScript file, read once per file. */
export function jsBindings(text: string): JsBindings | null {
  let tree: any;
  try {
    tree = parseScriptTree(text);
  } catch {
    return null;
  }
  const paths = collectPaths(tree, ['VariableDeclarator', 'Identifier'] as const);
  const declarators = new Map<string, any[]>();
  for (const p of paths.VariableDeclarator) {
    // A destructuring pattern declares names too: each counts as a declaration of its name.
    for (const name of patternNames(p.node.id)) addTo(declarators, name, p);
  }
  const reads = new Map<string, any[]>();
  const others = new Set<string>();
  for (const p of paths.Identifier) {
    if (!isRead(p, others)) continue;
    addTo(reads, p.node.name, p);
  }
  return { declarators, reads, others };
}

function patternNames(id: any): string[] {
  if (!id) return [];
  if (id.type === 'Identifier') return [id.name];
  if (id.type === 'ObjectPattern') return id.properties.flatMap((p: any) => patternNames(p.type === 'RestElement' ? p.argument : p.value));
  if (id.type === 'ArrayPattern') return id.elements.flatMap((e: any) => patternNames(e));
  if (id.type === 'AssignmentPattern') return patternNames(id.left);
  if (id.type === 'RestElement') return patternNames(id.argument);
  return [];
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

/**
 * Whether an identifier reads a binding, not names one: a property name, an object key, a
 * label, a declared name. A name declared by a function, a class, a parameter, a `catch` or an
 * import is noted in `others` (a const of that name may be shadowed there).
 */
function isRead(p: any, others: Set<string>): boolean {
  const parent = p.parent?.node;
  const name = p.node.name;
  if (!parent) return false;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === p.node && !parent.computed) return false;
  if ((parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod' || parent.type === 'ClassProperty' || parent.type === 'ClassMethod') && parent.key === p.node && !parent.computed) {
    // `{ builder }` (shorthand) reads it as well as naming the key.
    return parent.type === 'ObjectProperty' && parent.shorthand === true && parent.value === p.node;
  }
  if (parent.type === 'VariableDeclarator' && parent.id === p.node) return false;
  if (FUNCTIONS.has(parent.type) || parent.type === 'ClassDeclaration' || parent.type === 'ClassExpression' || parent.type === 'CatchClause') {
    if (parent.id === p.node || parent.params?.includes(p.node) || parent.param === p.node) {
      others.add(name);
      return false;
    }
  }
  if (parent.type === 'ImportSpecifier' || parent.type === 'ImportDefaultSpecifier' || parent.type === 'ImportNamespaceSpecifier') {
    others.add(name);
    return false;
  }
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
  return true;
}

/** Whether a node is `process.env.X` or `process.env['X']`. */
function readsProcessEnv(n: any): boolean {
  const env = n?.type === 'MemberExpression' ? n.object : null;
  return env?.type === 'MemberExpression' && !env.computed && env.object.type === 'Identifier' && env.object.name === 'process' && env.property.type === 'Identifier' && env.property.name === 'env';
}

/** The const declarator whose value is the string literal at `at` (as its whole value, or the fallback of `process.env.X ?? '…'`), or null. */
function declaratorOf(bindings: JsBindings, at: number): { path: any; name: string; value: string } | null {
  for (const [name, decls] of bindings.declarators) {
    for (const d of decls) {
      const { id, init } = d.node;
      if (id.type !== 'Identifier' || !init || init.start > at || at >= init.end) continue;
      const literal = init.type === 'LogicalExpression' && (init.operator === '??' || init.operator === '||') && readsProcessEnv(init.left) ? init.right : init;
      if (literal.type !== 'StringLiteral' || literal.start > at || at >= literal.end) return null;
      return { path: d, name, value: literal.value };
    }
  }
  return null;
}

/** Whether the const declared at `decl` stays a file's own: declared once, with `const`, not exported. */
function ownConst(bindings: JsBindings, decl: any, name: string): boolean {
  const declaration = decl.parent;
  if (declaration?.node.type !== 'VariableDeclaration' || declaration.node.kind !== 'const') return false;
  if ((bindings.declarators.get(name) ?? []).length !== 1 || bindings.others.has(name)) return false;
  const holder = declaration.parent?.node.type;
  return holder !== 'ExportNamedDeclaration' && holder !== 'ExportDefaultDeclaration';
}

/**
 * Whether the builder tag found at `at` in a JavaScript file is the value of a const whose
 * every use is followed (see above): then the declaration itself is no use of the image.
 */
export function constUsesFollowed(bindings: JsBindings | null, script: ScriptFile, at: number): boolean {
  if (!bindings) return false;
  const decl = declaratorOf(bindings, at);
  if (!decl) return false;
  return usesFollowed(bindings, script, decl.path, decl.name, decl.value, new Set());
}

function usesFollowed(bindings: JsBindings, script: ScriptFile, decl: any, name: string, value: string, seen: Set<string>): boolean {
  if (seen.has(name) || !ownConst(bindings, decl, name)) return false;
  seen.add(name);
  for (const read of bindings.reads.get(name) ?? []) {
    if (inReadCommand(script, read.node.start, value) || printed(read)) continue;
    const into = pastedInto(read);
    if (into && usesFollowed(bindings, script, into.decl, into.name, value, seen)) continue;
    return false;
  }
  return true;
}

/** A word of a command the reader read, at `at`, whose value (or fallback) holds `value`. */
function inReadCommand(script: ScriptFile, at: number, value: string): boolean {
  for (const cmd of script.commands) {
    if (cmd.start > at || at >= cmd.end) continue;
    for (const w of [...cmd.words, ...cmd.redirects.map((r) => r.target)]) {
      if (w.start <= at && at < w.end && (w.value ?? w.fallback ?? '').includes(value)) return true;
    }
  }
  return false;
}

/** The const a read is pasted into as text (`const ref = `${builder}:latest``), or null. */
function pastedInto(read: any): { decl: any; name: string } | null {
  let cur = read;
  while (cur.parent && pastes(cur.parent.node)) cur = cur.parent;
  const node = cur.parent?.node;
  return node?.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init === cur.node ? { decl: cur.parent, name: node.id.name } : null;
}

/** A read that only reaches `console.log` and its siblings, directly or pasted into a string. */
function printed(read: any): boolean {
  let cur = read;
  while (cur.parent && pastes(cur.parent.node)) cur = cur.parent;
  const call = cur.parent?.node;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(cur.node)) return false;
  const callee = call.callee;
  return callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === 'console' && callee.property.type === 'Identifier' && PRINTS.has(callee.property.name);
}

/**
 * Where a call of a JavaScript build script runs: the statements and expressions between it and
 * the top of the file that decide whether, and how often, it runs (an `if`/`else` branch, a
 * `? :` arm, the right side of `&&`/`||`/`??`, a `switch` case, a loop body, a `catch`, a `try`
 * block whose `catch` goes on), read
 * as branches of the commands it gives, the way a shell `if` body is (src/analyze/conditions.ts
 * compares them: a setup whose steps do not all run on the same paths is refused).
 *
 * A function's body runs where the function is called: a function of the file called once, by
 * its name (or called where it is written, `(() => { … })()`), is read at that call, in that
 * call's place in the order of the script and under that call's conditions. Any other function
 * (called twice or never, passed as a callback, exported, calling itself) may run at any time,
 * any number of times: its calls are in a branch of their own and in a loop.
 */
import type { Branch } from '../../model/script.js';

export interface CallPlace {
  /** Sort key: the offsets of the call sites from the outermost one in, ending with the call itself. */
  order: number[];
  /** Outermost first. */
  branches: Branch[];
  /** Whether the call may run more than once. */
  loop: boolean;
}

const FUNCTION = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod)$/;
const LOOP = /^(ForStatement|ForInStatement|ForOfStatement|WhileStatement|DoWhileStatement)$/;

/** Counts every identifier of the tree by name (declarations and references alike). */
function identifierCounts(tree: any): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node.type !== 'string') return;
    if (node.type === 'Identifier') counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'extra' || key === 'comments' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
      walk(node[key]);
    }
  };
  walk(tree);
  return counts;
}

/**
 * `callPaths`: the paths of every CallExpression of the file (ast-types NodePaths, `.node` and
 * `.parent`); `once`: whether the file binds a name once.
 */
export function callPlaces(tree: any, text: string, callPaths: readonly any[], once: (name: string) => boolean): (path: any) => CallPlace {
  const lineOf = (o: number) => text.slice(0, o).split('\n').length;
  let identifiers: Map<string, number> | undefined;
  const callsByName = new Map<string, any[]>();
  for (const p of callPaths) {
    const callee = p.node.callee;
    if (callee?.type !== 'Identifier') continue;
    const list = callsByName.get(callee.name) ?? [];
    list.push(p);
    callsByName.set(callee.name, list);
  }

  /** The one call that runs a function's body, or null when it may run any number of times. */
  const callSite = (fn: any): any | null => {
    const node = fn.node;
    const parent = fn.parent?.node;
    if (parent && /CallExpression$/.test(parent.type) && parent.callee === node) return fn.parent;
    const name =
      node.type === 'FunctionDeclaration' ? node.id?.name : parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'Identifier' && fn.parent.parent?.node.kind === 'const' ? parent.id.name : undefined;
    if (!name || !once(name)) return null;
    const calls = callsByName.get(name) ?? [];
    identifiers ??= identifierCounts(tree);
    // The name itself, then its one call: no other mention (a callback, an export, a second call).
    if (calls.length !== 1 || identifiers.get(name) !== 2) return null;
    return calls[0];
  };

  const memo = new Map<any, CallPlace>();
  const placeOf = (path: any, visiting: Set<any>): CallPlace => {
    const cached = memo.get(path.node);
    if (cached) return cached;
    const inner: Branch[] = [];
    let loop = false;
    let outer: CallPlace | null = null;
    let child = path;
    for (let cur = path.parent; cur; child = cur, cur = cur.parent) {
      const P = cur.node;
      const c = child.node;
      const at = `${lineOf(P.start)}`;
      if ((P.type === 'IfStatement' || P.type === 'ConditionalExpression') && c !== P.test) {
        const arm = c === P.consequent ? 'then' : 'else';
        inner.push({ id: `js-if:${P.start}:${arm}`, where: `in the ${arm === 'then' ? '' : 'other '}branch of the ${P.type === 'IfStatement' ? '`if`' : '`? :`'} at line ${at}` });
      } else if (P.type === 'LogicalExpression' && c === P.right) {
        inner.push({ id: `js-logical:${P.start}`, where: `on the right of the \`${P.operator}\` at line ${at}, which runs only on what its left side gives` });
      } else if (P.type === 'SwitchCase' && c !== P.test) {
        inner.push({ id: `js-case:${P.start}`, where: `in the \`switch\` case at line ${at}` });
      } else if (P.type === 'TryStatement' && c === P.block && P.handler && !endsInFailure(P.handler)) {
        inner.push({ id: `js-try:${P.start}`, where: `in the \`try\` at line ${at}, whose \`catch\` goes on when a call in it fails (the calls after that one in the block are skipped)` });
      } else if (P.type === 'TryStatement' && c === P.handler) {
        inner.push({ id: `js-catch:${P.start}`, where: `in the \`catch\` at line ${at}, which runs only when the \`try\` fails`, ...(endsInFailure(P.handler) ? { failing: true as const } : {}) });
      } else if (LOOP.test(P.type) && !(P.type === 'ForStatement' && c === P.init) && !(/^ForIn|^ForOf/.test(P.type) && c === P.right)) {
        loop = true;
        inner.push({ id: `js-loop:${P.start}`, where: `in the loop at line ${at}, which may run it any number of times` });
      } else if (FUNCTION.test(P.type)) {
        const site = visiting.has(P) ? null : callSite(cur);
        if (site) {
          outer = placeOf(site, new Set([...visiting, P]));
        } else {
          loop = true;
          inner.push({ id: `js-fn:${P.start}`, where: `in the function at line ${at}, which is not called exactly once by its name, so it may run at any time, any number of times` });
        }
        break;
      }
    }
    const place: CallPlace = {
      order: [...(outer?.order ?? []), path.node.start],
      branches: [...(outer?.branches ?? []), ...inner.reverse()],
      loop: loop || (outer?.loop ?? false),
    };
    memo.set(path.node, place);
    return place;
  };
  return (path) => placeOf(path, new Set());
}

/**
 * Early exits that end the script (or the function holding them) with success: a `return`, a
 * `process.exit()` / `process.exit(0)`, or `process.exit(CODE)` with a code whose value is not
 * known to fail. The calls after one run only on the paths where it did not: each gets a branch
 * of its own (a `return`'s in a function, the calls after it in that function; a `process.exit`'s,
 * or a `return` at the top level of a CommonJS file, which ends the module, every call after it in
 * the script's order). `returns` and `exits` are the ReturnStatement and `process.exit`
 * CallExpression paths; `numberOf` reads an expression's number where the file fixes it (a
 * literal, a `const` bound once to one).
 */
export function exitBranches(text: string, returns: readonly any[], exits: readonly any[], placeOf: (path: any) => CallPlace, numberOf: (e: any) => number | undefined = literalNumber): (call: { place: CallPlace }) => Branch[] {
  const lineOf = (o: number) => text.slice(0, o).split('\n').length;
  const ends: { after: (order: readonly number[]) => boolean; branch: Branch }[] = [];
  for (const r of returns) {
    let fn = r.parent;
    while (fn && !FUNCTION.test(fn.node.type)) fn = fn.parent;
    if (!fn) {
      // Node wraps a CommonJS file in a function: a `return` outside any function ends the module.
      const at = placeOf(r).order;
      const [from, to] = [r.node.start, r.node.end];
      ends.push({ after: (order) => byPlace(order, at) > 0 && !(order[order.length - 1]! >= from && order[order.length - 1]! < to), branch: { id: `js-return:${r.node.start}`, where: `after the \`return\` at line ${lineOf(r.node.start)}, which may end the script before it` } });
      continue;
    }
    const [from, to] = [r.node.end, fn.node.end];
    ends.push({ after: (order) => order.some((o) => o >= from && o < to), branch: { id: `js-return:${r.node.start}`, where: `after the \`return\` at line ${lineOf(r.node.start)}, which may end its function before it` } });
  }
  for (const e of exits) {
    const code = e.node.arguments[0];
    // Only a code known to fail (not 0 modulo 256) ends the run the way a failed step does.
    const value = code === undefined ? 0 : numberOf(code);
    if (value !== undefined && value % 256 !== 0) continue;
    const at = placeOf(e).order;
    const [from, to] = [e.node.start, e.node.end];
    ends.push({ after: (order) => byPlace(order, at) > 0 && !(order[order.length - 1]! >= from && order[order.length - 1]! < to), branch: { id: `js-exit:${from}`, where: `after the \`process.exit\` at line ${lineOf(from)}, which may end the script before it` } });
  }
  return (call) => ends.filter((x) => x.after(call.place.order)).map((x) => x.branch);
}

/** A numeric literal's value (`-1` too). */
export function literalNumber(e: any): number | undefined {
  if (e?.type === 'NumericLiteral') return e.value;
  if (e?.type === 'UnaryExpression' && e.operator === '-' && e.argument?.type === 'NumericLiteral') return -e.argument.value;
  return undefined;
}

/** `process.exit(…)`. */
export function isProcessExit(node: any): boolean {
  const c = node.callee;
  return c?.type === 'MemberExpression' && c.object?.type === 'Identifier' && c.object.name === 'process' && !c.computed && c.property?.name === 'exit';
}

/**
 * A `catch` that fails the script in turn (its last statement a `throw`, or `process.exit(N)`
 * with N a non-zero number): its `try` block's calls stop the script when they fail, as outside it.
 */
function endsInFailure(handler: any): boolean {
  const last = handler.body?.body?.[handler.body.body.length - 1];
  if (last?.type === 'ThrowStatement') return true;
  const e = last?.type === 'ExpressionStatement' ? last.expression : null;
  const code = e?.type === 'CallExpression' && isProcessExit(e) ? e.arguments[0] : undefined;
  return code?.type === 'NumericLiteral' && code.value % 256 !== 0;
}

/** Compares two places' sort keys: by the outermost call site first. */
export function byPlace(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

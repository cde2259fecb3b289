/**
 * shelljs's `exec` (`const shell = require('shelljs'); shell.exec('docker build …')`), which is
 * not Node's: it runs its text with `/bin/sh -c` (or the `shell` option's program) and returns
 * when the command has ended, unless given a callback or `{ async: true }` (then it returns at
 * once, as Node's `exec` does). Synchronous, it waits for the command, and keeps its output in a
 * buffer of `maxBuffer` bytes (20 MiB by default; the options reach the child as JSON, so
 * `Infinity` is no way out) while printing it; a failure throws only where `fatal` is on (the
 * call's `fatal: true`, or `shell.set('-e')` / `shell.config.fatal = true` earlier), else the
 * script goes on with the failed result (shelljs's exec.js, exec-child.js).
 */

/** The local names the script binds from shelljs: `exec` itself (`import { exec } from 'shelljs'`), and the module (`const shell = require('shelljs')`). */
export function shelljsNames(imports: readonly any[], declarators: readonly any[]): { named: Map<string, string>; namespaces: Set<string> } {
  const out = { named: new Map<string, string>(), namespaces: new Set<string>() };
  const named = (imported: string, local: string) => out.named.set(local, imported);
  for (const p of imports) {
    if (p.node.source?.value !== 'shelljs') continue;
    for (const s of p.node.specifiers ?? []) {
      if (s.type === 'ImportSpecifier') named(s.imported?.name ?? s.imported?.value, s.local.name);
      else out.namespaces.add(s.local.name);
    }
  }
  for (const p of declarators) {
    const { id, init } = p.node;
    const required = init?.type === 'CallExpression' && init.callee?.type === 'Identifier' && init.callee.name === 'require' && init.arguments.length === 1 && init.arguments[0]?.value === 'shelljs';
    if (!required) continue;
    if (id.type === 'Identifier') out.namespaces.add(id.name);
    else if (id.type === 'ObjectPattern') for (const x of id.properties) if (x.type === 'ObjectProperty' && !x.computed && x.value?.type === 'Identifier') named(x.key?.name ?? x.key?.value, x.value.name);
  }
  return out;
}

type Names = ReturnType<typeof shelljsNames>;

/** `ns.NAME` of a shelljs module binding, or a name bound from it. */
function isShelljs(callee: any, names: Names, method: string): boolean {
  if (callee?.type === 'Identifier') return names.named.get(callee.name) === method;
  return callee?.type === 'MemberExpression' && !callee.computed && callee.object?.type === 'Identifier' && names.namespaces.has(callee.object.name) && callee.property?.name === method;
}

/** Whether a call is shelljs's `cd`, `pushd` or `popd`, which call `process.chdir`: every process call after it runs in another folder. */
export const isShelljsFolderChange = (callee: any, names: Names): boolean => ['cd', 'pushd', 'popd'].some((m) => isShelljs(callee, names, m));

/** Whether a call is shelljs's `exec`. */
export const isShelljsExec = (callee: any, names: Names): boolean => isShelljs(callee, names, 'exec');

/** A literal boolean, or undefined. */
const bool = (e: any): boolean | undefined => (e?.type === 'BooleanLiteral' ? e.value : undefined);

/** A property of an object literal of plain keys, by name; null when the options are no such literal; undefined when absent. */
function optionOf(options: any, name: string): any {
  if (options === undefined) return undefined;
  if (options?.type !== 'ObjectExpression' || options.properties.some((x: any) => x.type !== 'ObjectProperty' || x.computed)) return null;
  return options.properties.find((x: any) => x.key?.name === name || x.key?.value === name)?.value;
}

export const isFunctionNode = (e: any): boolean => e?.type === 'ArrowFunctionExpression' || e?.type === 'FunctionExpression';

/**
 * Whether a shelljs `exec` call is surely synchronous: no callback (a second or third argument
 * that is a function, or may be one) and options of a literal without `async`, or `async: false`.
 * `args` are the call's arguments after the text.
 */
export function shelljsSync(args: readonly any[]): boolean {
  if (args.length > 2) return false;
  const [options, callback] = args;
  if (callback !== undefined) return false;
  if (options === undefined) return true;
  if (isFunctionNode(options) || options.type !== 'ObjectExpression') return false;
  const async = optionOf(options, 'async');
  return async === undefined || bool(async) === false;
}

/**
 * Whether a failure of a synchronous shelljs `exec` at `at` throws: its own `fatal` option, else
 * the `fatal` setting the script's top-level statements before it leave (`shell.set('-e')` or
 * `'+e'`, `shell.config.fatal = true`/`false`; off where none does). Undefined when not known: an
 * option or setting only known at run time, or one made where it may run at another time (in a
 * function, under a condition).
 */
export function shelljsFatal(options: any, at: number, names: Names, calls: readonly any[], assignments: readonly any[]): boolean | undefined {
  const own = optionOf(options, 'fatal');
  if (own === null) return undefined;
  if (own !== undefined) return bool(own);
  const top = (p: any) => p.parent?.node.type === 'ExpressionStatement' && p.parent.parent?.node.type === 'Program';
  const settings: { start: number; value: boolean | undefined; top: boolean }[] = [];
  for (const p of calls) {
    if (!isShelljs(p.node.callee, names, 'set')) continue;
    const arg = p.node.arguments.length === 1 ? p.node.arguments[0] : undefined;
    const value = arg?.type === 'StringLiteral' ? (/^-\w*e/.test(arg.value) ? true : /^\+\w*e/.test(arg.value) ? false : null) : undefined;
    if (value !== null) settings.push({ start: p.node.start, value, top: top(p) });
  }
  for (const p of assignments) {
    const left = p.node.left;
    const config = left?.type === 'MemberExpression' && !left.computed && left.property?.name === 'fatal' && left.object?.type === 'MemberExpression' && !left.object.computed && left.object.property?.name === 'config' && left.object.object?.type === 'Identifier' && names.namespaces.has(left.object.object.name);
    if (config) settings.push({ start: p.node.start, value: p.node.operator === '=' ? bool(p.node.right) : undefined, top: top(p) });
  }
  let state: boolean | undefined = false;
  for (const s of settings.sort((a, b) => a.start - b.start)) {
    if (!s.top || s.value === undefined) return undefined;
    if (s.start < at) state = s.value;
  }
  return state;
}

/**
 * Node's `fs.rmSync` and `fs.mkdirSync` of a known path, read as the shell commands that do the
 * same to files, so the host-effects pass and the folder tracking judge them with the shell's
 * tables (as the PowerShell reader reads `Remove-Item` as `rm`, ./powershell-cmdlets.ts):
 *
 * - `fs.rmSync(p, { recursive: true, force: true })` is `rm -rf p`: both remove a file, a link
 *   (not what it points to) or a folder with everything under it, and do nothing when nothing is
 *   there; without `force` a missing path throws, as `rm -r` fails; without `recursive` a folder
 *   throws, as `rm` fails on one.
 * - `fs.mkdirSync(p, { recursive: true })` is `mkdir -p p`: the parents are made, an existing
 *   folder is no error, anything else there throws as mkdir fails; without `recursive`, `mkdir p`.
 *   Both make folders of mode 0777 less the umask.
 *
 * A throw stops the script, as the failure of an `execSync` does. The promise API's `rm` and
 * `mkdir` (`fs/promises`, `fs.promises`) do the same once settled, and a rejection `await`
 * throws: read alike only where the call is awaited right there (`await fsp.rm(…)`), as then it
 * has finished before the next statement runs; not awaited, it runs alongside what follows. Only
 * the synchronous calls and those, through a name bound once to Node's own module (`const fs =
 * require('fs')`, `import fs from 'node:fs'`, `import * as fs …`, `import { rmSync } from 'fs'`,
 * `import { rm } from 'node:fs/promises'`, `fs.promises.rm`), with options written as an
 * object literal of `true`/`false` values of those keys alone, and a path the reader knows that
 * starts with no `-`; anything else (a `mode`, `maxRetries`, options by name) stays a program the
 * tool does not model (./js-unmodelled.ts).
 */
import { shellQuote } from '../../model/shell-quote.js';

const FS_MODULE = /^(node:)?fs$/;
const PROMISES_MODULE = /^(node:)?fs\/promises$/;
const RM = { program: 'rm', flags: { recursive: 'r', force: 'f' } };
const MKDIR = { program: 'mkdir', flags: { recursive: 'p' } };
const CALLS: Record<string, { program: string; flags: Record<string, string> }> = { rmSync: RM, mkdirSync: MKDIR };
/** The promise API's, by name: read only where awaited. */
const PROMISE_CALLS: Record<string, { program: string; flags: Record<string, string> }> = { rm: RM, mkdir: MKDIR };

export interface FsBindings {
  /** Names bound to the module itself (`fs` in `fs.rmSync`). */
  modules: Set<string>;
  /** Names bound to one of its functions (`rmSync`, or `rm` of `{ rmSync: rm }`), to the function's name. */
  functions: Map<string, string>;
  /** Names bound to its promise API (`fsp` of `import fsp from 'fs/promises'`). */
  promiseModules?: Set<string>;
  /** Names bound to a function of its promise API (`rm` of `import { rm } from 'fs/promises'`), to the function's name. */
  promiseFunctions?: Map<string, string>;
}

const required = (init: any, module: RegExp): boolean => init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments.length === 1 && init.arguments[0].type === 'StringLiteral' && module.test(init.arguments[0].value);
const fromFs = (init: any): boolean => required(init, FS_MODULE);
/** `require('fs/promises')`, or `require('fs').promises`. */
const fromPromises = (init: any): boolean => required(init, PROMISES_MODULE) || (init?.type === 'MemberExpression' && !init.computed && init.property.type === 'Identifier' && init.property.name === 'promises' && fromFs(init.object));
const keyName = (key: any): string => (key.type === 'Identifier' ? key.name : key.value);

/** The names a file binds once to Node's fs module or to its rmSync/mkdirSync. */
export function fsBindings(imports: any[], declarators: any[], once: (name: string) => boolean): FsBindings {
  const modules = new Set<string>();
  const functions = new Map<string, string>();
  const promiseModules = new Set<string>();
  const promiseFunctions = new Map<string, string>();
  for (const p of imports) {
    const source = String(p.node.source.value);
    const promises = PROMISES_MODULE.test(source);
    if (!(promises || FS_MODULE.test(source)) || p.node.importKind === 'type') continue;
    for (const s of p.node.specifiers ?? []) {
      const local = s.local?.name;
      if (!local || !once(local)) continue;
      if (s.type === 'ImportDefaultSpecifier' || s.type === 'ImportNamespaceSpecifier') (promises ? promiseModules : modules).add(local);
      else if (s.type === 'ImportSpecifier' && s.importKind !== 'type') {
        const imported = keyName(s.imported);
        if (promises ? PROMISE_CALLS[imported] : CALLS[imported]) (promises ? promiseFunctions : functions).set(local, imported);
        // `import { promises as fsp } from 'fs'`
        else if (!promises && imported === 'promises') promiseModules.add(local);
      }
    }
  }
  for (const p of declarators) {
    const { id, init } = p.node;
    const promises = fromPromises(init);
    if (p.parent.node.kind !== 'const' || !(promises || fromFs(init))) continue;
    if (id.type === 'Identifier' && once(id.name)) (promises ? promiseModules : modules).add(id.name);
    if (id.type !== 'ObjectPattern') continue;
    for (const prop of id.properties) {
      if (prop.type !== 'ObjectProperty' || prop.computed || prop.value.type !== 'Identifier' || !once(prop.value.name)) continue;
      const key = keyName(prop.key);
      if (promises ? PROMISE_CALLS[key] : CALLS[key]) (promises ? promiseFunctions : functions).set(prop.value.name, key);
      // `const { promises: fsp } = require('fs')`
      else if (!promises && key === 'promises') promiseModules.add(prop.value.name);
    }
  }
  return { modules, functions, promiseModules, promiseFunctions };
}

/** The fs function a callee names (`fs.rmSync`, `rmSync`; where `awaited`, `fsp.rm`, `fs.promises.rm`, `rm`), or undefined. */
function calledFunction(callee: any, fs: FsBindings, awaited: boolean): { program: string; flags: Record<string, string> } | undefined {
  const member = (e: any) => e.type === 'MemberExpression' && !e.computed && e.property.type === 'Identifier';
  if (callee.type === 'Identifier') {
    const sync = fs.functions.get(callee.name);
    if (sync !== undefined) return CALLS[sync];
    const promised = awaited ? fs.promiseFunctions?.get(callee.name) : undefined;
    return promised !== undefined ? PROMISE_CALLS[promised] : undefined;
  }
  if (!member(callee)) return undefined;
  const name: string = callee.property.name;
  const on = callee.object;
  if (on.type === 'Identifier' && fs.modules.has(on.name)) return Object.hasOwn(CALLS, name) ? CALLS[name] : undefined;
  if (!awaited || !Object.hasOwn(PROMISE_CALLS, name)) return undefined;
  const promises = (on.type === 'Identifier' && fs.promiseModules?.has(on.name)) || (member(on) && on.property.name === 'promises' && on.object.type === 'Identifier' && fs.modules.has(on.object.name));
  return promises ? PROMISE_CALLS[name] : undefined;
}

/**
 * The shell text a call of fs.rmSync or fs.mkdirSync (or, `awaited` right where it stands, of the
 * promise API's rm or mkdir) reads as (`rm -rf 'dist'`), or null when it is no such call or one
 * the table does not read exactly. `value` gives a path argument's text when the reader knows it.
 */
export function fsShellText(node: any, fs: FsBindings, value: (e: any) => string | undefined, awaited = false): string | null {
  const call = calledFunction(node.callee, fs, awaited);
  if (!call) return null;
  const [target, options, ...rest] = node.arguments;
  if (!target || rest.length > 0 || target.type === 'SpreadElement') return null;
  const p = value(target);
  if (p === undefined || p === '' || p.startsWith('-')) return null;
  let flags = '';
  if (options !== undefined) {
    if (options.type !== 'ObjectExpression') return null;
    for (const prop of options.properties) {
      if (prop.type !== 'ObjectProperty' || prop.computed || prop.value.type !== 'BooleanLiteral') return null;
      const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.type === 'StringLiteral' ? prop.key.value : null;
      const flag = key !== null && Object.hasOwn(call.flags, key) ? call.flags[key] : undefined;
      if (flag === undefined) return null;
      // A key written twice: the last one counts, as in the object.
      flags = flags.replace(flag, '') + (prop.value.value ? flag : '');
    }
  }
  return [call.program, ...(flags ? [`-${[...flags].sort().join('')}`] : []), shellQuote(p)].join(' ');
}

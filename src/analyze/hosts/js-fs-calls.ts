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
 * A throw stops the script, as the failure of an `execSync` does. Only the synchronous calls,
 * through a name bound once to Node's own module (`const fs = require('fs')`, `import fs from
 * 'node:fs'`, `import * as fs …`, `import { rmSync } from 'fs'`), with options written as an
 * object literal of `true`/`false` values of those keys alone, and a path the reader knows that
 * starts with no `-`; anything else (a `mode`, `maxRetries`, options by name) stays a program the
 * tool does not model (./js-unmodelled.ts).
 */
import { shellQuote } from '../../model/shell-quote.js';

const FS_MODULE = /^(node:)?fs$/;
const CALLS: Record<string, { program: string; flags: Record<string, string> }> = {
  rmSync: { program: 'rm', flags: { recursive: 'r', force: 'f' } },
  mkdirSync: { program: 'mkdir', flags: { recursive: 'p' } },
};

export interface FsBindings {
  /** Names bound to the module itself (`fs` in `fs.rmSync`). */
  modules: Set<string>;
  /** Names bound to one of its functions (`rmSync`, or `rm` of `{ rmSync: rm }`), to the function's name. */
  functions: Map<string, string>;
}

const fromFs = (init: any): boolean => init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments.length === 1 && init.arguments[0].type === 'StringLiteral' && FS_MODULE.test(init.arguments[0].value);

/** The names a file binds once to Node's fs module or to its rmSync/mkdirSync. */
export function fsBindings(imports: any[], declarators: any[], once: (name: string) => boolean): FsBindings {
  const modules = new Set<string>();
  const functions = new Map<string, string>();
  for (const p of imports) {
    if (!FS_MODULE.test(String(p.node.source.value)) || p.node.importKind === 'type') continue;
    for (const s of p.node.specifiers ?? []) {
      const local = s.local?.name;
      if (!local || !once(local)) continue;
      if (s.type === 'ImportDefaultSpecifier' || s.type === 'ImportNamespaceSpecifier') modules.add(local);
      else if (s.type === 'ImportSpecifier' && s.importKind !== 'type') {
        const imported = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value;
        if (CALLS[imported]) functions.set(local, imported);
      }
    }
  }
  for (const p of declarators) {
    const { id, init } = p.node;
    if (p.parent.node.kind !== 'const' || !fromFs(init)) continue;
    if (id.type === 'Identifier' && once(id.name)) modules.add(id.name);
    if (id.type !== 'ObjectPattern') continue;
    for (const prop of id.properties) {
      if (prop.type !== 'ObjectProperty' || prop.computed || prop.value.type !== 'Identifier' || !once(prop.value.name)) continue;
      const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
      if (CALLS[key]) functions.set(prop.value.name, key);
    }
  }
  return { modules, functions };
}

/**
 * The shell text a call of fs.rmSync or fs.mkdirSync reads as (`rm -rf 'dist'`), or null when it
 * is no such call or one the table does not read exactly. `value` gives a path argument's text
 * when the reader knows it.
 */
export function fsShellText(node: any, fs: FsBindings, value: (e: any) => string | undefined): string | null {
  const callee = node.callee;
  let name: string | undefined;
  if (callee.type === 'Identifier') name = fs.functions.get(callee.name);
  else if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && fs.modules.has(callee.object.name) && callee.property.type === 'Identifier') name = callee.property.name;
  const call = name !== undefined ? CALLS[name] : undefined;
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

/**
 * The shell a JavaScript call hands its text to. Node's `exec`/`execSync` run it with their
 * `shell` option (`/bin/sh` by default, also for `shell: true`), and zx's `$` with `$.shell`
 * (bash), or PowerShell after `usePowerShell()`/`usePwsh()`. Another shell reads the text
 * otherwise (PowerShell sends `> app` through Out-File, which writes text, not docker's bytes),
 * and a program of the repository may do anything before it runs it (`umask 077`): such a call
 * is a program the tool does not model, as a Makefile setting `SHELL` to another program is not
 * read. Only options written as an object literal are seen (options passed by name are not).
 */
import { POSIX_SHELL_PATH } from '../../model/shells.js';

const isShellKey = (x: any) => x?.type === 'ObjectProperty' && !x.computed && (x.key?.name === 'shell' || x.key?.value === 'shell');

/** Whether a value given as the shell names a POSIX one (a string of sh, bash or dash, or a Boolean: the default). */
const posixValue = (v: any) => (v?.type === 'StringLiteral' && POSIX_SHELL_PATH.test(v.value)) || v?.type === 'BooleanLiteral';

/** Whether an `exec`/`execSync` options object literal names a shell other than sh, bash or dash (or one not known). */
export function foreignShellOption(options: any): boolean {
  if (options?.type !== 'ObjectExpression') return false;
  const prop = options.properties.filter(isShellKey).pop();
  return prop !== undefined && !posixValue(prop.value);
}

/** zx's switches to another shell: `usePowerShell()`, `usePwsh()`, or `$.shell = …` of another shell (or one not known). */
export function zxForeignShell(calls: readonly any[], assignments: readonly any[]): boolean {
  const SWITCHES = new Set(['usePowerShell', 'usePwsh']);
  const named = (c: any) => (c?.type === 'Identifier' ? c.name : c?.type === 'MemberExpression' && !c.computed ? c.property?.name : undefined);
  if (calls.some((p) => SWITCHES.has(named(p.node.callee)))) return true;
  return assignments.some((p) => {
    const left = p.node.left;
    if (left?.type !== 'MemberExpression' || left.object?.type !== 'Identifier' || left.object.name !== '$') return false;
    const key = !left.computed && left.property?.type === 'Identifier' ? left.property.name : left.property?.type === 'StringLiteral' ? left.property.value : null;
    return (key === null || key === 'shell') && !(p.node.operator === '=' && posixValue(p.node.right));
  });
}

/** The shell reader; its steps live in ./shell/ (see ./shell/index.ts). Kept so callers import one stable path. */
export { parseShell, shellTrees } from './shell/index.js';
export type { ListRole, ShellInit, ShellParseResult, ShellScript, ShellUnit } from './shell/index.js';

/**
 * What a JavaScript build script does when one of its process calls fails, and whether the next
 * statement waits for it (Node's semantics, by API):
 *
 * - `execSync`, `execFileSync`, `execaSync` throw: the script stops (unless a `try` catches it,
 *   read as a branch in ./js-control-flow.ts).
 * - `spawnSync` returns the status and throws nothing: a failure stops nothing unless the script
 *   reads the result, which the reader does not follow, so its failure is taken as gone past
 *   (Snippet.goesOnAfterFailure).
 * - Options: `timeout` kills the call after that long (Snippet.timeout); without `stdio: 'inherit'`
 *   (the default `pipe`), execSync, execFileSync, spawnSync, exec and execFile hold the output in
 *   a buffer of at most `maxBuffer` bytes (1 MiB by default) and fail past it
 *   (Snippet.capturesOutput): a compile moving into such a call brings its log into the buffer.
 *   execa and execaSync do the same with a piped stdout or stderr (their default; 100 MB by
 *   default, `error.isMaxBuffer`), unless `buffer: false`.
 * - `exec`/`execSync` run their text with `/bin/sh -c` (or the `shell` option's program): no
 *   shell starts with pipefail, so a build piped into `tee` fails nothing (Snippet.pipefail);
 *   zx's `$` starts bash with `set -euo pipefail`.
 * - `exec`, `spawn`, `execFile` of Node's child_process return at once: the process runs while
 *   the next statements do (Snippet.concurrent), and its failure reaches only a callback. A
 *   promise-returning `exec`/`execa` (another module's) waited for with `await`, and zx's
 *   `` await $`…` ``, throw on failure like execSync; not waited for, they run concurrently too.
 */
import type { Snippet } from '../embedded.js';
import { POSIX_SHELL_PATH } from '../../model/shells.js';

const THROWING = new Set(['execSync', 'execFileSync', 'execaSync']);
const CALLBACK_APIS = new Set(['exec', 'spawn', 'execFile']);

/** The local names the script binds from Node's child_process (`import { exec } from 'node:child_process'`, `const { spawn } = require('child_process')`, `cp.exec`). */
export function childProcessNames(imports: readonly any[], declarators: readonly any[]): { names: Set<string>; namespaces: Set<string> } {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  const isCp = (s: unknown) => s === 'child_process' || s === 'node:child_process';
  for (const p of imports) {
    if (!isCp(p.node.source?.value)) continue;
    for (const s of p.node.specifiers ?? []) {
      if (s.type === 'ImportSpecifier') names.add(s.local.name);
      else namespaces.add(s.local.name);
    }
  }
  for (const p of declarators) {
    const { id, init } = p.node;
    const required = init?.type === 'CallExpression' && init.callee?.type === 'Identifier' && init.callee.name === 'require' && isCp(init.arguments[0]?.value);
    if (!required) continue;
    if (id.type === 'Identifier') namespaces.add(id.name);
    else if (id.type === 'ObjectPattern') for (const x of id.properties) if (x.value?.type === 'Identifier') names.add(x.value.name);
  }
  return { names, namespaces };
}

/**
 * Marks `snippet` with what a failure of the call at `p` does: `via` is the API the call makes
 * (a wrapper's inner call), `fromChildProcess` whether that name is Node's own callback API.
 */
export function markFailure(snippet: Snippet, p: any, via: string, fromChildProcess: boolean, options?: any, zxNothrow?: string, shelljs?: { sync: boolean; fatal: boolean | undefined }): void {
  markOptions(snippet, via, options);
  const lenient = (why: string) => {
    snippet.goesOnAfterFailure = true;
    snippet.goesOnWhy = why;
  };
  if (shelljs) {
    // (./js-shelljs.ts: synchronous unless given a callback or `async: true`; its output always kept)
    snippet.capturesOutput = true;
    snippet.buffer = { what: "shelljs's `exec` keeps it, `maxBuffer` 20 MiB by default, which reaches its child as JSON, so `Infinity` is no way out", hint: 'Run the call with execSync and `{ stdio: \'inherit\' }`, then run the tool again; or migrate by hand.' };
    if (!shelljs.sync) {
      snippet.goesOnAfterFailure = true;
      snippet.concurrent = true;
      return;
    }
    if (shelljs.fatal !== true) lenient(shelljs.fatal === false ? "its failure does not stop the script (shelljs's `exec` returns the failed result where `fatal` is off: no `shell.set('-e')` or `fatal: true`)" : "its failure may not stop the script (shelljs's `exec` throws only where `fatal` is on, which is set where it may run at another time, or by a value only known at run time)");
    return;
  }
  let call = p;
  if (via === '$') {
    // zx runs its text with bash, after the prefix `set -euo pipefail;`.
    snippet.pipefail = true;
    snippet.shellName = 'bash';
    const chain = zxChain(p);
    if (chain !== null) {
      call = chain.outer;
      for (const m of chain.methods) {
        if (m.name === 'nothrow') lenient("its failure does not stop the script (zx's `.nothrow()` resolves with the failed result instead of throwing)");
        if (m.name === 'timeout') snippet.timeout = `.timeout(…) of zx`;
      }
    }
    if (zxNothrow !== undefined) lenient(`its failure does not stop the script (\`${zxNothrow}\` makes zx resolve a failed command instead of throwing)`);
  }
  if ((via === 'execa' || via === 'execaSync') && rejects(options) !== true) lenient("its failure does not stop the script (execa's `reject: false` resolves with the failed result instead of throwing, or options only known at run time may say so)");
  if (THROWING.has(via)) return;
  if (via === 'spawnSync') {
    lenient("its failure does not stop the script (`spawnSync` returns the status, which the tool does not see read)");
    return;
  }
  const awaited = call.parent?.node.type === 'AwaitExpression';
  if (via === '$' || via === 'execa' || (CALLBACK_APIS.has(via) && !fromChildProcess)) {
    if (awaited) return;
  }
  snippet.goesOnAfterFailure = true;
  snippet.concurrent = true;
}

/**
 * Methods of zx's ProcessPromise that return the same promise and change neither what the
 * command does nor what its failure does, or whose change is read (nothrow, timeout).
 */
export const ZX_METHODS = new Set(['quiet', 'verbose', 'nothrow', 'timeout']);

/**
 * A zx call with its method calls (`` $`…`.quiet().nothrow() ``): the outermost call, whose
 * parent says whether it is awaited, and the methods; null when another member is used on it.
 */
export function zxChain(p: any): { outer: any; methods: { name: string; node: any }[] } | null {
  const methods: { name: string; node: any }[] = [];
  let cur = p;
  for (;;) {
    const member = cur.parent;
    if (member?.node.type !== 'MemberExpression' || member.node.object !== cur.node) break;
    const name = !member.node.computed && member.node.property.type === 'Identifier' ? member.node.property.name : null;
    const call = member.parent;
    if (name === null || !ZX_METHODS.has(name) || call?.node.type !== 'CallExpression' || call.node.callee !== member.node) return null;
    methods.push({ name, node: call.node });
    cur = call;
  }
  return { outer: cur, methods };
}

/** Whether an execa call's options let it throw on failure: true (no `reject`, or `reject: true`), false, or undefined when not known. */
function rejects(options: any): boolean | undefined {
  if (options === undefined || options === null) return true;
  if (options.type !== 'ObjectExpression' || options.properties.some((x: any) => x.type !== 'ObjectProperty' || x.computed)) return undefined;
  const prop = options.properties.find((x: any) => x.key?.name === 'reject' || x.key?.value === 'reject');
  if (!prop) return true;
  return prop.value.type === 'BooleanLiteral' ? prop.value.value : undefined;
}

const BUFFERED = new Set(['execSync', 'execFileSync', 'spawnSync', 'exec', 'execFile']);
/** execa's calls: a piped stream's output is kept, and past `maxBuffer` (100 MB by default) the call fails. */
const EXECA = new Set(['execa', 'execaSync']);
/** The calls whose first argument is shell text, run by the `shell` option's program. */
const SHELL_TEXT = new Set(['exec', 'execSync', 'shelljs.exec']);

/** The call's options object: its `timeout`, and whether its output goes to a bounded buffer. */
function markOptions(snippet: Snippet, via: string, options: any): void {
  const literal = options === undefined || options === null || (options.type === 'ObjectExpression' && options.properties.every((x: any) => x.type === 'ObjectProperty' && !x.computed));
  const prop = (name: string) => (literal && options ? options.properties.find((x: any) => x.key?.name === name || x.key?.value === name) : undefined);
  const timeout = prop('timeout');
  if (!literal) snippet.timeout = 'options only known at run time (a `timeout` may be among them)';
  else if (timeout && !(timeout.value.type === 'NumericLiteral' && timeout.value.value === 0)) snippet.timeout = `timeout: ${timeout.value.type === 'NumericLiteral' ? timeout.value.value : 'a value only known at run time'}`;
  // An `env:` that is not the process environment (or a copy of it with names set) replaces it.
  const env = prop('env')?.value;
  const spreadsProcess = (e: any) => e?.type === 'MemberExpression' && !e.computed && e.object?.type === 'Identifier' && e.object.name === 'process' && e.property?.name === 'env';
  if (!literal) snippet.ownEnvironment = 'options only known at run time (an `env` may be among them)';
  else if (env !== undefined && !spreadsProcess(env) && !(env.type === 'ObjectExpression' && env.properties[0]?.type === 'SpreadElement' && spreadsProcess(env.properties[0].argument))) snippet.ownEnvironment = 'an `env:` option that does not pass `process.env` on';
  if (SHELL_TEXT.has(via)) {
    // Node runs the text with `shell` (`/bin/sh` by default) and `-c`: no shell starts with pipefail.
    const shell = prop('shell')?.value;
    const program = !literal ? undefined : shell === undefined ? '/bin/sh' : shell.type === 'StringLiteral' ? shell.value : undefined;
    if (program !== undefined && POSIX_SHELL_PATH.test(program)) {
      snippet.pipefail = false;
      snippet.shellName = /bash$/.test(program) ? 'bash' : 'sh';
    }
  }
  const execa = EXECA.has(via);
  if (!BUFFERED.has(via) && !execa) return;
  const stdio = prop('stdio')?.value;
  const inherit = (e: any) => e?.type === 'StringLiteral' && (e.value === 'inherit' || e.value === 'ignore');
  // execa's `stdout`/`stderr` options take the place of `stdio`'s entries for those streams.
  const stream = (fd: 1 | 2): boolean => {
    const own = execa ? prop(fd === 1 ? 'stdout' : 'stderr')?.value : undefined;
    if (own !== undefined) return inherit(own);
    return stdio !== undefined && (inherit(stdio) || (stdio.type === 'ArrayExpression' && inherit(stdio.elements[fd])));
  };
  const streamed = literal && stream(1) && stream(2);
  const maxBuffer = prop('maxBuffer')?.value;
  const unbounded = maxBuffer?.type === 'Identifier' && maxBuffer.name === 'Infinity';
  // execa's `buffer: false` keeps no output.
  const buffer = prop('buffer')?.value;
  const unbuffered = execa && buffer?.type === 'BooleanLiteral' && buffer.value === false;
  if (!streamed && !unbounded && !unbuffered) snippet.capturesOutput = true;
}

/**
 * JavaScript/TypeScript build scripts (parsed with babel, walked with ast-types: ./js-syntax.ts): `exec`/`execSync` with a
 * string or template literal (shell text), zx's `` $`…` `` (shell text whose `${…}` are single
 * words), and `spawn`/`spawnSync`/`execFile`/`execa('docker', [...])` (an argv array, no
 * shell), also through a small wrapper that passes its arguments straight to one of them
 * (./js-wrappers.ts). Each becomes a snippet; `${name}` of a `const name = '…'` (or of
 * `package.json` fields) is read as its value, any other expression as an unknown value. A
 * call that is its own statement can be removed.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { Edit } from '../../model/edits.js';
import type { ScriptCommand, Word } from '../../model/script.js';
import { shellQuote } from '../../model/shell-quote.js';
import { composeEmbedded, type EmbeddedScript, type Snippet, type SpelledWord } from '../embedded.js';

import { ARGV_CALLS, findWrappers, packageJsonBindings, SHELL_CALLS, staticString, type ReadJson } from './js-wrappers.js';
import { revivable } from '../../model/revivable.js';
import { byPlace, callPlaces, exitBranches, isProcessExit, literalNumber, type CallPlace } from './js-control-flow.js';
import { collectPaths, parseScriptTree } from './js-syntax.js';
import { readProcessEnv, shortText, type CallEnv } from './js-process-env.js';
import { landings, PLACEHOLDER, unknownPlaceholders } from './js-template-context.js';
import { declarationCounts, DECLARATION_TYPES } from './js-declarations.js';
import { isChdir, isZxFolderSetting, literalArguments, pureCall, standIn } from './js-unmodelled.js';
import { fsBindings, fsShellText } from './js-fs-calls.js';
import { chdirTarget, dirnameKnown } from './js-chdir.js';
import { childProcessNames, markFailure, ZX_METHODS, zxChain } from './js-failure.js';
import { foreignShellOption, zxForeignShell } from './js-shell-option.js';
import { isFunctionNode, isShelljsExec, isShelljsFolderChange, shelljsFatal, shelljsNames, shelljsSync } from './js-shelljs.js';

/** Shell text written into a JS string literal (its quote), a template literal, or an argv element as is (functions that can cross threads: model/revivable.ts). */
const jsEncode = revivable('javascript.encode', (kind: 'string' | 'template' | 'argv', q: string = "'") => (s: string): string => {
  if (kind === 'string') return s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n');
  if (kind === 'template') return s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return s;
});


/** Decodes the JS escapes of string or template text, mapping each character back to the file. */
function decodeJs(text: string, start: number, end: number, out: { shell: string; toFile: number[] }): void {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
  for (let i = start; i < end; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out.shell += c;
      out.toFile.push(i);
      continue;
    }
    const n = text[i + 1]!;
    if (n === '\n') {
      i++;
      continue;
    }
    let v: string;
    let len = 2;
    if (n === 'x') {
      v = String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
      len = 4;
    } else if (n === 'u' && text[i + 2] === '{') {
      const close = text.indexOf('}', i);
      v = String.fromCodePoint(parseInt(text.slice(i + 3, close), 16));
      len = close - i + 1;
    } else if (n === 'u') {
      v = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      len = 6;
    } else v = simple[n] ?? n;
    for (const ch of v) {
      out.shell += ch;
      out.toFile.push(i);
    }
    i += len - 1;
  }
}

/** The statement a call stands as (possibly under `await`), so the whole call can be removed. */
function statementRange(text: string, p: any): Edit[] | null {
  let cur = p.parent;
  if (cur?.node.type === 'AwaitExpression') cur = cur.parent;
  if (cur?.node.type !== 'ExpressionStatement') return null;
  const { start, end } = cur.node;
  let ls = start;
  while (ls > 0 && text[ls - 1] !== '\n') ls--;
  let le = end;
  while (le < text.length && text[le] !== '\n') le++;
  if (/^[ \t]*$/.test(text.slice(ls, start)) && /^[ \t]*(\/\/.*)?$/.test(text.slice(end, le))) {
    // `//` comment lines right above, at the same indentation, describe the statement: they go too.
    const indent = start - ls;
    for (;;) {
      if (ls === 0) break;
      let prev = ls - 1;
      while (prev > 0 && text[prev - 1] !== '\n') prev--;
      const line = text.slice(prev, ls - 1);
      if (!/^\s*\/\//.test(line) || line.length - line.trimStart().length !== indent) break;
      ls = prev;
    }
    return [{ start: ls, end: le < text.length ? le + 1 : le, text: '' }];
  }
  return [{ start, end, text: '' }];
}

/** The node types the reader looks at (./js-wrappers.ts's included), collected in one walk. */
const JS_NODE_TYPES = [...new Set(['VariableDeclarator', 'FunctionDeclaration', 'AssignmentExpression', 'ImportDeclaration', 'CallExpression', 'TaggedTemplateExpression', 'ReturnStatement', ...DECLARATION_TYPES] as const)];

/**
 * `packageDir`: the folder the script runs from when nothing else says (its package's, npm scripts
 * start there; null: its own); `start`: the folder its callers run it from (src/analyze/callers.ts;
 * null: a folder only known at run time), which wins.
 */
export function parseJavaScript(file: string, text: string, packageDir: string | null, readJson: ReadJson = () => null, start?: { cwd: string | null }): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  let tree: any;
  try {
    // One parser for JS and TS: babel with the TypeScript+JSX plugins reads both, with StringLiteral nodes.
    tree = parseScriptTree(text);
  } catch (e) {
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file}: ${(e as Error).message.split('\n')[0]}; it was not analysed`, { file, hint: 'Fix the syntax error, then run the tool again.' })] };
  }
  const paths = collectPaths(tree, JS_NODE_TYPES);
  // `const tag = 'app:build'`, package.json fields, and templates of those: values the tool can read.
  // Only a name bound once in the file is known by its value (./js-declarations.ts).
  const bound = declarationCounts(paths);
  const once = (name: string) => bound.get(name) === 1;
  const { objects, fields } = packageJsonBindings(paths, file, readJson);
  for (const name of [...objects.keys()]) if (!once(name)) objects.delete(name);
  const consts = new Map<string, string>([...fields].filter(([name]) => once(name)));
  paths.VariableDeclarator.forEach((p: any) => {
    const { id, init } = p.node;
    if (p.parent.node.kind !== 'const' || id.type !== 'Identifier' || !init || !once(id.name)) return;
    const v = staticString(init, consts, objects);
    if (v !== undefined) consts.set(id.name, v);
  });
  const wrappers = findWrappers(paths);
  const childProcess = childProcessNames(paths.ImportDeclaration, paths.VariableDeclarator);
  const shelljs = shelljsNames(paths.ImportDeclaration, paths.VariableDeclarator);
  /** Whether a callee is Node's child_process function (`exec`, `cp.exec`). */
  const fromChildProcess = (callee: any): boolean =>
    (callee?.type === 'Identifier' && childProcess.names.has(callee.name)) || (callee?.type === 'MemberExpression' && callee.object?.type === 'Identifier' && childProcess.namespaces.has(callee.object.name));
  const fsNames = fsBindings(paths.ImportDeclaration, paths.VariableDeclarator, once);
  // One process runs every call: they share its environment (./js-process-env.ts).
  const env = readProcessEnv(file, text, tree, paths, (e) => staticString(e, consts, objects), once);
  const base = start ? start.cwd : packageDir ?? (path.dirname(file) === '.' ? '' : path.dirname(file));
  let n = 0;
  /** `cwdIn`: the call's folder when the script's is `from` (after a `process.chdir`). */
  const calls: { start: number; place: CallPlace; snippet: Snippet; cwdIn: (from: string | null) => string | null }[] = [];
  // Where each call runs: its conditions, and its place in the order of the script (./js-control-flow.ts).
  const placeOf = callPlaces(tree, text, paths.CallExpression, once);
  /** Queues a call's snippet with the conditions it runs under. */
  const push = (p: any, snippet: Snippet, cwdIn: (from: string | null) => string | null = (from) => from) => {
    const place = placeOf(p);
    if (place.branches.length > 0) snippet.branches = place.branches;
    calls.push({ start: p.node.start, place, snippet, cwdIn });
  };
  // `__dirname` is the script's folder, wherever it was started from (./js-chdir.ts).
  const dirnameInit = paths.VariableDeclarator.find((p: any) => p.node.id.type === 'Identifier' && p.node.id.name === '__dirname' && p.parent.node.kind === 'const')?.node.init;
  const dirnameAssigned = paths.AssignmentExpression.some((p: any) => p.node.left.type === 'Identifier' && p.node.left.name === '__dirname');
  const scriptDir = !dirnameAssigned && dirnameKnown({ count: bound.get('__dirname') ?? 0, init: dirnameInit }) ? (path.dirname(file) === '.' ? '' : path.dirname(file)) : null;
  const envOf = new WeakMap<object, CallEnv>();
  let mentionsDocker = false;
  const nameOf = (callee: any): string | null => (callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : null);
  const cwdOf = (opts: any, base: string | null): string | null => {
    if (opts === undefined || opts === null) return base;
    // Options that are no object literal (`const opts = { cwd: 'deploy' }` passed by name), or one
    // with a spread or computed key, may hold a `cwd` the reader does not see: the folder is unknown.
    if (opts.type !== 'ObjectExpression' || opts.properties.some((x: any) => x.type !== 'ObjectProperty' || x.computed)) return null;
    const prop = opts.properties.find((x: any) => x.key?.name === 'cwd' || x.key?.value === 'cwd');
    if (!prop) return base;
    if (prop.value.type !== 'StringLiteral') return null;
    if (path.isAbsolute(prop.value.value)) return null;
    return base === null ? null : path.normalize(path.join(base || '.', prop.value.value)).replace(/^\.$/, '');
  };

  /**
   * Template literal → shell text; `zx` quotes each interpolation as one word. JavaScript pastes
   * each `${…}` in before the shell runs: a known const as its text, which reads exactly wherever
   * it lands; a value read from the process environment, or unknown, as a spelling checked
   * where it lands (./js-template-context.ts).
   */
  const template = (tpl: any, zx: boolean, callEnv: CallEnv): { shell: string; toFile: number[] } => {
    type Sub = { e: any; fixed: string } | { e: any; fromEnv: string | undefined; n: number };
    const subs: Sub[] = tpl.expressions.map((e: any): Sub => {
      const known = staticString(e, consts, objects);
      if (known !== undefined) return { e, fixed: zx ? shellQuote(known) : known };
      return { e, fromEnv: env.word(e, callEnv), n: n++ };
    });
    /** How each substitution is spelled: as an expansion, closing the single quotes around one, or as an unknown. */
    const how: ('plain' | 'single' | 'unknown')[] = subs.map(() => 'plain');
    for (;;) {
      const out = { shell: '', toFile: [] as number[] };
      const spans: { k: number; start: number; end: number }[] = [];
      tpl.quasis.forEach((q: any, k: number) => {
        decodeJs(text, q.start, q.end, out);
        const sub = subs[k];
        if (!sub) return;
        let word: string;
        let inner = 0;
        if ('fixed' in sub) word = sub.fixed;
        else {
          const expansion = how[k] !== 'unknown' && sub.fromEnv !== undefined ? sub.fromEnv : `\${${PLACEHOLDER}${sub.n}}`;
          const quoted = zx && expansion === sub.fromEnv;
          word = how[k] === 'single' ? `'"${expansion}"'` : quoted ? `"${expansion}"` : expansion;
          inner = how[k] === 'single' ? 2 : quoted ? 1 : 0;
          spans.push({ k, start: out.shell.length + inner, end: out.shell.length + word.length - inner });
        }
        for (const ch of word) {
          out.shell += ch;
          out.toFile.push(sub.e.start - 2);
        }
      });
      out.toFile.push(tpl.quasis[tpl.quasis.length - 1].end);
      let changed = false;
      landings(out.shell, spans).forEach((landed, i) => {
        const k = spans[i]!.k;
        const sub = subs[k] as { fromEnv: string | undefined };
        if (landed === 'expansion' || landed === 'comment') return;
        const next = landed === 'single' && how[k] === 'plain' && !zx ? 'single' : sub.fromEnv !== undefined || how[k] === 'single' ? 'unknown' : how[k]!;
        if (next !== how[k]) {
          how[k] = next;
          changed = true;
        }
      });
      if (!changed) return out;
    }
  };

  const shellSnippet = (decoded: { shell: string; toFile: number[] }, encode: (s: string) => string, cwd: string | null, callEnv: CallEnv, remove: Edit[] | null, line: number): Snippet => known(callEnv, {
    ...decoded,
    // A value only known at run time reads `${__js_expression_N}`: messages show the call's text as the file writes it.
    ...(decoded.shell.includes(PLACEHOLDER) ? { translated: true as const } : {}),
    encode,
    cwd,
    vars: callEnv.vars,
    versions: callEnv.versions,
    remove,
    label: `${file}:${line}`,
  });
  /** Notes which environment a snippet's call ran in. */
  const known = (callEnv: CallEnv, snippet: Snippet): Snippet => {
    envOf.set(snippet, callEnv);
    return snippet;
  };
  const lineOf = (o: number) => text.slice(0, o).split('\n').length;

  /**
   * Any other call may read or write files (./js-unmodelled.ts): it stands in the sequence as a
   * program the tool does not model, run from the script's folder. After `process.chdir` every
   * call runs in a folder the reader does not follow.
   */
  const unmodelled = (p: any) => {
    const node = p.node;
    if (pureCall(node) || (node.callee.type === 'Identifier' && localFunctions.has(node.callee.name)) || passesParameter(p) || zxMethod(node)) return;
    // A chdir in a function that may run at any time leaves no call's folder known.
    if (isChdir(node.callee)) {
      // `process.chdir(__dirname)`: a folder the reader knows; it touches no file, so it stands as no program.
      if (node.callee.type === 'MemberExpression' && node.arguments.length === 1) {
        const arg = node.arguments[0];
        folderChangedAt(p, (before) => chdirTarget(arg, before, scriptDir, (e) => staticString(e, consts, objects)));
        return;
      }
      folderChangedAt(p);
    }
    // (shelljs's `cd`/`pushd`/`popd` change the process's folder too, to one not followed here)
    if (isShelljsFolderChange(node.callee, shelljs)) folderChangedAt(p);
    // `fs.rmSync('dist', { recursive: true, force: true })` is `rm -rf dist` (./js-fs-calls.ts).
    const fsText = fsShellText(node, fsNames, (e) => staticString(e, consts, objects), p.parent?.node.type === 'AwaitExpression');
    const program = fsText ?? [standIn(node.callee, text), ...literalArguments(node, (e) => staticString(e, consts, objects), () => `"\${${PLACEHOLDER}${n++}}"`)].join(' ');
    // (its end maps to the call's: a stand-in given a value only known at run time is shown as the call is written)
    const decoded = { shell: program, toFile: Array.from({ length: program.length + 1 }, (_, i) => (i === program.length ? node.end : node.start)) };
    // An `rm`/`mkdir` read from fs can go as its statement does (the artifact's removal after the
    // runtime build goes with the extraction, as a shell script's `rm app` does).
    push(p, shellSnippet(decoded, jsEncode('string'), base, env.at(p, undefined), fsText !== null ? statementRange(text, p) : null, lineOf(node.start)));
  };
  /** A method call on a zx command (`` $`…`.quiet() ``): read with the command (./js-failure.ts zxChain). */
  const zxMethod = (node: any): boolean => {
    const callee = node.callee;
    if (callee?.type !== 'MemberExpression' || callee.computed || !ZX_METHODS.has(callee.property?.name)) return false;
    const on = callee.object;
    return (on?.type === 'TaggedTemplateExpression' && on.tag.type === 'Identifier' && on.tag.name === '$' && !execaDollar) || (on?.type === 'CallExpression' && zxMethod(on));
  };
  /** The folder changes of the script in its order: where each stands, and the folder after it given the one before (null: not known). */
  const folderChanges: { place: CallPlace; start: number; to: (before: string | null) => string | null }[] = [];
  let folderAnywhere = false;
  /**
   * A folder change at `p`, to the folder `to` gives (none: not known): from its place on, calls
   * run there. One under a condition or in a loop leaves the folder after it unknown; one in a
   * function that may run at any time, every call's.
   */
  const folderChangedAt = (p: any, to?: (before: string | null) => string | null) => {
    const place = placeOf(p);
    if (place.branches.some((b) => b.id.startsWith('js-fn:'))) folderAnywhere = true;
    const certain = to !== undefined && place.branches.length === 0 && !place.loop;
    folderChanges.push({ place, start: p.node.start, to: certain ? to : () => null });
  };
  // A call of a function of the file runs its body, whose calls are judged where they stand.
  const localFunctions = new Set<string>([
    ...paths.FunctionDeclaration.map((p: any) => p.node.id?.name).filter(Boolean),
    ...paths.VariableDeclarator.filter((p: any) => p.node.id.type === 'Identifier' && /^(Arrow)?FunctionExpression$/.test(p.node.init?.type ?? '')).map((p: any) => p.node.id.name),
  ]);
  /** A process call inside a function that hands it one of the function's parameters (a wrapper's body: its callers are read). */
  const passesParameter = (p: any): boolean => {
    const name = nameOf(p.node.callee);
    if (!name || (!SHELL_CALLS.has(name) && !ARGV_CALLS.has(name))) return false;
    for (let cur = p.parent; cur; cur = cur.parent) {
      const fn = cur.node;
      if (!/Function/.test(fn.type)) continue;
      const params = new Set(fn.params.map((x: any) => (x.type === 'RestElement' ? x.argument : x).name).filter(Boolean));
      return p.node.arguments.some((a: any) => a.type === 'Identifier' && params.has(a.name));
    }
    return false;
  };

  /**
   * Whether an argv call's options may run it through a shell (`shell: true`, or options the
   * reader cannot see through): Node then joins the elements with spaces into shell text, so
   * `'VERSION=$(uname -s)'` is expanded and a spaced element split, which no argv reading gives.
   */
  const mayUseShell = (opts: any): boolean => {
    if (opts === undefined || opts === null) return false;
    if (opts.type !== 'ObjectExpression') return true;
    return opts.properties.some((x: any) => x.type !== 'ObjectProperty' || x.computed || ((x.key?.name === 'shell' || x.key?.value === 'shell') && !(x.value.type === 'BooleanLiteral' && x.value.value === false)));
  };

  /** zx's `$.env` is the process environment (or replaces it): a write to it or through it. */
  const zxEnvWrite = ((): { at: number; what: string } | null => {
    for (const p of paths.AssignmentExpression) {
      let left = p.node.left;
      while (left?.type === 'MemberExpression' && left.object?.type === 'MemberExpression') left = left.object;
      const key = left?.type === 'MemberExpression' && left.object?.type === 'Identifier' && left.object.name === '$' ? (!left.computed && left.property?.type === 'Identifier' ? left.property.name : left.property?.type === 'StringLiteral' ? left.property.value : null) : undefined;
      if (key === undefined || (key !== null && key !== 'env')) continue;
      return { at: p.node.start, what: shortText(text.slice(p.node.start, p.node.end)) };
    }
    return null;
  })();

  /**
   * zx's `$.nothrow = …` (zx 8): the `$` commands after it (all of them, when it stands in a
   * function or under a condition, or its value is not known) resolve a failure instead of
   * throwing; `$.nothrow = false` at the top level turns that off again. The assignment as
   * written, for the `$` call at `at`, or undefined.
   */
  const zxNothrowAt = (at: number): string | undefined => {
    let state: string | undefined;
    for (const p of [...paths.AssignmentExpression].sort((a: any, b: any) => a.node.start - b.node.start)) {
      const left = p.node.left;
      const zxNothrow = left?.type === 'MemberExpression' && left.object?.type === 'Identifier' && left.object.name === '$' && (!left.computed ? left.property?.name === 'nothrow' : left.property?.value === 'nothrow');
      if (!zxNothrow) continue;
      const top = p.parent?.node.type === 'ExpressionStatement' && p.parent.parent?.node.type === 'Program';
      const value = p.node.operator === '=' && p.node.right.type === 'BooleanLiteral' ? p.node.right.value : undefined;
      const what = shortText(text.slice(p.node.start, p.node.end));
      if (!top || value === undefined) return what;
      if (p.node.start < at) state = value ? what : undefined;
    }
    return state;
  };

  /** `$` is execa's (imported or required from it), not zx's: its templates are no shell text. */
  const execaDollar =
    paths.ImportDeclaration.some((p: any) => /^execa(\/|$)/.test(String(p.node.source.value)) && p.node.specifiers.some((x: any) => x.local?.name === '$')) ||
    paths.VariableDeclarator.some((p: any) => {
      const { id, init } = p.node;
      const required = init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && /^execa(\/|$)/.test(String(init.arguments[0]?.value));
      return required && id.type === 'ObjectPattern' && id.properties.some((x: any) => x.value?.type === 'Identifier' && x.value.name === '$');
    });

  const zxForeign = zxForeignShell(paths.CallExpression, paths.AssignmentExpression);
  /** Every call, read as a snippet. */
  const collect = () => {
    n = 0;
    calls.length = 0;
    folderChanges.length = 0;
    folderAnywhere = false;
    mentionsDocker = false;
    paths.CallExpression.forEach((p: any) => {
      const node = p.node;
      const wrapper = node.callee.type === 'Identifier' ? wrappers.get(node.callee.name) : undefined;
      // A wrapper's call reads as the call it makes: its arguments, then the options it passes.
      const name = wrapper ? (wrapper.kind === 'shell' ? 'execSync' : 'spawnSync') : nameOf(node.callee);
      const [a0, a1, a2] = wrapper?.kind === 'shell' ? [node.arguments[0], wrapper.options, undefined] : wrapper ? [node.arguments[0], node.arguments[1], wrapper.options] : node.arguments;
      if (wrapper && node.arguments.length > (wrapper.kind === 'shell' ? 1 : 2)) return;
      if (!name || !a0) return unmodelled(p);
      if (SHELL_CALLS.has(name) && (a0.type === 'StringLiteral' || a0.type === 'TemplateLiteral')) {
        // Every shell call is read, not only docker's: a `chmod`, `sed -i` or `cp` of the artifact between the builds is the host-effects check's to judge.
        if (text.slice(a0.start, a0.end).includes('docker')) mentionsDocker = true;
        let decoded: { shell: string; toFile: number[] };
        let encode: (s: string) => string;
        // (shelljs's `exec(text, callback)` has no options)
        const sj = !wrapper && isShelljsExec(node.callee, shelljs);
        const opts = sj && isFunctionNode(a1) ? undefined : a1;
        // (text handed to another shell than sh is not read as sh: ./js-shell-option.ts)
        if (foreignShellOption(opts)) return unmodelled(p);
        const callEnv = env.at(p, opts);
        if (a0.type === 'StringLiteral') {
          decoded = { shell: '', toFile: [] };
          decodeJs(text, a0.start + 1, a0.end - 1, decoded);
          decoded.toFile.push(a0.end - 1);
          const q = text[a0.start]!;
          encode = jsEncode('string', q);
        } else {
          decoded = template(a0, false, callEnv);
          encode = jsEncode('template');
        }
        const snippet = shellSnippet(decoded, encode, cwdOf(opts, base), callEnv, statementRange(text, p), lineOf(node.start));
        snippet.spelling = a0.type === 'StringLiteral' ? `a JavaScript ${text[a0.start]}…${text[a0.start]} string` : 'a JavaScript template literal';
        if (sj) markFailure(snippet, p, 'shelljs.exec', false, opts, undefined, { sync: shelljsSync(node.arguments.slice(1)), fatal: shelljsFatal(opts, node.start, shelljs, paths.CallExpression, paths.AssignmentExpression) });
        else markFailure(snippet, p, wrapper?.via ?? name, fromChildProcess(wrapper?.callee ?? node.callee), a1);
        push(p, snippet, (from) => cwdOf(opts, from));
        return;
      }
      if (ARGV_CALLS.has(name) && a0.type === 'StringLiteral' && a0.value === 'docker' && a1?.type === 'ArrayExpression' && !mayUseShell(a2)) {
        mentionsDocker = true;
        const snippet = argvSnippet(a0, a1.elements, cwdOf(a2, base), env.at(p, a2), statementRange(text, p), lineOf(node.start));
        markFailure(snippet, p, wrapper?.via ?? name, fromChildProcess(wrapper?.callee ?? node.callee), a2);
        push(p, snippet, (from) => cwdOf(a2, from));
        return;
      }
      unmodelled(p);
    });
    // zx's `$.cwd = 'deploy'` / `$.prefix = 'cd deploy;'`: the `$` commands after it run elsewhere.
    paths.AssignmentExpression.forEach((p: any) => {
      if (isZxFolderSetting(p.node.left)) folderChangedAt(p);
    });
    paths.TaggedTemplateExpression.forEach((p: any) => {
      const node = p.node;
      if (node.tag.type !== 'Identifier' || node.tag.name !== '$') return;
      if (text.slice(node.start, node.end).includes('docker')) mentionsDocker = true;
      if (execaDollar) {
        // execa's `$` runs no shell: it splits the text on spaces and passes quotes, `$VAR` and `|` as they are.
        const program = 'js:execa.$';
        push(p, shellSnippet({ shell: program, toFile: Array.from({ length: program.length + 1 }, () => node.start) }, jsEncode('string'), base, env.at(p, undefined), null, lineOf(node.start)));
        return;
      }
      if (zxForeign) {
        // zx switched to another shell (./js-shell-option.ts): its text is not read as sh.
        const program = 'js:zx.$';
        push(p, shellSnippet({ shell: program, toFile: Array.from({ length: program.length + 1 }, () => node.start) }, jsEncode('string'), base, env.at(p, undefined), null, lineOf(node.start)));
        return;
      }
      const callEnv = env.at(p, undefined);
      const decoded = template(node.quasi, true, callEnv);
      // `` await $`…`.quiet() ``: the statement is the method chain's.
      const snippet = shellSnippet(decoded, jsEncode('template'), base, callEnv, statementRange(text, zxChain(p)?.outer ?? p), lineOf(node.start));
      snippet.spelling = "zx's $`…` template";
      markFailure(snippet, p, '$', false, undefined, zxNothrowAt(node.start));
      push(p, snippet);
    });
  };
  collect();

  /** An argv element read from the process environment (`tag`, `${container}:/out`) as one shell word, or undefined. */
  function argvEnvWord(e: any, callEnv: CallEnv): string | undefined {
    const whole = env.word(e, callEnv);
    if (whole !== undefined) return `"${whole}"`;
    if (e?.type !== 'TemplateLiteral') return undefined;
    let word = '';
    for (const [k, q] of e.quasis.entries()) {
      if (typeof q.value.cooked !== 'string') return undefined;
      if (q.value.cooked !== '') word += shellQuote(q.value.cooked);
      if (k === e.expressions.length) break;
      const x = e.expressions[k];
      const known = staticString(x, consts, objects);
      const part = known !== undefined ? shellQuote(known) : env.word(x, callEnv);
      if (part === undefined) return undefined;
      word += known !== undefined ? part : `"${part}"`;
    }
    return word === '' ? "''" : word;
  }

  /** An argv array as a shell command: each element one word, whose range is its element's. */
  function argvSnippet(program: any, elements: any[], cwd: string | null, callEnv: CallEnv, remove: Edit[] | null, line: number): Snippet {
    const items = [
      { word: 'docker', start: program.start, end: program.end },
      ...elements.map((e) => {
        const known = staticString(e, consts, objects);
        const fromEnv = known === undefined ? argvEnvWord(e, callEnv) : undefined;
        return { word: known !== undefined ? shellQuote(known) : fromEnv !== undefined ? fromEnv : `\${${PLACEHOLDER}${n++}}`, start: e?.start ?? program.end, end: e?.end ?? program.end };
      }),
    ];
    let shell = '';
    const toFile: number[] = [];
    items.forEach((it, k) => {
      for (const ch of it.word) {
        shell += ch;
        toFile.push(it.start);
      }
      if (k < items.length - 1) shell += ' ';
      toFile.push(it.end);
    });
    const quote = elements.find((e) => e?.type === 'StringLiteral') ? text[elements.find((e) => e?.type === 'StringLiteral').start]! : "'";
    const literal = (value: string) => `${quote}${value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`)}${quote}`;
    return known(callEnv, {
      shell,
      toFile,
      encode: jsEncode('argv'),
      cwd,
      vars: callEnv.vars,
      versions: callEnv.versions,
      remove,
      label: `${file}:${line}`,
      insertWords: (cmd: ScriptCommand, after: number, words: readonly Word[]) => {
        const parts: string[] = [];
        for (const w of words) {
          // A run-time word's shell text (`"${TAG-app}"`) is no JS string: an argument array passes it as is.
          if (w.value === null) return { error: `${w.raw} is only known when the script runs, and cannot be written into an argument array` };
          if (/^['"`]/.test(w.raw)) parts.push(w.raw);
          else if (w.value !== null) parts.push(literal(w.value));
          else return { error: `${w.raw} is only known when the script runs, and cannot be written into an argument array` };
        }
        const at = cmd.words[after]!.end;
        return [{ start: at, end: at, text: `, ${parts.join(', ')}` }];
      },
      // The program stays; the elements are written anew, each a string literal or an expression carried as written.
      replaceCommand: (cmd: ScriptCommand, words: readonly SpelledWord[]) => {
        const [program, ...rest] = words;
        if (!program || !('value' in program) || program.value !== 'docker') return { error: 'an argument array runs docker, and is only rewritten as another docker command' };
        if (elements.length === 0 || elements.some((e) => !e || e.type === 'SpreadElement')) return { error: 'the argument array has holes or spread elements; edit it by hand' };
        const first = cmd.words[1]!;
        const last = cmd.words[cmd.words.length - 1]!;
        return [{ start: first.start, end: last.end, text: rest.map((w) => ('value' in w ? literal(w.value) : w.written)).join(', ') }];
      },
      // An element (not the program) becomes a string literal of the new value: `'-f', 'Dockerfile.build'` → `'-f', 'Dockerfile'`.
      replaceWord: (cmd: ScriptCommand, word: number, value: string) => {
        if (word === 0) return { error: 'the program of an argument array is not rewritten' };
        const w = cmd.words[word]!;
        return [{ start: w.start, end: w.end, text: literal(value) }];
      },
    });
  }

  if (!mentionsDocker) return { script: null, diagnostics: [] };
  // `const EXIT_OK = 0`: an exit code the file fixes.
  const numbers = new Map<string, number>();
  paths.VariableDeclarator.forEach((p: any) => {
    const { id, init } = p.node;
    const v = literalNumber(init);
    if (p.parent.node.kind === 'const' && id.type === 'Identifier' && once(id.name) && v !== undefined) numbers.set(id.name, v);
  });
  const numberOf = (e: any) => (e?.type === 'Identifier' ? numbers.get(e.name) : literalNumber(e));
  const exitsBefore = exitBranches(text, paths.ReturnStatement, paths.CallExpression.filter((p: any) => isProcessExit(p.node)), placeOf, numberOf);
  const compose = () => {
    calls.sort((a, b) => byPlace(a.place.order, b.place.order));
    // A call after an early `return` / `process.exit()` runs only where that did not.
    for (const c of calls) {
      const exits = exitsBefore(c);
      if (exits.length === 0) continue;
      c.place = { ...c.place, branches: [...c.place.branches, ...exits] };
      c.snippet.branches = c.place.branches;
    }
    // Each call runs in the folder the last folder change before it left; one written after a
    // change but run before it (a function's body called earlier) in a folder not known.
    const changes = [...folderChanges].sort((a, b) => byPlace(a.place.order, b.place.order));
    let folder = base;
    const after = changes.map((ch) => (folder = ch.to(folder)));
    for (const c of calls) {
      let last = -1;
      let unsure = folderAnywhere;
      changes.forEach((ch, k) => {
        if (byPlace(c.place.order, ch.place.order) > 0) last = k;
        else if (c.start > ch.start) unsure = true;
      });
      if (unsure) c.snippet.cwd = null;
      else if (last >= 0) c.snippet.cwd = c.cwdIn(after[last]!);
    }
    const snippets = calls.map((c) => c.snippet);
    const composed = composeEmbedded(file, 'javascript', text, snippets, [snippets.map((_, i) => i)]);
    for (const c of composed.script.commands) unknownPlaceholders(c);
    // A call under a condition (or in a loop) gives commands that run only sometimes (or many times).
    calls.forEach((call, k) => {
      const part = composed.script.parts.find((x) => x.snippet === snippets[k]);
      if (!part || call.place.branches.length === 0) return;
      for (let i = part.first; i < part.first + part.count; i++) {
        const cmd = composed.script.commands[i]!;
        cmd.conditional = true;
        if (call.place.loop) cmd.loop = true;
      }
    });
    return composed;
  };
  const read = compose();
  // A call whose own shell text changes a variable a const is spelled by reads those consts as unknowns.
  const misread = env.misread(read.script.parts, read.script.commands, (s) => envOf.get(s));
  if (misread.length === 0) return withEnvWrite(read);
  env.plain(misread);
  collect();
  return withEnvWrite(compose());

  /**
   * A write the reader does not follow of a variable docker reads for a build
   * (`Object.assign(process.env, { DOCKER_DEFAULT_PLATFORM: 'linux/arm64' })` between the
   * builds, zx's `$.env.DOCKER_BUILDKIT = '0'`): the builds' environments are not known, and
   * the merged build runs with the final build's, so every setup of the script is refused.
   */
  function withEnvWrite(r: { script: EmbeddedScript; diagnostics: Diagnostic[] }) {
    const write = env.buildEnvWrite ?? zxEnvWrite;
    if (write === null) return r;
    const line = lineOf(write.at);
    const d = diag('UNSUPPORTED_BUILD_FLAG', 'info', `\`${write.what}\` may set a variable docker reads for a build (DOCKER_BUILDKIT, DOCKER_DEFAULT_PLATFORM…) in a way the tool does not follow, so the builder build's and the final build's values of it are not known; the merged build runs with the final build's`, {
      file,
      line,
      hint: "Set such a variable with `process.env.NAME = '…'` at the top level of the script, or in a build's own `env: { ...process.env, NAME: '…' }`, or migrate this setup by hand.",
    });
    r.script.unread = [...(r.script.unread ?? []), { sequence: 0, diagnostic: d }];
    return r;
  }
}

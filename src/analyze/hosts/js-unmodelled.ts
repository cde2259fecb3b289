/**
 * JavaScript between a build script's process calls: `fs.chmodSync('app', 0o775)` before the
 * runtime build, `readFileSync('app')` after it, `process.chdir('release')`, a call of a helper
 * module, an `execSync(command)` whose text is not a literal. The reader turns process calls into
 * shell snippets; any other call may read or write the artifact, or a file the builder reads, so
 * it is read as a program the tool does not model (`js:fs.chmodSync`), run where it stands: before the
 * builder build it changes nothing the migration moves, after it the host checks judge it as they
 * judge `python3 tools/stamp.py`. Only calls known to touch no file are left out: printing
 * (`console.*`), path and string arithmetic, JSON, Math, dates, numbers.
 */
import { shellQuote } from '../../model/shell-quote.js';

/**
 * The stand-in program an unmodelled call is read as: `js:` and the callee as written
 * (`js:fs.chmodSync`), which no table models; its words are the call's literal arguments.
 */
export function standIn(callee: any, text: string): string {
  const written = callee ? text.slice(callee.start, callee.end) : '';
  return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(written) && written.length <= 60 ? `js:${written}` : 'js:call';
}

/**
 * The stand-in's words after the program: the call's arguments written as literals (a string,
 * a template without `${…}`, a number), each one shell word, so the host checks see the paths it
 * is given (`fs.copyFileSync('app', 'app.bak')` is given the artifact, as `python3 stamp.py app`
 * is); an argument whose string value the reader knows (`const ARTIFACT = '../dist/app'`,
 * `known`) as that value; a string only known at run time (an identifier, a member, a template
 * with an unknown `${…}`, `unknown`) as a word only known at run time, so a path held in a
 * variable is a path the checks cannot rule out. Functions, objects and other literals are left
 * out: the program still may read or write any file by a name of its own, as every program the
 * tool does not model may.
 */
export function literalArguments(node: any, known: (e: any) => string | undefined = () => undefined, unknown?: () => string): string[] {
  const out: string[] = [];
  for (const a of node.arguments ?? []) {
    if (a?.type === 'StringLiteral') out.push(shellQuote(a.value));
    else if (a?.type === 'TemplateLiteral' && a.expressions.length === 0 && typeof a.quasis[0]?.value?.cooked === 'string') out.push(shellQuote(a.quasis[0].value.cooked));
    else if (a?.type === 'NumericLiteral') out.push(shellQuote(a.extra?.raw ?? String(a.value)));
    else if (a && /^(Identifier|MemberExpression|TemplateLiteral|BinaryExpression|CallExpression)$/.test(a.type)) {
      const value = known(a);
      if (value !== undefined) out.push(shellQuote(value));
      else if (unknown && a.type !== 'CallExpression') out.push(unknown());
    }
  }
  return out;
}

/** Objects whose methods read and write no file. */
const PURE_OBJECTS = new Set(['console', 'path', 'posix', 'win32', 'JSON', 'Math', 'Date', 'Number', 'String', 'Object', 'Array', 'Boolean', 'Symbol', 'Reflect', 'URL', 'Intl', 'util']);
/** Functions that read and write no file. */
const PURE_FUNCTIONS = new Set(['String', 'Number', 'Boolean', 'Array', 'Symbol', 'BigInt', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'join', 'resolve', 'dirname', 'basename', 'relative', 'extname', 'normalize', 'format', 'require']);
/** Methods of strings, arrays, numbers, dates and promises: they read and write no file (a callback's own calls are judged where they stand). */
const PURE_METHODS = new Set([
  'trim', 'trimStart', 'trimEnd', 'split', 'join', 'toString', 'replace', 'replaceAll', 'slice', 'substring', 'padStart', 'padEnd', 'toUpperCase', 'toLowerCase', 'startsWith', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'match', 'matchAll', 'test', 'exec', 'concat', 'repeat', 'at', 'charAt', 'localeCompare', 'normalize',
  'map', 'filter', 'forEach', 'find', 'findIndex', 'some', 'every', 'reduce', 'flat', 'flatMap', 'push', 'pop', 'shift', 'unshift', 'sort', 'reverse', 'keys', 'values', 'entries', 'has', 'get', 'set', 'add', 'delete',
  'toISOString', 'toFixed', 'getTime', 'valueOf', 'then', 'catch', 'finally',
]);

const calleeRoot = (callee: any): string | null => {
  let cur = callee;
  while (cur?.type === 'MemberExpression') cur = cur.object;
  return cur?.type === 'Identifier' ? cur.name : null;
};

/**
 * `process.chdir(…)`, or zx's `cd(…)` (a function of the zx module or its globals, not one of the
 * file: those are read where they are called), which calls it: every process call after it runs
 * in another folder.
 */
export function isChdir(callee: any): boolean {
  if (callee?.type === 'Identifier') return callee.name === 'cd';
  return callee?.type === 'MemberExpression' && calleeRoot(callee) === 'process' && callee.property?.type === 'Identifier' && callee.property.name === 'chdir';
}

/**
 * A write to zx's settings that decides where or how each `` $`…` `` command runs: `$.cwd = 'deploy'`
 * (its folder), `$.prefix = 'cd deploy;'` (shell text run before each command). Such a write
 * leaves the folder of every call after it unknown, as `process.chdir` does.
 */
export function isZxFolderSetting(left: any): boolean {
  if (left?.type !== 'MemberExpression' || left.object?.type !== 'Identifier' || left.object.name !== '$') return false;
  const key = !left.computed && left.property?.type === 'Identifier' ? left.property.name : left.property?.type === 'StringLiteral' ? left.property.value : null;
  // A computed key may name either.
  return key === null || key === 'cwd' || key === 'prefix';
}

/**
 * Whether a call is known to read and write no file. `require` (a module load at the place it
 * stands) runs that module's code: only loads of built-in modules and of JSON data (a read of the
 * file named, `require('../package.json')`) are taken as no program.
 */
export function pureCall(node: any): boolean {
  const callee = node.callee;
  if (callee?.type === 'Identifier') {
    if (callee.name === 'require') return node.arguments[0]?.type === 'StringLiteral' && /^(node:|(path|fs|child_process|os|util|crypto|url)$)|\.json$/.test(node.arguments[0].value);
    return PURE_FUNCTIONS.has(callee.name);
  }
  if (callee?.type !== 'MemberExpression' || callee.computed || callee.property?.type !== 'Identifier') return false;
  const root = calleeRoot(callee);
  if (root !== null && PURE_OBJECTS.has(root)) return true;
  // `process.exit(…)` ends the script and writes nothing (what it ends is read as a branch: ./js-control-flow.ts).
  if (callee.object?.type === 'Identifier' && callee.object.name === 'process' && callee.property.name === 'exit') return true;
  // `process.env.TAG.trim()`, `tag.split(':')`, `new Date().toISOString()`: methods of values.
  return PURE_METHODS.has(callee.property.name) && !(root === 'fs' || root === 'fsp');
}

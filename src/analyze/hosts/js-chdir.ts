/**
 * Where `process.chdir(…)` takes a JavaScript build script, when the reader can tell: the
 * script's own folder (`__dirname`, a folder relative to it: `path.join(__dirname, '..')`,
 * `path.resolve(__dirname, 'web')`), or a path relative to the folder before it. Node sets
 * `__dirname` to the folder of the file it runs, wherever it was started from, as the shell
 * reader reads `cd "$(dirname "$0")"`; an ES module has none unless it declares one, which is
 * read when it is the usual `const __dirname = path.dirname(fileURLToPath(import.meta.url))`
 * (or `import.meta.dirname`). An ES module that names `__dirname` without declaring it throws
 * there, in the old script and the migrated one alike, so nothing after it runs in either.
 *
 * Anything else (a value from the environment, an absolute path, a name declared otherwise)
 * is a folder only known at run time.
 */
import path from 'node:path/posix';

/** How the reader sees the file's `__dirname`: bound how many times, and the init of its one declaration. */
export interface DirnameBinding {
  count: number;
  init: any;
}

const isMember = (e: any, object: string, property: string): boolean =>
  e?.type === 'MemberExpression' && !e.computed && e.object?.type === (object === 'import.meta' ? 'MetaProperty' : 'Identifier') && (object === 'import.meta' ? true : e.object.name === object) && e.property?.type === 'Identifier' && e.property.name === property;

/** `path.dirname(fileURLToPath(import.meta.url))` (or `dirname(…)`, `url.fileURLToPath(…)`), or `import.meta.dirname`. */
function isModuleFolder(e: any): boolean {
  if (isMember(e, 'import.meta', 'dirname')) return true;
  if (e?.type !== 'CallExpression' || e.arguments.length !== 1) return false;
  const dirname = (e.callee.type === 'Identifier' && e.callee.name === 'dirname') || isMember(e.callee, 'path', 'dirname');
  const inner = e.arguments[0];
  if (!dirname || inner?.type !== 'CallExpression' || inner.arguments.length !== 1) return false;
  const toPath = (inner.callee.type === 'Identifier' && inner.callee.name === 'fileURLToPath') || isMember(inner.callee, 'url', 'fileURLToPath');
  return toPath && isMember(inner.arguments[0], 'import.meta', 'url');
}

/** Whether `__dirname` is the script's folder: Node's own (not declared), or declared once as the module's folder. */
export function dirnameKnown(binding: DirnameBinding): boolean {
  return binding.count === 0 || (binding.count === 1 && isModuleFolder(binding.init));
}

/**
 * The folder `process.chdir(arg)` goes to, given the folder before it (null: not known), or null
 * when it is not known. `scriptDir`: the script's folder in the repository ('' for the root),
 * or null when `__dirname` is not that; `value`: a string argument's text when the reader knows it.
 */
export function chdirTarget(arg: any, before: string | null, scriptDir: string | null, value: (e: any) => string | undefined): string | null {
  const norm = (p: string) => path.normalize(p).replace(/^\.$/, '').replace(/\/$/, '');
  if (arg?.type === 'Identifier' && arg.name === '__dirname') return scriptDir;
  if (arg?.type === 'CallExpression' && (isMember(arg.callee, 'path', 'join') || isMember(arg.callee, 'path', 'resolve'))) {
    const [first, ...rest] = arg.arguments;
    if (first?.type !== 'Identifier' || first.name !== '__dirname' || scriptDir === null) return null;
    const parts = rest.map((e: any) => (e?.type === 'SpreadElement' ? undefined : value(e)));
    // `path.resolve` starts over at an absolute part: outside the repository, or not known.
    if (parts.some((p: string | undefined) => p === undefined || path.isAbsolute(p))) return null;
    return norm(path.join(scriptDir || '.', ...(parts as string[])));
  }
  const v = value(arg);
  if (v === undefined || v === '' || path.isAbsolute(v) || before === null) return null;
  return norm(path.join(before || '.', v));
}

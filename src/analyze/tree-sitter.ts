/**
 * tree-sitter, shared by the shell, Makefile, Jenkinsfile, PowerShell, Tiltfile and bake-file readers, through web-tree-sitter:
 * the parser and the grammars are WebAssembly (grammars/*.wasm, see grammars/sources.json), so
 * the package installs with no native module and no compiler wherever Node runs.
 *
 * Loading the runtime is asynchronous and `parseWith` is synchronous: every entry point (the
 * CLI, the API's `plan`, the test set-up) awaits `loadTreeSitter()` once before it analyses
 * anything, and `parseWith` throws until that has finished. Nothing loads at import (no
 * top-level await), so `require()` of the API works and a run that stops early (`--help`, a
 * usage error) pays nothing. Each grammar then loads on its first use, synchronously
 * (`Language.loadSync` of a module compiled with `new WebAssembly.Module`, a few ms): a
 * repository without a Makefile, a Jenkinsfile or PowerShell never pays for those grammars.
 * Modules compiled beforehand are used instead: the runtime and the bash grammar the executable
 * starts compiling before its bundle loads (../wasm-modules.cts), and on a worker thread those
 * the main thread compiled (`sharedModules`).
 *
 * The WebAssembly is compiled by V8's baseline compiler only (`--liftoff-only`, one of
 * ../wasm-flags.cts's flags, set before the first module is compiled; the process runs no other
 * WebAssembly). By default V8 recompiles
 * hot functions with its optimising compiler, and the grammars' lexers are single huge
 * functions: on a 2-core machine that took about 400 ms of CPU after the first parse, kept a
 * short run from exiting until it finished, and on a sweep of 1,353 scripts and Makefiles
 * parsing took 3× the CPU and twice the memory of the baseline code (see bench/parser-cost.mjs).
 *
 * Why a copy of the tree: each property of a web-tree-sitter node is a call into WebAssembly,
 * and the readers look at each node several times. One pass with a tree cursor copies the
 * tree into plain objects, which cost nothing to read, then frees the tree's WebAssembly memory
 * at once rather than whenever the garbage collector finalises it.
 *
 * Indices are JavaScript string indices (web-tree-sitter parses the UTF-16 string it is given
 * and reports offsets in code units), so `text.slice(node.startIndex, node.endIndex)` is the node.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { WASM_FLAGS } from '../wasm-flags.cjs';
import { findGrammars, findRuntime, settled, takeEarlyModules, wasmBytes } from '../wasm-modules.cjs';

/** The children of every leaf, and its named children: one shared array, frozen (most nodes are leaves). */
const NO_CHILDREN: readonly TsNode[] = Object.freeze([]);

export class TsNode {
  /** The node's children; a leaf's are the shared empty array (./copyTree gives a node its own when it finds a child). */
  children: readonly TsNode[] = NO_CHILDREN;
  /** True when this node or one below it is an ERROR or MISSING node. */
  hasError: boolean;
  private named: readonly TsNode[] | undefined;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** Offsets in the parsed text; only ./shell/batch-trees.ts moves them, while the tree is its own. */
    public startIndex: number,
    public endIndex: number,
    /** The grammar's field name for this node in its parent (`name`, `value`, `body`…). */
    readonly field: string | null,
  ) {
    this.hasError = type === 'ERROR' || isMissing;
  }

  get namedChildren(): readonly TsNode[] {
    return (this.named ??= this.children.length === 0 ? NO_CHILDREN : this.children.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): TsNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }

  childrenForFieldName(name: string): TsNode[] {
    return this.children.filter((c) => c.field === name);
  }

  /** Descendants of the given types, in document order (iterative: trees can nest deeply). */
  descendantsOfType(types: string | readonly string[]): TsNode[] {
    const wanted = new Set(typeof types === 'string' ? [types] : types);
    const out: TsNode[] = [];
    const stack: TsNode[] = [...this.children].reverse();
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (wanted.has(n.type)) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return out;
  }
}

export type Grammar = 'tree-sitter-bash' | 'tree-sitter-make' | 'tree-sitter-groovy' | 'tree-sitter-powershell' | 'tree-sitter-python' | 'tree-sitter-hcl';

/** The package's grammars/ folder: two levels up from src/analyze, three from dist/src/analyze. */
function grammarsDir(): string {
  const dir = findGrammars(path.dirname(fileURLToPath(import.meta.url)));
  if (dir === null) throw new Error(`grammars/tree-sitter-bash.wasm not found above ${fileURLToPath(import.meta.url)}: the package is incomplete`);
  return dir;
}

/**
 * web-tree-sitter's own runtime, found as Node finds a package from this module (so from a
 * bundled build too): the first node_modules/web-tree-sitter in this module's folder or above
 * (the package exports the file under its own name). Node's resolver, whose package-exports
 * code a run loads for nothing else, resolves it only when that walk finds none (NODE_PATH, a
 * global folder).
 */
function runtimeWasm(): string {
  return findRuntime(path.dirname(fileURLToPath(import.meta.url))) ?? createRequire(import.meta.url).resolve('web-tree-sitter/web-tree-sitter.wasm');
}

/**
 * The runtime's own functions used to copy a tree (./copyTree). Parser.init makes the options
 * object it is given the runtime's module object, which holds every exported function as
 * `_name`; each `_wasm` cursor function takes the tree's address and finds the cursor in the
 * runtime's transfer buffer.
 */
interface Runtime {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const RUNTIME_FUNCTIONS: readonly (keyof Runtime)[] = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
];

let runtime: Runtime | undefined;

function raw(): Runtime {
  if (!runtime) throw new Error('tree-sitter is not loaded: await loadTreeSitter() (src/analyze/tree-sitter.ts) before analysing');
  return runtime;
}

/** A tree's address in the runtime (the library keeps it as the tree's `0` property). */
function treeAddress(tree: Tree): number {
  const address = (tree as unknown as { 0: unknown })[0];
  if (typeof address !== 'number' || address === 0) throw new Error('web-tree-sitter: a tree without an address (an unsupported version of the package)');
  return address;
}

let loading: Promise<void> | undefined;
let runtimeLoaded = false;
const parsers = new Map<Grammar, Parser>();
/** The compiled runtime, and each grammar compiled so far: what a worker thread is handed (sharedModules). */
let runtimeModule: WebAssembly.Module | null = null;
const grammarModules = new Map<Grammar, WebAssembly.Module>();

/**
 * Modules compiled by another thread, handed to a worker thread (src/analyze/analyse-pool.ts):
 * V8 shares a compiled module's code between the threads of a process, so the worker compiles
 * none of it again.
 */
export interface SharedModules {
  runtime: WebAssembly.Module | null;
  grammars: [Grammar, WebAssembly.Module][];
}

/** The modules this thread has compiled, to hand to a worker thread (its loadTreeSitter). */
export function sharedModules(): SharedModules {
  return { runtime: runtimeModule, grammars: [...grammarModules] };
}

/**
 * Loads the tree-sitter runtime, once; later calls return the same promise. Await it before
 * the first `parseWith`. `shared`: modules another thread compiled (a worker thread's); on the
 * executable's main thread, those bin.cts started compiling (../wasm-modules.cts).
 */
export function loadTreeSitter(shared?: SharedModules): Promise<void> {
  return (loading ??= (async () => {
    for (const flag of WASM_FLAGS) v8.setFlagsFromString(flag);
    const early = takeEarlyModules();
    for (const [grammar, compiled] of shared?.grammars ?? []) grammarModules.set(grammar, compiled);
    const bash = await settled(early?.bash);
    if (bash) grammarModules.set('tree-sitter-bash', bash);
    const compiled = shared?.runtime ?? (await settled(early?.runtime)) ?? (await WebAssembly.compile(wasmBytes(runtimeWasm())));
    const module: Record<string, unknown> = {};
    await initRuntime(module, compiled);
    const missing = RUNTIME_FUNCTIONS.filter((name) => typeof module[name] !== 'function');
    if (missing.length > 0) throw new Error(`web-tree-sitter: the runtime lacks ${missing.join(', ')} (an unsupported version of the package)`);
    runtime = module as unknown as Runtime;
    runtimeModule = compiled;
    runtimeLoaded = true;
  })());
}

/**
 * Starts the runtime from a module compiled beforehand, through Emscripten's `instantiateWasm`
 * hook (handed the imports, and a callback taking the instance and the module). The hook has no
 * way to report a failure, so one (an instance the imports do not fit) rejects here instead of
 * leaving Parser.init waiting.
 */
async function initRuntime(module: Record<string, unknown>, compiled: WebAssembly.Module): Promise<void> {
  let failed!: (e: unknown) => void;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  module.instantiateWasm = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => unknown) => {
    WebAssembly.instantiate(compiled, imports)
      .then((instance) => receive(instance, compiled))
      .catch(failed);
    return {};
  };
  await Promise.race([Parser.init(module), failure]);
}

/** True once `loadTreeSitter()` has finished. */
export function treeSitterLoaded(): boolean {
  return runtimeLoaded;
}

function parserFor(grammar: Grammar): Parser {
  const loaded = parsers.get(grammar);
  if (loaded) return loaded;
  if (!runtimeLoaded) throw new Error('tree-sitter is not loaded: await loadTreeSitter() (src/analyze/tree-sitter.ts) before analysing');
  const p = new Parser();
  let compiled = grammarModules.get(grammar);
  if (!compiled) grammarModules.set(grammar, (compiled = new WebAssembly.Module(wasmBytes(path.join(grammarsDir(), `${grammar}.wasm`)))));
  p.setLanguage(Language.loadSync(compiled));
  parsers.set(grammar, p);
  return p;
}

/** Whether a grammar has been loaded (each loads on its first use). */
export function grammarLoaded(grammar: Grammar): boolean {
  return parsers.has(grammar);
}

/** Parses `text` with one grammar and returns a plain copy of the tree. */
export function parseWith(grammar: Grammar, text: string): TsNode {
  const tree = parserFor(grammar).parse(text);
  if (!tree) throw new Error(`${grammar}: the parser returned no tree`);
  try {
    return copyTree(treeAddress(tree), tree.language, shapeOf(tree.language));
  } finally {
    tree.delete();
  }
}
/** What a copy needs of a language, read once: each type's name and whether it is named, each field's name. */
interface Shape {
  types: readonly string[];
  named: readonly boolean[];
  fields: readonly (string | null)[];
  /** Whether a type id past the language's count is named: the parser's own ERROR (65535), asked once. */
  namedBeyond: Map<number, boolean>;
}

const shapes = new WeakMap<Language, Shape>();

function shapeOf(language: Language): Shape {
  let shape = shapes.get(language);
  if (!shape) {
    const count = language.nodeTypeCount;
    const types: string[] = [];
    const named: boolean[] = [];
    for (let id = 0; id < count; id++) {
      types.push(language.types[id] || 'ERROR');
      named.push(language.nodeTypeIsNamed(id));
    }
    // The parser's own ids past the count: ERROR, and the repeat of ERROR (never a visible node).
    const namedBeyond = new Map([65534, 65535].map((id) => [id, language.nodeTypeIsNamed(id)]));
    shapes.set(language, (shape = { types, named, fields: language.fields, namedBeyond }));
  }
  return shape;
}

/**
 * Copies the tree with the runtime's cursor functions called directly. The library's
 * TreeCursor writes its four handles into the runtime's transfer buffer before every call and
 * reads them back after every move (eight heap accesses through a generic accessor per call,
 * six calls per node). The runtime's functions read the cursor from that buffer and the moves
 * write it back there, so a cursor made in the buffer and left there for the whole walk needs
 * none of that: nothing else calls into the runtime until the walk ends (the language's names
 * are read beforehand, ./shapeOf). A node is read in four calls: its type id, its start, its
 * end and its field id; only a node of no length is asked whether it is MISSING (the parser
 * inserts those with nothing in them).
 */
function copyTree(tree: number, language: Language, { types, named, fields, namedBeyond }: Shape): TsNode {
  // Any other id past the count (none in a tree of a sound grammar) is asked of the language, a call that leaves the transfer buffer alone.
  const isNamed = (id: number): boolean => named[id] ?? namedBeyond.get(id) ?? language.nodeTypeIsNamed(id);
  const r = raw();
  r._ts_tree_root_node_wasm(tree);
  r._ts_tree_cursor_new_wasm(tree);
  try {
    const copy = () => {
      const id = r._ts_tree_cursor_current_node_type_id_wasm(tree);
      const start = r._ts_tree_cursor_start_index_wasm(tree);
      const end = r._ts_tree_cursor_end_index_wasm(tree);
      const missing = start === end && r._ts_tree_cursor_current_node_is_missing_wasm(tree) === 1;
      return new TsNode(types[id] ?? 'ERROR', isNamed(id), missing, start, end, fields[r._ts_tree_cursor_current_field_id_wasm(tree)] ?? null);
    };
    const root = copy();
    if (r._ts_tree_cursor_goto_first_child_wasm(tree) !== 1) return root;
    // The children of each node on the path from the root, filled as they are found.
    const stack = [root];
    const kids: TsNode[][] = [(root.children = [])];
    for (;;) {
      const node = copy();
      kids[kids.length - 1]!.push(node);
      if (node.hasError) for (let i = stack.length - 1; i >= 0 && !stack[i]!.hasError; i--) stack[i]!.hasError = true;
      if (r._ts_tree_cursor_goto_first_child_wasm(tree) === 1) {
        stack.push(node);
        kids.push((node.children = []));
        continue;
      }
      while (r._ts_tree_cursor_goto_next_sibling_wasm(tree) !== 1) {
        if (r._ts_tree_cursor_goto_parent_wasm(tree) !== 1 || stack.length === 1) return root;
        stack.pop();
        kids.pop();
      }
    }
  } finally {
    r._ts_tree_cursor_delete_wasm(tree);
  }
}

/**
 * A JavaScript/TypeScript build script's syntax tree, read once: babel (the parser jscodeshift's
 * `tsx` parser wraps, with the same options) parses the text as it is, and one walk of the tree
 * with ast-types collects the paths of the node types the reader asks for.
 *
 * Not through recast (jscodeshift's `j(text)`): recast parses a copy of the text with each
 * line's leading tabs turned into spaces and its line breaks into the platform's, then copies
 * the whole tree. Its offsets then pointed into that copy, not the file: a tab-indented or CRLF
 * script was read at the wrong places. The copy, and one ast-types walk per node type asked
 * for (each building its visitor's type table again), were also most of the reading's cost.
 */
import { createRequire } from 'node:module';

let jscodeshift: any;
/** jscodeshift (for ast-types' paths and types): loaded only when a script file needs reading. */
export function jscodeshiftApi(): any {
  if (!jscodeshift) jscodeshift = createRequire(import.meta.url)('jscodeshift');
  return jscodeshift;
}

let parser: { parse(text: string): any } | undefined;
/** babel's parser as jscodeshift's `tsx` parser configures it (TypeScript and JSX), without the token list. */
function tsxParser(): { parse(text: string): any } {
  if (parser) return parser;
  // babel and the options are jscodeshift's own, resolved from it: the same parser it would run.
  const fromJscodeshift = createRequire(createRequire(import.meta.url).resolve('jscodeshift'));
  const babel = fromJscodeshift('@babel/parser');
  const base = fromJscodeshift('./parser/tsOptions.js');
  const options = { ...base, plugins: ['jsx', ...base.plugins], tokens: false };
  parser = { parse: (text) => babel.parse(text, options) };
  return parser;
}

/**
 * TypeScript's expressions that only speak to the type checker: `x as T`, `x satisfies T`,
 * `x!`, `<T>x`, `f<T>`. The compiler erases them (the program runs `x`), so the tree holds `x`
 * in their place: `{ stdio: 'inherit' } as ExecSyncOptions` is the options object, and
 * `const IMAGE = 'app' as const` the string, as they are at run time.
 */
const TYPE_ONLY = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSInstantiationExpression']);

/** Replaces each type-only expression under `node` by the expression it holds. */
function eraseTypeOnly(node: any): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    for (const key of Object.keys(n)) {
      if (key === 'loc' || key === 'extra' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' || key === 'comments' || key === 'tokens') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          while (v[i] && TYPE_ONLY.has(v[i].type)) v[i] = v[i].expression;
          if (v[i] && typeof v[i].type === 'string') stack.push(v[i]);
        }
      } else if (v && typeof v === 'object' && typeof v.type === 'string') {
        let inner = v;
        while (TYPE_ONLY.has(inner.type)) inner = inner.expression;
        n[key] = inner;
        stack.push(inner);
      }
    }
  }
}

/** The syntax tree of a script's text (offsets into the text itself), with TypeScript's type-only expressions erased; throws babel's error when it does not parse. */
export function parseScriptTree(text: string): any {
  const tree = tsxParser().parse(text);
  // (a text that cannot hold one is not walked: `as `, `satisfies`, `x!` not before `=`, `f<T>`)
  if (MAY_HOLD_TYPE_ONLY.test(text)) eraseTypeOnly(tree);
  return tree;
}

const MAY_HOLD_TYPE_ONLY = /\bas\s|\bsatisfies\b|[\w$)\]]!(?!=)|[\w$]\s*</;

/**
 * The paths (ast-types NodePaths, with `.node` and `.parent`) of every node of each asked type,
 * in the order of a depth-first walk: what jscodeshift's `root.find(type)` gives for each type,
 * a subtype counting as its base type (an OptionalCallExpression is a CallExpression), from one
 * walk of the tree.
 */
export function collectPaths<T extends string>(tree: any, types: readonly T[]): Record<T, any[]> {
  const api = jscodeshiftApi();
  const out = {} as Record<T, any[]>;
  for (const t of types) out[t] = [];
  const wanted = new Map<string, T[]>();
  const bucketsOf = (type: string): T[] => {
    let b = wanted.get(type);
    if (!b) {
      const supers = new Set<string>([type, ...api.types.getSupertypeNames(type)]);
      b = types.filter((t) => supers.has(t));
      wanted.set(type, b);
    }
    return b;
  };
  const outer = onNode;
  onNode = (path) => {
    for (const t of bucketsOf(path.node.type)) out[t].push(path);
  };
  try {
    // A walk inside a walk (never done today) gets a visitor of its own: ast-types refuses to
    // start a visitor that is visiting.
    (outer ? newVisitor(api) : (visitor ??= newVisitor(api))).visit(tree);
  } finally {
    onNode = outer;
  }
  return out;
}

/**
 * One visitor for every walk, told per walk what to do with each node. Building a visitor
 * (ast-types' `visit(tree, methods)` builds one per call) computes its method table over every
 * node type ast-types knows: about 0.2 ms, as much as the walk of a small script, and 46 ms of
 * the bench's 1× sweep (2026-12-05 profile) spent again for each script and each reader.
 */
let visitor: any;
let onNode: ((path: any) => void) | undefined;
function newVisitor(api: any): any {
  return api.types.PathVisitor.fromMethodsObject({
    visitNode(this: any, path: any) {
      onNode!(path);
      this.traverse(path);
    },
  });
}

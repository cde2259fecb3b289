/**
 * The V8 flags the tree-sitter runtime runs under (src/analyze/tree-sitter.ts sets them before
 * the first WebAssembly module is compiled; the executable sets them before compiling the
 * bundle, src/code-cache.ts, since V8 accepts a code cache only under the flags it was made with).
 *
 * `--liftoff-only`: baseline code only. The grammars' lexers are single huge functions, and
 * optimising them cost about 400 ms of CPU after the first parse on 2 cores.
 */
export const WASM_FLAGS: readonly string[] = ['--liftoff-only'];

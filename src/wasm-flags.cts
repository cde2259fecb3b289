/**
 * The V8 flags the tree-sitter runtime runs under (src/analyze/tree-sitter.ts sets them before
 * the first WebAssembly module is compiled; the executable sets them before compiling the
 * bundle, src/code-cache.cts, since V8 accepts a code cache only under the flags it was made with).
 *
 * `--liftoff-only`: baseline code only. The grammars' lexers are single huge functions, and
 * optimising them cost about 400 ms of CPU after the first parse on 2 cores.
 *
 * Measured and left out (the bundled example's cold run, callgrind's instruction counts, same
 * cache state): `--wasm-lazy-compilation` is already Node 20's default (each function is
 * compiled at its first call: about 53 million instructions of a cold run, mostly the bash
 * lexer); `--wasm-lazy-validation` saved about 0.4% and would defer a damaged module's error
 * to its first call; compiling the bash grammar eagerly on V8's background threads compiled far
 * more than a parse calls.
 */
export const WASM_FLAGS: readonly string[] = ['--liftoff-only'];

/**
 * The flags the executable runs under: the WebAssembly ones, and `--no-turbo-inlining`. With
 * inlining, V8's optimising compiler spent about a sixth of a sweep's CPU on the second core
 * (the 1× bench tree, same rounds: 4.5 s of CPU and 2.85 s wall with inlining, 3.8 s and
 * 2.65 s without; the cold example unchanged). bin.cts sets them at run time (given on Node's command line, the
 * flag made the cold example about 10 ms slower); the API leaves a host process's flags alone
 * apart from the WebAssembly ones.
 */
export const EXECUTABLE_FLAGS: readonly string[] = [...WASM_FLAGS, '--no-turbo-inlining'];

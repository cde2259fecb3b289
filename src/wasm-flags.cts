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
 * to its first call. The executable compiles eagerly all the same (EAGER_WASM below), off the main thread.
 */
export const WASM_FLAGS: readonly string[] = ['--liftoff-only'];

/**
 * How much a function runs before V8 considers optimising it: about four times V8's default
 * (67,584). Fewer functions are sent to the optimising compiler, which on a large sweep runs
 * beside the main thread and counted as CPU. Measured on the bench's 1× tree, quiet 2-CPU
 * machine, five interleaved rounds given on the command line (2026-12-02): one thread's CPU
 * 4.04 → 3.34 s (medians, ×0.83), its main thread's 2.59 → 2.73 s, wall 2.84 → 2.83 s; on two
 * threads CPU 4.12 → 3.13 s and wall 3.21 → 2.77 s. (Before, on a loaded machine: 300,000 to
 * 1,200,000 all cut the CPU by a sixth to a fifth; 300,000 kept the main thread's the least changed.)
 */
const INTERRUPT_BUDGET = '--interrupt-budget=300000';

/**
 * Eager WebAssembly compilation, for the executable only: a module is compiled whole when it is
 * compiled, not each function at its first call. The executable compiles the runtime and the
 * bash grammar on V8's background threads while its bundle loads (./wasm-modules.cts); lazily,
 * that compiling happened on the main thread at the first parse (the bash lexer, one function of
 * 161 KB, and the runtime's parsing functions: 50 to 80 ms there). Measured on the bundled
 * example's cold run (2 CPUs, AMD EPYC, `npm run bench -- --cold-only --compare`, 40 interleaved
 * runs): 299 against 335 ms wall (×0.89), CPU ×1.13, as the runtime's functions a parse never
 * calls are compiled too. A grammar compiled later (a Makefile's, a Jenkinsfile's) is mostly
 * its lexer, which its first parse calls anyway.
 */
const EAGER_WASM = '--no-wasm-lazy-compilation';

/**
 * One background thread compiles the WebAssembly, not one per V8 worker thread (Node starts
 * four). The early compile of the runtime and the bash grammar (EAGER_WASM) has the time the
 * bundle takes to load, about 60 ms, and one thread does it in about 50; more threads, on a
 * 2-CPU machine, took the CPU the bundle's loading needed, and each touched fresh memory of its
 * own (about 370 page faults of the run's 8,600; a fault costs about 11 µs on the virtual
 * machines measured, docs/performance.md). The bundled example's cold run, 50 interleaved rounds
 * (2 CPUs, AMD EPYC, load average 2.6): 275 against 287 ms median, ×1.97 against ×2.05 of
 * `node -e 0`. A grammar compiled later (a Makefile's) is compiled on the main thread and this one.
 */
const COMPILE_TASKS = '--wasm-num-compilation-tasks=1';

/**
 * The flags the executable runs under: the WebAssembly ones, EAGER_WASM, COMPILE_TASKS, `--no-turbo-inlining` and INTERRUPT_BUDGET. With
 * inlining, V8's optimising compiler spent about a sixth of a sweep's CPU on the second core
 * (the 1× bench tree, same rounds: 4.5 s of CPU and 2.85 s wall with inlining, 3.8 s and
 * 2.65 s without; the cold example unchanged). bin.cts sets them at run time (given on Node's command line, the
 * flag made the cold example about 10 ms slower); the API leaves a host process's flags alone
 * apart from the WebAssembly ones.
 */
export const EXECUTABLE_FLAGS: readonly string[] = [...WASM_FLAGS, EAGER_WASM, COMPILE_TASKS, '--no-turbo-inlining', INTERRUPT_BUDGET];

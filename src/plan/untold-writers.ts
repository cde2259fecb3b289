/**
 * Programs whose file writes the tool cannot tell, given a script's output: a reader of a
 * caller's pipe from the script (`./build.sh | awk '{print > "build.log"}'`, `| sed -n 'w
 * build.log'`, `| ./tools/logsplit build.log`, `| split -l 1000 - log.`), and a program that
 * runs the script itself (`script -qc ./build.sh build.log`, `retry ./build.sh`). What they
 * write may be any file, named in their own text or by their own code; a program known to write
 * nothing but its standard output (`grep`, `gzip`, `ts`) and the shells are not among them.
 * `tee` is read for its files (./descriptor-outputs.ts).
 */
import path from 'node:path/posix';
import { ALL_SHELLS } from '../model/shells.js';
import type { ScriptCommand } from '../model/script.js';
import { printsFromNamedFiles } from './host-commands.js';

/** Filters that read standard input and write only their standard output (besides `printsFromNamedFiles`: `cat`, `grep`, `head`, `wc`, `echo`…). */
const FILTERS = new Set(['tr', 'ts', 'logger', 'column', 'fold', 'fmt', 'nl', 'tac', 'rev', 'expand', 'unexpand', 'base64', 'pv', 'col', 'colrm', 'strings', 'gzip', 'bzip2', 'xz', 'zstd', 'lz4', 'cat']);

/** Programs that write files named by options the table above does not read: `sort -o FILE`, `uniq IN OUT`, `less -o FILE`. */
const WRITING_OPTIONS: Readonly<Record<string, (args: readonly (string | null)[]) => boolean>> = {
  sort: (args) => args.some((a) => a === null || /^-[A-Za-z]*o|^--output/.test(a)),
  uniq: (args) => args.filter((a) => a === null || !a.startsWith('-') || a === '-').length > 1,
  less: () => true,
  more: () => true,
};

/** Whether `cmd`, whose program is its word `at` (past the wrappers), reading a pipe, may write files the tool cannot tell. */
export function pipeWritesUntold(cmd: ScriptCommand, at: number): boolean {
  const program = cmd.words[at]?.value ?? null;
  if (program === null) return true;
  const args = cmd.words.slice(at + 1).map((w) => w.value);
  const writing = WRITING_OPTIONS[program];
  if (writing) return writing(args);
  return !(FILTERS.has(program) || printsFromNamedFiles(program));
}

/** Programs that run a script they are given and write no file of its output themselves. */
const RUNNERS = new Set(['npx', 'npm', 'yarn', 'pnpm', 'bunx', 'exec', 'command']);

/**
 * Whether the program of a call of `script` (its word `at`, past the wrappers; `known` false
 * where their options cannot be read) is one that may write the script's output to files the
 * tool cannot tell: not the script run by its path or name, a shell or a package runner.
 */
export function callWritesUntold(call: ScriptCommand, at: number, known: boolean, script: string): boolean {
  const program = known ? call.words[at]?.value ?? null : null;
  if (program === null) return true;
  const name = path.basename(program);
  return !(program.includes('/') || name === path.basename(script) || ALL_SHELLS.has(name) || RUNNERS.has(name));
}

/**
 * Whether an alias a shell script defines can replace a command of it. bash expands aliases only
 * in an interactive shell, in POSIX mode (run as `sh`, with `--posix`, after `set -o posix`, or
 * with POSIXLY_CORRECT set) or once `shopt -s expand_aliases` ran; dash, the usual `sh`, expands
 * them in scripts too. So in a script bash runs as a script (its `#!` line names bash, and every
 * caller runs the file itself or `bash FILE`), where nothing may turn expansion on, an
 * `alias docker=…` replaces nothing: the steps run the programs they name. (A `BASH_ENV` file
 * the environment names could turn expansion on: one the repository sets refuses the setup,
 * ./bash-env.ts; a user's own login environment is not seen.)
 */
import path from 'node:path/posix';
import type { ScriptCommand, ScriptFile } from '../model/script.js';

/** Options of bash that leave a script's aliases unexpanded (`-e`, `-x`, `-u` and together). */
const plainOptions = (words: readonly string[]) => words.every((w) => w.length > 1 && [...w.slice(1)].every((c) => 'eux'.includes(c)) && w.startsWith('-'));

/** The words of the script's `#!` line, or null without one. */
function shebang(text: string): string[] | null {
  if (!text.startsWith('#!')) return null;
  const end = text.indexOf('\n');
  return text.slice(2, end < 0 ? text.length : end).trim().split(/[ \t]+/).filter((w) => w !== '');
}

/** True when the `#!` line runs bash as a script (`#!/bin/bash`, `#!/usr/bin/env bash`, `-e`/`-x`/`-u` options). */
function bashShebang(text: string): boolean {
  const words = shebang(text);
  if (!words || words.length === 0) return false;
  const [prog, ...rest] = words;
  const args = path.basename(prog!) === 'env' ? (rest[0] === 'bash' ? rest.slice(1) : null) : path.basename(prog!) === 'bash' ? rest : null;
  return args !== null && plainOptions(args);
}

/** Commands that may turn alias expansion on, or run text that may (`shopt`, a sourced file, `eval`…). */
const MAY_ENABLE = new Set(['shopt', 'source', '.', 'eval', 'builtin', 'command', 'exec', 'enable']);

function mayEnable(cmd: ScriptCommand): boolean {
  const prog = cmd.words[0]?.value;
  if (prog === undefined || prog === null || MAY_ENABLE.has(prog)) return true;
  if (cmd.vars.has('POSIXLY_CORRECT') || cmd.env?.has('POSIXLY_CORRECT')) return true;
  return prog === 'set' && cmd.words.slice(1).some((w) => w.value === null || w.value === 'posix');
}

/**
 * True when the script's aliases are never expanded when bash runs it as its `#!` line says:
 * a shell script file whose commands (and those of `sequence`, all its own) never turn
 * expansion on. The files that run it are checked apart (runByBashOnly).
 */
export function aliasesOff(script: ScriptFile, sequence: readonly ScriptCommand[]): boolean {
  if (script.kind !== 'shell' || !bashShebang(script.text)) return false;
  if (sequence.some((c) => c.file !== script.file)) return false;
  return !script.commands.some(mayEnable);
}

/**
 * True when every other file of `files` that names the script (`build.sh` anywhere in its text)
 * is a script the tool reads (`read`), and each of its commands that names it runs the file
 * itself (`./build.sh`, `exec scripts/build.sh`) or plain `bash FILE`: then bash runs it as a
 * script. Anything else that names it (`sh build.sh`, `. ./build.sh`, `sudo bash build.sh`, a
 * README saying how to run it, a file the tool does not read) may run it in a shell that expands
 * its aliases.
 */
export function runByBashOnly(rel: string, files: readonly string[], read: (rel: string, text: string) => ScriptFile | null, text: (rel: string) => string | null): boolean {
  const name = path.basename(rel);
  for (const other of files) {
    if (other === rel) continue;
    const t = text(other);
    if (t === null || !t.includes(name)) continue;
    const script = read(other, t);
    if (script === null) return false;
    const naming = script.commands.filter((c) => c.words.some((w) => w.raw.includes(name)) || c.redirects.some((r) => r.target.raw.includes(name)));
    if (!naming.every((c) => runsAsBash(c, name))) return false;
    // Every place the text names it is in one of those commands (not in a step the tool does not read, a comment, a string).
    for (let at = t.indexOf(name); at >= 0; at = t.indexOf(name, at + 1)) if (!naming.some((c) => c.start <= at && at < c.end)) return false;
  }
  return true;
}

/** `./build.sh …`, `exec ./build.sh`, `bash -e scripts/build.sh`: the one word naming the script is the program, or plain bash's file. */
function runsAsBash(cmd: ScriptCommand, name: string): boolean {
  if (cmd.redirects.some((r) => r.target.raw.includes(name))) return false;
  const words = cmd.words.slice(cmd.words[0]?.value === 'exec' ? 1 : 0);
  const at = words.findIndex((w) => w.raw.includes(name));
  if (words.slice(at + 1).some((w) => w.raw.includes(name))) return false;
  const file = words[at]!;
  // A bare name is looked up on PATH, not in the repository.
  if (at === 0 && !file.raw.includes('/')) return false;
  if (at === 0) return true;
  const shell = words.slice(0, at).map((w) => w.value);
  return shell.every((v) => v !== null) && path.basename(shell[0]!) === 'bash' && plainOptions(shell.slice(1) as string[]);
}

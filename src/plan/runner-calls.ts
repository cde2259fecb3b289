/**
 * A command of a script, a recipe or a CI step that runs `make` or `npm` (`yarn`, `pnpm`) may
 * run a Makefile's target or a package.json's script that holds a setup (`run: make image`, then
 * an upload of the binary it left): it is a call of that setup, as `sh build.sh` is of a shell
 * script's (./caller-uses.ts). Which file it runs is read from its folder: make reads the
 * Makefile (`GNUmakefile`, `makefile`) of the folder it runs in, npm the package.json of that
 * folder or of the nearest folder above it holding one. An option that names another folder or
 * file (`make -C svc`, `make -f build.mk`, `npm --prefix web`, `--workspace`), a word only known
 * at run time, or a folder the tool cannot follow may reach any of them: it counts.
 */
import path from 'node:path/posix';
import type { ScriptCommand } from '../model/script.js';
import { programAt } from '../model/wrappers.js';
import { folderOf } from '../model/paths.js';

/** Options of each runner that make it run a file of another folder, or another file. */
const ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
  make: ['-C', '--directory', '-f', '--file', '--makefile'],
  npm: ['--prefix', '-w', '--workspace', '-ws', '--workspaces', '-C'],
  yarn: ['--cwd', 'workspace', 'workspaces'],
  pnpm: ['-C', '--dir', '--filter', '-F', '-r', '--recursive', '-w', '--workspace-root'],
};
const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

/** The runner `cmd` runs past its wrappers (`make`, `npm`…, of `runners`), or null. */
export function runnerOf(cmd: ScriptCommand, runners: ReadonlySet<string>): string | null {
  const { at, known } = programAt(cmd.words);
  const v = known ? cmd.words[at]?.value : null;
  return v != null && runners.has(path.basename(v)) ? path.basename(v) : null;
}

/**
 * The folder from which `cmd`, which runs `runner`, looks for its Makefile or package.json, or
 * null where it may reach any of them (a folder unknown, an option naming another folder or
 * file, a word only known at run time).
 */
export function runnerFolder(cmd: ScriptCommand, runner: string): string | null {
  if (cmd.cwd === null) return null;
  const { at } = programAt(cmd.words);
  const elsewhere = ELSEWHERE[runner] ?? [];
  for (let k = at + 1; k < cmd.words.length; k++) {
    const v = cmd.words[k]!.value;
    if (v === null) return null;
    // `--prefix=web`, `-Csvc`, `-C svc`: the option's name.
    const name = v.startsWith('--') ? v.split('=', 1)[0]! : /^-[A-Za-z]./.test(v) ? v.slice(0, 2) : v;
    if (elsewhere.includes(name) || (v.startsWith('-') && !v.startsWith('--') && elsewhere.includes(v))) return null;
  }
  return cmd.cwd;
}

/** Whether `runner`, run from `folder` (a repository path), runs the Makefile or package.json at `file`. */
export function runsFileFrom(runner: string, folder: string, file: string): boolean {
  const name = path.basename(file);
  return (runner === 'make' ? MAKEFILES.includes(name) : name === 'package.json') && foldersReached(runner, folder).includes(folderOf(file));
}

/**
 * The folders whose Makefile (make) or package.json (npm, yarn, pnpm) `runner`, run from
 * `folder`, may run: that folder for make; it and every folder above it ('' the root) for the others.
 */
export function foldersReached(runner: string, folder: string): string[] {
  if (runner === 'make') return [folder];
  const out = [''];
  for (let k = folder.indexOf('/'); k !== -1; k = folder.indexOf('/', k + 1)) out.push(folder.slice(0, k));
  if (folder !== '') out.push(folder);
  return out;
}

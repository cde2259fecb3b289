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

/** Whether `cmd`, which runs `runner`, may run the Makefile or package.json at `file` (a repository path). */
export function runnerReaches(cmd: ScriptCommand, runner: string, file: string): boolean {
  if (cmd.cwd === null) return true;
  const { at } = programAt(cmd.words);
  const elsewhere = ELSEWHERE[runner] ?? [];
  for (const w of cmd.words.slice(at + 1)) {
    if (w.value === null) return true;
    // `--prefix=web`, `-Csvc`, `-C svc`: the option's name.
    const name = w.value.startsWith('--') ? w.value.split('=', 1)[0]! : /^-[A-Za-z]./.test(w.value) ? w.value.slice(0, 2) : w.value;
    if (elsewhere.includes(name) || (w.value.startsWith('-') && !w.value.startsWith('--') && elsewhere.includes(w.value))) return true;
  }
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  if (runner === 'make') return MAKEFILES.includes(path.basename(file)) && dir === cmd.cwd;
  // npm, yarn and pnpm look for package.json from the folder they run in upwards.
  return path.basename(file) === 'package.json' && (dir === '' || cmd.cwd === dir || cmd.cwd.startsWith(`${dir}/`));
}

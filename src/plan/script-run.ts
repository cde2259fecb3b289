/**
 * Which package.json script a runner's command runs by name, as a caller writes it: `npm run
 * image -- …`, `npm run-script image`, `npm test` (npm's commands that run the script of their
 * own name), `yarn image`, `pnpm image`, `bun run image`.
 */
import type { ScriptCommand } from '../model/script.js';
import { programAt } from '../model/wrappers.js';

/** npm's commands that run the script of their own name (`t` and `tst` are `test`). */
const NPM_SCRIPT_COMMANDS = new Set(['test', 't', 'tst', 'start', 'stop', 'restart']);

/**
 * The script `cmd` (running `runner`) runs by name and the words after that name, `run` saying
 * whether it was written after `run`/`run-script`; `name` null when the tool cannot tell which
 * (an option before it may take the next word, a word only known at run time); undefined when
 * it runs none (`npm install`, `npm run` alone).
 */
export function scriptRun(cmd: ScriptCommand, runner: string): { name: string | null; rest: (string | null)[]; run: boolean } | undefined {
  const { at } = programAt(cmd.words);
  const words = cmd.words.slice(at + 1).map((w) => w.value);
  const first = words[0];
  if (first === undefined) return undefined;
  if (first === null || first.startsWith('-')) return { name: null, rest: [], run: false };
  if (first === 'run' || first === 'run-script') {
    const name = words[1];
    if (name === undefined) return undefined;
    return name === null || name.startsWith('-') ? { name: null, rest: [], run: true } : { name, rest: words.slice(2), run: true };
  }
  if (runner !== 'npm') return { name: first, rest: words.slice(1), run: false };
  return NPM_SCRIPT_COMMANDS.has(first) ? { name: first.startsWith('t') ? 'test' : first, rest: words.slice(1), run: false } : undefined;
}

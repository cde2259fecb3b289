/**
 * Which package.json script a runner's command runs by name, as a caller writes it: `npm run
 * image -- …`, `npm run-script image`, `npm test` (npm's commands that run the script of their
 * own name), `yarn image`, `pnpm image`, `bun run image`.
 */
import type { ScriptCommand } from '../model/script.js';
import { programAt } from '../model/wrappers.js';
import { readNpmLine } from '../analyze/hosts/npm-options.js';

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
  if (runner === 'npm') return npmScriptRun(words);
  const first = words[0];
  if (first === undefined) return undefined;
  if (first === null || first.startsWith('-')) return { name: null, rest: [], run: false };
  if (first === 'run' || first === 'run-script') {
    const name = words[1];
    if (name === undefined) return undefined;
    return name === null || name.startsWith('-') ? { name: null, rest: [], run: true } : { name, rest: words.slice(2), run: true };
  }
  return { name: first, rest: words.slice(1), run: false };
}

/**
 * The same for npm, which takes its own options (and their values: `--loglevel silly`, `-w web`)
 * anywhere before `--` (../analyze/hosts/npm-options.ts): `rest` holds only the words it hands
 * the script, ending in null where what follows an option cannot be told apart.
 */
function npmScriptRun(words: readonly (string | null)[]): { name: string | null; rest: (string | null)[]; run: boolean } | undefined {
  const line = readNpmLine(words);
  const [first, second, ...rest] = line.positional;
  const handed = line.unclear ? [...rest, null] : rest;
  if (first === undefined) return line.unclear ? { name: null, rest: [], run: false } : undefined;
  if (first === null) return { name: null, rest: [], run: false };
  if (first === 'run' || first === 'run-script') {
    if (second === undefined) return line.unclear ? { name: null, rest: [], run: true } : undefined;
    return second === null ? { name: null, rest: [], run: true } : { name: second, rest: handed, run: true };
  }
  return NPM_SCRIPT_COMMANDS.has(first) ? { name: first.startsWith('t') ? 'test' : first, rest: second === undefined ? handed : [second, ...handed], run: false } : undefined;
}

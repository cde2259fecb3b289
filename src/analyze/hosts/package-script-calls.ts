/**
 * The package.json scripts a command runs: `npm run X` (`run-script`), `pnpm run X`, `yarn run X`,
 * and `yarn X`, which yarn reads as `yarn run X` when X is none of its own commands (1.x and 2+
 * alike: its own commands win over a script of that name, so a name that is one, in either, is
 * not taken for a script).
 *
 * Whether the call runs the script exactly as written, in place (plainCall):
 * - npm runs X's `preX` and `postX` around it, and takes options anywhere on its line: those that
 *   only quiet it (and `--if-present`) leave the script as written; any other option, or a word
 *   for the script, does not.
 * - yarn and pnpm hand every word after the name to the script (appended to its last command),
 *   and whether they run `preX`/`postX` depends on their version (yarn 1 does, yarn 2+ does not;
 *   pnpm 7+ only with `enable-pre-post-scripts`): a call with words after the name, or of a
 *   script with such a hook, is a program the tool does not model.
 * Variables the call hands the script (`DOCKER_DEFAULT_PLATFORM=linux/arm64 npm run final`, an
 * `export` before it) reach its commands, which their own reading does not see: not plain either.
 */
import type { ScriptCommand } from '../../model/script.js';
import type { HookRunning } from './package-hooks.js';
import { readNpmLine } from './npm-options.js';

/** Commands of yarn 1 and of yarn 2+ (with its bundled plugins), and their short forms. */
const YARN_COMMANDS = new Set([
  'access', 'add', 'audit', 'autoclean', 'bin', 'cache', 'check', 'config', 'constraints', 'create', 'dedupe', 'dlx', 'env', 'exec', 'explain', 'focus', 'generate-lock-entry', 'global', 'help',
  'import', 'info', 'init', 'install', 'licenses', 'link', 'list', 'lockfile', 'login', 'logout', 'node', 'npm', 'outdated', 'owner', 'pack', 'patch', 'patch-commit', 'plugin', 'policies',
  'prune', 'publish', 'rebuild', 'remove', 'run', 'run-script', 'sdks', 'search', 'self-update', 'set', 'stage', 'tag', 'team', 'test', 'unlink', 'unplug', 'up', 'upgrade',
  'upgrade-interactive', 'version', 'versions', 'why', 'workspace', 'workspaces',
  'i', 'ls', 'ln', 'rm', 'un', 'dir', 'upgradeInteractive', 'generateLockEntry',
]);

/**
 * npm's options that leave a script to run as written, with its pre/post scripts, in this
 * package: how much npm prints, and `--if-present` (the script is there).
 */
const PLAIN_SETTINGS: ReadonlySet<string> = new Set(['if-present', 'loglevel', 'foreground-scripts']);

interface Call {
  runner: 'npm' | 'pnpm' | 'yarn';
  name: string;
  /** The words after the name (npm: those it hands the script). */
  rest: readonly (string | null)[];
  /** npm's own settings on the line (`--loglevel silly`: `loglevel`); null where the line cannot be read (./npm-options.ts). */
  settings?: readonly string[] | null;
}

/** The script a command names, by its runner; `scripts`: the package's script names. */
function callOf(c: ScriptCommand, scripts: readonly string[]): Call | null {
  const w = c.words.map((x) => x.value);
  const runner = w[0];
  if (runner !== 'npm' && runner !== 'pnpm' && runner !== 'yarn') return null;
  if (runner === 'npm') {
    // npm takes its options, and their values, anywhere on its line (`npm run image --loglevel silly`)
    const line = readNpmLine(w.slice(1));
    const [verb, name] = line.positional;
    return (verb === 'run' || verb === 'run-script') && name !== undefined && name !== null ? { runner, name, rest: line.positional.slice(2), settings: line.unclear ? null : line.settings } : null;
  }
  if ((w[1] === 'run' || w[1] === 'run-script') && w[2] !== undefined && w[2] !== null) return { runner, name: w[2], rest: w.slice(3) };
  // `yarn extract`: yarn's own commands first, then the package's scripts.
  const name = w[1];
  if (runner === 'yarn' && name !== undefined && name !== null && !name.startsWith('-') && !YARN_COMMANDS.has(name) && scripts.includes(name)) return { runner, name, rest: w.slice(2) };
  return null;
}

/** The script name a command calls (`npm run X`, `yarn X`…), plain or not, or null. */
export function calledScript(c: ScriptCommand, scripts: readonly string[]): string | null {
  return callOf(c, scripts)?.name ?? null;
}

/**
 * The script a command runs exactly as written, in place (with npm, with its pre/post scripts
 * where `npmHooks` says npm runs them: ./package-hooks.ts), or null.
 */
export function plainCall(c: ScriptCommand, scripts: readonly string[], npmHooks: HookRunning = 'run'): string | null {
  const call = callOf(c, scripts);
  if (call === null) return null;
  if ((c.env && c.env.size > 0) || (c.exported && c.exported.length > 0)) return null;
  const hooked = scripts.includes(`pre${call.name}`) || scripts.includes(`post${call.name}`);
  if (call.runner === 'npm') return call.rest.length === 0 && call.settings != null && call.settings.every((k) => PLAIN_SETTINGS.has(k)) && (npmHooks !== 'unknown' || !hooked) ? call.name : null;
  return call.rest.length === 0 && !hooked ? call.name : null;
}

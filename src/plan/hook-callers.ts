/**
 * A package.json script read with its `preX`/`postX` scripts (src/analyze/hosts/package-hooks.ts)
 * runs them only through a runner known to run them there. A caller that runs it otherwise
 * (`pnpm image` without `enable-pre-post-scripts`, `yarn image` where yarn's version is not
 * known, `bun run image`, `npm run image --ignore-scripts`) runs the script alone: where the
 * setup draws a step from a hook (the builder build and extraction in `preimage`, the final
 * build in `image`), that caller ran only some of its steps, and the merged build would run
 * them all.
 */
import { diag } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import { scriptRun } from './script-run.js';
import type { EmbeddedScript } from '../analyze/embedded.js';
import { setupCommands, type Setup } from '../model/setup.js';

/**
 * Whether `cmd` may turn npm's scripts off: `--ignore-scripts`, a word only known at run time,
 * or npm's setting in its environment (`NPM_CONFIG_IGNORE_SCRIPTS=true`, npm reads its
 * settings from `npm_config_*` variables in any case; a CI step's `env:` too).
 */
const ignoresScripts = (cmd: ScriptCommand) =>
  cmd.words.some((w) => w.value === null || w.value === '--ignore-scripts' || (w.value.startsWith('--ignore-scripts=') && w.value !== '--ignore-scripts=false')) ||
  [...cmd.vars, ...(cmd.env ?? [])].some(([k, v]) => k.toLowerCase() === 'npm_config_ignore_scripts' && v !== 'false');

/** Refuses `setup` where `cmd`, of `caller`, runs its package.json script without the hooks the setup's steps are in. */
export function markHookSkippingCall(setup: Setup, pkg: ScriptFile | undefined, caller: ScriptFile, cmd: ScriptCommand, runner: string): void {
  const hooked = (pkg as Partial<EmbeddedScript> | undefined)?.hooked;
  if (!hooked || setup.diagnostics.some((d) => d.code === 'CONDITIONAL_STEP' && d.file === cmd.file && d.line === cmd.line)) return;
  if (hooked.runners.includes(runner) && !(runner === 'npm' && ignoresScripts(cmd))) return;
  const own = new Set(setupCommands(setup));
  const run = scriptRun(cmd, runner);
  if (run === undefined) return;
  const name = run.name;
  const entry = hooked.entries.find((e) => (name === null || e.entry === name) && e.commands.some((c) => own.has(c)));
  if (!entry) return;
  const how = runner === 'npm' ? 'npm under ignore-scripts (`--ignore-scripts`, `npm_config_ignore_scripts` in its environment),' : `${runner}, which is not known to run a script's pre and post scripts here,`;
  setup.diagnostics.push(diag('CONDITIONAL_STEP', 'error', `\`${shownCommand(cmd)}\` (${caller.file}:${cmd.line}) runs the script "${entry.entry}" of ${setup.script} through ${how} so it runs it without its pre/post scripts, which hold some of the setup's steps: that call ran only the others, and the merged build would run them all`, {
    file: cmd.file,
    line: cmd.line,
    hint: `Call the steps explicitly (\`"${entry.entry}": "npm run pre${entry.entry} && …"\`), run the script with npm, or migrate by hand.`,
    setup: setup.id,
  }));
}

/** The runners that run a package.json script by its name, each of which may skip its hooks. */
const SCRIPT_RUNNERS = ['npm', 'yarn', 'pnpm', 'bun'];

/**
 * The same for a file the tool does not read (./passed-over-callers.ts) that names runners
 * (`named`: whether it names each): one naming a runner not known to run the hooks of the
 * script the setup draws steps from, or npm where it also says `--ignore-scripts`, may run the
 * script alone.
 */
export function markHookSkippingNaming(setup: Setup, pkg: ScriptFile | undefined, file: string, line: number, named: (runner: string) => boolean, ignoresScripts: boolean): void {
  const hooked = (pkg as Partial<EmbeddedScript> | undefined)?.hooked;
  if (!hooked || setup.diagnostics.some((d) => d.code === 'CONDITIONAL_STEP' && d.file === file)) return;
  const runner = SCRIPT_RUNNERS.find((r) => named(r) && (!hooked.runners.includes(r) || (r === 'npm' && ignoresScripts)));
  if (runner === undefined) return;
  const own = new Set(setupCommands(setup));
  const entry = hooked.entries.find((e) => e.commands.some((c) => own.has(c)));
  if (!entry) return;
  const how = hooked.runners.includes(runner) ? 'and says `--ignore-scripts`' : `which is not known to run a script's pre and post scripts here`;
  setup.diagnostics.push(diag('CONDITIONAL_STEP', 'error', `${file}:${line} names ${runner}, ${how}, and the tool does not read that file: it may run the script "${entry.entry}" of ${setup.script} without its pre/post scripts, which hold some of the setup's steps, and the merged build would run them all`, {
    file,
    line,
    hint: `Call the steps explicitly (\`"${entry.entry}": "npm run pre${entry.entry} && …"\`), or migrate by hand.`,
    setup: setup.id,
  }));
}

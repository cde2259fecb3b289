/**
 * A package.json script read with its `preX`/`postX` scripts (src/analyze/hosts/package-hooks.ts)
 * runs them only through a runner known to run them there. A caller that runs it otherwise
 * (`pnpm image` without `enable-pre-post-scripts`, `yarn image` where yarn's version is not
 * known, `bun run image`, `npm run image --ignore-scripts`) runs the script alone: where the
 * setup draws a step from a hook (the builder build and extraction in `preimage`, the final
 * build in `image`), that caller ran only some of its steps, and the merged build would run
 * them all.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
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

/** Commands that only print: run or not, they change nothing the setup's steps find. */
const inert = (c: ScriptCommand) => ['echo', 'printf', 'true', ':'].includes(c.words[0]?.value ?? '') && c.redirects.length === 0;

/** Whether the script `entry` of `pkg` runs one of the setup's steps (`own`), read with its hooks. */
function entryHolds(pkg: ScriptFile | undefined, entry: string, own: ReadonlySet<ScriptCommand>): boolean {
  const e = pkg as Partial<EmbeddedScript> | undefined;
  const k = e?.entries?.indexOf(entry) ?? -1;
  return k >= 0 && (e!.sequences?.[k] ?? []).some((c: ScriptCommand) => own.has(c));
}

type Hooked = NonNullable<EmbeddedScript['hooked']>;

/**
 * What a run of the script `name` (null: any) of `pkg` without its hooks would miss: a hook that
 * holds some of the setup's steps (`steps`), or a pre script whose commands run before the
 * setup's steps and may change what they find (`"preimage": "mkdir -p out"` decides where
 * `docker cp x:/app out` lands: the tool read the steps after it); null where neither.
 */
function missed(hooked: Hooked, pkg: ScriptFile | undefined, name: string | null, setup: Setup): { entry: string; before: ScriptCommand | null } | null {
  const own = new Set(setupCommands(setup));
  const steps = hooked.entries.find((e) => (name === null || e.entry === name) && e.commands.some((c) => own.has(c)));
  if (steps) return { entry: steps.entry, before: null };
  const pre = hooked.entries.find((e) => (name === null || e.entry === name) && e.pre.some((c) => !inert(c)) && entryHolds(pkg, e.entry, own));
  return pre ? { entry: pre.entry, before: pre.pre.find((c) => !inert(c))! } : null;
}

/** The refusal for a call (`at`, said as `who`) that runs the script without its hooks, through `how`. */
function skipped(setup: Setup, m: { entry: string; before: ScriptCommand | null }, who: string, how: string, at: { file: string; line: number }): Diagnostic {
  const why = m.before === null
    ? `without its pre/post scripts, which hold some of the setup's steps: that call ran only the others, and the merged build would run them all`
    : `without its pre script, whose \`${shownCommand(m.before)}\` (line ${m.before.line}) runs before the setup's steps and may change what they find: the tool read the steps after it`;
  return diag('CONDITIONAL_STEP', 'error', `${who} the script "${m.entry}" of ${setup.script} ${how} ${why}`, {
    ...at,
    hint: m.before === null
      ? `Call the steps explicitly (\`"${m.entry}": "npm run pre${m.entry} && …"\`), run the script with npm, or migrate by hand.`
      : `Run the script with a runner known to run its pre script (npm, or yarn 1 named by a \`packageManager\` field or its yarn.lock), move those commands into "${m.entry}", or migrate by hand.`,
    setup: setup.id,
  });
}

/** Refuses `setup` where `cmd`, of `caller`, runs its package.json script without the hooks the setup's steps are in (or read after). */
export function markHookSkippingCall(setup: Setup, pkg: ScriptFile | undefined, caller: ScriptFile, cmd: ScriptCommand, runner: string): void {
  const hooked = (pkg as Partial<EmbeddedScript> | undefined)?.hooked;
  if (!hooked || setup.diagnostics.some((d) => d.code === 'CONDITIONAL_STEP' && d.file === cmd.file && d.line === cmd.line)) return;
  if (hooked.runners.includes(runner) && !(runner === 'npm' && ignoresScripts(cmd))) return;
  const run = scriptRun(cmd, runner);
  if (run === undefined) return;
  const m = missed(hooked, pkg, run.name, setup);
  if (!m) return;
  const how = runner === 'npm' ? 'through npm under ignore-scripts (`--ignore-scripts`, `npm_config_ignore_scripts` in its environment), so it runs it' : `through ${runner}, which is not known to run a script's pre and post scripts here, so it may run it`;
  setup.diagnostics.push(skipped(setup, m, `\`${shownCommand(cmd)}\` (${caller.file}:${cmd.line}) runs`, how, { file: cmd.file, line: cmd.line }));
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
  const m = missed(hooked, pkg, null, setup);
  if (!m) return;
  const how = hooked.runners.includes(runner) ? 'and says `--ignore-scripts`' : `which is not known to run a script's pre and post scripts here`;
  setup.diagnostics.push(skipped(setup, m, `${file}:${line} names ${runner}, ${how}, and the tool does not read that file: it may run`, 'that way,', { file, line }));
}

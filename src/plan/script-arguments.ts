/**
 * A caller that hands a package.json script words (`npm run image -- --build-arg VERSION=2`,
 * `yarn image --no-cache`, `pnpm run image -f Dockerfile.prod`): the runner appends them to the
 * script's text, so they reach its last command (npm's run-script: positional arguments go to
 * the script itself, not to its pre/post scripts). Where that command is one of the setup's
 * steps, the old call ran that step with them; merged, they would reach what it became (the
 * final build, which now builds the builder stage too) or be lost with it.
 */
import { diag } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import { scriptRun } from './script-run.js';
import type { EmbeddedScript } from '../analyze/embedded.js';
import { setupCommands, type Setup } from '../model/setup.js';
import { dockerInvocation } from '../model/docker-command.js';

/** The script `cmd` runs by name and the words it hands it, or null where the tool cannot tell them (npm: only `npm run NAME`). */
function scriptCall(cmd: ScriptCommand, runner: string): { name: string; words: (string | null)[] } | null {
  const run = scriptRun(cmd, runner);
  if (run === undefined || run.name === null || (runner === 'npm' && !run.run)) return null;
  // (npm: its own options and their values are left out already, ./script-run.ts)
  return { name: run.name, words: run.rest };
}

/** Refuses `setup` where `cmd`, of `caller`, hands words to the package.json script whose last command is one of its steps. */
export function markPassedArguments(setup: Setup, pkg: ScriptFile | undefined, caller: ScriptFile, cmd: ScriptCommand, runner: string): void {
  if (pkg === undefined || pkg.kind !== 'package-json' || !['npm', 'yarn', 'pnpm', 'bun'].includes(runner)) return;
  const call = scriptCall(cmd, runner);
  if (call === null || call.words.length === 0) return;
  const part = (pkg as EmbeddedScript).parts.find((p) => p.snippet.entryNames?.includes(call.name));
  if (!part || part.count === 0) return;
  const own = pkg.commands.slice(part.first, part.first + part.count);
  const last = own.reduce((a, b) => (b.start > a.start ? b : a));
  if (!setupCommands(setup).includes(last)) return;
  if (setup.diagnostics.some((d) => d.file === cmd.file && d.line === cmd.line && (d.code === 'UNSUPPORTED_BUILD_FLAG' || d.code === 'SCRIPT_EDIT_UNSAFE'))) return;
  const handed = call.words.map((w) => w ?? '<only known at run time>').join(' ');
  const build = dockerInvocation(last)?.verb === 'build';
  setup.diagnostics.push(diag(build ? 'UNSUPPORTED_BUILD_FLAG' : 'SCRIPT_EDIT_UNSAFE', 'error', `\`${shownCommand(cmd)}\` (${caller.file}:${cmd.line}) hands \`${handed}\` to the script "${call.name}" of ${setup.script}, which ${runner} appends to its last command, \`${shownCommand(last)}\` (line ${last.line}), a step of the setup: ${build ? 'merged, that build would build the builder stage too, with them' : 'merged, that step is gone and the words would reach another command'}`, {
    file: cmd.file,
    line: cmd.line,
    hint: 'Write the words into the script (or into both builds), or migrate by hand.',
    setup: setup.id,
  }));
}

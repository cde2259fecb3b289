/**
 * Docker run through wrappers (`sudo docker …`, `nice -n 10 docker …`, `env GOFLAGS=-mod=mod
 * docker …`, `command docker …`, `timeout 60 docker cp …`: src/model/docker-command.ts's
 * dockerAt). The merged build runs where the runtime build ran, with its wrappers, and an export
 * build is written with the builder build's; that builds what the old steps built only when
 * every docker command of the setup ran through the very same wrappers (a removal of the
 * container or image, which goes, aside): sudo talks to root's daemon with root's config
 * (another user's with `-u`), and a variable env sets reaches only the commands it wraps.
 * Otherwise the setup is refused (DOCKER_WRAPPERS_DIFFER).
 *
 * A time limit is no part of what a command builds: `timeout` on the steps that go (the
 * builder build, `docker create`, `docker cp`) goes with them, and the merged build runs as
 * the runtime build did, without one (an export build keeps the builder build's). On the final
 * build it is refused: merged, the builder stage would be built within the one limit the runtime
 * build alone had (FINAL_BUILD_TIMEOUT). Nor are `time`, `command` and a bare `env` (NEUTRAL):
 * they go with the steps that go, the final build keeping its own. `exec` ends the shell with
 * docker: the final build keeps it, and on any step before it the setup is refused
 * (EXEC_BEFORE_FINAL_BUILD).
 */
import { dockerInvocation, isEnvironmentSpan } from '../model/docker-command.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { wrapperSpans } from '../model/wrappers.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/** The wrapper words before docker in `cmd` (none when docker is the program or `cmd` is no docker command). */
export function wrapperWords(cmd: ScriptCommand): ScriptCommand['words'] {
  const at = dockerInvocation(cmd)?.at ?? 0;
  return cmd.words.slice(0, at);
}

/**
 * Wrappers that change nothing a docker command builds or copies, so they need not be the same
 * on every step: `time` (the times go to standard error), `command`, a bare `env` (each runs
 * docker where the shell would, bypassing only a function or alias named docker, which
 * COMMAND_SHADOWED refuses anyway) and `exec` (the shell ends with docker: only the final build
 * may have it, below). `timeout` is judged apart.
 */
const NEUTRAL = new Set(['time', 'command', 'exec']);

/**
 * The wrappers' spans before docker in `cmd` other than `timeout`'s, the NEUTRAL ones' and an
 * `env` of assignments alone's: those are docker's environment, judged as assignments before
 * the program are (the builds' in ./build-flags.ts, the other steps' in ./docker-environment.ts).
 */
function untimed(cmd: ScriptCommand): ScriptCommand['words'] {
  const at = dockerInvocation(cmd)?.at ?? 0;
  return wrapperSpans(cmd.words.slice(0, at))
    .filter((s) => s.name !== 'timeout' && !NEUTRAL.has(s.name) && !(s.name === 'env' && s.end === s.start + 1) && !isEnvironmentSpan(cmd.words, s))
    .flatMap((s) => cmd.words.slice(s.start, s.end ?? at));
}

const spelled = (cmd: ScriptCommand) => untimed(cmd).map((w) => w.value).join(' ');

/** A refusal when the setup's docker commands do not all run through the same wrappers, else null. */
export function checkWrappers(setup: Setup): Diagnostic | null {
  const runtime = setup.runtime?.inv.cmd;
  if (runtime && wrapperSpans(wrapperWords(runtime)).some((s) => s.name === 'timeout')) {
    return diag('FINAL_BUILD_TIMEOUT', 'error', `\`${shownCommand(runtime)}\` (${runtime.file}:${runtime.line}) runs the final build through \`timeout\`: merged, it would build the builder stage too, within the one limit the runtime build alone had`, {
      file: runtime.file,
      line: runtime.line,
      setup: setup.id,
      hint: 'Run the final build without a time limit (or give the merged build one for both builds, by hand), then run the tool again.',
    });
  }
  // `exec docker …` ends the shell with docker: on a step before the final build, the steps after it never ran.
  const exec = [setup.builder.inv.cmd, ...setup.extraction].find((c) => wrapperSpans(wrapperWords(c)).some((s) => s.name === 'exec'));
  if (exec) {
    return diag('EXEC_BEFORE_FINAL_BUILD', 'error', `\`${shownCommand(exec)}\` (${exec.file}:${exec.line}) runs docker through \`exec\`, which replaces the shell running it: the setup's later steps run after it only where that shell was a subshell of its own, which the tool does not follow (it reads \`exec\` on the final build alone)`, {
      file: exec.file,
      line: exec.line,
      setup: setup.id,
      hint: 'Drop the `exec` (only the last command of a script may replace the shell), then run the tool again.',
    });
  }
  // A removal of the container or the builder image goes with them, and builds and writes nothing: its wrappers do not matter.
  const removal = (c: ScriptCommand) => ['rm', 'rmi', 'stop', 'kill'].includes(dockerInvocation(c)?.verb ?? '');
  const commands = [setup.builder.inv.cmd, ...setup.extraction, ...(runtime ? [runtime] : [])].filter((c) => dockerInvocation(c) !== null && !removal(c));
  const first = commands[0];
  if (!first) return null;
  const want = spelled(first);
  const other = commands.find((c) => spelled(c) !== want);
  if (!other) return null;
  const how = (c: ScriptCommand) => (spelled(c) === '' ? 'runs docker directly' : `runs docker through \`${spelled(c)}\``);
  return diag('DOCKER_WRAPPERS_DIFFER', 'error', `\`${shownCommand(other)}\` (${other.file}:${other.line}) ${how(other)}, while \`${shownCommand(first)}\` ${how(first)}: the one merged build could not run as both did (another user's daemon and config, another environment)`, {
    file: other.file,
    line: other.line,
    setup: setup.id,
    hint: 'Run every docker command of the setup the same way (all through sudo, or none), then run the tool again.',
  });
}

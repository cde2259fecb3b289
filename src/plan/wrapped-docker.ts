/**
 * Docker run through wrappers (`sudo docker …`, `nice -n 10 docker …`, `env GOFLAGS=-mod=mod
 * docker …`, `command docker …`: src/model/docker-command.ts's dockerAt). The merged build runs
 * where the runtime build ran, with its wrappers, and an export build is written with them too;
 * that builds what the old steps built only when every docker command of the setup ran through
 * the very same wrappers (a removal of the container or image, which goes, aside): sudo talks to root's daemon with root's config (another user's with
 * `-u`), and a variable env sets reaches only the commands it wraps. Otherwise the setup is
 * refused (DOCKER_WRAPPERS_DIFFER).
 */
import { dockerInvocation } from '../model/docker-command.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/** The wrapper words before docker in `cmd` (none when docker is the program or `cmd` is no docker command). */
export function wrapperWords(cmd: ScriptCommand): ScriptCommand['words'] {
  const at = dockerInvocation(cmd)?.at ?? 0;
  return cmd.words.slice(0, at);
}

const spelled = (cmd: ScriptCommand) => wrapperWords(cmd).map((w) => w.value).join(' ');

/** A refusal when the setup's docker commands do not all run through the same wrappers, else null. */
export function checkWrappers(setup: Setup): Diagnostic | null {
  // A removal of the container or the builder image goes with them, and builds and writes nothing: its wrappers do not matter.
  const removal = (c: ScriptCommand) => ['rm', 'rmi', 'stop', 'kill'].includes(dockerInvocation(c)?.verb ?? '');
  const commands = [setup.builder.inv.cmd, ...setup.extraction, ...(setup.runtime ? [setup.runtime.inv.cmd] : [])].filter((c) => dockerInvocation(c) !== null && !removal(c));
  const first = commands[0];
  if (!first) return null;
  const want = spelled(first);
  const other = commands.find((c) => spelled(c) !== want);
  if (!other) return null;
  const how = (c: ScriptCommand) => (spelled(c) === '' ? 'runs docker directly' : `runs docker through \`${spelled(c)}\``);
  return diag('DOCKER_WRAPPERS_DIFFER', 'error', `\`${other.words.map((w) => w.raw).join(' ')}\` (${other.file}:${other.line}) ${how(other)}, while \`${first.words.map((w) => w.raw).join(' ')}\` ${how(first)}: the one merged build could not run as both did (another user's daemon and config, another environment)`, {
    file: other.file,
    line: other.line,
    setup: setup.id,
    hint: 'Run every docker command of the setup the same way (all through sudo, or none), then run the tool again.',
  });
}

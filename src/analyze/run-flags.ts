/**
 * The `docker run` / `docker create` flags a builder's run step may carry when the migration
 * turns that run into a `RUN` of the builder stage (./extractions.ts runStepOf).
 *
 * A build step runs the command in a fresh container of the engine's choosing: its own host
 * name, network, capabilities, devices, limits and init. A flag that changes what the command
 * sees or may do (`--hostname box` with `hostname > /version`, `--network none`, `--add-host`,
 * `--cap-add`, `--tmpfs /src`, `--platform`, `--read-only`, `--init`…) would be silently dropped,
 * and the file the old run wrote could differ from the one the RUN writes. So the flags are an
 * allowlist: those below leave what the command writes in the container unchanged; any other
 * refuses the setup (`BUILD_AT_RUN_TIME`), naming the flag.
 *
 * Handled where the run step is read, so not listed: `--env`, `--workdir`, `--entrypoint`,
 * `--user`, `--volume`, `--mount`, `--env-file`, `--volumes-from`; `--detach` (./detached.ts).
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { DockerInvocation } from '../model/docker-command.js';
import type { ScriptCommand } from '../model/script.js';
import { ALL_SHELLS as SHELLS } from '../model/shells.js';

/** What names, labels, publishes, logs, restarts or limits the container, and nothing its command sees. */
const KEPT_OUT: ReadonlySet<string> = new Set([
  '--name', '--rm', '--detach', '--interactive', '--tty', '--attach', '--sig-proxy', '--detach-keys', '--quiet',
  '--label', '--label-file', '--restart', '--log-driver', '--log-opt', '--stop-signal', '--stop-timeout',
  '--health-cmd', '--no-healthcheck', '--publish', '--publish-all', '--expose',
  // Limits: a command that stays under them (it succeeded in the old run) writes the same.
  '--memory', '--cpus', '--oom-kill-disable',
]);

/** Handled where the run step is read (./extractions.ts). */
const READ_THERE: ReadonlySet<string> = new Set(['--env', '--workdir', '--entrypoint', '--user', '--volume', '--mount', '--env-file', '--volumes-from']);

/**
 * The problems of `inv`'s flags for a run step made a `RUN`: one per flag the migration would
 * drop although it may change what the command writes. `--pull missing` (the default) is kept
 * out; another `--pull` may run a pulled image instead of the one just built.
 */
export function droppedRunFlags(inv: DockerInvocation): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const f of inv.flags) {
    if (KEPT_OUT.has(f.name) || READ_THERE.has(f.name) || seen.has(f.name)) continue;
    if (f.name === '--pull' && f.value?.value === 'missing') continue;
    seen.add(f.name);
    const written = inv.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount).map((w) => w.raw).join(' ');
    out.push(
      diag('BUILD_AT_RUN_TIME', 'error', `the builder's command runs with \`${written}\`${written.startsWith(f.name) ? '' : ` (${f.name})`}, which a build step would run without: what it writes may differ`, {
        file: inv.cmd.file,
        line: inv.cmd.line,
        hint: `Remove ${f.name} if the command does not depend on it, or migrate this setup by hand.`,
      }),
    );
  }
  return out;
}

/**
 * The problem of a run step fed standard input (`docker run -i … sh < steps.sh`, a here-document,
 * `cat steps.sh | docker run -i …`, `docker start -ai x < steps.sh`): the command read it, and a
 * build step has none, so the RUN made of it would do something else (`sh` with nothing to read
 * exits at once). With `-i` and nothing given, the command reads the script's own input: a shell
 * with no script (`sh`, `bash -s`) reads it, so that refuses too. Without `-i` the container's
 * input is empty, as a build step's is. `interactive`: the run (or the created container and its
 * start) kept standard input open; `cmd`: the command whose input it is.
 */
export function stdinProblem(interactive: boolean, cmd: ScriptCommand, command: readonly string[] | null, at: DockerInvocation): Diagnostic | null {
  if (!interactive) return null;
  const given = cmd.stdinFrom !== null || cmd.redirects.some((r) => (r.fd === null || r.fd === '0') && /^<(?!&-)/.test(r.op) && !r.op.startsWith('<>'));
  const program = command?.[0]?.split('/').pop() ?? null;
  const shellReadsInput = program !== null && SHELLS.has(program) && (command!.length === 1 || command!.slice(1).every((a) => /^-[a-z]*s[a-z]*$|^-[elux]+$/.test(a)));
  if (!given && !shellReadsInput) return null;
  return diag('BUILD_AT_RUN_TIME', 'error', `the builder's command reads its standard input (\`-i\`${given ? ', given to it by the script' : `: \`${command!.join(' ')}\` reads its script from it`}), which a build step does not have`, {
    file: at.cmd.file,
    line: at.cmd.line,
    hint: 'Pass the commands as arguments (`sh -c \'…\'`) or put them in the builder Dockerfile, then run the tool again.',
  });
}

/**
 * The problem of a container the files are copied out of (`docker create --pull always IMG`,
 * `docker run --rm --pull always IMG cat /p > f`) made with a `--pull` that may take the image
 * from the registry instead of the one just built: the files came from that image, where
 * COPY --from takes the builder stage's. `missing` (the default) and `never` use the local image.
 */
export function pulledImage(inv: DockerInvocation): Diagnostic | null {
  const f = inv.flags.filter((x) => x.name === '--pull').at(-1);
  if (!f || f.value?.value === 'missing' || f.value?.value === 'never') return null;
  const written = inv.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount).map((w) => w.raw).join(' ');
  return diag('FLAG_CONFLICT', 'error', `the container the files are copied out of is made with \`${written}\`, which may pull ${inv.operands[0]?.word.raw ?? 'its image'} from the registry and copy out of that image, not the one the builder build made`, {
    file: inv.cmd.file,
    line: inv.cmd.line,
    hint: 'Drop --pull (or write --pull missing) so the container uses the image just built, then run the tool again; or migrate by hand.',
  });
}

/**
 * Detached builder containers: `docker run -d --name b IMG tail -f /dev/null`, then
 * `docker cp b:/out/app .`. A command that only idles (`tail -f /dev/null`, `sleep N` or
 * `sleep infinity`, or `cat`/`sh`/`bash` without arguments, kept waiting by `-i` or `-t`)
 * writes nothing: what is copied is the image's filesystem as built, exactly as from
 * `docker create`. Any other command runs while the script copies from the container, so
 * what the copy sees depends on timing: that setup is refused (DETACHED_BUILD).
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { DockerInvocation } from '../model/docker-command.js';
import type { RunStep } from '../model/setup.js';

/**
 * The run step of a `docker run` (or of the `docker create` a later `docker start` runs), marked
 * idle when it runs detached and only waits; a detached command that may write is a problem.
 * `docker run` is detached with `-d`; `docker start` unless given `-a`.
 */
export function detached(inv: DockerInvocation, imageIndex: number, run: RunStep, problems: Diagnostic[], start: DockerInvocation | null = null): RunStep {
  const has = (name: string) => inv.flags.some((f) => f.name === name);
  if (start ? start.flags.some((f) => f.name === '--attach') : !has('--detach')) return run;
  const words = inv.operands.filter((o) => o.index > imageIndex).map((o) => o.word.value);
  const shown = words.map((w) => w ?? '…').join(' ');
  const idle = !has('--entrypoint') && words.every((w) => w !== null) && idles(words as string[], has('--interactive') || has('--tty'));
  if (idle) return { ...run, idle: shown };
  const cmd = start?.cmd ?? inv.cmd;
  problems.push(
    diag(
      'DETACHED_BUILD',
      'error',
      words.length === 0
        ? `the builder container runs detached (${start ? '`docker start` without -a' : '-d'}) with its image's default command, which may still be writing files while the script copies from it`
        : `the builder container runs \`${shown}\` detached (${start ? '`docker start` without -a' : '-d'}), so the script copies from it while the command may still be writing`,
      { file: cmd.file, line: cmd.line, hint: `Run the build in the image (a RUN step), or ${start ? 'start it with -a' : 'run it without -d'} so the copy waits for it; then run the tool again.` },
    ),
  );
  return run;
}

/** True for a command that writes nothing and only keeps the container alive. */
function idles(argv: string[], stdinKept: boolean): boolean {
  const [prog, ...args] = argv;
  if (prog === undefined) return false;
  const name = path.basename(prog);
  if (name === 'tail') return args.length === 2 && ['-f', '-F', '--follow'].includes(args[0]!) && args[1] === '/dev/null';
  if (name === 'sleep') return args.length === 1 && (args[0] === 'infinity' || /^\d+(\.\d+)?[smhd]?$/.test(args[0]!));
  if (name === 'cat' || name === 'sh' || name === 'bash' || name === 'ash') return args.length === 0 && stdinKept;
  return false;
}

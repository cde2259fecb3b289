/**
 * Stream extractions (`docker run IMG cat /p > f`, `docker run IMG tar -c … | tar -x`): what
 * the old pipeline wrote is what the container printed. With `-t` it went through a terminal,
 * which turns every `\n` into `\r\n`: a binary (or any file with a newline) arrived corrupted
 * on the host, and an archive arrived damaged (tar -x then failed, or unpacked damaged files),
 * while the migrated `COPY --from` copies the file as it is in the image. That is refused (the
 * final images would differ), with the reason, rather than silently "fixed". So is a stream
 * that carries the command's standard error too (`> f 2>&1`, `&> f`, `2>&1 | tar -x`): the old
 * file held whatever the engine or the container printed there (a warning corrupts a binary).
 */
import { diag } from '../model/diagnostics.js';
import type { DockerInvocation } from '../model/docker-command.js';
import { inherited } from '../plan/run-step.js';
import type { DockerfileFacts, StageFacts } from './dockerfile.js';
import type { Extraction } from './extractions.js';
import { errorsJoinOutput } from './output-sinks.js';
import { shownCommand } from '../model/script.js';

export function streamed(ex: Extraction | null, built: { facts: DockerfileFacts; stage: StageFacts } | null): Extraction | null {
  if (!ex) return null;
  const inv = ex.at;
  const ep = entrypointInFront(inv, built);
  if (ep) {
    ex.problems.push(
      diag('STREAM_ENTRYPOINT', 'error', `\`${shownCommand(inv.cmd)}\` runs its command as the arguments of ${ep}: whatever that prints went into the stream too, and what it does first may change the file, while the migrated COPY --from would copy only the file as the builder stage holds it`, {
        file: inv.cmd.file,
        line: inv.cmd.line,
        hint: 'Pass `--entrypoint` on the docker run line (or declare `ENTRYPOINT []` in the builder Dockerfile) if the stream holds only the file, then run the tool again; or migrate by hand.',
      }),
    );
  }
  if (inv.flags.some((f) => f.name === '--tty')) {
    // A cat writes the file through a redirect; a tar archive goes down a pipe to `tar -x`.
    const archive = inv.cmd.stdout?.kind === 'pipe';
    ex.problems.push(
      diag('STREAM_TTY', 'error', `\`${shownCommand(inv.cmd)}\` streams ${archive ? 'a tar archive' : 'the file'} through a terminal (-t), which turns every newline into CR LF: -t corrupts binaries (and any file with a newline) in the old pipeline, so the old image got ${archive ? 'damaged files (or the archive failed to unpack)' : 'a corrupted file'} while the migrated build would copy the real one`, {
        file: inv.cmd.file,
        line: inv.cmd.line,
        hint: 'Remove -t (the file then arrives intact), check the old image was not relying on the corruption, and run the tool again.',
      }),
    );
  }
  if (errorsJoinOutput(inv.cmd)) {
    const archive = inv.cmd.stdout?.kind === 'pipe';
    ex.problems.push(
      diag('STREAM_STDERR', 'error', `\`${shownCommand(inv.cmd)}\` sends its standard error ${archive ? 'down the pipe with the tar archive' : 'into the file with the output'}: whatever the engine or the container printed there (a warning, a notice) went into the old pipeline's ${archive ? 'archive' : 'file'}, while the migrated build would copy the file alone`, {
        file: inv.cmd.file,
        line: inv.cmd.line,
        hint: 'Send standard error elsewhere (drop the 2>&1 or the & of |&, or write 2>/dev/null), check the old image\'s file held no such text, and run the tool again.',
      }),
    );
  }
  return ex;
}

/**
 * `docker run -v "$PWD/out:/out" IMG cp /build/app /out/` behind the builder image's ENTRYPOINT:
 * the `cp …` words were that program's arguments (`["/bin/echo"]` copies nothing, a wrapper
 * may build or change the file first), while the migrated COPY --from copies the file as the
 * builder stage holds it.
 */
export function copiedBehindEntrypoint(ex: Extraction | null, built: { facts: DockerfileFacts; stage: StageFacts } | null): Extraction | null {
  if (!ex) return null;
  const ep = entrypointInFront(ex.at, built);
  if (ep) {
    ex.problems.push(
      diag('STREAM_ENTRYPOINT', 'error', `\`${shownCommand(ex.at.cmd)}\` runs its \`cp\` as the arguments of ${ep}: what that does with them decided what landed in the mounted folder, while the migrated COPY --from would copy the file as the builder stage holds it`, {
        file: ex.at.cmd.file,
        line: ex.at.cmd.line,
        hint: 'Pass `--entrypoint cp` on the docker run line (or declare `ENTRYPOINT []` in the builder Dockerfile) if the ENTRYPOINT only runs its arguments, then run the tool again; or migrate by hand.',
      }),
    );
  }
  return ex;
}

/**
 * The ENTRYPOINT a stream's explicit command (`docker run IMG cat /p`) runs behind, said for the
 * message; null when none runs: `--entrypoint` on the line replaces it, `ENTRYPOINT []` clears
 * it, and the official images known to declare none have none. An image that prints its own
 * file (no command on the line) is read from its ENTRYPOINT and CMD whole (./image-cat.ts).
 */
function entrypointInFront(inv: DockerInvocation, built: { facts: DockerfileFacts; stage: StageFacts } | null): string | null {
  const imageIndex = inv.operands[0]?.index;
  if (built === null || imageIndex === undefined || !inv.operands.some((o) => o.index > imageIndex)) return null;
  if (inv.flags.some((f) => f.name === '--entrypoint')) return null;
  const image = inherited(built.facts, built.stage);
  if (image.entrypoint === null) return image.known ? null : `any ENTRYPOINT ${built.stage.image} may have (the tool cannot see it)`;
  if (Array.isArray(image.entrypoint) && image.entrypoint.length === 0) return null;
  return `the ENTRYPOINT of ${built.facts.path} (\`${typeof image.entrypoint === 'string' ? image.entrypoint : JSON.stringify(image.entrypoint)}\`)`;
}

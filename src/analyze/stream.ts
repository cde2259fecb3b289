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
import type { Extraction } from './extractions.js';
import { errorsJoinOutput } from './output-sinks.js';

export function streamed(ex: Extraction | null): Extraction | null {
  if (!ex) return null;
  const inv = ex.at;
  if (inv.flags.some((f) => f.name === '--tty')) {
    // A cat writes the file through a redirect; a tar archive goes down a pipe to `tar -x`.
    const archive = inv.cmd.stdout?.kind === 'pipe';
    ex.problems.push(
      diag('STREAM_TTY', 'error', `\`${inv.cmd.words.map((w) => w.raw).join(' ')}\` streams ${archive ? 'a tar archive' : 'the file'} through a terminal (-t), which turns every newline into CR LF: -t corrupts binaries (and any file with a newline) in the old pipeline, so the old image got ${archive ? 'damaged files (or the archive failed to unpack)' : 'a corrupted file'} while the migrated build would copy the real one`, {
        file: inv.cmd.file,
        line: inv.cmd.line,
        hint: 'Remove -t (the file then arrives intact), check the old image was not relying on the corruption, and run the tool again.',
      }),
    );
  }
  if (errorsJoinOutput(inv.cmd)) {
    const archive = inv.cmd.stdout?.kind === 'pipe';
    ex.problems.push(
      diag('STREAM_STDERR', 'error', `\`${inv.cmd.words.map((w) => w.raw).join(' ')}\` sends its standard error ${archive ? 'down the pipe with the tar archive' : 'into the file with the output'}: whatever the engine or the container printed there (a warning, a notice) went into the old pipeline's ${archive ? 'archive' : 'file'}, while the migrated build would copy the file alone`, {
        file: inv.cmd.file,
        line: inv.cmd.line,
        hint: 'Send standard error elsewhere (drop the 2>&1 or the & of |&, or write 2>/dev/null), check the old image\'s file held no such text, and run the tool again.',
      }),
    );
  }
  return ex;
}

/**
 * What the `multistage-codemod` executable runs (bin.cts loads it, or its bundle): the CLI with
 * the real process streams.
 */
import tty from 'node:tty';
import { EXIT, main, writing } from './cli.js';
import { phaseTimes } from './model/timing.js';
import { writeProblem } from './cli/write-problem.js';

// MULTISTAGE_CODEMOD_TIMING=1: time per phase on stderr when the run ends.
const clock = phaseTimes(process.env);

process.on('SIGINT', () => {
  process.stderr.write(
    writing.active
      ? '\nInterrupted while writing: the next run completes the change from its journal.\n'
      : '\nInterrupted: nothing was written.\n',
  );
  process.exit(EXIT.interrupted);
});

// The reader went away (`… | head`): the rest of the output has nowhere to go. The run still
// finishes, so a write it started completes; only what it prints is lost, quietly. Standard
// output that fails otherwise (a full disk, a file that cannot grow) is said on stderr in one
// line when the run ends, and the run fails (exit 3); but a run that wrote files says what it
// wrote and keeps its own exit code: the migration was made, only its report was lost. A stderr
// that fails leaves nowhere to say anything.
let outputError: NodeJS.ErrnoException | null = null;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') outputError ??= e;
});
process.stderr.on('error', () => {});
process.on('exit', () => {
  if (outputError === null || process.exitCode === EXIT.interrupted) return;
  process.stderr.write(`multistage-codemod: cannot write to standard output: ${writeProblem(outputError)}\n`);
  if (writing.written.length > 0) process.stderr.write(`The changes were written all the same: ${writing.written.join(', ')}.\n`);
  else process.exitCode = EXIT.failed;
});

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdinIsTTY: tty.isatty(0), get stdin() {
    return process.stdin;
  }, env: process.env, ...(clock ? { clock } : {}) })
  .then((code) => {
    process.exitCode = code;
    if (clock) process.stderr.write(clock.report());
  })
  .catch((e: unknown) => {
    process.stderr.write(`multistage-codemod: fatal error: ${(e as Error)?.stack ?? String(e)}\nNothing was written. Please report this.\n`);
    process.exitCode = EXIT.failed;
  });

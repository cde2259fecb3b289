/**
 * The review's terminal side: questions asked with inquirer's line prompt (so Backspace and the
 * arrow keys edit the answer), and long text paged through $PAGER.
 */
import { spawnSync } from 'node:child_process';
import type { Asker, Pager } from './prompt.js';

/**
 * Reads one answer per question with inquirer's `input` prompt; what an answer means (and that
 * Enter alone is no answer) is decided by the review, not here. Ctrl+C, or the input closing,
 * resolves with null. inquirer loads only when a review asks something.
 */
export function terminalAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Asker {
  return {
    ask: async (q) => {
      const { input: ask } = await import('@inquirer/prompts');
      try {
        // The question carries its own `[y,n,a,q,v,?]?`; inquirer's `?` prefix would repeat it.
        return await ask({ message: q.trimEnd(), theme: { prefix: '' } }, { input, output, clearPromptOnDone: false });
      } catch (err) {
        // inquirer rejects with ExitPromptError on Ctrl+C and when its input closes.
        if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) return null;
        throw err;
      }
    },
  };
}

/**
 * $PAGER (default `less -R`), as git runs it: through the shell, with LESS=FRX unless LESS is
 * set, so a text that fits the screen is printed without stopping and stays on screen when the
 * pager ends. An empty $PAGER or `cat` means no pager. Returns null when there is none.
 *
 * A text counts as shown only when the pager ends with status 0 (having read all of it or not:
 * quitting `less` early is the user's choice). A pager that cannot start, is not found, exits
 * with another status or is killed may have shown nothing: the caller prints the text instead,
 * with the reason, and the pager is not started again for the rest of the review.
 */
export function terminalPager(env: NodeJS.ProcessEnv): Pager | null {
  const cmd = env.PAGER === undefined ? 'less -R' : env.PAGER.trim();
  if (cmd === '' || cmd === 'cat') return null;
  const childEnv = { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' };
  let failed = false;
  return (text) => {
    if (failed) return { shown: false };
    const r = spawnSync('/bin/sh', ['-c', cmd], { input: text, stdio: ['pipe', 'inherit', 'inherit'], env: childEnv });
    // EPIPE: the pager ended before reading all of the text (its exit status says how).
    const error = r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE' ? r.error : null;
    const why = error
      ? `could not be started (${(error as NodeJS.ErrnoException).code ?? error.message})`
      : r.signal
        ? `was stopped by ${r.signal}`
        : r.status === 127
          ? 'was not found'
          : r.status === 126
            ? 'could not be run'
            : r.status !== 0
              ? `exited with status ${r.status}`
              : null;
    if (why === null) return { shown: true };
    failed = true;
    return { shown: false, problem: `The pager (${cmd}) ${why}, so it may have shown nothing: the text is printed here instead, and the rest of the review is not paged (--no-pager, or another $PAGER, avoids it).` };
  };
}

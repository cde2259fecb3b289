/**
 * The review's terminal side: questions read a line at a time (node:readline, so Backspace and
 * the arrow keys edit the line), and long text paged through $PAGER.
 */
import { spawnSync } from 'node:child_process';
import readline from 'node:readline';
import type { Asker, Pager } from './prompt.js';

/** Reads one answer per question; Ctrl+C or end of input (Ctrl+D) resolves with null. */
export function terminalAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Asker {
  return {
    ask: (q) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input, output, terminal: true });
        let done = false;
        const finish = (answer: string | null) => {
          if (done) return;
          done = true;
          rl.close();
          resolve(answer);
        };
        rl.on('SIGINT', () => finish(null));
        rl.on('close', () => finish(null));
        rl.question(q, (a) => finish(a));
      }),
  };
}

/**
 * $PAGER (default `less -R`), as git runs it: through the shell, with LESS=FRX unless LESS is
 * set, so a text that fits the screen is printed without stopping and stays on screen when the
 * pager ends. An empty $PAGER or `cat` means no pager. Returns null when there is none.
 */
export function terminalPager(env: NodeJS.ProcessEnv): Pager | null {
  const cmd = env.PAGER === undefined ? 'less -R' : env.PAGER.trim();
  if (cmd === '' || cmd === 'cat') return null;
  const childEnv = { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' };
  return (text) => {
    const r = spawnSync('/bin/sh', ['-c', cmd], { input: text, stdio: ['pipe', 'inherit', 'inherit'], env: childEnv });
    // A pager that cannot start (not installed) shows nothing: the caller prints the text.
    return !r.error && r.status !== 127 && r.status !== 126;
  };
}

/** Drives the CLI through a real pseudo-terminal (node-pty): type keys, read the screen. */
import pty from 'node-pty';
import { BIN } from './cli.js';

export interface PtySession {
  /** Everything printed so far, with ANSI escapes removed. */
  screen(): string;
  /** Everything printed so far, escapes and all. */
  raw(): string;
  /** Resolves once `text` has been printed `count` times in all (fails after a timeout). */
  waitFor(text: string | RegExp, count?: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once `prompt` has been printed `count` times in all AND is the last thing on the
   * screen, i.e. the program waits for an answer. Counting alone is a race: answering a prompt
   * redraws it with the answer, which counts once more before the next question is asked.
   */
  waitForPrompt(prompt: string, count?: number, timeoutMs?: number): Promise<void>;
  /**
   * The screen read as one JSON document, once it parses (fails after a timeout): node-pty may
   * still be delivering a large report after the exit settled.
   */
  json(timeoutMs?: number): Promise<unknown>;
  type(keys: string): void;
  exit: Promise<number>;
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]/g;

export function startCli(args: string[], cwd: string, env: Record<string, string> = {}): PtySession {
  return startPty(process.execPath, [BIN, ...args], cwd, env);
}

/** A shell command line on the terminal; `$BIN` names the CLI (`node "$BIN" | cat`). */
export function startShell(line: string, cwd: string, env: Record<string, string> = {}): PtySession {
  return startPty('/bin/sh', ['-c', line], cwd, { BIN, NODE: process.execPath, ...env });
}

function startPty(file: string, args: string[], cwd: string, env: Record<string, string>): PtySession {
  const p = pty.spawn(file, args, {
    cwd,
    cols: 120,
    rows: 40,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', ...env } as Record<string, string>,
  });
  let out = '';
  p.onData((d) => {
    out += d;
  });
  // node-pty may deliver the last output after the exit event: the exit counts once the screen
  // has been quiet for 300 ms, so a test that reads the screen after `exit` sees all of it (at
  // 100 ms a half-megabyte --json report was cut short on a loaded 2-CPU machine).
  const exit = new Promise<number>((resolve) =>
    p.onExit((e) => {
      let seen = -1;
      const settle = () => {
        if (out.length === seen) return resolve(e.exitCode);
        seen = out.length;
        setTimeout(settle, 300);
      };
      settle();
    }),
  );
  const screen = () => out.replace(ANSI, '');
  const occurrences = (t: string | RegExp) => (typeof t === 'string' ? screen().split(t).length - 1 : (screen().match(new RegExp(t.source, 'g')) ?? []).length);
  return {
    screen,
    raw: () => out,
    type: (keys) => p.write(keys),
    exit,
    waitFor: (text, count = 1, timeoutMs = 15_000) => poll(() => occurrences(text) >= count, `${String(text)} ×${count}`, timeoutMs),
    json: async (timeoutMs = 15_000) => {
      let parsed: unknown;
      await poll(() => {
        try {
          parsed = JSON.parse(screen());
          return true;
        } catch {
          return false;
        }
      }, 'a whole JSON document', timeoutMs);
      return parsed;
    },
    waitForPrompt: (prompt, count = 1, timeoutMs = 15_000) =>
      poll(() => occurrences(prompt) >= count && screen().trimEnd().endsWith(prompt.trimEnd()), `the prompt ${prompt} ×${count} waiting for an answer`, timeoutMs),
  };

  function poll(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        if (done()) return resolve();
        if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}; screen:\n${screen()}`));
        setTimeout(tick, 25);
      };
      tick();
    });
  }
}

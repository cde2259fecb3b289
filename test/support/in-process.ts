/** The CLI's main() run in this process, on a pretend terminal whose questions a function answers. */
import { Writable } from 'node:stream';
import { main } from '../../src/cli.js';

export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** What was printed before each question (since the one before it). */
  shownBefore: string[];
  asked: number;
}

/**
 * Runs main(args) with cwd `cwd`. With `answer`, stdin and stdout are a terminal and each
 * question is answered by it (null: Ctrl+C); without, there is no terminal.
 */
export async function runInProcess(args: string[], cwd: string, answer?: (n: number) => string | null): Promise<InProcessRun> {
  const tty = answer !== undefined;
  const stdout = new Capture(tty);
  const stderr = new Capture(tty);
  const shownBefore: string[] = [];
  let asked = 0;
  let mark = 0;
  const asker = {
    ask: async () => {
      shownBefore.push(stdout.text.slice(mark));
      mark = stdout.text.length;
      return answer!(asked++);
    },
  };
  const prev = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(args, { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, stdinIsTTY: tty, env: { NO_COLOR: '1' }, ...(tty ? { asker } : {}) });
    return { code, stdout: stdout.text, stderr: stderr.text, shownBefore, asked };
  } finally {
    process.chdir(prev);
  }
}

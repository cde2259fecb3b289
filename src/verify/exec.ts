/**
 * Process runner for container-engine commands.
 *
 * Why our own wrapper instead of `execFile` with a callback: engine commands produce binary
 * stdout (`cp … -`, `export`, `run … cat /file`) that must reach us as bytes, stderr that must be
 * kept for error messages, and some outputs are large streams (a whole image as tar) that must be
 * consumed incrementally. Every call takes an argument vector — never a shell string — so no
 * quoting bug can turn a path or tag into a second command.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** How many characters of stderr/stdout an error message quotes (the full text stays on the error). */
const MESSAGE_TAIL_CHARS = 4000;
const STDOUT_TAIL_CHARS = 1500;

export interface ExecOptions {
  /** Written to the child's stdin, which is then closed. Without it stdin is /dev/null. */
  input?: Buffer | string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the process (SIGKILL) after this many milliseconds. Default: no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  argv: readonly string[];
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

/** Quote one argument for display the way a POSIX shell would need it. Display only. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

function tail(text: string, max = MESSAGE_TAIL_CHARS): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= max ? trimmed : `…${trimmed.slice(trimmed.length - max)}`;
}

/**
 * A command of the engine failed (non-zero exit, killed, or could not be started). The message
 * names the exact command line and quotes the end of its stderr, because "build failed" alone
 * is useless to whoever reads a CI log.
 */
export class EngineCommandError extends Error {
  override readonly name = 'EngineCommandError';
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
  /** `spawn` error code such as ENOENT when the program could not be started at all. */
  readonly spawnErrorCode: string | undefined;

  constructor(init: {
    argv: readonly string[];
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    stdout?: string;
    spawnErrorCode?: string;
    timedOut?: boolean;
    detail?: string;
  }) {
    const command = formatArgv(init.argv);
    let what: string;
    if (init.spawnErrorCode === 'ENOENT') what = `could not be started: ${init.argv[0]} is not installed or not on PATH`;
    else if (init.spawnErrorCode === 'ABORT_ERR') what = 'was aborted';
    else if (init.spawnErrorCode) what = `could not be started (${init.spawnErrorCode})`;
    else if (init.timedOut) what = 'timed out and was killed';
    else if (init.signal) what = `was killed by ${init.signal}`;
    else what = `exited with code ${init.exitCode}`;
    const parts = [`Command ${what}: ${command}`];
    if (init.detail) parts.push(init.detail);
    // Builds print the failing step's own output on stdout and only "Error: building at STEP"
    // on stderr, so both are quoted (stdout only when it is text, and only its end).
    const stdout = init.stdout ?? '';
    if (stdout.trim() !== '' && !stdout.includes('\u0000')) {
      parts.push('stdout (end):', tail(stdout, STDOUT_TAIL_CHARS).replace(/^/gm, '  | '));
    }
    if (init.stderr.trim() !== '') parts.push('stderr (end):', tail(init.stderr).replace(/^/gm, '  | '));
    super(parts.join('\n'));
    this.argv = init.argv;
    this.exitCode = init.exitCode;
    this.signal = init.signal;
    this.stderr = init.stderr;
    this.stdout = init.stdout ?? '';
    this.spawnErrorCode = init.spawnErrorCode;
  }
}

interface Spawned {
  stdout: Readable;
  kill(): void;
  /** Resolves when the process has exited and its stderr is fully read. */
  done: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean; spawnErrorCode?: string }>;
}

function start(argv: readonly string[], options: ExecOptions): Spawned {
  const [file, ...args] = argv;
  if (file === undefined) throw new TypeError('empty argv');
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    signal: options.signal,
  });
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error('spawn did not create stdout/stderr pipes');
  const stderrChunks: Buffer[] = [];
  stderr.on('data', (chunk: Buffer) => stderrChunks.push(chunk));
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs);
  if (options.input !== undefined && child.stdin) {
    // EPIPE when the command exits without reading its input is not our error to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  const done = new Promise<Awaited<Spawned['done']>>((resolve) => {
    let spawnErrorCode: string | undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnErrorCode = err.code ?? 'ERROR';
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        stderr: Buffer.concat(stderrChunks).toString('utf8'),
        timedOut,
        ...(spawnErrorCode === undefined ? {} : { spawnErrorCode }),
      });
    });
  });
  return { stdout, kill: () => child.kill('SIGKILL'), done };
}

/** Run a command to completion. Resolves only on exit code 0; otherwise EngineCommandError. */
export async function execCommand(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await execCommandAllowFailure(argv, options);
  if (result.exitCode !== 0) {
    throw new EngineCommandError({ ...result, stdout: result.stdout.toString('utf8'), signal: result.signal });
  }
  return { argv, stdout: result.stdout, stderr: result.stderr, exitCode: 0 };
}

/**
 * Run a command and report how it ended, without treating a non-zero exit as an error. Still
 * rejects when the program cannot be started, because callers probing e.g. `image exists`
 * must not mistake "podman is not installed" for "image does not exist".
 */
export async function execCommandAllowFailure(
  argv: readonly string[],
  options: ExecOptions = {},
): Promise<{ argv: readonly string[]; stdout: Buffer; stderr: string; exitCode: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
  const spawned = start(argv, options);
  const chunks: Buffer[] = [];
  spawned.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const end = await spawned.done;
  const stdout = Buffer.concat(chunks);
  if (end.spawnErrorCode !== undefined || end.timedOut) {
    throw new EngineCommandError({ argv, ...end, stdout: stdout.toString('utf8') });
  }
  return { argv, stdout, stderr: end.stderr, exitCode: end.exitCode, signal: end.signal, timedOut: end.timedOut };
}

/**
 * Run a command whose stdout is consumed as a stream (e.g. `export` of a whole container).
 * The consumer's result is returned once both it and the process have finished successfully.
 * If the consumer throws, the process is killed so it does not block on a full pipe.
 */
export async function streamCommand<T>(
  argv: readonly string[],
  consume: (stdout: Readable) => Promise<T>,
  options: ExecOptions = {},
): Promise<T> {
  const spawned = start(argv, options);
  let value: T;
  try {
    value = await consume(spawned.stdout);
  } catch (err) {
    spawned.kill();
    await spawned.done;
    throw err;
  }
  // Drain whatever the consumer left (e.g. tar padding after the end marker) so the process
  // can never block on a full pipe and `done` always settles.
  spawned.stdout.resume();
  const end = await spawned.done;
  if (end.exitCode !== 0) throw new EngineCommandError({ argv, ...end });
  return value;
}

/**
 * The walk on a worker thread (walk-worker.ts): started as early as the CLI knows the root, it
 * walks while the main thread loads the parsers and analyses what has arrived
 * (src/pipeline-walk-thread.ts). Messages are queued here as they come, so none is lost while
 * the main thread is busy, and taken in the order the worker sent them (the walk's order).
 */
import type { Worker } from 'node:worker_threads';
import { newestBuild } from '../analyze/worker-module.js';
import { workerThreads } from '../model/node-lazy.js';
import type { WalkResult } from './walk.js';

export interface WalkWorkerData {
  root: string;
  ignore: readonly string[];
}

/** The walk's error, as the worker caught it (an Error does not keep its `code` across threads). */
export interface WalkError {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
}

export type WalkMessage =
  /** Candidates read, each with its text, in the walk's order. */
  | { type: 'texts'; texts: [string, string][] }
  /** Folders walked so far (every 256). */
  | { type: 'progress'; folders: number }
  /** The walk ended: its result, and when it began and ended (ms since the epoch, performance.timeOrigin + now()). */
  | { type: 'done'; result: WalkResult; began: number; ended: number }
  /** The walk threw. */
  | { type: 'failed'; error: WalkError };

/** The worker's module beside this one: its bundle when as new as the compiled module (worker-module.ts). */
export function walkWorkerModule(): URL {
  return newestBuild(new URL('./walk-worker.bundle.js', import.meta.url), new URL('./walk-worker.js', import.meta.url));
}

/** What the run takes from a walk on another thread (tests feed it a walk made in process). */
export interface WalkSource {
  /** When the walk was asked for (ms since the epoch, as the worker's `began`). */
  readonly startedAt: number;
  /** The next message in the order sent, waiting for it; null: the walk stopped before it ended. */
  next(): Promise<WalkMessage | null>;
  /** Stops the walk (once it ended, nothing is left to stop). */
  stop(): Promise<void>;
  /**
   * How many files the walk found, once its result has arrived (it may still wait behind
   * texts not yet taken); null until then.
   */
  readonly files: number | null;
}

/**
 * The worker's young generation, at most (MiB): the walk allocates short-lived buffers and
 * strings and keeps little, so a small one costs a few quick scavenges, where V8's default let
 * the worker's heap add tens of MiB to the peak RSS of a 10× sweep.
 */
const YOUNG_GENERATION_MB = 4;

export class WalkThread implements WalkSource {
  private readonly worker: Worker;
  private readonly queue: WalkMessage[] = [];
  private taken = 0;
  private wakeUp: (() => void) | null = null;
  /** Why the worker stopped before it sent the walk's end (it crashed, or was stopped). */
  private lost: unknown = null;
  private ended = false;
  files: number | null = null;
  /** When the thread was started (ms since the epoch, as the worker's `began`). */
  readonly startedAt = performance.timeOrigin + performance.now();

  /** Throws when no thread can be started (the caller then walks on the main thread). */
  constructor(
    readonly root: string,
    ignore: readonly string[],
    /** The worker's module (tests start one that fails on purpose). */
    workerModule: URL = walkWorkerModule(),
  ) {
    this.worker = new (workerThreads().Worker)(workerModule, { workerData: { root, ignore } satisfies WalkWorkerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    this.worker.on('message', (m: WalkMessage) => {
      this.queue.push(m);
      if (m.type === 'done') this.files = m.result.files.length;
      if (m.type === 'done' || m.type === 'failed') this.ended = true;
      this.wake();
    });
    const lost = (e: unknown) => {
      if (!this.ended) this.lost ??= e ?? new Error('the walk thread exited before the walk ended');
      this.wake();
    };
    this.worker.on('error', lost);
    this.worker.on('exit', (code) => lost(new Error(`the walk thread exited (code ${code}) before the walk ended`)));
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** A message that has arrived, without waiting (undefined: none yet). */
  poll(): WalkMessage | undefined {
    if (this.taken === this.queue.length) return undefined;
    const m = this.queue[this.taken]!;
    this.queue[this.taken++] = undefined as unknown as WalkMessage;
    if (this.taken === this.queue.length) {
      this.queue.length = 0;
      this.taken = 0;
    }
    return m;
  }

  /**
   * The next message, waiting for it when none has arrived; null when the worker stopped
   * without ending the walk (see `failure`).
   */
  async next(): Promise<WalkMessage | null> {
    for (;;) {
      const m = this.poll();
      if (m) return m;
      if (this.lost !== null) return null;
      await new Promise<void>((r) => (this.wakeUp = r));
    }
  }

  /** Why the worker stopped before the walk ended (null: it did not). */
  get failure(): unknown {
    return this.lost;
  }

  /** Stops the worker (once the walk ended it exits by itself). */
  async stop(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }
}

/**
 * Analysis on several threads: the main thread and `workers` worker threads (analyse-worker.ts)
 * analyse the batches of candidate files the walk sends, in the walk's order. Each worker holds
 * at most IN_FLIGHT_FILES files at a time; the main thread takes the next batch whenever the
 * workers are served, and serves them again between the files of its own, so a slow or crashed
 * worker never holds work back and a fast one does not wait for the main thread's batch.
 *
 * The main thread walks while the workers start analysing: `add` is called from inside the
 * (synchronous) walk, when no message from a worker can be received, so each worker counts
 * the batches and files it has finished in memory shared with the main thread, and `add` hands it the
 * next ones as soon as it has room.
 *
 * Whatever the threads' timing, the result is the one a single thread gives: analyses are
 * keyed by file and assembled in the walk's order by the caller, the parsed Dockerfiles are
 * merged from each file's trace (traced-dockerfiles.ts), and every file a worker could not
 * give (its analysis threw, it could not be packed, the worker died) is analysed at the end on
 * the main thread, in the walk's order: a file that throws there throws as on one thread.
 */
import type { Worker } from 'node:worker_threads';
import type { NodeRepoFs } from '../discover/node-fs.js';
import type { Progress } from '../model/progress.js';
import type { DockerfileFacts } from './dockerfile.js';
import { analyzeFile, scriptKindOf, type FileAnalysis } from './index.js';
import type { ScriptKind } from '../model/script.js';
import { mergeDockerfiles, TracedDockerfiles, type DockerfileTrace } from './traced-dockerfiles.js';
import { unpackFacts, unpackFile, type PackedFile } from './transfer.js';
import { workerThreads } from '../model/node-lazy.js';
import { analyseWorkerModule } from './worker-module.js';
import { sharedModules, type SharedModules } from './tree-sitter.js';

export interface AnalyseWorkerData {
  root: string;
  /** Two Int32s: the batches and the files the worker has finished (it adds to both after sending each batch). */
  finished: SharedArrayBuffer;
  /** The tree-sitter modules the main thread compiled: the worker instantiates them, compiling nothing again. */
  wasm: SharedModules;
}

export interface AnalyseBatch {
  id: number;
  texts: [string, string][];
  /**
   * One Int32, 0 until a thread takes the batch: the worker it was sent to and the main thread
   * both set it with a compare-and-swap before analysing, so each batch is analysed once, by
   * whichever thread comes first (the main thread takes back, from the end, what a worker holds
   * and has not begun). Set when the batch is sent to a worker.
   */
  claim?: SharedArrayBuffer;
  /** Files only a worker thread analyses while one is alive (their reader loads a large dependency of its own). */
  workersOnly?: boolean;
}

/**
 * Kinds whose reader loads a large dependency no other kind needs: jscodeshift (babel) for
 * JavaScript, tree-sitter-groovy for Jenkinsfiles. While a worker thread is alive such files go
 * to the workers only, so the main thread does not load the dependency to analyse them, nor
 * V8 compile it a second time (each thread compiles the code it runs).
 */
const WORKERS_ONLY: ReadonlySet<ScriptKind> = new Set(['javascript', 'jenkinsfile']);

export interface AnalysedFile {
  rel: string;
  /** null: the worker could not give this file's analysis (the main thread makes it). */
  packed: PackedFile | null;
  used: string[];
  stored: [string, DockerfileFacts | null][];
}

export interface AnalysedBatch {
  id: number;
  files: AnalysedFile[];
}

/**
 * Files a worker holds at once (sent, not yet finished): enough that it does not run dry between
 * two moments the main thread can serve it (one `add` of the walk, one file of its own), few
 * enough that at the end the main thread does not wait long for the last ones. Counted in files,
 * not batches: the walk's batches are split by kind, and many hold a single file.
 */
const IN_FLIGHT_FILES = 128;

interface Thread {
  worker: Worker;
  inFlight: Map<number, AnalyseBatch>;
  /** Batches and files sent, and (shared with the worker) batches and files it has finished. */
  sent: number;
  sentFiles: number;
  finished: Int32Array;
  alive: boolean;
}

export interface PoolResult {
  analysed: Map<string, FileAnalysis>;
  dockerfiles: Map<string, DockerfileFacts | null>;
}

export class AnalysePool {
  private readonly threads: Thread[] = [];
  private readonly queue: AnalyseBatch[] = [];
  private readonly analysed = new Map<string, FileAnalysis>();
  private readonly traces = new Map<string, DockerfileTrace>();
  private readonly own = new TracedDockerfiles();
  private merged: Map<string, DockerfileFacts | null> | null = null;
  private lazyCache: Map<string, DockerfileFacts | null> | null = null;
  private nextId = 0;
  private tookBack = 0;
  private closed = false;
  private reported = 0;
  private total: number | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly loop: Promise<void>;

  /**
   * `time` wraps the main thread's own analysis work (the run's `analyze` phase). Throws when a
   * worker thread cannot be started (the caller then runs on one thread).
   */
  constructor(
    private readonly fs: NodeRepoFs,
    workers: number,
    private readonly progress: Progress | undefined,
    private readonly time: <T>(f: () => T) => T,
    /** The worker's module (tests start one that fails on purpose). */
    workerModule: URL = analyseWorkerModule(),
  ) {
    try {
      for (let i = 0; i < workers; i++) this.threads.push(this.start(workerModule));
    } catch (e) {
      for (const t of this.threads) void t.worker.terminate();
      throw e;
    }
    this.loop = this.work();
  }

  private start(workerModule: URL): Thread {
    const finished = new SharedArrayBuffer(8);
    const worker = new (workerThreads().Worker)(workerModule, { workerData: { root: this.fs.root, finished, wasm: sharedModules() } satisfies AnalyseWorkerData });
    const t: Thread = { worker, inFlight: new Map(), sent: 0, sentFiles: 0, finished: new Int32Array(finished), alive: true };
    worker.on('message', (m: AnalysedBatch) => {
      t.inFlight.delete(m.id);
      this.time(() => {
        for (const f of m.files) this.receive(f);
      });
      this.report();
      this.wake();
    });
    // A worker that fails or exits: what it held is made on the main thread at the end.
    const lost = () => {
      t.alive = false;
      t.inFlight.clear();
      this.wake();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    return t;
  }

  private receive(f: AnalysedFile): void {
    if (!f.packed) return;
    const rel = f.rel;
    this.analysed.set(rel, unpackFile(f.packed, () => analyzeFile(this.fs, rel, (this.lazyCache ??= new Map(this.merged ?? [])))));
    this.traces.set(rel, { used: f.used, stored: f.stored.map(([k, v]) => [k, unpackFacts(v)]) });
  }

  /** Queues one batch of the walk's candidates (in the walk's order). */
  add(texts: [string, string][]): void {
    // Split into runs of the same kind of batch, so the queue stays in the walk's order.
    let run: [string, string][] = [];
    let only = false;
    const push = () => {
      if (run.length > 0) this.queue.push({ id: this.nextId++, texts: run, ...(only ? { workersOnly: true } : {}) });
      run = [];
    };
    for (const entry of texts) {
      const [rel, text] = entry;
      this.fs.prime(rel, text);
      const kind = scriptKindOf(rel, text);
      const workersOnly = kind !== null && WORKERS_ONLY.has(kind);
      if (workersOnly !== only) {
        push();
        only = workersOnly;
      }
      run.push(entry);
    }
    push();
    // During the walk the loop below cannot run: the workers are served from here.
    this.dispatch();
    this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private dispatch(): void {
    for (const t of this.threads) {
      while (t.alive && t.sentFiles - Atomics.load(t.finished, 1) < IN_FLIGHT_FILES && this.queue.length > 0) {
        const b = this.queue.shift()!;
        b.claim = new SharedArrayBuffer(4);
        t.inFlight.set(b.id, b);
        t.sent++;
        t.sentFiles += b.texts.length;
        t.worker.postMessage(b);
      }
    }
  }

  /** Batches handed to worker threads so far (tests: the workers are served during the walk). */
  get handedOut(): number {
    return this.threads.reduce((n, t) => n + t.sent, 0);
  }

  /** Batches the main thread took back from the workers before they began them. */
  get takenBack(): number {
    return this.tookBack;
  }

  /** Batches queued, not yet taken by any thread. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Batches the worker threads have finished, as they count them in shared memory. */
  get finishedByWorkers(): number {
    return this.threads.reduce((n, t) => n + Atomics.load(t.finished, 0), 0);
  }

  /**
   * The main thread's next batch: the last one queued that the workers are not to have alone,
   * else the last one a worker holds and has not begun (taken back through its claim). Taken
   * from the end, so the workers, which take from the front, are never left waiting for the
   * main thread, and both threads finish together. Batches for the workers alone that are left
   * when the workers are gone are analysed at the end, in the walk's order, as a crashed
   * worker's are.
   */
  private next(): AnalyseBatch | undefined {
    for (let at = this.queue.length - 1; at >= 0; at--) if (!this.queue[at]!.workersOnly) return this.queue.splice(at, 1)[0];
    for (const t of this.threads) {
      if (!t.alive) continue;
      // Never the first batch a worker holds: it is at work on it, or about to be.
      const held = [...t.inFlight.values()];
      for (let i = held.length - 1; i >= 1; i--) {
        const b = held[i]!;
        if (b.workersOnly) continue;
        // Taken by the worker: so is every batch it holds before this one.
        if (Atomics.compareExchange(new Int32Array(b.claim!), 0, 0, 1) !== 0) break;
        t.inFlight.delete(b.id);
        this.tookBack++;
        return b;
      }
    }
    return undefined;
  }

  private busy(): boolean {
    return this.threads.some((t) => t.alive && t.inFlight.size > 0);
  }

  private async work(): Promise<void> {
    for (;;) {
      this.dispatch();
      const b = this.next();
      if (b) {
        this.time(() => {
          for (const [rel] of b.texts) {
            // The workers count what they finish in shared memory: they are served between two
            // files of this batch, not only between batches (a batch here takes longer than the
            // files a worker holds).
            this.dispatch();
            this.own.begin();
            // A file that throws is made again at the end, in the walk's order.
            try {
              this.analysed.set(rel, analyzeFile(this.fs, rel, this.own));
            } catch {
              this.own.begin();
              continue;
            }
            this.traces.set(rel, this.own.begin());
          }
        });
        this.report();
        // Let the workers' results and the walk's next batches in.
        await new Promise((r) => setImmediate(r));
        continue;
      }
      if (this.closed && !this.busy()) return;
      await new Promise<void>((r) => (this.wakeUp = r));
    }
  }

  /** Analyses done out of the walk's files, once the walk has ended (until then the walk's own progress shows). */
  private report(): void {
    if (this.progress && this.total !== null && this.analysed.size - this.reported >= 64) {
      this.reported = this.analysed.size;
      this.progress('analysing', this.analysed.size, this.total);
    }
  }

  /** Stops every thread and drops what is queued (the walk failed: the caller runs on one thread). */
  async abort(): Promise<void> {
    this.queue.length = 0;
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    this.wake();
    await this.loop;
  }

  /**
   * Once the walk has ended: waits for every batch, makes on this thread what no thread gave
   * (in the walk's order), and returns every file's analysis with the merged Dockerfile cache.
   */
  async finish(files: readonly string[]): Promise<PoolResult> {
    this.closed = true;
    this.total = files.length;
    this.report();
    this.wake();
    try {
      await this.loop;
      this.time(() => {
        const redo = new TracedDockerfiles();
        for (const rel of files) {
          if (this.analysed.has(rel)) continue;
          this.report();
          redo.begin();
          this.analysed.set(rel, analyzeFile(this.fs, rel, redo));
          this.traces.set(rel, redo.begin());
        }
        this.merged = mergeDockerfiles(files, this.traces);
      });
    } finally {
      await Promise.all(this.threads.map((t) => t.worker.terminate()));
    }
    return { analysed: this.analysed, dockerfiles: this.merged! };
  }
}

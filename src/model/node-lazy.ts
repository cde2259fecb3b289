/**
 * Node modules that most runs never use, loaded at their first use instead of at start-up:
 * child processes (git, only when writing), crypto (the journal, only when writing) and worker
 * threads (large trees only). Each costs start-up time when loaded eagerly, and a
 * single-repository `--dry-run` is mostly start-up.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const childProcess = (): typeof import('node:child_process') => load('node:child_process');
export const crypto = (): typeof import('node:crypto') => load('node:crypto');
export const workerThreads = (): typeof import('node:worker_threads') => load('node:worker_threads');

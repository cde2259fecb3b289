/**
 * Environments that put the shipped `docker` → podman shim (src/verify/shim) first on PATH, so
 * unmodified builder-pattern scripts can be run in e2e tests against the tests' engine store.
 */
import { join } from 'node:path';
import { DEFAULT_PODMAN_STORAGE_DRIVER, PodmanEngine, STORAGE_DRIVER_ENV, type Engine } from '../../../src/verify/engine.js';
import { shimDir, shimEnv } from '../../../src/verify/shim-env.js';

/** Absolute path of the shim executable (named `docker`). */
export function shimPath(): string {
  return join(shimDir(), 'docker');
}

export { shimDir };

export interface ShimEnvOptions {
  /** Podman storage driver the shim passes on every call; default that of $MULTISTAGE_CODEMOD_STORAGE_DRIVER or vfs. */
  storageDriver?: string;
  /** File to which the shim appends one line per docker invocation. */
  logFile?: string;
}

/** `base` (default process.env) with the shim first on PATH and its settings filled in. */
export function envWithShim(base: NodeJS.ProcessEnv = process.env, options: ShimEnvOptions = {}): NodeJS.ProcessEnv {
  const driver = options.storageDriver ?? base[STORAGE_DRIVER_ENV] ?? DEFAULT_PODMAN_STORAGE_DRIVER;
  return shimEnv(base, { driver }, options.logFile === undefined ? {} : { logFile: options.logFile });
}

/**
 * Environment for running a script's `docker` commands against `engine`: the real docker CLI
 * when a Docker daemon is in use, the shim (with the engine's driver, graph root and run root) for podman.
 */
export function envForEngine(engine: Engine, base: NodeJS.ProcessEnv = process.env, options: Omit<ShimEnvOptions, 'storageDriver'> = {}): NodeJS.ProcessEnv {
  if (!(engine instanceof PodmanEngine)) return { ...base };
  const s = engine.storage;
  return shimEnv(
    base,
    { driver: s.driver, ...(s.graphRoot ? { root: s.graphRoot, runRoot: s.runRoot } : {}), ...(s.imageStore ? { imageStore: s.imageStore } : {}) },
    options.logFile === undefined ? {} : { logFile: options.logFile },
  );
}

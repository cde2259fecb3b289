/**
 * Locate the `docker` → podman shim (./docker-shim/docker) and build environments that put it
 * first on PATH, so unmodified builder-pattern scripts can be run in e2e tests.
 */
import { accessSync, chmodSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PODMAN_STORAGE_DRIVER, STORAGE_DRIVER_ENV, type Engine } from '../../../src/verify/engine.js';

const SHIM_DIR = join(dirname(fileURLToPath(import.meta.url)), 'docker-shim');

/** Absolute path of the shim executable (named `docker`). */
export function shimPath(): string {
  const path = join(SHIM_DIR, 'docker');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    // A checkout or copy that lost the exec bit would make PATH lookup skip the shim and fall
    // through to a real docker client; restore it rather than test the wrong thing.
    chmodSync(path, 0o755);
  }
  return path;
}

/** The directory to put first on PATH. */
export function shimDir(): string {
  return dirname(shimPath());
}

export interface ShimEnvOptions {
  /** Podman storage driver the shim passes on every call; default that of $MULTISTAGE_CODEMOD_STORAGE_DRIVER or vfs. */
  storageDriver?: string;
  /** File to which the shim appends one line per docker invocation. */
  logFile?: string;
}

/** `base` (default process.env) with the shim first on PATH and its settings filled in. */
export function envWithShim(base: NodeJS.ProcessEnv = process.env, options: ShimEnvOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  env['PATH'] = [shimDir(), base['PATH'] ?? ''].filter((p) => p !== '').join(delimiter);
  env[STORAGE_DRIVER_ENV] = options.storageDriver ?? base[STORAGE_DRIVER_ENV] ?? DEFAULT_PODMAN_STORAGE_DRIVER;
  if (options.logFile !== undefined) env['MULTISTAGE_CODEMOD_SHIM_LOG'] = options.logFile;
  return env;
}

/**
 * Environment for running a script's `docker` commands against `engine`: the real docker CLI
 * when a Docker daemon is in use, the shim (with the engine's storage driver) for podman.
 */
export function envForEngine(engine: Engine, base: NodeJS.ProcessEnv = process.env, options: Omit<ShimEnvOptions, 'storageDriver'> = {}): NodeJS.ProcessEnv {
  if (engine.name === 'docker') return { ...base };
  return envWithShim(base, { ...options, ...(engine.storageDriver === undefined ? {} : { storageDriver: engine.storageDriver }) });
}

/**
 * The `docker` shim shipped in ./shim (bash scripts: docker, docker-compose, compose-podman,
 * storage.bash): where it is, and the environment that puts it first on PATH with the podman
 * storage it must use. --verify runs a repository's own scripts with it; the tests do too.
 */
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PODMAN_STORAGE_DRIVER, STORAGE_DRIVER_ENV } from './engine-types.js';

const SHIM_FILES = ['docker', 'docker-compose', 'compose-podman'];

/** The shim's folder: beside this module in the sources, `src/verify/shim` in the package (dist/ holds only compiled code). */
export function shimDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = [join(here, 'shim'), join(here, '..', '..', '..', 'src', 'verify', 'shim')].find((d) => existsSync(join(d, 'docker')));
  if (!dir) throw new Error(`the docker shim is missing (looked beside ${here})`);
  for (const f of SHIM_FILES) {
    const p = join(dir, f);
    try {
      accessSync(p, constants.X_OK);
    } catch {
      // A copy that lost the exec bit would make PATH lookup skip the shim and fall through to
      // a real docker client: restore it rather than run the wrong docker.
      chmodSync(p, 0o755);
    }
  }
  return dir;
}

/** Where the shim's podman and buildah calls keep images. Without `root`, the engine's own store. */
export interface ShimStorage {
  driver: string;
  root?: string;
  runRoot?: string;
  /** A read-only image store used beside the private one (base images come from there). */
  imageStore?: string;
}

export interface ShimEnvOptions {
  /** File to which the shim appends one line per docker invocation. */
  logFile?: string;
  /** File to which the shim appends why it refused a command (push, login, a remote host…). */
  refusals?: string;
  /** The empty image every name the migrated run must build itself starts as (./store-images.ts), and the file to which the shim appends each such name a command looked up while it still named that image. */
  standIn?: { id: string; uses: string };
}

export const SHIM_ENV = {
  root: 'MULTISTAGE_CODEMOD_STORAGE_ROOT',
  runRoot: 'MULTISTAGE_CODEMOD_STORAGE_RUNROOT',
  imageStore: 'MULTISTAGE_CODEMOD_STORAGE_IMAGESTORE',
  log: 'MULTISTAGE_CODEMOD_SHIM_LOG',
  refusals: 'MULTISTAGE_CODEMOD_SHIM_REFUSALS',
  standInId: 'MULTISTAGE_CODEMOD_STANDIN_ID',
  standInUses: 'MULTISTAGE_CODEMOD_STANDIN_USES',
} as const;

/** `base` with the shim first on PATH and its storage settings filled in (and no stale ones kept). */
export function shimEnv(base: NodeJS.ProcessEnv, storage: ShimStorage, options: ShimEnvOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of Object.values(SHIM_ENV)) delete env[k];
  env['PATH'] = [shimDir(), base['PATH'] ?? ''].filter((p) => p !== '').join(delimiter);
  env[STORAGE_DRIVER_ENV] = storage.driver || DEFAULT_PODMAN_STORAGE_DRIVER;
  if (storage.root !== undefined) env[SHIM_ENV.root] = storage.root;
  if (storage.runRoot !== undefined) env[SHIM_ENV.runRoot] = storage.runRoot;
  if (storage.imageStore !== undefined) env[SHIM_ENV.imageStore] = storage.imageStore;
  if (options.logFile !== undefined) env[SHIM_ENV.log] = options.logFile;
  if (options.refusals !== undefined) env[SHIM_ENV.refusals] = options.refusals;
  if (options.standIn !== undefined) {
    env[SHIM_ENV.standInId] = options.standIn.id;
    env[SHIM_ENV.standInUses] = options.standIn.uses;
  }
  return env;
}

/**
 * Container-engine detection and a thin typed wrapper over the `docker` or `podman` CLI.
 *
 * Used by `--verify` (build the old and the new setup, compare the images) and by the
 * end-to-end tests. It shells out to the CLI rather than talking to an API socket because
 * podman as root needs no daemon, and the CLI is the one interface both engines share.
 *
 * Podman specifics, learned on Debian bookworm (podman 4.3, buildah 1.28) running as root
 * inside a container — the CI setup:
 *  - Storage: every podman *and* buildah call gets `--storage-driver <driver>` (default vfs).
 *    The `STORAGE_DRIVER` environment variable is NOT honoured by podman 4.3 nor buildah 1.28;
 *    `CONTAINERS_STORAGE_CONF` is, but it replaces the whole storage config (and with it the
 *    rootless graphroot defaults), so an explicit flag is simpler and visible in error messages.
 *    Consistency matters: a single `podman info` without the flag on a fresh machine
 *    initialises the storage as overlay, after which `--storage-driver vfs` fails with
 *    "database configuration mismatch"; and buildah without the flag silently uses another
 *    driver on the same graph root, so it would not see podman's images.
 *  - Builds: `--isolation chroot` (RUN cannot use crun here: no cgroup/rlimit control),
 *    `--pull=never` (no registry; base images are local), `--format docker` (the default OCI
 *    format silently drops HEALTHCHECK, SHELL and ONBUILD, which would hide real differences),
 *    `--layers=false` (otherwise every RUN step leaves a cached intermediate image behind,
 *    and a verification run must not litter the user's image store); in a private store that
 *    reads the user's as a read-only image store, `--layers` instead: podman 4.3 there fails a
 *    build whose stages start FROM another stage with "layer not known" when it removes the
 *    intermediate image, and the private store goes away whole afterwards.
 *  - `podman run` fails here (crun cannot set rlimits), so `run` uses
 *    `buildah from` + `buildah run --isolation chroot` + `buildah rm` when buildah exists.
 */
import { EngineCommandError, execCommand, formatArgv } from './exec.js';
import { firstLine } from './engine-base.js';
import { DockerEngine } from './docker-engine.js';
import { PodmanEngine, type PodmanStorage } from './podman-engine.js';
export { PodmanEngine, type PodmanStorage } from './podman-engine.js';
import { DEFAULT_PODMAN_STORAGE_DRIVER, STORAGE_DRIVER_ENV, type Engine, type EngineName } from './engine-types.js';

export { EngineCommandError, formatArgv, type ExecOptions, type ExecResult } from './exec.js';
export {
  DEFAULT_PODMAN_STORAGE_DRIVER,
  EngineUnsupportedError,
  STORAGE_DRIVER_ENV,
  type BuildOptions,
  type BuildResult,
  type Engine,
  type EngineName,
  type ImageConfig,
  type ImageInfo,
  type MountedImage,
  type RemoveOptions,
  type RunOptions,
  type VolumeMount,
} from './engine-types.js';

export interface DetectOptions {
  /** Podman storage driver; default `$MULTISTAGE_CODEMOD_STORAGE_DRIVER` or `vfs`. */
  storageDriver?: string;
  /** Environment for every engine command; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Limit for each `info` probe; a misconfigured DOCKER_HOST can otherwise hang. Default 30 s. */
  probeTimeoutMs?: number;
  /** Try only the preferred engine: `--engine docker` without a daemon is an error, never podman. */
  only?: boolean;
}

export interface DetectionAttempt {
  engine: EngineName;
  command: string;
  reason: string;
}

/** No usable engine. The message says what was tried and how to fix it; safe to print as is. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
  readonly attempts: readonly DetectionAttempt[];

  constructor(attempts: readonly DetectionAttempt[], hints: readonly string[]) {
    const lines = ['No usable container engine was found.', 'Tried:'];
    for (const a of attempts) lines.push(`  - ${a.engine}: \`${a.command}\` → ${a.reason}`);
    lines.push('How to fix:');
    for (const h of hints) lines.push(`  - ${h}`);
    super(lines.join('\n'));
    this.attempts = attempts;
  }
}


function failureReason(err: unknown): string {
  if (err instanceof EngineCommandError) {
    if (err.spawnErrorCode === 'ENOENT') return 'not installed (not found on PATH)';
    if (err.exitCode === null && err.signal === null) return 'did not answer in time';
    return firstLine(err.stderr || err.stdout);
  }
  return err instanceof Error ? err.message : String(err);
}

async function probe(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const result = await execCommand(argv, { env, timeoutMs });
  return result.stdout.toString('utf8').trim();
}

/**
 * Find a working engine. Docker is used only if `docker info` reaches a daemon (the client
 * alone, as on CI, is not enough); podman if `podman info` works with our storage settings.
 * Default order docker, podman; `prefer` puts one first.
 */
export async function detectEngine(prefer?: EngineName, options: DetectOptions = {}): Promise<Engine> {
  const env = options.env ?? process.env;
  const timeoutMs = options.probeTimeoutMs ?? 30_000;
  const storageDriver = options.storageDriver ?? (env[STORAGE_DRIVER_ENV] || DEFAULT_PODMAN_STORAGE_DRIVER);
  const order: EngineName[] = prefer === 'podman' ? ['podman', 'docker'] : ['docker', 'podman'];
  if (options.only && prefer) order.splice(order.indexOf(prefer === 'podman' ? 'docker' : 'podman'), 1);
  const attempts: DetectionAttempt[] = [];
  const hints = new Set<string>();

  for (const name of order) {
    if (name === 'docker') {
      // `.ServerVersion` exists only in a real daemon's answer: podman's docker emulation
      // (podman-docker) fails this template, so it is not mistaken for a docker daemon.
      const argv = ['docker', 'info', '--format', '{{.ServerVersion}}'];
      try {
        const version = await probe(argv, env, timeoutMs);
        if (version !== '') return new DockerEngine(version, env);
        attempts.push({ engine: 'docker', command: formatArgv(argv), reason: 'answered without a server version (not a Docker daemon)' });
      } catch (err) {
        attempts.push({ engine: 'docker', command: formatArgv(argv), reason: failureReason(err) });
      }
      hints.add('Docker: start the daemon (dockerd or Docker Desktop) so that `docker info` works for this user.');
    } else {
      // The store is read ONCE here and passed to every later podman and buildah call.
      const argv = ['podman', ...(storageDriver ? ['--storage-driver', storageDriver] : []), 'info', '--format', 'json'];
      try {
        const info = JSON.parse(await probe(argv, env, timeoutMs)) as { version?: { Version?: string }; store?: { graphDriverName?: string; graphRoot?: string; runRoot?: string } };
        const version = info.version?.Version ?? '';
        const storage: PodmanStorage = { driver: info.store?.graphDriverName || storageDriver, graphRoot: info.store?.graphRoot ?? '', runRoot: info.store?.runRoot ?? '' };
        // buildah is optional: it is only needed to run commands where `podman run` is broken.
        let hasBuildah = true;
        try {
          await probe(['buildah', '--version'], env, timeoutMs);
        } catch {
          hasBuildah = false;
        }
        return new PodmanEngine(version, storage, hasBuildah, env);
      } catch (err) {
        const reason = failureReason(err);
        attempts.push({ engine: 'podman', command: formatArgv(argv), reason });
        const mismatch = /graph driver "([^"]*)" does not match our storage graph driver "([^"]*)"/.exec(
          err instanceof EngineCommandError ? err.stderr : '',
        );
        if (mismatch) {
          hints.add(
            `Podman: its storage was initialised with driver "${mismatch[1] || 'overlay'}", not "${storageDriver}". ` +
              `Set ${STORAGE_DRIVER_ENV}=${mismatch[1] || 'overlay'} to use the existing storage, ` +
              `or (if nothing in it matters) reset it with \`podman system reset\`.`,
          );
        } else {
          hints.add(
            'Podman (no daemon needed): install podman and buildah, e.g. `apt-get install -y podman buildah uidmap` on Debian/Ubuntu, ' +
              `and check that \`podman --storage-driver ${storageDriver} info\` works.`,
          );
        }
      }
    }
  }
  throw new EngineUnavailableError(attempts, [...hints]);
}

/**
 * podman (+ buildah for `run`), as root or rootless, with one store for every call: the storage
 * driver, graph root and run root read once from `podman info` (or a private store --verify
 * made), passed to every podman AND buildah call, so the two can never look at different
 * stores (buildah does not read podman's database, so left alone it may pick another driver).
 * See ./engine.ts for why each flag is there.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execCommand, execCommandAllowFailure } from './exec.js';
import { BaseEngine, firstLine, normaliseConfig, parseInspect, randomSuffix } from './engine-base.js';
import { EngineUnsupportedError, type ImageInfo, type MountedImage, type RunOptions } from './engine-types.js';

/** Which store podman and buildah use; empty fields mean the engine's own configuration. */
export interface PodmanStorage {
  driver: string;
  graphRoot: string;
  runRoot: string;
  /** A read-only image store beside the graph root (`<driver>.imagestore`). */
  imageStore?: string;
}

export class PodmanEngine extends BaseEngine {
  readonly name = 'podman';
  protected readonly missingContainer = /no such container|no container with name or id/i;
  protected readonly missingImage = /image not known|no such image/i;

  constructor(
    version: string,
    readonly storage: PodmanStorage,
    readonly hasBuildah: boolean,
    env: NodeJS.ProcessEnv,
  ) {
    super(version, env);
  }

  get storageDriver(): string {
    return this.storage.driver;
  }

  /** The same engine on another store (a private one for --verify). */
  withStorage(storage: PodmanStorage): PodmanEngine {
    return new PodmanEngine(this.version, storage, this.hasBuildah, this.env);
  }

  private storageFlags(): string[] {
    const s = this.storage;
    const flags = s.driver ? ['--storage-driver', s.driver] : [];
    if (s.graphRoot) flags.push('--root', s.graphRoot);
    if (s.runRoot) flags.push('--runroot', s.runRoot);
    if (s.imageStore) flags.push('--storage-opt', `${s.driver}.imagestore=${s.imageStore}`);
    return flags;
  }

  argv(...args: string[]): string[] {
    return ['podman', ...this.storageFlags(), ...args];
  }

  private buildahArgv(...args: string[]): string[] {
    return ['buildah', ...this.storageFlags(), ...args];
  }

  protected buildFlags(): string[] {
    // --pull=missing: base images already present are used as they are (and the tests' local
    // stand-ins are never looked up in a registry); absent ones are pulled, as docker would.
    // See ./engine.ts: a private store (read-only image store beside it) keeps its layers.
    return ['--isolation', 'chroot', '--pull=missing', '--format', 'docker', this.storage.imageStore ? '--layers=true' : '--layers=false'];
  }

  async inspectImage(image: string): Promise<ImageInfo> {
    const raw = parseInspect((await this.exec(['image', 'inspect', image])).stdout, image);
    const config = (raw['Config'] ?? {}) as Record<string, unknown>;
    // podman's inspect omits SHELL and ONBUILD; buildah reports the docker config in full.
    let shell: unknown;
    let onBuild: unknown;
    if (this.hasBuildah) {
      const b = JSON.parse(
        (await execCommand(this.buildahArgv('inspect', '--type', 'image', image), { env: this.env })).stdout.toString('utf8'),
      ) as { Docker?: { config?: Record<string, unknown> } };
      shell = b.Docker?.config?.['Shell'] ?? [];
      onBuild = b.Docker?.config?.['OnBuild'] ?? [];
    }
    // podman reports HEALTHCHECK at the top level ("Healthcheck"), not inside Config.
    return { id: String(raw['Id']), config: normaliseConfig(raw, config, raw['Healthcheck'] ?? config['Healthcheck'], shell, onBuild) };
  }

  async run(image: string, command: string[], options: RunOptions = {}): Promise<Buffer> {
    if (!this.hasBuildah) return this.podmanRun(image, command, options);
    const info = await this.inspectImage(image);
    // `buildah from` executes ONBUILD triggers (docker run never does), so it cannot stand in
    // for `docker run` on such an image. Refuse rather than run something else.
    if (info.config.OnBuild && info.config.OnBuild.length > 0) {
      throw new EngineUnsupportedError(
        `cannot run a command in ${image} with buildah: the image has ONBUILD triggers, which \`buildah from\` would execute`,
      );
    }
    // buildah run executes exactly the given argv, ignoring ENTRYPOINT/CMD: rebuild docker's rule.
    const entrypoint = options.entrypoint ?? info.config.Entrypoint ?? [];
    const cmd = command.length > 0 ? command : options.entrypoint !== undefined ? [] : (info.config.Cmd ?? []);
    const argv = [...entrypoint, ...cmd];
    if (argv.length === 0) throw new EngineUnsupportedError(`no command given and ${image} has no ENTRYPOINT or CMD`);

    const container = `msc-run-${randomSuffix()}`;
    // --name makes cleanup possible even when `from` fails half-way (it can leave a container).
    const fromArgv = this.buildahArgv('from', '--pull=missing', '--quiet', '--name', container, image);
    try {
      await execCommand(fromArgv, { env: this.env });
      const runArgs = ['run', '--isolation', 'chroot'];
      for (const [k, v] of Object.entries(options.env ?? {})) runArgs.push('--env', `${k}=${v}`);
      for (const v of options.volumes ?? []) runArgs.push('--volume', `${v.host}:${v.container}${v.readOnly ? ':ro' : ''}`);
      if (options.workdir !== undefined) runArgs.push('--workingdir', options.workdir);
      if (options.user !== undefined) runArgs.push('--user', options.user);
      runArgs.push(container, '--', ...argv);
      const result = await execCommand(this.buildahArgv(...runArgs), {
        env: this.env,
        ...(options.input === undefined ? {} : { input: options.input }),
      });
      return result.stdout;
    } finally {
      await execCommandAllowFailure(this.buildahArgv('rm', container), { env: this.env }).catch(() => undefined);
    }
  }

  private async podmanRun(image: string, command: string[], options: RunOptions): Promise<Buffer> {
    const args = ['run', '--rm'];
    if (options.input !== undefined) args.push('-i');
    for (const [k, v] of Object.entries(options.env ?? {})) args.push('-e', `${k}=${v}`);
    for (const v of options.volumes ?? []) args.push('-v', `${v.host}:${v.container}${v.readOnly ? ':ro' : ''}`);
    if (options.workdir !== undefined) args.push('-w', options.workdir);
    if (options.user !== undefined) args.push('-u', options.user);
    // podman accepts a JSON array for --entrypoint, so the override needs no splitting.
    if (options.entrypoint !== undefined) args.push('--entrypoint', JSON.stringify(options.entrypoint));
    args.push(image, ...command);
    const result = await execCommand(this.argv(...args), { env: this.env, ...(options.input === undefined ? {} : { input: options.input }) });
    return result.stdout;
  }

  override async exportContainer<T>(container: string, consume: (tar: Readable) => Promise<T>): Promise<T> {
    // podman 4.3 `export` without -o opens "/dev/stdout" by name, which fails (ENXIO) when
    // stdout is a socket — and node's stdio pipes are socketpairs. So go through a temp file.
    const dir = await mkdtemp(join(tmpdir(), 'msc-export-'));
    try {
      const file = join(dir, 'rootfs.tar');
      await this.exec(['export', '-o', file, container]);
      return await consume(createReadStream(file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async mountImage(image: string): Promise<MountedImage | null> {
    // Rootless podman can only mount inside `podman unshare`; callers fall back to export.
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
    const result = await this.exec(['image', 'mount', image]);
    const path = firstLine(result.stdout.toString('utf8'));
    return {
      path,
      unmount: async () => {
        await this.exec(['image', 'unmount', image]);
      },
    };
  }
}

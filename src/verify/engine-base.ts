/**
 * What the docker and podman wrappers share: the commands whose syntax and meaning are the
 * same in both CLIs, and normalisation of `image inspect` output.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { EngineCommandError, execCommand, execCommandAllowFailure, streamCommand, type ExecOptions, type ExecResult } from './exec.js';
import type {
  BuildOptions,
  BuildResult,
  Engine,
  EngineName,
  ImageConfig,
  ImageInfo,
  MountedImage,
  RemoveOptions,
  RunOptions,
} from './engine-types.js';

export function firstLine(text: string): string {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ?? '(no output)';
}

export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

function stringArrayOrNull(value: unknown): string[] | null {
  // `CMD []` and no CMD mean the same thing to a runtime; engines report either as [] or null.
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.map(String);
}

function objectKeys(value: unknown): string[] {
  return value && typeof value === 'object' ? Object.keys(value).sort() : [];
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out[k] = String(v);
  }
  return out;
}

/** Engine `image inspect` JSON (docker's or podman's shape) → ImageConfig. */
export function normaliseConfig(raw: Record<string, unknown>, config: Record<string, unknown>, healthcheck: unknown, shell: unknown, onBuild: unknown): ImageConfig {
  return {
    Cmd: stringArrayOrNull(config['Cmd']),
    Entrypoint: stringArrayOrNull(config['Entrypoint']),
    Env: Array.isArray(config['Env']) ? config['Env'].map(String) : [],
    WorkingDir: typeof config['WorkingDir'] === 'string' ? config['WorkingDir'] : '',
    User: typeof config['User'] === 'string' ? config['User'] : '',
    ExposedPorts: objectKeys(config['ExposedPorts']),
    Volumes: objectKeys(config['Volumes']),
    Labels: stringRecord(config['Labels']),
    StopSignal: typeof config['StopSignal'] === 'string' ? config['StopSignal'] : '',
    Healthcheck: healthcheck ?? null,
    Shell: shell === undefined ? null : (stringArrayOrNull(shell) ?? []),
    OnBuild: onBuild === undefined ? null : (stringArrayOrNull(onBuild) ?? []),
    Architecture: typeof raw['Architecture'] === 'string' ? raw['Architecture'] : '',
    Os: typeof raw['Os'] === 'string' ? raw['Os'] : '',
  };
}

export function parseInspect(stdout: Buffer, what: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stdout.toString('utf8'));
  const first = Array.isArray(parsed) ? parsed[0] : undefined;
  if (!first || typeof first !== 'object') throw new Error(`unexpected inspect output for ${what}`);
  return first as Record<string, unknown>;
}

export abstract class BaseEngine implements Engine {
  abstract readonly name: EngineName;
  abstract readonly storageDriver: string | undefined;
  protected abstract readonly missingContainer: RegExp;
  protected abstract readonly missingImage: RegExp;

  constructor(
    readonly version: string,
    protected readonly env: NodeJS.ProcessEnv,
  ) {}

  abstract argv(...args: string[]): string[];
  /** Flags this engine needs on every build, before the caller's. */
  protected abstract buildFlags(): string[];
  abstract inspectImage(image: string): Promise<ImageInfo>;
  abstract run(image: string, command: string[], options?: RunOptions): Promise<Buffer>;
  abstract mountImage(image: string): Promise<MountedImage | null>;

  exec(args: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return execCommand(this.argv(...args), { env: this.env, ...options });
  }

  buildArgv(options: BuildOptions, iidFile?: string): string[] {
    const args = ['build', ...this.buildFlags()];
    if (options.noCache) args.push('--no-cache');
    if (options.dockerfile !== undefined) args.push('-f', options.dockerfile);
    if (options.tag !== undefined) args.push('-t', options.tag);
    if (options.target !== undefined) args.push('--target', options.target);
    for (const [key, value] of Object.entries(options.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
    args.push(...(options.extraArgs ?? []));
    if (iidFile !== undefined) args.push('--iidfile', iidFile);
    args.push(options.context);
    return this.argv(...args);
  }

  async build(options: BuildOptions): Promise<BuildResult> {
    // --iidfile is the one reliable way to learn the image ID: stdout formats differ by engine
    // and builder (classic, BuildKit, buildah) and an untagged build has nothing else to name it.
    const dir = await mkdtemp(join(tmpdir(), 'msc-build-'));
    const iidFile = join(dir, 'iid');
    const argv = this.buildArgv(options, iidFile);
    const started = Date.now();
    try {
      const result = await execCommand(argv, { env: this.env });
      const imageId = (await readFile(iidFile, 'utf8')).trim();
      return {
        imageId,
        argv,
        stdout: result.stdout.toString('utf8'),
        stderr: result.stderr,
        durationMs: Date.now() - started,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async createContainer(image: string, name?: string, command: string[] = []): Promise<string> {
    const args = ['create'];
    if (name !== undefined) args.push('--name', name);
    args.push(image, ...command);
    const result = await this.exec(args);
    return firstLine(result.stdout.toString('utf8'));
  }

  async cp(container: string, srcPath: string, hostDest: string): Promise<void> {
    await this.exec(['cp', `${container}:${srcPath}`, hostDest]);
  }

  removeContainer(container: string, options: RemoveOptions = {}): Promise<boolean> {
    // -v: anonymous volumes belong to the container; leaving them would leak storage.
    const args = ['rm', '-v', ...(options.force ? ['-f'] : []), container];
    return this.remove(args, this.missingContainer, options);
  }

  removeImage(image: string, options: RemoveOptions = {}): Promise<boolean> {
    const args = ['rmi', ...(options.force ? ['-f'] : []), image];
    return this.remove(args, this.missingImage, options);
  }

  private async remove(args: string[], missing: RegExp, options: RemoveOptions): Promise<boolean> {
    const argv = this.argv(...args);
    const result = await execCommandAllowFailure(argv, { env: this.env });
    if (result.exitCode === 0) return true;
    if (options.ignoreMissing && missing.test(result.stderr)) return false;
    throw new EngineCommandError({ ...result, stdout: result.stdout.toString('utf8') });
  }

  async imageExists(image: string): Promise<boolean> {
    const argv = this.argv('image', 'inspect', '--format', '{{.Id}}', image);
    const result = await execCommandAllowFailure(argv, { env: this.env });
    if (result.exitCode === 0) return true;
    if (this.missingImage.test(result.stderr)) return false;
    throw new EngineCommandError({ ...result, stdout: result.stdout.toString('utf8') });
  }

  async tagImage(image: string, tag: string): Promise<void> {
    await this.exec(['tag', image, tag]);
  }

  exportContainer<T>(container: string, consume: (tar: Readable) => Promise<T>): Promise<T> {
    return streamCommand(this.argv('export', container), consume, { env: this.env });
  }
}

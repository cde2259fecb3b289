/**
 * The docker CLI against a Docker daemon. Nothing to configure: docker pulls only missing
 * base images by default, and `--isolation` is a Windows-only option.
 */
import { execCommand } from './exec.js';
import { BaseEngine, normaliseConfig, parseInspect } from './engine-base.js';
import type { ImageInfo, MountedImage, RunOptions } from './engine-types.js';

export class DockerEngine extends BaseEngine {
  readonly name = 'docker';
  readonly storageDriver = undefined;
  protected readonly missingContainer = /no such container/i;
  protected readonly missingImage = /no such image/i;

  argv(...args: string[]): string[] {
    return ['docker', ...args];
  }

  protected buildFlags(): string[] {
    // Docker pulls only missing base images by default and `--pull` takes no "never" value;
    // isolation is a Windows-only option. Nothing to add.
    return [];
  }

  async inspectImage(image: string): Promise<ImageInfo> {
    const raw = parseInspect((await this.exec(['image', 'inspect', image])).stdout, image);
    const config = (raw['Config'] ?? {}) as Record<string, unknown>;
    return {
      id: String(raw['Id']),
      config: normaliseConfig(raw, config, config['Healthcheck'], config['Shell'] ?? [], config['OnBuild'] ?? []),
    };
  }

  async run(image: string, command: string[], options: RunOptions = {}): Promise<Buffer> {
    const args = ['run', '--rm'];
    if (options.input !== undefined) args.push('-i');
    for (const [k, v] of Object.entries(options.env ?? {})) args.push('-e', `${k}=${v}`);
    for (const v of options.volumes ?? []) args.push('-v', `${v.host}:${v.container}${v.readOnly ? ':ro' : ''}`);
    if (options.workdir !== undefined) args.push('-w', options.workdir);
    if (options.user !== undefined) args.push('-u', options.user);
    let rest = command;
    if (options.entrypoint !== undefined) {
      // `--entrypoint` takes a single executable; further elements go before the command.
      const [exe = '', ...more] = options.entrypoint;
      args.push('--entrypoint', exe);
      rest = [...more, ...command];
    }
    args.push(image, ...rest);
    const result = await execCommand(this.argv(...args), { env: this.env, ...(options.input === undefined ? {} : { input: options.input }) });
    return result.stdout;
  }

  async mountImage(): Promise<MountedImage | null> {
    return null; // docker has no image mount; snapshots use create + export instead.
  }
}

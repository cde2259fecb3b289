/**
 * Types shared by the engine wrapper (./engine.ts is the public entry point; import from there).
 */
import type { Readable } from 'node:stream';
import type { ExecOptions, ExecResult } from './exec.js';

export type EngineName = 'docker' | 'podman';

/** Environment variable that overrides podman's storage driver (shared with the test docker shim). */
export const STORAGE_DRIVER_ENV = 'MULTISTAGE_CODEMOD_STORAGE_DRIVER';
export const DEFAULT_PODMAN_STORAGE_DRIVER = 'vfs';

export interface BuildOptions {
  /** Build context directory. */
  context: string;
  /** Dockerfile path (`-f`); default: `<context>/Dockerfile`. */
  dockerfile?: string;
  tag?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  /** Appended after the flags this wrapper adds, so they can override them. */
  extraArgs?: string[];
}

export interface BuildResult {
  /** Image ID as the engine reports it (e.g. `sha256:…`); usable wherever an image ref is. */
  imageId: string;
  argv: readonly string[];
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface VolumeMount {
  /** Absolute host path. */
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface RunOptions {
  env?: Record<string, string>;
  volumes?: VolumeMount[];
  workdir?: string;
  user?: string;
  /** Replaces the image's ENTRYPOINT (and, as in `docker run --entrypoint`, drops its CMD); `[]` clears it. */
  entrypoint?: string[];
  /** Fed to the command's stdin (like `docker run -i`). */
  input?: Buffer | string;
}

export interface RemoveOptions {
  /**
   * Containers: remove even if running. Images: remove even if tagged more than once — and
   * note that with podman `rmi -f` also removes every container using the image.
   */
  force?: boolean;
  /** Resolve `false` instead of throwing when the object does not exist. */
  ignoreMissing?: boolean;
}

/** The image configuration fields that matter for behaviour, normalised across engines. */
export interface ImageConfig {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[];
  WorkingDir: string;
  User: string;
  ExposedPorts: string[];
  Volumes: string[];
  Labels: Record<string, string>;
  StopSignal: string;
  Healthcheck: unknown;
  /** null when the engine cannot report it (podman without buildah). */
  Shell: string[] | null;
  /** null when the engine cannot report it (podman without buildah). */
  OnBuild: string[] | null;
  Architecture: string;
  Os: string;
}

export interface ImageInfo {
  id: string;
  config: ImageConfig;
}

export interface MountedImage {
  /** Host directory holding the image's root filesystem (read it, never write it). */
  path: string;
  unmount(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** Server version for docker, client version for podman. */
  readonly version: string;
  /** Podman's storage driver (passed on every podman and buildah call); undefined for docker. */
  readonly storageDriver: string | undefined;
  /** The engine's base command line followed by `args`, e.g. `['podman','--storage-driver','vfs',...args]`. */
  argv(...args: string[]): string[];
  /** The full command line `build` runs (for showing the user what to run by hand). */
  buildArgv(options: BuildOptions, iidFile?: string): string[];
  /** Run `argv(...args)`; throws EngineCommandError unless it exits 0. */
  exec(args: string[], options?: ExecOptions): Promise<ExecResult>;
  build(options: BuildOptions): Promise<BuildResult>;
  /** Create (not start) a container; returns its ID. `command` is needed for images without CMD/ENTRYPOINT. */
  createContainer(image: string, name?: string, command?: string[]): Promise<string>;
  /** `cp container:srcPath hostDest`, with docker's directory semantics. */
  cp(container: string, srcPath: string, hostDest: string): Promise<void>;
  /** Removes the container and its anonymous volumes. Resolves false if it did not exist (with ignoreMissing). */
  removeContainer(container: string, options?: RemoveOptions): Promise<boolean>;
  removeImage(image: string, options?: RemoveOptions): Promise<boolean>;
  imageExists(image: string): Promise<boolean>;
  tagImage(image: string, tag: string): Promise<void>;
  inspectImage(image: string): Promise<ImageInfo>;
  /** Run a command in a throw-away container of `image` (like `docker run --rm`) and return its stdout. */
  run(image: string, command: string[], options?: RunOptions): Promise<Buffer>;
  /** Stream a container's filesystem as a tar archive (`export`) into `consume`. */
  exportContainer<T>(container: string, consume: (tar: Readable) => Promise<T>): Promise<T>;
  /** Mount an image's filesystem on the host, or null when this engine/user cannot. */
  mountImage(image: string): Promise<MountedImage | null>;
}

/** A command this wrapper refuses because it cannot emulate it faithfully. */
export class EngineUnsupportedError extends Error {
  override readonly name = 'EngineUnsupportedError';
}

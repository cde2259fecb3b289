/**
 * A private, temporary podman store for one run of a repository's scripts: its own graph root
 * and run root in a temporary folder, with the user's store beside it as a read-only image
 * store (`<driver>.imagestore=<graph root>`, honoured by podman 4.3 and buildah 1.28 for vfs
 * and overlay), so base images are found without being copied, and nothing the scripts do
 * (build, tag, rmi, prune) can touch the user's own images. Removing the folder removes all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execCommandAllowFailure } from './exec.js';
import { PodmanEngine } from './podman-engine.js';
import type { ShimStorage } from './shim-env.js';

/** Drivers whose stores can serve as a read-only image store of another store. */
const IMAGESTORE_DRIVERS = new Set(['vfs', 'overlay']);

export interface PrivateStore {
  engine: PodmanEngine;
  shim: ShimStorage;
  dispose(): Promise<void>;
}

/** A private store beside `engine`'s, or why there cannot be one. */
export function privateStoreFor(engine: PodmanEngine, parent: string, name: string): PrivateStore | { none: string } {
  const user = engine.storage;
  if (!IMAGESTORE_DRIVERS.has(user.driver)) return { none: `podman's storage driver "${user.driver}" cannot lend its images to a private store (vfs and overlay can)` };
  const dir = fs.mkdtempSync(path.join(parent, `${name}-`));
  const storage = { driver: user.driver, graphRoot: path.join(dir, 'root'), runRoot: path.join(dir, 'run'), ...(user.graphRoot ? { imageStore: user.graphRoot } : {}) };
  const own = engine.withStorage(storage);
  return {
    engine: own,
    shim: { driver: storage.driver, root: storage.graphRoot, runRoot: storage.runRoot, ...(storage.imageStore ? { imageStore: storage.imageStore } : {}) },
    dispose: async () => {
      // Working containers and mounts first (overlay mounts would outlive an rm -rf).
      await execCommandAllowFailure(['buildah', ...own.argv().slice(1), 'rm', '--all']).catch(() => undefined);
      await execCommandAllowFailure(own.argv('rm', '--all', '--force')).catch(() => undefined);
      await execCommandAllowFailure(own.argv('image', 'unmount', '--all', '--force')).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function verifyTempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'msc-verify-'));
}

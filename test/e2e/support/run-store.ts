/**
 * A store of the run's own: every image and container one pipeline run builds lives in a private
 * podman store (src/verify/private-store.ts) that reads the shared store's base images without
 * copying or changing them. Removing the run's store removes exactly what the run built, and
 * nothing another process builds meanwhile in the shared store (or in its own run store) can be
 * touched, so fuzz, e2e and CI runs can share one machine and one store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../../../src/verify/engine.js';
import { PodmanEngine } from '../../../src/verify/podman-engine.js';
import { privateStoreFor } from '../../../src/verify/private-store.js';

export interface RunStore {
  /** The engine on the run's own store: pass it to runScriptStatus, envForEngine, snapshotImage… */
  engine: Engine;
  /** The folder holding the store (gone after dispose). */
  dir: string;
  /** Removes the store and everything the run built in it; never touches the shared store. */
  dispose(): Promise<void>;
}

/** podman refuses a run root longer than this (`the specified runroot is longer than 50 characters`). */
const MAX_RUN_ROOT = 50;

/**
 * A new run store beside `shared`'s, named after `name` (a unique folder under `parent`, or under
 * the temporary folder when that path would be too long for podman's run root).
 */
export function openRunStore(shared: Engine, name: string, parent: string = os.tmpdir()): RunStore {
  if (!(shared instanceof PodmanEngine)) throw new Error(`a run store needs podman (the engine here is ${shared.name})`);
  // privateStoreFor makes `<parent>/<name>-XXXXXX/run`
  const fits = (p: string, n: string) => path.join(p, `${n}-XXXXXX`, 'run').length <= MAX_RUN_ROOT;
  if (!fits(parent, name)) [parent, name] = [os.tmpdir(), fits(os.tmpdir(), name) ? name : 'msc-run'];
  const store = privateStoreFor(shared, parent, name);
  if ('none' in store) throw new Error(`no run store: ${store.none}`);
  const dir = path.dirname(store.shim.root!);
  return {
    engine: store.engine,
    dir,
    dispose: async () => {
      await store.dispose();
      if (fs.existsSync(dir)) throw new Error(`the run store ${dir} outlived its removal`);
    },
  };
}

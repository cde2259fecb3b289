/**
 * Images in a private store (./private-store.ts): the ones a run made (the read-only base
 * images beside them left out), names compared as docker and podman spell them, and empty
 * stand-ins for names a migrated pipeline must build itself.
 */
import { execCommand } from './exec.js';
import type { PodmanEngine } from './podman-engine.js';

/** Images a shim `run` keeps for `docker cp` after a container ran: not build results. */
const SHIM_RUN_REPO = 'localhost/multistage-codemod-shim-run/';

/** Every name of a writable image in the store → its image id. */
export async function listOwnImages(engine: PodmanEngine): Promise<Map<string, string>> {
  const out = JSON.parse((await engine.exec(['images', '--format', 'json'])).stdout.toString('utf8') || '[]') as { Id: string; Names?: string[]; ReadOnly?: boolean }[];
  const names = new Map<string, string>();
  for (const img of out) {
    if (img.ReadOnly) continue;
    for (const n of img.Names ?? []) if (!n.startsWith(SHIM_RUN_REPO)) names.set(n, img.Id);
  }
  return names;
}

/** `app:build`, `localhost/app:build`, `docker.io/library/app:build` name the same image here. */
export function normalRef(ref: string): string {
  const tagged = ref.slice(ref.lastIndexOf('/') + 1).includes(':') ? ref : `${ref}:latest`;
  return tagged.replace(/^(localhost|docker\.io)\//, '').replace(/^library\//, '');
}

/** A name docker accepts as written (a tag only known at run time is not one). */
const REFERENCE = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

export function sameRef(a: string, b: string): boolean {
  return normalRef(a) === normalRef(b);
}

/**
 * Gives every name an empty image (FROM scratch, committed once), so a build that names it
 * without building it first fails instead of finding an old copy. Returns that image's id.
 */
export async function poisonNames(engine: PodmanEngine, names: readonly string[]): Promise<string> {
  const buildah = ['buildah', ...engine.argv().slice(1)];
  const ctr = (await execCommand([...buildah, 'from', '--quiet', 'scratch'])).stdout.toString('utf8').trim();
  const id = (await execCommand([...buildah, 'commit', '--quiet', '--rm', '--format', 'docker', ctr])).stdout.toString('utf8').trim();
  for (const n of new Set(names)) if (REFERENCE.test(n)) await engine.exec(['tag', id, n]);
  return id;
}

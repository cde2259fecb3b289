/**
 * Image references as Docker resolves them. Docker Hub is the default registry, reached under
 * three spellings (none, `docker.io/`, the legacy `index.docker.io/`), and its official images
 * live in `library/`: `alpine`, `alpine:latest`, `library/alpine`, `docker.io/library/alpine`
 * and `index.docker.io/library/alpine:latest` are one image. This is the one place that knows
 * it: canonicalImage maps every spelling to one, spellingsOf lists them.
 */

/** The registry prefixes that name Docker Hub. */
const HUB = ['docker.io/', 'index.docker.io/'] as const;
/** The namespace of Docker Hub's official images. */
const LIBRARY = 'library/';

/** Canonical spelling of an image reference, so `alpine`, `alpine:latest` and `docker.io/library/alpine` match. */
export function canonicalImage(ref: string): string {
  let r = ref;
  const hub = HUB.find((h) => r.startsWith(h));
  if (hub) r = r.slice(hub.length);
  // `library/` is the official namespace only on Docker Hub (with or without its prefix).
  if (r.startsWith(LIBRARY)) r = r.slice(LIBRARY.length);
  const lastSlash = r.lastIndexOf('/');
  if (!r.includes('@') && !r.slice(lastSlash + 1).includes(':')) r += ':latest';
  return r;
}

/** Every spelling of the image a reference names (`app:build`, `library/app:build`, `docker.io/library/app:build`…): each is canonicalImage of the same. */
export function spellingsOf(ref: string): string[] {
  const c = canonicalImage(ref);
  const bare = c.endsWith(':latest') ? [c.slice(0, -':latest'.length)] : [];
  const names = [c, ...bare];
  // A name with no namespace is an official image: `library/` may be written in front of it.
  const library = c.includes('/') ? [] : names.map((n) => `${LIBRARY}${n}`);
  return [...names, ...library].flatMap((n) => [n, ...HUB.map((h) => `${h}${n}`)]);
}

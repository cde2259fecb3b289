/** Canonical spelling of an image reference, so `alpine`, `alpine:latest` and `docker.io/library/alpine` match. */
export function canonicalImage(ref: string): string {
  let r = ref;
  if (r.startsWith('docker.io/library/')) r = r.slice('docker.io/library/'.length);
  else if (r.startsWith('docker.io/')) r = r.slice('docker.io/'.length);
  const lastSlash = r.lastIndexOf('/');
  if (!r.includes('@') && !r.slice(lastSlash + 1).includes(':')) r += ':latest';
  return r;
}

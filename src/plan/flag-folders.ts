/**
 * Build flags whose meaning depends on the folder the build runs in. Merged, a flag of the
 * builder build is given to the final build (carried), or the final build's own flag of the
 * same text stands for it; when the two builds ran in different folders (`cd sub && docker
 * build --secret id=tok,src=token.txt …`, then `cd .. && docker build …`), such a flag reads
 * another file, or another value, than the builder build read:
 * - a relative path in a flag that names a host file or folder (`--secret src=`, `--ssh` keys,
 *   `--cache-from`/`--cache-to` `src=`/`dest=`, a `--build-context` folder), which docker
 *   resolves against its working directory;
 * - `$PWD`/`$OLDPWD`, which `cd` changes;
 * - a command substitution (`$(cat VERSION)`), which runs in the build's folder.
 */

/** Flags some of whose `key=value` parts (or, for `--ssh` and `--build-context`, values) name a host path. */
const PATH_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  '--secret': new Set(['src', 'source']),
  '--cache-from': new Set(['src']),
  '--cache-to': new Set(['dest']),
};

/** A value naming no host path: a URL or image reference scheme (`docker-image://`, `https://`), or git over SSH. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;

/**
 * The host paths the flag `name` with the value `value` names, as written (relative ones read
 * from the folder the build runs in): a `--secret` file, `--ssh` keys or socket, a local cache
 * folder, a `--build-context` folder.
 */
export function flagHostPaths(name: string, value: string): string[] {
  const eq = value.indexOf('=');
  if (name === '--build-context') {
    const path = eq < 0 ? '' : value.slice(eq + 1).replace(/^oci-layout:\/\//, '');
    return path !== '' && !REMOTE.test(path) ? [path] : [];
  }
  // `default|<id>[=<socket>|<key>[,<key>]]`
  if (name === '--ssh') return eq < 0 ? [] : value.slice(eq + 1).split(',').filter((p) => p !== '');
  const keys = PATH_KEYS[name];
  if (!keys) return [];
  return value.split(',').flatMap((part) => {
    const at = part.indexOf('=');
    const path = part.slice(at + 1);
    return at >= 0 && keys.has(part.slice(0, at).trim().toLowerCase()) && path !== '' && !REMOTE.test(path) ? [path] : [];
  });
}

/**
 * Why the flag `name`, written `written` in the script (`value`: what it reads as, null when
 * only known at run time), depends on the build's working directory, or null.
 */
export function folderDependence(name: string, written: string, value: string | null): string | null {
  if (/\$\(|`/.test(written)) return 'runs a command substitution, which runs in the folder of the build it is given to';
  if (/\$\{?(?:PWD|OLDPWD)\b/.test(written)) return 'reads the working directory ($PWD), which `cd` changes';
  const rel = value === null ? undefined : flagHostPaths(name, value).find((p) => !p.startsWith('/'));
  return rel === undefined ? null : `names ${rel} relative to the folder the build runs in`;
}

/** A working directory for a message ('' is the repository root, null unknown). */
export const shownFolder = (cwd: string | null): string => (cwd === null ? 'a folder known only at run time' : cwd === '' ? 'the repository root' : `${cwd}/`);

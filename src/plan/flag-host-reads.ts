/**
 * What build flags read from the host when docker runs them: files and folders they name
 * (`--secret src=`, `--ssh` keys, local caches, `--build-context` folders), and variables of
 * the environment (`--secret env=`). Merged, the builder build's flags are read when the final
 * build runs, where both may differ (src/plan/build-flags.ts, ./builder-inputs.ts).
 *
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
  if (name === '--secret') {
    const secret = secretSource(value);
    return secret.path !== null && !REMOTE.test(secret.path) ? [secret.path] : [];
  }
  const keys = PATH_KEYS[name];
  if (!keys) return [];
  return value.split(',').flatMap((part) => {
    const at = part.indexOf('=');
    const path = part.slice(at + 1);
    return at >= 0 && keys.has(part.slice(0, at).trim().toLowerCase()) && path !== '' && !REMOTE.test(path) ? [path] : [];
  });
}

/**
 * Where a `--secret` value takes the secret from, as buildx and BuildKit read it: `src=`/`source=`
 * names a file, `env=` a variable (so does `src=` with `type=env`); with neither, the variable
 * named by `id=` when the environment has it, else the file of that name.
 */
export function secretSource(value: string): { path: string | null; env: string | null } {
  const fields = new Map<string, string>();
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1));
  }
  const src = fields.get('src') ?? fields.get('source') ?? null;
  const env = fields.get('env') ?? null;
  if (fields.get('type') === 'env') return { path: null, env: env ?? src };
  if (src === null && env === null) return { path: fields.get('id') ?? null, env: fields.get('id') ?? null };
  return { path: src, env };
}

/**
 * The environment variables a flag takes a value from when docker runs it: a `--secret` from
 * the environment (`env=TOKEN`, or `id=TOKEN` alone), an `--ssh` agent (`SSH_AUTH_SOCK`).
 * (`--build-arg NAME` without a value is read as a build argument's own case.)
 */
export function flagEnvironmentNames(name: string, value: string): string[] {
  if (name === '--secret') {
    const env = secretSource(value).env;
    return env ? [env] : [];
  }
  if (name === '--ssh') return value.includes('=') ? [] : ['SSH_AUTH_SOCK'];
  return [];
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

/**
 * The two `tar` commands of a stream extraction (`docker run IMG tar -C /out -c . | tar -x -C
 * dist`): which folder and members the container's tar packs, and where the host's unpacks.
 * The migration copies the folder as the builder stage holds it (`COPY --from`), so only the
 * options that leave the files, their names and their modes as they are may be read; any other
 * (`--exclude`, `-h` following symbolic links, `--mode`, `--strip-components`, members named on
 * the unpacking side, `--no-same-permissions`, which applies the umask) is `unsupported`, and
 * the setup refused with it named.
 */

/** Letters of a short option bundle (`-czvf`) that change nothing COPY --from would copy. */
const SAFE_LETTERS: Record<'c' | 'x', string> = {
  // create, file (its value must be `-`), verbose, compressors, sparse, preserve (nothing on create)
  c: 'cfvzjJSp',
  // extract, file, verbose, compressors, keep the archive's modes (root's default; without it the
  // plan checks the stage's modes survive another user's umask), ignore owners
  // (the runtime COPY of the context gives root every file anyway), mtimes, same order
  x: 'xfvzjJpomsS',
};

/** Long options that change nothing COPY --from would copy (the mode's own, output, compression, owner and time handling). */
const SAFE_LONG = new Set([
  '--verbose', '--gzip', '--gunzip', '--bzip2', '--xz', '--sparse', '--totals', '--preserve-permissions', '--same-permissions',
  '--same-owner', '--no-same-owner', '--numeric-owner', '--touch', '--same-order', '--preserve-order', '--warning=no-timestamp',
]);

/** `unsupported`: the first option read that changes what is passed on (the rest is read past it). */
/**
 * `keepsModes`: the unpacking tar restores the archive's modes whoever runs it (`-p`,
 * `--preserve-permissions`, `--same-permissions`); without it only root does, and any other
 * user's tar applies the umask and drops setuid, setgid and sticky bits.
 */
export type TarReading = { dir: string | null; paths: string[]; unsupported: string | null; keepsModes: boolean } | null;

/**
 * The folder (`-C`) and operands of a `tar` command in `mode`, or `unsupported` naming an option
 * that changes the files it passes on; null when the words are not such a command (not known,
 * no mode, an archive other than standard input/output).
 */
export function readTar(words: readonly (string | null)[], mode: 'c' | 'x'): TarReading {
  if (words.some((w) => w === null)) return null;
  const ws = words as string[];
  let dir: string | null = null;
  const paths: string[] = [];
  let unsupported: string | null = null;
  let sawMode = false;
  let keepsModes = false;
  for (let i = 0; i < ws.length; i++) {
    let w = ws[i]!;
    // Old-style bundled first word: `tar cf - .` / `tar xf - -C dir`.
    if (i === 0 && /^[a-zA-Z]+$/.test(w) && w.includes(mode)) w = `-${w}`;
    if (w === '-C' || w === '--directory') {
      dir = ws[++i] ?? null;
      continue;
    }
    if (w.startsWith('--directory=')) {
      dir = w.slice('--directory='.length);
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(w)) {
      const other = [...w.slice(1)].find((l) => !SAFE_LETTERS[mode].includes(l));
      if (other !== undefined) unsupported ??= `-${other}`;
      if (w.includes(mode)) sawMode = true;
      if (w.includes('p')) keepsModes = true;
      if (w.includes('f')) {
        const f = ws[++i];
        if (f !== '-') return null;
      }
      continue;
    }
    if (w === `--${mode === 'c' ? 'create' : 'extract'}` || (mode === 'x' && w === '--get')) {
      sawMode = true;
      continue;
    }
    if (w === '--file=-') continue;
    if (w.startsWith('--')) {
      if (!SAFE_LONG.has(w)) unsupported ??= w;
      if (w === '--preserve-permissions' || w === '--same-permissions') keepsModes = true;
      continue;
    }
    // Members named when unpacking take only those out of the archive.
    if (mode === 'x') unsupported ??= w;
    else paths.push(w);
  }
  if (!sawMode) return null;
  if (mode === 'c' && paths.length === 0) return null;
  return { dir, paths, unsupported, keepsModes };
}

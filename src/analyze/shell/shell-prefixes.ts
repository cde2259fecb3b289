/**
 * `builtin` and `command`: prefixes under which the shell still runs its own command. The words the shell itself runs past `builtin` and `command` (`builtin cd dist`, `command -p cd
 * dist` move the shell as `cd dist` does); null for `command -v`/`-V`, which only looks a name up.
 */
export function pastShellPrefixes<T extends { value: string | null }>(words: readonly T[]): readonly T[] | null {
  let i = 0;
  for (;;) {
    const v = words[i]?.value;
    if (v === 'builtin') i++;
    else if (v === 'command') {
      i++;
      for (let o = words[i]?.value; o != null && o.startsWith('-') && o !== '-'; o = words[i]?.value) {
        i++;
        if (o === '--') break;
        if (/[vV]/.test(o)) return null;
      }
    } else return words.slice(i);
  }
}

/** What `chmod MODE` makes of a file's mode (read by ./link.ts and ./copied-artifacts.ts). */

/** The mode after `chmod MODE` on a file of mode `from` (octal or simple symbolic modes), or null. */
export function applyChmod(from: number, mode: string): number | null {
  if (/^[0-7]{3,4}$/.test(mode)) return parseInt(mode, 8);
  let m = from;
  for (const clause of mode.split(',')) {
    const c = /^([ugoa]*)([-+=])([rwxX]*)$/.exec(clause);
    if (!c) return null;
    const who = c[1] || 'a';
    let bits = 0;
    // `X` is execute only for a file some execute bit is already set on (these are files, not folders).
    for (const p of c[3]!) bits |= p === 'r' ? 4 : p === 'w' ? 2 : p === 'x' || (m & 0o111) !== 0 ? 1 : 0;
    let mask = 0;
    if (who.includes('u') || who.includes('a')) mask |= bits << 6;
    if (who.includes('g') || who.includes('a')) mask |= bits << 3;
    if (who.includes('o') || who.includes('a')) mask |= bits;
    // Without who, +, - and = honour the umask (022): `chmod +w` adds write for the owner
    // only, and `chmod -w` takes it from the owner only.
    if (!c[1]) mask &= ~0o022;
    if (c[2] === '+') m |= mask;
    else if (c[2] === '-') m &= ~mask;
    else {
      const span = (who.includes('u') || who.includes('a') ? 0o700 : 0) | (who.includes('g') || who.includes('a') ? 0o070 : 0) | (who.includes('o') || who.includes('a') ? 0o007 : 0);
      m = (m & ~span) | mask;
    }
  }
  return m;
}

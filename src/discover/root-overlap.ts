/**
 * Roots of one run must not overlap: each root is walked, planned and written on its own, so a
 * folder named twice (or inside another root) has its setups planned twice, and the second
 * root's write finds the files the first one changed (FILE_CHANGED, after the first root is
 * written). Caught before anything is read, with the fix named.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Why these roots overlap, or null. Roots are compared as resolved (symbolic links followed). */
export function rootOverlap(roots: readonly string[]): string | null {
  const real = roots.map((r) => {
    try {
      return fs.realpathSync(r);
    } catch {
      return path.resolve(r);
    }
  });
  for (let i = 0; i < roots.length; i++) {
    for (let j = 0; j < roots.length; j++) {
      if (i === j) continue;
      const rel = path.relative(real[i]!, real[j]!);
      if (rel === '' && i < j) return `${roots[i]} and ${roots[j]} are the same folder: name it once`;
      if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
        return `${roots[j]} is inside ${roots[i]}, which is read whole already (its setups would be planned twice): name ${roots[i]} alone, or only the folders inside it`;
      }
    }
  }
  return null;
}

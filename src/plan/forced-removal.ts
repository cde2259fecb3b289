/**
 * `rm -f x`, `rm -rf x`: a removal that succeeds whether or not the path exists, so it is no use
 * of a file the migration stops leaving (an artifact, a log a removed command wrote).
 */
import type { ScriptCommand } from '../model/script.js';

export function forcedRemoval(cmd: ScriptCommand): boolean {
  const words = cmd.words;
  if (words[0]?.value !== 'rm') return false;
  return words.slice(1).some((w) => w.value === '--force' || (w.value !== null && /^-[a-zA-Z]*f[a-zA-Z]*$/.test(w.value)));
}

/** `rm -v`: it prints what it removed, so it says whether the file was there. */
export function verboseRemoval(cmd: ScriptCommand): boolean {
  return cmd.words[0]?.value === 'rm' && cmd.words.slice(1).some((w) => w.value === '--verbose' || (w.value !== null && /^-[a-zA-Z]*v[a-zA-Z]*$/.test(w.value)));
}

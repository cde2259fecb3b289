/**
 * Temporary files are named `.<target name>.msc-<pid>-<run tag>-<n>.tmp`, beside their targets,
 * so a rename never crosses file systems and a stray one can be recognised (and its owner's
 * liveness checked) without a journal.
 */
export const TEMP_RE = /^\..*\.msc-(\d+)-([0-9a-f]+)-([0-9a-z]+)\.tmp$/;

export function tempName(targetBase: string, tag: string, n: string | number): string {
  return `.${targetBase}.msc-${process.pid}-${tag}-${n}.tmp`;
}

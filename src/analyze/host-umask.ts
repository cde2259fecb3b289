/**
 * The mode of a host file the shell creates (`docker run IMG cat /p > f`) is 0666 less the
 * umask, and `chmod +x f` (no who) adds only what the umask lets through. The migrated COPY
 * writes that mode with `--chmod`, computed for the usual umask 022. A script that sets its
 * own umask before the runtime build (`umask 077`) makes the old file 0600 (0700 after
 * `chmod +x`), so a setup with such a mode is refused (HOST_UMASK) unless an octal `chmod`
 * after the extraction set the whole mode, which no umask changes.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { ScriptCommand } from '../model/script.js';
import type { Artifact, Setup } from '../model/setup.js';

/**
 * Records which artifacts' modes no longer depend on the umask after `chmod MODE` on them:
 * an octal mode sets every bit; a clause without who (`+x`, `=r`) goes through the umask again.
 */
export function noteModeSource(targets: readonly Artifact[], mode: string, umaskFree: Set<Artifact>): void {
  if (/^[0-7]{3,4}$/.test(mode)) for (const t of targets) umaskFree.add(t);
  else if (mode.split(',').some((clause) => /^[-+=]/.test(clause))) for (const t of targets) umaskFree.delete(t);
}

/** `umask` with an operand sets it (`umask 077`, `umask u=rwx,go=`); alone, or `-S`/`-p`, it prints. */
export function setsUmask(cmd: ScriptCommand): boolean {
  return cmd.words[0]?.value === 'umask' && cmd.words.slice(1).some((w) => w.value === null || !w.value.startsWith('-'));
}

/** HOST_UMASK when the script sets a umask before the runtime build and a mode the migration writes depends on it. */
export function umaskDependence(setup: Setup, before: readonly ScriptCommand[], umaskFree: ReadonlySet<Artifact>): Diagnostic[] {
  const affected = setup.artifacts.filter((a) => a.mode !== null && !umaskFree.has(a));
  const set = before.find(setsUmask);
  if (affected.length === 0 || !set) return [];
  const words = set.words.map((w) => w.raw).join(' ');
  return [
    diag('HOST_UMASK', 'error', `\`${words}\` sets the umask the shell creates ${affected.map((a) => a.hostPath).join(', ')} with (and \`chmod\` without who honours): the old file's mode follows it, while the migrated COPY would set the mode a umask of 022 gives`, {
      file: set.file,
      line: set.line,
      setup: setup.id,
      hint: `Give the file its whole mode with an octal chmod after the extraction (\`chmod 755 ${affected[0]!.hostPath}\`), or set the umask after the runtime build; then run the tool again.`,
    }),
  ];
}

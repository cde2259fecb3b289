/**
 * The mode of a host file the shell creates (`docker run IMG cat /p > f`) is 0666 less the
 * umask, and `chmod +x f` (no who) adds only what the umask lets through. The migrated COPY
 * writes that mode with `--chmod`, computed for the usual umask 022. A script that sets its
 * own umask before the runtime build (`umask 077`) makes the old file 0600 (0700 after
 * `chmod +x`), so a setup with such a mode is refused (HOST_UMASK) unless an octal `chmod`
 * after the extraction set the whole mode, which no umask changes. A file the script sources
 * (`. ./lib.sh`) runs in its shell: a `umask` there counts as the script's.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import type { EmbeddedScript } from './embedded.js';
import type { Artifact, Setup } from '../model/setup.js';
import type { RepoFs } from '../model/fs.js';
import { SOURCING, sourcedFiles } from './sourced-files.js';

/**
 * Records which artifacts' modes no longer depend on the umask after `chmod MODE` on them:
 * an octal mode sets every bit; a clause without who (`+x`, `=r`) goes through the umask again.
 */
export function noteModeSource(targets: readonly Artifact[], mode: string, umaskFree: Set<Artifact>): void {
  if (/^[0-7]{3,4}$/.test(mode)) for (const t of targets) umaskFree.add(t);
  else if (honoursUmask(mode)) for (const t of targets) umaskFree.delete(t);
}

/** A symbolic mode with a clause without who (`+x`, `=r`): chmod applies it through the umask. */
export function honoursUmask(mode: string): boolean {
  return mode.split(',').some((clause) => /^[-+=]/.test(clause));
}

/** `umask` with an operand sets it (`umask 077`, `umask u=rwx,go=`); alone, or `-S`/`-p`, it prints. */
export function setsUmask(cmd: ScriptCommand): boolean {
  return cmd.words[0]?.value === 'umask' && cmd.words.slice(1).some((w) => w.value === null || !w.value.startsWith('-'));
}

/**
 * The artifacts whose old mode on the host followed the umask of the shell that made them: a
 * mode the shell gave (`cat > f`, `chmod +x f`) that no octal chmod set whole, a host `tar -x`
 * without `-p`, a plain `cp` folded into the extraction (`hostCopies`), and a clause without who
 * applied to a copy that kept the container's mode.
 */
export function umaskModes(artifacts: readonly Artifact[], umaskFree: ReadonlySet<Artifact>, hostCopies: ReadonlySet<Artifact>): Artifact[] {
  // (a symbolic mode without who applied to the container's mode: `chmod +x app` after `docker cp`)
  const whoLess = (a: Artifact) => a.mode === null && (a.pendingModes ?? []).some(honoursUmask);
  return artifacts.filter((a) => (a.mode !== null && !umaskFree.has(a)) || whoLess(a) || a.modesMasked === 'tar' || hostCopies.has(a));
}

/** Files inside extracted folders whose host chmod went through the umask (`chmod +x out/bin/app`, no octal chmod after it), as the user sees them. */
export function innerUmaskPaths(artifacts: readonly Artifact[]): string[] {
  return artifacts.flatMap((a) => (a.innerModes ?? []).filter((m) => m.throughUmask).map((m) => `${a.hostPath}/${m.path}`));
}

/**
 * The first command of the shell `cmd` runs in: a CI step, a recipe line, an npm script each
 * start a shell of their own (a snippet), unless it continues the one before (GitLab's `script:`
 * items); a plain script is one shell. A umask lasts as long as its shell.
 */
export function shellStart(script: ScriptFile, cmd: ScriptCommand): number {
  const parts = (script as Partial<EmbeddedScript>).parts;
  if (!parts) return 0;
  let i = parts.findIndex((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  if (i < 0) return -1;
  while (i > 0 && parts[i]!.snippet.continues) i--;
  return parts[i]!.first;
}

/** Whether two commands of `script` run in one shell (a command whose snippet is not known shares every shell). */
export function sameShell(script: ScriptFile, a: ScriptCommand, b: ScriptCommand): boolean {
  const [x, y] = [shellStart(script, a), shellStart(script, b)];
  return x === y || x < 0 || y < 0;
}

/** HOST_UMASK when the script sets a umask before the runtime build and a mode the migration writes depends on it. */
export function umaskDependence(setup: Setup, before: readonly ScriptCommand[], affected: readonly string[], script: ScriptFile, fs: RepoFs): Diagnostic[] {
  if (affected.length === 0) return [];
  // A file sourced here runs in this shell: a `umask` in it (or in one it sources) holds after it too.
  const setter = (c: ScriptCommand) => (setsUmask(c) ? c : SOURCING.has(c.words[0]?.value ?? '') ? sourcedFiles([c], fs).flatMap((f) => f.script.commands.filter(setsUmask))[0] ?? null : null);
  // Only the commands after it in its own shell run with it (a GitHub step's `umask` ends with the step).
  for (const [k, c] of before.entries()) {
    const set = setter(c);
    if (set && before.slice(k + 1).some((l) => sameShell(script, c, l))) return [umaskSet(setup, set, affected, undefined, set === c ? undefined : c)];
  }
  return [];
}

/**
 * HOST_UMASK for `set`, a `umask` with an operand run before the runtime build: by the script,
 * by a file it sources (`sourcing`), or by a caller before it runs the script (`call`), whose
 * shell the script inherits it from.
 */
export function umaskSet(setup: Setup, set: ScriptCommand, affected: readonly string[], call?: ScriptCommand, sourcing?: ScriptCommand): Diagnostic {
  const words = shownCommand(set);
  const by = call ? ` before running ${setup.script} (${call.file}:${call.line}), which inherits it,` : sourcing ? ` (in ${set.file}, which \`${shownCommand(sourcing)}\` at ${sourcing.file}:${sourcing.line} sources)` : '';
  return diag('HOST_UMASK', 'error', `\`${words}\`${by} sets the umask the shell creates ${affected.join(', ')} with (and \`chmod\` without who and a plain \`cp\` or \`tar -x\` honour): the old file's mode follows it, while the migrated COPY would set the mode a umask of 022 gives`, {
    file: set.file,
    line: set.line,
    setup: setup.id,
    hint: `Give the file its whole mode with an octal chmod after the extraction (\`chmod 755 ${affected[0]!}\`), or set the umask after the runtime build; then run the tool again.`,
  });
}

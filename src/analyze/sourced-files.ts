/**
 * A file a script sources (`. ./env.sh`, `source scripts/common.sh`) runs in the script's own
 * shell: what it defines stays defined after it (functions, aliases, traps, the folder), while
 * the script's reading is made without it. The readers of what a sourcing may leave behind
 * (./sourced-folders.ts for the folder, ./shadowed-commands.ts for functions and aliases,
 * src/plan/host-effects.ts for the names its commands use) read the file here, as a shell
 * script from the folder it is sourced in, once per file and folder.
 */
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand } from '../model/script.js';
import { parseShell, type ShellScript } from './shell.js';

export const SOURCING = new Set(['.', 'source']);

/** What a sourcing command reads: the file read (`script`), or why it cannot be (`unknown`). */
export type Sourced = { rel: string; script: ShellScript } | { unknown: string };

const reads = new WeakMap<RepoFs, Map<string, Sourced>>();

/** The file `cmd` sources, read; null when `cmd` sources nothing (not `.`/`source`, or no operand). */
export function sourcedFile(cmd: ScriptCommand, fs: RepoFs): Sourced | null {
  if (!SOURCING.has(cmd.words[0]?.value ?? '')) return null;
  const word = cmd.words[1];
  if (!word) return null;
  if (word.value === null || cmd.cwd === null) return { unknown: `${word.raw}, a file only known at run time` };
  const rel = word.value.startsWith('/') || word.value.startsWith('~') ? null : resolveRel(cmd.cwd, word.value);
  if (rel === null) return { unknown: `${word.value}, which is outside the repository` };
  let known = reads.get(fs);
  if (!known) reads.set(fs, (known = new Map()));
  const key = `${cmd.cwd}\0${rel}`;
  let out = known.get(key);
  if (out === undefined) {
    const text = fs.readText(rel);
    const script = text === null ? null : parseShell(rel, text, { cwd: cmd.cwd }).script;
    out = text === null ? { unknown: `${rel}, which the repository does not hold` } : script === null ? { unknown: `${rel}, which cannot be read as a shell script` } : { rel, script };
    known.set(key, out);
  }
  return out;
}

/** The files the sourcings among `sequence` read, each with the command sourcing it, and those sourced inside them (each file once). */
export function sourcedFiles(sequence: readonly ScriptCommand[], fs: RepoFs): { by: ScriptCommand; rel: string; script: ShellScript }[] {
  const out: { by: ScriptCommand; rel: string; script: ShellScript }[] = [];
  const seen = new Set<string>();
  const visit = (cmds: readonly ScriptCommand[], by: ScriptCommand | null) => {
    for (const cmd of cmds) {
      const s = sourcedFile(cmd, fs);
      if (!s || 'unknown' in s || seen.has(s.rel)) continue;
      seen.add(s.rel);
      out.push({ by: by ?? cmd, rel: s.rel, script: s.script });
      visit(s.script.commands, by ?? cmd);
    }
  };
  visit(sequence, null);
  return out;
}

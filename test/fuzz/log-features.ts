/**
 * A log a command of the pattern writes through a redirect (./grammar.ts): the builder build's
 * output (`docker build … > build.log 2>&1`), or that of the builder's `docker run`
 * (`… > test-report.txt 2>&1`), and what reads it afterwards: the build itself, a caller after
 * it ran the script (`ci.sh`), a neighbour script the pipeline runs later (`check-log.sh`), or
 * nothing (the common case: the log is a by-product, and the migration must still go ahead).
 * A migration that removes the writer must not leave a reader of its log behind: with the log
 * gone, the reader fails. The log's bytes are the engine's chatter (ids, times): never compared.
 * Drawn from streams of their own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import type { PipelineEntry, RepoFile } from './render.js';

export const LOG_FEATURES = {
  /** The builder build's output into `build.log`, or the builder run's into `test-report.txt` (a run whose output is not the artifact). */
  logWriter: ['none', 'build', 'run'],
  /** What reads the log: the build's own commands after the runtime build, a caller after the script, a neighbour script run later. */
  logReader: ['none', 'script', 'caller', 'neighbour'],
  /**
   * How the writer reaches the log in a sh or bash script: its own redirect, or a descriptor the
   * script opened at its top (`exec 3>build.log`, `exec 3>>build.log`) that the writer's output
   * goes to (`>&3 2>&1`). Opened so, the log exists whatever runs: removing the writer leaves it
   * empty, not missing.
   */
  logVia: ['redirect', 'fd', 'fd-append'],
  /**
   * How the writer reaches the log through a pipe instead, in a sh or bash script: into `tee`,
   * a `while read` loop appending each line, a brace group (`| { cat > build.log; }`), a shell
   * function the script defines at its top (`| save_log`), or from a subshell holding the
   * writer (`( docker build … ) 2>&1 | tee build.log`). A compound statement on either side of
   * the pipe, or a function, hides where the output goes from a model that reads simple commands
   * only.
   */
  logPipe: ['none', 'tee', 'while', 'brace', 'function', 'subshell'],
} as const;

/** Extractions whose builder `docker run` writes something other than the artifact on its standard output. */
const CHATTY_RUNS: ReadonlySet<string> = new Set(['run-name', 'volume-cp', 'mount-build', 'stock-build']);

/** The log features as the rest of the spec allows (a spec stored before they existed reads them in their plainest form). */
export function normalizeLogs(s: RepoSpec): void {
  // (each feature's plainest form, its first option: `redirect` for logVia, which has no `none`)
  for (const k of Object.keys(LOG_FEATURES) as (keyof typeof LOG_FEATURES)[]) if (s[k] === undefined) (s as Record<string, unknown>)[k] = LOG_FEATURES[k][0];
  // a stock toolchain run has no builder build; a run fed its steps on standard input already redirects it
  if (s.logWriter === 'build' && s.extraction === 'stock-build') s.logWriter = 'run';
  if (s.logWriter === 'run' && (!CHATTY_RUNS.has(s.extraction) || s.stdinFeed !== 'none')) s.logWriter = 'build';
  if (s.logWriter === 'build' && s.extraction === 'stock-build') s.logWriter = 'none';
  if (s.logWriter === 'none') s.logReader = 'none';
  // a caller runs a sh or bash script; a neighbour is run after the pipeline only when a script runs it (a CI job is one entry here)
  if (s.logReader === 'caller' && (s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash'))) s.logReader = 'neighbour';
  if (s.logReader === 'neighbour' && s.runner !== 'script') s.logReader = 'script';
  // (a descriptor opened by `exec` lasts for the rest of a sh or bash script; a recipe line, an npm script or a CI step is a shell of its own)
  if (s.logWriter === 'none' || s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash')) s.logVia = 'redirect';
  // (a pipe takes the place of the redirect or the descriptor; a run may print nothing, and a loop that reads no line never makes the file)
  if (s.logWriter === 'none' || s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash') || s.logVia !== 'redirect') s.logPipe = 'none';
  if (s.logPipe === 'while' && s.logWriter === 'run') s.logPipe = 'tee';
}

/** The log's file name (from the root), if one is written. */
export function logFile(s: RepoSpec): string | null {
  if (s.logWriter === 'build') return 'build.log';
  if (s.logWriter === 'run') return 'test-report.txt';
  return null;
}

/** The builder build's line (`which` 'build') or the builder run's (`which` 'run') with its output sent to the log, if drawn. */
export function logged(s: RepoSpec, which: 'build' | 'run', line: string): string {
  if (s.logWriter !== which) return line;
  const log = logFile(s)!;
  switch (s.logPipe) {
    case 'tee':
      return `${line} 2>&1 | tee ${log}`;
    case 'while':
      return `${line} 2>&1 | while IFS= read -r l; do printf '%s\\n' "$l" >> ${log}; done`;
    case 'brace':
      return `${line} 2>&1 | { cat > ${log}; }`;
    case 'function':
      return `${line} 2>&1 | save_log`;
    case 'subshell':
      return `( ${line} ) 2>&1 | tee ${log}`;
    case 'none':
      return s.logVia === 'redirect' ? `${line} > ${log} 2>&1` : `${line} >&3 2>&1`;
  }
}

/** The script's line that opens the log's descriptor, or defines the function the writer pipes into, at its top (after any `cd`), if drawn. */
export function logOpenLines(s: RepoSpec): string[] {
  if (logFile(s) === null) return [];
  if (s.logVia === 'fd') return [`exec 3>${logFile(s)}`];
  if (s.logVia === 'fd-append') return [`exec 3>>${logFile(s)}`];
  if (s.logPipe === 'function') return [`save_log() { cat > ${logFile(s)}; }`];
  return [];
}

/**
 * The command that reads the log: it fails when the log is missing (a build log always holds
 * the engine's steps; a run may print nothing, so its log is counted, not grepped).
 */
export function logReadLine(s: RepoSpec): string {
  // (through a descriptor the log is there, empty, whatever ran: the reader fails on an empty log, even without errexit;
  // through a pipe too, as the build's log always holds lines)
  if ((s.logVia !== 'redirect' || s.logPipe !== 'none') && s.logWriter === 'build') return `grep -q . ${logFile(s)} || exit 3`;
  return s.logWriter === 'run' ? `wc -l < ${logFile(s)}` : `grep -c . ${logFile(s)}`;
}

/** The build's own line after the runtime build that reads the log, if drawn. */
export function logReadInScript(s: RepoSpec): string[] {
  return s.logReader === 'script' ? [logReadLine(s)] : [];
}

/** The caller's line after it ran the script, if drawn. */
export function logReadInCaller(s: RepoSpec): string[] {
  return s.logReader === 'caller' ? [logReadLine(s)] : [];
}

/** The neighbour script that reads the log, if drawn. */
export function logFiles(s: RepoSpec): RepoFile[] {
  if (s.logReader !== 'neighbour') return [];
  return [{ path: 'check-log.sh', content: `#!/bin/sh\nset -e\n# The build must have logged something.\n${logReadLine(s)}\n`, mode: 0o755 }];
}

/** What runs the neighbour after the pipeline, if drawn. */
export function logEntries(s: RepoSpec): PipelineEntry[] {
  return s.logReader === 'neighbour' ? [{ kind: 'script', script: 'check-log.sh' }] : [];
}

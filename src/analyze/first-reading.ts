/**
 * The diagnostics of the analysis's own reading of each script, kept with the script it gave.
 * Checking a rewritten script compares it with a reading of the old text (plan/reread.ts);
 * that reading is the one the analysis already made, so the old text need not be parsed again.
 * Only a reading made from the same start folder counts; anything else is read afresh.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { ScriptFile } from '../model/script.js';

export interface Reading {
  /** The start folder it was read from (undefined: where the script lies). */
  start: string | null | undefined;
  diagnostics: readonly Diagnostic[];
}

const readings = new WeakMap<ScriptFile, Reading>();

/** Records what reading `script`'s text from `start` reported (copied: later findings are not the reader's). */
export function rememberReading(script: ScriptFile, start: { cwd: string | null } | undefined, diagnostics: readonly Diagnostic[]): void {
  readings.set(script, { start: start?.cwd, diagnostics: [...diagnostics] });
}

/** The analysis's reading of `script` from `start`, when it made one. */
export function firstReading(script: ScriptFile, start: { cwd: string | null } | undefined): { script: ScriptFile; diagnostics: Diagnostic[] } | null {
  const r = readings.get(script);
  if (!r || r.start !== start?.cwd) return null;
  return { script, diagnostics: [...r.diagnostics] };
}

/** What was recorded for `script` (a worker thread sends it with the script: src/analyze/transfer.ts). */
export function readingOf(script: object): Reading | undefined {
  return readings.get(script as ScriptFile);
}

/** Records a reading another thread made of `script`. */
export function restoreReading(script: object, reading: Reading): void {
  readings.set(script as ScriptFile, reading);
}

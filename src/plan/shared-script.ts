/**
 * CI text several jobs run: GitLab's `default: before_script` runs in every job without one of
 * its own, and the reader gives each job its own reading of it. A setup is found in one job's
 * reading; removing or rewriting its commands edits the text every one of those jobs runs,
 * which the other jobs' readings did not plan for.
 */
import type { EmbeddedScript } from '../analyze/embedded.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/** The refusal when a command the plan edits (by index) is in text other jobs run too, else null. */
export function sharedScriptEdit(setup: Setup, script: ScriptFile, edited: readonly number[]): Diagnostic | null {
  if (!('parts' in script)) return null;
  const parts = (script as EmbeddedScript).parts;
  for (const i of [...new Set(edited)].sort((a, b) => a - b)) {
    const part = parts.find((p) => i >= p.first && i < p.first + p.count);
    if (!part?.snippet.shared) continue;
    const cmd = script.commands[i]!;
    return diag('SHARED_CI_SCRIPT', 'error', `\`${shownCommand(cmd)}\` is in ${part.snippet.shared}: the migration would change it for every one of those jobs, and is planned for ${part.snippet.label} alone`, {
      file: cmd.file,
      line: cmd.line,
      setup: setup.id,
      hint: 'Move the builder pattern\'s commands into the before_script or script of the job that builds the image, then run the tool again.',
    });
  }
  return null;
}

/**
 * Every blocker of a setup at once. Planning goes on after a refusal wherever the later checks
 * do not depend on what failed (the Dockerfiles' merge, the host commands that stay, the script
 * edits are separate questions); where they do depend on it, the plan says which checks were
 * not made and why, so fixing what is reported does not merely reveal the next blocker.
 */
import { diag, type Code, type Diagnostic } from '../model/diagnostics.js';
import type { ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { adapterFor } from '../../transforms/adapters.js';
import type { Draft } from './index.js';

/**
 * Refusals that leave the setup not read in full: what the migration would remove, which image
 * it builds or where an artifact lands is not known, so no later check could be trusted.
 */
const UNREAD: ReadonlySet<Code> = new Set<Code>([
  'DYNAMIC_ARTIFACT_PATH',
  'DYNAMIC_CONTAINER',
  'DYNAMIC_IMAGE',
  'DYNAMIC_BUILD_INPUT',
  'UNKNOWN_DOCKER_FLAG',
  'CONDITIONAL_STEP',
  'SHARED_STEPS_DIFFER',
  'ARTIFACT_DEST_EXISTS',
  'SHELL_NOT_READ',
  'COMPOSE_DYNAMIC',
  'COMPOSE_UNSUPPORTED',
]);

const NOT_MADE = 'the checks of the merged Dockerfile, of the commands that stay and of the script edits were not made';

/** Why the checks after the linker cannot be made for this setup (a note for its report), or null when they can. */
export function prerequisiteMissing(setup: Setup, diagnostics: readonly Diagnostic[], dockerfilesRead: boolean): string | null {
  const unread = [...new Set(diagnostics.filter((d) => d.severity === 'error' && UNREAD.has(d.code)).map((d) => d.code))];
  if (unread.length > 0) return `${NOT_MADE}: they need the setup read in full, and ${unread.join(', ')} says it was not`;
  if (!setup.runtime) return `${NOT_MADE}: they need a runtime build that copies the artifacts`;
  if (!dockerfilesRead) return `${NOT_MADE}: they need both Dockerfiles read`;
  return null;
}

/**
 * A draft with blockers is refused; whether its commands could be removed from the script at
 * all is a blocker of its own, so it is asked here too (for drafts that pass, the plan asks it
 * of every setup sharing the script together).
 */
export function finishDraft(draft: Draft, script: ScriptFile, failed: boolean): Draft {
  if (!failed) return draft;
  const plan = draft.plan;
  if (!plan.diagnostics.some((d) => d.code === 'SCRIPT_EDIT_UNSAFE')) {
    const adapter = adapterFor(script);
    const asked = draft.script.deletes;
    const removed = adapter.deleteCommands(script, [...new Set([...asked, ...adapter.companions(script, asked)])]);
    if ('error' in removed) {
      plan.diagnostics.push(diag('SCRIPT_EDIT_UNSAFE', 'error', `cannot remove the extraction steps from ${script.file}: ${removed.error}`, { file: script.file, setup: plan.id, hint: removed.hint ?? 'Put the docker commands of the setup on lines of their own, then run the tool again.' }));
    }
  }
  plan.status = 'refused';
  // Its notes described the migration it will not get.
  plan.notes = [];
  draft.dockerfile = null;
  draft.deleteBuilder = null;
  return draft;
}

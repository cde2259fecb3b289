/**
 * A Makefile rule whose target names a file or folder the repository holds, and that `.PHONY`
 * does not list (`build:` beside a `build/` folder): Make runs its recipe only when the target is
 * out of date, which a folder or committed file with no newer prerequisite never is. Whether the
 * old pipeline ran the builder build there is then not known (it may have copied a committed
 * binary instead), so the setup is refused.
 */
import path from 'node:path/posix';
import { isMakeScript, partHolding } from '../analyze/embedded.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

export function upToDateRule(setup: Setup, script: ScriptFile, fs: RepoFs): Diagnostic | null {
  if (!isMakeScript(script)) return null;
  const scope = partHolding(script, setup.builder.inv.cmd)?.part.snippet.scope;
  const targets = scope === undefined ? [] : (script.notPhony?.[scope] ?? []);
  const dir = path.dirname(script.file) === '.' ? '' : path.dirname(script.file);
  const held = targets.find((t) => fs.kind(resolveRel(dir, t)) !== null);
  if (held === undefined) return null;
  const kind = fs.kind(resolveRel(dir, held)) === 'dir' ? 'a folder' : 'a file';
  return diag('SCRIPT_EDIT_UNSAFE', 'error', `the builder build's rule \`${held}\` names ${kind} the repository holds, and \`.PHONY\` does not list it: Make runs its recipe only when \`${held}\` is out of date, so whether the old pipeline ran the builder build is not known`, {
    file: setup.builder.inv.cmd.file,
    line: setup.builder.inv.cmd.line,
    setup: setup.id,
    hint: `List \`${held}\` under \`.PHONY:\` if its recipe should always run (or rename the target), then run the tool again.`,
  });
}

/** The writing side of each script kind: which adapter maps edits back into a file's syntax. */
import { isExpanded } from '../src/analyze/compose.js';
import { fileKind } from '../src/kinds/registry.js';
import type { ScriptAdapter, ScriptFile } from '../src/model/script.js';
import { composeAdapter } from './compose.js';
import { embeddedAdapter } from './embedded.js';
import { shellAdapter } from './shell.js';

export function adapterFor(script: ScriptFile): ScriptAdapter<ScriptFile> {
  // Compose commands were read as the docker commands they stand for: edit the script as written.
  if (isExpanded(script)) return composeAdapter(adapterFor(script.compose.base)) as unknown as ScriptAdapter<ScriptFile>;
  return (fileKind(script.kind).writer === 'shell' ? shellAdapter : embeddedAdapter) as unknown as ScriptAdapter<ScriptFile>;
}

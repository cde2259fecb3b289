/** The writing side of each script kind: which adapter maps edits back into a file's syntax. */
import { embeddedAdapter } from './embedded.js';
import type { ScriptAdapter, ScriptFile } from '../src/model/script.js';
import { shellAdapter } from './shell.js';

export function adapterFor(script: ScriptFile): ScriptAdapter<ScriptFile> {
  return (script.kind === 'shell' ? shellAdapter : embeddedAdapter) as unknown as ScriptAdapter<ScriptFile>;
}

/** PowerShell scripts (`*.ps1`): each statement read as the shell command it equals, run from the script's folder, or its callers'. */
import { parsePowerShell } from '../analyze/hosts/powershell.js';
import type { FileKind } from './types.js';

export const powershellKind: FileKind = {
  kind: 'powershell',
  candidate: (_rel, _name, ext) => (ext === 'ps1' ? 'script' : null),
  claims: (rel) => /\.ps1$/i.test(rel),
  // Run from the folder its callers run it from (src/analyze/callers.ts), else its own.
  read: (rel, text, fs, start) => parsePowerShell(rel, text, start, fs),
  writer: 'embedded',
  comment: '#',
};

/** Shell scripts: `.sh`/`.bash`, or any file whose first line is a shebang of a POSIX-like shell. */
import { parseShell } from '../analyze/shell.js';
import type { FileKind } from './types.js';

export const shellKind: FileKind = {
  kind: 'shell',
  // Extensionless files are checked by shebang when analysed.
  candidate: (_rel, _name, ext) => (ext === null || ext === 'sh' || ext === 'bash' ? 'script' : null),
  claims(rel, text) {
    if (/\.(sh|bash)$/i.test(rel)) return true;
    const first = text.slice(0, 200).split(/\r?\n/, 1)[0] ?? '';
    return /^#!.*\b(sh|bash|dash|ksh|zsh)\b/.test(first);
  },
  read(rel, text, _fs, start) {
    if (!start) return parseShell(rel, text);
    const read = parseShell(rel, text, { cwd: start.cwd });
    if (read.script) read.script.startCwd = start.cwd;
    return read;
  },
  writer: 'shell',
  comment: '#',
};

/** Makefiles: recipe lines are shell snippets (GNU make). */
import { parseMakefile } from '../analyze/hosts/makefile.js';
import type { FileKind } from './types.js';

export const makeKind: FileKind = {
  kind: 'make',
  candidate: (_rel, _name, ext) => (ext === null || ext === 'mk' ? 'script' : null),
  claims: (rel) => /^(GNUmakefile|makefile|Makefile)$|\.mk$/.test(rel.split('/').pop()!),
  read: (rel, text, fs) => parseMakefile(rel, text, fs),
  writer: 'embedded',
  comment: '#',
};

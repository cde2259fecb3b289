/** package.json: each npm script is a shell snippet; `npm run X` calls another. */
import { parsePackageJson } from '../analyze/hosts/package-json.js';
import type { FileKind } from './types.js';

export const packageJsonKind: FileKind = {
  kind: 'package-json',
  candidate: (_rel, name) => (name === 'package.json' ? 'script' : null),
  claims: (rel) => rel.split('/').pop() === 'package.json',
  read: (rel, text, fs) => parsePackageJson(rel, text, fs),
  writer: 'embedded',
  comment: null,
};

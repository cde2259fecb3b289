/** Travis CI (`.travis.yml` at the root): the phases and script deploys of each job, in one shell per job. */
import { parseTravis } from '../analyze/hosts/travis.js';
import type { FileKind } from './types.js';

export const travisCiKind: FileKind = {
  kind: 'travis-ci',
  candidate: (rel) => (rel === '.travis.yml' || rel === '.travis.yaml' ? 'script' : null),
  claims: (rel) => rel === '.travis.yml' || rel === '.travis.yaml',
  read: (rel, text) => parseTravis(rel, text),
  writer: 'embedded',
  comment: '#',
};

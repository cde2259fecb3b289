/** CircleCI (`.circleci/config.yml`): `run:` steps, each its own shell, one sequence per job. */
import { parseCircleCi } from '../analyze/hosts/circleci.js';
import type { FileKind } from './types.js';

export const circleCiKind: FileKind = {
  kind: 'circleci',
  candidate: (rel) => (rel === '.circleci/config.yml' || rel === '.circleci/config.yaml' ? 'script' : null),
  claims: (rel) => rel === '.circleci/config.yml' || rel === '.circleci/config.yaml',
  read: (rel, text) => parseCircleCi(rel, text),
  writer: 'embedded',
  comment: '#',
};

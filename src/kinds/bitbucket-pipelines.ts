/** Bitbucket Pipelines (`bitbucket-pipelines.yml` at the root): each step's `script:` list, in one shell. */
import { parseBitbucket } from '../analyze/hosts/ci-lists.js';
import type { FileKind } from './types.js';

export const bitbucketPipelinesKind: FileKind = {
  kind: 'bitbucket-pipelines',
  candidate: (rel) => (rel === 'bitbucket-pipelines.yml' ? 'script' : null),
  claims: (rel) => rel === 'bitbucket-pipelines.yml',
  read: (rel, text) => parseBitbucket(rel, text),
  writer: 'embedded',
  comment: '#',
};

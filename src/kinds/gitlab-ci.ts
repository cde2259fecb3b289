/** GitLab CI (`.gitlab-ci.yml`): a job's `before_script` and `script` items, one shell per job. */
import { parseCiYaml } from '../analyze/hosts/ci-yaml.js';
import type { FileKind } from './types.js';

export const gitlabCiKind: FileKind = {
  kind: 'gitlab-ci',
  candidate: (_rel, name) => (name === '.gitlab-ci.yml' || name === '.gitlab-ci.yaml' ? 'script' : null),
  claims: (rel) => /^\.gitlab-ci\.ya?ml$/.test(rel.split('/').pop()!),
  read: (rel, text, fs) => parseCiYaml('gitlab-ci', rel, text, fs),
  writer: 'embedded',
  comment: '#',
};

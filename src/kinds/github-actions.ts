/** GitHub Actions workflows (`.github/workflows/*.yml`): `run:` steps, one sequence per job. */
import { parseCiYaml } from '../analyze/hosts/ci-yaml.js';
import type { FileKind } from './types.js';

export const githubActionsKind: FileKind = {
  kind: 'github-actions',
  candidate(rel, name, ext) {
    if (ext !== 'yml' && ext !== 'yaml') return null;
    const dir = rel.slice(0, rel.length - name.length - 1);
    return dir === '.github/workflows' || dir.endsWith('/.github/workflows') ? 'script' : null;
  },
  claims: (rel) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(rel),
  read: (rel, text, fs) => parseCiYaml('github-actions', rel, text, fs),
  writer: 'embedded',
  comment: '#',
};

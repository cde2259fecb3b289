/** Azure Pipelines (`azure-pipelines.yml` at the root): `bash:` and `script:` steps, one sequence per job. */
import { parseAzurePipelines } from '../analyze/hosts/azure-pipelines.js';
import type { FileKind } from './types.js';

export const azurePipelinesKind: FileKind = {
  kind: 'azure-pipelines',
  candidate: (rel) => (rel === 'azure-pipelines.yml' || rel === 'azure-pipelines.yaml' ? 'script' : null),
  claims: (rel) => rel === 'azure-pipelines.yml' || rel === 'azure-pipelines.yaml',
  read: (rel, text, fs) => parseAzurePipelines(rel, text, fs),
  writer: 'embedded',
  comment: '#',
};

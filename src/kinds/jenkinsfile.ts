/**
 * Jenkinsfiles: `Jenkinsfile`, `Jenkinsfile.*` (`Jenkinsfile.release`, `Jenkinsfile.groovy`),
 * `*.jenkinsfile`, and `*.groovy` files whose name says Jenkinsfile. Other `*.groovy` files are
 * not read: a shared library's `vars/*.groovy` defines steps that run only when, and where, a
 * pipeline calls them, so reading one as a pipeline of its own would invent an order.
 */
import { parseJenkinsfile } from '../analyze/hosts/jenkinsfile.js';
import type { FileKind } from './types.js';

function isJenkinsfile(name: string, ext: string | null): boolean {
  const lower = name.toLowerCase();
  return lower === 'jenkinsfile' || lower.startsWith('jenkinsfile.') || ext === 'jenkinsfile' || (ext === 'groovy' && lower.includes('jenkinsfile'));
}

export const jenkinsfileKind: FileKind = {
  kind: 'jenkinsfile',
  candidate: (_rel, name, ext) => (isJenkinsfile(name, ext) ? 'script' : null),
  claims(rel) {
    const name = rel.split('/').pop()!;
    const dot = name.lastIndexOf('.');
    return isJenkinsfile(name, dot < 0 ? null : name.slice(dot + 1).toLowerCase());
  },
  read: (rel, text) => parseJenkinsfile(rel, text),
  writer: 'embedded',
  comment: '//',
  braces: true,
};

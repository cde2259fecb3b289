/**
 * Every file kind the tool reads, one module each. The walker (candidate), the analyzer
 * (claims, read), the re-read check and the writers (writer, comment) all consult this
 * table; a ScriptKind without a module here is a type error.
 */
import type { ScriptKind } from '../model/script.js';
import { azurePipelinesKind } from './azure-pipelines.js';
import { bitbucketPipelinesKind } from './bitbucket-pipelines.js';
import { circleCiKind } from './circleci.js';
import { githubActionsKind } from './github-actions.js';
import { gitlabCiKind } from './gitlab-ci.js';
import { javascriptKind } from './javascript.js';
import { jenkinsfileKind } from './jenkinsfile.js';
import { makeKind } from './make.js';
import { packageJsonKind } from './package-json.js';
import { powershellKind } from './powershell.js';
import { shellKind } from './shell.js';
import { travisCiKind } from './travis-ci.js';
import type { Candidate, FileKind } from './types.js';

export const FILE_KINDS = {
  'package-json': packageJsonKind,
  jenkinsfile: jenkinsfileKind,
  make: makeKind,
  'github-actions': githubActionsKind,
  'gitlab-ci': gitlabCiKind,
  'travis-ci': travisCiKind,
  circleci: circleCiKind,
  'azure-pipelines': azurePipelinesKind,
  'bitbucket-pipelines': bitbucketPipelinesKind,
  javascript: javascriptKind,
  powershell: powershellKind,
  shell: shellKind,
} as const satisfies Record<ScriptKind, FileKind>;

/**
 * The order kinds are asked to claim a file: names first, the shell last (it also claims any
 * file with a shell shebang).
 */
export const KIND_ORDER: readonly FileKind[] = Object.values(FILE_KINDS);

export function fileKind(kind: ScriptKind): FileKind {
  return FILE_KINDS[kind];
}

/** Which kind reads a file, by name and first line. */
export function kindOf(rel: string, text: string): ScriptKind | null {
  for (const k of KIND_ORDER) if (k.claims(rel, text)) return k.kind;
  return null;
}

/** The walker's test: whether some kind could read the path (and how the walker schedules it). */
export function candidateOf(rel: string, name: string): Candidate | null {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? null : name.slice(dot + 1).toLowerCase();
  for (const k of KIND_ORDER) {
    const c = k.candidate(rel, name, ext);
    if (c !== null) return c;
  }
  return null;
}

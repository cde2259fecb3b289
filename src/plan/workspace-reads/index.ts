/**
 * CI-native workspace reads: keys and steps of a CI file that take files from the job's folder
 * after its commands ran (GitHub `uses:` steps' inputs, GitLab `artifacts:`/`cache:`, CircleCI
 * `store_artifacts`/`persist_to_workspace`, Azure publish and copy tasks, Bitbucket `artifacts:`,
 * Travis `deploy:` files). Each is a use on the host of whatever extracted file it names: one
 * reading the file where an export build writes it keeps the file on the host (an export stage),
 * one that may read more or other refuses. Read with the `yaml` package.
 */
import path from 'node:path/posix';
import type { Document } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { EmbeddedScript } from '../../analyze/embedded.js';
import type { ScriptCommand, ScriptFile, ScriptKind, Word } from '../../model/script.js';
import type { Artifact, Setup } from '../../model/setup.js';
import { LineIndex } from '../../model/text.js';
import { meets } from '../host-commands.js';
import { azureReads } from './azure.js';
import { bitbucketReads } from './bitbucket.js';
import { circleReads } from './circleci.js';
import { githubReads } from './github.js';
import { gitlabReads } from './gitlab.js';
import type { WorkspaceRead } from './read.js';
import { travisReads } from './travis.js';

export type { WorkspaceRead } from './read.js';

const READERS: Partial<Record<ScriptKind, (doc: Document, lines: LineIndex) => WorkspaceRead[]>> = {
  'github-actions': githubReads,
  'gitlab-ci': gitlabReads,
  circleci: circleReads,
  'azure-pipelines': azureReads,
  'bitbucket-pipelines': bitbucketReads,
  'travis-ci': travisReads,
};

/** The file last read: the linker and the host-effects pass ask once for each setup of the same file. */
let last: { kind: ScriptKind; text: string; reads: WorkspaceRead[] } | null = null;

export function workspaceReads(kind: ScriptKind, text: string): WorkspaceRead[] {
  const reader = READERS[kind];
  if (!reader) return [];
  if (last?.kind !== kind || last.text !== text) {
    const doc = yaml().parseDocument(text);
    last = { kind, text, reads: doc.errors.length > 0 ? [] : reader(doc, new LineIndex(text)) };
  }
  return last.reads;
}

/**
 * How a read meets an artifact's host path: `exact` when it reads the artifact where an export
 * build writes it (the path itself, a path inside it, or the folder the file is written into),
 * `inexact` when it may read more or other (a glob, a folder further up, the folder holding a
 * file the migration changes: its script or Dockerfiles; a path only known at run time), null
 * when not at all.
 */
export function readMeets(r: WorkspaceRead, hostPath: string, word: Word, changed: readonly string[] = []): 'exact' | 'inexact' | null {
  const m = meets({ path: r.path, glob: r.glob, word }, hostPath);
  if (m === null) return null;
  if (m === 'at' || m === 'under') return 'exact';
  const folder = r.path;
  return m === 'over' && folder !== '' && folder === path.dirname(hostPath) && !changed.some((f) => f.startsWith(`${folder}/`)) ? 'exact' : 'inexact';
}

/** A step that reads only when it runs after the extraction, written above all of it. */
const runsBefore = (r: WorkspaceRead, setup: Setup) => r.afterOnly === true && setup.extraction.length > 0 && setup.extraction.every((c) => c.line > r.line);

/** The files a setup's migration rewrites or deletes: its script and its Dockerfiles. */
export function changedBy(setup: Setup): string[] {
  return [setup.script, setup.builder.dockerfile, setup.runtime?.dockerfile].filter((f): f is string => typeof f === 'string');
}

const shown = (r: WorkspaceRead) => (r.path === null ? 'a path only known at run time' : r.path === '' ? 'the whole checkout' : r.path);

/**
 * Whether a read takes the folder of `job`'s run: another job of the same file starts from a
 * checkout of its own on its own machine, so a read of no known job (`default:`, a template), or
 * of a file not cut into jobs, may be it.
 */
const inJob = (r: WorkspaceRead, job: string | undefined) => r.job === undefined || job === undefined || r.job === job;

/** The job (entry) of a CI file that runs `sequence`, or undefined when the file is not cut into named jobs. */
export function jobOf(script: ScriptFile, sequence: readonly ScriptCommand[]): string | undefined {
  const e = script as Partial<EmbeddedScript>;
  const k = e.sequences?.indexOf(sequence as ScriptCommand[]) ?? -1;
  return k >= 0 ? e.entries?.[k] : undefined;
}

/** Artifacts a CI-native read of the setup's job takes exactly where an export build would write them, each with what reads it. */
export function workspaceUses(script: ScriptFile, setup: Setup, word: Word, sequence?: readonly ScriptCommand[]): { artifact: Artifact; why: string }[] {
  const out: { artifact: Artifact; why: string }[] = [];
  const changed = changedBy(setup);
  const job = sequence ? jobOf(script, sequence) : undefined;
  for (const r of workspaceReads(script.kind, script.text)) {
    if (runsBefore(r, setup) || !inJob(r, job)) continue;
    for (const a of setup.artifacts) if (readMeets(r, a.hostPath, word, changed) === 'exact') out.push({ artifact: a, why: `${r.by} (${script.file}:${r.line}) reads ${shown(r)}` });
  }
  return out;
}

/** The first CI-native read of the setup's job that may take an artifact but not exactly where an export build writes it, as a message (and a hint of its own, if it has one). */
export function inexactRead(script: ScriptFile, setup: Setup, word: Word, sequence?: readonly ScriptCommand[]): { line: number; message: string; hint?: string } | null {
  const changed = changedBy(setup);
  const job = sequence ? jobOf(script, sequence) : undefined;
  for (const r of workspaceReads(script.kind, script.text)) {
    if (runsBefore(r, setup) || !inJob(r, job)) continue;
    for (const a of setup.artifacts) {
      const m = readMeets(r, a.hostPath, word, changed);
      if (m === null || (m === 'exact' && a.hostNeeded)) continue;
      return {
        line: r.line,
        ...(r.hint ? { hint: r.hint } : {}),
        message: `${r.by} (${script.file}:${r.line}) reads ${shown(r)}, which ${r.path === null ? 'may hold' : 'holds'} the extracted ${a.hostPath} after the job's commands${m === 'inexact' ? ': only a read of the artifact itself, of a path inside it, or of the folder it is written into (holding no script or Dockerfile the migration changes) is kept exact by an export build' : ''}`,
      };
    }
  }
  return null;
}

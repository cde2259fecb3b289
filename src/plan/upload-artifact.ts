/**
 * GitHub Actions steps that take files from the runner's workspace after the run:
 * `uses: actions/upload-artifact` with its `path:` (one path or pattern a line, `!` excludes).
 * Read with the `yaml` package; a `${{ … }}` expression is a path only known at run time.
 */
import path from 'node:path/posix';
import type { YAMLMap } from 'yaml';
import { yaml } from '../analyze/hosts/yaml-module.js';
import type { Word } from '../model/script.js';
import type { Artifact } from '../model/setup.js';
import { LineIndex } from '../model/text.js';
import { meets } from './host-commands.js';

export interface Upload {
  uses: string;
  /** Repository-relative path or pattern, null when only known at run time. */
  path: string | null;
  line: number;
}

/** The workflow last read: the linker asks once for each setup of the same file. */
let last: { text: string; uploads: Upload[] } | null = null;

export function uploadedPaths(text: string): Upload[] {
  if (!text.includes('upload-artifact')) return [];
  if (last?.text !== text) last = { text, uploads: readUploads(text) };
  return last.uploads;
}

/**
 * How an upload's path meets an artifact's host path: `exact` when it reads the artifact where
 * an export build writes it (the path itself, a path inside it, or the folder the file is
 * written into), `inexact` when it may read more or other (a glob, a folder further up that
 * holds files the migration changes, a path only known at run time), null when not at all.
 */
export function uploadMeets(up: Upload, hostPath: string, word: Word): 'exact' | 'inexact' | null {
  const m = meets({ path: up.path, glob: up.path !== null && /[*?[]/.test(up.path), word }, hostPath);
  if (m === null) return null;
  if (m === 'at' || m === 'under') return 'exact';
  return m === 'over' && up.path !== '' && up.path === path.dirname(hostPath) ? 'exact' : 'inexact';
}

/** Artifacts an upload step reads exactly where an export build would write them, each with the step that reads it. */
export function uploadUses(text: string, file: string, artifacts: readonly Artifact[], word: Word): { artifact: Artifact; why: string }[] {
  const out: { artifact: Artifact; why: string }[] = [];
  for (const up of uploadedPaths(text)) {
    for (const a of artifacts) if (uploadMeets(up, a.hostPath, word) === 'exact') out.push({ artifact: a, why: `the step \`uses: ${up.uses}\` (${file}:${up.line}) uploads ${up.path}` });
  }
  return out;
}

function readUploads(text: string): Upload[] {
  const y = yaml();
  const doc = y.parseDocument(text);
  if (doc.errors.length > 0 || !y.isMap(doc.contents)) return [];
  const lines = new LineIndex(text);
  const jobs = doc.contents.get('jobs', true);
  if (!y.isMap(jobs)) return [];
  const out: Upload[] = [];
  for (const jp of jobs.items) {
    const steps = y.isMap(jp.value) ? (jp.value as YAMLMap).get('steps', true) : null;
    if (!y.isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!y.isMap(step)) continue;
      const uses = step.get('uses');
      if (typeof uses !== 'string' || !/^actions\/upload-artifact(@|$)/.test(uses)) continue;
      const node = step.getIn(['with', 'path'], true);
      const line = lines.lineOf(y.isNode(node) && node.range ? node.range[0] : (step.range?.[0] ?? 0));
      const value = y.isScalar(node) ? node.value : null;
      if (typeof value !== 'string') {
        out.push({ uses, path: null, line });
        continue;
      }
      for (const raw of value.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('!'))) {
        out.push({ uses, path: raw.includes('${{') ? null : raw.replace(/^\.\//, '').replace(/\/+$/, '').replace(/^\.$/, ''), line });
      }
    }
  }
  return out;
}

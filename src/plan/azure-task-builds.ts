/**
 * Azure Pipelines tasks that build a Dockerfile without a shell: `Docker@2` (and the older
 * `Docker@0`/`Docker@1`) with a build command (`build`, `buildAndPush`, the default, or
 * `Build an image`), building the first file its `Dockerfile:` glob finds (`**\/Dockerfile` by
 * default, from the sources folder), from its `buildContext:` with its `arguments:` appended to
 * `docker build`. The tool does not read those as a build: ./runtime-rebuilds.ts refuses a setup
 * whose runtime Dockerfile such a task may build (it would now build the builder stage too).
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import type { RepoFs } from '../model/fs.js';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { DYNAMIC, type Targets } from '../model/foreign-builds.js';
import { resolveRel } from '../model/paths.js';
import { LineIndex } from '../model/text.js';
import { getNoCase, lineOf, maps } from './workspace-reads/read.js';

export interface TaskBuild extends Targets {
  file: string;
  line: number;
  task: string;
  /** The build command as written (`build`, or the default the task takes). */
  command: string;
}

const ROOT = /^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)\/?/i;
const BUILDS = /^(build|buildandpush|build an image)$/i;

/** The Dockerfiles a `Dockerfile:` input names: one path, or the file names a glob or a macro leaves (none: any). */
function targetsOf(value: string): Targets {
  const rel = value.trim().replace(ROOT, '');
  if (!DYNAMIC.test(rel) && !rel.includes('$(') && !rel.startsWith('/')) return { dockerfiles: [resolveRel('', rel)], names: [] };
  const base = path.basename(rel);
  return { dockerfiles: null, names: DYNAMIC.test(base) || base.includes('(') ? [] : [base] };
}

/**
 * The image builds of the Docker tasks of every Azure Pipelines file the analysis read, and of
 * the other YAML files the walk found (a job or step template, `ci/release-job.yml`, is not read
 * as a pipeline).
 */
export function azureTaskBuilds(analysis: Analysis, fs: RepoFs): TaskBuild[] {
  const out: TaskBuild[] = [];
  const pipelines = [...analysis.scripts.values()].filter((s) => s.kind === 'azure-pipelines').map((s) => ({ file: s.file, text: s.text }));
  const others = [...new Set([...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])].filter((rel) => /\.ya?ml$/i.test(rel) && !analysis.scripts.has(rel)).sort();
  for (const script of [...pipelines, ...others.map((file) => ({ file, text: fs.readText(file) ?? '' }))]) {
    if (!/Docker@/i.test(script.text)) continue;
    // (the yaml package only where a file may hold such a task: a run without YAML never loads it)
    const y = yaml();
    const doc = y.parseDocument(script.text);
    if (doc.errors.length > 0) continue;
    const lines = new LineIndex(script.text);
    for (const step of maps(doc.contents)) {
      const task = step.get('task');
      if (typeof task !== 'string' || !/^Docker@\d+$/i.test(task.trim())) continue;
      const inputs = step.get('inputs', true);
      const input = (key: string) => (y.isMap(inputs) ? getNoCase(inputs, key) : undefined);
      const scalar = (n: unknown) => (y.isScalar(n) ? String(n.value) : undefined);
      const command = scalar(input('command')) ?? (/@2$/.test(task.trim()) ? 'buildAndPush' : 'Build an image');
      // (a command only known at run time may build)
      if (!BUILDS.test(command.trim()) && !command.includes('$')) continue;
      const dockerfile = scalar(input('Dockerfile')) ?? '**/Dockerfile';
      out.push({ file: script.file, line: lineOf(lines, step), task: task.trim(), command, ...targetsOf(dockerfile) });
    }
  }
  return out;
}

/**
 * The images a `Docker@2` task of a YAML text names by `repository:` and `tags:` apart (`push`
 * of `repository: app` with `tags: build` pushes `app:build`; a build tags them so): each
 * repository with each tag, one per line or comma of `tags:`, with the task's line. A task
 * without `tags:` takes `$(Build.BuildId)`, only known at run time: no literal name. Null when
 * the text cannot be parsed.
 */
export function azureTaskImages(text: string): { ref: string; line: number }[] | null {
  if (!/Docker@/i.test(text)) return [];
  const y = yaml();
  const doc = y.parseDocument(text);
  if (doc.errors.length > 0) return null;
  const lines = new LineIndex(text);
  const out: { ref: string; line: number }[] = [];
  for (const step of maps(doc.contents)) {
    const task = step.get('task');
    if (typeof task !== 'string' || !/^Docker@\d+$/i.test(task.trim())) continue;
    const inputs = step.get('inputs', true);
    const input = (key: string) => (y.isMap(inputs) ? getNoCase(inputs, key) : undefined);
    const scalar = (n: unknown) => (y.isScalar(n) && n.value !== null ? String(n.value) : undefined);
    const list = (n: unknown) => (scalar(n) ?? '').split(/[\n,]/).map((t) => t.trim()).filter((t) => t !== '');
    const tags = list(input('tags'));
    for (const repository of list(input('repository'))) for (const tag of tags) out.push({ ref: `${repository}:${tag}`, line: lineOf(lines, step) });
  }
  return out;
}

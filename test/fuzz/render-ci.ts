/**
 * The CI runners of the fuzzer's repositories (./grammar.ts `runner`): the pipeline's commands
 * as a GitHub Actions workflow's `run:` steps or a GitLab CI job's `script:` list, written with
 * the `yaml` package (it quotes what needs quoting: `: `, `#`, a leading `{`). Names held in
 * variables are set in `env:`/`variables:` at the level `ciEnv` says; with `ciWorkdir` the
 * repository lives in `svc/` and the steps run there.
 */
import { stringify } from 'yaml';
import type { RepoSpec } from './grammar.js';
import type { Commands, PipelineEntry, RepoFile } from './render.js';

/** Where the repository's own files are, seen from the CI file (the root, or `svc/`). */
export const ciFolder = (s: RepoSpec) => (s.ciWorkdir === 'none' ? '' : 'svc');

const PARTS = [
  ['builder', 'Build the builder image'],
  ['extract', 'Take the artifact out'],
  ['after', 'Build the runtime image'],
] as const;

/** The commands grouped into steps as `ciSteps` says; a part that keeps shell state (`id=$(…)`, `trap`) stays one step. */
export function groups(s: RepoSpec, c: Commands): { title: string; lines: string[] }[] {
  if (s.ciSteps === 'block') return [{ title: 'Build the image', lines: [...c.builder, ...c.extract, ...c.after] }];
  const stateful = s.extraction === 'id-var' || s.trapCleanup;
  const out: { title: string; lines: string[] }[] = [];
  for (const [part, title] of PARTS) {
    const lines = c[part];
    if (lines.length === 0) continue;
    if (s.ciSteps === 'split' || (part === 'extract' && stateful)) out.push({ title, lines });
    else lines.forEach((line, i) => out.push({ title: lines.length > 1 ? `${title} (${i + 1})` : title, lines: [line] }));
  }
  return out;
}

const env = (pairs: [string, string][]) => Object.fromEntries(pairs);

export function githubWorkflow(s: RepoSpec, c: Commands): { files: RepoFile[]; entry: PipelineEntry } {
  const at = (level: RepoSpec['ciEnv']) => c.vars.length > 0 && s.ciEnv === level;
  const steps: Record<string, unknown>[] = [{ uses: 'actions/checkout@v4' }];
  for (const g of groups(s, c)) {
    const step: Record<string, unknown> = {};
    if (s.ciNames) step['name'] = g.title;
    if (s.ciWorkdir === 'step') step['working-directory'] = ciFolder(s);
    // a step's env: only the names its commands read
    const used = c.vars.filter(([n]) => g.lines.some((l) => l.includes(`$${n}`)));
    if (at('step') && used.length > 0) step['env'] = env(used);
    step['run'] = g.lines.length > 1 ? `${g.lines.join('\n')}\n` : g.lines[0]!;
    steps.push(step);
  }
  const job: Record<string, unknown> = { 'runs-on': 'ubuntu-latest' };
  if (at('job')) job['env'] = env(c.vars);
  if (s.ciWorkdir === 'defaults') job['defaults'] = { run: { 'working-directory': ciFolder(s) } };
  job['steps'] = steps;
  const wf: Record<string, unknown> = { name: 'image', on: { push: { branches: ['main'] } } };
  if (at('top')) wf['env'] = env(c.vars);
  wf['jobs'] = { image: job };
  const path = '.github/workflows/image.yml';
  return { files: [{ path, content: stringify(wf, { lineWidth: 0 }), mode: 0o644 }], entry: { kind: 'github', workflow: path, job: 'image' } };
}

export function gitlabCi(s: RepoSpec, c: Commands): { files: RepoFile[]; entry: PipelineEntry } {
  const script: string[] = [];
  if (s.ciWorkdir === 'step') script.push(`cd ${ciFolder(s)}`);
  // a multi-line item is one block of shell, as GitLab runs it
  for (const g of groups(s, c)) script.push(g.lines.length > 1 ? `${g.lines.join('\n')}\n` : g.lines[0]!);
  const job: Record<string, unknown> = { stage: 'build' };
  if (c.vars.length > 0 && s.ciEnv === 'job') job['variables'] = env(c.vars);
  if (s.ciWorkdir === 'defaults') job['before_script'] = [`cd ${ciFolder(s)}`];
  job['script'] = script;
  const ci: Record<string, unknown> = { stages: ['build'] };
  if (c.vars.length > 0 && s.ciEnv === 'top') ci['variables'] = env(c.vars);
  ci['build-image'] = job;
  return { files: [{ path: '.gitlab-ci.yml', content: stringify(ci, { lineWidth: 0 }), mode: 0o644 }], entry: { kind: 'gitlab', job: 'build-image' } };
}

/**
 * The other CI kinds the tool reads (./grammar.ts `ciFlavour`): the commands a GitHub workflow
 * would run as steps, written as a CircleCI job's `run:` steps or an Azure Pipelines job's
 * `bash:` steps (each its own shell: CircleCI's `bash -eo pipefail`, Azure's bash without `-e`);
 * those a GitLab job would run as one list, written as a Bitbucket step's `script:` items or a
 * Travis CI `script:` phase (every item runs, the job fails if one did). Names held in
 * variables go where each kind keeps them (CircleCI `environment:`, Azure `variables:` and
 * step `env:`, Travis `env: global:`, Bitbucket `export` items: it has no variables in its
 * file). Drawn from a stream of its own, after every other feature: `none` writes what was
 * written before. Run with the product's own reading of each job (src/verify/jobs).
 */
import { stringify } from 'yaml';
import { shellQuote } from '../../src/model/shell-quote.js';
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import type { Commands, PipelineEntry, RepoFile } from './render.js';

export const CI_FLAVOUR_FEATURES = {
  /** A GitHub runner becomes CircleCI or Azure Pipelines; a GitLab one Bitbucket Pipelines or Travis CI. */
  ciFlavour: ['none', 'circleci', 'azure', 'bitbucket', 'travis'],
} as const;

export type CiFlavour = (typeof CI_FLAVOUR_FEATURES.ciFlavour)[number];

/** The flavour as the runner allows (a spec stored before it existed reads it as `none`). */
export function normalizeCiFlavour(s: RepoSpec): void {
  const f = (s.ciFlavour ?? 'none') as CiFlavour;
  if (s.runner === 'github') s.ciFlavour = f === 'bitbucket' ? 'circleci' : f === 'travis' ? 'azure' : f;
  else if (s.runner === 'gitlab') s.ciFlavour = f === 'circleci' ? 'bitbucket' : f === 'azure' ? 'travis' : f;
  else s.ciFlavour = 'none';
}

type Group = { title: string; lines: string[] };
const env = (pairs: [string, string][]) => Object.fromEntries(pairs);
const body = (g: Group) => (g.lines.length > 1 ? `${g.lines.join('\n')}\n` : g.lines[0]!);

/** CircleCI: a `run:` step per group, in `svc/` by its `working_directory` (the job's would move the checkout itself). */
function circleci(s: RepoSpec, c: Commands, groups: Group[], folder: string): { files: RepoFile[]; entry: PipelineEntry } {
  const steps: unknown[] = ['checkout'];
  for (const g of groups) {
    const run: Record<string, unknown> = {};
    if (s.ciNames) run['name'] = g.title;
    if (folder) run['working_directory'] = folder;
    const used = c.vars.filter(([n]) => g.lines.some((l) => l.includes(`$${n}`)));
    if (s.ciEnv === 'step' && used.length > 0) run['environment'] = env(used);
    run['command'] = body(g);
    steps.push(!s.ciNames && !folder && run['environment'] === undefined ? { run: run['command'] } : { run });
  }
  const job: Record<string, unknown> = { machine: { image: 'ubuntu-2204:current' } };
  if (c.vars.length > 0 && s.ciEnv !== 'step') job['environment'] = env(c.vars);
  job['steps'] = steps;
  const cfg = { version: 2.1, jobs: { image: job }, workflows: { build: { jobs: ['image'] } } };
  return { files: [{ path: '.circleci/config.yml', content: stringify(cfg, { lineWidth: 0 }), mode: 0o644 }], entry: { kind: 'circleci', job: 'image' } };
}

/** Azure Pipelines: a `bash:` step per group at the root (job `Job`), variables at the top or on the step. */
function azure(s: RepoSpec, c: Commands, groups: Group[], folder: string): { files: RepoFile[]; entry: PipelineEntry } {
  const steps: unknown[] = [];
  for (const g of groups) {
    const step: Record<string, unknown> = { bash: body(g) };
    if (s.ciNames) step['displayName'] = g.title;
    if (folder) step['workingDirectory'] = folder;
    const used = c.vars.filter(([n]) => g.lines.some((l) => l.includes(`$${n}`)));
    if (s.ciEnv === 'step' && used.length > 0) step['env'] = env(used);
    steps.push(step);
  }
  const pipe: Record<string, unknown> = { trigger: ['main'], pool: { vmImage: 'ubuntu-latest' } };
  // Azure puts a variable in the environment under its name upper-cased: the fuzzer's names already are.
  if (c.vars.length > 0 && s.ciEnv !== 'step') pipe['variables'] = env(c.vars);
  pipe['steps'] = steps;
  return { files: [{ path: 'azure-pipelines.yml', content: stringify(pipe, { lineWidth: 0 }), mode: 0o644 }], entry: { kind: 'azure', job: 'Job' } };
}

/** Bitbucket Pipelines: one step of the default pipeline, its items in one bash; variables exported first. */
function bitbucket(c: Commands, groups: Group[], folder: string): { files: RepoFile[]; entry: PipelineEntry } {
  // (the docker service builds with the legacy builder, which cannot export, unless DOCKER_BUILDKIT=1)
  const script = ['export DOCKER_BUILDKIT=1', ...c.vars.map(([n, v]) => `export ${n}=${shellQuote(v)}`), ...(folder ? [`cd ${folder}`] : []), ...groups.map(body)];
  const pipe = { image: 'atlassian/default-image:4', pipelines: { default: [{ step: { name: 'Image', services: ['docker'], script } }] } };
  return { files: [{ path: 'bitbucket-pipelines.yml', content: stringify(pipe, { lineWidth: 0 }), mode: 0o644 }], entry: { kind: 'bitbucket', step: 'step 1' } };
}

/** Travis CI: the `script:` phase (a `cd` into svc/ in `before_script:`), variables in `env: global:`. */
function travis(c: Commands, groups: Group[], folder: string): { files: RepoFile[]; entry: PipelineEntry } {
  const yml: Record<string, unknown> = { language: 'minimal', services: ['docker'] };
  // (the machine's docker builds with the legacy builder, which cannot export, unless DOCKER_BUILDKIT=1)
  yml['env'] = { global: ['DOCKER_BUILDKIT=1', ...c.vars.map(([n, v]) => `${n}=${shellQuote(v)}`)] };
  if (folder) yml['before_script'] = [`cd ${folder}`];
  yml['script'] = groups.map(body);
  return { files: [{ path: '.travis.yml', content: stringify(yml, { lineWidth: 0 }), mode: 0o644 }], entry: { kind: 'travis', job: 'default' } };
}

/** The job in the flavour's own file, from the groups the GitHub or GitLab renderer would have written. */
export function flavouredCi(s: RepoSpec, c: Commands, groups: Group[], folder: string): { files: RepoFile[]; entry: PipelineEntry } | null {
  switch (s.ciFlavour as CiFlavour | undefined) {
    case 'circleci':
      return circleci(s, c, groups, folder);
    case 'azure':
      return azure(s, c, groups, folder);
    case 'bitbucket':
      return bitbucket(c, groups, folder);
    case 'travis':
      return travis(c, groups, folder);
    default:
      return null;
  }
}

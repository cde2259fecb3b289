/**
 * A Bitbucket Pipelines step as --verify runs it: its `script:` items in one bash from the
 * clone (a `cd` carries on) under `set -e`, as Pipelines writes it, so the first failing line
 * ends the step (inside a multi-line item too), then `after-script:`
 * from the clone (its failures do not count; after a failed script, whose run is refused
 * anyway, it is not run). Pipes and repository or deployment variables only Bitbucket
 * has make the step one that cannot run here.
 */
import { bitbucketStepList } from '../../analyze/hosts/ci-lists.js';
import { isMap } from '../../analyze/hosts/ci-yaml.js';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { EntryStep } from '../entry.js';
import { ignoringFailure, underErrexit } from './items.js';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});

function items(list: unknown, where: string): string[] | { none: string } {
  const all = Array.isArray(list) ? list : list === undefined || list === null ? [] : [list];
  const pipe = all.find((i) => typeof i === 'object');
  if (pipe !== undefined) return { none: `${where} runs ${'pipe' in obj(pipe) ? `the pipe ${String(obj(pipe)['pipe'])}` : 'something other than a command'}, which cannot run here` };
  return all.map(String);
}

/** Bitbucket step `name` (`step N`, as the reader numbers them) of `text`, or why it cannot run here. */
export function bitbucketSteps(text: string, name: string): EntryStep[] | { none: string } {
  const doc = yaml().parseDocument(text);
  const found = isMap(doc.contents) ? bitbucketStepList(doc.contents).find((s) => s.name === name) : undefined;
  const why = (w: string) => ({ none: `bitbucket-pipelines.yml ${name} ${w}` });
  if (!found) return why('is not in the file');
  const step = obj(found.step.toJSON());
  if (step['deployment'] !== undefined) return why('is a deployment, whose variables only Bitbucket has');
  const script = items(step['script'], 'its script');
  if ('none' in script) return why(script.none);
  const after = items(step['after-script'], 'its after-script');
  if ('none' in after) return why(after.none);
  const shell = ['export BITBUCKET_CLONE_DIR="$PWD"\n', underErrexit(script), after.length > 0 ? `(\ncd "$BITBUCKET_CLONE_DIR"\n${ignoringFailure(after)})\n` : '', 'exit 0\n'].join('');
  return [{ argv: ['bash', '-c', shell], cwd: '', env: { CI: 'true' }, label: name }];
}

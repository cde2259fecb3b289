/**
 * A GitLab CI job as --verify runs it, read as the analysis reads it (src/analyze/hosts/ci-yaml.ts
 * `gitlabJobList`): `before_script` and `script` from the job, the templates it `extends:`, `<<:`
 * merges, anchors and `!reference` tags, or `default:`, in one bash under `set -eo pipefail` as
 * the runner writes it (the first failing line ends the job); then `after_script` in a shell of
 * its own from the project folder, with the job's variables and none the script set, its failures
 * not counted. `variables:` are the file's, then the templates' (in `extends:` order), then the
 * job's own. A part of the job the file does not hold (an included template), or a CI secret,
 * makes the job one that cannot run here.
 */
import { gitlabAfterScript, gitlabJobList, gitlabVariables, isMap } from '../../analyze/hosts/ci-yaml.js';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { EntryStep } from '../entry.js';

const SECRET = /\$\{?(CI_JOB_TOKEN|CI_REGISTRY_PASSWORD)\b/;

/** GitLab CI job `job` of `.gitlab-ci.yml` text as one step, or why it cannot run here. */
export function gitlabSteps(text: string, job: string): EntryStep[] | { none: string } {
  const root = yaml().parseDocument(text).contents;
  const node = isMap(root) ? root.get(job, true) : undefined;
  if (!isMap(root) || !isMap(node)) return { none: `.gitlab-ci.yml has no job ${job}` };
  const lists: Record<'before_script' | 'script' | 'after_script', string[]> = { before_script: [], script: [], after_script: [] };
  for (const key of ['before_script', 'script', 'after_script'] as const) {
    const list = key === 'after_script' ? gitlabAfterScript(root, node) : gitlabJobList(root, node, key);
    if (list.unknown) return { none: `job ${job} ${list.unknown}` };
    lists[key] = list.items.map((i) => String(i.node.value));
  }
  const vars = gitlabVariables(root, node);
  if ('unknown' in vars) return { none: `job ${job} ${vars.unknown}` };
  if ([...Object.values(vars.vars), ...lists.before_script, ...lists.script, ...lists.after_script].some((v) => SECRET.test(v))) {
    return { none: `job ${job} uses a CI secret, which only GitLab gives` };
  }
  const shell = [
    'export CI_PROJECT_DIR="$PWD"\n',
    `(\nset -eo pipefail\n${[...lists.before_script, ...lists.script].map((l) => `${l}\n`).join('')})\n`,
    '__msc_status=$?\n',
    // Not `( … ) || true`: bash ignores `set -e` inside a command whose status `||` tests.
    lists.after_script.length > 0 ? `(\ncd "$CI_PROJECT_DIR"\nset -eo pipefail\n${lists.after_script.map((l) => `${l}\n`).join('')})\n` : '',
    'exit "$__msc_status"\n',
  ].join('');
  return [{ argv: ['bash', '-c', shell], cwd: '', env: { CI: 'true', GITLAB_CI: 'true', ...vars.vars }, label: `job ${job}` }];
}

/**
 * A GitLab job's variables as the analysis reads them (src/analyze/hosts/ci-yaml.ts
 * gitlabJobVars): through `extends:`, `inherit:`, `<<:` merges and aliases; not known where a
 * matrix, `rules:`, `workflow: rules:` or an included file may set them. The builder
 * Dockerfile a job's `docker build -f $DF` names must be the one GitLab builds.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const SCRIPT = ['docker build -f $DF -t app:build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const FILES = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo root > /out/app\n',
  'alt/Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo alt > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const job = (extra: string[]) => ['build:', ...extra.map((l) => `  ${l}`), '  script:', ...SCRIPT.map((l) => `    - ${l}`)].join('\n');
const plan = (ci: string, more: Record<string, string> = {}) => planFiles({ ...FILES, '.gitlab-ci.yml': `${ci}\n`, ...more });
const outcome = (ci: string, more: Record<string, string> = {}) => plan(ci, more).setups.map((s) => [s.status, s.builderDockerfile, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const GLOBAL = 'variables:\n  DF: Dockerfile.build';

describe('a GitLab job\'s variables', () => {
  it('are read through extends:, <<: merges, aliases and inherit:', () => {
    expect(outcome(`${GLOBAL}\n.tmpl:\n  variables:\n    DF: alt/Dockerfile.build\n${job(['extends: .tmpl'])}`)).toEqual([['migrate', 'alt/Dockerfile.build']]);
    expect(outcome(`${GLOBAL}\n.common: &common\n  DF: alt/Dockerfile.build\n${job(['variables:', '  <<: *common'])}`)).toEqual([['migrate', 'alt/Dockerfile.build']]);
    expect(outcome(`${GLOBAL}\n.vars: &altvars\n  DF: alt/Dockerfile.build\n${job(['variables: *altvars'])}`)).toEqual([['migrate', 'alt/Dockerfile.build']]);
    // without the file's variables, DF is not known
    expect(outcome(`${GLOBAL}\n${job(['inherit:', '  variables: false'])}`)[0]).toContain('refused');
  });

  it('are not known where a matrix, rules: or workflow: rules: may set them', () => {
    expect(outcome(`${GLOBAL}\n${job(['parallel:', '  matrix:', '    - DF: [alt/Dockerfile.build]'])}`)[0]).toContain('refused');
    expect(outcome(`${GLOBAL}\n${job(['rules:', '  - when: always', '    variables:', '      DF: alt/Dockerfile.build'])}`)[0]).toContain('refused');
    expect(outcome(`workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH\n      variables:\n        DF: alt/Dockerfile.build\n${GLOBAL}\n${job([])}`)[0]).toContain('refused');
    expect(outcome(`${GLOBAL}\n${job([])}`)).toEqual([['migrate', 'Dockerfile.build']]);
  });

  it('are not known where the file offers them in the Run-pipeline form (description:, options:)', () => {
    const offered = (keys: string[]) => `variables:\n  DF:\n    value: Dockerfile.build\n${keys.map((k) => `    ${k}\n`).join('')}${job([])}`;
    for (const keys of [['description: Which Dockerfile builds the binary'], ['options: [Dockerfile.build, alt/Dockerfile.build]'], ['options: [Dockerfile.build, alt/Dockerfile.build]', 'description: Which Dockerfile']]) {
      const p = plan(offered(keys));
      expect(p.setups.map((s) => s.status)).toEqual(['refused']);
      expect(p.setups[0]!.diagnostics.some((d) => d.severity === 'error' && /\$DF|DF\b/.test(d.message))).toBe(true);
    }
    // the form's value wins over the job's own too
    expect(outcome(`${offered(['description: Which Dockerfile'])}\n${['  variables:', '    DF: Dockerfile.build'].join('\n')}`)[0]).toContain('refused');
    // a value written as a map without them is its value
    expect(outcome(`variables:\n  DF:\n    value: Dockerfile.build\n    expand: false\n${job([])}`)).toEqual([['migrate', 'Dockerfile.build']]);
  });

  it('are not known, nor is the job\'s before_script, where the file includes another that may set them', () => {
    const included = { 'ci/jobs.yml': 'build:\n  variables:\n    DF: alt/Dockerfile.build\n' };
    expect(outcome(`include:\n  - local: ci/jobs.yml\n${GLOBAL}\n${job(['before_script: []'])}`, included)[0]).toContain('refused');
    // the job's own value wins over an included file's
    expect(outcome(`include:\n  - local: ci/jobs.yml\n${job(['before_script: []', 'after_script: []', 'artifacts:', '  paths: [build.log]', 'image: docker:27', 'variables:', '  DF: alt/Dockerfile.build'])}`, included)).toEqual([['migrate', 'alt/Dockerfile.build']]);
    // no before_script of its own: an included default may give it one (`cd alt`)
    expect(outcome(`include:\n  - local: ci/defaults.yml\n${job(['image: docker:27', 'variables:', '  DF: Dockerfile.build'])}`, { 'ci/defaults.yml': 'default:\n  before_script: [cd alt]\n' })[0]).toContain('refused');
    // no after_script of its own: an included default may give it one, run after the script (`ls -l app`)
    const after = { 'ci/defaults.yml': 'default:\n  after_script: [ls -l app > listing.txt]\n' };
    const head = `include:\n  - local: ci/defaults.yml\n`;
    const own = ['before_script: []', 'artifacts:', '  paths: [build.log]', 'image: docker:27', 'variables:', '  DF: Dockerfile.build'];
    const refused = plan(`${head}${job(own)}`, after).setups[0]!;
    expect(refused.status).toBe('refused');
    expect(refused.diagnostics.map((d) => d.message)).toContain(".gitlab-ci.yml job build has no after_script of its own, and the file includes others, whose `default:` may give it one; it runs after the job's script, so it may use the extracted files, the builder image or the container the migration removes");
    // its own (an empty list), the file's `default:`, or none inherited decide
    expect(outcome(`${head}${job([...own, 'after_script: []'])}`, after)).toEqual([['migrate', 'Dockerfile.build']]);
    expect(outcome(`${head}default:\n  after_script: [echo done]\n${job(own)}`, after)).toEqual([['migrate', 'Dockerfile.build']]);
    expect(outcome(`${head}${job([...own, 'inherit:', '  default: false'])}`, after)).toEqual([['migrate', 'Dockerfile.build']]);
    // no artifacts: of its own: an included default may give it some, taking the whole folder (`paths: [app]`)
    const arts = { 'ci/defaults.yml': 'default:\n  artifacts:\n    paths: [app]\n' };
    const bare = ['before_script: []', 'after_script: []', 'image: docker:27', 'variables:', '  DF: Dockerfile.build'];
    const taken = plan(`${head}${job(bare)}`, arts).setups[0]!;
    expect([taken.status, ...taken.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]).toEqual(['refused', 'ARTIFACT_USED_ON_HOST']);
    expect(taken.diagnostics.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')!.message).toMatch(/^the `artifacts:` an included file's `default:` may give job build \(\.gitlab-ci\.yml:2\) reads the whole checkout/);
    expect(outcome(`${head}${job([...bare, 'artifacts:', '  paths: [build.log]'])}`, arts)).toEqual([['migrate', 'Dockerfile.build']]);
    expect(outcome(`${head}${job([...bare, 'inherit:', '  default: [before_script]'])}`, arts)).toEqual([['migrate', 'Dockerfile.build']]);
    // GitLab's own templates set no job's variables or defaults
    expect(outcome(`include:\n  - template: Security/SAST.gitlab-ci.yml\n${GLOBAL}\n${job([])}`)).toEqual([['migrate', 'Dockerfile.build']]);
  });

  it('reads a legacy docker image given through extends: as the legacy builder', () => {
    const exported = (extra: string[]) => `.docker:\n  image: docker:20.10\n${GLOBAL}\n${job(extra)}\n  artifacts:\n    paths: [app]`;
    expect(outcome(exported(['extends: .docker']))[0]).toContain('UNSUPPORTED_BUILD_FLAG');
    expect(outcome(exported([]))).toEqual([['migrate', 'Dockerfile.build']]);
  });
});

/**
 * BASH_ENV_SET (src/analyze/bash-env.ts): a bash started where BASH_ENV is set sources that file
 * first; a setup whose steps run so, by the repository's own settings, is refused.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /app\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];

const outcome = (files: Record<string, string>) =>
  planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...files }).setups.map((s) => ({ status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`) }));

const workflow = (env: string, stepEnv = '') => `on: push\n${env}jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${STEPS.map((l) => `          ${l}`).join('\n')}\n${stepEnv}`;

describe('BASH_ENV set where the steps run', () => {
  it('a workflow, job or step environment naming a file refuses; none, or an empty one, migrates', () => {
    expect(outcome({ '.github/workflows/image.yml': workflow('') })).toEqual([{ status: 'migrate', errors: [] }]);
    expect(outcome({ '.github/workflows/image.yml': workflow('env:\n  BASH_ENV: ./ci/env.sh\n') })).toEqual([{ status: 'refused', errors: ['BASH_ENV_SET .github/workflows/image.yml:10'] }]);
    expect(outcome({ '.github/workflows/image.yml': workflow('', '        env:\n          BASH_ENV: ~/.profile\n') })).toEqual([{ status: 'refused', errors: ['BASH_ENV_SET .github/workflows/image.yml:8'] }]);
    expect(outcome({ '.github/workflows/image.yml': workflow('env:\n  BASH_ENV: ""\n') })).toEqual([{ status: 'migrate', errors: [] }]);
  });
  it('GitLab variables, a make export and the script\'s own export refuse too', () => {
    const gitlab = `image-build:\n  variables:\n    BASH_ENV: ci/env.sh\n  script:\n${STEPS.map((l) => `    - ${l}`).join('\n')}\n`;
    expect(outcome({ '.gitlab-ci.yml': gitlab })[0]).toMatchObject({ status: 'refused', errors: [expect.stringMatching(/^BASH_ENV_SET \.gitlab-ci\.yml:/)] });
    const make = `SHELL := /bin/bash\nexport BASH_ENV := ci/env.sh\n\nimage:\n${STEPS.map((l) => `\t${l}`).join('\n')}\n`;
    expect(outcome({ Makefile: make })[0]).toMatchObject({ status: 'refused', errors: [expect.stringMatching(/^BASH_ENV_SET Makefile:/)] });
    expect(outcome({ 'build.sh': `#!/bin/bash\nexport BASH_ENV=ci/env.sh\n${STEPS.join('\n')}\n` })[0]).toMatchObject({ status: 'refused', errors: ['BASH_ENV_SET build.sh:3'] });
  });
  it('a caller running the script with BASH_ENV refuses the script\'s setups', () => {
    const script = `#!/bin/bash\nset -e\n${STEPS.join('\n')}\n`;
    expect(outcome({ 'build.sh': script, Makefile: 'image:\n\t./build.sh\n' })).toEqual([{ status: 'migrate', errors: [] }]);
    expect(outcome({ 'build.sh': script, Makefile: 'image:\n\tBASH_ENV=ci/env.sh ./build.sh\n' })).toEqual([{ status: 'refused', errors: ['BASH_ENV_SET build.sh:1'] }]);
    expect(outcome({ 'build.sh': script, 'ci.sh': '#!/bin/sh\nenv BASH_ENV="$HOME/.env" bash build.sh\n' })).toEqual([{ status: 'refused', errors: ['BASH_ENV_SET build.sh:1'] }]);
  });
});

/**
 * Travis CI, CircleCI, Azure Pipelines and Bitbucket Pipelines: where each runs its shell
 * (one shell per job or per step, which folder, which variables), and the steps each does not
 * read as shell.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';

type Plan = ReturnType<typeof planFiles>;
const statuses = (plan: Plan) => plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const codes = (plan: Plan) => [...plan.diagnostics, ...plan.setups.flatMap((s) => s.diagnostics)].map((d) => `${d.severity}:${d.code}`);

describe('Travis CI', () => {
  it('the phases run in one shell: a cd in before_script holds in script', () => {
    const ci = `language: minimal\nbefore_script:\n  - cd svc\nscript:\n  - docker build -t app:build -f Dockerfile.build .\n  - docker create --name x app:build\n  - docker cp x:/out/app app\n  - docker rm x\n  - docker build -t app .\n`;
    const files = { 'svc/Dockerfile.build': BUILDER, 'svc/Dockerfile': RUNTIME, '.travis.yml': ci };
    const plan = planFiles(files);
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files, plan)['.travis.yml']).toBe(`language: minimal\nbefore_script:\n  - cd svc\nscript:\n  - docker build -t app .\n`);
  });

  const pattern = (env: string) => `${env}script:\n  - docker build -t app:build -f Dockerfile.$KIND .\n  - docker create --name x app:build\n  - docker cp x:/out/app app\n  - docker rm x\n  - docker build -t app .\n`;
  const files = (ci: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.travis.yml': ci });

  it('os: windows (Git Bash) is not read', () => {
    const plan = planFiles(files(`os: windows\n${pattern('env:\n  global:\n    - KIND=build\n')}`));
    expect(plan.setups).toEqual([]);
    expect(codes(plan)).toContain('warning:SHELL_NOT_READ');
  });

  it('env: global values are known', () => {
    expect(statuses(planFiles(files(pattern('env:\n  global:\n    - KIND=build\n'))))).toEqual([['migrate', []]]);
  });

  it('a name the env matrix sets per job is not a known value', () => {
    const plan = planFiles(files(pattern('env:\n  - KIND=build\n  - KIND=debug\n')));
    expect(plan.changes).toEqual([]);
    expect(plan.setups.map((s) => s.status)).not.toContain('migrate');
  });
});

describe('Travis CI: YAML merges', () => {
  it('a job merging the setup\'s job (`- <<: *build`) runs its script too: the file is refused (SHELL_NOT_READ)', () => {
    const setup = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .'];
    const ci = (more: string[]) => ['language: minimal', 'jobs:', '  include:', '    - &build', '      name: build', '      script:', ...setup.map((c) => `        - ${c}`), ...more, ''].join('\n');
    const files = (text: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.travis.yml': text });
    const merged = planFiles(files(ci(['    - <<: *build', '      name: release', '      deploy:', '        provider: script', '        skip_cleanup: true', '        script: sha256sum app'])));
    expect(statuses(merged)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(merged.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')).toMatchObject({ file: '.travis.yml', line: 12, message: expect.stringContaining('reuses a map through YAML (`<<: *build`, line 12)') });
    expect(statuses(planFiles(files(ci(['    - *build']))))).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(statuses(planFiles(files(ci([]))))).toEqual([['migrate', []]]);
  });

  it('`import:` merges other configs in, which the tool does not read: the file is refused (SHELL_NOT_READ)', () => {
    const setup = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .'];
    const ci = (more: string[]) => ['language: minimal', ...more, 'script:', ...setup.map((c) => `  - ${c}`), ''].join('\n');
    const files = (text: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.travis.yml': text, 'ci/release.yml': 'deploy:\n  provider: script\n  skip_cleanup: true\n  script: sha256sum app\n' });
    const plan = planFiles(files(ci(['import:', '  - source: ci/release.yml'])));
    expect(statuses(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')).toMatchObject({ file: '.travis.yml', line: 2, message: expect.stringContaining('imports other build configs (`import:`, line 2)') });
    expect(statuses(planFiles(files(ci([]))))).toEqual([['migrate', []]]);
  });
});

describe('CircleCI', () => {
  const job = (steps: string, extra = '') => `version: 2.1\njobs:\n  image:\n    machine: true\n${extra}    steps:\n      - checkout\n${steps}`;
  const pattern = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .'];

  it("a step's working_directory is relative to the job's, where checkout put the repository", () => {
    const ci = job(`      - run:\n          working_directory: svc\n          command: |\n${pattern.map((l) => `            ${l}`).join('\n')}\n`, '    working_directory: ~/repo\n');
    const files = { 'svc/Dockerfile.build': BUILDER, 'svc/Dockerfile': RUNTIME, '.circleci/config.yml': ci };
    const plan = planFiles(files);
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files, plan)['.circleci/config.yml']).toContain('            docker build -t app .\n');
  });

  it('a command with << parameters >> is not read as a here-document; a setup in its job is refused', () => {
    const ci = job(`      - run: |\n${pattern.map((l) => `          ${l}`).join('\n')}\n      - run: docker push app:<< parameters.tag >>\n`);
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.circleci/config.yml': ci });
    expect(statuses(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
  });

  it('a Windows executor runs PowerShell: not read', () => {
    const ci = `version: 2.1\norbs:\n  win: circleci/windows@5\njobs:\n  image:\n    executor: win/default\n    steps:\n      - run: |\n${pattern.map((l) => `          ${l}`).join('\n')}\n`;
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.circleci/config.yml': ci });
    expect(plan.setups).toEqual([]);
    expect(codes(plan)).toContain('warning:SHELL_NOT_READ');
  });
});

describe('Azure Pipelines', () => {
  const steps = (kind: string, pool = 'pool:\n  vmImage: ubuntu-22.04\n', more = '') =>
    `${pool}variables:\n  img: acme/app\nsteps:\n  - ${kind}: |\n      docker build -t $(img):build -f Dockerfile.build .\n      docker create --name x $(img):build\n      docker cp x:/out/app app\n      docker rm x\n      docker build -t $(img) .\n${more}`;
  const files = (ci: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'azure-pipelines.yml': ci });

  it('$(name) macros take their value from variables:', () => {
    const plan = planFiles(files(steps('bash')));
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files(steps('bash')), plan)['azure-pipelines.yml']).toContain('  - bash: |\n      docker build -t $(img) .\n');
  });

  it('script: on a Windows agent is cmd.exe: not read', () => {
    const plan = planFiles(files(steps('script', 'pool:\n  vmImage: windows-2022\n')));
    expect(plan.setups).toEqual([]);
    expect(codes(plan)).toContain('warning:SHELL_NOT_READ');
  });

  it('script: on an agent whose OS is not known is not read', () => {
    const plan = planFiles(files(steps('script', 'pool: build-agents\n')));
    expect(plan.setups).toEqual([]);
  });

  it('steps a template or a template expression inserts are not read: the job is refused (SHELL_NOT_READ)', () => {
    const template = planFiles({ ...files(steps('bash', undefined, '  - template: ci/publish-steps.yml\n')), 'ci/publish-steps.yml': 'steps:\n  - publish: app\n' });
    expect(statuses(template)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(template.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')).toMatchObject({ file: 'azure-pipelines.yml', line: 12, message: expect.stringContaining('step 2 inserts the steps of the template ci/publish-steps.yml') });
    const inserted = planFiles(files(steps('bash', undefined, "  - ${{ if eq(variables['Build.SourceBranchName'], 'main') }}:\n    - bash: ./app --selftest\n")));
    expect(statuses(inserted)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(inserted.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')!.line).toBe(12);
  });

  it('a variable a conditional insertion or a matrix leg sets has no one value', () => {
    const copy = (vars: string, job = '') => `pool:\n  vmImage: ubuntu-22.04\n${vars}${job}steps:\n  - bash: |\n      docker build -t app:build -f Dockerfile.build .\n      docker create --name x app:build\n      docker cp x:$(BIN) app\n      docker rm x\n      docker build -t app .\n`;
    const insertion = "variables:\n  BIN: /out/app\n  ${{ if eq(variables['Build.SourceBranchName'], 'main') }}:\n    BIN: /out/app-release\n";
    expect(statuses(planFiles(files(copy(insertion))))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    const listed = "variables:\n  - name: BIN\n    value: /out/app\n  - ${{ if eq(variables['Build.SourceBranchName'], 'main') }}:\n    - name: BIN\n      value: /out/app-release\n";
    expect(statuses(planFiles(files(copy(listed))))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    const matrix = (legs: string) => `variables:\n  BIN: /out/app\njobs:\n  - job: image\n    pool:\n      vmImage: ubuntu-22.04\n    strategy:\n      matrix:\n${legs}    steps:\n      - bash: |\n          docker build -t app:build -f Dockerfile.build .\n          docker create --name x app:build\n          docker cp x:$(BIN) app\n          docker rm x\n          docker build -t app .\n`;
    expect(statuses(planFiles(files(matrix('        release:\n          BIN: /out/app\n        debug:\n          BIN: /out/app-debug\n'))))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    // a matrix setting other names leaves BIN its value
    expect(statuses(planFiles(files(matrix('        a:\n          GOOS: linux\n        b:\n          GOOS: darwin\n'))))).toEqual([['migrate', []]]);
    expect(statuses(planFiles(files(copy('variables:\n  BIN: /out/app\n'))))).toEqual([['migrate', []]]);
  });

  it('retryCountOnTaskFailure on the builder build\'s step and not the runtime build\'s (or the reverse) refuses (SCRIPT_EDIT_UNSAFE)', () => {
    const split = (compile: string, image: string) => `pool:\n  vmImage: ubuntu-22.04\nsteps:\n  - bash: docker build -t app:build -f Dockerfile.build .\n${compile}  - bash: |\n      docker create --name x app:build\n      docker cp x:/out/app app\n      docker rm x\n      docker build -t app .\n${image}`;
    const retry = '    retryCountOnTaskFailure: 3\n';
    const plan = planFiles(files(split(retry, '')));
    expect(statuses(plan)).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'SCRIPT_EDIT_UNSAFE')).toMatchObject({ file: 'azure-pipelines.yml', line: 7, message: expect.stringContaining('retryCountOnTaskFailure: 3') });
    expect(statuses(planFiles(files(split('', retry))))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(statuses(planFiles(files(split(retry, retry))))).toEqual([['migrate', []]]);
  });

  for (const [what, more] of [
    ['a Windows PowerShell task from a file', '  - task: PowerShell@2\n    inputs:\n      filePath: ci/test.ps1\n      arguments: docker\n'],
    ['a Docker task', '  - task: Docker@2\n    inputs:\n      command: push\n      repository: acme/app\n'],
  ]) {
    it(`${what} in the same job refuses the setup`, () => {
      expect(statuses(planFiles(files(steps('bash', undefined, more))))).toEqual([['refused', ['SHELL_NOT_READ']]]);
    });
  }
});

describe('Bitbucket Pipelines', () => {
  it('each step is its own machine: a builder in one step and the runtime build in the next are not one setup', () => {
    const ci = `pipelines:\n  default:\n    - step:\n        script:\n          - docker build -t app:build -f Dockerfile.build .\n          - docker create --name x app:build\n          - docker cp x:/out/app app\n          - docker rm x\n    - step:\n        script:\n          - docker build -t app .\n`;
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'bitbucket-pipelines.yml': ci });
    expect(plan.changes).toEqual([]);
    expect(plan.setups.some((s) => s.status === 'migrate')).toBe(false);
  });

  it('steps in parallel blocks and branch pipelines are read', () => {
    const ci = `pipelines:\n  branches:\n    main:\n      - parallel:\n          - step:\n              script:\n                - echo lint\n          - step:\n              script:\n                - docker build -t app:build -f Dockerfile.build .\n                - docker create --name x app:build\n                - docker cp x:/out/app app\n                - docker rm x\n                - docker build -t app .\n`;
    const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'bitbucket-pipelines.yml': ci };
    const plan = planFiles(files);
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files, plan)['bitbucket-pipelines.yml']).toContain('                - echo lint\n          - step:\n              script:\n                - docker build -t app .\n');
  });

  it('a step merging the setup\'s step (`<<: *build`) runs its script too: the file is refused (SHELL_NOT_READ)', () => {
    const setup = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .'];
    const ci = (main: string[]) => ['pipelines:', '  default:', '    - step: &build', '        name: Build', '        script:', ...setup.map((c) => `          - ${c}`), '  branches:', '    main:', ...main, ''].join('\n');
    const files = (text: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'bitbucket-pipelines.yml': text });
    const merged = planFiles(files(ci(['      - step:', '          <<: *build', '          artifacts: [app]', '      - step:', '          script:', '            - ./app --version'])));
    expect(statuses(merged)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(merged.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')).toMatchObject({ file: 'bitbucket-pipelines.yml', line: 14, message: expect.stringContaining('reuses a map through YAML (`<<: *build`, line 14)') });
    // the whole step as an alias
    expect(statuses(planFiles(files(ci(['      - step: *build']))))).toEqual([['refused', ['SHELL_NOT_READ']]]);
    // an alias of a command string is read where its anchor writes it
    const strings = planFiles(files(ci(['      - step:', '          script:', '            - &hello echo hello', '            - *hello'])));
    expect(statuses(strings)).toEqual([['migrate', []]]);
  });
});

/**
 * Azure Pipelines: the steps and jobs read beyond `bash:`/`script:` steps of ordinary jobs:
 * `Bash@3`/`CmdLine@2` inline scripts, variables an earlier step sets by a logging command,
 * deployment jobs' hooks, Docker tasks that build the runtime Dockerfile, and jobs on the
 * project's own agents, which may find the files an earlier job left.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applied, planDir, planFiles } from '../support/plan.js';

const BUILDER = 'FROM busybox:latest\nARG FLAVOR=release\nRUN mkdir -p /out && echo $FLAVOR > /out/app && echo debug > /out/app-debug\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const files = (ci: string, more: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'azure-pipelines.yml': ci, ...more });
type Plan = ReturnType<typeof planFiles>;
const statuses = (plan: Plan) => plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const exported = (ci: string) => {
  const f = files(ci);
  const plan = planFiles(f);
  expect(statuses(plan)).toEqual([['migrate', []]]);
  return applied(f, plan)['Dockerfile']!.includes('AS export');
};

const SETUP = (copy = '/out/app', indent = '      ') =>
  ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', `docker cp x:${copy} app`, 'docker rm x', 'docker build -t app:latest .'].map((l) => `${indent}${l}\n`).join('');

describe('Azure Pipelines: Bash@3 and CmdLine@2 inline scripts', () => {
  const after = (step: string) => `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - bash: |\n${SETUP()}${step}`;

  it('a Bash@3 inline script after the setup that runs the artifact keeps it on the host', () => {
    expect(exported(after('  - task: Bash@3\n    inputs:\n      targetType: inline\n      script: ./app --selftest\n'))).toBe(true);
  });

  it('a CmdLine@2 script after the setup that reads the artifact keeps it on the host', () => {
    expect(exported(after('  - task: CmdLine@2\n    inputs:\n      script: sha256sum app > app.sha256\n'))).toBe(true);
  });

  it('is read in its workingDirectory input', () => {
    expect(exported(after('  - task: Bash@3\n    inputs:\n      targetType: inline\n      workingDirectory: docs\n      script: ls app\n'))).toBe(false);
    expect(exported(after('  - task: Bash@3\n    inputs:\n      targetType: inline\n      workingDirectory: $(Build.SourcesDirectory)\n      script: ls app\n'))).toBe(true);
  });

  it('a setup in a Bash@3 inline script is read and migrated', () => {
    const ci = `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - task: Bash@3\n    inputs:\n      targetType: inline\n      script: |\n${SETUP('/out/app', '        ')}`;
    const plan = planFiles(files(ci));
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files(ci), plan)['azure-pipelines.yml']).toBe(`pool:\n  vmImage: ubuntu-latest\nsteps:\n  - task: Bash@3\n    inputs:\n      targetType: inline\n      script: |\n        docker build -t app:latest .\n`);
  });
});

describe('Azure Pipelines: ##vso[task.setvariable] in an earlier step', () => {
  const ci = (first: string) => `pool:\n  vmImage: ubuntu-latest\nvariables:\n  BIN: /out/app\nsteps:\n${first}  - bash: |\n${SETUP('$(BIN)')}`;

  it('a bash: step setting the variable the setup reads leaves it only known at run time', () => {
    expect(statuses(planFiles(files(ci('  - bash: echo "##vso[task.setvariable variable=BIN]/out/app-debug"\n'))))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    // (the name is case-insensitive)
    expect(statuses(planFiles(files(ci('  - bash: echo "##vso[task.setvariable variable=bin]/out/app-debug"\n'))))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
  });

  it('so does a Bash@3 task, and a name the tool cannot read', () => {
    expect(statuses(planFiles(files(ci('  - task: Bash@3\n    inputs:\n      targetType: inline\n      script: echo "##vso[task.setvariable variable=BIN]/out/app-debug"\n'))))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(statuses(planFiles(files(ci('  - bash: echo "##vso[task.setvariable variable=$NAME]/out/app-debug"\n'))))[0]![1]).toContain('DYNAMIC_ARTIFACT_PATH');
  });

  it('a variable of another name, or a step after the setup, changes nothing', () => {
    expect(statuses(planFiles(files(ci('  - bash: echo "##vso[task.setvariable variable=VERSION]1.2"\n'))))).toEqual([['migrate', []]]);
    expect(statuses(planFiles(files(`${ci('')}  - bash: echo "##vso[task.setvariable variable=BIN]/out/app-debug"\n`)))).toEqual([['migrate', []]]);
  });
});

describe('Azure Pipelines: variables a repository script or a task sets', () => {
  const ci = (first: string, copy = '$(BIN)') => `pool:\n  vmImage: ubuntu-latest\nvariables:\n  BIN: /out/app\nsteps:\n${first}  - bash: |\n${SETUP(copy)}`;
  const SETS = (name: string) => ({ 'ci/set.sh': `#!/bin/bash\necho "##vso[task.setvariable variable=${name}]/out/app-debug"\n` });
  const outcome = (first: string, more: Record<string, string> = SETS('BIN'), copy?: string) => statuses(planFiles(files(ci(first, copy), more)));

  it('a script a step runs that sets the variable the setup reads leaves it only known at run time', () => {
    expect(outcome('  - script: ./ci/set.sh\n')).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome('  - bash: bash ci/set.sh\n', SETS('bin'), '$BIN')).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome('  - task: Bash@3\n    inputs:\n      filePath: $(System.DefaultWorkingDirectory)/ci/set.sh\n')).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome('  - task: AzureCLI@2\n    inputs:\n      azureSubscription: sub\n      scriptType: bash\n      scriptPath: ci/set.sh\n')).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    // (a PowerShell file a task runs: searched for the line)
    expect(outcome('  - task: PowerShell@2\n    inputs:\n      filePath: ci/set.ps1\n', { 'ci/set.ps1': 'Write-Host "##vso[task.setvariable variable=BIN]/out/app-debug"\n' })).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome('  - task: PowerShell@2\n    inputs:\n      filePath: ci/set.ps1\n', { 'ci/set.ps1': 'Write-Host "##vso[task.setvariable variable=VERSION]1"\n' })).toEqual([['migrate', []]]);
    // (a script it runs in turn, and a name the tool cannot read)
    expect(outcome('  - bash: ./ci/outer.sh\n', { 'ci/outer.sh': 'ci/set.sh\n', ...SETS('BIN') })).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome('  - bash: ./ci/set.sh\n', SETS('$NAME'))[0]![1]).toContain('DYNAMIC_ARTIFACT_PATH');
  });

  it('a script setting another name, or one that sets none, changes nothing', () => {
    expect(outcome('  - script: ./ci/set.sh\n', SETS('VERSION'))).toEqual([['migrate', []]]);
    expect(outcome('  - task: Bash@3\n    inputs:\n      filePath: ci/set.sh\n', { 'ci/set.sh': 'echo hello\n' })).toEqual([['migrate', []]]);
  });

  it("an Azure Key Vault task sets its secrets: every name with the filter '*' (the default), the names listed otherwise", () => {
    const vault = (filter: string) => `  - task: AzureKeyVault@2\n    inputs:\n      azureSubscription: sub\n      KeyVaultName: kv\n${filter}`;
    expect(outcome(vault("      SecretsFilter: '*'\n"))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome(vault(''))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome(vault('      secretsFilter: token, BIN\n'))).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH']]]);
    expect(outcome(vault('      secretsFilter: token,password\n'))).toEqual([['migrate', []]]);
  });
});

const TWO_JOBS = (second: string) =>
  `jobs:\n  - job: build\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - bash: |\n${SETUP('/out/app', '          ')}      - publish: app\n        artifact: bin\n${second}`;

describe('Azure Pipelines: deployment jobs', () => {
  it("each hook's steps are read as a job: a rebuild there with the builder's build argument refuses (RUNTIME_REBUILT)", () => {
    const deploy = (hook: string) => `  - deployment: release\n    dependsOn: build\n    environment: prod\n    pool:\n      vmImage: ubuntu-latest\n    strategy:\n      runOnce:\n        ${hook}:\n          steps:\n            - download: current\n              artifact: bin\n            - bash: docker build --build-arg FLAVOR=debug -t app:debug .\n`;
    const plan = planFiles(files(TWO_JOBS(deploy('deploy'))));
    expect(statuses(plan)).toEqual([['refused', ['RUNTIME_REBUILT']]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'RUNTIME_REBUILT')).toMatchObject({ file: 'azure-pipelines.yml', line: 25 });
    expect(statuses(planFiles(files(TWO_JOBS(deploy('preDeploy')))))).toEqual([['refused', ['RUNTIME_REBUILT']]]);
  });

  it('a setup in a deployment hook is found', () => {
    const ci = `jobs:\n  - deployment: release\n    environment: prod\n    pool:\n      vmImage: ubuntu-latest\n    strategy:\n      runOnce:\n        deploy:\n          steps:\n            - checkout: self\n            - bash: |\n${SETUP('/out/app', '                ')}`;
    expect(statuses(planFiles(files(ci)))).toEqual([['migrate', []]]);
  });
});

describe('Azure Pipelines: Docker tasks', () => {
  const image = (inputs: string) => `  - job: image\n    dependsOn: build\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - download: current\n        artifact: bin\n      - task: Docker@2\n        inputs:\n${inputs}`;

  it('a Docker@2 build of the runtime Dockerfile in another job refuses (RUNTIME_REBUILT)', () => {
    const plan = planFiles(files(TWO_JOBS(image('          command: build\n          Dockerfile: Dockerfile\n          arguments: --build-arg FLAVOR=debug\n'))));
    expect(statuses(plan)).toEqual([['refused', ['RUNTIME_REBUILT']]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'RUNTIME_REBUILT')!.message).toContain('`task: Docker@2`');
    // buildAndPush is the default command, **/Dockerfile the default file
    expect(statuses(planFiles(files(TWO_JOBS(image('          repository: acme/app\n')))))).toEqual([['refused', ['RUNTIME_REBUILT']]]);
  });

  it('a push, or a build of another Dockerfile, changes nothing', () => {
    expect(statuses(planFiles(files(TWO_JOBS(image('          command: push\n          repository: acme/app\n')))))).toEqual([['migrate', []]]);
    expect(statuses(planFiles({ ...files(TWO_JOBS(image('          command: build\n          Dockerfile: docs/Dockerfile\n'))), 'docs/Dockerfile': 'FROM nginx\n' }))).toEqual([['migrate', []]]);
  });
});

describe("Azure Pipelines: jobs on the project's own agents", () => {
  const ci = (pool: string, checkout = '      - checkout: self\n        clean: false\n', workspace = '') =>
    `jobs:\n  - job: build\n    pool: ${pool}\n${workspace}    steps:\n${checkout}      - bash: |\n${SETUP('/out/app', '          ')}  - job: smoke\n    dependsOn: build\n    pool: ${pool}\n${workspace}    steps:\n${checkout}      - bash: ./app --selftest\n`;

  it('a later job on a self-hosted pool that does not clean may read the artifact the setup left: it stays on the host', () => {
    expect(exported(ci('linux-selfhosted'))).toBe(true);
    expect(exported(ci('\n      name: linux-selfhosted', ''))).toBe(true);
  });

  it('Microsoft-hosted agents, or a clean workspace, start afresh', () => {
    expect(exported(ci('\n      vmImage: ubuntu-latest'))).toBe(false);
    expect(exported(ci('linux-selfhosted', '      - checkout: self\n        clean: true\n'))).toBe(false);
    expect(exported(ci('linux-selfhosted', '', '    workspace:\n      clean: all\n'))).toBe(false);
  });

  it('jobs a template inserts may run in that folder: refused (SHELL_NOT_READ), on a hosted pool not', () => {
    const withTemplate = (pool: string) => `${ci(pool)}  - template: ci/jobs.yml\n`;
    const plan = planFiles(files(withTemplate('linux-selfhosted'), { 'ci/jobs.yml': 'jobs:\n  - job: t\n    steps:\n      - bash: ./app\n' }));
    expect(statuses(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')!.message).toContain('template ci/jobs.yml');
    expect(statuses(planFiles(files(withTemplate('\n      vmImage: ubuntu-latest'), { 'ci/jobs.yml': 'jobs:\n  - job: t\n    steps:\n      - bash: ./app\n' })))).toEqual([['migrate', []]]);
  });
});

describe('Azure Pipelines: Docker tasks in a job template', () => {
  it('a Docker@2 build of the runtime Dockerfile in a template file refuses (RUNTIME_REBUILT)', () => {
    const ci = `jobs:\n  - job: build\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - bash: |\n${SETUP('/out/app', '          ')}      - publish: app\n        artifact: bin\n  - template: ci/image-job.yml\n`;
    const template = 'jobs:\n  - job: image\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - task: Docker@2\n        inputs:\n          command: build\n          arguments: --build-arg FLAVOR=debug\n';
    // (planned from a folder, as the CLI walks it: the template is a file no reader takes as a pipeline)
    const dir = mkdtempSync(path.join(tmpdir(), 'azure-template-'));
    for (const [rel, text] of Object.entries(files(ci, { 'ci/image-job.yml': template }))) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    const plan = planDir(dir);
    expect(statuses(plan)).toEqual([['refused', ['RUNTIME_REBUILT']]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'RUNTIME_REBUILT')).toMatchObject({ file: 'ci/image-job.yml', line: 6 });
  });
});

describe('Azure Pipelines: Bash@3 from a file', () => {
  it('its arguments: naming the artifact keep it on the host', () => {
    const ci = `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - bash: |\n${SETUP()}  - task: Bash@3\n    inputs:\n      filePath: ci/upload.sh\n      arguments: app\n`;
    const f = files(ci, { 'ci/upload.sh': '#!/bin/sh\ncurl -T "$1" https://example.invalid/\n' });
    const plan = planFiles(f);
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(f, plan)['Dockerfile']).toContain('AS export');
  });
});

describe('Azure Pipelines: Docker@2 tasks naming the builder image', () => {
  const ci = (repository: string, tags: string) => `pool:\n  name: Default\njobs:\n  - job: build\n    steps:\n      - bash: |\n${SETUP('/out/app', '          ')}  - job: cache\n    dependsOn: build\n    steps:\n      - task: Docker@2\n        inputs:\n          command: push\n          repository: ${repository}\n          tags: ${tags}\n`;

  it('`repository: app` with `tags: build` pushes the builder image app:build: the builder build stays', () => {
    const f = files(ci('app', '|\n            $(Build.BuildId)\n            build'));
    const plan = planFiles(f);
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(f, plan)['azure-pipelines.yml']).toContain('docker build --target builder -t app:build -f Dockerfile .');
  });

  it('another repository or tag leaves the builder build to go', () => {
    for (const [repository, tags] of [['app', 'latest'], ['other', 'build']] as const) {
      const f = files(ci(repository, tags));
      const plan = planFiles(f);
      expect(statuses(plan)).toEqual([['migrate', []]]);
      expect(applied(f, plan)['azure-pipelines.yml']).not.toContain('--target builder');
    }
  });
});

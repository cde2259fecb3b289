/**
 * An artifact the host still uses after the build, in a GitHub Actions or GitLab CI job or a
 * JS build script: the export build takes the extraction's place, written as that step or
 * call is written (a `run:` block's line, a `script:` item, a JS string, an argv array), and
 * the checks of the shell path hold there too (the folder it writes into, the environment it
 * runs in, where its flags' values come from).
 */
import { describe, expect, it } from 'vitest';
import { yaml } from '../../src/analyze/hosts/yaml-module.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nARG VERSION=dev\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BASE = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' };

const errors = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

function migrated(files: Record<string, string>, file: string): string {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`))).toEqual([[]]);
  expect(plan.setups[0]!.status).toBe('migrate');
  expect(applied(all, plan)['Dockerfile']).toMatch(/^FROM scratch AS export\nCOPY --from=builder \/out\/app \/app\n/m);
  return applied(all, plan)[file]!;
}

const workflow = (steps: string, job = '') =>
  ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', job, '    steps:', '      - uses: actions/checkout@v4', steps].filter(Boolean).join('\n') + '\n';

describe('GitHub Actions steps', () => {
  const steps = (extractEnv = '', builderEnv = '') =>
    [
      '      - name: Builder',
      builderEnv,
      '        run: docker build -t app:build --build-arg VERSION=1.2 -f Dockerfile.build .',
      '      # Take the binary out.',
      '      - name: Extract',
      extractEnv,
      '        run: |',
      '          docker create --name x app:build',
      '          docker cp x:/out/app ./app',
      '          docker rm x',
      '      - run: docker build -t app:latest .',
      '      - run: sha256sum app > app.sha256',
    ]
      .filter(Boolean)
      .join('\n');

  it('writes the export build into the extraction step, the comment and step name kept, the builder flags carried', () => {
    const after = migrated({ '.github/workflows/ci.yml': workflow(steps()) }, '.github/workflows/ci.yml');
    expect(after).toBe(
      workflow(
        [
          '      # Take the binary out.',
          '      - name: Extract',
          '        run: |',
          '          docker build --target export --output type=local,dest=. -f Dockerfile --build-arg VERSION=1.2 .',
          '      - run: docker build --build-arg VERSION=1.2 -t app:latest .',
          '      - run: sha256sum app > app.sha256',
        ].join('\n'),
      ),
    );
    const doc = yaml().parse(after);
    expect(doc.jobs.image.steps[1].run).toBe('docker build --target export --output type=local,dest=. -f Dockerfile --build-arg VERSION=1.2 .\n');
  });

  it('writes paths from the step\'s working-directory', () => {
    const files = {
      'svc/Dockerfile.build': BUILDER,
      'svc/Dockerfile': RUNTIME,
      'svc/main.go': 'package main\n',
      '.github/workflows/ci.yml': workflow(
        [
          '      - run: docker build -t app:build -f Dockerfile.build .',
          '        working-directory: svc',
          '      - run: docker create --name x app:build && docker cp x:/out/app ./app && docker rm x',
          '        working-directory: svc',
          '      - run: docker build -t app:latest svc',
          '      - run: sha256sum svc/app',
        ].join('\n'),
      ),
    };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error'))).toEqual([[]]);
    const after = applied(files, plan)['.github/workflows/ci.yml']!;
    expect(after).toContain('      - run: docker build --target export --output type=local,dest=. -f Dockerfile .\n        working-directory: svc\n');
  });

  it('refuses when the extraction step runs with the legacy builder', () => {
    expect(errors({ '.github/workflows/ci.yml': workflow(steps('        env:\n          DOCKER_BUILDKIT: "0"')) })).toEqual([['UNSUPPORTED_BUILD_FLAG']]);
  });

  it('refuses when another platform is set where the export build runs', () => {
    expect(errors({ '.github/workflows/ci.yml': workflow(steps('        env:\n          DOCKER_DEFAULT_PLATFORM: linux/arm64')) })).toEqual([['FLAG_CONFLICT']]);
  });

  it('refuses when a carried flag reads a variable the extraction step gives another value', () => {
    const s = steps('        env:\n          VERSION: "2.0"', '        env:\n          VERSION: "1.2"').replace('--build-arg VERSION=1.2', '--build-arg VERSION=$VERSION');
    const found = errors({ '.github/workflows/ci.yml': workflow(s, '    env:\n      VERSION: "1.2"') });
    expect(found).toEqual([['FLAG_CONFLICT']]);
  });

  it('refuses when the folder the export writes into is made in another job only', () => {
    const wf = [
      'on: push',
      'jobs:',
      '  prepare:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: mkdir -p out',
      '  image:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: docker build -t app:build -f Dockerfile.build .',
      '      - run: docker create --name x app:build && docker cp x:/out/app out/app && docker rm x',
      '      - run: docker build -t app:latest .',
      '      - run: sha256sum out/app',
      '',
    ].join('\n');
    const found = errors({ '.github/workflows/ci.yml': wf, Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n' });
    expect(found.flat()).toContain('ARTIFACT_USED_ON_HOST');
  });
});

describe('GitLab CI script items', () => {
  it('writes the export build as the item it replaces, in that item\'s quoting', () => {
    const ci = (items: string[]) => ['stages: [build]', 'img:', '  stage: build', '  script:', ...items.map((i) => `    - ${i}`), ''].join('\n');
    const after = migrated(
      { '.gitlab-ci.yml': ci(['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', '"docker rm x"', 'docker build -t app:latest .', 'tar -cf app.tar app']) },
      '.gitlab-ci.yml',
    );
    expect(after).toBe(ci(['"docker build --target export --output type=local,dest=. -f Dockerfile ."', 'docker build -t app:latest .', 'tar -cf app.tar app']));
  });
});

describe('JavaScript build scripts', () => {
  const js = (calls: string[]) => ["import { execSync, spawnSync } from 'node:child_process';", "const tag = 'app';", ...calls, ''].join('\n');

  it('writes an argv array as an argv array, carried flags as literals', () => {
    const after = migrated(
      {
        'build.mjs': js([
          "spawnSync('docker', ['build', '-t', `${tag}:build`, '--build-arg', 'VERSION=1.2', '-f', 'Dockerfile.build', '.'], { stdio: 'inherit' });",
          "spawnSync('docker', ['create', '--name', 'x', `${tag}:build`]);",
          "spawnSync('docker', ['cp', 'x:/out/app', './app']);",
          "spawnSync('docker', ['rm', 'x'], { stdio: 'inherit' });",
          "spawnSync('docker', ['build', '-t', `${tag}:latest`, '.'], { stdio: 'inherit' });",
          "execSync('sha256sum app > app.sha256');",
        ]),
      },
      'build.mjs',
    );
    expect(after).toBe(
      js([
        "spawnSync('docker', ['build', '--target', 'export', '--output', 'type=local,dest=.', '-f', 'Dockerfile', '--build-arg', 'VERSION=1.2', '.'], { stdio: 'inherit' });",
        "spawnSync('docker', ['build', '--build-arg', 'VERSION=1.2', '-t', `${tag}:latest`, '.'], { stdio: 'inherit' });",
        "execSync('sha256sum app > app.sha256');",
      ]),
    );
  });

  it('writes a shell string in its own quotes, a flag from another call by its value', () => {
    const after = migrated(
      {
        'build.mjs': js([
          'execSync(`docker build -t ${tag}:build --build-arg "VERSION=1 2" -f Dockerfile.build .`);',
          'execSync("docker create --name x app:build && docker cp x:/out/app \'./app\' && docker rm x");',
          "execSync(`docker build -t ${tag}:latest .`, { stdio: 'inherit' });",
          "execSync('cp app release/');",
        ]),
        'release/.keep': '',
      },
      'build.mjs',
    );
    expect(after).toBe(
      js(['execSync("docker build --target export --output type=local,dest=. -f Dockerfile --build-arg \'VERSION=1 2\' .");', "execSync(`docker build --build-arg \"VERSION=1 2\" -t ${tag}:latest .`, { stdio: 'inherit' });", "execSync('cp app release/');"]),
    );
  });

  it('refuses to carry a flag only known when another call runs into the export build', () => {
    const plan = planFiles({
      ...BASE,
      'build.mjs': js([
        'execSync(`docker build -t app:build --build-arg VERSION=${process.env.V} -f Dockerfile.build .`);',
        "spawnSync('docker', ['create', '--name', 'x', 'app:build']);",
        "spawnSync('docker', ['cp', 'x:/out/app', './app']);",
        "spawnSync('docker', ['rm', 'x']);",
        'execSync(`docker build -t app:latest .`);',
        "execSync('sha256sum app');",
      ]),
    });
    const found = plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`));
    expect(found).toContainEqual(expect.stringMatching(/^SCRIPT_EDIT_UNSAFE: the export build cannot be written in place of `docker rm x`: VERSION=\$\{process\.env\.V\} is only known when build.mjs:3 runs/));
    expect(plan.changes).toEqual([]);
  });
});

describe('shell scripts', () => {
  it('refuses when the builder build had a platform only it saw, not the final build', () => {
    const sh = ['#!/bin/sh', 'set -e', 'DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'sha256sum app', ''].join('\n');
    const plan = planFiles({ ...BASE, 'build.sh': sh });
    // Once, for the final build: the export build would be given the builder build's platform.
    expect(plan.setups.map((x) => x.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line]))).toEqual([[['FLAG_CONFLICT', 3]]]);
  });
});

describe('the other CI kinds and PowerShell', () => {
  it('writes the export build into a Travis CI job\'s script phase', () => {
    // (DOCKER_BUILDKIT=1: the machine's docker builds with the legacy builder otherwise, which cannot export)
    const travis = ['language: minimal', 'env: DOCKER_BUILDKIT=1', 'script:', '  - docker build -t app:build -f Dockerfile.build .', '  - docker create --name x app:build', '  - docker cp x:/out/app ./app', '  - docker rm x', '  - docker build -t app:latest .', '  - sha256sum app', ''].join('\n');
    expect(errors({ '.travis.yml': travis })).toEqual([[]]);
  });

  it('still refuses in a PowerShell script, which is not shell text', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'Get-FileHash app', ''].join('\n');
    expect(errors({ 'build.ps1': ps })).toEqual([['ARTIFACT_USED_ON_HOST']]);
  });
});

/**
 * The export build's environment, its upload by a GitHub Actions step and its place in GitLab's
 * before_script. The builder build's `DOCKER_*` variables (a prefix, a CI step's `env:`) are
 * set for the export build alone when the extraction's place does not have them; a value the
 * builder build did not see in its environment, or one only known at run time, still refuses.
 * An `actions/upload-artifact` step reading the file where the export writes it keeps it on the
 * host; one reading more refuses. A default before_script several jobs run is not edited.
 */
import { describe, expect, it } from 'vitest';
import { rereadScript } from '../../src/plan/reread.js';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const BASE = { 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\n', 'main.go': 'package main\n' };

const errors = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`));

function migrated(files: Record<string, string>, file: string): string {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`))).toEqual([[]]);
  expect(applied(all, plan)['Dockerfile']).toMatch(/^FROM scratch AS export$/m);
  return applied(all, plan)[file]!;
}

const sh = (lines: string[]) => ['#!/bin/sh', 'set -e', 'mkdir -p dist', ...lines, 'sha256sum dist/app', ''].join('\n');
const EXTRACT = ['docker create --name x app:build', 'docker cp x:/out/app dist/app', 'docker rm x'];

describe('the builder build\'s environment in a shell script', () => {
  it('sets a platform both builds had for the export build alone', () => {
    const after = migrated({ 'build.sh': sh(['DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app:build -f Dockerfile.build .', ...EXTRACT, 'DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app:latest .']) }, 'build.sh');
    expect(after).toBe(sh(['DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build --target export --output type=local,dest=dist -f Dockerfile .', 'DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app:latest .']));
  });

  it('quotes a value the shell would split, and carries DOCKER_BUILDKIT=1 too', () => {
    const prefix = "DOCKER_BUILDKIT=1 BUILDX_BUILDER='ci builder'";
    const after = migrated({ 'build.sh': sh([`${prefix} docker build -t app:build -f Dockerfile.build .`, ...EXTRACT, `${prefix} docker build -t app:latest .`]) }, 'build.sh');
    expect(after).toContain("\nDOCKER_BUILDKIT=1 BUILDX_BUILDER='ci builder' docker build --target export --output type=local,dest=dist -f Dockerfile .\n");
  });

  it('still refuses a shell variable the builder build saw, which docker may not have (it may not be exported)', () => {
    const found = errors({ 'build.sh': sh(['DOCKER_DEFAULT_PLATFORM=linux/arm64', 'docker build -t app:build -f Dockerfile.build .', 'DOCKER_DEFAULT_PLATFORM=linux/amd64', ...EXTRACT, 'DOCKER_DEFAULT_PLATFORM=linux/arm64', 'docker build -t app:latest .']) });
    expect(found).toEqual([[expect.stringMatching(/^FLAG_CONFLICT: \$DOCKER_DEFAULT_PLATFORM is "linux\/arm64" for the builder build but "linux\/amd64" where the export build runs/)]]);
  });

  it('still refuses a value only known at run time for the export build, which is written without it', () => {
    const found = errors({ 'build.sh': sh(['DOCKER_DEFAULT_PLATFORM="$P" docker build -t app:build -f Dockerfile.build .', ...EXTRACT, 'DOCKER_DEFAULT_PLATFORM="$P" docker build -t app:latest .']) });
    // (the two builds' prefixes are one value, the same words read at the same assignment of P:
    // src/model/script.ts differentUnknownValues; only known strings are set for the export build)
    expect(found).toEqual([[expect.stringMatching(/^FLAG_CONFLICT: \$DOCKER_DEFAULT_PLATFORM is only known at run time for the builder build but unset where the export build runs/)]]);
  });

  it('refuses in a JS argument array, which cannot set a variable for one command', () => {
    const js = [
      "import { execSync, spawnSync } from 'node:child_process';",
      "execSync('mkdir -p dist');",
      "execSync('DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app:build -f Dockerfile.build .');",
      "spawnSync('docker', ['create', '--name', 'x', 'app:build']);",
      "spawnSync('docker', ['cp', 'x:/out/app', 'dist/app']);",
      "spawnSync('docker', ['rm', 'x']);",
      "execSync('DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app:latest .', { stdio: 'inherit' });",
      "execSync('sha256sum dist/app');",
      '',
    ].join('\n');
    expect(errors({ 'build.mjs': js })).toEqual([[expect.stringMatching(/^SCRIPT_EDIT_UNSAFE: .*is not shell text, so DOCKER_DEFAULT_PLATFORM cannot be set for the command in it$/)]]);
  });
});

const workflow = (steps: string[]) => ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ...steps, ''].join('\n');
const builderStep = (env: string[] = []) => ['      - run: docker build -t app:build -f Dockerfile.build .', ...env];
const extractStep = ['      - name: Extract', '        run: |', '          mkdir -p dist', ...EXTRACT.map((l) => `          ${l}`)];
const finalStep = (env: string[] = []) => ['      - run: docker build -t app:latest .', ...env];
const upload = (p: string) => ['      - uses: actions/upload-artifact@v4', '        with:', '          name: app', `          path: ${p}`];

describe('GitHub Actions: a step\'s env and an upload of the file', () => {
  const platform = ['        env:', '          DOCKER_DEFAULT_PLATFORM: linux/arm64'];

  it('writes the builder step\'s env as a prefix of the export build, and keeps the upload of the file as it is', () => {
    const after = migrated({ '.github/workflows/ci.yml': workflow([...builderStep(platform), ...extractStep, ...finalStep(platform), ...upload('dist/app')]) }, '.github/workflows/ci.yml');
    expect(after).toBe(
      workflow(['      - name: Extract', '        run: |', '          mkdir -p dist', '          DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build --target export --output type=local,dest=dist -f Dockerfile .', ...finalStep(platform), ...upload('dist/app')]),
    );
  });

  it('keeps the file on the host for an upload of it or of the folder it is written into, and says so', () => {
    for (const p of ['dist/app', './dist/', 'dist']) {
      const plan = planFiles({ ...BASE, '.github/workflows/ci.yml': workflow([...builderStep(), ...extractStep, ...finalStep(), ...upload(p)]) });
      expect(plan.setups.map((s) => s.status), p).toEqual(['migrate']);
      expect(plan.setups[0]!.notes.join('\n'), p).toMatch(/dist\/app is still needed on the host: the step `uses: actions\/upload-artifact@v4` \(`with: path:`\) \(\.github\/workflows\/ci\.yml:\d+\) reads dist/);
    }
  });

  it('still refuses an upload that reads more than the export writes, or a path only known at run time', () => {
    for (const p of ['dist/*', '.', '${{ env.OUT }}']) {
      const found = errors({ '.github/workflows/ci.yml': workflow([...builderStep(), ...extractStep, ...finalStep(), ...upload(p)]) });
      expect(found.flat().map((m) => m.split(':')[0]), p).toEqual(['ARTIFACT_USED_ON_HOST']);
    }
  });
});

describe('GitLab before_script', () => {
  const ci = (defaults: string[], jobs: string[]) => [...(defaults.length > 0 ? ['default:', '  before_script:', ...defaults.map((i) => `    - ${i}`)] : []), ...jobs, ''].join('\n');
  const setupItems = ['mkdir -p dist', 'docker build -t app:build -f Dockerfile.build .', ...EXTRACT];
  const imageJob = ['build-image:', '  script:', '    - docker build -t app:latest .', '    - sha256sum dist/app'];

  it('writes the export build into a default before_script one job runs', () => {
    const after = migrated({ '.gitlab-ci.yml': ci(setupItems, imageJob) }, '.gitlab-ci.yml');
    expect(after).toBe(ci(['mkdir -p dist', 'docker build --target export --output type=local,dest=dist -f Dockerfile .'], imageJob));
  });

  it('refuses, naming the jobs, a default before_script several jobs run', () => {
    const found = errors({ '.gitlab-ci.yml': ci(setupItems, [...imageJob, 'lint:', '  script:', '    - go vet ./...']) });
    expect(found[0]).toEqual([expect.stringMatching(/^SHARED_CI_SCRIPT: `docker build -t app:build -f Dockerfile.build .` is in `default: before_script` \(\.gitlab-ci\.yml:3\), which the jobs build-image, lint all run: the migration would change it for every one of those jobs/)]);
  });

  it('edits a job\'s own before_script though other jobs run the default one', () => {
    const own = ['build-image:', '  before_script:', ...setupItems.map((i) => `    - ${i}`), '  script:', '    - docker build -t app:latest .', '    - sha256sum dist/app'];
    const others = ['lint:', '  script:', '    - go vet ./...', 'test:', '  script:', '    - go test ./...'];
    const after = migrated({ '.gitlab-ci.yml': ci(['echo start'], [...own, ...others]) }, '.gitlab-ci.yml');
    expect(after).toContain('  before_script:\n    - mkdir -p dist\n    - docker build --target export --output type=local,dest=dist -f Dockerfile .\n  script:\n');
  });
});

describe('reading the rewritten script again', () => {
  it('catches a variable the plan sets for the export build that the text does not', () => {
    const before = sh(['docker build -t app:build -f Dockerfile.build .', ...EXTRACT, 'docker build -t app:latest .']);
    const fs = new MemoryFs({ ...BASE, 'build.sh': before });
    const script = analyze(fs, ['Dockerfile', 'Dockerfile.build', 'build.sh', 'main.go']).scripts.get('build.sh')!;
    const idx = (w: string) => script.commands.findIndex((c) => c.words.map((x) => x.value).join(' ').startsWith(w));
    const words = ['docker', 'build', '--target', 'export', '--output', 'type=local,dest=dist', '-f', 'Dockerfile', '.'];
    const removed = [idx('docker build -t app:build'), idx('docker create'), idx('docker rm')];
    const planned = { script, removed, rewrites: [{ index: idx('docker cp'), kind: 'whole' as const, words, env: { DOCKER_DEFAULT_PLATFORM: 'linux/arm64' } }] };
    const written = (prefix: string) => sh([`${prefix}docker build --target export --output type=local,dest=dist -f Dockerfile .`, 'docker build -t app:latest .']);
    expect(rereadScript({ ...planned, after: written('DOCKER_DEFAULT_PLATFORM=linux/arm64 ') }, fs)).toBeNull();
    expect(rereadScript({ ...planned, after: written('') }, fs)).toMatch(/as planned from line \d+, but the variables set for it are none where the plan expects `DOCKER_DEFAULT_PLATFORM=linux\/arm64`$/);
    expect(rereadScript({ ...planned, after: written('DOCKER_DEFAULT_PLATFORM=linux/amd64 ') }, fs)).toMatch(/the variables set for it are `DOCKER_DEFAULT_PLATFORM=linux\/amd64` where the plan expects `DOCKER_DEFAULT_PLATFORM=linux\/arm64`$/);
  });
});

describe('a Jenkinsfile `sh` step: shell text in a Groovy string', () => {
  const jenkinsfile = (steps: string[]) => ['pipeline {', '    agent any', '    stages {', "        stage('Build') {", '            steps {', ...steps.map((l) => `                ${l}`), '            }', '        }', '    }', '}', ''].join('\n');
  const PLATFORM = 'DOCKER_DEFAULT_PLATFORM=linux/arm64';
  const extract = ["sh '''", ...EXTRACT.map((l) => `    ${l}`), "'''"];

  it('sets the builder build\'s platform for the export build alone, in the string\'s quoting', () => {
    const before = jenkinsfile(["sh 'mkdir -p dist'", `sh '${PLATFORM} docker build -t app:build -f Dockerfile.build .'`, ...extract, `sh '${PLATFORM} docker build -t app:latest .'`, "sh 'sha256sum dist/app'"]);
    const after = migrated({ Jenkinsfile: before }, 'Jenkinsfile');
    expect(after).toBe(jenkinsfile(["sh 'mkdir -p dist'", "sh '''", `    ${PLATFORM} docker build --target export --output type=local,dest=dist -f Dockerfile .`, "'''", `sh '${PLATFORM} docker build -t app:latest .'`, "sh 'sha256sum dist/app'"]));
  });

  it('still refuses a step whose text holds a Groovy interpolation', () => {
    const before = jenkinsfile(["sh 'mkdir -p dist'", `sh "${PLATFORM} docker build -t app:build -f Dockerfile.build ."`, "sh \"\"\"", ...EXTRACT.map((l) => `    ${l}`), '    echo ${env.BUILD_ID}', "\"\"\"", `sh '${PLATFORM} docker build -t app:latest .'`, "sh 'sha256sum dist/app'"]);
    expect(errors({ Jenkinsfile: before }).flat().join('\n')).toMatch(/SCRIPT_EDIT_UNSAFE: .*Groovy interpolation/);
  });
});

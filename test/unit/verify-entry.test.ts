/** --verify's entry points: how each kind of script is started, and CI jobs read as steps. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRoot } from '../../src/pipeline.js';
import { githubSteps, gitlabSteps } from '../../src/verify/ci-steps.js';
import { entryOf, type EntryStep } from '../../src/verify/entry.js';
import { missingProgram } from '../../src/verify/run-entry.js';
import { shellOf } from '../../src/verify/jenkins-steps.js';
import { shimDir, shimEnv } from '../../src/verify/shim-env.js';
import { FIXTURES } from '../support/tree.js';

function entryOfFixture(name: string) {
  const run = runRoot(path.join(FIXTURES, name, 'before'), { stageName: 'builder' });
  const setup = run.analysis.setups[0]!;
  return entryOf(setup, run.analysis, run.fs);
}

describe('entry points', () => {
  it('runs a shell script by its shebang, from its own folder', () => {
    expect(entryOfFixture('href-counter')).toMatchObject({ kind: 'process', label: '/bin/sh build.sh', step: { argv: ['/bin/sh', 'build.sh'], cwd: '' } });
  });

  it('runs the Makefile target that holds both builds (the smallest one), with make', () => {
    expect(entryOfFixture('makefile-targets')).toMatchObject({ kind: 'process', label: 'make image', step: { argv: ['make', 'image'], cwd: '' } });
  });

  it('runs the npm script whose sequence holds both builds, with npm run', () => {
    expect(entryOfFixture('npm-scripts')).toMatchObject({ kind: 'process', label: 'npm run image' });
  });

  it('runs a node build script from its package folder', () => {
    expect(entryOfFixture('js-build-script')).toMatchObject({ kind: 'process', step: { argv: ['node', 'scripts/image.mjs'], cwd: '' } });
  });

  it('runs CI jobs by name', () => {
    expect(entryOfFixture('github-actions')).toMatchObject({ kind: 'ci', ciKind: 'github-actions', job: 'image', file: '.github/workflows/image.yml' });
    expect(entryOfFixture('gitlab-ci')).toMatchObject({ kind: 'ci', ciKind: 'gitlab-ci', job: 'build-image' });
  });
});

describe('CI jobs as steps', () => {
  it('GitHub: run steps with their env and working directory; checkout is the copy itself', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'github-actions', 'before', '.github/workflows/image.yml'), 'utf8');
    const steps = githubSteps(text, 'image', '/repo');
    expect(Array.isArray(steps)).toBe(true);
    const list = steps as Exclude<typeof steps, { none: string }>;
    expect(list.length).toBeGreaterThanOrEqual(3);
    // No shell named: GitHub starts `bash -e {0}`, without pipefail (`shell: bash` adds it).
    expect(list[0]!.argv.slice(0, 2)).toEqual(['bash', '-e']);
    expect(list[0]!.argv.at(-1)).toMatch(/docker build -t "\$IMAGE:builder"/);
    expect(list[0]!.env['IMAGE']).toBe('example/beacon');
  });

  it('GitHub: another action, or an expression, cannot run here', () => {
    const wf = (step: string) => `jobs:\n  j:\n    steps:\n${step}`;
    expect(githubSteps(wf('      - uses: docker/login-action@v3\n'), 'j', '/repo')).toEqual({ none: expect.stringMatching(/uses the action docker\/login-action@v3/) });
    expect(githubSteps(wf('      - run: docker build .\n        env:\n          TOKEN: ${{ secrets.TOKEN }}\n'), 'j', '/repo')).toEqual({ none: expect.stringMatching(/expressions, which only the CI service evaluates/) });
  });

  it('GitHub: `${{ github.workspace }}` and `${{ env.NAME }}` of a step\'s text are given as the runner gives them', () => {
    const wf = `jobs:\n  j:\n    env:\n      OUT: out\n    steps:\n      - run: docker run -v \${{ github.workspace }}/\${{ env.OUT }}:/dist b \${{ env.NONE }}\n`;
    const steps = githubSteps(wf, 'j', '/repo');
    expect(steps).toEqual({ none: expect.stringMatching(/expressions, which only the CI service evaluates/) });
    const known = githubSteps(wf.replace(' ${{ env.NONE }}', ''), 'j', '/repo') as EntryStep[];
    expect(known.map((s) => s.argv.at(-1))).toEqual(['docker run -v /repo/out:/dist b']);
  });

  it('GitHub: the run\'s own values (`${{ github.sha }}`, `$GITHUB_SHA`) are one made-up value in every step', () => {
    const wf = `jobs:\n  j:\n    steps:\n      - run: docker build -t b:\${{ github.sha }} .\n      - run: docker create b:$GITHUB_SHA \${{ github.action }}\n`;
    expect(githubSteps(wf, 'j', '/repo')).toEqual({ none: expect.stringMatching(/expressions, which only the CI service evaluates/) });
    const steps = githubSteps(wf.replace(' ${{ github.action }}', ''), 'j', '/repo') as EntryStep[];
    const sha = steps[1]!.env['GITHUB_SHA']!;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(steps[0]!.argv.at(-1)).toBe(`docker build -t b:${sha} .`);
  });

  it('GitHub: each step in the shell the runner starts for it', () => {
    const wf = `jobs:\n  j:\n    steps:\n      - run: a\n      - run: b\n        shell: bash\n      - run: c\n        shell: sh\n`;
    expect((githubSteps(wf, 'j', '/repo') as EntryStep[]).map((s) => s.argv.slice(0, -2))).toEqual([['bash', '-e'], ['bash', '--noprofile', '--norc', '-eo', 'pipefail'], ['sh', '-e']]);
  });

  it('GitHub: a step the service decides about (`if:`, continue-on-error, the runner\'s files) cannot run here', () => {
    const wf = (step: string) => `jobs:\n  j:\n    steps:\n      - run: docker build .\n${step}`;
    expect(githubSteps(wf('        if: failure()\n'), 'j', '/repo')).toEqual({ none: expect.stringMatching(/runs under `if: failure\(\)`/) });
    expect(githubSteps(wf('        continue-on-error: true\n'), 'j', '/repo')).toEqual({ none: expect.stringMatching(/continue-on-error/) });
    expect(githubSteps(`jobs:\n  j:\n    steps:\n      - run: echo "V=1" >> "$GITHUB_ENV"\n`, 'j', '/repo')).toEqual({ none: expect.stringMatching(/GITHUB_ENV/) });
    expect(Array.isArray(githubSteps(wf('        if: success()\n'), 'j', '/repo'))).toBe(true);
  });

  it('GitHub: a release step only sends workspace files to the service, so the job runs without it', () => {
    const wf = `jobs:\n  j:\n    steps:\n      - run: docker build .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: bin/app\n`;
    const steps = githubSteps(wf, 'j', '/repo') as EntryStep[];
    expect(steps.map((s) => s.argv.at(-1))).toEqual(['docker build .']);
  });

  it('GitLab: before_script and script in one shell, with variables', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'gitlab-ci', 'before', '.gitlab-ci.yml'), 'utf8');
    const steps = gitlabSteps(text, 'build-image') as EntryStep[];
    expect(steps).toHaveLength(1);
    expect(steps[0]!.argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(steps[0]!.argv[2]).toContain('set -eo pipefail\ncd svc\ndocker build');
    expect(steps[0]!.env['IMAGE']).toBe('example/harbor');
  });

  /** Runs the job's one step in a temporary folder: its output and exit status. */
  const runJob = (text: string, job = 'build') => {
    const steps = gitlabSteps(text, job);
    if ('none' in steps) throw new Error(steps.none);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-gitlab-job-'));
    const r = spawnSync(steps[0]!.argv[0]!, steps[0]!.argv.slice(1), { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...steps[0]!.env }, encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    return { out: r.stdout, code: r.status };
  };

  it('GitLab: runs what the job gets through extends, `<<:`, anchors and `!reference`, with the templates\' variables', () => {
    const text = [
      'variables:', '  WHERE: file', '  KEEP: global',
      '.base:', '  variables:', '    WHERE: template', '    ONLY: base', '  before_script:', '    - echo "before $WHERE $ONLY $KEEP"',
      '.steps: &steps', '  - echo anchored',
      '.more:', '  script:', '    - echo referenced',
      'build:', '  extends: .base', '  variables:', '    WHERE: { value: job, description: where }', '  script:', '    - *steps', '    - !reference [.more, script]', '    - echo "script $WHERE"', '',
    ].join('\n');
    expect(runJob(text)).toEqual({ out: 'before job base global\nanchored\nreferenced\nscript job\n', code: 0 });
  });

  it('GitLab: the first failing line ends the job, a failing pipe too; after_script runs next from the project folder, its failure not counted', () => {
    const job = (script: string[]) => ['build:', '  script:', ...script.map((l) => `    - ${l}`), '  after_script:', '    - echo "after in $(basename "$PWD") [$SET_BY_SCRIPT]"', '    - "false"', '    - echo not reached', ''].join('\n');
    expect(runJob(job(['export SET_BY_SCRIPT=yes', 'mkdir sub && cd sub', 'echo one']))).toEqual({ out: expect.stringMatching(/^one\nafter in msc-gitlab-job-\w+ \[\]\n$/), code: 0 });
    expect(runJob(job(['echo one', 'false | cat', 'echo two']))).toEqual({ out: expect.stringMatching(/^one\nafter in/), code: 1 });
  });

  it('GitLab: a template or variables the file does not hold, or `inherit: variables: false`', () => {
    expect(gitlabSteps('build:\n  extends: .from-include\n  script:\n    - echo hi\n', 'build')).toEqual({ none: expect.stringMatching(/job build extends `\.from-include`, which is not in this file/) });
    expect(gitlabSteps('build:\n  script:\n    - !reference [.gone, script]\n', 'build')).toEqual({ none: expect.stringMatching(/!reference \[\.gone, script\]/) });
    expect(runJob('variables:\n  A: global\nbuild:\n  inherit:\n    variables: false\n  script:\n    - echo "[$A]"\n')).toEqual({ out: '[]\n', code: 0 });
  });

  it('Jenkins: a sh step runs with sh -xe, or with the shell and option word its #! line names', () => {
    expect(shellOf('docker build .\n')).toEqual(['sh', '-xe', '-c', 'docker build .\n']);
    expect(shellOf('#!/bin/bash\nset -o pipefail\n')).toEqual(['/bin/bash', '-c', '#!/bin/bash\nset -o pipefail\n']);
    expect(shellOf('#!/bin/sh -e -x\ntrue\n')).toEqual(['/bin/sh', '-e -x', '-c', '#!/bin/sh -e -x\ntrue\n']);
    expect(shellOf('#!/usr/bin/env bash\ntrue\n')).toEqual(['/usr/bin/env', 'bash', '-c', '#!/usr/bin/env bash\ntrue\n']);
    // Not an interpreter line: Jenkins checks the script's first two characters only.
    expect(shellOf('\n#!/bin/bash\ntrue\n')[1]).toBe('-xe');
  });

  it('finds a program that is not installed', () => {
    expect(missingProgram([{ argv: ['no-such-program-here'], cwd: '', env: {}, label: 'x' }], { PATH: '/usr/bin:/bin' })).toBe('no-such-program-here');
    expect(missingProgram([{ argv: ['sh', 'x'], cwd: '', env: {}, label: 'x' }], { PATH: '/usr/bin:/bin' })).toBeNull();
  });
});

describe('the shipped docker shim refuses what leaves the machine', () => {
  const refusals = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-shim-')), 'refusals');
  const docker = (args: string[], extra: Record<string, string> = {}) => {
    const file = refusals();
    const env = { ...shimEnv({ PATH: process.env['PATH'] ?? '' }, { driver: 'vfs', root: '/nonexistent/root', runRoot: '/nonexistent/run' }, { refusals: file }), ...extra };
    const r = spawnSync('docker', args, { env, encoding: 'utf8' });
    return { code: r.status, stderr: r.stderr, refused: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '' };
  };

  it('is first on PATH', () => {
    const r = spawnSync('sh', ['-c', 'command -v docker'], { env: shimEnv({ PATH: '/usr/bin:/bin' }, { driver: 'vfs' }), encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(path.join(shimDir(), 'docker'));
  });

  for (const [what, args, extra, named] of [
    ['push', ['push', 'app:latest'], {}, /docker push app:latest would reach a registry/],
    ['login', ['login', 'registry.example'], {}, /docker login/],
    ['pull', ['pull', 'alpine'], {}, /docker pull/],
    ['a remote host', ['-H', 'tcp://10.0.0.1:2375', 'ps'], {}, /global option -H/],
    ['a context', ['--context', 'prod', 'ps'], {}, /global option --context/],
    ['a remote DOCKER_HOST', ['ps'], { DOCKER_HOST: 'ssh://build@farm' }, /DOCKER_HOST=ssh:\/\/build@farm/],
    ['a build that pushes', ['build', '--push', '-t', 'app', '.'], {}, /build --push would send the image/],
    ['a build to a registry', ['build', '--output', 'type=registry', '.'], {}, /type=registry would send the image/],
    ['compose push', ['compose', 'push'], {}, /compose push would reach a registry/],
  ] as const) {
    it(`refuses ${what}, and records why`, () => {
      const r = docker([...args], { ...extra });
      expect(r.code).toBe(125);
      expect(r.refused).toMatch(named);
    });
  }
});

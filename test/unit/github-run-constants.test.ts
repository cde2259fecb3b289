/**
 * What GitHub fixes for a whole run (the commit, the branch…) is one value in every step of a job
 * (src/analyze/hosts/github-expressions.ts): a builder tagged `app-builder:$GITHUB_SHA` (or
 * `${{ github.sha }}`) in one step is the image a later step's `docker create` names by the same
 * text, though the value is not known. What differs per step, or a step's own assignment, is not.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const files = (tag: string, createTag = tag, firstStepExtra = '') => ({
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
  Dockerfile: 'FROM busybox:latest\nCOPY app /usr/local/bin/app\n',
  '.github/workflows/ci.yml': [
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: |',
    ...(firstStepExtra ? [`          ${firstStepExtra}`] : []),
    `          docker build -t app-builder:${tag} -f Dockerfile.build .`,
    '      - run: |',
    `          docker create --name extract app-builder:${createTag}`,
    '          docker cp extract:/out/app ./app',
    '          docker rm extract',
    `      - run: docker build -t app:${tag} .`,
    '',
  ].join('\n'),
});
const outcome = (f: Record<string, string>) => {
  const plan = planFiles(f);
  return { setups: plan.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]), plan };
};

describe('a builder tagged with a value GitHub fixes for the run, named in a later step', () => {
  it('migrates for $GITHUB_SHA and ${{ github.sha }}, the builder build kept under its tag', () => {
    for (const tag of ['$GITHUB_SHA', '${{ github.sha }}', '${{ github.ref_name }}-$GITHUB_RUN_NUMBER']) {
      const f = files(tag);
      const { setups, plan } = outcome(f);
      expect(setups, tag).toEqual([['migrate']]);
      expect(applied(f, plan)['.github/workflows/ci.yml']).toContain(`docker build --target builder -t app-builder:${tag} -f Dockerfile .`);
    }
  });

  // Fixed before the job's first step (proven on podman: the matrix leg's workflow run both
  // ways gave the same builder and final images).
  it('migrates for a matrix value, an input, a configuration variable and a needed job\'s output', () => {
    for (const tag of ['${{ matrix.arch }}', '${{ inputs.tag }}', '${{ vars.BUILDER_TAG }}', '${{ needs.meta.outputs.tag }}', '${{ github.event.inputs.tag }}', '${{matrix.go-version}}-${{ strategy.job-index }}']) {
      const f = files(tag);
      const { setups, plan } = outcome(f);
      expect(setups, tag).toEqual([['migrate']]);
      expect(applied(f, plan)['.github/workflows/ci.yml']).toContain(`docker build --target builder -t app-builder:${tag} -f Dockerfile .`);
    }
    // Two paths are two values: `matrix.arch` is not `matrix.os`, nor `inputs.arch`.
    expect(outcome(files('${{ matrix.arch }}', '${{ matrix.os }}')).setups).not.toEqual([['migrate']]);
    expect(outcome(files('${{ matrix.arch }}', '${{ inputs.arch }}')).setups).not.toEqual([['migrate']]);
    expect(outcome(files('${{ matrix.a-b }}', '${{ matrix.a_b }}')).setups).not.toEqual([['migrate']]);
  });

  it('does not follow a value that differs from step to step, or one the step assigns itself', () => {
    expect(outcome(files('$GITHUB_ACTION')).setups).not.toEqual([['migrate']]);
    expect(outcome(files('${{ steps.meta.outputs.tag }}')).setups).not.toEqual([['migrate']]);
    expect(outcome(files('${{ env.TAG }}')).setups).not.toEqual([['migrate']]);
    expect(outcome(files("${{ format('{0}', matrix.arch) }}")).setups).not.toEqual([['migrate']]);
    expect(outcome(files('$GITHUB_SHA', '$GITHUB_SHA', 'GITHUB_SHA=$(date +%s)')).setups).not.toEqual([['migrate']]);
    expect(outcome(files('${{ github.sha }}', '$GITHUB_SHA')).setups).not.toEqual([['migrate']]);
  });
});

describe("a builder tagged through the job's or the workflow's env:, whose value GitHub fixes before the first step", () => {
  const wf = (between = '', env = 'env:\n  IMAGE: ghcr.io/${{ github.repository }}\n', createEnv = '') => ({
    'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
    Dockerfile: 'FROM busybox:latest\nCOPY app /usr/local/bin/app\n',
    '.github/workflows/ci.yml': [
      'on: push',
      env,
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: docker build -t "$IMAGE:builder" -f Dockerfile.build .',
      between,
      '      - run: |',
      '          docker create --name extract "$IMAGE:builder"',
      '          docker cp extract:/out/app ./app',
      '          docker rm extract',
      createEnv,
      '      - run: docker build -t "$IMAGE:latest" .',
      '',
    ].filter((l) => l !== '').join('\n') + '\n',
  });

  it('migrates: the builder build kept under its tag', () => {
    for (const env of ['env:\n  IMAGE: ghcr.io/${{ github.repository }}\n', 'jobs-env']) {
      const f = env === 'jobs-env' ? { ...wf('', ''), '.github/workflows/ci.yml': wf('', '')['.github/workflows/ci.yml'].replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        arch: [amd64, arm64]\n    env:\n      IMAGE: app-${{ matrix.arch }}\n') } : wf('', env);
      const { setups, plan } = outcome(f);
      expect(setups, env).toEqual([['migrate']]);
      expect(applied(f, plan)['.github/workflows/ci.yml']).toContain('docker build --target builder -t "$IMAGE:builder" -f Dockerfile .');
    }
    // Steps that write no variable for the later ones leave it as it was.
    expect(outcome(wf('      - uses: actions/upload-artifact@v4\n        with:\n          name: src\n          path: main.go')).setups).toEqual([['migrate']]);
  });

  it('not across a step that may give it another value, nor where the step sets it itself', () => {
    for (const between of ['      - run: echo "IMAGE=other" >> "$GITHUB_ENV"', '      - uses: some/action@v1', '      - shell: python\n        run: print(1)']) {
      expect(outcome(wf(between)).setups, between).not.toEqual([['migrate']]);
    }
    expect(outcome(wf('', undefined, '        env:\n          IMAGE: ghcr.io/${{ github.repository }}')).setups).not.toEqual([['migrate']]);
    // (a repository script the step runs writes $GITHUB_ENV for the later steps as well)
    const script = outcome({ ...wf('      - run: ./ci/retag.sh'), 'ci/retag.sh': '#!/bin/sh\necho "IMAGE=other/thing" >> "$GITHUB_ENV"\n' });
    expect(script.setups[0]).toContain('STEP_ENV_WRITTEN');
  });
});

describe("a step's output read in a flag carried from the builder build into a later step's final build", () => {
  const wf = (arg: string, metaAt: 'before' | 'between') => {
    const meta = ['      - id: meta', '        run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"'];
    return {
      'Dockerfile.build': 'FROM busybox:latest\nARG V=dev\nRUN mkdir -p /out && echo "$V" > /out/app\n',
      Dockerfile: 'FROM busybox:latest\nCOPY app /usr/local/bin/app\n',
      '.github/workflows/ci.yml': [
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        ...(metaAt === 'before' ? meta : []),
        '      - run: |',
        `          docker build --build-arg V=${arg} -t app-builder -f Dockerfile.build .`,
        '          docker create --name extract app-builder',
        '          docker cp extract:/out/app ./app',
        '          docker rm extract',
        ...(metaAt === 'between' ? meta : []),
        '      - run: docker build -t app .',
        '',
      ].join('\n'),
    };
  };

  // GitHub substitutes `${{ … }}` into a step's text as the step starts: the builder step read the
  // output empty, before the step setting it ran; carried into the final build's step, it reads 1.2.3.
  it('refuses where the expression may give the final build\'s step another value', () => {
    const { setups } = outcome(wf('${{ steps.meta.outputs.version }}', 'between'));
    expect(setups).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome(wf("${{ hashFiles('app') }}", 'before')).setups).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrates where the step setting it ran before both builds (a step runs once)', () => {
    const f = wf('${{ steps.meta.outputs.version }}', 'before');
    const { setups, plan } = outcome(f);
    expect(setups).toEqual([['migrate']]);
    expect(applied(f, plan)['.github/workflows/ci.yml']).toContain('docker build --build-arg V=${{ steps.meta.outputs.version }} -t app .');
    // (an output of another step still differs: `steps.other` names no earlier step)
    expect(outcome(wf('${{ steps.other.outputs.version }}', 'before')).setups).toEqual([['refused', 'FLAG_CONFLICT']]);
    // (what every step reads alike until a step writes the job's environment is carried as before)
    for (const arg of ['${{ env.V }}', '${{ secrets.V }}', '${{ github.sha }}', '${{ matrix.v }}']) expect(outcome(wf(arg, 'before')).setups, arg).toEqual([['migrate']]);
  });

  // (proven on podman: the workflow's steps, the output substituted, built both ways gave the same final image)
  it('links a builder tagged with an earlier step\'s output to a later step naming it so', () => {
    const f = files('${{ steps.meta.outputs.tag }}');
    f['.github/workflows/ci.yml'] = f['.github/workflows/ci.yml'].replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n      - id: meta\n        run: echo "tag=1.2.3" >> "$GITHUB_OUTPUT"\n');
    expect(outcome(f).setups).toEqual([['migrate']]);
  });
});

/**
 * A self-hosted GitHub runner runs every job of the repository in one folder, which keeps what a
 * job left for the next (src/analyze/hosts/github-runners.ts): a later job there that uses the
 * extracted file without checking the repository out first (which cleans the folder) found it,
 * so the migration keeps it on the host with an export stage. Hosted runners give every job a
 * machine of its own.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const files = (runner: string, later: string, laterRunner = runner, head = '') => ({
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
  Dockerfile: 'FROM busybox:latest\nCOPY app /usr/local/bin/app\n',
  '.github/workflows/ci.yml': [
    'on: push',
    'jobs:',
    '  build:',
    `    runs-on: ${runner}`,
    head,
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: docker build -t app-build -f Dockerfile.build .',
    '      - run: |',
    '          docker create --name extract app-build',
    '          docker cp extract:/out/app ./app',
    '          docker rm extract',
    '      - run: docker build -t app:latest .',
    '  smoke:',
    '    needs: build',
    `    runs-on: ${laterRunner}`,
    '    steps:',
    later,
    '',
  ].filter((l) => l !== '').join('\n') + '\n',
});
const outcome = (f: Record<string, string>) => {
  const plan = planFiles(f);
  const wf = applied(f, plan)['.github/workflows/ci.yml']!;
  return { setups: plan.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]), exported: wf.includes('--target export'), plan };
};
const RUN_APP = '      - run: ./app --selftest';

describe('a later job on a self-hosted runner', () => {
  it('that runs the extracted file keeps it on the host (an export stage)', () => {
    for (const runner of ['self-hosted', '[self-hosted, linux, x64]', 'build-farm', '{ group: ci-runners }']) {
      const r = outcome(files(runner, RUN_APP));
      expect(r.setups, runner).toEqual([['migrate']]);
      expect(r.exported, runner).toBe(true);
      expect(r.plan.setups[0]!.notes.join('\n')).toContain('in `smoke` of .github/workflows/ci.yml, which may run after `build`');
    }
  });

  it('that checks the repository out first (which cleans the folder) finds nothing the setup left', () => {
    expect(outcome(files('self-hosted', `      - uses: actions/checkout@v4\n${RUN_APP}`)).exported).toBe(false);
    // (not with `clean: false`, nor into another folder)
    expect(outcome(files('self-hosted', `      - uses: actions/checkout@v4\n        with:\n          clean: false\n${RUN_APP}`)).exported).toBe(true);
    expect(outcome(files('self-hosted', `      - uses: actions/checkout@v4\n        with:\n          path: src\n${RUN_APP}`)).exported).toBe(true);
  });

  it('that removes the extraction\'s container is refused: the migration no longer makes it', () => {
    expect(outcome(files('self-hosted', '      - run: docker rm -f extract || true\n      - run: docker rm extract')).setups).toEqual([['refused', 'REMOVED_NAME_USED']]);
  });

  it('is no concern on hosted runners, where every job has a machine of its own', () => {
    expect(outcome(files('ubuntu-latest', RUN_APP)).exported).toBe(false);
    expect(outcome(files('self-hosted', RUN_APP, 'ubuntu-24.04')).exported).toBe(false);
    const matrix = (os: string) => files('${{ matrix.os }}', RUN_APP, 'self-hosted', `    strategy:\n      matrix:\n        os: ${os}`);
    expect(outcome(matrix('[ubuntu-latest, macos-14]')).exported).toBe(false);
    expect(outcome(matrix('[ubuntu-latest, self-hosted]')).exported).toBe(true);
  });
});

/**
 * GitHub Actions: `${{ github.workspace }}` in a step's working-directory and `$GITHUB_WORKSPACE`
 * in its shell name the workspace, where a relative working-directory starts and (when the
 * checkout puts this repository there) the repository's root
 * (src/analyze/hosts/github-workspace.ts): a setup in `svc` reached either way migrates as one
 * with `working-directory: svc` does.
 */
import { describe, expect, it } from 'vitest';
import { checkoutAtWorkspace, underWorkspace } from '../../src/analyze/hosts/github-workspace.js';
import { yaml } from '../../src/analyze/hosts/yaml-module.js';
import { applied, planFiles } from '../support/plan.js';

const FILES = {
  'svc/Dockerfile.build': 'FROM busybox:latest\nCOPY main.go /src/main.go\nRUN mkdir -p /out && cp /src/main.go /out/app\n',
  'svc/Dockerfile': 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\n',
  'svc/main.go': 'package main\n',
};
const PATTERN = ['docker build -t app:build -f Dockerfile.build .', 'mkdir -p dist', 'docker create --name x app:build', 'docker cp x:/out/app dist/app', 'docker rm x', 'docker build -t app:latest .'];
const wf = (step: string[], checkout = ['      - uses: actions/checkout@v4']) => ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', ...checkout, ...step, ''].join('\n');
const run = (pre: string[] = []) => ['        run: |', ...[...pre, ...PATTERN].map((l) => `          ${l}`)];
const outcome = (text: string) => {
  const all = { ...FILES, '.github/workflows/ci.yml': text };
  const p = planFiles(all);
  const merged = p.setups.some((s) => s.status === 'migrate') && /AS builder/.test(applied(all, p)['svc/Dockerfile'] ?? '') ? 'svc/Dockerfile.build' : null;
  return p.setups.map((s) => [s.status, merged, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
};

describe('the workspace in a GitHub step', () => {
  it('reads `${{ github.workspace }}` at the start of a working-directory as the workspace', () => {
    expect(['${{ github.workspace }}/svc', '${{github.workspace}}', '${{ github.workspace }}/', 'svc', '${{ github.workspace }}x'].map(underWorkspace)).toEqual(['./svc', '.', '.', 'svc', '${{ github.workspace }}x']);
  });

  it('a working-directory under `${{ github.workspace }}` migrates as the relative one does', () => {
    const want = [['migrate', 'svc/Dockerfile.build']];
    expect(outcome(wf(['      - working-directory: svc', ...run()]))).toEqual(want);
    expect(outcome(wf(['      - working-directory: ${{ github.workspace }}/svc', ...run()]))).toEqual(want);
    // from the job's defaults
    expect(outcome(wf(['      - name: build', ...run()]).replace('    steps:', '    defaults:\n      run:\n        working-directory: ${{ github.workspace }}/svc\n    steps:'))).toEqual(want);
    // another expression is still only known at run time
    expect(outcome(wf(['      - working-directory: ${{ github.workspace }}/${{ matrix.dir }}', ...run()]))[0]![0]).toBe('refused');
  });

  it('`cd "$GITHUB_WORKSPACE/svc"` goes to svc where the checkout is the workspace, and stays unknown where it is not', () => {
    expect(outcome(wf(['      - name: build', ...run(['cd "$GITHUB_WORKSPACE/svc"'])]))).toEqual([['migrate', 'svc/Dockerfile.build']]);
    expect(outcome(wf(['      - name: build', ...run(['cd $GITHUB_WORKSPACE', 'cd svc'])]))).toEqual([['migrate', 'svc/Dockerfile.build']]);
    // the repository checked out into a folder of the workspace, or another one at its root
    expect(outcome(wf(['      - name: build', ...run(['cd "$GITHUB_WORKSPACE/svc"'])], ['      - uses: actions/checkout@v4', '        with:', '          path: repo']))[0]?.[0] ?? 'refused').not.toBe('migrate');
    expect(outcome(wf(['      - name: build', ...run(['cd "$GITHUB_WORKSPACE/svc"'])], ['      - uses: actions/checkout@v4', '        with:', '          repository: example/other']))[0]?.[0] ?? 'refused').not.toBe('migrate');
  });

  it('`${{ github.workspace }}` in a step\'s text reads as `$GITHUB_WORKSPACE` does; `${{ env.NAME }}` as a plain static env value', () => {
    const mount = (dir: string) => ['      - name: build', '        run: |', ...['cd svc', 'docker build -t app:build -f Dockerfile.build .', `docker run --rm -v ${dir}:/dist app:build cp -p /out/app /dist/app`, 'docker build -t app:latest .'].map((l) => `          ${l}`)];
    const want = [['migrate', 'svc/Dockerfile.build']];
    expect(outcome(wf(mount('$GITHUB_WORKSPACE/svc/dist')))).toEqual(want);
    expect(outcome(wf(mount('${{ github.workspace }}/svc/dist')))).toEqual(want);
    expect(outcome(wf(mount('"${{github.workspace}}/svc/dist"')))).toEqual(want);
    expect(outcome(wf(mount('${{ github.workspace }}/svc/${{ env.OUT }}')).replace('    steps:', '    env:\n      OUT: dist\n    steps:'))).toEqual(want);
    // in a job's container the expression is the runner's path, not the container's
    expect(outcome(wf(mount('${{ github.workspace }}/svc/dist')).replace('    steps:', '    container: docker:24\n    steps:'))[0]?.[0]).not.toBe('migrate');
    // in single quotes the runner's text is literal, and the reader's name would be too: not given a value
    expect(outcome(wf(mount("'${{ github.workspace }}/svc/dist'")))[0]?.[0]).not.toBe('migrate');
    // the checkout elsewhere, an env value that is not plain text or one an earlier step may change: only known at run time
    expect(outcome(wf(mount('${{ github.workspace }}/svc/dist'), ['      - uses: actions/checkout@v4', '        with:', '          path: repo']))[0]?.[0]).not.toBe('migrate');
    expect(outcome(wf(mount('${{ github.workspace }}/svc/${{ env.OUT }}')).replace('    steps:', '    env:\n      OUT: "di st"\n    steps:'))[0]?.[0]).not.toBe('migrate');
    expect(outcome(wf([...mount('${{ github.workspace }}/svc/${{ env.OUT }}'), '        env:', '          OUT: dist']))[0]?.[0]).not.toBe('migrate');
    expect(outcome(wf(['      - run: echo OUT=x >> "$GITHUB_ENV"', ...mount('${{ github.workspace }}/svc/${{ env.OUT }}')]).replace('    steps:', '    env:\n      OUT: dist\n    steps:'))[0]?.[0]).not.toBe('migrate');
  });

  it('tells where the checkout is', () => {
    const at = (steps: string) => checkoutAtWorkspace(yaml().parseDocument(steps).contents as never);
    expect(at('- uses: actions/checkout@v4\n- uses: actions/checkout@v4\n  with:\n    repository: example/protos\n    path: protos\n')).toBe(true);
    expect(at('- uses: actions/checkout@v4\n  with:\n    path: src\n')).toBe(false);
    expect(at('- run: echo\n')).toBe(false);
  });
});

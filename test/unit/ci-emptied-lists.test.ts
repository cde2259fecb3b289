/**
 * Removing every item of a CI list left its key without a value (`script:` alone): GitLab and
 * Bitbucket reject a null `script`, GitLab reads a job's null `before_script` as unset (the
 * `default:` one then runs), Travis runs its language's default phase for a null `install`; a
 * step whose keys went left its anchor (`- &builder`), a null step. The re-read of the rewritten
 * file (src/plan/reread.ts) now refuses such an edit.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const [BUILD, CREATE, CP, RM, FINAL] = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const items = (indent: string, lines: string[]) => lines.map((l) => `${indent}- ${l}`).join('\n');
const outcome = (file: string, text: string) => {
  const plan = planFiles({ ...BASE, [file]: text });
  return [plan.setups.map((s) => s.status), plan.changes.length, plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.code === 'SCRIPT_REREAD_FAILED').map((d) => d.message))[0] ?? ''] as const;
};

describe('an edit that empties a CI list', () => {
  it('refuses for GitLab, Bitbucket and Travis, saying which key', () => {
    const gitlab = `build:\n  image: docker:24\n  before_script:\n${items('    ', [BUILD])}\n  script:\n${items('    ', [CREATE, CP, RM])}\n  after_script:\n${items('    ', [FINAL])}\n`;
    const [status, changes, message] = outcome('.gitlab-ci.yml', gitlab);
    expect([status, changes]).toEqual([['refused'], 0]);
    expect(message).toContain('leaves `before_script:` without a value');
    const bitbucket = `pipelines:\n  default:\n    - step:\n        services: [docker]\n        script:\n${items('          ', [BUILD, CREATE, CP, RM])}\n        after-script:\n${items('          ', [FINAL])}\n`;
    expect(outcome('bitbucket-pipelines.yml', bitbucket)[2]).toContain('leaves `script:` without a value');
    const travis = `language: node_js\nservices: [docker]\ninstall:\n${items('  ', [BUILD])}\nscript:\n${items('  ', [CREATE, CP, RM, FINAL])}\n`;
    expect(outcome('.travis.yml', travis)[2]).toContain('leaves `install:` without a value');
    // a list that keeps an item is edited as before
    const kept = `build:\n  image: docker:24\n  script:\n${items('    ', ['echo start', BUILD, CREATE, CP, RM, FINAL])}\n`;
    expect(outcome('.gitlab-ci.yml', kept)[0]).toEqual(['migrate']);
  });

  it('refuses a GitHub step whose keys go while its anchor stays', () => {
    const wf = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - &builder\n        name: builder\n        run: ${BUILD}\n      - run: |\n${[CREATE, CP, RM].map((l) => `          ${l}`).join('\n')}\n      - run: ${FINAL}\n  again:\n    runs-on: ubuntu-latest\n    steps:\n      - *builder\n`;
    const [status, , message] = outcome('.github/workflows/ci.yml', wf);
    expect(status).not.toContain('migrate');
    expect(message).toContain('leaves a list item without a value');
  });
});

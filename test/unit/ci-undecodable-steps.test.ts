/**
 * A CI step whose shell text is a YAML scalar the tool does not decode exactly (a folded `>`
 * block, a plain or quoted scalar over several lines) was skipped without a word in GitHub
 * Actions, CircleCI and Azure Pipelines: a later `./app --version` there was never seen, and the
 * migration dropped the file it runs. Such a step is now an unread step of its job (SHELL_NOT_READ).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const block = (indent: string) => STEPS.map((l) => `${indent}${l}`).join('\n');
const outcome = (file: string, text: string) => planFiles({ ...BASE, [file]: text }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.code === 'SHELL_NOT_READ').map((d) => d.message)]);

describe('a step written as a scalar the tool does not decode', () => {
  const later = ['>\n          ./app --version', '"sha256sum\n          app > app.sha"', 'sha256sum\n          app'];
  it('refuses a GitHub Actions job holding one, saying which step and why', () => {
    for (const run of later) {
      const text = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n      - run: ${run}\n`;
      const [status, message] = outcome('.github/workflows/ci.yml', text)[0]!;
      expect([run, status]).toEqual([run, 'refused']);
      expect(message).toMatch(/job build step 2 writes its commands as a (folded \(`>`\) block|scalar over several lines), which the tool does not read exactly/);
    }
    // a literal block, or one line, is read as before
    const read = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n      - run: |\n          ./app --version\n`;
    expect(planFiles({ ...BASE, '.github/workflows/ci.yml': read }).setups.map((s) => s.status)).toEqual(['migrate']);
  });

  it('refuses a CircleCI or Azure Pipelines job holding one', () => {
    const circle = `version: 2.1\njobs:\n  build:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n      - checkout\n      - run:\n          command: |\n${block('            ')}\n      - run:\n          command: >\n            ./app --version\nworkflows:\n  main:\n    jobs: [build]\n`;
    expect(outcome('.circleci/config.yml', circle)[0]![0]).toBe('refused');
    const azure = `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - bash: |\n${block('      ')}\n  - bash: >\n      ./app --version\n`;
    expect(outcome('azure-pipelines.yml', azure)[0]![0]).toBe('refused');
  });
});

/**
 * Names the migration takes away (src/plan/removed-names.ts): an npm script it deletes or a Make
 * target whose recipe it empties may go only as a step of the runtime image's own build; a
 * GitHub Actions step it removes must not be read through its `id` by what stays in its job.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';
import { expressionsIn, stepRefs } from '../../src/plan/removed-names.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /src/app .\n',
  Dockerfile: 'FROM debian:bookworm-slim\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n',
};
const PREPARE = 'docker build -t c:build -f Dockerfile.build . && docker create --name c-x c:build && docker cp c-x:/src/app ./app && docker rm c-x';

function pkg(scripts: Record<string, string>): string {
  return `${JSON.stringify({ name: 'c', private: true, scripts }, null, 2)}\n`;
}

function outcome(files: Record<string, string>) {
  const plan = planFiles({ ...BASE, ...files });
  const setup = plan.setups[0]!;
  return {
    status: setup.status,
    errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`),
    messages: setup.diagnostics.filter((d) => d.code === 'REMOVED_NAME_USED').map((d) => d.message),
    changes: plan.changes.map((c) => c.path),
  };
}

describe('an npm script the migration deletes', () => {
  const scripts = { 'prepare-bin': PREPARE, image: 'npm run prepare-bin && docker build -t c:latest . && rm app' };

  it('goes when only the script that builds the runtime image runs it', () => {
    expect(outcome({ 'package.json': pkg(scripts) })).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('refuses a shell script that still runs it, naming the call', () => {
    const r = outcome({ 'package.json': pkg(scripts), 'scripts/dev-binary.sh': '#!/bin/sh\n# a fresh binary\nnpm run prepare-bin\n' });
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['REMOVED_NAME_USED scripts/dev-binary.sh:3']);
    expect(r.messages[0]).toContain('`npm run prepare-bin` runs the script "prepare-bin" of package.json, which the migration deletes');
    expect(r.messages[0]).toContain('Missing script: "prepare-bin"');
  });

  it('refuses the other runners of npm scripts: npm with its options, bun, npm-run-all, concurrently, turbo, npx', () => {
    for (const dev of ['npm --prefix . run prepare-bin', 'bun run prepare-bin', 'run-s prepare-bin lint', 'run-p "prepare-*"', 'npm-run-all prepare-bin', 'concurrently "npm:prepare-bin" "npm:lint"', 'concurrently "npm run prepare-bin"', 'turbo run prepare-bin', 'npx run-s prepare-bin']) {
      const r = outcome({ 'package.json': pkg({ ...scripts, lint: 'echo lint', dev }) });
      expect([dev, r.status], r.errors.join()).toEqual([dev, 'refused']);
    }
    // a call of other scripts, or of a tool's own command, changes nothing
    for (const dev of ['run-s lint', 'concurrently "npm:lint"', 'bun test', 'npx tsc --noEmit', 'npm --prefix . run lint']) {
      expect([dev, outcome({ 'package.json': pkg({ ...scripts, lint: 'echo lint', dev }) }).status]).toEqual([dev, 'migrate']);
    }
  });

  it('refuses a CI step, and the yarn and pnpm spellings of the call', () => {
    const ci = 'on: [push]\njobs:\n  binary:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run prepare-bin\n';
    expect(outcome({ 'package.json': pkg(scripts), '.github/workflows/ci.yml': ci }).errors).toEqual(['REMOVED_NAME_USED .github/workflows/ci.yml:7']);
    expect(outcome({ 'package.json': pkg(scripts), 'dev.sh': '#!/bin/sh\nyarn prepare-bin\n' }).errors).toEqual(['REMOVED_NAME_USED dev.sh:2']);
    expect(outcome({ 'package.json': pkg(scripts), 'dev.sh': '#!/bin/sh\npnpm run prepare-bin\n' }).errors).toEqual(['REMOVED_NAME_USED dev.sh:2']);
  });

  it('lets a caller of the script that stays be', () => {
    expect(outcome({ 'package.json': pkg(scripts), 'dev.sh': '#!/bin/sh\nnpm run image\n' })).toMatchObject({ status: 'migrate', errors: [] });
    expect(outcome({ 'package.json': pkg(scripts), 'dev.sh': '#!/bin/sh\nnpm test\n' })).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('refuses a sibling script that only runs it: run on its own, it would be deleted too', () => {
    const r = outcome({ 'package.json': pkg({ ...scripts, refresh: 'npm run prepare-bin' }) });
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['REMOVED_NAME_USED package.json:7']);
    expect(r.messages[0]).toContain('no script that builds the runtime image runs it');
    // And one that would stay, emptied of the call.
    expect(outcome({ 'package.json': pkg({ ...scripts, refresh: 'npm run prepare-bin && echo fresh' }) }).errors).toEqual(['REMOVED_NAME_USED package.json:7']);
  });

  it('lets a chain of helpers go when the image\'s script runs them all', () => {
    const chain = { image: 'npm run prepare-bin && docker build -t c:latest . && rm app', extract: PREPARE, 'prepare-bin': 'npm run extract' };
    expect(outcome({ 'package.json': pkg(chain) })).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('refuses a pre hook that stays: npm ran it only around the script that goes', () => {
    const r = outcome({ 'package.json': pkg({ 'preprepare-bin': 'mkdir -p logs', ...scripts }) });
    expect(r.status).toBe('refused');
    expect(r.messages.some((m) => m.includes('the script "preprepare-bin" of package.json stays, but npm runs it only around "prepare-bin"'))).toBe(true);
  });
});

describe('a Make target whose recipe the migration empties', () => {
  const makefile = ['bin:', '\tdocker build -t c:build -f Dockerfile.build .', '\tdocker create --name c-x c:build', '\tdocker cp c-x:/src/app ./app', '\tdocker rm c-x', '', 'image: bin', '\tdocker build -t c:latest .', '\trm app', '', '.PHONY: bin image', ''].join('\n');

  it('empties it when only the image\'s target runs it', () => {
    expect(outcome({ Makefile: makefile })).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('refuses `make bin` elsewhere (it would do nothing), and a target that has it as a prerequisite', () => {
    const r = outcome({ Makefile: makefile, 'dev.sh': '#!/bin/sh\nmake bin\n' });
    expect(r.errors).toEqual(['REMOVED_NAME_USED dev.sh:2']);
    expect(r.messages[0]).toContain('`make bin` runs the target bin of Makefile, whose recipe the migration empties');
    expect(outcome({ Makefile: `${makefile}refresh: bin\n\techo refreshed\n` }).status).toBe('refused');
  });

  it('lets `make image` and `make -C . image` be', () => {
    expect(outcome({ Makefile: makefile, 'dev.sh': '#!/bin/sh\nmake image\nmake -C . image -j 4\n' }).status).toBe('migrate');
  });
});

describe('a GitHub Actions step the migration removes', () => {
  const workflow = (after: string[]) =>
    [
      'on: [push]',
      'jobs:',
      '  image:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - id: builder',
      '        run: docker build -t c:build -f Dockerfile.build .',
      '      - id: extract',
      '        run: |',
      '          docker create --name c-x c:build',
      '          docker cp c-x:/src/app ./app',
      '          docker rm c-x',
      '      - run: docker build -t c:latest .',
      ...after,
      '',
    ].join('\n');
  const file = '.github/workflows/image.yml';

  it('goes with its id when nothing reads it', () => {
    expect(outcome({ [file]: workflow(['      - run: docker run --rm c:latest app']) })).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('refuses an `if:` without `${{ }}` that reads it', () => {
    const r = outcome({ [file]: workflow(["      - if: steps.builder.outcome == 'success'", '        run: docker run --rm c:latest app']) });
    expect(r.errors).toEqual([`REMOVED_NAME_USED ${file}:15`]);
    expect(r.messages[0]).toContain(`reads steps.builder, the step with \`id: builder\` (${file}:7), which the migration removes`);
  });

  it('refuses a `${{ }}` in a run text, in env, and the index spelling', () => {
    expect(outcome({ [file]: workflow(['      - run: |', '          echo ok', '          echo "${{ steps.extract.outcome }}"']) }).errors).toEqual([`REMOVED_NAME_USED ${file}:17`]);
    expect(outcome({ [file]: workflow(['      - run: echo "$B"', '        env:', "          B: ${{ steps['Builder'].conclusion }}"]) }).errors).toEqual([`REMOVED_NAME_USED ${file}:17`]);
  });

  it('lets a string that only looks like a read be, and a step of another id', () => {
    expect(outcome({ [file]: workflow(["      - run: echo \"${{ format('steps.builder') }}\""]) }).status).toBe('migrate');
    expect(outcome({ [file]: workflow(['      - if: steps.builder2.outcome', '        run: echo hi']) }).status).toBe('migrate');
  });
});

describe('the GitHub expression scan', () => {
  it('finds the steps a text reads', () => {
    expect(expressionsIn("a ${{ steps.x.outcome }} b ${{ '}}' || steps['y'].outputs.z }}")).toEqual([' steps.x.outcome ', " '}}' || steps['y'].outputs.z "]);
    expect(stepRefs("steps.builder.outcome == 'success' && STEPS . Extract .conclusion")).toEqual(['builder', 'extract']);
    expect(stepRefs("steps['it''s'].outcome")).toEqual(["it's"]);
    expect(stepRefs("github.steps.x || 'steps.y' || steps.*.outcome")).toEqual(['*']);
  });
});

/**
 * Conditions a host file puts on whole snippets: a GitHub Actions step's `if:` and Make's
 * `ifeq`/`ifdef` … `else` … `endif`. A setup whose steps are not all under the same condition is
 * refused (CONDITIONAL_STEP); one wholly under one condition migrates.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const EXTRACT = 'docker create --name x app:build && docker cp x:/out/app ./app && docker rm x';
const FINAL = 'docker build -t app:latest .';
const errorCodes = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const conditionalMessage = (p: Plan) => {
  expect(p.setups).toHaveLength(1);
  expect(errorCodes(p)).toEqual(['CONDITIONAL_STEP']);
  expect(p.changes).toEqual([]);
  return p.setups[0]!.diagnostics.find((d) => d.code === 'CONDITIONAL_STEP')!.message;
};
const migrates = (p: Plan) => {
  expect(p.setups).toHaveLength(1);
  expect(errorCodes(p)).toEqual([]);
  expect(p.setups[0]!.status).toBe('migrate');
};

const workflow = (steps: [string | null, string][]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  '.github/workflows/ci.yml': ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', ...steps.flatMap(([cond, run]) => (cond === null ? [`      - run: ${run}`] : [`      - if: ${cond}`, `        run: ${run}`])), ''].join('\n'),
});

describe('GitHub Actions step `if:`', () => {
  it('an extraction step with an `if:` the builds are not under is refused, and the message names the condition', () => {
    const msg = conditionalMessage(planFiles(workflow([[null, BUILD], ["github.event_name == 'push'", EXTRACT], [null, FINAL]])));
    expect(msg).toContain("runs only in a step with `if: github.event_name == 'push'`");
  });

  it('a runtime build step under an `if:` is refused', () => {
    conditionalMessage(planFiles(workflow([[null, BUILD], [null, EXTRACT], ['github.ref == \'refs/heads/main\'', FINAL]])));
  });

  it('every step under the same `if:` migrates; conditions that hold on every successful run count as none', () => {
    const cond = "github.event_name == 'push'";
    migrates(planFiles(workflow([[cond, BUILD], [cond, EXTRACT], [cond, FINAL]])));
    migrates(planFiles(workflow([['success()', BUILD], ['${{ always() }}', EXTRACT], [null, FINAL]])));
  });

  it('the same text reading what the job changes (step outputs, files) is not the same condition', () => {
    const cond = "steps.cache.outputs.hit != 'true'";
    conditionalMessage(planFiles(workflow([[cond, BUILD], [cond, EXTRACT], [cond, FINAL]])));
    const files = "hashFiles('app') == ''";
    conditionalMessage(planFiles(workflow([[files, BUILD], [files, EXTRACT], [files, FINAL]])));
  });

  it('conditions of different text are different branches', () => {
    conditionalMessage(planFiles(workflow([["github.event_name == 'push'", BUILD], ["github.event_name == 'push'", EXTRACT], ["github.actor == 'bot'", FINAL]])));
  });
});

const makefile = (text: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Makefile: text });

describe('Make conditionals', () => {
  it('extraction lines inside `ifeq … endif` of the recipe are refused, with the directive in the message', () => {
    const msg = conditionalMessage(planFiles(makefile(`image:\n\t${BUILD}\nifeq ($(CI),true)\n\t${EXTRACT}\nendif\n\t${FINAL}\n`)));
    expect(msg).toContain('inside `ifeq ($(CI),true)` … `endif` of the Makefile (line 3');
  });

  it('a cleanup inside an `else` branch is refused', () => {
    const msg = conditionalMessage(planFiles(makefile(`image:\n\t${BUILD}\n\t${EXTRACT}\n\t${FINAL}\nifdef KEEP\n\t@echo kept\nelse\n\trm -f app\nendif\n`)));
    expect(msg).toContain('`ifdef KEEP` … `else` … `endif`');
  });

  it('a rule after a recipe, in a conditional (read by the grammar as part of that recipe), is its own rule in that branch', () => {
    const text = `builder:\n\t${BUILD}\n\nifeq ($(CI),true)\nextract: builder\n\t${EXTRACT}\nelse\nextract: builder\n\ttrue\nendif\n\nimage: extract\n\t${FINAL}\n`;
    const msg = conditionalMessage(planFiles(makefile(text)));
    expect(msg).toMatch(/the extraction step `docker create --name x app:build` \(Makefile:6\) runs only inside `ifeq/);
  });

  it('a whole setup inside one conditional migrates (rules in a top-level `ifndef` are read)', () => {
    const text = `ifndef SKIP\nimage:\n\t${BUILD}\n\t${EXTRACT}\n\t${FINAL}\nelse\nimage:\n\t@echo skipped\nendif\n`;
    const p = planFiles(makefile(text));
    migrates(p);
    expect(p.changes.find((c) => c.path === 'Makefile')!.after).toBe(`ifndef SKIP\nimage:\n\t${FINAL}\nelse\nimage:\n\t@echo skipped\nendif\n`);
  });

  it('a variable assigned inside a conditional has no known value (one value for the run: the builder build stays as written)', () => {
    const text = `TAG := app\nifdef CI\nTAG := ci-app\nendif\nimage:\n\tdocker build -t $(TAG):build -f Dockerfile.build .\n\tdocker create --name x $(TAG):build && docker cp x:/out/app ./app && docker rm x\n\t${FINAL}\n`;
    const p = planFiles(makefile(text));
    migrates(p);
    expect(p.changes.find((c) => c.path === 'Makefile')!.after).toBe(`TAG := app\nifdef CI\nTAG := ci-app\nendif\nimage:\n\tdocker build --target builder -t $(TAG):build -f Dockerfile .\n\t${FINAL}\n`);
  });
});

const azure = (steps: [string | null, string][]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'azure-pipelines.yml': ['pool:', '  vmImage: ubuntu-latest', 'steps:', ...steps.flatMap(([cond, run]) => [`  - bash: ${run}`, ...(cond === null ? [] : [`    condition: ${cond}`])]), ''].join('\n'),
});

describe('Azure Pipelines step `condition:`', () => {
  it('an extraction step with a condition the builds are not under is refused, naming the condition', () => {
    const msg = conditionalMessage(planFiles(azure([[null, BUILD], ["eq(variables['Build.Reason'], 'PullRequest')", EXTRACT], [null, FINAL]])));
    expect(msg).toContain("runs only in a step with `condition: eq(variables['Build.Reason'], 'PullRequest')`");
  });

  it('the same condition reading no variable on every step migrates; one reading a variable never counts as shared', () => {
    migrates(planFiles(azure([["eq(parameters.publish, true)", BUILD], ["eq(parameters.publish, true)", EXTRACT], ["eq(parameters.publish, true)", FINAL]])));
    conditionalMessage(planFiles(azure([["eq(variables.publish, 'yes')", BUILD], ["eq(variables.publish, 'yes')", EXTRACT], ["eq(variables.publish, 'yes')", FINAL]])));
  });

  it('succeeded(), always() and succeededOrFailed() hold on every successful run', () => {
    for (const c of ['succeeded()', 'always()', 'succeededOrFailed()']) migrates(planFiles(azure([[null, BUILD], [c, EXTRACT], [null, FINAL]])));
  });
});

const circleci = (steps: string[][]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  '.circleci/config.yml': ['version: 2.1', 'jobs:', '  image:', '    machine:', '      image: ubuntu-2204:current', '    steps:', '      - checkout', ...steps.flat(), 'workflows:', '  build:', '    jobs:', '      - image', ''].join('\n'),
});
const run = (command: string, when?: string) => ['      - run:', `          command: ${command}`, ...(when ? [`          when: ${when}`] : [])];

describe('CircleCI step conditions', () => {
  it('a run step with `when: on_fail` is refused; `on_success` and `always` are every successful run', () => {
    expect(conditionalMessage(planFiles(circleci([run(BUILD), run(EXTRACT, 'on_fail'), run(FINAL)])))).toContain('runs only in a step with `when: on_fail`');
    for (const w of ['on_success', 'always']) migrates(planFiles(circleci([run(BUILD), run(EXTRACT, w), run(FINAL)])));
  });

  it('docker inside a `when:` or `unless:` step is said to be unread, never silently passed over', () => {
    for (const gate of ['when', 'unless']) {
      const p = planFiles(circleci([run(BUILD), [`      - ${gate}:`, '          condition: << pipeline.parameters.extract >>', '          steps:', ...run(EXTRACT).map((l) => `      ${l}`)], run(FINAL)]));
      expect(p.diagnostics.filter((d) => d.code === 'SHELL_NOT_READ').map((d) => d.line)).toEqual([10]);
      expect(p.changes).toEqual([]);
    }
  });
});

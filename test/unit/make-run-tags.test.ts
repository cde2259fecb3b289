import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';

const DEFS = 'IMAGE ?= registry.example.com/team/app\nVERSION := $(shell git describe --tags --always 2>/dev/null || echo dev)\n\n';
/** The builder image made and read in one rule, the final image built by a rule that needs it. */
const TWO_RULES = '.PHONY: build image\nbuild:\n\tdocker build -t $(IMAGE)-builder:$(VERSION) -f Dockerfile.build .\n\tdocker run --rm $(IMAGE)-builder:$(VERSION) cat /out/app > app\n\nimage: build\n\tdocker build -t $(IMAGE):$(VERSION) .\n';
/** Everything in one rule, the artifact taken out with `docker create`/`docker cp`. */
const ONE_RULE = 'image:\n\tdocker build -t $(IMAGE)-builder:$(VERSION) -f Dockerfile.build .\n\tdocker create --name x $(IMAGE)-builder:$(VERSION)\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t $(IMAGE):$(VERSION) .\n';

const repo = (makefile: string, extra: Record<string, string> = {}) => ({ Makefile: makefile, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', ...extra });

function errorsOf(files: Record<string, string>) {
  const plan = planFiles(files);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  return plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
}

function migratedMakefile(files: Record<string, string>): string {
  const plan = planFiles(files);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  expect(plan.setups[0]!.status, JSON.stringify(plan.setups[0]!.diagnostics)).toBe('migrate');
  return applied(files, plan).Makefile!;
}

describe('a builder tag of Make variables, in the recipe lines of one run of make', () => {
  it('migrates the same expansion of variables Make gives one value for the run, in one rule or along a prerequisite chain', () => {
    expect(migratedMakefile(repo(DEFS + TWO_RULES))).toBe(`${DEFS}.PHONY: build image\nbuild:\n\tdocker build --target builder -t $(IMAGE)-builder:$(VERSION) -f Dockerfile .\n\nimage: build\n\tdocker build -t $(IMAGE):$(VERSION) .\n`);
    expect(migratedMakefile(repo(DEFS + ONE_RULE))).toBe(`${DEFS}image:\n\tdocker build --target builder -t $(IMAGE)-builder:$(VERSION) -f Dockerfile .\n\tdocker build -t $(IMAGE):$(VERSION) .\n`);
    // `!=` and `::=` run the command once too; a recursive value with no such function, or `$(origin …)`, reads the same each time.
    for (const defs of ['VERSION != git describe --tags --always\n', 'VERSION ::= $(shell git describe)\n', 'V := $(shell git describe)\nVERSION = $(V)-$(origin V)\n']) {
      expect(errorsOf(repo(defs + ONE_RULE))).toEqual([]);
    }
    // The builder build stays for whatever picks the name; the note shows the Makefile's text.
    expect(planFiles(repo(DEFS + TWO_RULES)).setups[0]!.notes.find((n) => n.startsWith('the builder build stays'))).toContain('because its tag $(IMAGE)-builder:$(VERSION) (Makefile:6) is only known at run time');
    // A value only the caller gives (`make IMAGE=… VERSION=…`, the environment) is one value for the run.
    expect(errorsOf(repo(ONE_RULE))).toEqual([]);
  });

  it('refuses a variable Make expands anew at each use with a function that may give another value, and says so', () => {
    const errors = errorsOf(repo(DEFS.replace('VERSION :=', 'VERSION ?=') + TWO_RULES));
    expect(errors.map((d) => d.code)).toEqual(['DYNAMIC_IMAGE']);
    expect(errors[0]!.message).toBe(
      "the builder image's tag `$(IMAGE)-builder:$(VERSION)` is only known at run time, and `docker run --rm $(IMAGE)-builder:$(VERSION) cat /out/app > app` may not use the image built at line 6: `VERSION ?= …` (line 2) is expanded again at each use, and its value calls `$(shell …)` each time, so the two expansions may differ",
    );
    for (const defs of ['VERSION = $(wildcard *.go)\n', 'TS = $(shell date +%s)\nVERSION = v$(TS)\n', 'f = $(shell date +%s)\nVERSION = $(call f)\n', 'define VERSION\n$(shell date +%s)\nendef\n']) {
      expect(errorsOf(repo(defs + ONE_RULE)).map((d) => d.code), defs).toEqual(['DYNAMIC_IMAGE']);
    }
  });

  it('refuses what may differ between the two recipe lines: a value of their own for some targets, a file it includes', () => {
    const perTarget = `${DEFS}build: VERSION := one\n${TWO_RULES}`;
    expect(errorsOf(repo(perTarget)).map((d) => d.code)).toEqual(['DYNAMIC_IMAGE']);
    expect(errorsOf(repo(`include vars.mk\n${DEFS}${TWO_RULES}`, { 'vars.mk': 'VERSION = $(shell date +%s)\n' })).map((d) => d.code)).toContain('DYNAMIC_IMAGE');
  });

  it('does not take two expansions of a variable Make expands anew in one recipe line as one', () => {
    const line = 'VERSION = $(shell date +%s%N)\nimage:\n\tdocker build -t app-builder:$(VERSION) -f Dockerfile.build . && docker run --rm app-builder:$(VERSION) cat /out/app > app\n\tdocker build -t app:latest .\n';
    const plan = planFiles(repo(line));
    expect(plan.setups.filter((s) => s.status === 'migrate')).toEqual([]);
  });
});

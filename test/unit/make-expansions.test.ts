/**
 * What a Makefile runs as Make expands its text: a variable that names other variables
 * (`RUN = docker run --rm $(IMAGE):builder`), a `$(shell …)` in a recipe or a variable, a
 * `NAME != …` assignment (src/analyze/hosts/make-variables.ts, makefile.ts). Each used the
 * builder image or the artifact unseen, so the migration deleted the builder build or the
 * artifact a kept command still needed.
 */
import { describe, expect, it } from 'vitest';
import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { makeVariables } from '../../src/analyze/hosts/make-variables.js';
import { parseWith } from '../../src/analyze/tree-sitter.js';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const vars = (text: string) => Object.fromEntries(makeVariables(parseWith('tree-sitter-make', text), text));

describe('Make variables the file decides', () => {
  it('expands a recursive variable with the final values of what it names, a simple one at once', () => {
    const text = ['RUN = docker run $(IMAGE):b', 'IMAGE = one', 'EARLY := $(IMAGE)-x', 'IMAGE = two', 'BRACED = ${IMAGE}/y', ''].join('\n');
    expect(vars(text)).toEqual({ RUN: 'docker run two:b', IMAGE: 'two', EARLY: 'one-x', BRACED: 'two/y' });
  });

  it('lets `?=` define only a variable no assignment before it did', () => {
    expect(vars('IMAGE = one\nIMAGE ?= two\nOTHER ?= three\n')).toEqual({ IMAGE: 'one', OTHER: 'three' });
  });

  it('takes back what `undefine` undefines: the value of the environment, unknown, holds after it', () => {
    // GNU make 4.3: `BIN = /out/app`, `undefine BIN`: a recipe's $(BIN) is empty (or the environment's)
    expect(vars('BIN = /out/app\nundefine BIN\n')).toEqual({});
    expect(vars('BIN = /out/app\noverride undefine BIN\nBIN ?= /out/other\n')).toEqual({ BIN: '/out/other' });
    expect(vars('BIN = /out/app\nifdef CI\nundefine BIN\nendif\n')).toEqual({ BIN: null });
  });

  it('reads no one value in a `:=` after a conditional assigning what it expands', () => {
    // GNU make 4.3: `make` echoes a, `CI=1 make` echoes b
    expect(vars('BIN = a\nifdef CI\nBIN = b\nendif\nX := $(BIN)\nY := $(BIN)-y\n')).toEqual({ BIN: null, X: null, Y: null });
    expect(vars('BIN = a\nX := $(BIN)\nifdef CI\nBIN = b\nendif\n')).toEqual({ BIN: null, X: 'a' });
  });

  it('leaves unknown a variable the file assigns as private outside a rule, which no recipe inherits', () => {
    // GNU make 4.3: a recipe's $(BIN) is empty in both
    expect(vars('BIN = /out/app\nprivate BIN = /out/other\n').BIN).toBeNull();
    expect(vars('private BIN = /out/other\nBIN = /out/app\nX := $(BIN)\n')).toEqual({ BIN: null, X: '/out/app' });
  });

  it('leaves unknown a variable MAKEFLAGS sets in the file, which GNU make reads once the file is read', () => {
    // GNU make 4.3: `make` with `MAKEFLAGS += BIN=other` echoes other in a recipe reading $(BIN), X stays app
    expect(vars('BIN = app\nX := $(BIN)\nMAKEFLAGS += -j4 --jobs=4 BIN=other\n')).toEqual({ BIN: null, X: 'app', MAKEFLAGS: null });
    expect(vars('BIN = app\nMAKEFLAGS += $(FLAGS)\n')).toEqual({ BIN: null, MAKEFLAGS: null });
    expect(vars('BIN = app\nMAKEFLAGS += -k\n')).toEqual({ BIN: 'app', MAKEFLAGS: null });
    expect(vars('BIN = app\nMAKEFLAGS += -j$(NPROC) --jobs=$(shell nproc) OTHER=$(X)\n')).toEqual({ BIN: 'app', MAKEFLAGS: null, OTHER: null });
  });

  it('leaves unknown what Make only knows when it runs, or what the shell would read otherwise', () => {
    const text = [
      'A += x',
      'B != date',
      'C = $(shell date)',
      'D = $(NOWHERE)/x',
      'E = --label "a b"',
      'F = $$HOME',
      'image: G = x',
      'H = $(H) more',
      'define I',
      'docker run x',
      'endef',
      'ifeq ($(X),1)',
      'J = 1',
      'endif',
      'K = $(C)',
      '',
    ].join('\n');
    expect(vars(text)).toEqual({ A: null, B: null, C: null, D: null, E: null, F: null, G: null, H: null, I: null, J: null, K: null });
  });
});

describe('Make expansions', () => {
  it('reads each `$(shell …)` and `!=` command as an entry that is no target', () => {
    const text = ['V := $(shell cat version.txt)', 'S != sha256sum app', 'image:', '\techo $(shell docker images -q $(V)) > ids', ''].join('\n');
    const script = parseMakefile('Makefile', text).script!;
    expect(script.entries).toEqual(['image', '$(shell …) at line 1', '$(shell …) at line 2', '$(shell …) at line 4']);
    expect(script.expansionSequences).toEqual([1, 2, 3]);
    expect(script.sequences.slice(1).map((seq) => seq.map((c) => c.words.map((w) => w.value ?? '?').join(' ')))).toEqual([['cat version.txt'], ['sha256sum app'], ['docker images -q ?']]);
  });
});

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n';
const BASE = { 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n', 'main.go': 'package main\n' };
const RECIPE = ['\tdocker build -t $(IMAGE):builder -f Dockerfile.build .', '\tdocker create --name relay-x $(IMAGE):builder', '\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t $(IMAGE):latest .'];

function plan(makefile: string[]): { plan: Plan; out: Record<string, string> } {
  const files = { ...BASE, Makefile: ['IMAGE ?= example/relay', ...makefile, ''].join('\n') };
  const p = planFiles(files);
  expect(p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error')).map((d) => d.code)).toEqual([]);
  return { plan: p, out: applied(files, p) };
}

describe('kept Make commands that use the builder image or the artifact through an expansion', () => {
  it('keeps the builder image built for a recipe running it through a variable', () => {
    const { out } = plan(['RUNB = docker run --rm $(IMAGE):builder', 'image:', ...RECIPE, '\t$(RUNB) go version > gover.txt']);
    expect(out['Makefile']).toContain('docker build --target builder -t $(IMAGE):builder');
  });

  it('keeps the builder image built for a `$(shell …)` in a recipe', () => {
    const { out } = plan(['image:', ...RECIPE, '\techo $(shell docker run --rm $(IMAGE):builder go version) > gover.txt']);
    expect(out['Makefile']).toContain('docker build --target builder -t $(IMAGE):builder');
  });

  it('keeps the builder image built for a `$(shell …)` in a variable, and the artifact for a `!=` that reads it', () => {
    const { out } = plan(['ID := $(shell docker image inspect -f {{.Id}} $(IMAGE):builder)', 'SUM != sha256sum relay', 'image:', ...RECIPE, 'show:', '\techo $(ID) $(SUM)']);
    expect(out['Makefile']).toContain('docker build --target builder -t $(IMAGE):builder');
    expect(out['Dockerfile']).toMatch(/^FROM scratch AS export\nCOPY --from=builder \/out\/relay \/relay\n/m);
  });
});

describe('a `$(wildcard …)` Make expands (a listing of the files its patterns match)', () => {
  it('keeps the artifact on the host for one a later target expands that matches it', () => {
    for (const call of ['$(wildcard rel*)', '$(wildcard relay)', '${wildcard ./relay docs/*.md}', '$(wildcard $(NAME))']) {
      const { plan: p, out } = plan(['image:', ...RECIPE, 'manifest: image', `	echo ${call} > MANIFEST`]);
      expect(out['Dockerfile'], call).toMatch(/^FROM scratch AS export$/m);
      expect(p.setups[0]!.notes.find((n) => n.startsWith('relay is still needed on the host')), call).toContain(`\`${call}\` (Makefile:`);
    }
  });

  it('changes nothing for one that cannot match it', () => {
    const { out } = plan(['image:', ...RECIPE, 'docs: image', '	echo $(wildcard docs/*.md) > INDEX']);
    expect(out['Dockerfile']).not.toMatch(/AS export/);
  });
});

describe('a make run that names the builder image otherwise (src/plan/make-overrides.ts)', () => {
  const makefile = ['BUILDER ?= example/relay-build', 'image:', '\tdocker build -t $(BUILDER) -f Dockerfile.build .', '\tdocker create --name relay-x $(BUILDER)', '\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t example/relay:latest .', '\trm -f relay', ''].join('\n');
  const migrated = (ci: string) => {
    const files = { ...BASE, Makefile: makefile, 'ci.sh': `#!/bin/sh\nset -e\n${ci}docker run --rm ci/relay-build go version\n` };
    const p = planFiles(files);
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
    return applied(files, p)['Makefile']!;
  };

  it('keeps the builder build as written when a caller sets the variable, as an argument or in its environment', () => {
    for (const call of ['make image BUILDER=ci/relay-build\n', 'BUILDER=ci/relay-build make image\n', 'export BUILDER=ci/relay-build\nmake -C . image\n']) {
      expect(migrated(call), call).toContain('\tdocker build --target builder -t $(BUILDER) -f Dockerfile .\n');
    }
  });

  it('deletes it when no make run sets the variable', () => {
    expect(migrated('make image OTHER=1\n')).not.toContain('--target builder');
  });
});

describe('Make expansions the reader does not model, next to edited recipe lines', () => {
  it('keep their bytes in the rewritten recipe: carried into the export build, and beside a removed command', () => {
    const builder = 'FROM busybox:latest\nARG V\nRUN mkdir -p /out && echo "$V" > /out/app\n';
    const mk = [
      'tag = $(1)-$(shell echo v1)',
      'image:',
      '\techo $(foreach d,a b,$(d)x) ${call tag,pre}',
      '\tdocker build --build-arg V=$$HOME-$(call tag,a b) --label "l=$(strip  a  b ) $$USER" -t app:build -f Dockerfile.build .',
      '\tdocker create --name cont app:build',
      '\tdocker cp cont:/out/app app; echo $(call tag,cp) $$HOME',
      '\tdocker rm cont',
      '\tdocker build -t app:latest .',
      '\tcat app $(wildcard *.md) $(if $(X),a,b)',
      '',
    ].join('\n');
    const files = { 'Dockerfile.build': builder, Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n', Makefile: mk };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan)['Makefile']).toBe(
      [
        'tag = $(1)-$(shell echo v1)',
        'image:',
        '\techo $(foreach d,a b,$(d)x) ${call tag,pre}',
        '\techo $(call tag,cp) $$HOME',
        '\tdocker build --target export --output type=local,dest=. -f Dockerfile --build-arg V=$$HOME-$(call tag,a b) --label "l=$(strip  a  b ) $$USER" .',
        '\tdocker build --build-arg V=$$HOME-$(call tag,a b) -t app:latest .',
        '\tcat app $(wildcard *.md) $(if $(X),a,b)',
        '',
      ].join('\n'),
    );
  });
});

describe('a final tag holding a Make expansion the reader does not model', () => {
  it('is shown as the Makefile writes it, not by the name the recipe is read with', () => {
    const files = {
      'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      Makefile: ['tag = reg.example.com/$(1)', 'image:', '\tdocker build -t app:build -f Dockerfile.build .', '\tdocker create --name cont app:build', '\tdocker cp cont:/out/app app', '\tdocker rm cont', '\tdocker build -t $(call tag,app):latest .', ''].join('\n'),
    };
    const [setup] = planFiles(files).setups;
    expect(setup!.status).toBe('migrate');
    expect(setup!.finalTags).toEqual(['$(call tag,app):latest']);
    expect(setup!.notes.find((n) => n.includes('the final build of'))).toContain('the final build of $(call tag,app):latest stays');
  });
});

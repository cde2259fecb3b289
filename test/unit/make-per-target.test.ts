/**
 * A Make variable whose value differs from one rule's recipe to another's (a target-specific or
 * pattern-specific assignment, a recursive value naming `$@`) read by a builder build flag the
 * final build in another rule would carry: there it reads another value
 * (src/analyze/hosts/make-variables.ts perTargetVariables): refused FLAG_CONFLICT.
 */
import { describe, expect, it } from 'vitest';
import { makeVariables, perTargetVariables } from '../../src/analyze/hosts/make-variables.js';
import { loadTreeSitter, parseWith } from '../../src/analyze/tree-sitter.js';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nARG MSG=default\nRUN mkdir -p /out && printf "%s" "$MSG" > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const BINARY = ['\tdocker build --build-arg MSG=$(MSG) -t demo:build -f Dockerfile.build .', '\tdocker create --name demo-x demo:build', '\tdocker cp demo-x:/out/app ./app', '\tdocker rm demo-x'];
const codes = (makefile: string) => planFiles({ ...BASE, Makefile: makefile }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
const two = (head: string) => `${head}\nimage: binary\n\tdocker build -t demo:latest .\n\nbinary:\n${BINARY.join('\n')}\n`;

describe('Make variables that differ per rule', () => {
  it('are the target- and pattern-specific ones, and recursive values naming an automatic variable', async () => {
    await loadTreeSitter();
    const names = (text: string) => [...perTargetVariables(parseWith('tree-sitter-make', text), text)].sort();
    expect(names('A := 1\nbin: B := 2\nbin%: C = 3\nD = $@\nE = $(D)-x\nF = $(A)\nG = $(@D)/out\n')).toEqual(['B', 'C', 'D', 'E', 'G']);
    // with a modifier, which the grammar reads as a rule holding an error at the `=`
    expect(names('bin: export H = 1.2.3\nbin%: private export I := 2\nall: override J = 3\n')).toEqual(['H', 'I', 'J']);
    // with a value the grammar reads otherwise, starting with `/`
    expect(names('bin: export PATH = /opt/bin\n')).toEqual(['PATH']);
    expect(names('bin: export PATH := /opt/docker-20/bin:$(PATH)\n')).toEqual(['PATH']);
  });

  it('refuse a builder build taking an exported target-specific value from its environment (--build-arg NAME, DOCKER_*)', () => {
    const env = (head: string, flag = '') => `${head}\nimage: binary\n\tdocker build -t demo:latest .\n\nbinary:\n${['\tdocker build ' + flag + '-t demo:build -f Dockerfile.build .', ...BINARY.slice(1)].join('\n')}\n`;
    expect(codes(env('binary: export MSG = 1.2.3', '--build-arg MSG '))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(env('binary: export DOCKER_DEFAULT_PLATFORM = linux/arm64'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(env('binary: export DOCKER_BUILDKIT = 0'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(env('export DOCKER_DEFAULT_PLATFORM = linux/arm64'))).toEqual([['migrate']]);
  });

  it('refuse a builder build flag reading one when the final build is in another rule', () => {
    expect(codes(two('MSG := one\nbinary: MSG := two'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(two('MSG := one\nbin%: MSG := two'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(two('MSG = $@'))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrate a variable with one value everywhere, or both builds in one rule', () => {
    expect(codes(two('MSG := one'))).toEqual([['migrate']]);
    expect(codes(`MSG := one\nimage: MSG := two\nimage:\n${BINARY.join('\n')}\n\tdocker build -t demo:latest .\n`)).toEqual([['migrate']]);
  });
});

describe('a target-specific value of a variable a setup reads as the file gives it', () => {
  // GNU make gives `image: BIN = other` in image's recipe and in the recipes of the prerequisites
  // it makes for image (not for `private`): `make image` copies /out/other.
  const mk = (head: string) => `.PHONY: image binary\n${head}\nimage: binary\n\tdocker build -t demo:latest .\n\nbinary:\n${BINARY.join('\n').replace('--build-arg MSG=$(MSG) ', '').replace('/out/app', '/out/$(BIN)')}\n`;
  it('gives the variable no one value in every recipe: with a modifier, or before the global assignment', async () => {
    await loadTreeSitter();
    const vars = (text: string) => Object.fromEntries(makeVariables(parseWith('tree-sitter-make', text), text));
    expect(vars('BIN = app\nimage: export BIN = other\n').BIN).toBeNull();
    expect(vars('image: BIN = other\nBIN = app\n').BIN).toBeNull();
    expect(vars('BIN = app\nima%: override BIN := other\n').BIN).toBeNull();
    expect(codes(mk('BIN = app\nimage: export BIN = other'))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
    expect(codes(mk('BIN = app\nimage: override BIN = other'))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
    expect(codes(mk('image: BIN = other\nBIN = app'))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
    expect(codes(mk('BIN = app'))).toEqual([['migrate']]);
  });
});

describe('a builder rule whose target names a file or folder the repository holds', () => {
  const mk = (phony: string) => `${phony}image: build\n\tdocker build -t demo:latest .\n\nbuild:\n${BINARY.join('\n').replace('--build-arg MSG=$(MSG) ', '')}\n`;
  it('is refused without .PHONY: Make runs it only when out of date (src/plan/make-up-to-date.ts)', () => {
    expect(planFiles({ ...BASE, 'build/README': 'notes\n', Makefile: mk('') }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))])).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });
  it('migrates when .PHONY lists it, or nothing of that name is there', () => {
    expect(planFiles({ ...BASE, 'build/README': 'notes\n', Makefile: mk('.PHONY: image build\n') }).setups.map((s) => s.status)).toEqual(['migrate']);
    expect(planFiles({ ...BASE, Makefile: mk('') }).setups.map((s) => s.status)).toEqual(['migrate']);
  });
});

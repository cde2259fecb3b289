/**
 * A recipe line's own shell variable is not Make's variable of the same name
 * (src/analyze/hosts/make-shell-names.ts): `$$TAG` of a variable the file does not export is
 * the environment's, and `TAG=other; … $(TAG)` still expands Make's TAG. Both were read as one
 * variable, and a setup whose builder image the old script never ran was migrated.
 */
import { describe, expect, it } from 'vitest';
import { shellNameUses } from '../../src/analyze/hosts/make-shell-names.js';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
};

function statuses(makefile: string[]) {
  const files = { ...BASE, Makefile: [...makefile, ''].join('\n') };
  const plan = planFiles(files);
  return { statuses: plan.setups.map((s) => s.status), codes: plan.setups.flatMap((s) => s.diagnostics.map((d) => d.code)).concat(plan.diagnostics.map((d) => d.code)), out: applied(files, plan) };
}

const TAIL = ['\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t $(TAG) .'];

describe("a recipe's shell variable beside Make's variable of the same name", () => {
  it('does not take `$$TAG` of a variable the file does not export for `$(TAG)`', () => {
    const r = statuses(['TAG = relay', 'image:', '\tdocker build -t $(TAG)-builder -f Dockerfile.build .', '\tdocker create --name relay-x $$TAG-builder', ...TAIL]);
    expect(r.statuses).toEqual([]);
    expect(r.codes).toContain('EXTRACTION_NOT_FOLLOWED');
    expect(r.out['Makefile']).toContain('$$TAG-builder');
  });

  it('takes it for one the file exports (the shell then has the file value)', () => {
    for (const head of [['export TAG = relay'], ['TAG = relay', 'export TAG'], ['TAG = relay', '.EXPORT_ALL_VARIABLES:']]) {
      const r = statuses([...head, 'image:', '\tdocker build -t $(TAG)-builder -f Dockerfile.build .', '\tdocker create --name relay-x $$TAG-builder', ...TAIL]);
      expect(r.statuses, head.join(' ')).toEqual(['migrate']);
    }
  });

  it('does not take it for one the file exports in some runs only (a conditional, a bare `unexport` after `export`)', () => {
    // GNU make 4.3: `$$TAG` is the environment's in the runs where the directive does not hold
    const heads = [
      ['TAG = relay', 'export', 'unexport'],
      ['TAG = relay', 'ifdef CI', 'export TAG', 'endif'],
      ['export TAG = relay', 'ifdef CI', 'unexport TAG', 'endif'],
      ['TAG = relay', 'ifdef CI', '.EXPORT_ALL_VARIABLES:', 'endif'],
      ['TAG = relay', 'export', 'unexport TAG'],
    ];
    for (const head of heads) {
      const r = statuses([...head, 'image:', '\tdocker build -t $(TAG)-builder -f Dockerfile.build .', '\tdocker create --name relay-x $$TAG-builder', ...TAIL]);
      expect(r.statuses, head.join(' ')).toEqual([]);
    }
    // (a name's own directive after the bare one, `.EXPORT_ALL_VARIABLES` over a bare `unexport`)
    for (const head of [['TAG = relay', 'unexport TAG', 'export TAG'], ['TAG = relay', '.EXPORT_ALL_VARIABLES:', 'unexport'], ['TAG = relay', 'ifdef CI', 'export', 'endif', 'export TAG']]) {
      const r = statuses([...head, 'image:', '\tdocker build -t $(TAG)-builder -f Dockerfile.build .', '\tdocker create --name relay-x $$TAG-builder', ...TAIL]);
      expect(r.statuses, head.join(' ')).toEqual(['migrate']);
    }
  });

  it('does not read `$(TAG)` after the line assigns its own TAG as that value', () => {
    for (const write of ['TAG=other;', 'for TAG in other; do :; done;', ': $${TAG:=other};']) {
      const line = `\t${write} docker build -t $(TAG)-builder -f Dockerfile.build . && docker create --name relay-x $$TAG-builder`;
      const r = statuses(['export TAG = relay', 'image:', line, ...TAIL]);
      expect(r.statuses, write).toEqual([]);
    }
  });

  it('still migrates a line whose own shell names the variable only inside a word (`--build-arg TAG=$(TAG)`)', () => {
    const r = statuses(['TAG = relay', 'image:', '\tdocker build --build-arg TAG=$(TAG) -t $(TAG)-builder -f Dockerfile.build .', '\tdocker create --name relay-x $(TAG)-builder', ...TAIL]);
    expect(r.statuses).toEqual(['migrate']);
  });

  it('under .ONESHELL, a write on one line holds for the later lines of the recipe', () => {
    const r = statuses(['.ONESHELL:', 'TAG = relay', 'image:', '\tTAG=other', '\tdocker build -t $(TAG)-builder -f Dockerfile.build .', '\tdocker create --name relay-x $$TAG-builder', ...TAIL]);
    expect(r.statuses).toEqual([]);
  });
});

describe('shellNameUses', () => {
  it('finds reads and writes outside the spans Make gave, and parses only when a name stands as a word', () => {
    const shell = 'TAG=x; echo $TAG ${OTHER} ${SET:=1} --arg=NAME ${MADE}';
    const made = shell.indexOf('${MADE}');
    expect(shellNameUses(shell, [[made, made + 7]], new Set(['TAG', 'OTHER', 'SET', 'NAME', 'MADE', 'ABSENT']))).toEqual({ writes: new Set(['TAG', 'SET']), reads: new Set(['TAG', 'OTHER']) });
  });
});

/**
 * When a Makefile's `$(shell …)` runs (src/analyze/hosts/makefile.ts, src/analyze/link.ts): Make
 * expands a recipe whole before it runs its first line, so a `$(shell mkdir -p bin)` in the
 * recipe has made bin by the time `docker cp x:/out/relay bin` runs, and the binary lands in
 * bin/. Read as an entry that may run at any time, it was left out of the folders made before
 * the copy: bin was taken for the binary itself, and `COPY bin/relay` became a copy of
 * /out/relay/relay, which does not exist. One outside the copy's recipe may have run or not.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY bin/relay /usr/local/bin/relay\n',
  'main.go': 'package main\n',
};
const STEPS = ['docker build -t relay-build -f Dockerfile.build .', 'docker create --name rx relay-build', 'docker cp rx:/out/relay bin', 'docker rm rx', 'docker build -t relay .'];
const recipe = (first: string) => [first, ...STEPS].map((l) => `\t${l}`).join('\n');

function plan(makefile: string, dockerfile = FILES.Dockerfile) {
  const files = { ...FILES, Dockerfile: dockerfile, Makefile: makefile };
  const p = planFiles(files);
  const setup = p.setups[0]!;
  return { setup, errors: setup.diagnostics.filter((d) => d.severity === 'error'), out: applied(files, p) };
}

describe('a `$(shell …)` that makes the folder a copy lands in', () => {
  it('in the copy\'s own recipe has run before its first line: the binary lands in the folder', () => {
    const { setup, out } = plan(`image:\n${recipe('@echo $(shell mkdir -p bin)')}\n`);
    expect(setup.status, JSON.stringify(setup.diagnostics)).toBe('migrate');
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/relay /usr/local/bin/relay\n');
  });

  it('in another recipe, or a variable, may have run or not: refused, naming it', () => {
    for (const [makefile, line] of [
      [`prepare:\n\t@echo $(shell mkdir -p bin)\nimage:\n${recipe('@echo building')}\n`, 2],
      [`OUT := $(shell mkdir -p bin && echo bin)\nimage:\n${recipe('@echo building in $(OUT)')}\n`, 1],
    ] as const) {
      const { setup, errors } = plan(makefile);
      expect(setup.status).toBe('refused');
      expect(errors.map((d) => d.code)).toEqual(['ARTIFACT_DEST_EXISTS']);
      expect(errors[0]!.message).toContain(`\`mkdir -p bin\` (Makefile:${line}), in a \`$(shell …)\` Make runs as it expands the text holding it, may have made or removed before it`);
    }
  });

  it('that makes another folder changes nothing: the binary is copied onto bin', () => {
    const { setup, out } = plan(`image:\n${recipe('@echo $(shell mkdir -p docs)')}\n`, 'FROM alpine:3.19\nCOPY bin /usr/local/bin/relay\n');
    expect(setup.status, JSON.stringify(setup.diagnostics)).toBe('migrate');
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/relay /usr/local/bin/relay\n');
  });
});

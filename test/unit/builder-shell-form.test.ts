/**
 * A builder whose container ran its own shell-form CMD or ENTRYPOINT (src/plan/run-step.ts):
 * `/bin/sh -c` and its text becomes the builder stage's RUN; written after another SHELL it is
 * refused (BUILDER_SHELL_FORM), since Docker runs it through that SHELL and buildah through
 * `/bin/sh -c`. The same reading decides `docker run IMG > f` with the image's own `cat`.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { defaultArgv } from '../../src/analyze/image-cat.js';
import type { RunStep } from '../../src/model/setup.js';
import { runStepLines } from '../../src/plan/run-step.js';

const run = { command: null, entrypoint: null, env: [], workdir: null, at: { file: 'build.sh', line: 3 } } as unknown as RunStep;

function step(text: string) {
  const facts = readDockerfile('Dockerfile.build', text);
  return runStepLines(run, facts, facts.stages.length - 1, ['/out/app'], 'build.sh:2');
}
const last = (text: string) => {
  const facts = readDockerfile('Dockerfile.build', text);
  return defaultArgv(facts, facts.stages[facts.stages.length - 1]!);
};

describe('a builder run through its shell-form CMD or ENTRYPOINT', () => {
  it('runs `/bin/sh -c` and the text, with no SHELL or SHELL ["/bin/sh", "-c"]', () => {
    expect(step('FROM golang:1.21\nCMD go build -o /out/app .\n').lines).toEqual(['RUN ["/bin/sh", "-c", "go build -o /out/app ."]']);
    expect(step('FROM golang:1.21\nSHELL ["/bin/sh", "-c"]\nENTRYPOINT go build -o /out/app .\n').lines).toEqual(['RUN ["/bin/sh", "-c", "go build -o /out/app ."]']);
    // a SHELL after the CMD does not reach it; exec forms never run through one
    expect(step('FROM golang:1.21\nCMD go build -o /out/app .\nSHELL ["/bin/sh", "-l", "-c"]\n').diagnostics).toEqual([]);
    expect(step('FROM golang:1.21\nSHELL ["/bin/sh", "-l", "-c"]\nCMD ["go", "build", "-o", "/out/app", "."]\n').lines).toEqual(['RUN ["go", "build", "-o", "/out/app", "."]']);
  });

  it('is refused after another SHELL, in its stage or one it starts FROM', () => {
    for (const text of [
      'FROM golang:1.21\nSHELL ["/bin/sh", "-l", "-c"]\nCMD go build -o /out/app .\n',
      'FROM golang:1.21\nSHELL ["/bin/sh", "-ec"]\nENTRYPOINT go build -o /out/app .\n',
      'FROM golang:1.21 AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM base\nCMD go build -o /out/app .\n',
      'FROM golang:1.21\nSHELL /bin/bash -c\nCMD go build -o /out/app .\n',
    ]) {
      const r = step(text);
      expect(r.lines, text).toEqual([]);
      expect(r.diagnostics.map((d) => d.code), text).toEqual(['BUILDER_SHELL_FORM']);
    }
  });

  it('reads the image\'s own `cat /p` only where /bin/sh -c runs it', () => {
    expect(last('FROM golang:1.21\nCMD cat /out/app\n')).toEqual(['/bin/sh', '-c', 'cat /out/app']);
    expect(last('FROM golang:1.21\nSHELL ["/bin/sh", "-l", "-c"]\nCMD cat /out/app\n')).toBeNull();
    expect(last('FROM golang:1.21\nSHELL ["/bin/sh", "-l", "-c"]\nCMD ["cat", "/out/app"]\n')).toEqual(['cat', '/out/app']);
    // a shell whose options only stop on errors or trace runs one simple command alike
    expect(last('FROM golang:1.21\nSHELL ["/bin/sh", "-ec"]\nCMD cat /out/app\n')).toEqual(['/bin/sh', '-c', 'cat /out/app']);
    expect(last('FROM golang:1.21\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nENTRYPOINT cat /out/app\n')).toEqual(['/bin/sh', '-c', 'cat /out/app']);
    expect(last('FROM golang:1.21\nSHELL ["/bin/bash", "-o", "posix", "-c"]\nENTRYPOINT cat /out/app\n')).toBeNull();
    expect(last('FROM golang:1.21\nSHELL ["/usr/bin/env", "-c"]\nENTRYPOINT cat /out/app\n')).toBeNull();
  });
});

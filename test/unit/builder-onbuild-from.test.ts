/**
 * A runtime stage FROM the builder image becomes a stage FROM the builder stage. Where that stage
 * has ONBUILD, the old runtime build fired the triggers as it started FROM the built image; FROM
 * a stage of the same file, BuildKit fires them by a rule that changed between releases, so the
 * merge is refused (transforms/dockerfile-merge.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm app\n';
const outcome = (builder: string, runtime: string) => {
  const s = planFiles({ 'build.sh': SCRIPT, 'Dockerfile.build': builder, Dockerfile: runtime, 'main.go': 'package main\n' }).setups[0]!;
  return { status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`) };
};

describe('a runtime stage FROM the builder image whose stage has ONBUILD', () => {
  const onbuild = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\nONBUILD RUN echo triggered > /trig\n';

  it('refuses, naming each such FROM', () => {
    expect(outcome(onbuild, 'FROM app:build\nCOPY app /usr/local/bin/app\n')).toEqual({ status: 'refused', errors: ['BUILDER_TAG_USED Dockerfile:1'] });
    expect(outcome(onbuild, 'FROM app:build AS t\nRUN cat /trig > /t2\nFROM app:build\nCOPY --from=t /t2 /t2\nCOPY app /usr/local/bin/app\n')).toEqual({ status: 'refused', errors: ['BUILDER_TAG_USED Dockerfile:1', 'BUILDER_TAG_USED Dockerfile:3'] });
  });

  it('migrates without ONBUILD in the builder stage, or where the runtime only copies from the builder image', () => {
    expect(outcome(onbuild.replace('ONBUILD RUN echo triggered > /trig\n', ''), 'FROM app:build\nCOPY app /usr/local/bin/app\n').status).toBe('migrate');
    // an earlier stage's ONBUILD fired in the builder build already, as it does merged
    expect(outcome(`FROM alpine:3.19 AS base\nONBUILD RUN echo triggered > /trig\nFROM base\nRUN mkdir /out && cp /trig /out/app\n`, 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n').status).toBe('migrate');
    expect(outcome(onbuild, 'FROM alpine:3.19\nCOPY --from=app:build /src/main.go /main.go\nCOPY app /usr/local/bin/app\n').status).toBe('migrate');
  });
});

/**
 * A builder Dockerfile that reads the image its own build tags (`COPY --from=app:build`, `FROM
 * app:build`, `RUN --mount=from=app:build`): each run of the old script read what the run before
 * left under that tag. Merged, no build writes the tag before the builder stage reads it, so
 * every later run reads another image: refused (src/plan/builder-bases.ts ownTagRead).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const files = (builder: string): Record<string, string> => ({
  'Dockerfile.build': builder,
  Dockerfile: 'FROM alpine:3.19\nCOPY app /app\nCMD ["/app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n',
});

const outcome = (builder: string) => {
  const s = planFiles(files(builder)).setups[0]!;
  return { status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`) };
};

describe('a builder Dockerfile reading its own build\'s tag', () => {
  it('refuses a COPY --from, a RUN --mount from and a FROM of that tag, saying where', () => {
    expect(outcome('FROM golang:1.21\nWORKDIR /src\nCOPY --from=app:build /out /prev\nCOPY . .\nRUN go build -o /out/app .\n')).toEqual({ status: 'refused', errors: ['BUILDER_TAG_USED Dockerfile.build:3'] });
    expect(outcome('FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN --mount=type=bind,from=docker.io/library/app:build,source=/out,target=/prev go build -o /out/app .\n')).toEqual({ status: 'refused', errors: ['BUILDER_TAG_USED Dockerfile.build:4'] });
    expect(outcome('FROM app:build AS prev\nFROM golang:1.21\nCOPY --from=prev /out /prev\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n')).toEqual({ status: 'refused', errors: ['BUILDER_TAG_USED Dockerfile.build:1'] });
  });

  it('migrates a builder reading another tag of that name, or a stage of its own', () => {
    expect(outcome('FROM golang:1.21 AS deps\nRUN mkdir /prev\nFROM golang:1.21\nCOPY --from=app:cache /out /prev\nCOPY --from=deps /prev /prev2\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n').status).toBe('migrate');
  });
});

/**
 * Every blocker of a setup at once: planning goes on after a refusal wherever the later checks
 * do not depend on it, and says which checks it could not make where they do.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const lines = (...l: string[]) => ['#!/bin/sh', 'set -e', ...l, ''].join('\n');
const repo = (script: string, over: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'build.sh': script, ...over });
const errors = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));

describe('every independent blocker at once', () => {
  // One blocker from each pass: the extraction (a terminal on a stream), the Dockerfiles (a flag of
  // the builder build only, its value only known at run time), the host commands that stay (strip of the artifact).
  const THREE = repo(lines('docker build --platform "$PLATFORM" -t app:build -f Dockerfile.build .', 'docker run -t --rm app:build cat /out/app > app', 'chmod +x app', 'strip app', 'docker build -t app:latest .'));

  it('reports all three, in a stable order, each at its own line', () => {
    const first = errors(planFiles(THREE));
    expect(first.map((d) => [d.code, d.line])).toEqual([
      ['STREAM_TTY', 4],
      ['FLAG_CONFLICT', 3],
      ['HOST_POSTPROCESS', 6],
    ]);
    expect(errors(planFiles(THREE))).toEqual(first);
  });

  it('fixing one leaves exactly the others', () => {
    const noTty = repo(lines('docker build --platform "$PLATFORM" -t app:build -f Dockerfile.build .', 'docker run --rm app:build cat /out/app > app', 'chmod +x app', 'strip app', 'docker build -t app:latest .'));
    expect(errors(planFiles(noTty)).map((d) => d.code)).toEqual(['FLAG_CONFLICT', 'HOST_POSTPROCESS']);
    const onlyStrip = repo(lines('docker build -t app:build -f Dockerfile.build .', 'docker run --rm app:build cat /out/app > app', 'chmod +x app', 'strip app', 'docker build -t app:latest .'));
    expect(errors(planFiles(onlyStrip)).map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
  });

  it('a script edit that cannot be made is a blocker of its own, beside a Dockerfile one', () => {
    const p = planFiles(repo(lines('docker build --platform "$PLATFORM" -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'if docker cp x:/out/app ./app; then :; fi', 'docker rm x', 'docker build -t app:latest .')));
    expect(errors(p).map((d) => d.code)).toEqual(['FLAG_CONFLICT', 'SCRIPT_EDIT_UNSAFE']);
    expect(p.changes).toEqual([]);
  });

  it('a refused setup gets no notes describing the migration it will not get', () => {
    const s = planFiles(THREE).setups[0]!;
    expect(s.status).toBe('refused');
    expect(s.notes).toEqual([]);
  });
});

describe('checks that depend on a refusal are not made, and the plan says so', () => {
  it('a copied path only known at run time: no "unused artifact" and no merge checks after it', () => {
    const p = planFiles(repo(lines('docker build --platform linux/amd64 -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp "x:$(cat path.txt)" ./app', 'docker rm x', 'docker build -t app:latest .')));
    expect(errors(p).map((d) => d.code)).toEqual(['DYNAMIC_ARTIFACT_PATH']);
    expect(p.setups[0]!.notes).toEqual(['the checks of the merged Dockerfile, of the commands that stay and of the script edits were not made: they need the setup read in full, and DYNAMIC_ARTIFACT_PATH says it was not']);
  });

  it('no runtime build: the checks that need it are named as not made', () => {
    const p = planFiles(repo(lines('docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'), { Dockerfile: 'FROM alpine:3.19\nCOPY other /other\n', other: 'x' }));
    expect(errors(p).map((d) => d.code)).toEqual(['ARTIFACT_UNUSED']);
    expect(p.setups[0]!.notes).toEqual(['the checks of the merged Dockerfile, of the commands that stay and of the script edits were not made: they need a runtime build that copies the artifacts']);
  });

  it('steps on different paths: the merged Dockerfile is not built from a guess (no GENERATED_DOCKERFILE_INVALID)', () => {
    const p = planFiles(repo(lines('docker build -t app:build -f Dockerfile.build .', 'if [ -n "$A" ]; then', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'else', 'docker create --name y app:build', 'docker cp y:/out/app ./app', 'docker rm y', 'fi', 'docker build -t app:latest .')));
    expect(errors(p).map((d) => d.code)).toEqual(['CONDITIONAL_STEP']);
  });
});

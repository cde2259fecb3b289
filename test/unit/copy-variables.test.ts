/**
 * A runtime COPY source written through a variable (src/analyze/copy-variables.ts): where the
 * value the build gives it (an ARG's default, a `--build-arg`, an ENV) names the artifact, or
 * may, the setup is refused (merged, the context no longer holds the file it read); where it
 * names another file, the setup migrates as before and the line is left alone.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const script = (runtimeFlags: string) =>
  ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', `docker build ${runtimeFlags}-t app:latest .`, 'rm -f app', ''].join('\n');
const runtime = (...lines: string[]) => ['FROM alpine:3.19', ...lines, 'CMD ["/usr/local/bin/app"]', ''].join('\n');
const repo = (dockerfile: string, flags = '') => ({ 'Dockerfile.build': BUILDER, Dockerfile: dockerfile, 'build.sh': script(flags), 'main.go': 'package main\n', NOTICE: 'n\n', 'vendor/app': 'x\n' });

const errors = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  return { plan, codes: plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.file}:${d.line}`) };
};

describe('a runtime COPY source written through a variable', () => {
  it('refuses a second COPY whose --build-arg value names the artifact (else migrated: the build then failed, the file gone)', () => {
    const { plan, codes } = errors(repo(runtime('ARG EXTRA=NOTICE', 'COPY app /usr/local/bin/app', 'COPY ${EXTRA} /etc/app/'), '--build-arg EXTRA=app '));
    expect(codes).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:4']);
    expect(plan.changes).toEqual([]);
  });

  it('refuses a COPY through an ARG whose default (or an ENV) names the artifact, or a folder holding it', () => {
    for (const lines of [['ARG BIN=app', 'COPY ${BIN} /usr/local/bin/app'], ['ENV BIN=./app', 'COPY $BIN /usr/local/bin/app'], ['ARG DIR=.', 'COPY ["${DIR}/app", "/usr/local/bin/app"]']]) {
      expect(errors(repo(runtime(...lines))).codes, lines.join(' / ')).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:3']);
    }
  });

  it('refuses a value the tool cannot know that may name the artifact, and not one that cannot', () => {
    // (a bare ARG given from the environment; a variable the base image may set)
    expect(errors(repo(runtime('ARG BIN', 'COPY ${BIN} /usr/local/bin/app'), '--build-arg BIN ')).codes).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:3']);
    expect(errors(repo(runtime('COPY app /usr/local/bin/app', 'COPY ${SOMEWHERE:-NOTICE} /etc/app/'))).codes).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:3']);
    // its known beginning leads elsewhere: the line is left as it was
    const files = repo(runtime('COPY app /usr/local/bin/app', 'ARG FLAVOUR', 'COPY vendor/${FLAVOUR} /etc/app/'), '--build-arg FLAVOUR ');
    const { plan, codes } = errors(files);
    expect(codes).toEqual([]);
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nARG FLAVOUR\nCOPY vendor/${FLAVOUR} /etc/app/\n');
  });

  it('migrates where the value the build gives names another file', () => {
    const files = repo(runtime('ARG EXTRA=app', 'COPY app /usr/local/bin/app', 'COPY ${EXTRA} /etc/app/'), '--build-arg EXTRA=NOTICE ');
    const { plan, codes } = errors(files);
    expect(codes).toEqual([]);
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCOPY ${EXTRA} /etc/app/\n');
  });

  it('refuses where another build of the runtime Dockerfile, with its own arguments, reads the artifact through the variable', () => {
    const dockerfile = runtime('ARG EXTRA=app', 'COPY app /usr/local/bin/app', 'COPY ${EXTRA} /etc/app/');
    const withDev = (devFlags: string) => {
      const files = repo(dockerfile, '--build-arg EXTRA=NOTICE ');
      return { ...files, 'build.sh': files['build.sh'].replace('rm -f app', `docker build ${devFlags}-t app:dev .\nrm -f app`) };
    };
    // (the default names the extracted app: merged, that build fails on a file no longer in the context)
    expect(errors(withDev('')).codes).toEqual(['RUNTIME_REBUILT:build.sh:8']);
    expect(planFiles(withDev('')).setups[0]!.diagnostics[0]!.message).toContain('`COPY ${EXTRA}` (Dockerfile:4) reads its source through `EXTRA`: "app" in this build');
    const same = withDev('--build-arg EXTRA=NOTICE ');
    const { plan, codes } = errors(same);
    expect(codes).toEqual([]);
    expect(applied(same, plan)['build.sh']).toContain('docker build --build-arg EXTRA=NOTICE -t app:dev .');
  });
});

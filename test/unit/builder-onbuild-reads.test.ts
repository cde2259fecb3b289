/**
 * A builder stage built FROM an image the script built earlier with `ONBUILD COPY . /src`: the
 * trigger reads the builder build's context when the builder stage is built. Merged, that is
 * inside the final build, after every command between the two builds, so one that writes the
 * context (`echo 2 > VERSION`) hands the compile another input (podman, `--format docker` so
 * the trigger is kept: the old pipeline's artifact held 1, the migrated one's 2).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.base': 'FROM alpine:3.19\nONBUILD COPY . /src\n',
  'Dockerfile.build': 'FROM onb:local\nRUN mkdir -p /out && cat /src/VERSION > /out/app && chmod 755 /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  VERSION: '1\n',
};
const script = (between: string, base = 'docker build -t onb:local -f Dockerfile.base .') =>
  `#!/bin/sh\nset -e\n${base}\ndocker build -t app:build -f Dockerfile.build .\n${between}\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n`;
const errors = (sh: string, extra: Record<string, string> = {}) =>
  planFiles({ ...FILES, 'build.sh': sh, ...extra }).setups[0]!.diagnostics.filter((d) => d.severity === 'error');

describe('a builder built FROM a local image with a context-reading ONBUILD trigger', () => {
  it('refuses a command between the builds that writes the context, naming the trigger', () => {
    const e = errors(script('echo 2 > VERSION'));
    expect(e.map((d) => [d.code, d.line])).toEqual([['BUILDER_INPUT_CHANGED', 5]]);
    expect(e[0]!.message).toContain('through the `ONBUILD COPY . /src` of onb:local (Dockerfile.base:2), which Dockerfile.build:1 starts from');
  });

  it('migrates when nothing between the builds writes the context, or the base has no such trigger', () => {
    expect(errors(script('echo built'))).toEqual([]);
    expect(errors(script('echo 2 > VERSION'), { 'Dockerfile.base': 'FROM alpine:3.19\nONBUILD RUN echo hi\n' })).toEqual([]);
  });
});

/**
 * A flag reaching what a RUN's process sees (`--network`, `--add-host`, `--ulimit`) given to one
 * build only is carried into the merged build where the other file has no RUN. A stage FROM an
 * image the script built with `ONBUILD RUN` runs a RUN all the same: the trigger fires at the
 * start of that build (podman, `--format docker` so the trigger is kept: the trigger's
 * `getent hosts db` found nothing in the old runtime build, and 10.0.0.1 with --add-host).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const script = (builderFlag: string, runtimeFlag = '') =>
  `#!/bin/sh\nset -e\ndocker build -t app:base -f Dockerfile.base .\ndocker build ${builderFlag} -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/app ./app\ndocker rm x\ndocker build ${runtimeFlag} -t app:latest .\n`;
const errors = (files: Record<string, string>) =>
  planFiles(files).setups[0]!.diagnostics.filter((d) => d.severity === 'error');

describe('a RUN-reaching build flag and a base built with ONBUILD RUN', () => {
  const runBase = 'FROM alpine:3.19\nONBUILD RUN getent hosts db > /db.txt || true\n';

  it('refuses a builder-only flag when the runtime file starts FROM such a base, naming the trigger', () => {
    for (const flag of ['--add-host db:10.0.0.1', '--network=none', '--ulimit nofile=1024:1024']) {
      const e = errors({ 'Dockerfile.base': runBase, 'Dockerfile.build': 'FROM alpine:3.19\nRUN echo hi > /app\n', Dockerfile: 'FROM app:base\nCOPY app /app\n', 'build.sh': script(flag) });
      expect(e.map((d) => [d.code, d.line])).toEqual([['FLAG_CONFLICT', 4]]);
      expect(e[0]!.message).toContain('`ONBUILD RUN getent hosts db > /db.txt || true` of app:base (Dockerfile.base:2), which Dockerfile:1 starts from');
    }
  });

  it('refuses a runtime-only flag when the builder file starts FROM such a base', () => {
    const e = errors({ 'Dockerfile.base': runBase, 'Dockerfile.build': 'FROM app:base\nCOPY hi /app\n', hi: 'hi\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /app\n', 'build.sh': script('', '--add-host db:10.0.0.1') });
    expect(e.map((d) => d.code)).toEqual(['FLAG_CONFLICT']);
    expect(e[0]!.message).toContain('of app:base (Dockerfile.base:2), which Dockerfile.build:1 starts from');
  });

  it('still carries the flag where the base has no RUN trigger, or the same flag went to both builds', () => {
    const files = { 'Dockerfile.build': 'FROM alpine:3.19\nRUN echo hi > /app\n', Dockerfile: 'FROM app:base\nCOPY app /app\n' };
    expect(errors({ ...files, 'Dockerfile.base': 'FROM alpine:3.19\nONBUILD ENV A=1\n', 'build.sh': script('--add-host db:10.0.0.1') })).toEqual([]);
    expect(errors({ ...files, 'Dockerfile.base': runBase, 'build.sh': script('--add-host db:10.0.0.1', '--add-host db:10.0.0.1') })).toEqual([]);
  });
});

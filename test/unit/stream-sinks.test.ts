/**
 * Where a stream extraction's output and errors land once its redirects apply in order
 * (src/analyze/output-sinks.ts): the file the old pipeline wrote is the one the output ends in,
 * and a stream that carries standard error too is refused (STREAM_STDERR).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const CAT_BUILDER = `${BUILDER}ENTRYPOINT ["cat", "/out/app"]\n`;
const script = (run: string) => `#!/bin/bash\nset -e\ndocker build -t app:build -f Dockerfile.build .\n${run}\ndocker build -t app .\nrm -f app\n`;
const plan = (run: string, builder = BUILDER) => planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'Dockerfile.build': builder, 'build.sh': script(run) });
const errors = (p: ReturnType<typeof planFiles>) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('stream extractions and their redirects', () => {
  for (const [name, run, builder] of [
    ['`> f 2>&1`', 'docker run --rm app:build cat /out/app > app 2>&1', BUILDER],
    ['`1> f 2>&1`', 'docker run --rm app:build cat /out/app 1>app 2>&1', BUILDER],
    ['`&> f`', 'docker run --rm app:build cat /out/app &> app', BUILDER],
    ['`>& f`', 'docker run --rm app:build cat /out/app >& app', BUILDER],
    ['`> f 2>&1` with the image\'s own cat', 'docker run --rm app:build > app 2>&1', CAT_BUILDER],
    // The file opened twice: the errors overwrite the output's first bytes.
    ['`2> f > f`', 'docker run --rm app:build cat /out/app 2> app > app', BUILDER],
    ['`> f 2> ./f`', 'docker run --rm app:build cat /out/app > app 2> ./app', BUILDER],
    ['`> f 2> "$LOG"` (a path only known at run time)', 'docker run --rm app:build cat /out/app > app 2> "$LOG"', BUILDER],
  ] as const) {
    it(`refuses ${name}: the engine's or the container's errors went into the file too (STREAM_STDERR)`, () => {
      const p = plan(run, builder);
      expect(p.setups).toHaveLength(1);
      expect(errors(p)).toContain('STREAM_STDERR');
      expect(p.changes).toEqual([]);
    });
  }

  it('refuses a tar stream that carries the errors down the pipe (`2>&1 | tar -x`), and migrates it without them', () => {
    const tarred = (redirect: string) => planFiles({ 'main.go': GO, Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n', 'Dockerfile.build': BUILDER, 'build.sh': script(`mkdir -p out\ndocker run --rm app:build tar -C /out -c .${redirect} | tar -x -C out`) });
    expect(errors(tarred(' 2>&1'))).toContain('STREAM_STDERR');
    expect(tarred(' 2>&1').changes).toEqual([]);
    expect(errors(tarred(''))).toEqual([]);
    expect(tarred('').changes).not.toEqual([]);
  });

  for (const [name, run] of [
    ['`2>&1 > f` (the errors go where the output went before)', 'docker run --rm app:build cat /out/app 2>&1 > app'],
    ['`> f 2>/dev/null`', 'docker run --rm app:build cat /out/app > app 2>/dev/null'],
    ['`> f 2>errors.log`', 'docker run --rm app:build cat /out/app > app 2>errors.log'],
  ] as const) {
    it(`migrates ${name}: the file holds the output alone`, () => {
      const p = plan(run);
      expect(errors(p)).toEqual([]);
      expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder --chown=0:0 --chmod=644 /out/app /usr/local/bin/app');
    });
  }

  it('reads the file the output ends in: `> f >&2` sends it on to standard error and leaves f empty, so no extraction into f', () => {
    const p = plan('docker run --rm app:build cat /out/app > app >&2');
    expect(p.setups.filter((s) => s.status === 'migrate')).toEqual([]);
    expect(p.changes).toEqual([]);
  });

  it('reads the last of two output files (`> a > f`: a is left empty)', () => {
    const p = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'Dockerfile.build': BUILDER, 'build.sh': script('docker run --rm app:build cat /out/app > stale > app') });
    expect(p.changes).not.toEqual([]);
    expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('/out/app /usr/local/bin/app');
  });

  it('reads `| tee f > /dev/null` as the stream into f, and removes the tee with it', () => {
    const p = plan('docker run --rm app:build cat /out/app | tee app > /dev/null\nchmod +x app');
    expect(errors(p)).toEqual([]);
    expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder --chown=0:0 --chmod=755 /out/app /usr/local/bin/app');
    expect(p.changes.find((c) => c.path === 'build.sh')!.after).toBe('#!/bin/bash\nset -e\ndocker build -t app .\n');
  });

  it('reads the image\'s own cat piped into tee the same way', () => {
    const p = plan('docker run --rm app:build | tee app > /dev/null\nchmod +x app', CAT_BUILDER);
    expect(errors(p)).toEqual([]);
    expect(p.changes.find((c) => c.path === 'build.sh')!.after).toBe('#!/bin/bash\nset -e\ndocker build -t app .\n');
  });

  it('refuses the errors sent down the pipe into tee (STREAM_STDERR), with 2>&1 or with bash\'s |&', () => {
    expect(errors(plan('docker run --rm app:build cat /out/app 2>&1 | tee app > /dev/null'))).toContain('STREAM_STDERR');
    expect(errors(plan('docker run --rm app:build cat /out/app |& tee app > /dev/null'))).toContain('STREAM_STDERR');
    // (|& joins the errors after the command's own redirects: sent to a file first, they still go down the pipe)
    expect(errors(plan('docker run --rm app:build cat /out/app 2>errors.log |& tee app > /dev/null'))).toContain('STREAM_STDERR');
  });

  it('refuses a tar stream piped on with bash\'s |& (STREAM_STDERR)', () => {
    const p = planFiles({ 'main.go': GO, Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n', 'Dockerfile.build': BUILDER, 'build.sh': script('mkdir -p out\ndocker run --rm app:build tar -C /out -c . |& tar -x -C out') });
    expect(errors(p)).toContain('STREAM_STDERR');
    expect(p.changes).toEqual([]);
  });

  for (const [name, tee] of [
    ['tee -a (it appends)', 'tee -a app > /dev/null'],
    ['tee of two files', 'tee app copy > /dev/null'],
    ['a tee whose copy goes on down a pipe', 'tee app | sha256sum > app.sha256'],
    ['a tee whose copy is kept in a file', 'tee app > app.bak'],
  ] as const) {
    it(`does not read ${name} as the stream into the file`, () => {
      expect(plan(`docker run --rm app:build cat /out/app | ${tee}`).changes).toEqual([]);
    });
  }
});

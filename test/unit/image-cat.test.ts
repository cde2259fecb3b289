import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const builder = (tail: string) => `FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n${tail}`;
const script = (run: string) => `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\n${run}\ndocker build -t app .\nrm -f app\n`;
const files = (tail: string, run = 'docker run --rm app:build > app') => ({ 'main.go': GO, Dockerfile: RUNTIME, 'Dockerfile.build': builder(tail), 'build.sh': script(run) });
const errors = (plan: ReturnType<typeof planFiles>) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const misses = (f: Record<string, string>) => {
  const fs = new MemoryFs(f);
  return analyze(fs, Object.keys(f).sort()).diagnostics.filter((d) => d.code === 'EXTRACTION_NOT_FOLLOWED');
};
const notFollowed = (f: Record<string, string>) => misses(f).map((d) => d.line);

describe('docker run --rm IMG > f where the image itself prints the file', () => {
  for (const [name, tail] of [
    ['exec-form ENTRYPOINT with the path', 'ENTRYPOINT ["cat", "/out/app"]\n'],
    ['exec-form ENTRYPOINT cat, CMD the path', 'ENTRYPOINT ["/bin/cat"]\nCMD ["/out/app"]\n'],
    ['shell-form ENTRYPOINT (CMD ignored)', 'ENTRYPOINT cat /out/app\nCMD ["ignored"]\n'],
    ['exec-form sh -c script', 'ENTRYPOINT ["sh", "-c", "cat /out/app"]\n'],
    ['ENTRYPOINT [] cleared, then CMD', 'ENTRYPOINT []\nCMD ["cat", "/out/app"]\n'],
    ['a CMD alone on an official image known to declare no ENTRYPOINT', 'CMD ["cat", "/out/app"]\n'],
    ['a shell-form CMD alone there', 'CMD cat /out/app\n'],
    ['an ENTRYPOINT of the stage it starts FROM', 'FROM golang:1.21 AS base\nENTRYPOINT ["cat"]\nFROM base\nCMD ["/out/app"]\n'],
  ] as const) {
    it(`follows ${name}`, () => {
      const plan = planFiles(files(tail));
      expect(errors(plan)).toEqual([]);
      expect(plan.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder --chown=0:0 --chmod=644 /out/app /usr/local/bin/app');
      expect(plan.changes.find((c) => c.path === 'build.sh')!.after).toBe('#!/bin/sh\nset -e\ndocker build -t app .\n');
    });
  }

  it('also without --rm (the container is only left behind)', () => {
    expect(errors(planFiles(files('ENTRYPOINT ["cat", "/out/app"]\n', 'docker run app:build > app')))).toEqual([]);
  });

  it('reads the stage the builder build targets, not the last one', () => {
    const two = `FROM golang:1.21 AS build\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\nENTRYPOINT ["cat", "/out/app"]\n\nFROM alpine:3.19 AS other\nENTRYPOINT ["cat", "/etc/os-release"]\n`;
    const targeted = { ...files(''), 'Dockerfile.build': two, 'build.sh': script('docker run --rm app:build > app').replace('-f Dockerfile.build', '--target build -f Dockerfile.build') };
    expect(errors(planFiles(targeted))).toEqual([]);
    expect(planFiles(targeted).changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=build --chown=0:0 --chmod=644 /out/app /usr/local/bin/app');
    // Without --target the last stage runs: what landed in app was /etc/os-release.
    const last = { ...files(''), 'Dockerfile.build': two };
    expect(planFiles(last).changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=other --chown=0:0 --chmod=644 /etc/os-release /usr/local/bin/app');
  });

  for (const [name, tail, run, why] of [
    ['a CMD alone on a base image that may have an ENTRYPOINT', 'FROM example/toolchain:1\nCMD ["cat", "/out/app"]\n', 'docker run --rm app:build > app', 'the stage it is built from (Dockerfile.build:5) runs its CMD under the ENTRYPOINT of its base image example/toolchain:1, which the tool cannot see'],
    ['a relative path', 'ENTRYPOINT ["cat", "out/app"]\n', 'docker run --rm app:build > app', "it runs the image's own command, `cat out/app` (the stage it is built from, Dockerfile.build:1), which is not `cat` of one absolute path"],
    ['more than cat', 'ENTRYPOINT ["sh", "-c", "cat /out/app | gzip"]\n', 'docker run --rm app:build > app', "it runs the image's own command, `sh -c cat /out/app | gzip`"],
    ['--entrypoint on the run', 'ENTRYPOINT ["cat", "/out/app"]\n', 'docker run --rm --entrypoint cat app:build > app', 'the command it runs, `cat`, is not `cat` of one absolute path known before the run'],
    ['an image no build of the script makes', 'ENTRYPOINT ["cat", "/out/app"]\n', 'docker run --rm app:other > app', 'no build of that image earlier in this sequence of the script shows what that is'],
    ['an append to the file', 'ENTRYPOINT ["cat", "/out/app"]\n', 'docker run --rm app:build >> app', 'it appends its output (`>>`) to app, which keeps whatever that file held before'],
  ] as const) {
    it(`does not follow ${name}, and says why`, () => {
      const f = files(tail, run);
      expect(planFiles(f).setups).toEqual([]);
      expect(notFollowed(f)).toEqual([4]);
      expect(misses(f)[0]!.message).toContain(why);
    });
  }

  it('with -t the old pipeline corrupted the file: refused (STREAM_TTY)', () => {
    const plan = planFiles(files('ENTRYPOINT ["cat", "/out/app"]\n', 'docker run --rm -t app:build > app'));
    expect(errors(plan)).toContain('STREAM_TTY');
    expect(plan.changes).toEqual([]);
  });
});

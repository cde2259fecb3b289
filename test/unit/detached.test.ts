/**
 * Detached builder containers: one that only idles while files are copied from it migrates
 * like `docker create` (no RUN of the idle command); one whose command may still be writing
 * when the copy runs is refused with DETACHED_BUILD.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const MERGED = `FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCMD ["app"]\n`;
const FINAL = 'docker build -t app:latest .\n';

function plan(run: string, over: Record<string, string> = {}, cleanup = 'docker rm -f x\n') {
  const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': `set -e\ndocker build -t app:build -f Dockerfile.build .\n${run}\ndocker cp x:/out/app ./app\n${cleanup}${FINAL}`, ...over };
  return { files, plan: planFiles(files) };
}

const errors = (p: ReturnType<typeof planFiles>) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('detached builder containers', () => {
  for (const run of [
    'docker run -d --name x app:build tail -f /dev/null',
    'docker run --detach --name x app:build sleep infinity',
    'docker run -d --name x app:build sleep 300',
    'docker run -dit --name x app:build sh',
    'docker run -d -i --name x app:build cat',
    'docker container run -d -t --name x app:build /bin/bash',
  ]) {
    it(`only idles: \`${run}\` migrates like docker create, no RUN`, () => {
      const { files, plan: p } = plan(run);
      expect(errors(p)).toEqual([]);
      const out = applied(files, p);
      expect(out['Dockerfile']).toBe(MERGED);
      expect(out['build.sh']).toBe(`set -e\n${FINAL}`);
      expect(p.setups[0]!.notes.join('\n')).toContain('only idled');
    });
  }

  it('docker stop and docker kill of the idle container go with it', () => {
    const { files, plan: p } = plan('docker run -d --name x app:build tail -f /dev/null', {}, 'docker stop x\ndocker kill x\ndocker rm x\n');
    expect(errors(p)).toEqual([]);
    expect(applied(files, p)['build.sh']).toBe(`set -e\n${FINAL}`);
  });

  for (const run of [
    'docker run -d --name x app:build go build -o /out/app .',
    'docker run -d --name x app:build',
    'docker run -d --name x app:build sh',
    'docker run -d --name x app:build tail -f /var/log/build.log',
    'docker run -d --name x --entrypoint sleep app:build infinity',
    'docker create --name x app:build go build -o /out/app .\ndocker start x',
  ]) {
    it(`races the copy: \`${run.replace('\n', '; ')}\` is refused`, () => {
      const { plan: p } = plan(run);
      expect(p.setups.map((s) => s.status)).toEqual(['refused']);
      expect(errors(p)).toContain('DETACHED_BUILD');
      expect(p.changes).toEqual([]);
    });
  }

  it('an idle command given to an image with an ENTRYPOINT is its argument list: refused', () => {
    const { plan: p } = plan('docker run -d --name x app:build tail -f /dev/null', { 'Dockerfile.build': `${BUILDER}ENTRYPOINT ["make"]\n` });
    expect(errors(p)).toEqual(['DETACHED_BUILD']);
  });

  it('docker start -a waits for the build: still a build at run time, not a race', () => {
    const { plan: p } = plan('docker create --name x app:build go build -o /out/app .\ndocker start -a x');
    expect(errors(p)).toEqual([]);
    expect(p.setups[0]!.status).toBe('migrate');
  });
});

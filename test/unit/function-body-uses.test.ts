/**
 * A setup in the body of a function the script calls once: the body's commands run in that one
 * call, in their own order around the setup. `rm -f app` before the copy (or after the runtime
 * build) in the same body is no use of the artifact on the host, as it is not at the top level;
 * a real use in the body after the extraction still keeps the file there with an export stage.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];

const repo = (body: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'image() {', ...body.map((l) => `  ${l}`), '}', 'image', ''].join('\n'),
});

describe('a removal of the artifact in the body of the function the setup is in', () => {
  it('needs no export stage: the body runs once, around the setup', () => {
    for (const body of [['rm -f app', ...STEPS], [...STEPS.slice(0, 2), 'rm -f app', ...STEPS.slice(2)], [...STEPS, 'rm -f app']]) {
      const files = repo(body);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), body.join('; ')).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile, body.join('; ')).not.toContain('AS export');
      expect(out['build.sh'], body.join('; ')).not.toContain('--target export');
      expect(out.Dockerfile).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    }
  });

  it('still keeps the file on the host for a use after the extraction, in the body or after the call', () => {
    for (const [body, after] of [[[...STEPS, 'sha256sum app > app.sha256'], []], [STEPS, ['sha256sum app > app.sha256']]] as const) {
      const files = repo([...body]);
      files['build.sh'] += after.map((l) => `${l}\n`).join('');
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(applied(files, plan)['build.sh']).toContain('docker build --target export --output type=local,dest=. -f Dockerfile .');
    }
  });
});

/**
 * A stock build's output copied through a variable (`ARG APP_SRC=bin/app`, `COPY ${APP_SRC} …`):
 * the file the value names is the artifact, as for a literal path; a value only known at run
 * time is never taken as the path `${APP_SRC}` (src/analyze/stock-image.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const RUN = 'docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .';
const script = (...lines: string[]) => `#!/bin/sh\nset -e\n${lines.join('\n')}\n`;
const RUNTIME = 'FROM alpine:3.19\nARG APP_SRC=bin/app\nCOPY ${APP_SRC} /usr/local/bin/app\n';

describe('stock build output copied through a variable', () => {
  it('reads the ARG default as the artifact path and writes the COPY literally', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script(RUN, 'docker build -t app .', 'rm -rf bin') });
    expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const df = plan.changes.find((c) => c.path === 'Dockerfile')!.after!;
    expect(df).toContain('ARG APP_SRC=bin/app\nCOPY --from=builder --chown=0:0 /src/bin/app /usr/local/bin/app\n');
  });

  it('reads a value the build passes', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: 'FROM alpine:3.19\nARG APP_SRC\nCOPY ${APP_SRC} /usr/local/bin/app\n', 'build.sh': script(RUN, 'docker build --build-arg APP_SRC=bin/app -t app .') });
    expect(plan.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder --chown=0:0 /src/bin/app /usr/local/bin/app\n');
  });

  it('never names the artifact by the unexpanded variable when the value is only known at run time', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: 'FROM alpine:3.19\nARG APP_SRC\nCOPY ${APP_SRC} /usr/local/bin/app\n', 'build.sh': script(RUN, 'docker build --build-arg APP_SRC="$1" -t app .') });
    expect(plan.changes).toEqual([]);
    expect(JSON.stringify(plan.setups)).not.toContain('${APP_SRC}, extracted');
  });
});

import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && go build -o /out/helper ./helper\n';
const sh = (...lines: string[]) => `#!/bin/sh\nset -e\n${lines.join('\n')}\n`;
const EXTRACT = ['mkdir -p dist', 'docker build -t b -f Dockerfile.build .', 'docker create --name x b', 'docker cp x:/out/app dist/', 'docker cp x:/out/helper dist/tool', 'docker rm x'];
const errors = (plan: ReturnType<typeof planFiles>) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const plan = (runtime: string, ...more: string[]) => planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: runtime, 'build.sh': sh(...EXTRACT, ...more, 'docker build -t app .', 'rm -rf dist') });
const merged = (p: ReturnType<typeof planFiles>) => p.changes.find((c) => c.path === 'Dockerfile')!.after!;

describe('a folder the script made only for the artifacts, copied whole', () => {
  it('COPY dist/ /srv/: one COPY --from per artifact, under its name in the folder', () => {
    const p = plan('FROM alpine:3.19\nCOPY dist/ /srv/\n');
    expect(errors(p)).toEqual([]);
    expect(merged(p)).toContain('FROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /srv/app\nCOPY --from=builder --chown=0:0 /out/helper /srv/tool\n');
  });

  it('ADD ./dist / (a folder: nothing in it is unpacked) and a relative destination', () => {
    expect(merged(plan('FROM alpine:3.19\nADD ./dist /\n'))).toContain('COPY --from=builder --chown=0:0 /out/app /app\nCOPY --from=builder --chown=0:0 /out/helper /tool\n');
    expect(merged(plan('FROM alpine:3.19\nWORKDIR /opt\nCOPY dist .\n'))).toContain('COPY --from=builder --chown=0:0 /out/app ./app\nCOPY --from=builder --chown=0:0 /out/helper ./tool\n');
  });

  it('keeps the line\'s own flags and JSON form', () => {
    expect(merged(plan('FROM alpine:3.19\nCOPY --chown=1:1 ["dist/", "/srv/"]\n'))).toContain('COPY --from=builder --chown=1:1 ["/out/app", "/srv/app"]\nCOPY --from=builder --chown=1:1 ["/out/helper", "/srv/tool"]\n');
  });

  for (const [why, extra, files] of [
    ['another file is put into the folder', ['cp README.md dist/'], {}],
    ['a program the tool does not know is given the folder', ['./package.sh dist'], {}],
    ['another container writes into it', ['docker run --rm -v "$PWD/dist:/out" alpine:3.19 touch /out/x'], {}],
    ['a path only known at run time is written', ['cp README.md "$TARGET"'], {}],
    ['a subfolder is made in it', ['mkdir -p dist/etc'], {}],
  ] as const) {
    it(`refused (ARTIFACT_IN_BROAD_COPY) when ${why}`, () => {
      const p = planFiles({ 'main.go': GO, 'README.md': 'r\n', 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /srv/\n', 'build.sh': sh(...EXTRACT, ...extra, 'docker build -t app .'), ...files });
      expect(errors(p)).toContain('ARTIFACT_IN_BROAD_COPY');
      expect(p.changes).toEqual([]);
    });
  }

  it('refused when the builder build or an extraction also wrote a log into the folder (the old COPY copied it; the migration no longer writes it)', () => {
    for (const [at, line] of [[1, 'docker build -t b -f Dockerfile.build . > dist/build.log 2>&1'], [3, 'docker cp x:/out/app dist/ 2> dist/cp.log']] as const) {
      const lines = [...EXTRACT];
      lines[at] = line;
      const p = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /srv/\n', 'build.sh': sh(...lines, 'docker build -t app .') });
      expect(p.setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_IN_BROAD_COPY')?.message).toMatch(/writes dist\/(build|cp)\.log into dist too/);
      expect(p.changes).toEqual([]);
    }
    // A log written elsewhere leaves the folder holding only the artifacts.
    expect(errors(planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /srv/\n', 'build.sh': sh(...EXTRACT.map((l, i) => (i === 1 ? `${l} > build.log 2>&1` : l)), 'docker build -t app .') }))).toEqual([]);
  });

  it('a folder of the repository is not this: its line stays and the artifacts follow it (broad-copy.ts)', () => {
    const p = planFiles({ 'main.go': GO, 'README.md': 'r\n', 'dist/.keep': '', 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /srv/\n', 'build.sh': sh(...EXTRACT, 'docker build -t app .') });
    expect(merged(p)).toContain('COPY dist/ /srv/\nCOPY --from=builder --chown=0:0 /out/app /srv/app\nCOPY --from=builder --chown=0:0 /out/helper /srv/tool\n');
  });

  it('refused when the script does not make the folder before extracting into it', () => {
    const p = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /srv/\n', 'build.sh': sh(...EXTRACT.slice(1), 'docker build -t app .') });
    expect(errors(p)).toContain('ARTIFACT_IN_BROAD_COPY');
  });

  it('refused when an artifact sits deeper in the folder, or the folder is copied with other sources', () => {
    const deep = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /srv/\n', 'build.sh': sh('mkdir -p dist/bin', 'docker build -t b -f Dockerfile.build .', 'docker create --name x b', 'docker cp x:/out/app dist/bin/', 'docker rm x', 'docker build -t app .') });
    expect(errors(deep)).toContain('ARTIFACT_IN_BROAD_COPY');
    expect(errors(plan('FROM alpine:3.19\nCOPY dist/ main.go /srv/\n'))).toContain('ARTIFACT_IN_BROAD_COPY');
  });
});

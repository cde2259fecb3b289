/**
 * An extraction into a temporary name renamed into place (`docker cp c:/out/app app.tmp`, then
 * `mv app.tmp app`): the rename is part of the extraction and goes with it, and the artifact is
 * what stands at `app` (src/analyze/renamed-artifacts.ts). Anything but an exact rename leaves
 * the artifact at the temporary name, which nothing copies.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n',
};
const script = (rename: string, after = '') => ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name app-x app:build', 'docker cp app-x:/out/app app.tmp', 'docker rm app-x', rename, 'docker build -t app:latest .', after, ''].join('\n');
const plan = (text: string, extra: Record<string, string> = {}) => planFiles({ ...FILES, ...extra, 'build.sh': text });
const written = (p: ReturnType<typeof plan>) => p.changes.find((c) => c.path === 'build.sh')?.after ?? null;
const codes = (p: ReturnType<typeof plan>) => p.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('an extraction renamed into place', () => {
  it('goes whole, the mv with it, and the runtime COPY takes the file from the builder', () => {
    for (const mv of ['mv app.tmp app', 'mv -f app.tmp app', 'mv ./app.tmp ./app']) {
      const p = plan(script(mv));
      expect([mv, codes(p)]).toEqual([mv, []]);
      expect(written(p)).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n\n');
      expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app');
    }
  });

  it('writes the export build in the place of the mv when the file is still needed on the host', () => {
    const p = plan(script('mv app.tmp app', 'sha256sum app > app.sha256'));
    expect(codes(p)).toEqual([]);
    expect(written(p)).toBe('#!/bin/sh\nset -e\ndocker build --target export --output type=local,dest=. -f Dockerfile .\ndocker build -t app:latest .\nsha256sum app > app.sha256\n');
  });

  it('is no rename when mv may do more: into a folder, -n, a command naming either path first, under a condition', () => {
    const refusals: [string, Record<string, string>?][] = [
      ['mkdir -p app\nmv app.tmp app'],
      ['mv app.tmp app', { 'app/README': 'a folder in the repository\n' }],
      ['mv -n app.tmp app'],
      ['mv app.tmp app/'],
      ['chmod 0755 app.tmp\nmv app.tmp app'],
      ['cp NOTICE app\nmv app.tmp app', { NOTICE: 'x\n' }],
      ['if [ -n "$CI" ]; then mv app.tmp app; fi'],
    ];
    for (const [mv, extra] of refusals) {
      const p = plan(script(mv), extra);
      expect([mv, p.setups[0]!.status]).toEqual([mv, 'refused']);
      expect(written(p)).toBeNull();
    }
  });
});

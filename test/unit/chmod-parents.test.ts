/**
 * COPY --chmod makes the folders it creates with its mode (BuildKit since 0.21), where the old
 * line without it made them 0755: a --chmod the merge adds goes after a twin of the line without
 * it, unless the stage's own instructions prove the destination's folder exists.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const repo = (runtime: string, after = '') => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: `FROM alpine:3.19\n${runtime}`,
  'build.sh': `#!/bin/sh\nset -e\ndocker build -t l:build -f Dockerfile.build .\ndocker create --name x l:build\ndocker cp x:/out/app ./app\ndocker rm x\nchmod 0700 app\ndocker build -t l:latest .\n${after}rm app\n`,
});
const dockerfile = (f: Record<string, string>) => {
  const plan = planFiles(f);
  expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { out: applied(f, plan)['Dockerfile']!, notes: plan.setups[0]!.notes.join('\n') };
};

describe('a --chmod the merge adds', () => {
  it('follows a twin without it where the destination\'s folder may not exist yet', () => {
    const { out, notes } = dockerfile(repo('COPY app /opt/tool/app\n'));
    expect(out.match(/COPY --from=builder[^\n]*\/out\/app/g)).toHaveLength(2);
    expect(out).toContain('COPY --from=builder --chown=0:0 /out/app /opt/tool/app\nCOPY --from=builder --chown=0:0 --chmod=700 /out/app /opt/tool/app\n');
    expect(notes).toContain('which makes the folders the line creates with that mode');
    // the base image's folders are not known either
    expect(dockerfile(repo('COPY app /usr/local/bin/\n')).out).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/\nCOPY --from=builder --chown=0:0 --chmod=700 /out/app /usr/local/bin/\n');
  });

  it('is written alone where a WORKDIR or an earlier COPY of the stage made the folder', () => {
    for (const runtime of ['WORKDIR /opt/tool\nCOPY app ./app\n', 'WORKDIR /opt\nCOPY app tool/app\n'.replace('WORKDIR /opt\n', 'WORKDIR /opt/tool/x\nWORKDIR /opt\n'), 'COPY LICENSE /opt/tool/\nCOPY app /opt/tool/app\n']) {
      const f = { ...repo(runtime), LICENSE: 'MIT\n' };
      const { out } = dockerfile(f);
      expect(out, runtime).toMatch(/--chmod=700 \/out\/app/);
      expect(out.match(/COPY --from=builder[^\n]*\/out\/app/g), runtime).toHaveLength(1);
    }
  });

  it('in the export stage, follows a twin where no earlier line made the file\'s folder', () => {
    const f = repo('COPY app /usr/local/bin/app\n', 'sha256sum app > app.sha256\n');
    const { out } = dockerfile(f);
    // the export stage writes /app: its folder is the stage's root, which exists
    expect(out).toContain('FROM scratch AS export\nCOPY --from=builder --chmod=700 /out/app /app\n');
  });
});

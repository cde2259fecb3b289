/**
 * A later host command that decides by the exported file's modification time (`[ main.go -nt
 * app ]`, `find . -newer app`, `find dist -mmin -5`, `touch -r app stamp`): the export build
 * gives the file the time its exporter gives it (the builder stage's, a cached layer's too), not
 * the one the extraction gave it (`docker run … cat > app` writes the time it ran), so the
 * setup is refused, as for a Makefile rule naming the file. A command that reads the file
 * otherwise still migrates with an export build.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
};
const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
const script = (extract: string, after: string) => ['#!/bin/sh', 'set -e', 'docker build -t relay:build -f Dockerfile.build .', ...extract.split('\n'), 'docker build -t relay:latest .', after, ''].join('\n');
const CAT = 'docker run --rm relay:build cat /out/relay > relay\nchmod +x relay';
const CP = 'docker create --name relay-x relay:build\ndocker cp relay-x:/out/relay ./relay\ndocker rm relay-x';

describe('a later command reading the exported file\'s modification time', () => {
  it('refuses the export build', () => {
    for (const [extract, after, how] of [
      [CAT, "find . -newer relay -name '*.go' > stale.txt", 'selects files by the modification time of relay'],
      [CAT, 'find . -mmin -5 > recent.txt', 'selects files by the modification time of the folder holding it'],
      [CP, 'if [ main.go -nt relay ]; then echo stale; exit 1; fi', 'compares the modification time of relay'],
      [CP, '[[ ./relay -ot main.go ]] && exit 1', 'compares the modification time of ./relay'],
      [CAT, 'touch -r relay built.stamp', 'copies the modification time of relay'],
      [CAT, 'test "$BIN" -nt main.go || exit 1', 'compares the modification time of "$BIN"'],
      [CP, 'cp -u relay /srv/bin/', 'copies by the modification time of relay'],
      [CAT, 'rsync -au relay deploy/', 'copies by the modification time of relay'],
    ] as const) {
      const plan = planFiles({ ...BASE, 'build.sh': script(extract, after) });
      expect(plan.setups[0]!.status, after).toBe('refused');
      expect(errors(plan).map((d) => d.code), after).toEqual(['ARTIFACT_USED_ON_HOST']);
      expect(errors(plan)[0]!.message, after).toContain(`\` ${how}: the export build gives the file the time its exporter gives it`);
    }
  });

  it('still writes the export build where the command reads the file but not its time, or another file\'s time', () => {
    for (const after of ['sha256sum relay > relay.sha256', 'cp relay /srv/bin/', 'find docs -newer main.go > changed.txt\nsha256sum relay > SUMS', '[ -x relay ] || exit 1']) {
      const plan = planFiles({ ...BASE, 'build.sh': script(CP, after) });
      expect(errors(plan), after).toEqual([]);
      expect(plan.setups[0]!.status, after).toBe('migrate');
    }
  });
});

describe('a caller going by the exported file\'s modification time', () => {
  const caller = (files: Record<string, string>) => {
    const plan = planFiles({ ...BASE, 'build.sh': script(CP, 'sha256sum relay > relay.sha256'), ...files });
    const setup = plan.setups.find((s) => s.id.startsWith('build.sh:'))!;
    return { status: setup.status, errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line} ${d.message}`) };
  };

  it('refuses a Makefile that runs the script and has the file as a prerequisite or target', () => {
    const r = caller({ Makefile: 'all: image relay.tgz\n\nimage:\n\t./build.sh\n\nrelay.tgz: relay\n\ttar czf $@ relay\n\n.PHONY: all image\n' });
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual([expect.stringMatching(/^ARTIFACT_USED_ON_HOST Makefile:6 relay is still needed on the host, and a rule of Makefile, which runs build\.sh \(Makefile:4\), has relay as a prerequisite: Make runs that rule or not by the file's modification time/)]);
  });

  it('refuses a caller script that compares or copies by the file\'s time after running the script', () => {
    for (const after of ['find . -newer relay -name "*.go" > stale.txt', 'cp -u relay /srv/bin/']) {
      const r = caller({ 'ci.sh': `#!/bin/sh\nset -e\n./build.sh\n${after}\n` });
      expect(r.status, after).toBe('refused');
      expect(r.errors, after).toEqual([expect.stringMatching(/^ARTIFACT_USED_ON_HOST ci\.sh:4 relay is still needed on the host, and `.*` \(ci\.sh:4\) .* after running build\.sh \(ci\.sh:3\)/)]);
    }
  });

  it('migrates a caller that reads the file but not its time', () => {
    expect(caller({ 'ci.sh': '#!/bin/sh\nset -e\n./build.sh\ncp relay /srv/bin/\n', Makefile: 'release:\n\t./build.sh\n\ttar czf relay.tgz relay\n' }).errors).toEqual([]);
  });
});

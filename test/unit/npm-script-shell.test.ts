/**
 * npm runs a package's scripts with the `script-shell` a `.npmrc` sets (src/analyze/hosts/npm-script-shell.ts):
 * one that is no POSIX shell leaves the package.json unread, as a Makefile's SHELL does. Proven
 * with npm 11 and podman: `script-shell=./tools/npm-shell` running `umask 077` before `/bin/sh`
 * made `docker run … cat /out/app > app` write app 0600, which the old image held, while the
 * migrated `COPY --from … --chmod=644` gave 0644.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'package.json': JSON.stringify({ name: 'd', scripts: { image: 'docker build -t app:build -f Dockerfile.build . && docker run --rm app:build cat /out/app > app && docker build -t app:latest .' } }, null, 2) + '\n',
};
const plan = (files: Record<string, string>) => planFiles({ ...BASE, ...files });

describe("a .npmrc's script-shell", () => {
  it('leaves the scripts unread when it names no POSIX shell, in the package folder or above', () => {
    for (const npmrc of ['script-shell=pwsh\n', 'script-shell = ./tools/npm-shell\n', 'script-shell="C:\\\\Program Files\\\\PowerShell\\\\7\\\\pwsh.exe"\n', 'script-shell=${SHELL}\n']) {
      const p = plan({ '.npmrc': npmrc });
      expect(p.setups, npmrc).toEqual([]);
      expect(p.diagnostics.map((d) => d.code), npmrc).toContain('SHELL_PARSE_ERROR');
    }
    const nested = planFiles({ 'svc/Dockerfile.build': BASE['Dockerfile.build'], 'svc/Dockerfile': BASE.Dockerfile, 'svc/package.json': BASE['package.json'], '.npmrc': 'script-shell=pwsh\n' });
    expect(nested.setups).toEqual([]);
  });

  it('reads them as sh under sh, bash or dash, or with no setting', () => {
    for (const npmrc of ['script-shell=/bin/bash\n', 'script-shell=bash\n', 'script-shell=/usr/bin/dash\n', 'ignore-scripts=false\n', '# script-shell=pwsh\n']) {
      expect(plan({ '.npmrc': npmrc }).setups.map((s) => s.status), npmrc).toEqual(['migrate']);
    }
  });
});

/**
 * A JavaScript call whose text another shell than sh runs (src/analyze/hosts/js-shell-option.ts):
 * `execSync(text, { shell: 'pwsh' })`, zx after `usePowerShell()` or `$.shell = …`. Proven with
 * node 20 and podman: `shell: './tools/sh77'` (a wrapper running `umask 077` before /bin/sh)
 * made `docker run … cat /out/app > app` write app 0600, which the old image held, while the
 * migrated `COPY --from … --chmod=644` gave 0644.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'package.json': '{"name":"d","scripts":{"image":"node tools/build.mjs"}}\n',
};
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker run --rm app:build cat /out/app > app', 'docker build -t app:latest .'];
const node = (opts: string) => ["import { execSync } from 'node:child_process';", ...STEPS.map((s) => `execSync('${s}', ${opts});`), ''].join('\n');
const zx = (head: string[]) => ["import { $, usePowerShell, usePwsh } from 'zx';", ...head, ...STEPS.map((s) => `await $\`${s}\`;`), ''].join('\n');
const statuses = (script: string) => planFiles({ ...BASE, 'tools/build.mjs': script }).setups.map((s) => s.status);

describe('a JavaScript call run by another shell than sh', () => {
  it("reads an exec call whose `shell` option names another shell as a program the tool does not model", () => {
    for (const shell of ["'pwsh'", "'./tools/sh77'", "'C:\\\\Windows\\\\System32\\\\cmd.exe'", 'process.env.SHELL', "`${dir}/sh`"]) {
      expect(statuses(node(`{ stdio: 'inherit', shell: ${shell} }`)), shell).toEqual([]);
    }
  });

  it('reads it as sh under sh, bash or dash, `shell: true` or no shell option', () => {
    for (const opts of ["{ stdio: 'inherit', shell: '/bin/bash' }", "{ stdio: 'inherit', shell: 'sh' }", "{ stdio: 'inherit', shell: true }", "{ stdio: 'inherit' }"]) {
      expect(statuses(node(opts)), opts).toEqual(['migrate']);
    }
  });

  it("reads zx's commands as programs the tool does not model after it switches to another shell", () => {
    for (const head of [['usePowerShell();'], ['usePwsh();'], ["$.shell = '/usr/bin/pwsh';"], ['$.shell = which.sync("zsh");']]) {
      expect(statuses(zx(head)), head[0]).toEqual([]);
    }
    for (const head of [[], ["$.shell = '/bin/bash';"]]) expect(statuses(zx(head)), head[0]).toEqual(['migrate']);
  });
});

/**
 * npm packs the package's folder after the lifecycle scripts `prepack`, `prepare`,
 * `prepublishOnly` and `prepublish` ran (src/plan/packed-artifacts.ts): a hook that runs a setup
 * left the artifact there for the package, so it stays on the host (an export stage).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app && chmod 755 /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const SETUP = 'docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app app && docker rm x && docker build -t app:latest .';
const SHELL = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app app\ndocker rm x\ndocker build -t app:latest .\n';
const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'demo', version: '1.0.0', ...extra, scripts }, null, 2) + '\n';

function kept(files: Record<string, string>): { status: string[]; why: string | null } {
  const plan = planFiles({ ...BASE, ...files });
  return { status: plan.setups.map((s) => s.status), why: plan.setups[0]?.notes.find((n) => n.startsWith('app is still needed on the host')) ?? null };
}

describe('npm pack and publish after a lifecycle hook that ran the setup', () => {
  it('keeps the artifact on the host when a pack hook calls the script holding the setup', () => {
    for (const hook of ['prepack', 'prepare', 'prepublishOnly', 'prepublish']) {
      const r = kept({ 'package.json': pkg({ image: SETUP, [hook]: 'npm run image' }, { bin: { demo: 'app' }, files: ['app'] }) });
      expect(r.status, hook).toEqual(['migrate']);
      expect(r.why, hook).toContain(`npm packs the root folder (the package of package.json) after its \`${hook}\` script (package.json:`);
    }
  });

  it('keeps it when the hook holds the setup itself, or runs a shell script or a make target holding it', () => {
    expect(kept({ 'package.json': pkg({ prepack: SETUP }) }).why).toContain('after its `prepack` script');
    expect(kept({ 'package.json': pkg({ prepare: 'sh build.sh' }), 'build.sh': SHELL }).why).toContain('ran `sh build.sh` (package.json:');
    const makefile = ['.PHONY: image', 'image:', ...SHELL.split('\n').slice(2, -1).map((l) => `\t${l}`), ''].join('\n');
    expect(kept({ 'package.json': pkg({ prepublishOnly: 'make image' }), Makefile: makefile }).why).toContain('after its `prepublishOnly` script');
  });

  it('leaves an artifact outside the package folder, and a script npm does not run before packing', () => {
    expect(kept({ 'pkg/package.json': pkg({ prepack: 'sh ../build.sh' }), 'build.sh': SHELL }).why).toBeNull();
    expect(kept({ 'package.json': pkg({ image: SETUP, postpack: 'npm run image', release: 'npm run image' }) }).why).toBeNull();
  });
});

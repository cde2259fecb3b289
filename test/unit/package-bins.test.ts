/** `npx NAME` runs the script a package.json `bin` entry names (src/plan/package-bins.ts). */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILD = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name app-out app:build\ndocker cp app-out:/out/app ./app\ndocker rm app-out\ndocker build -t app:latest .\n';
const files = (call: string, bin: unknown = { 'build-image': 'scripts/build.sh' }) => ({
  'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'package.json': JSON.stringify({ name: '@acme/build-image', bin }, null, 2),
  'scripts/build.sh': BUILD,
  'ci/release.sh': `#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\n${call}\ntar czf /tmp/release.tgz .\ndocker push app:latest\n`,
});
const exported = (f: Record<string, string>) => {
  const plan = planFiles(f);
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  return plan.changes.find((c) => c.path === 'Dockerfile')!.after!.includes('AS export');
};

describe('a caller running a package bin that is a setup\'s script', () => {
  it('is a call of that script: what it does afterwards with the folder keeps the artifact on the host', () => {
    expect(exported(files('npx build-image'))).toBe(true);
    expect(exported(files('npm exec -- build-image'))).toBe(true);
    expect(exported(files('npx --yes build-image'))).toBe(true);
    // `"bin": "scripts/build.sh"`: the bin is named after the package (its scope left out).
    expect(exported(files('npx build-image', 'scripts/build.sh'))).toBe(true);
  });

  it('is none where it runs another bin', () => {
    expect(exported(files('npx other-tool'))).toBe(false);
  });
});

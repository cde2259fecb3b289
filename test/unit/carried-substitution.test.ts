/**
 * A command substitution in a builder build flag carried to the final build (`--build-arg
 * V="$(cat VERSION)"`) runs there, after the commands between the builds: the rewritten script
 * reads back with it before the final build (src/plan/reread.ts), and a command between the
 * builds that may write what it reads refuses (BUILDER_INPUT_CHANGED, src/plan/builder-inputs.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM busybox:latest\nARG V\nRUN mkdir -p /out && echo "$V" > /out/app\n',
  Dockerfile: 'FROM busybox:latest\nCOPY app /app\n',
  VERSION: '1.0\n',
};
const EXTRACT = 'docker create --name x app-build\ndocker cp x:/out/app ./app\ndocker rm x\n';

function run(between: string, final = 'docker build -t app .', sub = '$(cat VERSION)') {
  const p = planFiles({ ...FILES, 'build.sh': `#!/bin/sh\nset -e\ndocker build --build-arg V="${sub}" -t app-build -f Dockerfile.build .\n${EXTRACT}${between}${final}\n` });
  const s = p.setups[0]!;
  return { status: s.status, errors: [...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))], script: p.changes.find((c) => c.path === 'build.sh')?.after ?? null };
}

describe('a command substitution carried to the final build', () => {
  it('migrates with a command between the builds that writes nothing it reads', () => {
    expect(run('echo hello\n')).toEqual({ status: 'migrate', errors: [], script: '#!/bin/sh\nset -e\necho hello\ndocker build --build-arg V="$(cat VERSION)" -t app .\n' });
    expect(run('echo hello > NOTES\n').status).toBe('migrate');
    expect(run('')).toMatchObject({ status: 'migrate', errors: [] });
    // beside a substitution of the final build's own, after where the carried flag goes
    expect(run('echo hello\n', 'docker build --label at="$(date)" -t app .')).toMatchObject({ status: 'migrate', errors: [] });
    // a program the tool does not model in the substitution, with nothing between that writes
    expect(run('echo hello\n', undefined, '$(git describe --tags)')).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('is refused where a command between the builds may write what it reads', () => {
    expect(run('echo 2.0 > VERSION\n')).toMatchObject({ status: 'refused', errors: ['BUILDER_INPUT_CHANGED'] });
    expect(run('./bump-version\n')).toMatchObject({ status: 'refused', errors: ['BUILDER_INPUT_CHANGED'] });
    // `git describe` prints what the repository's state gives: any write, and a program not modelled, may change it
    expect(run('touch NOTES\n', undefined, '$(git describe --tags)')).toMatchObject({ status: 'refused', errors: ['BUILDER_INPUT_CHANGED'] });
    expect(run('git tag v2\n', undefined, '$(git describe --tags)')).toMatchObject({ status: 'refused', errors: ['BUILDER_INPUT_CHANGED'] });
  });
});

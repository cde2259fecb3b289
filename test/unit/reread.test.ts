/**
 * The rewritten script is read again with its own reader and must hold exactly the planned
 * commands. For every file kind: the right edit passes, and a deliberately wrong one (a syntax
 * error, a command swallowed, one left behind, one moved into a branch, a planned flag not
 * written) is caught.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { rereadScript, type WordChange } from '../../src/plan/reread.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /app\n' };

/** Reads `file` from a small tree and checks `after` against removing the builder's steps. */
function check(file: string, before: string, after: string, rewrites: (index: (pick: string) => number) => WordChange[] = () => []) {
  const files: Record<string, string> = { ...DOCKERFILES, [file]: before };
  const fs = new MemoryFs(files);
  const script = analyze(fs, Object.keys(files).sort()).scripts.get(file)!;
  expect(script).toBeDefined();
  const text = (i: number) => script.commands[i]!.words.map((w) => w.value ?? w.symbol).join(' ');
  // The builder's steps: everything that names the builder image or the extraction container.
  const removed = script.commands.filter((c) => /app:build|docker (cp|create|rm) /.test(text(c.index)) || text(c.index) === 'docker compose run --rm builder').map((c) => c.index);
  expect(removed.length).toBeGreaterThan(0);
  const index = (pick: string) => script.commands.findIndex((c) => text(c.index) === pick);
  return rereadScript({ script, after, removed, rewrites: rewrites(index) }, fs);
}

const SH = [
  '#!/bin/sh',
  'set -e',
  'cd "$(dirname "$0")"',
  'docker build -t app:build -f Dockerfile.build .',
  'if [ -n "$CI" ]; then docker create --name x app:build; docker cp x:/out/app ./app; docker rm x; fi',
  'docker build -t app .',
  'echo done',
  '',
].join('\n');
const SH_OK = ['#!/bin/sh', 'set -e', 'cd "$(dirname "$0")"', 'if [ -n "$CI" ]; then :; fi', 'docker build -t app .', 'echo done', ''].join('\n');

describe('reread: shell scripts', () => {
  it('accepts the planned edit, with the no-op that keeps the emptied body valid', () => {
    expect(check('build.sh', SH, SH_OK)).toBeNull();
  });

  it('catches a body emptied without its separator (no longer parses)', () => {
    expect(check('build.sh', SH, SH_OK.replace('then :; fi', 'then : fi'))).toMatch(/no longer reads cleanly/);
  });

  it('catches a command swallowed by the deletion', () => {
    expect(check('build.sh', SH, SH_OK.replace('echo done\n', ''))).toMatch(/`echo done` \(line \d+\) is missing/);
  });

  it('catches a removed command left behind', () => {
    expect(check('build.sh', SH, SH_OK.replace('then :; fi', 'then docker rm x; fi'))).toMatch(/docker rm x/);
  });

  it('catches a kept command that now runs only in a branch', () => {
    expect(check('build.sh', SH, SH_OK.replace('then :; fi\ndocker build -t app .', 'then docker build -t app .; fi'))).toMatch(/as planned from line \d+, but it runs conditionally where the plan expects it to run unconditionally/);
  });

  it('catches a kept command that now runs in another folder', () => {
    expect(check('build.sh', SH, SH_OK.replace('cd "$(dirname "$0")"\n', 'cd "$(dirname "$0")"\ncd sub\n'))).toMatch(/adds|reads as|in folder/);
  });

  it('checks a rewrite in place: the carried flag must be written exactly', () => {
    const carry = (index: (p: string) => number): WordChange[] => [{ index: index('docker build -t app .'), kind: 'insert', after: 1, words: ['--build-arg', 'V=1'] }];
    expect(check('build.sh', SH, SH_OK.replace('docker build -t app .', 'docker build --build-arg V=1 -t app .'), carry)).toBeNull();
    expect(check('build.sh', SH, SH_OK, carry)).toMatch(/where the plan expects `docker build --build-arg V=1 -t app \.`/);
    expect(check('build.sh', SH, SH_OK.replace('docker build -t app .', 'docker build --build-arg V=2 -t app .'), carry)).toMatch(/the first difference is word 4, read as `V=2` where the plan expects `V=1`$/);
  });

  it('a command replaced whole leaves its redirects behind: the replacement has none, and one kept is shown as the difference', () => {
    const before = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\nmkdir -p out\ndocker run --rm -v "$PWD/out:/out" app:build go build -o /out/app . < steps.sh\ndocker build -t app .\n';
    const files = { ...DOCKERFILES, 'build.sh': before };
    const fs = new MemoryFs(files);
    const script = analyze(fs, Object.keys(files).sort()).scripts.get('build.sh')!;
    const run = script.commands.findIndex((c) => c.words[1]?.value === 'run');
    const exported = ['docker', 'build', '--target', 'export', '--output', 'type=local,dest=.', '-f', 'Dockerfile', '.'];
    const rewrites: WordChange[] = [{ index: run, kind: 'whole', words: exported }];
    const after = (tail: string) => `#!/bin/sh\nset -e\nmkdir -p out\n${exported.join(' ')}${tail}\ndocker build -t app .\n`;
    const reread = (text: string) => rereadScript({ script, after: text, removed: [run - 2], rewrites }, fs);
    expect(script.commands[run - 2]!.words[1]!.value).toBe('build');
    expect(reread(after(''))).toBeNull();
    expect(reread(after(' < steps.sh'))).toBe(`line 4 reads as \`${exported.join(' ')}\`, as planned from line 5, but its redirects are \`<steps.sh\` where the plan expects none`);
  });
});

describe('reread: Makefile recipes', () => {
  const MK = ['TAG := acme/app', 'image:', '\tdocker build -t app:build -f Dockerfile.build .', '\tdocker create --name x app:build', '\tdocker cp x:/out/app app', '\tdocker build -t $(TAG) . \\', '\t  --pull', '\techo done', ''].join('\n');
  const OK = ['TAG := acme/app', 'image:', '\tdocker build -t $(TAG) . \\', '\t  --pull', '\techo done', ''].join('\n');

  it('accepts the planned edit', () => {
    expect(check('Makefile', MK, OK)).toBeNull();
  });

  it('catches a continuation line lost with the removed lines (the next line joins the command)', () => {
    expect(check('Makefile', MK, OK.replace('\t  --pull\n', ''))).toMatch(/reads as `docker build -t acme\/app \. echo done`/);
  });

  it('catches a recipe line that no longer parses when another already did not', () => {
    const broken = MK.replace('\techo done', '\techo "done\n\techo "unclosed');
    expect(check('Makefile', broken, OK.replace('\techo done', '\techo "done\n\techo "unclosed').replace('\t  --pull', '\t  --pull "'))).toMatch(/no longer reads cleanly/);
  });

  it('catches a recipe line that lost its tab', () => {
    expect(check('Makefile', MK, OK.replace('\techo done', 'echo done'))).not.toBeNull();
  });
});

describe('reread: package.json scripts', () => {
  const PKG = '{\n  "scripts": {\n    "image": "docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker build -t app . && echo done"\n  }\n}\n';
  const OK = '{\n  "scripts": {\n    "image": "docker build -t app . && echo done"\n  }\n}\n';

  it('accepts the planned edit', () => {
    expect(check('package.json', PKG, OK)).toBeNull();
  });

  it('catches invalid JSON', () => {
    expect(check('package.json', PKG, OK.replace('"image":', '"image"'))).toMatch(/cannot be read|no longer reads/);
  });

  it('catches a command swallowed with its neighbour', () => {
    expect(check('package.json', PKG, OK.replace(' && echo done', ''))).toMatch(/`echo done`/);
  });
});

describe('reread: CI YAML', () => {
  const GHA = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - run: docker build -t app:build -f Dockerfile.build .', '      - run: |', '          docker create --name x app:build', '          docker cp x:/out/app ./app', '      - run: docker build -t app .', '      - run: echo done', ''].join('\n');
  const OK = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - run: docker build -t app .', '      - run: echo done', ''].join('\n');

  it('GitHub Actions: accepts the planned edit', () => {
    expect(check('.github/workflows/image.yml', GHA, OK)).toBeNull();
  });

  it('GitHub Actions: catches a step removed with the others, and broken YAML', () => {
    expect(check('.github/workflows/image.yml', GHA, OK.replace('      - run: echo done\n', ''))).toMatch(/`echo done`/);
    expect(check('.github/workflows/image.yml', GHA, OK.replace('    steps:', '   steps:'))).not.toBeNull();
  });

  it('GitLab CI: catches a script item removed with the others', () => {
    const ci = ['build-image:', '  script:', '    - docker build -t app:build -f Dockerfile.build .', '    - docker create --name x app:build', '    - docker cp x:/out/app ./app', '    - docker build -t app .', '    - echo done', ''].join('\n');
    const ok = ['build-image:', '  script:', '    - docker build -t app .', '    - echo done', ''].join('\n');
    expect(check('.gitlab-ci.yml', ci, ok)).toBeNull();
    expect(check('.gitlab-ci.yml', ci, ok.replace('    - echo done\n', ''))).toMatch(/`echo done`/);
  });
});

describe('reread: JavaScript build scripts', () => {
  const JS = ["import { execSync } from 'node:child_process';", "execSync('docker build -t app:build -f Dockerfile.build .');", "execSync('docker create --name x app:build');", "execSync('docker cp x:/out/app ./app');", "execSync('docker build -t app .');", "execSync('docker push app');", ''].join('\n');
  const OK = ["import { execSync } from 'node:child_process';", "execSync('docker build -t app .');", "execSync('docker push app');", ''].join('\n');

  it('accepts the planned edit, and catches a call removed with the others or a syntax error', () => {
    expect(check('scripts/image.mjs', JS, OK)).toBeNull();
    expect(check('scripts/image.mjs', JS, OK.replace("execSync('docker push app');\n", ''))).toMatch(/`docker push app`/);
    expect(check('scripts/image.mjs', JS, OK.replace("execSync('docker push app');", "execSync('docker push app';"))).toMatch(/cannot be read|no longer reads/);
  });
});

describe('reread: scripts that drive compose', () => {
  it('reads the script as written: the compose command goes, the other stays', () => {
    const files = { 'docker-compose.yml': 'services:\n  builder:\n    build: {context: ., dockerfile: Dockerfile.build}\n    volumes: ["./out:/dist"]\n    command: cp /out/app /dist/\n' };
    const sh = '#!/bin/sh\ndocker compose run --rm builder\ndocker build -t app .\necho done\n';
    const all = { ...DOCKERFILES, ...files, 'build.sh': sh };
    const fs = new MemoryFs(all);
    const script = analyze(fs, Object.keys(all).sort()).scripts.get('build.sh')!;
    const fromService = script.commands.filter((c) => c.line === 2).map((c) => c.index);
    expect(fromService.length).toBeGreaterThan(1);
    expect(rereadScript({ script, after: '#!/bin/sh\ndocker build -t app .\necho done\n', removed: fromService, rewrites: [] }, fs)).toBeNull();
    expect(rereadScript({ script, after: '#!/bin/sh\necho done\n', removed: fromService, rewrites: [] }, fs)).toMatch(/`docker build -t app \.`/);
    // Only part of what the compose command stood for was planned away: it must stay.
    expect(rereadScript({ script, after: '#!/bin/sh\ndocker build -t app .\necho done\n', removed: fromService.slice(1), rewrites: [] }, fs)).toMatch(/docker compose run --rm builder/);
  });
});

describe('the CI kinds read through the registry are read again too', () => {
  const lines = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .'];
  const cases: [string, string, string, string][] = [
    ['.travis.yml', `script:\n${lines.map((l) => `  - ${l}`).join('\n')}\n`, 'script:\n  - docker build -t app .\n', 'script:\n  - docker build -t app . &&\n'],
    ['bitbucket-pipelines.yml', `pipelines:\n  default:\n    - step:\n        script:\n${lines.map((l) => `          - ${l}`).join('\n')}\n`, 'pipelines:\n  default:\n    - step:\n        script:\n          - docker build -t app .\n', 'pipelines:\n  default:\n    - step:\n        script:\n          - docker rm x\n          - docker build -t app .\n'],
    ['.circleci/config.yml', `jobs:\n  b:\n    steps:\n      - run: |\n${lines.map((l) => `          ${l}`).join('\n')}\n`, 'jobs:\n  b:\n    steps:\n      - run: |\n          docker build -t app .\n', 'jobs:\n  b:\n    steps:\n      - run: |\n          if true; then docker build -t app .; fi\n'],
    ['azure-pipelines.yml', `steps:\n  - bash: |\n${lines.map((l) => `      ${l}`).join('\n')}\n`, 'steps:\n  - bash: |\n      docker build -t app .\n', 'steps:\n  - bash: |\n      docker build -t app . )\n'],
  ];
  for (const [file, before, right, wrong] of cases) {
    it(`${file}: the right edit passes, a wrong one is caught`, () => {
      expect(check(file, before, right)).toBeNull();
      expect(check(file, before, wrong)).not.toBeNull();
    });
  }
});

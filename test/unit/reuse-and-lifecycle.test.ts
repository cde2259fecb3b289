/**
 * Values a reader would otherwise take as known: a GitHub workflow reusing YAML through an alias
 * (src/analyze/hosts/ci-yaml.ts, refused SHELL_NOT_READ), and npm's `$npm_lifecycle_event` in a
 * builder flag moved into another npm script (src/plan/index.ts perScriptVariables, FLAG_CONFLICT).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM busybox:latest\nARG T\nRUN mkdir -p /out && echo "$T" > /out/app\n',
  'alt/Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo alt > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const codes = (files: Record<string, string>) => planFiles({ ...FILES, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const RUN = ['docker build -f $DF -t app:build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'].map((l) => `          ${l}`).join('\n');

describe('a GitHub workflow reusing YAML through an alias', () => {
  const wf = (otherEnv: string, buildEnv: string) => ({ '.github/workflows/ci.yml': `on: push\nenv:\n  DF: Dockerfile.build\njobs:\n  other:\n    runs-on: ubuntu-latest\n    env: ${otherEnv}\n      DF: alt/Dockerfile.build\n    steps:\n      - run: echo hi\n  build:\n    runs-on: ubuntu-latest\n${buildEnv}    steps:\n      - run: |\n${RUN}\n` });
  it('is refused: a job\'s env, defaults or steps may come through it', () => {
    expect(codes(wf('&altenv\n', '    env: *altenv\n'))).toEqual([['refused', 'SHELL_NOT_READ']]);
  });
  it('migrates without one', () => {
    expect(codes(wf('\n', ''))).toEqual([['migrate']]);
  });
});

describe('$npm_lifecycle_event in a builder build flag', () => {
  const pkg = (compileArg: string, image: string) => ({ 'package.json': JSON.stringify({ scripts: { compile: `docker build --build-arg T=${compileArg} -t app:build -f Dockerfile.build . && docker create --name ex app:build && docker cp ex:/out/app ./app && docker rm ex`, image } }, null, 2) });
  it('is refused when the final build is in another npm script, which gives it another value', () => {
    expect(codes(pkg('$npm_lifecycle_event', 'npm run compile && docker build -t app:latest .'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(pkg('release', 'npm run compile && docker build -t app:latest .'))).toEqual([['migrate']]);
  });
});

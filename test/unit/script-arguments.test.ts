/** Words a caller hands a package.json script reach its last command (src/plan/script-arguments.ts). */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const IMAGE = 'docker build -t app:build -f Dockerfile.build . && docker create --name app-out app:build && docker cp app-out:/out/app ./app && docker rm app-out && docker build -t app:latest .';
const tree = (extra: Record<string, string>, scripts: Record<string, string> = { image: IMAGE }) => ({
  'Dockerfile.build': 'FROM golang:1.21\nARG VERSION=1\nRUN go build -ldflags "-X main.v=$VERSION" -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'package.json': JSON.stringify({ name: 'app', scripts }, null, 2),
  ...extra,
});
const ci = (line: string) => ({ 'ci.sh': `#!/bin/sh\nset -e\ndocker version\n${line}\n` });
const codes = (files: Record<string, string>) => planFiles(files).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('a caller handing words to the script of a setup', () => {
  it('refuses where they reach the final build, which merged would build the builder stage with them', () => {
    expect(codes(tree(ci('npm run image -- --build-arg VERSION=2')))).toContain('UNSUPPORTED_BUILD_FLAG');
    expect(codes(tree(ci('pnpm run image --no-cache')))).toContain('UNSUPPORTED_BUILD_FLAG');
    expect(codes(tree(ci('yarn image --pull')))).toContain('UNSUPPORTED_BUILD_FLAG');
    // From another script of the package.
    expect(codes(tree({}, { image: IMAGE, ci: 'npm run image -- --no-cache' }))).toContain('UNSUPPORTED_BUILD_FLAG');
  });

  it('migrates where none are handed, npm keeps its options, or the last command is no step of the setup', () => {
    expect(codes(tree(ci('npm run image')))).toEqual([]);
    expect(codes(tree(ci('npm run image --silent')))).toEqual([]);
    expect(codes(tree(ci('npm run image -- --verbose'), { image: `${IMAGE} && echo built` }))).toEqual([]);
  });

  it('reads the value of an npm option as npm\'s, not a word for the script (`--loglevel silly`)', () => {
    for (const line of ['npm run image --loglevel silly', 'npm --loglevel silly run image', 'npm run image --logl silly', 'npm run image --if-present true', 'npm run image -dd'])
      expect(codes(tree(ci(line))), line).toEqual([]);
    // npm hands these words on: after `--`, after a Boolean option (or one of no name it knows), after `--no-`
    for (const line of ['npm run image --loglevel silly -- --pull', 'npm run image --if-present --pull2 x', 'npm run image --no-loglevel silly', 'npm run image --color q'])
      expect(codes(tree(ci(line))), line).toContain('UNSUPPORTED_BUILD_FLAG');
  });
});

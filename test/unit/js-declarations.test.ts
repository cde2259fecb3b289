/**
 * A JavaScript build script's const is known by its value only where its name is bound once in
 * the file (src/analyze/hosts/js-declarations.ts): with a second binding a `${df}` could read
 * the other one's value, and a migration would merge the wrong Dockerfile.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  'Dockerfile.lint': 'FROM golang:1.21\nRUN mkdir -p /out && echo lint > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
};
const CALLS = "execSync(`docker build -t app:build -f ${df} .`);\nexecSync('docker create --name out app:build');\nexecSync('docker cp out:/out/app ./app');\nexecSync('docker rm out');\nexecSync('docker build -t app:latest .', { stdio: 'inherit' });\n";
const script = (middle: string) => `import { execSync } from 'node:child_process';\n\nconst df = 'Dockerfile.build';\n\n${middle}${CALLS}`;

describe('a const whose name is bound again', () => {
  for (const [what, middle] of [
    ['by a const in a function', "export function lint() {\n  const df = 'Dockerfile.lint';\n  execSync(`docker build -t app:lint -f ${df} .`);\n}\n\n"],
    ['by a parameter', 'export function lint(df) {\n  execSync(`docker build -t app:lint -f ${df} .`);\n}\n\n'],
  ] as const) {
    it(`never reads the other binding's value, ${what}: the builder build is not followed`, () => {
      const plan = planFiles({ ...FILES, 'build.mjs': script(middle) });
      expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
      expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DYNAMIC_BUILD_INPUT']);
      expect(plan.changes).toEqual([]);
    });
  }

  it('merges the builder Dockerfile it names when the name is bound once', () => {
    const plan = planFiles({ ...FILES, 'build.mjs': script('') });
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(plan.changes.find((c) => c.path === 'Dockerfile')?.after).toContain('RUN go build -o /out/app .');
  });
});

/**
 * An extraction written in a function body is read apart from where the function is called
 * (each body is a sequence of its own), so a setup split between the two is not followed: the
 * near miss says so, naming the function, for shell and PowerShell alike.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /app\n' };
const misses = (file: string, text: string) => {
  const plan = planFiles({ ...FILES, [file]: text });
  expect(plan.setups).toEqual([]);
  return plan.diagnostics.filter((d) => d.code === 'EXTRACTION_NOT_FOLLOWED').map((d) => ({ line: d.line, message: d.message, hint: d.hint }));
};

describe('an extraction in a function body', () => {
  it('shell: names the function and says how to write it', () => {
    const sh = ['set -e', 'get_binary() {', '  docker create --name x app:build', '  docker cp x:/out/app ./app', '  docker rm x', '}', 'docker build -t app:build -f Dockerfile.build .', 'get_binary', 'docker build -t app .', ''].join('\n');
    const found = misses('build.sh', sh);
    expect(found.map((f) => f.line)).toEqual([4]);
    expect(found[0]!.message).toContain('(it runs in the body of the function get_binary, which the tool reads apart from where the function is called)');
    expect(found[0]!.hint).toContain('Write the steps where the function is called');
  });

  it('PowerShell: names the function too', () => {
    const ps = ['function Get-Binary {', '  docker create --name x app:build', '  docker cp x:/out/app ./app', '  docker rm x', '}', 'docker build -t app:build -f Dockerfile.build .', 'Get-Binary', 'docker build -t app .', ''].join('\n');
    const found = misses('build.ps1', ps);
    expect(found.map((f) => f.line)).toEqual([3]);
    expect(found[0]!.message).toContain('(it runs in the body of the PowerShell function Get-Binary, which the tool reads apart from where the function is called)');
  });

  it('outside any function, the message stays as it was', () => {
    const found = misses('build.sh', ['set -e', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker build -t app .', ''].join('\n'));
    expect(found[0]!.message).not.toContain('function');
  });
});

/**
 * A build context written through the folder the command runs in (`"$PWD"`, `"$(pwd)"`,
 * `"$PWD/svc"`) is that folder, as `.` (`./svc`) is: the builds are followed and merged
 * (src/analyze/link.ts buildInputs). Unquoted, the shell splits a folder name holding a blank, so
 * it stays a context only known at run time.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
  'svc/main.go': 'package main\n',
};
const script = (builderCtx: string, runtimeCtx: string) => `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build ${builderCtx}\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest ${runtimeCtx}\nrm app\n`;
const plan = (builderCtx: string, runtimeCtx: string) => {
  const p = planFiles({ ...FILES, 'build.sh': script(builderCtx, runtimeCtx) });
  return { setups: p.setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]), dockerfile: p.changes.find((c) => c.path === 'Dockerfile')?.after ?? null };
};

describe('a context written as the folder the command runs in', () => {
  it('is that folder for the builder build and the runtime build', () => {
    for (const [b, r] of [['"$PWD"', '.'], ['"$(pwd)"', '.'], ['"${PWD}"', '"$PWD"'], ['.', '"$(pwd)"'], ['"$PWD/"', '.']]) {
      expect(plan(b!, r!).setups).toEqual([['migrate']]);
    }
  });

  it('reads a folder below it as a subfolder context', () => {
    const p = plan('"$PWD/svc"', '.');
    expect(p.setups).toEqual([['migrate']]);
    expect(p.dockerfile).toContain('COPY svc/main.go .');
  });

  it('leaves an unquoted one, or one with more after the quotes, only known at run time', () => {
    for (const b of ['$PWD', '$(pwd)', '"$PWD"/svc', '"$HOME"']) expect(plan(b, '.').setups).toEqual([['refused', 'DYNAMIC_BUILD_INPUT']]);
  });

  it("in a Makefile, reads the recipe shell's own $$PWD and not Make's $(PWD), which `make -C` leaves at the caller's folder", () => {
    const recipe = (ctx: string) => `image:\n\tdocker build -t app:build -f Dockerfile.build ${ctx}\n\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n`;
    const status = (ctx: string) => planFiles({ ...FILES, Makefile: recipe(ctx) }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
    for (const ctx of ['"$$PWD"', '"$$(pwd)"', '"$$PWD/svc"']) expect(status(ctx)).toEqual([['migrate']]);
    for (const ctx of ['"$(PWD)"', '"${PWD}"', '"$(PWD)/svc"']) expect(status(ctx)).toEqual([['refused', 'DYNAMIC_BUILD_INPUT']]);
  });
});

/**
 * Make files joined by `include` are read alone: a setup in one is migrated only when the other
 * holds nothing that reaches its recipes (src/plan/make-includes.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const RECIPE = 'image:\n\tdocker build -t app:build -f Dockerfile.build .\n\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n\trm -f app\n';
const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app main.go\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
};
const codes = (files: Record<string, string>) => planFiles({ ...FILES, ...files }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('make files joined by include', () => {
  it('refuses a recipe in an included file whose includer sets .ONESHELL (its cd would reach the later lines)', () => {
    expect(codes({ Makefile: '.ONESHELL:\n.PHONY: image\ninclude build.mk\n', 'build.mk': RECIPE })).toContain('MAKE_INCLUDE');
  });

  it('refuses a recipe in an included file whose includer assigns a variable', () => {
    expect(codes({ Makefile: 'SHELL := /bin/bash\ninclude build.mk\n', 'build.mk': RECIPE })).toContain('MAKE_INCLUDE');
  });

  it('refuses a Makefile whose included file exports a build variable', () => {
    expect(codes({ Makefile: `include settings.mk\n${RECIPE}`, 'settings.mk': 'export DOCKER_BUILDKIT=0\n' })).toContain('MAKE_INCLUDE');
  });

  it('refuses an include the repository does not hold, or one only known when Make runs', () => {
    expect(codes({ Makefile: `-include .env.mk\n${RECIPE}` })).toContain('MAKE_INCLUDE');
    expect(codes({ Makefile: `include $(wildcard mk/*.mk)\n${RECIPE}` })).toContain('MAKE_INCLUDE');
  });

  it('refuses an includer with a rule for the setup\'s own target', () => {
    expect(codes({ Makefile: 'include build.mk\nimage: generate\n', 'build.mk': RECIPE })).toContain('MAKE_INCLUDE');
  });

  it('refuses an included file of another name with a rule of its own: the tool does not read its recipes as a sibling target\'s', () => {
    const release = 'release: image\n\tsha256sum app > SUMS\n';
    for (const name of ['release.inc', 'Makefile.release']) expect(codes({ Makefile: `.PHONY: image release\n${RECIPE}include ${name}\n`, [name]: release }), name).toContain('MAKE_INCLUDE');
    // Named *.mk, it is read as a make file: its rule is a sibling target, and the artifact stays on the host.
    expect(codes({ Makefile: `.PHONY: image release\n${RECIPE}include release.mk\n`, 'release.mk': release })).toEqual([]);
  });

  it('migrates a recipe in an included file whose includer holds only comments, .PHONY and other targets', () => {
    const p = planFiles({ ...FILES, Makefile: '# Build entry point.\n.PHONY: image all\ninclude build.mk\nall: image\n', 'build.mk': RECIPE });
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(p.changes.find((c) => c.path === 'build.mk')!.after).toBe('image:\n\tdocker build -t app:latest .\n');
  });
});

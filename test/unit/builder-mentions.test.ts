/**
 * A builder Dockerfile the migration would delete is kept when a command it does not touch
 * still names it (src/plan/builder-keep.ts, builder-mentions.ts): deleting it would break that
 * command. Names that provably mean another file are no reason.
 */
import { describe, expect, it } from 'vitest';
import { planDir, planFiles } from '../support/plan.js';
import { writeTemp } from '../support/tree.js';

const SETUP = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n',
};

function outcome(extra: Record<string, string>) {
  const plan = planFiles({ ...SETUP, ...extra });
  const setup = plan.setups[0]!;
  return {
    status: setup.status,
    deleted: plan.changes.filter((c) => c.action === 'delete').map((c) => c.path),
    note: setup.notes.find((n) => n.startsWith('Dockerfile.build is ')) ?? null,
  };
}

describe('a builder Dockerfile named elsewhere', () => {
  it('is deleted when nothing else names it', () => {
    expect(outcome({})).toEqual({ status: 'migrate', deleted: ['Dockerfile.build'], note: 'Dockerfile.build is deleted: its instructions now live in Dockerfile' });
  });

  it('is kept when a script without docker names it, with where', () => {
    const r = outcome({ 'ci/lint.sh': '#!/bin/sh\ncd ..\nhadolint Dockerfile.build\n' });
    expect(r.status).toBe('migrate');
    expect(r.deleted).toEqual([]);
    expect(r.note).toBe('Dockerfile.build is kept: ci/lint.sh:3 still names it (a file the tool does not read as a script, since it runs no docker command), and deleting it could break what uses it');
  });

  it('is kept when a file the walk passed over names it (a Python script building it), with where', () => {
    // As the CLI walks a folder: a .py file is no candidate, only passed over (src/discover/passed-over.ts).
    const onDisk = (extra: Record<string, string>) => {
      const plan = planDir(writeTemp({ ...SETUP, ...extra }));
      return { deleted: plan.changes.filter((c) => c.action === 'delete').map((c) => c.path), note: plan.setups[0]!.notes.find((n) => n.startsWith('Dockerfile.build is ')) ?? null };
    };
    expect(onDisk({ 'tools/images.py': 'import os\n\nos.system("docker build -t app-debug -f Dockerfile.build .")\n' })).toEqual({
      deleted: [],
      note: 'Dockerfile.build is kept: tools/images.py:3 still names it (a file the tool does not read as a script), and deleting it could break what uses it',
    });
    // One that names another file is no reason.
    expect(onDisk({ 'tools/images.py': 'import os\n\nos.system("docker build -t app-debug -f Dockerfile.debug .")\n' }).deleted).toEqual(['Dockerfile.build']);
  });

  it('is kept when a read command of another script names it, with the command', () => {
    const r = outcome({ 'lint.sh': '#!/bin/sh\ndocker run --rm -i hadolint/hadolint < Dockerfile.build\n' });
    expect(r.deleted).toEqual([]);
    expect(r.note).toBe('Dockerfile.build is kept: `docker run --rm -i hadolint/hadolint` (lint.sh:2) still names it');
  });

  it('is kept when a name with a variable or in an unknown folder may mean it', () => {
    expect(outcome({ 'lint.sh': '#!/bin/sh\ndocker version\nhadolint "$DIR/Dockerfile.build"\n' }).deleted).toEqual([]);
    expect(outcome({ 'lint.sh': '#!/bin/sh\ndocker version\ncd "$1"\nsha256sum Dockerfile.build\n' }).deleted).toEqual([]);
  });

  it('is deleted when the only other names resolve to other files, or are part of a longer name', () => {
    const r = outcome({
      'svc/lint.sh': '#!/bin/sh\ndocker version\nhadolint Dockerfile.build\n',
      'tools/check.sh': '#!/bin/sh\ndocker version\ncp Dockerfile.build.bak /tmp/ && cat old-Dockerfile.build\n',
    });
    expect(r.deleted).toEqual(['Dockerfile.build']);
  });

  it('is deleted when the only other name is a comment that goes with the steps it described', () => {
    const script = '#!/bin/sh\nset -e\n\n# compile with Dockerfile.build\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\n\ndocker build -t app:latest .\nrm -f app\n';
    expect(outcome({ 'build.sh': script })).toEqual({ status: 'migrate', deleted: ['Dockerfile.build'], note: 'Dockerfile.build is deleted: its instructions now live in Dockerfile' });
  });

  it('is kept when a comment naming it stays in the rewritten script', () => {
    const script = '#!/bin/sh\n# toolchain: Dockerfile.build\nset -e\n\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\n\ndocker build -t app:latest .\nrm -f app\n';
    const r = outcome({ 'build.sh': script });
    expect(r.deleted).toEqual([]);
    expect(r.note).toBe('Dockerfile.build is kept: build.sh:2 still names it (outside the commands the tool reads there), and deleting it could break what uses it');
  });

  it('is refused, not kept, when a Makefile without docker lists it as a prerequisite', () => {
    const plan = planFiles({ ...SETUP, Makefile: '.stamp: main.go Dockerfile.build\n\t./build.sh\n\ttouch .stamp\n' });
    expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.file, d.line]))).toEqual([[['MAKE_PREREQUISITE_REMOVED', 'Makefile', 1]]]);
    expect(plan.changes).toEqual([]);
  });
});

/**
 * A builder built from a subfolder of the runtime build's context: its COPY/ADD sources get
 * the subfolder in front, so the one merged build reads the same files; refused (nothing
 * written, a coded diagnostic with file and line) wherever that cannot be proved.
 */
import { describe, expect, it } from 'vitest';
import { mayExcludeUnder, subfolderOf } from '../../src/plan/context-subfolder.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applied, planDir, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY go.mod ./\nCOPY *.go ./\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const SCRIPT = [
  '#!/bin/sh',
  'set -e',
  'docker build -t app:build -f svc/Dockerfile.build svc',
  'docker create --name x app:build',
  'docker cp x:/out/app ./app',
  'docker rm x',
  'docker build -t app:latest .',
  'rm -f app',
  '',
].join('\n');
const repo = (over: Record<string, string> = {}) => ({ 'svc/Dockerfile.build': BUILDER, 'svc/main.go': 'package main\n', Dockerfile: RUNTIME, 'build.sh': SCRIPT, ...over });

const migrated = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups.map((s) => [s.status, s.diagnostics])).toEqual(plan.setups.map(() => ['migrate', []]));
  return { plan, out: applied(files, plan) };
};

const refusedWith = (files: Record<string, string>, code: string, file: string, line: number) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  expect(plan.changes).toEqual([]);
  expect(plan.setups[0]!.status).toBe('refused');
  const d = plan.setups[0]!.diagnostics.find((x) => x.code === code);
  expect(d, `expected ${code} in ${JSON.stringify(plan.setups[0]!.diagnostics)}`).toBeDefined();
  expect([d!.severity, d!.file, d!.line]).toEqual(['error', file, line]);
};

describe('builder context in a subfolder of the runtime context', () => {
  it('puts the subfolder in front of every COPY source, and says so', () => {
    const { plan, out } = migrated(repo());
    expect(out['Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY svc/go.mod ./\nCOPY svc/*.go ./\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCMD ["app"]\n');
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n');
    expect(plan.setups[0]!.notes).toContain('svc/Dockerfile.build was built from svc/, the merged build from the runtime\'s context: its 2 COPY/ADD source(s) now start with svc/, so they read the same files');
  });

  it('rewrites `.`, `./x/`, leading slashes and JSON sources; leaves URLs and --from alone', () => {
    const builder = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nCOPY ./cmd/ ./cmd/\nCOPY /go.mod ./\nCOPY ["main.go", "./"]\nADD https://example.com/x.tgz /tmp/\nCOPY --from=busybox:latest /bin/busybox /bin/\nRUN go build -o /out/app .\n';
    const { out } = migrated(repo({ 'svc/Dockerfile.build': builder }));
    expect(out['Dockerfile']).toContain('COPY svc .\nCOPY svc/cmd/ ./cmd/\nCOPY svc/go.mod ./\nCOPY ["svc/main.go", "./"]\nADD https://example.com/x.tgz /tmp/\nCOPY --from=busybox:latest /bin/busybox /bin/\n');
  });

  it('works below a runtime context that is itself a subfolder', () => {
    const files = {
      'web/svc/Dockerfile.build': BUILDER,
      'web/Dockerfile': RUNTIME,
      'build.sh': SCRIPT.replace('-f svc/Dockerfile.build svc', '-f web/svc/Dockerfile.build web/svc').replace('./app', './web/app').replace('docker build -t app:latest .', 'docker build -t app:latest web').replace('rm -f app', 'rm -f web/app'),
    };
    expect(migrated(files).out['web/Dockerfile']).toContain('COPY svc/go.mod ./\nCOPY svc/*.go ./\n');
  });

  it('accepts runtime ignore patterns that cannot reach the subfolder', () => {
    migrated(repo({ '.dockerignore': '# not sent\n.git\n*.md\nnode_modules\n!README.md\nsvcs/\n' }));
  });

  it('keeps a still-used builder tag, built from the merged Dockerfile and the runtime context', () => {
    const { out } = migrated(repo({ 'build.sh': SCRIPT.replace('docker build -t app:latest .', 'docker build -t app:latest .\ndocker run --rm app:build go test ./...') }));
    expect(out['build.sh']).toContain('docker build --target builder -t app:build -f Dockerfile .\n');
  });

  it('merges builders from per-service folders side by side: different contexts, no shared base', () => {
    const api = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api .\n';
    const worker = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/worker .\n';
    const files = {
      'api/Dockerfile.build': api,
      'worker/Dockerfile.build': worker,
      Dockerfile: 'FROM alpine:3.19\nCOPY api-bin /usr/local/bin/api\nCOPY worker-bin /usr/local/bin/worker\n',
      'build.sh': [
        'docker build -t api:build -f api/Dockerfile.build api',
        'docker build -t worker:build -f worker/Dockerfile.build worker',
        'docker create --name a api:build',
        'docker cp a:/out/api ./api-bin',
        'docker rm a',
        'docker create --name w worker:build',
        'docker cp w:/out/worker ./worker-bin',
        'docker rm w',
        'docker build -t shop .',
        '',
      ].join('\n'),
    };
    const { plan, out } = migrated(files);
    expect(out['Dockerfile']).toBe('FROM golang:1.21 AS builder-api\nWORKDIR /src\nCOPY api .\nRUN go build -o /out/api .\n\nFROM golang:1.21 AS builder-worker\nWORKDIR /src\nCOPY worker .\nRUN go build -o /out/worker .\n\nFROM alpine:3.19\nCOPY --from=builder-api --chown=0:0 /out/api /usr/local/bin/api\nCOPY --from=builder-worker --chown=0:0 /out/worker /usr/local/bin/worker\n');
    expect(plan.setups[0]!.notes).toContain('no shared base stage for api/Dockerfile.build and worker/Dockerfile.build: their builds use different contexts (api, worker), so the same COPY lines read different files');
  });

  it('shares a base stage between builders from the same subfolder, with the rewritten sources', () => {
    const a = 'FROM golang:1.21\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nRUN go build -o /out/api ./cmd/api\n';
    const files = {
      'go/Dockerfile.build-api': a,
      'go/Dockerfile.build-worker': a.replace(/api/g, 'worker'),
      Dockerfile: 'FROM alpine:3.19\nCOPY api worker /usr/local/bin/\n',
      'build.sh': 'docker build -t api:build -f go/Dockerfile.build-api go\ndocker build -t worker:build -f go/Dockerfile.build-worker go\ndocker create --name a api:build\ndocker cp a:/out/api ./api\ndocker create --name w worker:build\ndocker cp w:/out/worker ./worker\ndocker build -t shop .\n',
    };
    expect(migrated(files).out['Dockerfile']).toMatch(/^FROM golang:1\.21 AS builder-base\nWORKDIR \/src\nCOPY go\/go\.mod \.\/\nRUN go mod download\n\nFROM builder-base AS builder-api\nRUN go build/);
  });
});

describe('builder context in a subfolder: refusals', () => {
  it('a source that climbs out of the subfolder', () => {
    refusedWith(repo({ 'svc/Dockerfile.build': BUILDER.replace('COPY go.mod ./', 'COPY ../go.mod ./') }), 'CONTEXT_MISMATCH', 'svc/Dockerfile.build', 3);
  });

  it('a source read through a variable', () => {
    refusedWith(repo({ 'svc/Dockerfile.build': BUILDER.replace('COPY *.go ./', 'ARG SRC=.\nCOPY $SRC ./') }), 'CONTEXT_MISMATCH', 'svc/Dockerfile.build', 5);
  });

  it('a bind mount of the context', () => {
    refusedWith(repo({ 'svc/Dockerfile.build': BUILDER.replace('RUN go build', 'RUN --mount=target=/src/vendor go build') }), 'CONTEXT_MISMATCH', 'svc/Dockerfile.build', 5);
  });

  it('an ignore file of the builder\'s own context', () => {
    refusedWith(repo({ 'svc/.dockerignore': '# tests stay out\n*_test.go\n' }), 'IGNORE_MISMATCH', 'svc/.dockerignore', 2);
  });

  it('a runtime ignore pattern that may reach into the subfolder', () => {
    for (const pattern of ['svc', 'svc/testdata', '**/*.md', '*', 's?c/*.go']) {
      refusedWith(repo({ '.dockerignore': `.git\n${pattern}\n` }), 'IGNORE_MISMATCH', '.dockerignore', 2);
    }
  });

  it('merges only a context strictly inside the runtime\'s, both inside the repository', () => {
    expect([subfolderOf('svc', ''), subfolderOf('web/svc', 'web'), subfolderOf('web/svc', 'web/svc'), subfolderOf('webs/svc', 'web'), subfolderOf('', 'svc'), subfolderOf('../..', ''), subfolderOf('svc/../..', ''), subfolderOf('/abs', '')]).toEqual(['svc', 'svc', null, null, null, null, null, null]);
  });

  it('tells patterns that may reach a folder from those that cannot', () => {
    expect(['svc', 'svc/x', 's*', '*', '**/x'].map((p) => mayExcludeUnder(p, 'svc'))).toEqual([true, true, true, true, true]);
    expect(['svcs', '*.md', 'other/svc', '.git', 'web/svc'].map((p) => mayExcludeUnder(p, 'svc'))).toEqual([false, false, false, false, false]);
    expect(mayExcludeUnder('web', 'web/svc')).toBe(true);
    expect(mayExcludeUnder('web/other', 'web/svc')).toBe(false);
  });
});

describe('a symbolic link among the sources of a context the merge widens', () => {
  it('refuses: the link resolved within the subfolder, and would resolve within the wider context', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-ctx-link-'));
    try {
      const files = { ...repo(), 'svc/Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY lib/ ./\nRUN go build -o /out/app .\n', 'svc/data/main.go': 'package main\n', 'data/main.go': 'package other\n' };
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      fs.symlinkSync('../data', path.join(dir, 'svc', 'lib'));
      const plan = planDir(dir);
      expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
      const d = plan.setups[0]!.diagnostics.find((x) => x.code === 'CONTEXT_MISMATCH');
      expect([d?.file, d?.line]).toEqual(['svc/Dockerfile.build', 3]);
      expect(d?.message).toContain('`COPY lib/` reads through svc/lib, a symbolic link');
      // the same without the link migrates
      fs.rmSync(path.join(dir, 'svc', 'lib'));
      fs.mkdirSync(path.join(dir, 'svc', 'lib'));
      fs.writeFileSync(path.join(dir, 'svc', 'lib', 'main.go'), 'package main\n');
      expect(planDir(dir).setups.map((s) => s.status)).toEqual(['migrate']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

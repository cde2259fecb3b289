/**
 * The plan's index of docker builds by the paths they name (src/plan/build-index.ts) holds only
 * the paths of Dockerfiles the analysis read: it is asked about a setup's builder Dockerfile
 * alone, and listing every word of every build (`docker`, `build`, `-t`, the tag, `.`) made it
 * about a tenth of the heap as the plan starts. What it answers for a builder must not change:
 * a second build naming the builder Dockerfile keeps it, from any folder.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { buildMentions } from '../../src/plan/build-index.js';
import { planMigration } from '../../src/plan/index.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/\nCMD ["app"]\n';

const FILES: Record<string, string> = {
  'svc/build.sh': [
    '#!/bin/sh',
    'set -e',
    'docker build -t acme/svc:build -f Dockerfile.build .',
    'docker create --name svc-extract acme/svc:build',
    'docker cp svc-extract:/out/app ./app',
    'docker rm -f svc-extract',
    'docker build -t acme/svc:latest .',
    '',
  ].join('\n'),
  'svc/Dockerfile.build': BUILDER,
  'svc/Dockerfile': RUNTIME,
  'svc/main.go': 'package main\nfunc main() {}\n',
  // Another script builds the same builder Dockerfile from the root, for its tests.
  'test.sh': '#!/bin/sh\ndocker build -t acme/svc:test -f ./svc/Dockerfile.build svc\n',
};

describe("the plan's index of builds by path", () => {
  it('lists builds under the paths of read Dockerfiles only, each build under every such path it names', () => {
    const fs = new MemoryFs(FILES);
    const analysis = analyze(fs, Object.keys(FILES).sort());
    const index = buildMentions(analysis);
    // The runtime build names no Dockerfile (its context's Dockerfile is the default).
    expect([...index.keys()]).toEqual(['svc/Dockerfile.build']);
    expect(index.get('svc/Dockerfile.build')!.map((c) => `${c.file}:${c.line}`).sort()).toEqual(['svc/build.sh:3', 'test.sh:2']);
    // Words that name no read Dockerfile are not listed: the tool, its verbs, flags, tags, contexts.
    for (const p of ['docker', 'svc/docker', 'svc/build', 'svc/-t', 'svc/acme/svc:build', 'svc', 'svc/.', '-f']) expect(index.has(p)).toBe(false);
  });

  it('a builder Dockerfile another build still names is kept by the plan', () => {
    const fs = new MemoryFs(FILES);
    const plan = planMigration(analyze(fs, Object.keys(FILES).sort()), fs, { stageName: 'builder', release: true });
    const svc = plan.setups.find((s) => s.script === 'svc/build.sh')!;
    expect(svc.status).toBe('migrate');
    expect(svc.notes).toContain('svc/Dockerfile.build is kept: another build still uses it');
    expect(plan.changes.some((c) => c.path === 'svc/Dockerfile.build')).toBe(false);

    // Without the second build the builder Dockerfile goes.
    const alone = { ...FILES };
    delete alone['test.sh'];
    const fs2 = new MemoryFs(alone);
    const plan2 = planMigration(analyze(fs2, Object.keys(alone).sort()), fs2, { stageName: 'builder', release: true });
    expect(plan2.changes.find((c) => c.path === 'svc/Dockerfile.build')?.action).toBe('delete');
  });
});

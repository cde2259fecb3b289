/**
 * A runtime COPY of a repository folder holding an extracted artifact: the line stays for the
 * folder's own files and a COPY --from follows it for the artifact, where the exact same files
 * result; anything else is still ARTIFACT_IN_BROAD_COPY.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && mkdir -p /out/licenses && echo MIT > /out/licenses/LICENSE\n';
const SCRIPT = (extra = '') => `#!/bin/sh\nset -e\ndocker build -t app:build -f ci/Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker cp x:/out/licenses ./static/licenses\ndocker rm x\n${extra}docker build -t app:latest -f ci/Dockerfile .\nrm -rf app static/licenses\n`;
const repo = (runtime: string, over: Record<string, string> = {}) => ({ 'ci/Dockerfile.build': BUILDER, 'ci/Dockerfile': runtime, 'ci/build.sh': '', 'build.sh': SCRIPT(), 'main.go': 'package main\n', 'static/index.html': '<p>hi</p>\n', ...over });
const codes = (files: Record<string, string>) => planFiles(files).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('an artifact inside a copied folder', () => {
  it('keeps the folder COPY and adds a COPY --from at the artifact\'s place', () => {
    const files = repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY static /srv/www\n');
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(applied(files, plan)['ci/Dockerfile']).toContain('\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCOPY static /srv/www\nCOPY --from=builder --chown=0:0 /out/licenses /srv/www/licenses\n');
  });

  it('carries the line\'s own flags, several sources and the JSON form', () => {
    const files = repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY --chown=100:101 --chmod=755 [ "static/", "main.go", "/srv/www/" ]\n');
    const out = applied(files, planFiles(files))['ci/Dockerfile']!;
    expect(out).toContain('COPY --chown=100:101 --chmod=755 [ "static/", "main.go", "/srv/www/" ]\nCOPY --from=builder --chown=100:101 --chmod=755 ["/out/licenses", "/srv/www/licenses"]\n');
  });

  it('refuses what a split would change', () => {
    // The folder holds files the migration changes (the build files at the root).
    expect(codes(repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY . /srv/\n'))).toContain('ARTIFACT_IN_BROAD_COPY');
    // A wildcard, or a flag that filters.
    expect(codes(repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY stat* /srv/www/\n'))).toContain('ARTIFACT_IN_BROAD_COPY');
    expect(codes(repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY --exclude=*.map static /srv/www\n'))).toContain('ARTIFACT_IN_BROAD_COPY');
    // The folder is not in the repository: the context COPY would find nothing.
    const { 'static/index.html': _, ...noFolder } = repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY static /srv/www\n');
    expect(codes(noFolder)).toContain('ARTIFACT_IN_BROAD_COPY');
  });

  it('refuses an ignore pattern that may have dropped files of the artifact', () => {
    expect(codes(repo('FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY static /srv/www\n', { 'ci/Dockerfile.dockerignore': '**/LICENSE\n', 'ci/Dockerfile.build.dockerignore': '**/LICENSE\n' }))).toContain('ARTIFACT_IGNORED');
  });
});

/**
 * `docker cp x:/out/. site` into `site`, a folder of the repository: the container's files land
 * in it over same-named ones whether it existed or not, so a runtime COPY of the folder keeps
 * its line (the folder's own files) and a COPY --from of /out follows it. What else the old
 * steps did to the folder, or a COPY the split would not reproduce, stays ARTIFACT_DEST_EXISTS.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM alpine:3.19\nRUN mkdir -p /out/assets && echo gen > /out/index.html && echo css > /out/assets/site.css\n';
const SCRIPT = (cp = 'docker cp gen:/out/. site', after = '') => `#!/bin/sh\nset -e\ndocker build -t pages:build -f Dockerfile.build .\ndocker create --name gen pages:build\n${cp}\ndocker rm gen\ndocker build -t pages:latest .\n${after}`;
const repo = (runtime: string, over: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: runtime, 'build.sh': SCRIPT(), 'site/index.html': 'placeholder\n', 'site/robots.txt': 'User-agent: *\n', ...over });
const codes = (files: Record<string, string>) => planFiles(files).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('a folder\'s contents copied into a folder of the repository', () => {
  it('keeps the folder COPY and lays the stage\'s files over it', () => {
    const files = repo('FROM alpine:3.19\nCOPY site/ /srv/www/\n');
    const plan = planFiles(files);
    expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(applied(files, plan)['Dockerfile']).toContain('\nFROM alpine:3.19\nCOPY site/ /srv/www/\nCOPY --from=builder --chown=0:0 /out /srv/www/\n');
  });

  it('copies a file of it the repository does not hold from the stage', () => {
    const files = repo('FROM alpine:3.19\nCOPY site/assets/site.css /srv/site.css\n');
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/assets/site.css /srv/site.css\n');
  });

  it('still refuses what the split would not reproduce', () => {
    // A file the repository holds there: whether the container replaced it is not known.
    expect(codes(repo('FROM alpine:3.19\nCOPY site/index.html /srv/index.html\n'))).toContain('ARTIFACT_DEST_EXISTS');
    // A second source would land over the container's files, and the stage's line after it would land over it.
    expect(codes(repo('FROM alpine:3.19\nCOPY site/ docs/ /srv/www/\n', { 'docs/a.txt': 'a\n' }))).toContain('ARTIFACT_DEST_EXISTS');
    // A flag that filters, and a wildcard.
    expect(codes(repo('FROM alpine:3.19\nCOPY --exclude=*.txt site/ /srv/www/\n'))).not.toEqual([]);
    expect(codes(repo('FROM alpine:3.19\nCOPY sit* /srv/www/\n'))).not.toEqual([]);
    // The whole context: the tracked folder and the artifact in one line.
    expect(codes(repo('FROM alpine:3.19\nCOPY . /srv/\n'))).not.toEqual([]);
  });

  it('still refuses when the old steps did more to the folder', () => {
    const runtime = 'FROM alpine:3.19\nCOPY site/ /srv/www/\n';
    // A cleanup removing the folder removed the repository's files too; merged, they would stay.
    expect(codes(repo(runtime, { 'build.sh': SCRIPT(undefined, 'rm -rf site\n') }))).toContain('ARTIFACT_DEST_EXISTS');
    // A mode set on the host in it.
    expect(codes(repo(runtime, { 'build.sh': SCRIPT().replace('docker rm gen\n', 'docker rm gen\nchmod 0600 site/assets/site.css\n') }))).toContain('ARTIFACT_DEST_EXISTS');
    // Read on the host afterwards: an export stage would write into a folder holding other files.
    expect(codes(repo(runtime, { 'build.sh': SCRIPT(undefined, 'sha256sum site/index.html > SUMS\n') }))).toContain('ARTIFACT_DEST_EXISTS');
  });

  it('nests a folder copied as itself into an existing folder, as docker cp did', () => {
    // `docker cp gen:/out site` lands it as site/out: the runtime COPY of site/ put it at /srv/www/out.
    const files = repo('FROM alpine:3.19\nCOPY site/ /srv/www/\n', { 'build.sh': SCRIPT('docker cp gen:/out site') });
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('\nCOPY site/ /srv/www/\nCOPY --from=builder --chown=0:0 /out /srv/www/out\n');
  });

  it('says why, without claiming the copy nests', () => {
    const d = planFiles(repo('FROM alpine:3.19\nCOPY site/index.html /srv/index.html\n')).setups[0]!.diagnostics.find((x) => x.code === 'ARTIFACT_DEST_EXISTS')!;
    expect(d.message).toBe('everything in /out is copied into site, which already exists in the repository as a directory, and the merge cannot keep its own files beside them exactly: Dockerfile:2 copies site/index.html, which the repository holds there too, so whether the container replaced it is not known');
  });

  it('refuses an ignore pattern that may have dropped the container\'s files', () => {
    expect(codes(repo('FROM alpine:3.19\nCOPY site/ /srv/www/\n', { '.dockerignore': 'site/**/*.css\n' }))).toContain('ARTIFACT_IGNORED');
  });
});

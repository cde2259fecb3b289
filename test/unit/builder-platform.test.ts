/**
 * `--platform` given to the builder build alone: the builder's stages were built for it, which
 * `FROM --platform=<value>` on each of them that names an image gives them in the one build,
 * the runtime stages keeping the final build's platform. Where that is not exact it stays
 * FLAG_CONFLICT: a value the Dockerfile cannot name, several platforms, a builder reading
 * BuildKit's automatic platform arguments (TARGETPLATFORM followed the flag in the old build,
 * and follows the final build in the one build), a runtime stage built on the builder image.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM alpine:3.19\nRUN mkdir -p /out && apk --print-arch > /out/app\n';
const SCRIPT = (flags = '--platform linux/amd64', runtimeFlags = '', pre = '') => `#!/bin/sh\nset -e\n${pre}docker build ${flags} -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build ${runtimeFlags}-t app:latest .\nrm -f app\n`;
const repo = (over: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n', 'build.sh': SCRIPT(), ...over });
const errors = (files: Record<string, string>) => planFiles(files).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
const codes = (files: Record<string, string>) => errors(files).map((d) => d.code);

describe('--platform given to the builder build only', () => {
  it('becomes FROM --platform on the builder stage, the final build unchanged', () => {
    const files = repo();
    const plan = planFiles(files);
    expect(errors(files)).toEqual([]);
    const out = applied(files, plan);
    expect(out['Dockerfile']).toBe('FROM --platform=linux/amd64 alpine:3.19 AS builder\nRUN mkdir -p /out && apk --print-arch > /out/app\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n');
  });

  it('goes on every stage naming an image, not on one built from another stage or with its own --platform', () => {
    const builder = 'FROM golang:1.21 AS tools\nRUN mkdir -p /out\n\nFROM --platform=linux/arm64 alpine:3.19 AS data\nRUN echo x > /x\n\nFROM tools\nCOPY --from=data /x /out/x\nRUN cp /out/x /out/app\n';
    const files = repo({ 'Dockerfile.build': builder, 'build.sh': SCRIPT('--platform=linux/amd64') });
    expect(errors(files)).toEqual([]);
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('FROM --platform=linux/amd64 golang:1.21 AS tools\nRUN mkdir -p /out\n\nFROM --platform=linux/arm64 alpine:3.19 AS data\nRUN echo x > /x\n\nFROM tools AS builder\n');
  });

  it('stays FLAG_CONFLICT where FROM --platform would not be exact', () => {
    // A value only known at run time, or written through a variable.
    expect(codes(repo({ 'build.sh': SCRIPT('--platform "$PLATFORM"') }))).toContain('FLAG_CONFLICT');
    expect(codes(repo({ 'build.sh': SCRIPT('--platform "$PLATFORM"', '', 'PLATFORM=linux/amd64\n') }))).toContain('FLAG_CONFLICT');
    // Several platforms.
    expect(codes(repo({ 'build.sh': SCRIPT('--platform linux/amd64,linux/arm64') }))).toContain('FLAG_CONFLICT');
    // BuildKit's automatic platform arguments, in a RUN or in a FROM.
    expect(codes(repo({ 'Dockerfile.build': 'FROM alpine:3.19\nARG TARGETARCH\nRUN mkdir -p /out && echo $TARGETARCH > /out/app\n' }))).toContain('FLAG_CONFLICT');
    expect(codes(repo({ 'Dockerfile.build': 'FROM --platform=$BUILDPLATFORM alpine:3.19\nRUN mkdir -p /out && echo hi > /out/app\n' }))).toContain('FLAG_CONFLICT');
    // A runtime stage built on the builder image would inherit the builder stage's platform.
    expect(codes(repo({ Dockerfile: 'FROM app:build\nCOPY app /usr/local/bin/app\n' }))).not.toEqual([]);
    // `# check=error=true` in both files: BuildKit's FromPlatformFlagConstDisallowed warning would fail the one build.
    const strict = { 'Dockerfile.build': `# check=error=true\n${BUILDER}`, Dockerfile: '# check=error=true\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    expect(codes(repo(strict))).toContain('FLAG_CONFLICT');
    expect(codes(repo({ 'Dockerfile.build': `# check=skip=FromPlatformFlagConstDisallowed;error=true\n${BUILDER}`, Dockerfile: '# check=skip=FromPlatformFlagConstDisallowed;error=true\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n' }))).toEqual([]);
    // Given to the runtime build only, or another value there: it reaches every stage of the one build.
    expect(codes(repo({ 'build.sh': SCRIPT('', '--platform linux/amd64 ') }))).toContain('FLAG_CONFLICT');
    expect(codes(repo({ 'build.sh': SCRIPT('--platform linux/amd64', '--platform linux/arm64 ') }))).toContain('FLAG_CONFLICT');
  });

  it('says why in the message', () => {
    const d = errors(repo({ 'Dockerfile.build': 'FROM alpine:3.19\nARG TARGETPLATFORM\nRUN mkdir -p /out && echo $TARGETPLATFORM > /out/app\n' })).find((x) => x.code === 'FLAG_CONFLICT')!;
    expect(d.message).toContain('Dockerfile.build reads TARGETPLATFORM');
  });

  it('leaves the FROM lines alone when both builds give the same --platform', () => {
    const files = repo({ 'build.sh': SCRIPT('--platform linux/amd64', '--platform linux/amd64 ') });
    expect(errors(files)).toEqual([]);
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('FROM alpine:3.19 AS builder\n');
  });
});

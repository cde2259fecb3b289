/**
 * Planning on in-memory repositories: what is migrated, exactly how, and every refusal
 * with its code, file and line (a refused setup has no changes at all).
 */
import { describe, expect, it } from 'vitest';
import { applied, planDir, planFiles } from '../support/plan.js';
import { writeTemp } from '../support/tree.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const SCRIPT = [
  '#!/bin/sh',
  'set -e',
  'docker build -t app:build -f Dockerfile.build .',
  'docker create --name x app:build',
  'docker cp x:/out/app ./app',
  'docker rm x',
  'docker build -t app:latest .',
  'rm -f app',
  '',
].join('\n');

const repo = (over: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': SCRIPT, ...over });

const only = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  return { plan, setup: plan.setups[0]! };
};

const refusedWith = (files: Record<string, string>, code: string) => {
  const { plan, setup } = only(files);
  expect(setup.status).toBe('refused');
  expect(plan.changes).toEqual([]);
  const d = setup.diagnostics.find((x) => x.code === code);
  expect(d, `expected ${code} in ${JSON.stringify(setup.diagnostics)}`).toBeDefined();
  expect(d!.file).toBeTruthy();
  expect(d!.severity).toBe('error');
  return d!;
};

describe('plan: migrations', () => {
  it('merges, rewrites the script and deletes the builder file', () => {
    const { plan, setup } = only(repo());
    expect(setup.status).toBe('migrate');
    const out = applied(repo(), plan);
    expect(out['Dockerfile']).toBe(`FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCMD ["app"]\n`);
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n');
    expect(out['Dockerfile.build']).toBeUndefined();
    expect(setup.artifacts).toEqual([{ containerPath: '/out/app', hostPath: 'app', extractedAt: { file: 'build.sh', line: 5 }, copies: [{ file: 'Dockerfile', line: 2, stagePath: '/out/app' }] }]);
  });

  it('reads the context `./` as the same folder as `.` (no false CONTEXT_MISMATCH)', () => {
    for (const [b, r] of [['./', '.'], ['.', './'], ['./', './.']]) {
      const files = repo({ 'build.sh': SCRIPT.replace('-f Dockerfile.build .', `-f Dockerfile.build ${b}`).replace('app:latest .', `app:latest ${r}`) });
      const { plan, setup } = only(files);
      expect(setup.diagnostics, `${b} vs ${r}`).toEqual([]);
      expect(setup.status).toBe('migrate');
      expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app');
    }
  });

  it('uses --stage-name, and keeps an existing stage name', () => {
    expect(applied(repo(), planFiles(repo(), 'compile'))['Dockerfile']).toContain('FROM golang:1.21 AS compile\n');
    const named = repo({ 'Dockerfile.build': BUILDER.replace('FROM golang:1.21', 'FROM golang:1.21 AS gobuild') });
    expect(applied(named, planFiles(named))['Dockerfile']).toContain('COPY --from=gobuild --chown=0:0 /out/app');
  });

  it('shifts numeric --from indexes of the runtime file past the inserted stages', () => {
    const files = repo({ Dockerfile: 'FROM alpine:3.19 AS certs\nRUN true\nFROM alpine:3.19\nCOPY --from=0 /etc/x /etc/x\nCOPY app /app\n' });
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('COPY --from=1 /etc/x /etc/x\nCOPY --from=builder --chown=0:0 /out/app /app\n');
  });

  it('shifts a numbered `RUN --mount=…,from=N` of the runtime file like a numbered --from', () => {
    const files = repo({ Dockerfile: 'FROM alpine:3.19 AS certs\nRUN true\nFROM alpine:3.19\nRUN --mount=type=bind,from=0,source=/etc,target=/e cp /e/x /x\nCOPY app /app\n' });
    const plan = planFiles(files);
    expect(plan.setups.map((s) => [s.status, s.diagnostics])).toEqual([['migrate', []]]);
    expect(applied(files, plan)['Dockerfile']).toContain('RUN --mount=type=bind,from=1,source=/etc,target=/e cp /e/x /x\nCOPY --from=builder --chown=0:0 /out/app /app\n');
    expect(plan.setups[0]!.notes).toContain('--mount=…,from=0 (Dockerfile:4) becomes from=1: 1 stage(s) now stand before it');
  });

  it('splits a COPY whose other sources still come from the context', () => {
    const files = repo({ Dockerfile: 'FROM alpine:3.19\nCOPY --chown=1:1 app config.yml /srv/\n' });
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('COPY --from=builder --chown=1:1 /out/app /srv/\nCOPY --chown=1:1 config.yml /srv/\n');
  });

  it('splits a COPY in the order of its sources, so a context file of the artifact\'s name still lands first and the artifact over it', () => {
    const files = repo({ Dockerfile: 'FROM alpine:3.19\nCOPY conf/ app extra/ /opt/\n', 'conf/app': 'stale\n' });
    expect(applied(files, planFiles(files))['Dockerfile']).toBe(`${BUILDER.replace('golang:1.21', 'golang:1.21 AS builder')}\nFROM alpine:3.19\nCOPY conf/ /opt/\nCOPY --from=builder --chown=0:0 /out/app /opt/\nCOPY extra/ /opt/\n`);
  });

  it('turns ADD of an extracted folder into COPY --from, and handles JSON form', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('x:/out/app ./app', 'x:/out/. ./dist').replace('rm -f app', 'rm -rf dist'), Dockerfile: 'FROM alpine:3.19\nADD ["dist", "/srv/"]\n' });
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('COPY --from=builder --chown=0:0 ["/out", "/srv/"]\n');
  });

  it('refuses ADD of a file artifact: ADD unpacks a tar by its content, whatever its name', () => {
    const files = repo({ Dockerfile: 'FROM alpine:3.19\nADD ["app", "/bin/app"]\n' });
    const plan = planFiles(files);
    expect(plan.changes).toEqual([]);
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toEqual(['ARTIFACT_ARCHIVE_ADD']);
  });

  it('maps a path inside an extracted directory', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('x:/out/app ./app', 'x:/out ./dist').replace('rm -f app', 'rm -rf dist'), Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /bin/app\n' });
    const out = applied(files, planFiles(files));
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /bin/app\n');
    expect(out['build.sh']).not.toContain('dist');
  });

  it('carries the builder build args to the final build, with their original spelling', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('-f Dockerfile.build', '-f Dockerfile.build --build-arg "GOFLAGS=$FLAGS"') });
    expect(applied(files, planFiles(files))['build.sh']).toContain('docker build --build-arg "GOFLAGS=$FLAGS" -t app:latest .\n');
  });

  it('keeps COPY --from=<external image> as it is (an image, not a stage)', () => {
    const files = repo({ Dockerfile: 'FROM alpine:3.19\nCOPY --from=nginx:latest /etc/nginx/nginx.conf /nginx.conf\nCOPY app /app\n' });
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('COPY --from=nginx:latest /etc/nginx/nginx.conf /nginx.conf\nCOPY --from=builder --chown=0:0 /out/app /app\n');
  });

  it('turns FROM <builder tag> in the runtime file into the stage', () => {
    const files = repo({ Dockerfile: 'FROM app:build AS dev\nFROM alpine:3.19\nCOPY app /app\n' });
    const out = applied(files, planFiles(files))['Dockerfile']!;
    expect(out).toContain('FROM builder AS dev\n');
  });

  it('hoists a parser directive of the builder file to the top', () => {
    const files = repo({ 'Dockerfile.build': `# syntax=docker/dockerfile:1\n${BUILDER}` });
    expect(applied(files, planFiles(files))['Dockerfile']!.startsWith('# syntax=docker/dockerfile:1\nFROM golang:1.21 AS builder\n')).toBe(true);
  });

  it('keeps a builder tag still used elsewhere, as docker build --target of the merged Dockerfile', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('docker rm x', 'docker rm x\ndocker run --rm app:build go test ./...').replace('rm -f app', 'rm -f app\ndocker rmi app:build') });
    const { plan, setup } = only(files);
    expect(setup.status).toBe('migrate');
    expect(applied(files, plan)['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build --target builder -t app:build -f Dockerfile .\ndocker run --rm app:build go test ./...\ndocker build -t app:latest .\ndocker rmi app:build\n');
    expect(setup.notes.join('\n')).toMatch(/stays as `--target builder` of Dockerfile, because its image app:build is still used by `docker run --rm app:build go test/);
  });

  it('refuses to keep a builder tag still used when the build ran in the builder container: the kept stage would hold that build', () => {
    // `docker run` compiled in the container; merged, the builder stage does it in a RUN, which --target builder would build into the tagged image too
    const files = repo({
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker tag app:build app:build-cache\ndocker run --name x -e CGO_ENABLED=0 app:build go build -o /out/app .\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n',
    });
    const d = refusedWith(files, 'BUILDER_TAG_USED');
    expect([d.file, d.line]).toEqual(['build.sh', 3]);
    expect(d.message).toMatch(/app:build is still used, but its build cannot be kept: its stage now also runs the build its container ran \(build\.sh:5\)/);
    // with nothing using the tag afterwards, the same run-time build migrates
    expect(only(repo({ ...files, 'build.sh': files['build.sh']!.replace('docker tag app:build app:build-cache\n', '') })).setup.status).toBe('migrate');
  });

  it('keeps an artifact the host still needs with an export stage built in place of the extraction', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('rm -f app', 'sha256sum app > app.sha256\nrm -f app') });
    const { plan, setup } = only(files);
    expect(setup.status).toBe('migrate');
    const out = applied(files, plan);
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build --target export --output type=local,dest=. -f Dockerfile .\ndocker build -t app:latest .\nsha256sum app > app.sha256\nrm -f app\n');
    expect(out['Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM scratch AS export\nCOPY --from=builder /out/app /app\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCMD ["app"]\n');
  });

  it('counts the export stage among the stages a numeric --from of the runtime file moves past', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('rm -f app', 'sha256sum app > app.sha256\nrm -f app'), Dockerfile: 'FROM alpine:3.19 AS certs\nRUN true\nFROM alpine:3.19\nCOPY --from=0 /etc/x /etc/x\nCOPY app /app\n' });
    expect(applied(files, only(files).plan)['Dockerfile']).toContain('COPY --from=2 /etc/x /etc/x\n');
  });

  it('finds nothing in a repository without the pattern', () => {
    const plan = planFiles({ 'build.sh': 'docker build -t app .\n', Dockerfile: RUNTIME });
    expect(plan.setups).toEqual([]);
    expect(plan.diagnostics.map((d) => d.code)).toContain('NO_SETUP');
  });
});

describe('plan: refusals (nothing written, a code, a file and a line)', () => {
  it('a copied path only known at run time', () => {
    const d = refusedWith(repo({ 'build.sh': SCRIPT.replace('x:/out/app ./app', '"x:$(cat path.txt)" ./app') }), 'DYNAMIC_ARTIFACT_PATH');
    expect(d).toMatchObject({ file: 'build.sh', line: 5 });
  });

  it('a container only known at run time', () => {
    const plan = planFiles(repo({ 'build.sh': SCRIPT.replace('x:/out/app', '"$cid:/out/app"') }));
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics.map((d) => d.code)).toContain('DYNAMIC_CONTAINER');
  });

  it('an artifact copied with the whole context', () => {
    refusedWith(repo({ Dockerfile: 'FROM alpine:3.19\nCOPY . /srv/\n' }), 'ARTIFACT_IN_BROAD_COPY');
  });

  it('an artifact extracted but copied by no later build', () => {
    refusedWith(repo({ Dockerfile: 'FROM alpine:3.19\nCOPY other /srv/\n' }), 'ARTIFACT_UNUSED');
  });

  it('a runtime build context that does not hold the builder\'s', () => {
    const script = SCRIPT.replace('docker cp x:/out/app ./app', 'docker cp x:/out/app ./dist/app').replace('docker build -t app:latest .', 'docker build -t app:latest -f Dockerfile dist').replace('rm -f app', 'rm -f dist/app');
    const d = refusedWith(repo({ 'build.sh': script }), 'CONTEXT_MISMATCH');
    expect([d.file, d.line]).toEqual(['build.sh', 3]);
  });

  it('different ignore files', () => {
    refusedWith(repo({ 'Dockerfile.build.dockerignore': '*.md\n' }), 'IGNORE_MISMATCH');
  });

  it('different escape characters, when the builder\'s does more than continue lines', () => {
    refusedWith(repo({ 'Dockerfile.build': `# escape=\`\n${BUILDER.replace('WORKDIR /src', 'WORKDIR /src\nENV GREETING=hello\` world')}` }), 'ESCAPE_MISMATCH');
  });

  it('a build arg that would leak into a stage that did not get it', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('-f Dockerfile.build', '-f Dockerfile.build --build-arg VERSION=1'), Dockerfile: `FROM alpine:3.19\nARG VERSION=dev\nCOPY app /app\n` });
    refusedWith(files, 'ARG_LEAK');
  });

  it('a build arg with different values in the two builds', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('-f Dockerfile.build', '-f Dockerfile.build --build-arg V=1').replace('-t app:latest', '-t app:latest --build-arg V=2') });
    refusedWith(files, 'ARG_CONFLICT');
  });

  it('a platform given to the builder only, only known at run time', () => {
    refusedWith(repo({ 'build.sh': SCRIPT.replace('-f Dockerfile.build', '-f Dockerfile.build --platform "$PLATFORM"') }), 'FLAG_CONFLICT');
  });

  it('a stage name given with --stage-name that the runtime file already uses', () => {
    const plan = planFiles(repo({ Dockerfile: `FROM alpine:3.19 AS builder\nRUN true\nFROM alpine:3.19\nCOPY app /app\n` }), 'builder');
    expect(plan.setups[0]!.status).toBe('refused');
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toContain('STAGE_NAME_COLLISION');
    expect(plan.changes).toEqual([]);
  });

  it('a renamed artifact copied into a directory, when nothing proves it a file or a folder', () => {
    refusedWith(repo({ 'Dockerfile.build': BUILDER.replace('go build -o /out/app .', 'make'), 'build.sh': SCRIPT.replace('./app', './gateway').replace('rm -f app', 'rm -f gateway'), Dockerfile: 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\n' }), 'RENAME_AMBIGUOUS_DEST');
  });

  it('an archive artifact added with ADD', () => {
    refusedWith(repo({ 'build.sh': SCRIPT.replace('x:/out/app ./app', 'x:/out/app.tar.gz ./app.tar.gz').replace('rm -f app', 'rm -f app.tar.gz'), Dockerfile: 'FROM alpine:3.19\nADD app.tar.gz /srv/\n' }), 'ARTIFACT_ARCHIVE_ADD');
  });

  it('an unknown docker flag', () => {
    refusedWith(repo({ 'build.sh': SCRIPT.replace('docker create --name x', 'docker create --frobnicate --name x') }), 'UNKNOWN_DOCKER_FLAG');
  });

  it('a builder that compiles at run time from a base image whose ENTRYPOINT is unknown', () => {
    const files = repo({ 'Dockerfile.build': 'FROM node:20\nWORKDIR /src\nCOPY . .\n', 'build.sh': SCRIPT.replace('docker create --name x app:build', 'docker run --name x app:build npm run build') });
    refusedWith(files, 'BUILD_AT_RUN_TIME');
  });

  it('a run-time build whose output lands in a VOLUME', () => {
    const files = repo({ 'Dockerfile.build': `${BUILDER}VOLUME /out\n`, 'build.sh': SCRIPT.replace('docker create --name x app:build', 'docker run --name x app:build make') });
    refusedWith(files, 'BUILD_AT_RUN_TIME');
  });
});

describe('plan: notes that explain non-obvious decisions', () => {
  it('says when a builder stage is off the path to the final image (BuildKit skips it)', () => {
    const files = repo({ 'Dockerfile.build': 'FROM golang:1.21 AS lint\nRUN golangci-lint run\n\nFROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go test ./... && go build -o /out/app .\n' });
    const { setup } = only(files);
    expect(setup.status).toBe('migrate');
    expect(setup.notes.join('\n')).toMatch(/stage lint of Dockerfile.build \(line 1\) is not on the path to the final image/);
    expect(setup.notes.join('\n')).not.toMatch(/stage 1 of/);
  });

  it('counts a stage a RUN mount reads as on the path (`--mount=from=deps`, `from=0`)', () => {
    for (const ref of ['deps', '0']) {
      const files = repo({ 'Dockerfile.build': `FROM golang:1.21 AS deps\nRUN mkdir /m\n\nFROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN --mount=from=${ref},source=/m,target=/m go build -o /out/app .\n` });
      const { setup } = only(files);
      expect(setup.status).toBe('migrate');
      expect(setup.notes.join('\n'), ref).not.toMatch(/is not on the path/);
    }
  });
});

describe('plan: refusals found by property tests', () => {
  it('an artifact path that would need quoting in a Dockerfile', () => {
    refusedWith(repo({ 'build.sh': SCRIPT.replace('x:/out/app ./app', '"x:/out/my app" ./app') }), 'PATH_NEEDS_QUOTING');
    refusedWith(repo({ 'build.sh': SCRIPT.replace('x:/out/app ./app', "'x:/out/$HOME/app' ./app") }), 'PATH_NEEDS_QUOTING');
  });

  it('a carried flag that reads a variable reassigned before the final build', () => {
    const script = SCRIPT.replace('docker build -t app:build -f Dockerfile.build .', 'X=1\ndocker build --build-arg V=$X -t app:build -f Dockerfile.build .').replace('docker build -t app:latest .', 'X=2\ndocker build -t app:latest .');
    refusedWith(repo({ 'build.sh': script }), 'FLAG_CONFLICT');
    // Unchanged, it is carried as written.
    const same = SCRIPT.replace('docker build -t app:build -f Dockerfile.build .', 'X=1\ndocker build --build-arg V=$X -t app:build -f Dockerfile.build .');
    const { plan } = only(repo({ 'build.sh': same }));
    expect(applied(repo({ 'build.sh': same }), plan)['build.sh']).toContain('docker build --build-arg V=$X -t app:latest .');
  });

  it('a builder Dockerfile that exists but cannot be read is not called missing', () => {
    const dir = writeTemp({ ...repo(), 'Dockerfile.build': 'FROM golang\n\u0000\u0001binary' });
    const setup = planDir(dir).setups[0]!;
    expect(setup.status).toBe('refused');
    expect(setup.diagnostics.map((d) => [d.code, d.message])).toContainEqual(['READ_ERROR', expect.stringContaining('cannot be read')]);
    expect(setup.diagnostics.map((d) => d.code)).not.toContain('DOCKERFILE_MISSING');
  });
});

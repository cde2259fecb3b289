/**
 * Several builder builds feeding one runtime build: merged into its Dockerfile together, with
 * a shared base stage only where the builders' first instructions provably build the same
 * thing, and refused (nothing written, a coded diagnostic with file and line) where one build
 * cannot do what the several did.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { applied, planFiles } from '../support/plan.js';
import { readTree, writeTemp } from '../support/tree.js';

const GO_API = 'FROM golang:1.21\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/api ./cmd/api\n';
const GO_WORKER = 'FROM golang:1.21\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/worker ./cmd/worker\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY api worker /usr/local/bin/\nCMD ["api"]\n';
const script = (apiFlags = '', workerFlags = '', finalFlags = '') =>
  [
    '#!/bin/sh',
    'set -e',
    `docker build${apiFlags} -t api:build -f Dockerfile.build-api .`,
    `docker build${workerFlags} -t worker:build -f Dockerfile.build-worker .`,
    'docker create --name a api:build',
    'docker cp a:/out/api ./api',
    'docker rm a',
    'docker create --name w worker:build',
    'docker cp w:/out/worker ./worker',
    'docker rm w',
    `docker build${finalFlags} -t shop:latest .`,
    'rm -f api worker',
    '',
  ].join('\n');
const repo = (over: Record<string, string> = {}) => ({ 'Dockerfile.build-api': GO_API, 'Dockerfile.build-worker': GO_WORKER, Dockerfile: RUNTIME, 'build.sh': script(), ...over });

const migrated = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups.map((s) => [s.status, s.diagnostics])).toEqual(plan.setups.map(() => ['migrate', []]));
  return { plan, out: applied(files, plan) };
};

const refusedWith = (files: Record<string, string>, code: string, line: number) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(2);
  expect(plan.changes).toEqual([]);
  for (const s of plan.setups) {
    expect(s.status).toBe('refused');
    expect(s.changes).toEqual([]);
    const d = s.diagnostics.find((x) => x.code === code);
    expect(d, `expected ${code} in ${JSON.stringify(s.diagnostics)}`).toBeDefined();
    expect(d!.severity).toBe('error');
    expect([d!.file, d!.line]).toEqual(['build.sh', line]);
  }
};

describe('several builders, one runtime build', () => {
  it('merges both builders, factoring their identical first instructions into one base stage', () => {
    const { plan, out } = migrated(repo());
    expect(out['Dockerfile']).toBe(
      [
        'FROM golang:1.21 AS builder-base',
        'WORKDIR /src',
        'COPY go.mod ./',
        'RUN go mod download',
        'COPY . .',
        '',
        'FROM builder-base AS builder-api',
        'RUN go build -o /out/api ./cmd/api',
        '',
        'FROM builder-base AS builder-worker',
        'RUN go build -o /out/worker ./cmd/worker',
        '',
        'FROM alpine:3.19',
        'COPY --from=builder-api --chown=0:0 /out/api /usr/local/bin/',
        'COPY --from=builder-worker --chown=0:0 /out/worker /usr/local/bin/',
        'CMD ["api"]',
        '',
      ].join('\n'),
    );
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t shop:latest .\n');
    expect(out['Dockerfile.build-api']).toBeUndefined();
    expect(out['Dockerfile.build-worker']).toBeUndefined();
    expect(plan.setups.map((s) => s.stage)).toEqual(['builder-api', 'builder-worker']);
    expect(plan.changes.find((c) => c.path === 'Dockerfile')!.setups).toEqual(plan.setups.map((s) => s.id));
    expect(plan.setups[0]!.notes).toContain(
      'the first 5 instructions of Dockerfile.build-api and Dockerfile.build-worker are the same, with the same context, ignore file and build arguments: they become one stage `builder-base` that each builder starts FROM',
    );
  });

  it('names the stages after --stage-name and after per-service folders', () => {
    const files = {
      'services/api/Dockerfile.build': GO_API,
      'services/worker/Dockerfile.build': GO_WORKER,
      Dockerfile: RUNTIME,
      'build.sh': script().replace('-f Dockerfile.build-api', '-f services/api/Dockerfile.build').replace('-f Dockerfile.build-worker', '-f services/worker/Dockerfile.build'),
    };
    const plan = planFiles(files, 'compile');
    expect(plan.setups.map((s) => s.stage)).toEqual(['compile-api', 'compile-worker']);
    expect(applied(files, plan)['Dockerfile']).toMatch(/^FROM golang:1\.21 AS compile-base\n/);
  });

  it('merges a Go and a Node builder side by side, and says why there is no base stage', () => {
    const node = 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nRUN npm run build && mkdir -p /out && cp -r dist /out/web\n';
    const files = repo({
      'Dockerfile.build-worker': node,
      'build.sh': script().replace('docker cp w:/out/worker ./worker', 'docker cp w:/out/web ./web').replace('rm -f api worker', 'rm -rf api web'),
      Dockerfile: 'FROM alpine:3.19\nCOPY api /usr/local/bin/\nCOPY web /srv/web\nCMD ["api"]\n',
    });
    const { plan, out } = migrated(files);
    expect(out['Dockerfile']).toBe(`${GO_API.replace('FROM golang:1.21', 'FROM golang:1.21 AS builder-api')}\n${node.replace('FROM node:20', 'FROM node:20 AS builder-worker')}\nFROM alpine:3.19\nCOPY --from=builder-api --chown=0:0 /out/api /usr/local/bin/\nCOPY --from=builder-worker --chown=0:0 /out/web /srv/web\nCMD ["api"]\n`);
    expect(plan.setups[0]!.notes).toContain('no shared base stage for Dockerfile.build-api and Dockerfile.build-worker: they start FROM different images');
  });

  it('shifts a later builder\'s numbered `--from=N` and `RUN --mount=…,from=N` past the stages of the builders before it', () => {
    const node = 'FROM node:20 AS deps\nRUN mkdir /d\nFROM node:20\nCOPY --from=0 /d /d\nRUN --mount=from=0,source=/d,target=/m mkdir -p /out && cp -r /m /out/web\n';
    const files = repo({
      'Dockerfile.build-worker': node,
      'build.sh': script().replace('docker cp w:/out/worker ./worker', 'docker cp w:/out/web ./web').replace('rm -f api worker', 'rm -rf api web'),
      Dockerfile: 'FROM alpine:3.19\nCOPY api /usr/local/bin/\nCOPY web /srv/web\nCMD ["api"]\n',
    });
    const { plan, out } = migrated(files);
    expect(out['Dockerfile']).toContain('FROM node:20 AS deps\nRUN mkdir /d\nFROM node:20 AS builder-worker\nCOPY --from=1 /d /d\nRUN --mount=from=1,source=/d,target=/m mkdir -p /out && cp -r /m /out/web\n');
    expect(plan.setups[0]!.notes).toContain('--mount=…,from=0 (Dockerfile.build-worker:5) becomes from=1: 1 stage(s) now stand before it');
  });

  it('does not share when the builds got different build arguments', () => {
    const { plan, out } = migrated(repo({ 'build.sh': script(' --build-arg GOFLAGS=-trimpath') }));
    expect(out['Dockerfile']).not.toContain('builder-base');
    expect(out['Dockerfile']).toContain('FROM golang:1.21 AS builder-api\n');
    expect(out['build.sh']).toContain('docker build --build-arg GOFLAGS=-trimpath -t shop:latest .');
    expect(plan.setups[0]!.notes).toContain('no shared base stage for Dockerfile.build-api and Dockerfile.build-worker: their builds get different build arguments or flags, which the shared instructions could see');
  });

  it('ends the base stage before an ARG, which stages built FROM it would not see', () => {
    const withArg = (t: string) => t.replace('COPY . .\n', 'ARG VERSION=dev\nCOPY . .\n');
    const { plan, out } = migrated(repo({ 'Dockerfile.build-api': withArg(GO_API), 'Dockerfile.build-worker': withArg(GO_WORKER) }));
    expect(out['Dockerfile']).toMatch(/^FROM golang:1\.21 AS builder-base\nWORKDIR \/src\nCOPY go\.mod \.\/\nRUN go mod download\n\nFROM builder-base AS builder-api\nARG VERSION=dev\nCOPY \. \.\n/);
    expect(plan.setups[0]!.notes.find((n) => n.startsWith('the first 4 instructions'))).toMatch(/ARG at Dockerfile\.build-api:5 would not reach stages built FROM a base/);
  });

  it('ends the base stage before an ONBUILD, which would fire in the stages built FROM it', () => {
    const withOnbuild = (t: string) => t.replace('RUN go mod download\n', 'RUN go mod download\nONBUILD RUN echo built\n');
    const { plan, out } = migrated(repo({ 'Dockerfile.build-api': withOnbuild(GO_API), 'Dockerfile.build-worker': withOnbuild(GO_WORKER) }));
    expect(out['Dockerfile']).toMatch(/^FROM golang:1\.21 AS builder-base\nWORKDIR \/src\nCOPY go\.mod \.\/\nRUN go mod download\n\nFROM builder-base AS builder-api\nONBUILD RUN echo built\n/);
    expect(plan.setups[0]!.notes.find((n) => n.startsWith('the first 4 instructions'))).toMatch(/ONBUILD at Dockerfile\.build-api:5 would fire/);
  });

  it('keeps every copy in its order when one COPY line mixes artifacts of both builders and context files', () => {
    const { out } = migrated(repo({ Dockerfile: 'FROM alpine:3.19\nCOPY api config.yml worker /usr/local/bin/\n' }));
    expect(out['Dockerfile']).toContain('FROM alpine:3.19\nCOPY --from=builder-api --chown=0:0 /out/api /usr/local/bin/\nCOPY config.yml /usr/local/bin/\nCOPY --from=builder-worker --chown=0:0 /out/worker /usr/local/bin/\n');
  });

  it('removes a `docker rmi` of every builder image at once, and the builder tags from one that removes other images too', () => {
    const withRmi = (rmi: string) => repo({ 'build.sh': script().replace('rm -f api worker\n', `rm -f api worker\n${rmi}\n`) });
    expect(migrated(withRmi('docker rmi api:build worker:build')).out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t shop:latest .\n');
    expect(migrated(withRmi('docker rmi api:build worker:build old:tag')).out['build.sh']).toContain('docker build -t shop:latest .\ndocker rmi old:tag\n');
  });

  it('keeps the comments of the later builders that the base stage does not carry', () => {
    const { out } = migrated(repo({ 'Dockerfile.build-worker': GO_WORKER.replace('COPY . .\n', '# Sources, including the queue client.\nCOPY . .\n') }));
    expect(out['Dockerfile']).toContain('FROM builder-base AS builder-worker\n# Sources, including the queue client.\nRUN go build -o /out/worker ./cmd/worker\n');
  });
});

describe('one builder file built for several targets', () => {
  const MULTI = 'FROM golang:1.21 AS deps\nWORKDIR /src\nCOPY . .\n\nFROM deps AS api\nRUN go build -o /out/api ./cmd/api\n\nFROM deps AS worker\nRUN go build -o /out/worker ./cmd/worker\n';
  const targets = (api = '', worker = '') => ({
    'Dockerfile.build': MULTI,
    Dockerfile: RUNTIME,
    'build.sh': script(` --target api${api}`, ` --target worker${worker}`).replace(/-f Dockerfile\.build-\w+/g, '-f Dockerfile.build'),
  });

  it('goes in once, each build\'s target the stage its files come from, and the file is deleted', () => {
    const files = targets();
    const { plan, out } = migrated(files);
    expect(out['Dockerfile']).toBe(`${MULTI}\nFROM alpine:3.19\nCOPY --from=api --chown=0:0 /out/api /usr/local/bin/\nCOPY --from=worker --chown=0:0 /out/worker /usr/local/bin/\nCMD ["api"]\n`);
    expect(out['Dockerfile.build']).toBeUndefined();
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t shop:latest .\n');
    expect(plan.setups[0]!.notes).toContain('Dockerfile.build is the builder of every one of these builds (each its own --target): it goes in once, its own stages shared as they were');
  });

  it('is refused when the two builds read it differently', () => {
    refusedWith(targets('', ' --build-arg CGO_ENABLED=0'), 'SHARED_DOCKERFILE', 4);
  });
});

describe('several builders, one runtime build: refusals', () => {
  it('refuses conflicting --build-arg values (one build passes one)', () => {
    const withArg = (t: string) => t.replace('RUN go build', 'ARG VERSION\nRUN go build');
    refusedWith(repo({ 'Dockerfile.build-api': withArg(GO_API), 'Dockerfile.build-worker': withArg(GO_WORKER), 'build.sh': script(' --build-arg VERSION=1', ' --build-arg VERSION=2') }), 'ARG_CONFLICT', 4);
  });

  it('refuses a --build-arg that would reach the other builder, which declares it', () => {
    const withArg = (t: string) => t.replace('RUN go build', 'ARG VERSION\nRUN go build');
    refusedWith(repo({ 'Dockerfile.build-worker': withArg(GO_WORKER), 'build.sh': script(' --build-arg VERSION=1') }), 'ARG_LEAK', 3);
  });

  it('refuses a builder built for another platform than the final build (which would build its stage for that one)', () => {
    const plan = planFiles(repo({ 'build.sh': script(' --platform linux/arm64', '', ' --platform linux/arm64') }));
    const worker = plan.setups.find((s) => s.builderDockerfile === 'Dockerfile.build-worker')!;
    expect(worker.status).toBe('refused');
    expect(worker.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['FLAG_CONFLICT', 11]]);
    expect(plan.changes.find((c) => c.path === 'build.sh')?.after ?? '').toContain('docker cp w:/out/worker ./worker');
  });

  it('still refuses one Dockerfile merged by two different runtime builds', () => {
    const files = repo({
      'build.sh': [
        'docker build -t api:build -f Dockerfile.build-api .',
        'docker create --name a api:build',
        'docker cp a:/out/api ./api',
        'docker rm a',
        'docker build -t shop:api .',
        'docker build -t worker:build -f Dockerfile.build-worker .',
        'docker create --name w worker:build',
        'docker cp w:/out/worker ./worker',
        'docker rm w',
        'docker build -t shop:worker .',
        '',
      ].join('\n'),
    });
    const plan = planFiles(files);
    expect(plan.changes).toEqual([]);
    expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.code === 'SHARED_DOCKERFILE').map((d) => [d.file, d.line]))).toEqual([[['build.sh', 5]], [['build.sh', 10]]]);
  });

  it('writes nothing through the CLI, even with --yes, and names the code, file and line', () => {
    const withArg = (t: string) => t.replace('RUN go build', 'ARG VERSION\nRUN go build');
    const files = repo({ 'Dockerfile.build-api': withArg(GO_API), 'Dockerfile.build-worker': withArg(GO_WORKER), 'build.sh': script(' --build-arg VERSION=1', ' --build-arg VERSION=2') });
    const dir = writeTemp(files);
    const r = runCli(['.', '--yes', '--json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.applied).toBe(false);
    expect(report.setups.map((s: { status: string }) => s.status)).toEqual(['refused', 'refused']);
    expect(report.setups[0].diagnostics).toContainEqual(expect.objectContaining({ code: 'ARG_CONFLICT', file: 'build.sh', line: 4 }));
    expect(readTree(dir)).toEqual(files);
  });
});

/**
 * A default builder stage name the files already use gives way to a free one (`builder-2`);
 * a name the user gave with --stage-name is used as given, or the setup is refused.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { freeStageName, namesInUse } from '../../transforms/stage-names.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n';
const repo = (runtime: string, builder = BUILDER) => ({ 'Dockerfile.build': builder, Dockerfile: runtime, 'build.sh': SCRIPT });

describe('free stage names', () => {
  it('keeps a free name and numbers a taken one, case-insensitively', () => {
    expect(freeStageName('builder', new Set())).toBe('builder');
    expect(freeStageName('builder', new Set(['builder']))).toBe('builder-2');
    expect(freeStageName('Builder', new Set(['builder', 'builder-2']))).toBe('Builder-3');
  });

  it('counts stage names and references to images, but not the builder image itself', () => {
    const runtime = readDockerfile('Dockerfile', 'FROM alpine AS base\nCOPY --from=tools /x /x\nCOPY --from=app:build /y /y\nFROM base\n');
    const taken = namesInUse([runtime], new Set(['app:build']));
    expect([...taken].sort()).toEqual(['alpine', 'base', 'tools']);
  });
});

describe('planning with a taken stage name', () => {
  const runtime = 'FROM alpine:3.19 AS builder\nRUN echo tools > /tools\n\nFROM alpine:3.19\nCOPY --from=builder /tools /tools\nCOPY app /usr/local/bin/app\n';

  it('names the builder stage builder-2 when the runtime file has a stage builder', () => {
    const files = repo(runtime);
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(plan.setups[0]!.stage).toBe('builder-2');
    expect(plan.setups[0]!.notes.join('\n')).toContain('`builder-2`');
    expect(applied(files, plan)['Dockerfile']).toBe(
      'FROM golang:1.21 AS builder-2\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\n' +
        'FROM alpine:3.19 AS builder\nRUN echo tools > /tools\n\nFROM alpine:3.19\nCOPY --from=builder /tools /tools\nCOPY --from=builder-2 --chown=0:0 /out/app /usr/local/bin/app\n',
    );
  });

  it('skips every number already taken', () => {
    const plan = planFiles(repo(runtime.replace('FROM alpine:3.19\nCOPY --from', 'FROM alpine:3.19 AS builder-2\nFROM alpine:3.19\nCOPY --from')));
    expect(plan.setups[0]!.stage).toBe('builder-3');
  });

  it('refuses as before when the name was given with --stage-name', () => {
    const plan = planFiles(repo(runtime), 'builder');
    expect(plan.setups[0]!.status).toBe('refused');
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toEqual(['STAGE_NAME_COLLISION']);
    expect(plan.changes).toEqual([]);
  });

  it('a builder stage that has its own name keeps it', () => {
    const plan = planFiles(repo(runtime.replace(' AS builder\n', ' AS tools\n').replace('--from=builder', '--from=tools'), BUILDER.replace('FROM golang:1.21', 'FROM golang:1.21 AS compile')));
    expect(plan.setups[0]!.stage).toBe('compile');
  });
});

describe('a builder stage named like an image the runtime file names', () => {
  it('is renamed, with its references, so the runtime\'s `FROM busybox` / `COPY --from=busybox` still mean the image (podman-verified)', () => {
    for (const runtime of ['FROM busybox\nCOPY app /usr/local/bin/app\n', 'FROM alpine:3.19\nCOPY --from=busybox /bin/busybox /bb\nCOPY app /usr/local/bin/app\n']) {
      const files = repo(runtime, 'FROM alpine:3.19 AS BusyBox\nRUN mkdir -p /out && printf x > /out/app\nFROM BusyBox\nRUN true\n');
      const plan = planFiles(files);
      expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')]), runtime).toEqual([['migrate', []]]);
      const merged = applied(files, plan)['Dockerfile']!;
      expect(merged).toContain('FROM alpine:3.19 AS BusyBox-2\nRUN mkdir -p /out && printf x > /out/app\nFROM BusyBox-2 AS builder\n');
      expect(merged).toContain(runtime.split('\n').slice(0, -2).join('\n'));
      expect(plan.setups[0]!.notes).toContain('stage `BusyBox` of Dockerfile.build is renamed `BusyBox-2` (with every reference to it in that file): Dockerfile names the image `busybox`, which a stage of that name would take the place of (names are case-insensitive)');
    }
  });
});

describe('a runtime reference written with a variable', () => {
  const NAMED = 'FROM busybox:latest AS alpine\nRUN mkdir -p /out && printf x > /out/app\n';
  const codes = (files: Record<string, string>) => planFiles(files).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

  it('refuses where its value, expanded, names a stage of the merged file (FROM ${IMG} with IMG=alpine would be built on the builder)', () => {
    const plan = planFiles(repo('ARG IMG=alpine\nFROM ${IMG}\nCOPY app /usr/local/bin/app\n', NAMED));
    expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'STAGE_NAME_COLLISION')!.message).toContain('names the image `alpine` (its ARG\'s default), but the merged file would have a stage `alpine`');
    expect(codes(repo('ARG SRC=alpine\nFROM busybox:latest\nARG SRC\nCOPY --from=${SRC} /etc/hostname /etc/standin\nCOPY app /usr/local/bin/app\n', NAMED))).toEqual([['refused', 'STAGE_NAME_COLLISION']]);
    // the build's --build-arg outweighs the default
    const given = (value: string) => ({ ...repo('ARG IMG=debian:bookworm\nFROM ${IMG}\nCOPY app /usr/local/bin/app\n', NAMED), 'build.sh': SCRIPT.replace('docker build -t app:latest .', `docker build --build-arg IMG=${value} -t app:latest .`) });
    expect(codes(given('alpine'))).toEqual([['refused', 'STAGE_NAME_COLLISION']]);
    expect(codes(given('"$BASE"'))).toEqual([['refused', 'STAGE_NAME_COLLISION']]);
    expect(codes(given('alpine:3.19'))).toEqual([['migrate']]);
  });

  it('migrates where it names an image whatever the variable holds, or its value is known and no stage', () => {
    expect(codes(repo('ARG IMG=alpine:3.19\nFROM ${IMG}\nCOPY app /usr/local/bin/app\n', NAMED))).toEqual([['migrate']]);
    expect(codes(repo('ARG VARIANT=-slim\nFROM debian:bookworm${VARIANT}\nCOPY app /usr/local/bin/app\n', NAMED))).toEqual([['migrate']]);
    expect(codes(repo('ARG IMG=debian\nFROM ${IMG}\nCOPY app /usr/local/bin/app\n', NAMED))).toEqual([['migrate']]);
    // no default and no --build-arg: only known when built
    expect(codes(repo('ARG IMG\nFROM ${IMG}\nCOPY app /usr/local/bin/app\n', NAMED))).toEqual([['refused', 'STAGE_NAME_COLLISION']]);
  });
});

describe('a builder tag that is also a stage name of the runtime file', () => {
  const script = SCRIPT.replaceAll('app:build', 'base');
  const tagged = (runtime: string) => ({ ...repo(runtime), 'build.sh': script });

  it('leaves the runtime\'s own stage references alone: a name of an earlier stage is that stage, not the image', () => {
    const copyFrom = tagged('FROM alpine:3.19 AS base\nRUN echo base > /base\nFROM alpine:3.19\nCOPY --from=base /base /base\nCOPY app /opt/app\n');
    expect(applied(copyFrom, planFiles(copyFrom))['Dockerfile']).toContain('FROM alpine:3.19 AS base\nRUN echo base > /base\nFROM alpine:3.19\nCOPY --from=base /base /base\nCOPY --from=builder --chown=0:0 /out/app /opt/app\n');
    const from = tagged('FROM alpine:3.19 AS base\nRUN echo base > /base\nFROM base\nCOPY app /opt/app\n');
    expect(applied(from, planFiles(from))['Dockerfile']).toContain('FROM alpine:3.19 AS base\nRUN echo base > /base\nFROM base\nCOPY --from=builder --chown=0:0 /out/app /opt/app\n');
  });

  it('still rewrites a reference before that stage, where the name is the builder image', () => {
    const files = tagged('FROM base AS tools\nFROM alpine:3.19 AS base\nCOPY app /opt/app\n');
    expect(applied(files, planFiles(files))['Dockerfile']).toContain('FROM builder AS tools\nFROM alpine:3.19 AS base\nCOPY --from=builder --chown=0:0 /out/app /opt/app\n');
  });
});

describe('a runtime stage named like an image the builder file names', () => {
  const runtime = 'FROM alpine:3.19 AS golang\nRUN echo stage > /marker\n\nFROM alpine:3.19\nCOPY --from=golang /marker /marker\nCOPY app /usr/local/bin/app\n';
  const codes = (files: Record<string, string>) => planFiles(files).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

  it('keeps the builder\'s `FROM golang` the image: a FROM reads only earlier stages, and the runtime\'s come after the builder\'s (podman-verified)', () => {
    const files = repo(runtime, 'FROM golang\nRUN mkdir -p /out && cat /marker > /out/app\n');
    expect(codes(files)).toEqual([['migrate']]);
    expect(applied(files, planFiles(files))['Dockerfile']).toBe(`FROM golang AS builder\nRUN mkdir -p /out && cat /marker > /out/app\n\n${runtime.replace('COPY app', 'COPY --from=builder --chown=0:0 /out/app')}`);
  });

  it('refuses a builder `COPY --from=golang` or mount `from=golang`: BuildKit looks --from names up among later stages too', () => {
    for (const line of ['COPY --from=golang /etc/os-release /out/os', 'RUN --mount=type=bind,from=golang,target=/g cp /g/etc/os-release /out/os']) {
      const files = repo(runtime, `FROM alpine:3.19 AS src\nRUN mkdir -p /out && echo built > /out/app\nFROM src\n${line}\n`);
      expect(codes(files), line).toEqual([['refused', 'STAGE_NAME_COLLISION']]);
      expect(planFiles(files).setups[0]!.diagnostics[0]!.message).toContain('BuildKit looks a --from name up among every stage of the file, later ones included');
    }
  });
});

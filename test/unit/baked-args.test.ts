/**
 * A builder-only `--build-arg NAME=value` whose NAME the runtime declares too becomes the default
 * of the builder's stage-level `ARG NAME` in the merged file (src/plan/baked-args.ts), where that
 * is exact; every other shape stays an ARG_LEAK refusal.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { checkMergedStructure } from '../../src/plan/merge-structure.js';
import { mergeDockerfiles } from '../../transforms/dockerfile-merge.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nARG OUT_DIR=/out\nWORKDIR /src\nCOPY main.go .\nRUN go build -o ${OUT_DIR}/app .\n';
const RUNTIME = 'FROM alpine:3.19\nARG OUT_DIR=/var/lib/app\nRUN echo "out=${OUT_DIR}" > /etc/app.out\nCOPY app /usr/local/bin/app\n';

const script = (flags: string, prelude = '') =>
  ['#!/bin/sh', 'set -e', `${prelude}docker build ${flags} -t app:build -f Dockerfile.build .`, 'docker create --name x app:build', 'docker cp x:/opt/out/app ./app', 'docker rm x', 'docker build -t app:latest .', ''].join('\n');

function plan(flags: string, builder = BUILDER, runtime = RUNTIME, prelude = '') {
  const files = { 'build.sh': script(flags, prelude), 'Dockerfile.build': builder, Dockerfile: runtime, 'main.go': 'package main\n' };
  const p = planFiles(files);
  const s = p.setups[0]!;
  const after = applied(files, p);
  return { status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), notes: s.notes, dockerfile: after.Dockerfile!, script: after['build.sh']! };
}

describe('a builder-only build argument the runtime declares too', () => {
  it('becomes the default of the builder stage\'s ARG, and the merged build does not pass it', () => {
    const p = plan('--build-arg OUT_DIR=/opt/out');
    expect(p.errors).toEqual([]);
    expect(p.status).toBe('migrate');
    expect(p.dockerfile).toBe(
      'FROM golang:1.21 AS builder\nARG OUT_DIR=/opt/out\nWORKDIR /src\nCOPY main.go .\nRUN go build -o ${OUT_DIR}/app .\n\n' +
        'FROM alpine:3.19\nARG OUT_DIR=/var/lib/app\nRUN echo "out=${OUT_DIR}" > /etc/app.out\nCOPY --from=builder --chown=0:0 /opt/out/app /usr/local/bin/app\n',
    );
    expect(p.script).toContain('docker build -t app:latest .');
    expect(p.script).not.toContain('OUT_DIR');
    expect(p.notes.join('\n')).toContain('--build-arg OUT_DIR=/opt/out is now the default of ARG OUT_DIR in the stages from Dockerfile.build (line 2): Dockerfile declares it too');
  });

  it('replaces only its own word, in every stage that declares it, a bare declaration included', () => {
    const builder = 'FROM golang:1.21 AS deps\nARG GOFLAGS=-mod=mod OUT_DIR \\\n    CGO_ENABLED=0\nRUN echo "$OUT_DIR" > /dir\n\nFROM deps\nARG OUT_DIR\nCOPY main.go .\nRUN go build -o ${OUT_DIR}/app .\n';
    const p = plan('--build-arg OUT_DIR=/opt/out', builder);
    expect(p.errors).toEqual([]);
    expect(p.dockerfile).toContain('FROM golang:1.21 AS deps\nARG GOFLAGS=-mod=mod OUT_DIR=/opt/out \\\n    CGO_ENABLED=0\n');
    expect(p.dockerfile).toContain('FROM deps AS builder\nARG OUT_DIR=/opt/out\nCOPY main.go .\n');
    expect(p.notes.join('\n')).toContain('(line 2, 7)');
  });

  it('keeps carrying an argument the runtime does not declare, and baking only the one it does', () => {
    const p = plan('--build-arg GOFLAGS=-trimpath --build-arg OUT_DIR=/opt/out', BUILDER.replace('ARG OUT_DIR=/out', 'ARG OUT_DIR=/out GOFLAGS'));
    expect(p.errors).toEqual([]);
    expect(p.dockerfile).toContain('ARG OUT_DIR=/opt/out GOFLAGS\n');
    expect(p.script).toContain('docker build --build-arg GOFLAGS=-trimpath -t app:latest .');
  });

  it('stays refused where a default would not stand for the value passed', () => {
    // declared before the first FROM: a global default would sit among the runtime's globals
    expect(plan('--build-arg OUT_DIR=/opt/out', `ARG OUT_DIR=/out\n${BUILDER.replace('ARG OUT_DIR=/out', 'ARG OUT_DIR')}`).errors).toContain('ARG_LEAK');
    // not declared by the builder at all
    expect(plan('--build-arg OUT_DIR=/opt/out', BUILDER.replace('ARG OUT_DIR=/out\n', '').replace('${OUT_DIR}', '/opt/out')).errors).toContain('ARG_LEAK');
    // text an ARG default would not read back as itself, or a value only known at run time
    for (const flags of ['--build-arg "OUT_DIR=/opt/my out"', "--build-arg 'OUT_DIR=/opt/$out'", '--build-arg "OUT_DIR=$DEST"', '--build-arg OUT_DIR']) {
      expect(plan(flags).errors, flags).toContain('ARG_LEAK');
    }
    // a literal read through a variable: a Makefile's, which `make OUT=…` overrides
    const make = 'OUT := /opt/out\n\nimage:\n\tdocker build --build-arg OUT_DIR=$(OUT) -t app:build -f Dockerfile.build .\n\tdocker create --name x app:build\n\tdocker cp x:/opt/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n';
    const viaMake = planFiles({ Makefile: make, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' }).setups[0]!;
    expect(viaMake.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('ARG_LEAK');
    expect(planFiles({ Makefile: make.replace('$(OUT)', '/opt/out'), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' }).setups[0]!.status).toBe('migrate');
    // given twice with different values
    expect(plan('--build-arg OUT_DIR=/opt/out --build-arg OUT_DIR=/srv/out').errors).toContain('ARG_LEAK');
    // an argument with a meaning of its own without a declaration
    const platform = (b: string) => b.replace(/OUT_DIR/g, 'TARGETARCH');
    expect(plan('--build-arg TARGETARCH=arm64', platform(BUILDER), platform(RUNTIME)).errors).toContain('ARG_LEAK');
  });

  it('is given to both builds with one value: passed once, as before', () => {
    const files = { 'build.sh': script('--build-arg OUT_DIR=/opt/out').replace('docker build -t app:latest .', 'docker build --build-arg OUT_DIR=/opt/out -t app:latest .'), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' };
    const p = planFiles(files);
    const after = applied(files, p);
    expect(p.setups[0]!.status).toBe('migrate');
    expect(after.Dockerfile).toContain('ARG OUT_DIR=/out\n');
    expect(after['build.sh']).toContain('docker build --build-arg OUT_DIR=/opt/out -t app:latest .');
  });
});

describe('the merged file\'s structure check with baked defaults', () => {
  const merge = (edits: boolean) => {
    const builder = readDockerfile('Dockerfile.build', BUILDER);
    const at = BUILDER.indexOf('OUT_DIR=/out');
    return mergeDockerfiles({
      builder,
      runtime: readDockerfile('Dockerfile', RUNTIME),
      builderStage: 0,
      stageName: 'builder',
      builderTags: ['docker.io/library/app:build'],
      consumers: [{ copy: 0, source: 0, stagePath: '/opt/out/app', hostSource: 'app', mode: null, folder: false }],
      textEdits: edits ? [{ start: at, end: at + 'OUT_DIR=/out'.length, text: 'OUT_DIR=/opt/out' }] : [],
      argDefaults: new Map([['OUT_DIR', '/opt/out']]),
      setup: 's',
    });
  };

  it('passes the builder\'s ARG as the plan meant it, and refuses it left as it was', () => {
    const m = merge(true);
    expect(checkMergedStructure(m.text, m.intent, 'Dockerfile', 's')).toEqual([]);
    const unedited = merge(false);
    const found = checkMergedStructure(unedited.text, unedited.intent, 'Dockerfile', 's');
    expect(found.map((d) => d.code)).toEqual(['GENERATED_DOCKERFILE_INVALID']);
    expect(found[0]!.message).toContain('ARG OUT_DIR=/opt/out');
  });
});

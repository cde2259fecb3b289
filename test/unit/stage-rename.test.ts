/**
 * A stage name a builder file shares with the runtime file (or an earlier builder file) is
 * renamed in the builder file, with every reference to it there; what cannot be rewritten
 * for sure refuses.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { renameStages, shiftEdit } from '../../transforms/stage-rename.js';
import { planFiles } from '../support/plan.js';

const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n';
const RUNTIME = 'FROM busybox:1.36 AS builder\nRUN echo tools > /tools\n\nFROM alpine:3.19\nCOPY --from=builder /tools /tools\nCOPY app /usr/local/bin/app\n';
const repo = (builder: string, runtime = RUNTIME) => ({ 'Dockerfile.build': builder, Dockerfile: runtime, 'build.sh': SCRIPT });
const codesOf = (setup: { diagnostics: { code: string }[] }) => setup.diagnostics.map((d) => d.code);
const merged = (files: Record<string, string>) => {
  const plan = planFiles(files);
  return { plan, setup: plan.setups[0]!, text: plan.changes.find((c) => c.path === 'Dockerfile')?.after ?? null };
};

describe('renaming stages of one file', () => {
  const renamed = (text: string, renames: [string, string][]) => {
    const r = renameStages(readDockerfile('Dockerfile.build', text), new Map(renames));
    return 'refusal' in r ? `refused: ${r.refusal}` : r.facts.text;
  };

  it('rewrites the name and every FROM, COPY --from and RUN --mount from= that resolves to it, case-insensitively', () => {
    const text = 'FROM golang:1.21 AS Builder\nRUN make\nFROM BUILDER AS next\nCOPY --from=builder /a /a\nRUN --mount=type=bind,from=bUilder,target=/b cp /b/x /x\n';
    expect(renamed(text, [['builder', 'Builder-2']])).toBe(
      'FROM golang:1.21 AS Builder-2\nRUN make\nFROM Builder-2 AS next\nCOPY --from=Builder-2 /a /a\nRUN --mount=type=bind,from=Builder-2,target=/b cp /b/x /x\n',
    );
  });

  it('leaves a reference before the stage (an image then), numbers and other names alone', () => {
    const text = 'FROM alpine AS other\nCOPY --from=builder /i /i\nFROM golang:1.21 AS builder\nCOPY --from=0 /o /o\nCOPY --from=other /p /p\n';
    expect(renamed(text, [['builder', 'builder-2']])).toBe('FROM alpine AS other\nCOPY --from=builder /i /i\nFROM golang:1.21 AS builder-2\nCOPY --from=0 /o /o\nCOPY --from=other /p /p\n');
  });

  it('refuses a reference built from a variable, and an ONBUILD line', () => {
    expect(renamed('ARG S=builder\nFROM golang:1.21 AS builder\nFROM alpine\nCOPY --from=$S /a /a\n', [['builder', 'builder-2']])).toMatch(/^refused: .*variable/);
    expect(renamed('ARG B=builder\nFROM golang:1.21 AS builder\nFROM ${B}\n', [['builder', 'builder-2']])).toMatch(/^refused: .*variable/);
    expect(renamed('FROM golang:1.21 AS builder\nFROM alpine\nRUN --mount=from=${S},target=/b true\n', [['builder', 'builder-2']])).toMatch(/^refused: .*variable/);
    expect(renamed('FROM golang:1.21 AS builder\nONBUILD COPY --from=builder /a /a\n', [['builder', 'builder-2']])).toMatch(/^refused: .*ONBUILD/);
  });

  it('an image built from a variable with a tag or a registry cannot be a stage, and stays', () => {
    expect(renamed('ARG GO=1.21\nFROM golang:${GO} AS builder\nFROM ${REGISTRY}/alpine\nCOPY --from=builder /a /a\n', [['builder', 'builder-2']])).toBe(
      'ARG GO=1.21\nFROM golang:${GO} AS builder-2\nFROM ${REGISTRY}/alpine\nCOPY --from=builder-2 /a /a\n',
    );
  });

  it('moves an edit of the original text past the renames before it, and refuses one that overlaps', () => {
    const renames = [{ start: 20, end: 27, text: 'builder-2' }];
    expect(shiftEdit({ start: 40, end: 45, text: 'x' }, renames)).toEqual({ start: 42, end: 47, text: 'x' });
    expect(shiftEdit({ start: 5, end: 10, text: 'x' }, renames)).toEqual({ start: 5, end: 10, text: 'x' });
    expect(shiftEdit({ start: 25, end: 30, text: 'x' }, renames)).toBeNull();
  });
});

describe('planning with a stage name in both files', () => {
  const BUILDER = 'FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM alpine:3.19 AS pack\nCOPY --from=builder /out/app /out/app\n';

  it('renames the builder file stage to the next free number and migrates', () => {
    const { setup, text } = merged(repo(BUILDER, RUNTIME.replace('FROM alpine:3.19\nCOPY --from', 'FROM alpine:3.19 AS builder-2\nFROM alpine:3.19\nCOPY --from')));
    expect(setup.status).toBe('migrate');
    expect(setup.notes.join('\n')).toContain('stage `builder` of Dockerfile.build is renamed `builder-3`');
    expect(text).toContain('FROM golang:1.21 AS builder-3\n');
    expect(text).toContain('FROM alpine:3.19 AS pack\nCOPY --from=builder-3 /out/app /out/app\n');
    // The runtime's own stage keeps its name, and its reference still means it.
    expect(text).toContain('FROM busybox:1.36 AS builder\n');
    expect(text).toContain('COPY --from=builder /tools /tools\n');
    expect(text).toContain('COPY --from=pack --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('the builder stage itself renamed is the stage the runtime copies from', () => {
    const { setup, text } = merged(repo('FROM golang:1.21 AS BUILDER\nRUN go build -o /out/app .\n'));
    expect(setup.status).toBe('migrate');
    expect(setup.stage).toBe('BUILDER-2');
    expect(text).toContain('FROM golang:1.21 AS BUILDER-2\n');
    expect(text).toContain('COPY --from=BUILDER-2 --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('a new name never takes an image the files refer to', () => {
    const { setup, text } = merged(repo(BUILDER, RUNTIME.replace('RUN echo tools', 'COPY --from=builder-2 /x /x\nRUN echo tools')));
    expect(setup.status).toBe('migrate');
    expect(text).toContain('FROM golang:1.21 AS builder-3\n');
  });

  it('refuses when a reference in the builder file could name the stage through a variable', () => {
    const { setup, text } = merged(repo(`ARG FROM_STAGE=builder\n${BUILDER.replace('--from=builder', '--from=$FROM_STAGE')}`));
    expect(setup.status).toBe('refused');
    expect(setup.diagnostics.map((d) => d.code)).toContain('STAGE_NAME_COLLISION');
    expect(text).toBeNull();
  });

  it('a rename that refuses reports the shared name once, with why it cannot be renamed', () => {
    for (const builder of [`ARG FROM_STAGE=builder\n${BUILDER.replace('--from=builder', '--from=$FROM_STAGE')}`, `${BUILDER}ONBUILD COPY --from=builder /out/app /app\n`]) {
      const { setup } = merged(repo(builder));
      const found = setup.diagnostics.filter((d) => d.code === 'STAGE_NAME_COLLISION');
      expect(found.length, builder).toBe(1);
      expect(found[0]!.message).toMatch(/cannot be renamed/);
    }
  });

  const KEPT = SCRIPT.replace('docker build -t app:latest .\n', 'docker build -t app:latest .\ndocker run --rm app:build go version\n');

  it('a kept builder build with --target of the renamed stage targets its new name', () => {
    for (const [flag, want] of [['--target builder', '--target builder-2'], ['--target=builder', '--target=builder-2'], ['--target BUILDER', '--target builder-2']]) {
      const files = { ...repo(BUILDER), 'build.sh': KEPT.replace('-f Dockerfile.build', `${flag} -f Dockerfile.build`) };
      const { plan, setup } = merged(files);
      expect(setup.status, flag).toBe('migrate');
      expect(setup.stage).toBe('builder-2');
      expect(plan.changes.find((c) => c.path === 'build.sh')!.after).toContain(`docker build -t app:build ${want} -f Dockerfile .\n`);
    }
  });

  it('refuses to keep a builder build whose --target is a variable', () => {
    const files = { ...repo(BUILDER), 'build.sh': KEPT.replace('-f Dockerfile.build', '--target "$STAGE" -f Dockerfile.build') };
    const { setup } = merged(files);
    expect(setup.status).toBe('refused');
    expect(codesOf(setup)).toContain('BUILDER_TAG_USED');
  });

  it('a stage name two builder files share is renamed in the later one', () => {
    const script = `${SCRIPT.split('docker build -t app:latest')[0]}docker build -t web:build -f Dockerfile.web .\ndocker create --name w web:build\ndocker cp w:/out/web ./web\ndocker rm w\ndocker build -t app:latest .\nrm -f app web\n`;
    const { plan, text } = merged({
      'build.sh': script,
      'Dockerfile.build': 'FROM golang:1.21 AS builder\nRUN go build -o /out/app .\n',
      'Dockerfile.web': 'FROM golang:1.21 AS Builder\nRUN go build -o /out/web .\nFROM alpine:3.19\nCOPY --from=BUILDER /out/web /out/web\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY web /usr/local/bin/web\n',
    });
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate', 'migrate']);
    expect(text).toContain('FROM golang:1.21 AS builder\nRUN go build -o /out/app .\n');
    expect(text).toContain('FROM golang:1.21 AS Builder-2\nRUN go build -o /out/web .\nFROM alpine:3.19 AS builder-web\nCOPY --from=Builder-2 /out/web /out/web\n');
  });

  it('refuses a runtime build context that a renamed stage would shadow', () => {
    const files = { ...repo(BUILDER), 'build.sh': SCRIPT.replace('docker build -t app:latest .', 'docker build -t app:latest --build-context builder-2=./extra .') };
    const { setup } = merged(files);
    expect(setup.status).toBe('refused');
    expect(codesOf(setup)).toContain('STAGE_NAME_COLLISION');
  });

  it('refuses a group merge whose renamed stage would shadow the runtime build context, once, naming the context', () => {
    const script = `${SCRIPT.split('docker build -t app:latest')[0]}docker build -t web:build -f Dockerfile.web .\ndocker create --name w web:build\ndocker cp w:/out/web ./web\ndocker rm w\ndocker build -t app:latest --build-context BUILDER-2=./extra .\nrm -f app web\n`;
    const { plan, text } = merged({
      'build.sh': script,
      'Dockerfile.build': 'FROM golang:1.21 AS builder\nRUN go build -o /out/app .\n',
      'Dockerfile.web': 'FROM golang:1.21 AS Builder\nRUN go build -o /out/web .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY web /usr/local/bin/web\n',
    });
    expect(plan.setups.map((s) => s.status)).toEqual(['refused', 'refused']);
    for (const setup of plan.setups) {
      const found = setup.diagnostics.filter((d) => d.code === 'STAGE_NAME_COLLISION');
      expect(found.map((d) => d.message)).toEqual(["the runtime build's --build-context BUILDER-2=… names a context that a stage of the merged file would now shadow"]);
      expect(found[0]!.hint).toMatch(/^Rename the stage in one of the builder files/);
    }
    expect(text).toBeNull();
  });

  it('refuses to keep a builder build whose stage another builder file renamed in the group', () => {
    const script = `${SCRIPT.split('docker build -t app:latest')[0]}docker build -t web:build --target Builder -f Dockerfile.web .\ndocker create --name w web:build\ndocker cp w:/out/web ./web\ndocker rm w\ndocker build -t app:latest .\ndocker run --rm web:build ls\nrm -f app web\n`;
    const { plan, text } = merged({
      'build.sh': script,
      'Dockerfile.build': 'FROM golang:1.21 AS builder\nRUN go build -o /out/app .\n',
      'Dockerfile.web': 'FROM golang:1.21 AS Builder\nRUN go build -o /out/web .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY web /usr/local/bin/web\n',
    });
    expect(plan.setups.map((s) => s.status)).toEqual(['refused', 'refused']);
    expect(codesOf(plan.setups[1]!)).toContain('BUILDER_TAG_USED');
    expect(text).toBeNull();
  });
});

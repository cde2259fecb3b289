/**
 * What a multi-stage build changes that the old pipeline did not, each refused (or written
 * exactly) by the plan: global ARG defaults reaching the other file's stages, runtime ignore
 * patterns that filtered inside an artifact, ADD unpacking by content, glob characters in a
 * docker cp path, and the owner COPY --from keeps.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n';
const BUILDER = 'FROM golang:1.21\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /app\n';

const errors = (files: Record<string, string>) => {
  const all = { 'build.sh': SCRIPT, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...files };
  const plan = planFiles(all);
  return { codes: plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)), out: applied(all, plan), plan };
};

describe('global ARG defaults', () => {
  const READS_V = 'ARG V=dev\nFROM golang:1.21\nARG V\nRUN go build -ldflags "-X main.v=$V" -o /out/app .\n';
  it('a builder global default its own stage reads, reaching a bare runtime ARG, is refused', () => {
    expect(errors({ 'Dockerfile.build': READS_V, Dockerfile: 'FROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
  });
  it('a builder global default nothing in the builder reads is left out of the merged file instead', () => {
    const r = errors({ 'Dockerfile.build': `# versions\nARG V=dev\nARG GO=1.21\nFROM golang:\${GO}\nRUN go build -o /out/app .\n`, Dockerfile: 'FROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY app /app\n' });
    expect(r.codes).toEqual([]);
    expect(r.out.Dockerfile).toBe('# versions\nARG GO=1.21\nFROM golang:${GO} AS builder\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY --from=builder --chown=0:0 /out/app /app\n');
    expect(r.plan.setups[0]!.notes.join('\n')).toMatch(/global `ARG V=dev` of Dockerfile.build is read by none of its FROM lines or stages.*leaves it out/);
  });
  it('a global another global or a FROM line reads is not left out', () => {
    const runtime = 'FROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY app /app\n';
    expect(errors({ 'Dockerfile.build': 'ARG V=dev\nARG IMG=golang:$V\nFROM $IMG\nRUN go build -o /out/app .\n', Dockerfile: runtime }).codes).toEqual(['ARG_LEAK']);
    expect(errors({ 'Dockerfile.build': 'ARG V=amd64\nFROM --platform=linux/$V golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: runtime }).codes).toEqual(['ARG_LEAK']);
  });
  it('a global declared beside another on one line is cut out of the line, the others kept', () => {
    const r = errors({ 'Dockerfile.build': `ARG GO=1.21 V=dev\nFROM golang:\${GO}\nRUN go build -o /out/app .\n`, Dockerfile: 'FROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY app /app\n' });
    expect(r.codes).toEqual([]);
    expect(r.out.Dockerfile).toBe('ARG GO=1.21\nFROM golang:${GO} AS builder\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY --from=builder --chown=0:0 /out/app /app\n');
    // Beside a comment line inside its continuation it stays, and the leak is refused.
    expect(errors({ 'Dockerfile.build': `ARG GO=1.21 \\\n# the version\n  V=dev\nFROM golang:\${GO}\nRUN go build -o /out/app .\n`, Dockerfile: 'FROM alpine:3.19\nARG V\nLABEL v=$V\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
  });
  it('a global default reading a variable another file declares is refused (it would read that file\'s value)', () => {
    // The runtime's own `ARG F=$X` read no X; the builder redeclares F after X=1.
    const runtime = 'ARG F=$X\nFROM alpine:3.19\nARG F\nLABEL flavor=$F\nCOPY app /app\n';
    expect(errors({ 'Dockerfile.build': `ARG X=1\nARG F=$X\n${BUILDER}`, Dockerfile: runtime }).codes).toEqual(['ARG_LEAK']);
    // A runtime global read by the builder's own global default.
    expect(errors({ 'Dockerfile.build': 'ARG IMG=golang:$GO\nFROM $IMG\nRUN go build -o /out/app .\n', Dockerfile: 'ARG GO=1.21\nFROM alpine:${GO}\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
    // A FROM flag of the builder reading a runtime global it never declared.
    expect(errors({ 'Dockerfile.build': 'FROM --platform=linux/$ARCH golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'ARG ARCH=arm64\nFROM alpine:3.19\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
  });
  it('defaults written the same but worth something else in each file are refused; the same literal is not', () => {
    const builder = 'ARG V=1\nARG TAG=$V\nFROM golang:1.21\nARG TAG\nRUN go build -o /out/app .\n';
    expect(errors({ 'Dockerfile.build': builder, Dockerfile: 'ARG TAG=$V\nFROM alpine:3.19\nARG TAG\nLABEL t=$TAG\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
    // Compared as written: double quotes expand $X, single quotes keep it.
    expect(errors({ 'Dockerfile.build': `ARG X=1\nARG V="$X"\n${BUILDER}`, Dockerfile: "ARG X=1\nARG V='$X'\nFROM alpine:3.19\nCOPY app /app\n" }).codes).toEqual(['ARG_CONFLICT']);
    expect(errors({ 'Dockerfile.build': 'ARG GO=1.21\nFROM golang:${GO}\nRUN go build -o /out/app .\n', Dockerfile: 'ARG GO=1.21\nFROM alpine:${GO}\nARG GO\nCOPY app /app\n' }).codes).toEqual([]);
  });
  it('`ARG A B` declares two bare ARGs (as BuildKit reads it), so a default reaching the second is seen', () => {
    expect(errors({ 'Dockerfile.build': READS_V, Dockerfile: 'FROM alpine:3.19\nARG FLAVOR V\nLABEL v=$V\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
  });
  it('a runtime global default reaching a bare builder ARG is refused', () => {
    expect(errors({ 'Dockerfile.build': 'FROM golang:1.21\nARG GOFLAGS\nRUN go build -o /out/app .\n', Dockerfile: 'ARG GOFLAGS=-race\nFROM alpine:3.19\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
  });
  it('a global default reaching the other file\'s FROM is refused', () => {
    expect(errors({ 'Dockerfile.build': 'ARG TAG=3.19\nFROM golang:1.21\nARG TAG\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:${TAG}\nCOPY app /app\n' }).codes).toEqual(['ARG_LEAK']);
  });
  it('a stage ARG with its own default, or the same global in both files, is not a leak', () => {
    expect(errors({ 'Dockerfile.build': `ARG V=dev\n${BUILDER}`, Dockerfile: 'FROM alpine:3.19\nARG V=prod\nCOPY app /app\n' }).codes).toEqual([]);
    expect(errors({ 'Dockerfile.build': `ARG V=dev\n${BUILDER}`, Dockerfile: 'ARG V=dev\nFROM alpine:3.19\nARG V\nCOPY app /app\n' }).codes).toEqual([]);
  });
});

describe('runtime ignore patterns and extracted folders', () => {
  const dir = { 'build.sh': SCRIPT.replace('x:/out/app ./app', 'x:/out/dist ./dist'), Dockerfile: 'FROM alpine:3.19\nCOPY dist /srv/dist\n' };
  it('a pattern that can match inside the artifact is refused', () => {
    for (const p of ['**/*.map', 'dist/*.map', 'dist', '*/secret']) expect(errors({ ...dir, '.dockerignore': `${p}\n` }).codes, p).toEqual(['ARTIFACT_IGNORED']);
  });
  it('a pattern that cannot reach the artifact is not', () => {
    for (const p of ['*.map', 'node_modules', 'docs/**', '!dist/keep']) expect(errors({ ...dir, '.dockerignore': `${p}\n` }).codes, p).toEqual([]);
  });
});

describe('ADD and glob characters', () => {
  it('ADD of a file artifact, whatever its name, is refused', () => {
    expect(errors({ Dockerfile: 'FROM alpine:3.19\nADD app /app\n' }).codes).toEqual(['ARTIFACT_ARCHIVE_ADD']);
    expect(errors({ 'build.sh': SCRIPT.replace('x:/out/app ./app', 'x:/out/app.tgz ./app.tgz'), Dockerfile: 'FROM alpine:3.19\nADD app.tgz /app/\n' }).codes).toEqual(['ARTIFACT_ARCHIVE_ADD']);
  });
  it('*, ? and [ in a docker cp path are refused', () => {
    for (const name of ['app[1]', 'app?', 'app*x']) {
      expect(errors({ 'build.sh': SCRIPT.replace('x:/out/app ./app', `'x:/out/${name}' ./app`) }).codes, name).toEqual(['PATH_NEEDS_QUOTING']);
    }
  });
});

describe('artifact paths with a space', () => {
  const spacedCp = (files: Record<string, string>) => errors({ 'build.sh': SCRIPT.replace('x:/out/app ./app', '"x:/out/my app" ./app'), ...files });

  it('are written into a JSON-form line, and refused in a shell-form line edited in place', () => {
    const json = spacedCp({ Dockerfile: 'FROM alpine:3.19\nCOPY ["app", "/app"]\n' });
    expect(json.codes).toEqual([]);
    expect(json.out.Dockerfile).toContain('COPY --from=builder --chown=0:0 ["/out/my app", "/app"]\n');
    const shell = spacedCp({});
    expect(shell.codes).toEqual(['PATH_NEEDS_QUOTING']);
    expect(shell.plan.setups[0]!.diagnostics.find((d) => d.code === 'PATH_NEEDS_QUOTING')!.message).toContain('COPY (Dockerfile:2) is in shell form, where a space ends a path');
  });

  it('landing in a copied folder: the line written anew takes the JSON form, unless another of its paths would read differently there', () => {
    const sh = SCRIPT.replace('docker cp x:/out/app ./app', 'mkdir -p build\ndocker cp x:/out/app "./build/my app"');
    const folder = errors({ 'build.sh': sh, Dockerfile: 'FROM alpine:3.19\nCOPY build/ /srv/\n' });
    expect(folder.codes).toEqual([]);
    expect(folder.out.Dockerfile).toContain('COPY --from=builder --chown=0:0 ["/out/app", "/srv/my app"]\n');
    expect(errors({ 'build.sh': sh, Dockerfile: 'FROM alpine:3.19\nENV DEST=/srv\nCOPY build/ $DEST/\n' }).codes).toEqual(['PATH_NEEDS_QUOTING']);
  });

  it('a name with $ landing in a copied folder is refused: COPY would read it as a variable', () => {
    const sh = SCRIPT.replace('docker cp x:/out/app ./app', "mkdir -p build\ndocker cp x:/out/app './build/$app'");
    const found = errors({ 'build.sh': sh, Dockerfile: 'FROM alpine:3.19\nCOPY build/ /srv/\n' });
    expect(found.codes).toEqual(['PATH_NEEDS_QUOTING']);
    expect(found.plan.setups[0]!.diagnostics.find((d) => d.code === 'PATH_NEEDS_QUOTING')!.message).toBe('the name a file lands under in a copied folder "$app" has quotes, $, backslashes or blanks other than spaces, which the tool does not write into a Dockerfile');
  });

  it('with quotes, $, a backslash or a tab are still refused, in either form', () => {
    for (const name of ['my"app', 'my$app', 'my\\app', 'my\tapp']) {
      const sh = SCRIPT.replace('x:/out/app ./app', `'x:/out/${name}' ./app`);
      expect(errors({ 'build.sh': sh, Dockerfile: 'FROM alpine:3.19\nCOPY ["app", "/app"]\n' }).codes, name).toEqual(['PATH_NEEDS_QUOTING']);
    }
  });
});

describe('ownership', () => {
  it('COPY --from gets --chown=0:0, and a line with its own --chown keeps it', () => {
    expect(errors({}).out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /app\n');
    expect(errors({ Dockerfile: 'FROM alpine:3.19\nCOPY --chown=1000:1000 app /app\n' }).out['Dockerfile']).toContain('COPY --chown=1000:1000 --from=builder /out/app /app\n');
  });
});

/**
 * The right code for the right problem: each refusal names what is actually wrong (a missing or
 * unreadable Dockerfile, a tag only known at run time, …), once, in words that are true of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planDir, planFiles } from '../support/plan.js';
import { writeTemp } from '../support/tree.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const SCRIPT = ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', ''].join('\n');
const repo = (over: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': SCRIPT, ...over });

const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
const codes = (plan: Plan) => errors(plan).map((d) => d.code);
const prose = (plan: Plan) => [...plan.diagnostics, ...plan.setups.flatMap((s) => s.diagnostics)].map((d) => `${d.message} ${d.hint ?? ''}`).join('\n') + plan.setups.flatMap((s) => s.notes).join('\n');

/** A repository on disk whose runtime Dockerfile is replaced by `make(dockerfilePath)`. */
function onDisk(make: (dockerfile: string) => void): Plan {
  const dir = writeTemp(repo());
  try {
    const df = path.join(dir, 'Dockerfile');
    fs.rmSync(df);
    make(df);
    return planDir(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the code names the problem', () => {
  it('a builder Dockerfile that does not exist is DOCKERFILE_MISSING, with or without a runtime build found', () => {
    const missing = repo();
    delete (missing as Record<string, string>)['Dockerfile.build'];
    expect(codes(planFiles(missing))).toEqual(['DOCKERFILE_MISSING']);
    // The runtime Dockerfile copies something else: still the missing builder first, then the unused artifact.
    const both = planFiles({ ...missing, Dockerfile: 'FROM alpine:3.19\nCOPY other /other\n', other: 'x' });
    expect(codes(both)).toEqual(['DOCKERFILE_MISSING', 'ARTIFACT_UNUSED']);
    expect(errors(both)[0]!.message).toContain('the builder Dockerfile Dockerfile.build does not exist');
  });

  it('a runtime Dockerfile that does not exist is DOCKERFILE_MISSING at the runtime build, not ARTIFACT_UNUSED', () => {
    const files = repo();
    delete (files as Record<string, string>).Dockerfile;
    const plan = planFiles(files);
    expect(codes(plan)).toEqual(['DOCKERFILE_MISSING']);
    expect(errors(plan)[0]).toMatchObject({ file: 'build.sh', line: 7 });
    expect(errors(plan)[0]!.message).toContain('the runtime Dockerfile Dockerfile does not exist');
  });

  it('a runtime Dockerfile that is a symbolic link is UNSAFE_PATH', () => {
    const plan = onDisk((df) => {
      fs.writeFileSync(`${df}.real`, RUNTIME);
      fs.symlinkSync('Dockerfile.real', df);
    });
    expect(codes(plan)).toEqual(['UNSAFE_PATH']);
    expect(errors(plan)[0]!.message).toContain('symbolic link');
  });

  it('a runtime Dockerfile that is a FIFO, UTF-16 or holds a NUL byte is READ_ERROR', () => {
    const fifo = onDisk((df) => execFileSync('mkfifo', [df]));
    expect(codes(fifo)).toEqual(['READ_ERROR']);
    expect(errors(fifo)[0]!.message).toContain('not a regular file');
    const utf16 = onDisk((df) => fs.writeFileSync(df, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(RUNTIME, 'utf16le')])));
    expect(codes(utf16)).toEqual(['READ_ERROR']);
    expect(errors(utf16)[0]!.message).toContain('cannot be read as text');
    const nul = onDisk((df) => fs.writeFileSync(df, `FROM alpine:3.19\n\0COPY app /usr/local/bin/app\n`));
    expect(codes(nul)).toEqual(['READ_ERROR']);
  });

  it('a Make $(TAG) expanded anew at each use on the builder build is DYNAMIC_IMAGE, and so is a shell tag read differently each time', () => {
    const make = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Makefile: 'TAG = app-$(shell date +%s)\nbuild:\n\tdocker build -t $(TAG) -f Dockerfile.build .\n\tdocker create --name x $(TAG)\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n' });
    expect(codes(make)).toEqual(['DYNAMIC_IMAGE']);
    expect(errors(make)[0]!.message).toContain('only known at run time');
    const sh = planFiles(repo({ 'build.sh': SCRIPT.replaceAll('app:build', '"app-$(date +%s)"') }));
    expect(codes(sh)).toEqual(['DYNAMIC_IMAGE']);
    expect(errors(sh)[0]!.message).toContain('may differ each time');
    // The same expansion at the build and the create, with no assignment between: the setup migrates.
    const same = planFiles(repo({ 'build.sh': SCRIPT.replaceAll('app:build', '"$TAG"') }));
    expect(same.setups[0]!.status).toBe('migrate');
    // A variable assigned a literal is known: the setup migrates.
    const known = planFiles(repo({ 'build.sh': SCRIPT.replace('set -e', 'set -e\nTAG=app:build').replaceAll('app:build -f', '$TAG -f').replace('x app:build', 'x $TAG') }));
    expect(known.setups[0]!.status).toBe('migrate');
  });

  it('one line for every -e variable only known at run time, not one per variable', () => {
    const plan = planFiles(repo({ 'build.sh': SCRIPT.replace('docker create --name x app:build', 'docker run --name x -e A=$A -e B=$B -e C=$C app:build go build -o /out/app .') }));
    const atRun = errors(plan).filter((d) => d.code === 'BUILD_AT_RUN_TIME');
    expect(atRun).toHaveLength(1);
    expect(atRun[0]!.message).toBe('the environment `A=$A`, `B=$B`, `C=$C` given to the builder are only known at run time');
  });

  it('"only known at run time" only when it is: a build from standard input or a URL says so', () => {
    const stdin = planFiles(repo({ 'build.sh': SCRIPT.replace('docker build -t app:latest .', 'docker build -t app:latest - < Dockerfile') }));
    const said = [...stdin.diagnostics, ...stdin.setups.flatMap((s) => s.diagnostics)].filter((d) => d.code === 'DYNAMIC_BUILD_INPUT').map((d) => d.message);
    expect(said.length).toBeGreaterThan(0);
    for (const m of said) expect(m).not.toContain('only known at run time');
    expect(said.join('\n')).toContain('standard input');
    const url = planFiles(repo({ 'build.sh': SCRIPT.replace('docker build -t app:latest .', 'docker build -t app:latest https://example.com/app.git') }));
    const urlSaid = [...url.diagnostics, ...url.setups.flatMap((s) => s.diagnostics)].filter((d) => d.code === 'DYNAMIC_BUILD_INPUT').map((d) => d.message);
    expect(urlSaid.join('\n')).toContain('is not a folder of the repository');
    expect(urlSaid.join('\n')).not.toContain('only known at run time');
    const dynamic = planFiles(repo({ 'build.sh': SCRIPT.replace('docker build -t app:latest .', 'docker build -t app:latest "$CTX"') }));
    expect([...dynamic.diagnostics, ...dynamic.setups.flatMap((s) => s.diagnostics)].filter((d) => d.code === 'DYNAMIC_BUILD_INPUT').map((d) => d.message).join('\n')).toContain('`"$CTX"` is only known at run time');
  });

  it('no "(none)" in any message: an extraction with no artifact copied says what it extracted', () => {
    const plan = planFiles(repo({ Dockerfile: 'FROM alpine:3.19\nCOPY other /other\n', other: 'x' }));
    expect(codes(plan)).toEqual(['ARTIFACT_UNUSED']);
    expect(errors(plan)[0]!.message).toBe('app, extracted from app:build, is not copied into any image built later in this script');
    expect(prose(plan)).not.toContain('(none)');
  });

  it('an extraction into the root folder names what was extracted, not an empty path', () => {
    const into = (cp: string) => errors(planFiles(repo({ Dockerfile: 'FROM alpine:3.19\nCOPY other /other\n', other: 'x', 'build.sh': SCRIPT.replace('docker cp x:/out/app ./app', cp) })));
    expect(into('docker cp x:/out/. .').map((d) => d.message)).toEqual(['everything in /out (copied into the repository\'s root), extracted from app:build, is not copied into any image built later in this script']);
    expect(into('docker cp x:/out/ ./').map((d) => d.message)).toEqual(['out, extracted from app:build, is not copied into any image built later in this script']);
  });
});

describe('no "(none)" in prose', () => {
  it('no source file falls back to the word none inside a message', () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      expect(text, f).not.toMatch(/\|\|\s*'none'|\(none\)/);
    }
  });
});

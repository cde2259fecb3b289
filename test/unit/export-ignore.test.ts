/**
 * An export build writes the host's files before the final build: where the builder stage reads
 * them from the context (`COPY . .`), the merged Dockerfile gets an ignore file of its own that
 * leaves them out, so the final build reuses the export build's compile
 * (src/plan/export-ignore.ts).
 */
import { describe, expect, it } from 'vitest';
import { ignoreRules } from '../../src/plan/ignore-rules.js';
import { applied, planFiles } from '../support/plan.js';

const SCRIPT = (dest = './app', runtimeFile = '') =>
  ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', `docker cp x:/out/app ${dest}`, 'docker rm x', `docker build -t app:latest ${runtimeFile}.`, `sha256sum ${dest} > app.sha256`, ''].join('\n');
const BROAD = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const NARROW = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = (from = 'app') => `FROM alpine:3.19\nCOPY ${from} /usr/local/bin/app\n`;
const tree = (extra: Record<string, string> = {}, builder = BROAD) => ({ 'Dockerfile.build': builder, Dockerfile: RUNTIME(), 'main.go': 'package main\n', 'build.sh': SCRIPT(), ...extra });
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const change = (p: ReturnType<typeof planFiles>, path: string) => p.changes.find((c) => c.path === path);

describe('the exported files left out of the builder stage\'s context', () => {
  it('creates Dockerfile.dockerignore naming the exported file and itself when the builder copies the whole context', () => {
    const p = planFiles(tree());
    expect(codes(p)).toEqual([['migrate']]);
    const c = change(p, 'Dockerfile.dockerignore');
    expect(c).toMatchObject({ action: 'create', before: null, setups: [p.setups[0]!.id] });
    expect(ignoreRules(c!.after!).map((r) => r.pattern)).toEqual(['Dockerfile.dockerignore', 'app']);
    expect(p.setups[0]!.notes.join('\n')).toContain('Dockerfile.dockerignore: app is left out of the merged build\'s context');
    expect(p.setups[0]!.changes).toContain('Dockerfile.dockerignore');
  });

  it('writes nothing when the builder copies only its sources', () => {
    const p = planFiles(tree({}, NARROW));
    expect(codes(p)).toEqual([['migrate']]);
    expect(change(p, 'Dockerfile.dockerignore')).toBeUndefined();
  });

  it('starts a new file with the context\'s .dockerignore rules, which it replaces for the merged Dockerfile', () => {
    const p = planFiles(tree({ '.dockerignore': '# local junk\n*.log\n!keep.log\n' }));
    expect(codes(p)).toEqual([['migrate']]);
    const c = change(p, 'Dockerfile.dockerignore')!;
    expect(c.after).toContain('# local junk\n*.log\n!keep.log\n');
    expect(ignoreRules(c.after!).map((r) => `${r.negated ? '!' : ''}${r.pattern}`)).toEqual(['*.log', '!keep.log', 'Dockerfile.dockerignore', 'app']);
    expect(change(p, '.dockerignore')).toBeUndefined();
  });

  it('adds to the Dockerfile\'s own ignore file, leaving its rules and without a rule for itself (the old builds read it)', () => {
    const p = planFiles(tree({ 'Dockerfile.dockerignore': '*.log', 'Dockerfile.build.dockerignore': '*.log' }));
    expect(codes(p)).toEqual([['migrate']]);
    const c = change(p, 'Dockerfile.dockerignore')!;
    expect(c).toMatchObject({ action: 'update', before: '*.log' });
    expect(c.after!.startsWith('*.log\n')).toBe(true);
    expect(ignoreRules(c.after!).map((r) => r.pattern)).toEqual(['*.log', 'app']);
  });

  it('names the file beside a Dockerfile in a subfolder, its path taken from the context', () => {
    const files: Record<string, string> = { ...tree(), 'docker/Dockerfile': RUNTIME(), 'build.sh': SCRIPT('./app', '-f docker/Dockerfile ') };
    delete files.Dockerfile;
    const p = planFiles(files);
    expect(codes(p)).toEqual([['migrate']]);
    const c = change(p, 'docker/Dockerfile.dockerignore')!;
    expect(ignoreRules(c.after!).map((r) => r.pattern)).toEqual(['docker/Dockerfile.dockerignore', 'app']);
    // What the plan writes is what the builds then read.
    expect(Object.keys(applied(files, p))).toContain('docker/Dockerfile.dockerignore');
  });

  it('refuses a file the repository already holds where the builder reads it', () => {
    const p = planFiles(tree({ app: 'old build\n' }));
    expect(codes(p)).toEqual([['refused', 'ARTIFACT_USED_ON_HOST']]);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')!.message).toContain('the repository already holds it');
  });

  it('refuses a path an ignore rule cannot name exactly', () => {
    const p = planFiles({ ...tree(), Dockerfile: RUNTIME('!app'), 'build.sh': SCRIPT("'./!app'") });
    expect(codes(p)).toEqual([['refused', 'ARTIFACT_USED_ON_HOST']]);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')!.message).toContain('cannot be written as one exactly');
  });
});

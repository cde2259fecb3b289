/**
 * Sibling contexts (builder from src/, runtime from deploy/): the merged build reads their
 * common parent, each file's sources with its folder in front, the final build pointed at
 * the parent with -f naming its Dockerfile; refused where the parent would read other files.
 */
import { describe, expect, it } from 'vitest';
import { siblingsOf } from '../../src/plan/context-siblings.js';
import { applied, planFiles } from '../support/plan.js';

const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f src/Dockerfile.build src\ndocker create --name x app:build\ndocker cp x:/out/app deploy/app\ndocker rm x\ndocker build -t app:latest deploy\nrm -f deploy/app\n';
const repo = (over: Record<string, string> = {}) => ({
  'src/main.go': 'package main\n',
  'src/Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n',
  'deploy/Dockerfile': 'FROM alpine:3.19\nCOPY app.conf /etc/app.conf\nCOPY app /usr/local/bin/app\n',
  'deploy/app.conf': 'x=1\n',
  'build.sh': SCRIPT,
  ...over,
});
const codes = (files: Record<string, string>) => planFiles(files).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('sibling contexts', () => {
  it('finds the common parent of contexts side by side only', () => {
    expect(siblingsOf('src', 'deploy')).toEqual({ parent: '', builderSub: 'src', runtimeSub: 'deploy' });
    expect(siblingsOf('svc/api/build', 'svc/api/image')).toEqual({ parent: 'svc/api', builderSub: 'build', runtimeSub: 'image' });
    expect(siblingsOf('svc', 'svc/image')).toBeNull();
    expect(siblingsOf('', 'deploy')).toBeNull();
    expect(siblingsOf('../src', 'deploy')).toBeNull();
  });

  it('merges with both files\' sources prefixed and the final build reading the parent', () => {
    const files = repo();
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    const out = applied(files, plan);
    expect(out['deploy/Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY src .\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY deploy/app.conf /etc/app.conf\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -f deploy/Dockerfile -t app:latest .\n');
  });

  it('keeps a -f the final build already has, and writes the parent relative to the script\'s folder', () => {
    const files = repo({ 'build.sh': SCRIPT.replace('-t app:latest deploy', '-t app:latest -f deploy/Dockerfile deploy') });
    expect(applied(files, planFiles(files))['build.sh']).toContain('docker build -t app:latest -f deploy/Dockerfile .\n');
  });

  it('refuses where the parent would read other files, or another build still reads the old contexts', () => {
    expect(codes(repo({ 'deploy/.dockerignore': '*.md\n' }))).toContain('CONTEXT_MISMATCH');
    expect(codes(repo({ 'src/.dockerignore': '*.md\n' }))).toContain('CONTEXT_MISMATCH');
    expect(codes(repo({ '.dockerignore': 'docs\n' }))).toContain('CONTEXT_MISMATCH');
    expect(codes(repo({ 'build.sh': SCRIPT.replace('rm -f deploy/app\n', 'rm -f deploy/app\ndocker push app:build\n') }))).toContain('CONTEXT_MISMATCH');
    expect(codes(repo({ 'src/Dockerfile.build': 'FROM golang:1.21\nCOPY ../go.mod .\nRUN go build -o /out/app .\n' }))).toContain('CONTEXT_MISMATCH');
  });
});

/** A shell script starts in the folder its callers run it from (src/analyze/callers.ts). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { runRoot } from '../../src/pipeline.js';
import { entryOf } from '../../src/verify/entry.js';
import { FIXTURES } from '../support/tree.js';

const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f docker/Dockerfile.build docker\ndocker create --name x app:build\ndocker cp x:/out/app docker/app\ndocker rm x\ndocker build -t app:latest docker\n';
const DOCKER = { 'docker/Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', 'docker/Dockerfile': 'FROM alpine:3.19\nCOPY app /app\n' };

function analysed(files: Record<string, string>, quiet: string[] = []) {
  const fs = new MemoryFs({ ...DOCKER, ...files });
  const scripts = Object.keys(files).filter((f) => !quiet.includes(f));
  return analyze(fs, [...Object.keys(DOCKER), ...scripts], undefined, quiet);
}

const codes = (a: ReturnType<typeof analysed>) => a.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('the folder a called script starts in', () => {
  for (const [caller, file, text] of [
    ['a Makefile recipe', 'Makefile', 'image:\n\t./scripts/build.sh\n'],
    ['an npm script', 'package.json', '{"scripts": {"image": "bash scripts/build.sh"}}\n'],
    ['a GitHub Actions step', '.github/workflows/ci.yml', 'jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sh -e ./scripts/build.sh\n'],
    ['another script', 'build-all.sh', '#!/bin/sh\n./scripts/build.sh\n'],
  ] as const) {
    it(`is the root when ${caller} runs it from there, so root-relative paths resolve`, () => {
      const a = analysed({ 'scripts/build.sh': SCRIPT, [file]: text }, [file]);
      expect(a.scripts.get('scripts/build.sh')!.startCwd).toBe('');
      expect(a.setups).toHaveLength(1);
      expect(a.setups[0]!.runtime).not.toBeNull();
      expect(codes(a)).toEqual([]);
    });
  }

  it('is the script\'s own folder when nothing runs it (and its root-relative paths do not resolve)', () => {
    const a = analysed({ 'scripts/build.sh': SCRIPT });
    expect(a.scripts.get('scripts/build.sh')!.startCwd).toBeUndefined();
    expect(codes(a).length).toBeGreaterThan(0);
  });

  it('refuses when callers run it from different folders and its paths depend on it', () => {
    const a = analysed({ 'scripts/build.sh': SCRIPT, Makefile: 'a:\n\t./scripts/build.sh\nb:\n\tcd scripts && ./build.sh\n' }, ['Makefile']);
    expect(codes(a)).toContain('CALLER_FOLDERS_DIFFER');
    expect(a.setups[0]!.diagnostics.find((d) => d.code === 'CALLER_FOLDERS_DIFFER')!.message).toMatch(/Makefile:2 from the root, Makefile:4 from scripts/);
  });

  it('does not refuse different callers when the script moves to a fixed folder first', () => {
    const fixed = SCRIPT.replace('set -e\n', 'set -e\ncd "$(dirname "$0")/.."\n');
    const a = analysed({ 'scripts/build.sh': fixed, Makefile: 'a:\n\t./scripts/build.sh\nb:\n\tcd scripts && ./build.sh\n' }, ['Makefile']);
    expect(codes(a)).toEqual([]);
  });

  it('counts a caller whose folder is not known for every script of that name, and refuses', () => {
    const a = analysed({ 'scripts/build.sh': SCRIPT, Makefile: 'a:\n\t./scripts/build.sh\nb:\n\tcd $(DIR) && ./build.sh\n' }, ['Makefile']);
    expect(codes(a)).toContain('CALLER_FOLDERS_DIFFER');
  });

  it('--verify runs the fixture\'s script from its caller\'s folder; the walker hands the Makefile over though it never says docker', () => {
    const run = runRoot(path.join(FIXTURES, 'caller-working-directory', 'before'), { stageName: 'builder' });
    expect(entryOf(run.analysis.setups[0]!, run.analysis, run.fs)).toMatchObject({ kind: 'process', step: { argv: ['/bin/sh', 'scripts/build.sh'], cwd: '' } });
  });
});

describe('the folder a called JavaScript build script starts in', () => {
  const JS = "const { execSync } = require('child_process');\nexecSync('docker build -t app:build -f docker/Dockerfile.build docker');\nexecSync('docker create --name x app:build');\nexecSync('docker cp x:/out/app docker/app');\nexecSync('docker rm x');\nexecSync('docker build -t app:latest docker');\n";
  for (const [caller, file, text] of [
    ['a Makefile recipe running node', 'Makefile', 'image:\n\tnode tools/build.js\n'],
    ['a Makefile recipe running node with options', 'Makefile', 'image:\n\tnode --require ./env.js tools/build.js\n'],
    ['a shell script running npx tsx', 'build-all.sh', '#!/bin/sh\nnpx --yes tsx tools/build.js\n'],
    ['a GitHub Actions step', '.github/workflows/ci.yml', 'jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: node tools/build.js\n'],
  ] as const) {
    it(`is the root when ${caller} runs it from there, though the script lies in tools/ with no package.json`, () => {
      const a = analysed({ 'tools/build.js': JS, [file]: text }, [file]);
      expect(a.scripts.get('tools/build.js')!.startCwd).toBe('');
      expect(a.setups).toHaveLength(1);
      expect(a.setups[0]!.runtime).not.toBeNull();
      expect(codes(a)).toEqual([]);
    });
  }

  it('is its own folder when nothing runs it, and the folder of a package.json above it', () => {
    expect(codes(analysed({ 'tools/build.js': JS })).length).toBeGreaterThan(0);
    const a = analysed({ 'tools/build.js': JS, 'package.json': '{"name": "x"}\n' }, ['package.json']);
    expect(a.scripts.get('tools/build.js')!.startCwd).toBeUndefined();
    expect(codes(a)).toEqual([]);
  });

  it('refuses when callers run it from different folders', () => {
    const a = analysed({ 'tools/build.js': JS, Makefile: 'a:\n\tnode tools/build.js\nb:\n\tcd tools && node build.js\n' }, ['Makefile']);
    expect(codes(a)).toContain('CALLER_FOLDERS_DIFFER');
  });
});

describe('the folder a called PowerShell script starts in', () => {
  const PS = 'docker build -t app:build -f docker/Dockerfile.build docker\ndocker create --name x app:build\ndocker cp x:/out/app docker/app\ndocker rm x\ndocker build -t app:latest docker\n';
  for (const [caller, file, text] of [
    ['a Makefile recipe running pwsh -File', 'Makefile', 'image:\n\tpwsh -NoProfile -File scripts/build.ps1\n'],
    ['a Makefile recipe running powershell with a policy', 'Makefile', 'image:\n\tpowershell -ExecutionPolicy Bypass scripts/build.ps1\n'],
    ['a GitHub Actions pwsh step running it by its path', '.github/workflows/ci.yml', 'jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: pwsh\n        run: \'& ./scripts/build.ps1\'\n'],
    ['another PowerShell script running it by its Windows path', 'all.ps1', '.\\scripts\\build.ps1\n'],
    // The grammar reads a leading `.` as the dot-source operator and fails on `/` (src/analyze/hosts/powershell.ts).
    ['another PowerShell script running it by its path', 'all.ps1', 'docker ps\n./scripts/build.ps1 -Tag x\nif ($x) { ./scripts/other.ps1 }\n'],
    ['another PowerShell script dot-sourcing it (its scope and folder)', 'all.ps1', '. ./scripts/build.ps1\n'],
    ['another PowerShell script running it by a path without ./', 'all.ps1', 'scripts/build.ps1\n'],
    ['another PowerShell script running it with pwsh', 'all.ps1', 'pwsh ./scripts/build.ps1\n'],
    ['a GitHub Actions pwsh step running it by its path without &', '.github/workflows/ci.yml', 'jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: pwsh\n        run: ./scripts/build.ps1\n'],
  ] as const) {
    it(`is the root when ${caller} runs it from there, not the script's own folder`, () => {
      const a = analysed({ 'scripts/build.ps1': PS, [file]: text }, [file]);
      expect(a.scripts.get('scripts/build.ps1')!.startCwd).toBe('');
      expect(a.setups).toHaveLength(1);
      expect(a.setups[0]!.runtime).not.toBeNull();
      expect(codes(a)).toEqual([]);
    });
  }

  it('is its own folder when nothing runs it; callers in different folders refuse', () => {
    expect(analysed({ 'scripts/build.ps1': PS }).scripts.get('scripts/build.ps1')!.startCwd).toBeUndefined();
    const a = analysed({ 'scripts/build.ps1': PS, Makefile: 'a:\n\tpwsh -File scripts/build.ps1\nb:\n\tcd scripts && pwsh -File build.ps1\n' }, ['Makefile']);
    expect(codes(a)).toContain('CALLER_FOLDERS_DIFFER');
  });

  it('$PSScriptRoot is the script\'s folder, not `.`, when it starts elsewhere', () => {
    const own = 'docker build -t app:build -f "$PSScriptRoot/Dockerfile.build" $PSScriptRoot\n';
    const a = analysed({ 'scripts/build.ps1': own, Makefile: 'image:\n\tpwsh -File scripts/build.ps1\n' }, ['Makefile']);
    const build = a.scripts.get('scripts/build.ps1')!.commands[0]!;
    expect(build.words.at(-1)!.value).not.toBe('.');
  });
});

/**
 * A root is planned in independent parts (src/plan/parts.ts), and with `release` each part's
 * scripts and setups go once it is planned. The plan must not change: every part is planned
 * with the facts of the whole root, including those read from scripts of parts planned and let
 * go before it.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planMigration } from '../../src/plan/index.js';
import { partsOf } from '../../src/plan/parts.js';

const DOCKERFILE = 'FROM alpine:3.19\nCOPY app /usr/local/bin/\nCMD ["app"]\n';
const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const script = (name: string, extra = '') =>
  [
    '#!/bin/sh',
    'set -e',
    `docker build -t acme/${name}:build -f Dockerfile.build .`,
    `docker create --name ${name}-extract acme/${name}:build`,
    `docker cp ${name}-extract:/out/app ./app`,
    `docker rm -f ${name}-extract`,
    `docker build -t acme/${name}:latest .`,
    extra,
    '',
  ].join('\n');

/** One package per name: its own build.sh, Dockerfile.build and Dockerfile. */
function tree(pkgs: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(pkgs)) {
    files[`${name}/build.sh`] = text;
    files[`${name}/Dockerfile.build`] = BUILDER;
    files[`${name}/Dockerfile`] = DOCKERFILE;
    files[`${name}/main.go`] = 'package main\nfunc main() {}\n';
  }
  return files;
}

function planned(files: Record<string, string>, release: boolean) {
  const fs = new MemoryFs(files);
  const analysis = analyze(fs, Object.keys(files).sort());
  const plan = planMigration(analysis, fs, { stageName: 'builder', release });
  return { plan, analysis };
}

describe('planning a root in parts', () => {
  it('setups meet through a script, a Dockerfile or a folder; others are parts of their own', () => {
    const files = tree({ a: script('a'), b: script('b'), c: script('c') });
    // d: two setups in one script; e: a second script in d's folder.
    files['d/build.sh'] = `${script('d1')}${script('d2').replace('#!/bin/sh\n', '')}`;
    files['d/Dockerfile.build'] = BUILDER;
    files['d/Dockerfile'] = DOCKERFILE;
    files['d/other.sh'] = script('e');
    // f builds the runtime Dockerfile of b: the same Dockerfile.
    files['f/build.sh'] = script('f').replace('docker build -t acme/f:latest .', 'docker build -t acme/f:latest -f ../b/Dockerfile .');
    files['f/Dockerfile.build'] = BUILDER;
    const fs = new MemoryFs(files);
    const analysis = analyze(fs, Object.keys(files).sort());
    const ids = analysis.setups.map((s) => s.script);
    const parts = partsOf(analysis).map((p) => p.map((i) => ids[i]));
    expect(parts).toEqual([['a/build.sh'], ['b/build.sh', 'f/build.sh'], ['c/build.sh'], ['d/build.sh', 'd/build.sh', 'd/other.sh']]);
  });

  it('a part planned after the script naming its builder was let go still keeps that builder', () => {
    // b's script names a's builder Dockerfile outside a build (a linter): a/Dockerfile.build
    // stays. The two setups are separate parts, and b's is planned (and let go) first.
    const files = tree({ b: script('b', 'hadolint ../a/Dockerfile.build'), a: script('a') });
    files['0/build.sh'] = script('z', 'hadolint ../a/Dockerfile.build');
    files['0/Dockerfile.build'] = BUILDER;
    files['0/Dockerfile'] = DOCKERFILE;
    const whole = planned(files, false);
    const parted = planned(files, true);
    expect(partsOf(analyze(new MemoryFs(files), Object.keys(files).sort())).length).toBe(3);
    const a = parted.plan.setups.find((s) => s.script === 'a/build.sh')!;
    expect(a.status).toBe('migrate');
    expect(a.notes.some((n) => n.startsWith('a/Dockerfile.build is kept: `hadolint ../a/Dockerfile.build` (0/build.sh:'))).toBe(true);
    expect(parted.plan.changes.some((c) => c.path === 'a/Dockerfile.build')).toBe(false);
    expect(JSON.stringify(parted.plan)).toBe(JSON.stringify(whole.plan));
  });

  it('with release the plan is the same, and the setups and their scripts are gone from the analysis', () => {
    const files = tree({ a: script('a'), b: script('b'), c: script('c', 'echo done') });
    const whole = planned(files, false);
    const parted = planned(files, true);
    expect(parted.plan.setups.map((s) => s.status)).toEqual(['migrate', 'migrate', 'migrate']);
    expect(parted.plan.changes.length).toBe(9);
    expect(JSON.stringify(parted.plan)).toBe(JSON.stringify(whole.plan));
    expect(whole.analysis.setups.length).toBe(3);
    expect([...whole.analysis.scripts.keys()]).toEqual(['a/build.sh', 'b/build.sh', 'c/build.sh']);
    expect(parted.analysis.setups).toEqual([]);
    expect([...parted.analysis.scripts.keys()]).toEqual([]);
  });
});

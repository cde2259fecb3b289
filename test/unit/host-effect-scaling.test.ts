/**
 * One build.sh driving many setups: the host-effects pass checks every command of the script
 * once per setup, and each check asked what the command does to files again (400 setups: a
 * quarter of the run's CPU in path joins). What a command does to files is its own, whatever the
 * setup: read once per command. Counted, not timed: the readings of the plan, for twice the
 * setups, about twice.
 */
import { describe, expect, it, vi } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planMigration } from '../../src/plan/index.js';

const calls = vi.hoisted(() => ({ effects: 0 }));
vi.mock('../../src/plan/host-commands.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/plan/host-commands.js')>();
  return {
    ...real,
    hostEffect: (...args: Parameters<typeof real.hostEffect>) => {
      calls.effects++;
      return real.hostEffect(...args);
    },
  };
});

function readings(setups: number): number {
  const files: Record<string, string> = {};
  const lines = ['#!/bin/sh', 'set -e'];
  for (let i = 1; i <= setups; i++) {
    files[`svc${i}/Dockerfile.build`] = `FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/svc${i} .\n`;
    files[`svc${i}/Dockerfile`] = `FROM alpine:3.19\nCOPY svc${i} /usr/local/bin/\nCMD ["svc${i}"]\n`;
    files[`svc${i}/main.go`] = 'package main\n\nfunc main() {}\n';
    lines.push(`echo "building svc${i}"`, `docker build -t s${i}:build -f svc${i}/Dockerfile.build svc${i}`, `docker create --name s${i}-x s${i}:build`, `docker cp s${i}-x:/out/svc${i} svc${i}/svc${i}`, `docker rm s${i}-x`, `docker build -t s${i}:latest svc${i}`, `rm -f svc${i}/svc${i}`);
  }
  files['build.sh'] = `${lines.join('\n')}\n`;
  const fs = new MemoryFs(files);
  const analysis = analyze(fs, Object.keys(files).sort());
  calls.effects = 0;
  const plan = planMigration(analysis, fs, { stageName: 'builder', stageNameFixed: false });
  expect(plan.setups.map((s) => s.status)).toEqual(Array(setups).fill('migrate'));
  return calls.effects;
}

describe('planning one build.sh that drives many setups', () => {
  it('works out what each command does to files about once, not once per setup', () => {
    const small = readings(20);
    const large = readings(40);
    expect(large, `${small} readings for 20 setups, ${large} for 40`).toBeLessThanOrEqual(small * 2.3);
  });
});

/**
 * A package.json whose scripts drive many setups (one npm script per image): the plan reads a
 * snippet again only where it edits or checks that snippet (src/analyze/release.ts drops each
 * snippet's reading after the analysis). The check of which command now ends each text read
 * every snippet of the file for every setup, setups × scripts parses: 200 such scripts took
 * 11 s. Counted, not timed: the shell parses of the plan, for twice the setups, about twice.
 */
import { describe, expect, it, vi } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planMigration } from '../../src/plan/index.js';

const calls = vi.hoisted(() => ({ parses: 0 }));
vi.mock('../../src/analyze/shell.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/analyze/shell.js')>();
  return {
    ...real,
    parseShell: (...args: Parameters<typeof real.parseShell>) => {
      calls.parses++;
      return real.parseShell(...args);
    },
  };
});

function parses(setups: number): number {
  const files: Record<string, string> = {};
  const scripts: Record<string, string> = {};
  for (let i = 1; i <= setups; i++) {
    files[`pkg${i}/Dockerfile.build`] = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
    files[`pkg${i}/Dockerfile`] = 'FROM alpine:3.19\nCOPY app /app\nCMD ["/app"]\n';
    scripts[`img${i}`] = `docker build -t a${i}-build -f pkg${i}/Dockerfile.build pkg${i} && docker create --name x${i} a${i}-build && docker cp x${i}:/out/app pkg${i}/app && docker rm x${i} && docker build -t a${i} pkg${i}`;
  }
  files['package.json'] = `${JSON.stringify({ name: 'mono', private: true, scripts }, null, 2)}\n`;
  const fs = new MemoryFs(files);
  const analysis = analyze(fs, Object.keys(files).sort());
  calls.parses = 0;
  const plan = planMigration(analysis, fs, { stageName: 'builder', stageNameFixed: false });
  expect(plan.setups.map((s) => s.status)).toEqual(Array(setups).fill('migrate'));
  return calls.parses;
}

describe('planning one package.json that drives many setups', () => {
  it('reads its scripts again about once per setup, not once per setup and script', () => {
    const small = parses(40);
    const large = parses(80);
    expect(large, `${small} parses for 40 setups, ${large} for 80`).toBeLessThanOrEqual(small * 2.3);
  });
});

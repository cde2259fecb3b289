/**
 * Every scan of file content must be linear: a quadratic one turns a 280 KB inline source map
 * into minutes, and a 2 MiB file (the largest the walker reads) into hours. The CLI runs on
 * repositories whose every file kind is filled with what makes a careless pattern quadratic
 * (bench/adversarial.ts), at 512 KiB and at 2 MiB per file, in the same rounds: its CPU may
 * grow 4× for 4× the bytes, and must stay within GROWTH_LIMIT, the geometric middle between
 * linear (4×) and quadratic (16×): every quadratic scan fails it by a factor of two. A ratio of
 * CPU, not a time: it holds on a slow or busy machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { adversarialRepo } from './adversarial.js';
import { measureAll, type Command, type RssMethod, type Stats } from './measure.js';

export const GROWTH_LIMIT = 8;
const SIZES = [512 * 1024, 2 * 1024 * 1024] as const;

export interface Growth {
  small: Stats;
  large: Stats;
  /** CPU at 2 MiB over CPU at 512 KiB (wall time where CPU cannot be measured). */
  ratio: number;
}

export function measureGrowth(work: string, bin: string, method: RssMethod, runs: number): Growth {
  const commands = SIZES.map((bytes) => {
    const dir = path.join(work, `adversarial-${bytes}`);
    fs.mkdirSync(dir, { recursive: true });
    adversarialRepo(dir, bytes);
    // The setup in build.sh is found and planned: the adversarial bytes were read, not skipped.
    const check = (stdout: string) => {
      const report = JSON.parse(stdout) as { setups: { status: string }[]; diagnostics: { code: string }[] };
      const skipped = report.diagnostics.filter((d) => d.code === 'FILE_SKIPPED' || d.code === 'SHELL_PARSE_ERROR').map((d) => d.code);
      if (report.setups.map((s) => s.status).join() !== 'planned' || skipped.length > 0) throw new Error(`the adversarial repository of ${bytes} bytes per file was not read whole: setups ${report.setups.map((s) => s.status).join(', ') || 'none'}; ${skipped.join(', ') || 'nothing skipped'}`);
    };
    return { label: `adversarial ${bytes}`, c: { cmd: process.execPath, args: [bin, dir, '--dry-run', '--json'], node: true } as Command, check };
  });
  const [small, large] = measureAll(commands, method, runs) as [Stats, Stats];
  const ratio = small.cpuMs !== null && large.cpuMs !== null ? large.cpuMs / small.cpuMs : large.ms / small.ms;
  return { small, large, ratio };
}

export function growthLines(g: Growth): string[] {
  const fig = (s: Stats) => (s.cpuMs === null ? `${(s.ms / 1000).toFixed(2)} s wall` : `${(s.cpuMs / 1000).toFixed(2)} s CPU`);
  return [`adversarial files (bench/adversarial.ts: every file kind, long word runs, quote soup, a many-star .gitignore), medians: 512 KiB per file ${fig(g.small)}, 2 MiB ${fig(g.large)}, growth ×${g.ratio.toFixed(2)} (linear ×4, quadratic ×16)`];
}

export function growthTarget(g: Growth): string {
  return `${g.ratio <= GROWTH_LIMIT ? 'PASS' : 'MISS'}  4× the bytes per adversarial file ≤ ${GROWTH_LIMIT}× the CPU: ×${g.ratio.toFixed(2)}`;
}

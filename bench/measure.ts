/**
 * Runs a command and measures its wall time and peak RSS.
 *
 * Peak RSS: `/usr/bin/time -f %M` (the kernel's maxrss of the child) when it exists; else, for
 * Node children only, bench/rss-probe.mjs preloaded into the child reports
 * process.resourceUsage().maxRSS; other commands (grep, rg) then have no RSS figure.
 * Wall time is taken around the spawn, the same way for every command, so ratios are fair.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const TIME_BIN = '/usr/bin/time';
const PROBE = path.join(import.meta.dirname, 'rss-probe.mjs');

export type RssMethod = 'time' | 'probe';

export function rssMethod(): RssMethod {
  return fs.existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-f', '%M', 'true']).status === 0 ? 'time' : 'probe';
}

export interface Sample {
  ms: number;
  /** Peak resident set size in MiB, or null when it cannot be measured for this command. */
  rssMiB: number | null;
  status: number | null;
  stderr: string;
  /** Standard output, when asked for. */
  stdout?: string;
}

export interface Command {
  cmd: string;
  args: string[];
  cwd?: string;
  /** A Node script (cmd is process.execPath): can be measured by the probe. */
  node?: boolean;
  /** Exit codes that mean success (grep exits 1 when nothing matches). */
  ok?: number[];
}

/** One run; stdout goes to a file (the output is part of the work, a pipe buffer is not). */
export function runOnce(c: Command, method: RssMethod, keepStdout = false): Sample {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-measure-'));
  const rssFile = path.join(tmp, 'rss');
  const outFd = fs.openSync(path.join(tmp, 'stdout'), 'w');
  let cmd = c.cmd;
  let args = c.args;
  const env = { ...process.env, NO_COLOR: '1' };
  if (method === 'time') {
    cmd = TIME_BIN;
    args = ['-f', '%M', '-o', rssFile, c.cmd, ...c.args];
  } else if (c.node) {
    args = ['--import', pathToFileURL(PROBE).href, ...c.args];
    Object.assign(env, { BENCH_RSS_FILE: rssFile });
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: c.cwd, env, stdio: ['ignore', outFd, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(outFd);
  let rssMiB: number | null = null;
  if (fs.existsSync(rssFile)) {
    // `time -o` may write "Command exited with non-zero status N" before the figure.
    const kib = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kib) && kib > 0) rssMiB = kib / 1024;
  }
  const stdout = keepStdout ? fs.readFileSync(path.join(tmp, 'stdout'), 'utf8') : undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
  return { ms, rssMiB, status: r.status, stderr: r.error ? String(r.error) : r.stderr, ...(stdout !== undefined ? { stdout } : {}) };
}

export interface Stats {
  /**
   * Best (lowest) wall time of the runs: other processes can only add time, so on a shared
   * machine the best run is the steadiest estimate of the work itself.
   */
  ms: number;
  medianMs: number;
  /** Highest peak RSS seen over the runs. */
  rssMiB: number | null;
}

/**
 * `runs` rounds of every command, one after the other in each round (so a load spike from
 * other processes hits both sides of a ratio alike), after one warm-up round that is not
 * counted (page cache, lazy compilation) and whose standard output goes to `check`.
 * Throws when a command fails: the bench then failed to run.
 */
export function measureAll(commands: { label: string; c: Command; check?: (stdout: string) => void }[], method: RssMethod, runs: number): Stats[] {
  const samples: Sample[][] = commands.map(() => []);
  for (let round = 0; round <= runs; round++) {
    commands.forEach(({ label, c, check }, k) => {
      const s = runOnce(c, method, round === 0 && check !== undefined);
      if (!(c.ok ?? [0]).includes(s.status ?? -1)) {
        throw new Error(`${label}: \`${[c.cmd, ...c.args].join(' ')}\` exited ${s.status}\n${s.stderr.slice(0, 2000)}`);
      }
      if (round === 0) check?.(s.stdout ?? '');
      else samples[k]!.push(s);
    });
  }
  return samples.map(summarize);
}

export function summarize(samples: Sample[]): Stats {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const rss = samples.map((s) => s.rssMiB).filter((x): x is number => x !== null);
  return { ms: ms[0]!, medianMs: ms[Math.floor(ms.length / 2)]!, rssMiB: rss.length > 0 ? Math.max(...rss) : null };
}

/**
 * Runs a command and measures its wall time, CPU time (user + system) and peak RSS.
 *
 * CPU and peak RSS: `/usr/bin/time -f '%U %S %M'` (the kernel's rusage of the child) when it
 * exists; else, for Node children only, bench/rss-probe.mjs preloaded into the child reports
 * process.resourceUsage(); other commands (rg) then have no CPU or RSS figure.
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
  /** CPU time (user + system, every thread), or null when it cannot be measured for this command. */
  cpuMs: number | null;
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
  /** Exit codes that mean success (rg exits 1 when nothing matches). */
  ok?: number[];
  /** Variables added to the environment. */
  env?: Record<string, string>;
}

/** One run; stdout goes to a file (the output is part of the work, a pipe buffer is not). */
export function runOnce(c: Command, method: RssMethod, keepStdout = false): Sample {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-measure-'));
  const rssFile = path.join(tmp, 'rss');
  const outFd = fs.openSync(path.join(tmp, 'stdout'), 'w');
  let cmd = c.cmd;
  let args = c.args;
  const env = { ...process.env, NO_COLOR: '1', ...c.env };
  if (method === 'time') {
    cmd = TIME_BIN;
    args = ['-f', '%U %S %M', '-o', rssFile, c.cmd, ...c.args];
  } else if (c.node) {
    args = ['--import', pathToFileURL(PROBE).href, ...c.args];
    Object.assign(env, { BENCH_RSS_FILE: rssFile });
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: c.cwd, env, stdio: ['ignore', outFd, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(outFd);
  let rssMiB: number | null = null;
  let cpuMs: number | null = null;
  if (fs.existsSync(rssFile)) {
    // `time -o` may write "Command exited with non-zero status N" before the figures: seconds
    // of user and system CPU, then KiB.
    const [user, sys, kib] = (fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (Number.isFinite(kib) && kib! > 0) rssMiB = kib! / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
  }
  const stdout = keepStdout ? fs.readFileSync(path.join(tmp, 'stdout'), 'utf8') : undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
  return { ms, cpuMs, rssMiB, status: r.status, stderr: r.error ? String(r.error) : r.stderr, ...(stdout !== undefined ? { stdout } : {}) };
}

/** Medians over the runs (a load spike from other processes moves one run, not the median). */
export interface Stats {
  /** Median wall time. */
  ms: number;
  /** Best (lowest) wall time. */
  bestMs: number;
  /** Median CPU time (user + system), null when not measured. */
  cpuMs: number | null;
  /** Median peak RSS, null when not measured. */
  rssMiB: number | null;
  /** Highest peak RSS over the runs. */
  maxRssMiB: number | null;
  runs: number;
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
  const ms = samples.map((s) => s.ms);
  const cpu = samples.map((s) => s.cpuMs).filter((x): x is number => x !== null);
  const rss = samples.map((s) => s.rssMiB).filter((x): x is number => x !== null);
  return {
    ms: median(ms)!,
    bestMs: Math.min(...ms),
    cpuMs: median(cpu),
    rssMiB: median(rss),
    maxRssMiB: rss.length > 0 ? Math.max(...rss) : null,
    runs: samples.length,
  };
}

/** The middle value (the mean of the two middle ones for an even count), null for none. */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

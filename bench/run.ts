/**
 * `npm run bench`: how the CLI scales on a generated monorepo, against a plain text search.
 *
 * For 25%, 50% and 100% of a 2,000-package tree (about 106,000 files, 1,000 builder-pattern
 * setups at 100%), compares `node dist/src/bin.js TREE --dry-run --json` with
 * `rg -l 'docker (container )?cp' TREE` (or `grep -rlE` when rg is missing): best wall time
 * over the runs (median shown too) and peak RSS, as ratios. Then one cold `--dry-run` of the bundled example against
 * `node -e 0`, and the parser's own cost on the largest tree (bench/parser.ts). Prints PASS/MISS per target; exits non-zero only when the bench itself could
 * not run (a command failed, or the CLI did not plan every generated setup).
 *
 * Options: --runs N (measured runs per command, default 3; the cold single-repo run does 4×N,
 * at least 10), --sizes 25,50,100, --keep (leave the trees in the temporary folder),
 * --bin PATH (another build of the CLI; default dist/src/bin.js), --compare PATH (a second
 * build measured in the same runs, interleaved with the first, e.g. main's build before a
 * change: both see the same machine load, so their ratio holds even on a busy machine).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './generate.js';
import { measureAll, rssMethod, type Command, type Stats } from './measure.js';
import { measureParser, parserLines, type ParserCost } from './parser.js';

const REPO = path.resolve(import.meta.dirname, '..');
const DEFAULT_BIN = path.join(REPO, 'dist/src/bin.js');
const EXAMPLE = 'fixtures/href-counter-printed/before'; // relative, run from REPO, as the README shows
const FULL = { packages: 2000, setups: 1000 };
const PATTERN = 'docker (container )?cp';

const TARGETS = { timeRatio: 5, rssMiB: 300, slopeRatio: 1.5, coldMs: 250 };

function main(): number {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '25,50,100' }, keep: { type: 'boolean', default: false }, bin: { type: 'string', default: DEFAULT_BIN }, compare: { type: 'string' } } });
  const COMPARE = values.compare === undefined ? undefined : path.resolve(values.compare);
  const BIN = path.resolve(values.bin);
  const runs = Math.max(1, Number(values.runs));
  const sizes = values.sizes.split(',').map(Number).filter((n) => n > 0 && n <= 100);
  for (const bin of [BIN, COMPARE]) if (bin && !fs.existsSync(bin)) throw new Error(`${bin} is missing: build first (npm run build)`);

  const method = rssMethod();
  const rg = spawnSync('rg', ['--version']).status === 0;
  const baseline = (dir: string): Command =>
    rg ? { cmd: 'rg', args: ['-l', PATTERN, dir], ok: [0, 1] } : { cmd: 'grep', args: ['-rlE', PATTERN, dir], ok: [0, 1] };
  const baseName = rg ? `rg -l '${PATTERN}'` : `grep -rlE '${PATTERN}'`;
  out(`multistage-codemod bench: ${os.cpus().length} CPU(s), Node ${process.version}, ${os.platform()}, load average ${loadavg()} at start`);
  out(`baseline: ${baseName}${rg ? '' : ' (rg not found)'}; peak RSS: ${method === 'time' ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS via bench/rss-probe.mjs (none for the baseline)'}; best (and median) of ${runs} run(s) after a warm-up\n`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-bench-'));
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      const dir = path.join(work, `tree-${size}`);
      const opts = { packages: Math.round((FULL.packages * size) / 100), setups: Math.round((FULL.setups * size) / 100) };
      const t0 = Date.now();
      const g = generate(dir, opts);
      err(`generated ${size}%: ${g.files} files, ${opts.setups} setups in ${((Date.now() - t0) / 1000).toFixed(1)} s; measuring…`);
      const check = (stdout: string) => {
        const report = JSON.parse(stdout) as { setups: { status: string }[] };
        const planned = report.setups.filter((s) => s.status === 'planned').length;
        if (planned !== opts.setups || report.setups.length !== opts.setups) {
          throw new Error(`${size}%: the CLI planned ${planned} of ${report.setups.length} setups; the tree has ${opts.setups}`);
        }
      };
      const sweep = (bin: string) => ({ cmd: process.execPath, args: [bin, dir, '--dry-run', '--json'], node: true });
      const [tool, base, cmp] = measureAll(
        [
          { label: `cli ${size}%`, c: sweep(BIN), check },
          { label: `baseline ${size}%`, c: baseline(dir) },
          ...(COMPARE ? [{ label: `compared cli ${size}%`, c: sweep(COMPARE), check }] : []),
        ],
        method,
        runs,
      );
      rows.push({ size, files: g.files, setups: opts.setups, tool: tool!, base: base!, cmp });
    }
    let parser: ParserCost | undefined;
    let cmpParser: ParserCost | undefined;
    const largest = rows.at(-1);
    if (largest) {
      err('measuring the parser…');
      parser = measureParser(BIN, path.join(work, `tree-${largest.size}`), runs);
      if (COMPARE) cmpParser = measureParser(COMPARE, path.join(work, `tree-${largest.size}`), runs);
    }
    err('measuring the cold single-repo run…');
    const coldRuns = Math.max(10, 4 * runs);
    const single = (bin: string) => ({ cmd: process.execPath, args: [bin, EXAMPLE, '--dry-run'], cwd: REPO, node: true });
    const [cold, bare, cmpCold] = measureAll(
      [
        { label: 'cold --dry-run', c: single(BIN) },
        { label: 'node -e 0', c: { cmd: process.execPath, args: ['-e', '0'], node: true } },
        ...(COMPARE ? [{ label: 'compared cold --dry-run', c: single(COMPARE) }] : []),
      ],
      method,
      coldRuns,
    );
    if (BIN !== DEFAULT_BIN) out(`cli: ${BIN}`);
    report(rows, cold!, bare!, baseName, coldRuns);
    if (parser) out(`\n${parserLines(parser, rows.at(-1)?.tool.ms).join('\n')}`);
    if (COMPARE && cmpCold) compared(COMPARE, rows, cold!, cmpCold, parser, cmpParser);
    // Other processes on a 2-core machine move every figure: say how busy it was.
    out(`\nload average ${loadavg()} at the end (1, 5, 15 min); above ~1 per core the figures are noisy`);
  } finally {
    if (values.keep) err(`trees kept in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

interface Row {
  size: number;
  files: number;
  setups: number;
  tool: Stats;
  base: Stats;
  /** The --compare build, measured in the same runs. */
  cmp?: Stats;
}

/** The --compare build beside the measured one: its figures, and the measured build's as a ratio of them. */
function compared(bin: string, rows: Row[], cold: Stats, cmpCold: Stats, parser: ParserCost | undefined, cmpParser: ParserCost | undefined): void {
  const r = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
  out(`\ncompared with ${bin} (same runs, interleaved); ratio = this build / that build:`);
  for (const row of rows) {
    if (!row.cmp) continue;
    out(`  ${row.size}%: ${(row.cmp.ms / 1000).toFixed(2)} s, ${row.cmp.rssMiB?.toFixed(0) ?? 'n/a'} MiB   wall ${r(row.tool.ms, row.cmp.ms)}, RSS ${row.tool.rssMiB && row.cmp.rssMiB ? r(row.tool.rssMiB, row.cmp.rssMiB) : 'n/a'}`);
  }
  out(`  cold --dry-run: ${cmpCold.ms.toFixed(0)} ms (${cmpCold.medianMs.toFixed(0)})   ${r(cold.ms, cmpCold.ms)}`);
  if (parser && cmpParser) {
    out(`  ${parserLines(cmpParser, rows.at(-1)?.cmp?.ms).join('\n  ')}`);
    out(`  parser start-up CPU ${r(parser.startup.cpuMs, cmpParser.startup.cpuMs)}, parse CPU ${r(parser.parse.cpuMs, cmpParser.parse.cpuMs)}`);
  }
}

function report(rows: Row[], cold: Stats, bare: Stats, baseName: string, coldRuns: number): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const mib = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} MiB`);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `×${(a / b).toFixed(1)}`);
  const table = [
    ['tree', 'files', 'setups', 'cli wall', '(median)', 'cli RSS', 'baseline wall', '(median)', 'baseline RSS', 'time ratio', 'RSS ratio'],
    ...rows.map((r) => [
      `${r.size}%`, String(r.files), String(r.setups),
      s(r.tool.ms), `(${s(r.tool.medianMs)})`, mib(r.tool.rssMiB),
      s(r.base.ms), `(${s(r.base.medianMs)})`, mib(r.base.rssMiB),
      ratio(r.tool.ms, r.base.ms), ratio(r.tool.rssMiB, r.base.rssMiB),
    ]),
  ];
  const widths = table[0]!.map((_, k) => Math.max(...table.map((row) => row[k]!.length)));
  out(`full plan (--dry-run --json) vs ${baseName}, same tree:`);
  for (const row of table) out(`  ${row.map((c, k) => (k < 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ')}`);
  out(`\nsingle repo, cold --dry-run of ${EXAMPLE}, best (median) of ${coldRuns}:`);
  out(`  cli ${cold.ms.toFixed(0)} ms (${cold.medianMs.toFixed(0)}), ${mib(cold.rssMiB)}   node -e 0 ${bare.ms.toFixed(0)} ms (${bare.medianMs.toFixed(0)}), ${mib(bare.rssMiB)}   ratio ${ratio(cold.ms, bare.ms)}`);

  out('\ntargets:');
  const verdict = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS');
  const full = rows.find((r) => r.size === 100);
  if (full) {
    const t = full.tool.ms / full.base.ms;
    out(`  ${verdict(t <= TARGETS.timeRatio)}  full plan of the 100% tree ≤ ${TARGETS.timeRatio}× the baseline: ×${t.toFixed(1)}`);
  } else out('  n/a   full plan of the 100% tree: not measured (--sizes)');
  const peak = Math.max(...rows.map((r) => r.tool.rssMiB ?? 0));
  out(`  ${verdict(rows.length > 0 && rows.every((r) => r.tool.rssMiB !== null) ? peak <= TARGETS.rssMiB : null)}  peak RSS ≤ ${TARGETS.rssMiB} MiB: ${peak.toFixed(0)} MiB`);
  const by = (p: number) => rows.find((r) => r.size === p);
  const [a, b, c] = [by(25), by(50), by(100)];
  if (a && b && c) {
    // Marginal cost per 25% of the tree, first 25→50 then 50→100%: equal when time grows
    // linearly (fixed start-up cost aside), twice when it grows with the square of the size.
    // And the whole 25→100% growth: under 4× when linear (start-up is paid once).
    const first = b.tool.ms - a.tool.ms;
    const second = (c.tool.ms - b.tool.ms) / 2;
    const sr = second / first;
    const growth = c.tool.ms / a.tool.ms;
    const ok = first > 0 && sr <= TARGETS.slopeRatio && growth <= 4 * 1.1;
    out(`  ${verdict(ok)}  time roughly linear (cost per 25% of the tree from 50→100% ≤ ${TARGETS.slopeRatio}× that from 25→50%, and 25→100% ≤ ×4.4): ×${sr.toFixed(2)}, ×${growth.toFixed(1)}`);
  } else out('  n/a   time roughly linear: needs sizes 25, 50 and 100');
  out(`  ${verdict(cold.ms <= TARGETS.coldMs)}  single-repo cold --dry-run ≤ ${TARGETS.coldMs} ms: ${cold.ms.toFixed(0)} ms`);
}

function loadavg(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`bench failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
}

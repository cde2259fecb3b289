/**
 * `npm run bench`: how the CLI does on a generated monorepo, against ripgrep on the same tree.
 *
 * The 1× tree is 2,000 packages (about 106,000 files, 1,000 builder-pattern setups);
 * `--scale N` also measures N× that tree (N = 10: about a million files). Each tree:
 * `node dist/src/bin.cjs TREE --dry-run --json` against `rg -l 'docker (container )?cp' TREE`,
 * one after the other in every round (so a load spike hits both), medians of the runs (default
 * 5) after a warm-up: wall time, CPU time (user + system) and peak RSS, and their ratios. Then
 * one cold `--dry-run` of the bundled example against `node -e 0`, and the parser's own cost on
 * the 1× tree (bench/parser.ts). Prints PASS/MISS per target and a markdown table for the
 * README, with the machine described. Exits non-zero when the bench could not run: ripgrep
 * missing (it says how to install it), a command failed, or the CLI did not plan every setup.
 *
 * On the 1× tree the CLI also runs with its threads switched from the machine's default
 * (MULTISTAGE_CODEMOD_WORKERS=2 below 3 cores, =1 from 3), in the same rounds: what the walk's
 * worker thread gains or costs on this machine (--no-threads leaves that out).
 *
 * Options: --runs N (measured runs per command, default 5; the cold run does 4×N, at least
 * 10), --cold-only (only the cold run: no trees, no ripgrep), --scale N (also measure the N× tree; 1 measures only the 1× tree), --keep (leave the
 * trees in the temporary folder), --no-shapes (leave out the one-file shapes of bench/shapes.ts: one
 * build.sh or Makefile driving 50 and 200 setups, measured for how the work grows), --no-growth
 * (leave out the adversarial files of bench/growth.ts, whose CPU must grow less than 8× for 4×
 * the bytes), --bin PATH (another build of the CLI; default
 * dist/src/bin.cjs, the package's executable), --compare PATH (a second build measured in the
 * same rounds, e.g. main's build before a change: both see the same machine load, so their
 * ratio holds on a busy machine).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MIN_CORES } from '../src/analyze/thread-count.js';
import { generate } from './generate.js';
import { unbundled } from './bundled.js';
import { machine, ripgrep } from './machine.js';
import { EXAMPLE, measureCold } from './cold.js';
import { measureAll, rssMethod, type Command, type Stats } from './measure.js';
import { measureParser, parserLines, type ParserCost } from './parser.js';
import { markdownTable, targetLines, type TreeRow } from './report.js';
import { generateShape, SHAPES } from './shapes.js';
import { growthLines, growthTarget, measureGrowth } from './growth.js';

const REPO = path.resolve(import.meta.dirname, '..');
/** The package's executable (package.json "bin"), as npx runs it. */
const DEFAULT_BIN = path.join(REPO, 'dist/src/bin.cjs');
const FULL = { packages: 2000, setups: 1000 };
const PATTERN = 'docker (container )?cp';
/** The CLI's threads switched from this machine's default (src/analyze/thread-count.ts: large trees use every core from MIN_CORES cores). */
const OTHER_THREADS = os.availableParallelism() >= MIN_CORES ? { workers: '1', label: 'on one thread' } : { workers: '2', label: 'on two threads (the main thread walks, analysis on two)' };

function main(): number {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, scale: { type: 'string', default: '1' }, keep: { type: 'boolean', default: false }, bin: { type: 'string', default: DEFAULT_BIN }, compare: { type: 'string' }, 'no-threads': { type: 'boolean', default: false }, 'no-shapes': { type: 'boolean', default: false }, 'no-growth': { type: 'boolean', default: false }, 'cold-only': { type: 'boolean', default: false } } });
  const COMPARE = values.compare === undefined ? undefined : path.resolve(values.compare);
  const BIN = path.resolve(values.bin);
  const runs = Math.max(1, Number(values.runs));
  const scale = Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`--scale takes a whole number ≥ 1, not ${values.scale}`);
  for (const bin of [BIN, COMPARE]) if (bin && !fs.existsSync(bin)) throw new Error(`${bin} is missing: build first (npm run build)`);
  // A build that runs unbundled would be measured with a start-up no user has.
  for (const bin of [BIN, COMPARE]) {
    const why = bin ? unbundled(bin) : null;
    if (why) throw new Error(why);
  }

  if (values['cold-only']) return coldOnly(BIN, COMPARE, runs);
  const rg = ripgrep();
  if (!rg) {
    err('The bench compares with ripgrep (`rg`), which is not installed. Install it and run again:\n  Debian/Ubuntu: apt-get install ripgrep\n  Fedora: dnf install ripgrep   macOS: brew install ripgrep   Windows: winget install BurntSushi.ripgrep.MSVC');
    return 1;
  }
  const method = rssMethod();
  const host = machine(rg);
  const baseName = `rg -l '${PATTERN}'`;
  const loadStart = loadavg();
  out(`multistage-codemod bench on ${host.line}; load average ${loadStart} at the start`);
  out(`baseline: ${baseName}; CPU and peak RSS: ${method === 'time' ? "/usr/bin/time -f '%U %S %M'" : 'process.resourceUsage() via bench/rss-probe.mjs (none for the baseline)'}; medians of ${runs} run(s) after a warm-up\n`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-bench-'));
  const rows: TreeRow[] = [];
  try {
    for (const n of scale > 1 ? [1, scale] : [1]) {
      const dir = path.join(work, `tree-${n}x`);
      const opts = { packages: FULL.packages * n, setups: FULL.setups * n };
      const t0 = Date.now();
      const g = generate(dir, opts);
      err(`generated ${n}×: ${g.files} files, ${opts.setups} setups in ${((Date.now() - t0) / 1000).toFixed(1)} s; measuring…`);
      const check = (stdout: string) => {
        const report = JSON.parse(stdout) as { setups: { status: string }[] };
        const planned = report.setups.filter((s) => s.status === 'planned').length;
        if (planned !== opts.setups || report.setups.length !== opts.setups) {
          throw new Error(`${n}×: the CLI planned ${planned} of ${report.setups.length} setups; the tree has ${opts.setups}`);
        }
      };
      const sweep = (bin: string, env?: Record<string, string>): Command => ({ cmd: process.execPath, args: [bin, dir, '--dry-run', '--json'], node: true, ...(env ? { env } : {}) });
      // On the 1× tree, the same build with the walk's worker thread switched the other way
      // from this machine's default: whether the worker pays here.
      const oneThread = n === 1 && !values['no-threads'];
      const [tool, base, ...more] = measureAll(
        [
          { label: `cli ${n}×`, c: sweep(BIN), check },
          { label: `rg ${n}×`, c: { cmd: 'rg', args: ['-l', PATTERN, dir], ok: [0, 1] } },
          ...(oneThread ? [{ label: `cli ${n}× ${OTHER_THREADS.label}`, c: sweep(BIN, { MULTISTAGE_CODEMOD_WORKERS: OTHER_THREADS.workers }), check }] : []),
          ...(COMPARE ? [{ label: `compared cli ${n}×`, c: sweep(COMPARE), check }] : []),
        ],
        method,
        runs,
      );
      const single = oneThread ? more.shift() : undefined;
      const cmp = COMPARE ? more.shift() : undefined;
      rows.push({ scale: n, files: g.files, setups: opts.setups, tool: tool!, base: base!, ...(cmp ? { cmp } : {}), ...(single ? { otherThreads: { ...OTHER_THREADS, stats: single } } : {}) });
      // A million files: measure the next tree with this one gone.
      if (!values.keep && n > 1) fs.rmSync(dir, { recursive: true, force: true });
    }
    err('measuring the parser…');
    const tree1 = path.join(work, 'tree-1x');
    const parser: ParserCost = measureParser(BIN, tree1, runs);
    const cmpParser = COMPARE ? measureParser(COMPARE, tree1, runs) : undefined;
    const shapes = values['no-shapes'] ? [] : measureShapes(work, BIN, method, runs);
    if (!values['no-growth']) err('measuring the adversarial files at 512 KiB and 2 MiB…');
    const growth = values['no-growth'] ? null : measureGrowth(work, BIN, method, runs);
    err('measuring the cold single-repo run…');
    // The code cache (src/code-cache.cts) is made by the warm-up; a first run after installing
    // the package has none, which the run with it turned off measures.
    const { cold, bare, first, cmp: cmpCold, runs: coldRuns } = measureCold(REPO, BIN, COMPARE, runs, method);
    if (BIN !== DEFAULT_BIN) out(`cli: ${BIN}`);
    report(rows, cold, bare, baseName, coldRuns);
    out(`  without the code cache (a first run after installing): cli ${first.ms.toFixed(0)} ms   ratio ×${(first.ms / bare.ms).toFixed(1)}`);
    out(`\n${parserLines(parser, rows[0]?.tool.ms).join('\n')}`);
    if (shapes.length > 0) out(`\n${shapeLines(shapes).join('\n')}`);
    if (growth) out(`\n${growthLines(growth).join('\n')}`);
    if (COMPARE && cmpCold) compared(COMPARE, rows, cold, cmpCold, parser, cmpParser);
    out('\ntargets:');
    for (const line of targetLines(rows, cold, bare)) out(`  ${line}`);
    if (growth) out(`  ${growthTarget(growth)}`);
    // Other processes on a 2-core machine move every figure: say how busy it was.
    const loadEnd = loadavg();
    out(`\nload average ${loadEnd} at the end (1, 5, 15 min); above ~1 per core the figures are noisy`);
    out(`\nfor the README:\n\n${markdownTable(rows, cold, bare, { host, runs, coldRuns, loadStart, loadEnd, baseName, first })}`);
  } finally {
    if (values.keep) err(`trees kept in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

/** The sizes of the one-file shapes (bench/shapes.ts): four times the setups, so linear growth is ×4. */
const SHAPE_SIZES = [50, 200] as const;

interface ShapeRow {
  shape: string;
  small: Stats;
  large: Stats;
}

/** Each one-file shape at both sizes, interleaved in the same rounds (bench/shapes.ts). */
function measureShapes(work: string, bin: string, method: ReturnType<typeof rssMethod>, runs: number): ShapeRow[] {
  err(`measuring one file driving ${SHAPE_SIZES.join(' and ')} setups…`);
  const commands = SHAPES.flatMap((shape) =>
    SHAPE_SIZES.map((n) => {
      const dir = path.join(work, `shape-${shape}-${n}`);
      generateShape(dir, shape, n);
      const check = (stdout: string) => {
        const planned = (JSON.parse(stdout) as { setups: { status: string }[] }).setups.filter((s) => s.status === 'planned').length;
        if (planned !== n) throw new Error(`one ${shape} file driving ${n} setups: the CLI planned ${planned}`);
      };
      return { label: `${shape} ${n}`, c: { cmd: process.execPath, args: [bin, dir, '--dry-run', '--json'], node: true } as Command, check };
    }),
  );
  const stats = measureAll(commands, method, runs);
  return SHAPES.map((shape, k) => ({ shape, small: stats[2 * k]!, large: stats[2 * k + 1]! }));
}

function shapeLines(rows: ShapeRow[]): string[] {
  const [small, large] = SHAPE_SIZES;
  const cpu = (s: Stats) => (s.cpuMs === null ? `${(s.ms / 1000).toFixed(2)} s wall` : `${(s.cpuMs / 1000).toFixed(2)} s CPU`);
  const growth = (r: ShapeRow) => (r.small.cpuMs !== null && r.large.cpuMs !== null ? r.large.cpuMs / r.small.cpuMs : r.large.ms / r.small.ms);
  return [
    `one file driving many setups (bench/shapes.ts: a root build.sh, a root Makefile), ${small} and ${large} setups, medians; linear growth is ×${large / small}:`,
    ...rows.map((r) => `  ${r.shape.padEnd(5)}  ${small}: ${cpu(r.small)}, ${r.small.rssMiB?.toFixed(0) ?? 'n/a'} MiB   ${large}: ${cpu(r.large)}, ${r.large.rssMiB?.toFixed(0) ?? 'n/a'} MiB   growth ×${growth(r).toFixed(1)}`),
  ];
}

/** The --compare build beside the measured one: its figures, and the measured build's as a ratio of them. */
function compared(bin: string, rows: TreeRow[], cold: Stats, cmpCold: Stats, parser: ParserCost, cmpParser: ParserCost | undefined): void {
  const r = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
  out(`\ncompared with ${bin} (same rounds); ratio = this build / that build:`);
  for (const row of rows) {
    if (!row.cmp) continue;
    out(`  ${row.scale}×: ${(row.cmp.ms / 1000).toFixed(2)} s, ${row.cmp.rssMiB?.toFixed(0) ?? 'n/a'} MiB   wall ${r(row.tool.ms, row.cmp.ms)}, RSS ${row.tool.rssMiB && row.cmp.rssMiB ? r(row.tool.rssMiB, row.cmp.rssMiB) : 'n/a'}`);
  }
  out(`  cold --dry-run: ${cmpCold.ms.toFixed(0)} ms   ${r(cold.ms, cmpCold.ms)}`);
  if (cmpParser) {
    out(`  ${parserLines(cmpParser, rows[0]?.cmp?.ms).join('\n  ')}`);
    out(`  parser start-up CPU ${r(parser.startup.cpuMs, cmpParser.startup.cpuMs)}, parse CPU ${r(parser.parse.cpuMs, cmpParser.parse.cpuMs)}`);
  }
}

/** --cold-only: the cold single-repository run alone (against `node -e 0`, and the compared build's). */
function coldOnly(bin: string, compare: string | undefined, runs: number): number {
  const method = rssMethod();
  const loadStart = loadavg();
  const { cold, bare, first, cmp, runs: coldRuns } = measureCold(REPO, bin, compare, runs, method);
  const line = (label: string, s: Stats) => `  ${label.padEnd(42)} ${s.ms.toFixed(1).padStart(7)} ms wall  ×${(s.ms / bare.ms).toFixed(2)}   CPU ${s.cpuMs?.toFixed(1) ?? 'n/a'} ms${s.cpuMs !== null && bare.cpuMs !== null ? `  ×${(s.cpuMs / bare.cpuMs).toFixed(2)}` : ''}`;
  out(`cold --dry-run of ${EXAMPLE}, medians of ${coldRuns} after a warm-up, interleaved; load average ${loadStart} at the start, ${loadavg()} at the end`);
  out(line('node -e 0', bare));
  out(line(bin, cold));
  out(line('the same without the code cache', first));
  if (cmp) out(`${line(compare!, cmp)}
  this build / that build: wall ×${(cold.ms / cmp.ms).toFixed(3)}${cold.cpuMs !== null && cmp.cpuMs !== null ? `, CPU ×${(cold.cpuMs / cmp.cpuMs).toFixed(3)}` : ''}`);
  for (const l of targetLines([], cold, bare)) out(`  ${l}`);
  return 0;
}

function report(rows: TreeRow[], cold: Stats, bare: Stats, baseName: string, coldRuns: number): void {
  const s = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  const mib = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} MiB`);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `×${(a / b).toFixed(1)}`);
  const table = [
    ['tree', 'files', 'setups', 'cli wall', 'CPU', 'peak RSS', 'rg wall', 'CPU', 'peak RSS', 'wall ratio', 'CPU ratio', 'RSS ratio'],
    ...rows.map((r) => [
      `${r.scale}×`, String(r.files), String(r.setups),
      s(r.tool.ms), s(r.tool.cpuMs), mib(r.tool.rssMiB),
      s(r.base.ms), s(r.base.cpuMs), mib(r.base.rssMiB),
      ratio(r.tool.ms, r.base.ms), ratio(r.tool.cpuMs, r.base.cpuMs), ratio(r.tool.rssMiB, r.base.rssMiB),
    ]),
  ];
  const widths = table[0]!.map((_, k) => Math.max(...table.map((row) => row[k]!.length)));
  out(`whole tree (--dry-run --json) vs ${baseName}, same tree, medians:`);
  for (const row of table) out(`  ${row.map((c, k) => (k < 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ')}`);
  for (const r of rows.filter((x) => x.otherThreads)) {
    const t = r.otherThreads!;
    out(`\nthreads on the ${r.scale}× tree (${os.availableParallelism()} CPU(s)): by default ${s(r.tool.ms)}, CPU ${s(r.tool.cpuMs)}, ${mib(r.tool.rssMiB)}; ${t.label} (MULTISTAGE_CODEMOD_WORKERS=${t.workers}) ${s(t.stats.ms)}, CPU ${s(t.stats.cpuMs)}, ${mib(t.stats.rssMiB)}: wall ×${(t.stats.ms / r.tool.ms).toFixed(2)}, CPU ${ratio2(t.stats.cpuMs, r.tool.cpuMs)}, RSS ${ratio2(t.stats.rssMiB, r.tool.rssMiB)} of the default's`);
  }
  out(`\nsingle repo, cold --dry-run of ${EXAMPLE}, medians of ${coldRuns}:`);
  out(`  cli ${cold.ms.toFixed(0)} ms, ${mib(cold.rssMiB)}   node -e 0 ${bare.ms.toFixed(0)} ms, ${mib(bare.rssMiB)}   ratio ${ratio(cold.ms, bare.ms)}`);
}

function ratio2(a: number | null, b: number | null): string {
  return a === null || b === null ? 'n/a' : `×${(a / b).toFixed(2)}`;
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

/** The bench's verdicts on the targets of issue 18, and its table for the README. */
import type { Machine } from './machine.js';
import type { Stats } from './measure.js';

export interface TreeRow {
  /** 1 for the 2,000-package tree, N for N times it. */
  scale: number;
  files: number;
  setups: number;
  tool: Stats;
  base: Stats;
  /** The --compare build, measured in the same rounds. */
  cmp?: Stats;
  /** The same build with its threads switched from the machine's default, in the same rounds. */
  otherThreads?: { workers: string; label: string; stats: Stats };
}

export const TARGETS = {
  /** The whole 1× tree, wall time, against ripgrep's. */
  wallRatio: 3,
  /** Peak RSS of the 1× tree. */
  rssMiB: 250,
  /** N× the tree: time and peak RSS at most this many times N× the 1× figures. */
  growthPerScale: 1.1,
  /** Peak RSS of the N× tree. */
  scaledRssMiB: 400,
  /** Cold single-repo --dry-run against `node -e 0`. */
  coldRatio: 2,
};

const verdict = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS');

export function targetLines(rows: TreeRow[], cold: Stats, bare: Stats): string[] {
  const lines: string[] = [];
  const one = rows.find((r) => r.scale === 1);
  if (one) {
    const t = one.tool.ms / one.base.ms;
    lines.push(`${verdict(t <= TARGETS.wallRatio)}  whole 1× tree ≤ ${TARGETS.wallRatio}× ripgrep's wall time: ×${t.toFixed(2)}`);
    lines.push(`${verdict(one.tool.rssMiB === null ? null : one.tool.rssMiB <= TARGETS.rssMiB)}  peak RSS on the 1× tree ≤ ${TARGETS.rssMiB} MiB: ${one.tool.rssMiB?.toFixed(0) ?? 'n/a'} MiB`);
  }
  for (const big of rows.filter((r) => r.scale > 1)) {
    if (!one) break;
    const n = big.scale;
    const limit = TARGETS.growthPerScale * n;
    const time = big.tool.ms / one.tool.ms;
    lines.push(`${verdict(time <= limit)}  ${n}× tree: time ≤ ${limit.toFixed(1)}× the 1× tree's: ×${time.toFixed(2)}`);
    const rss = big.tool.rssMiB !== null && one.tool.rssMiB !== null ? big.tool.rssMiB / one.tool.rssMiB : null;
    lines.push(`${verdict(rss === null ? null : rss <= limit)}  ${n}× tree: peak RSS ≤ ${limit.toFixed(1)}× the 1× tree's: ${rss === null ? 'n/a' : `×${rss.toFixed(2)}`}`);
    lines.push(`${verdict(big.tool.rssMiB === null ? null : big.tool.rssMiB <= TARGETS.scaledRssMiB)}  ${n}× tree: peak RSS ≤ ${TARGETS.scaledRssMiB} MiB: ${big.tool.rssMiB?.toFixed(0) ?? 'n/a'} MiB`);
  }
  const c = cold.ms / bare.ms;
  lines.push(`${verdict(c <= TARGETS.coldRatio)}  cold single-repo --dry-run ≤ ${TARGETS.coldRatio}× \`node -e 0\`: ×${c.toFixed(2)}`);
  return lines;
}

export interface TableContext {
  host: Machine;
  runs: number;
  coldRuns: number;
  loadStart: string;
  loadEnd: string;
  baseName: string;
  /** The cold run without the code cache: a first run after installing. */
  first: Stats;
}

/** A ready-to-paste markdown paragraph and table: the machine, then a row per tree and the cold run. */
export function markdownTable(rows: TreeRow[], cold: Stats, bare: Stats, ctx: TableContext): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const s = (ms: number | null) => (ms === null ? 'n/a' : ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
  const mib = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} MiB`);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `×${(a / b).toFixed(1)}`);
  const h = ctx.host;
  const date = new Date().toISOString().slice(0, 10);
  return [
    `Measured ${date} on ${h.cpus} CPU(s) (${h.model}), ${h.ramGiB.toFixed(0)} GiB RAM, ${h.system}, ${h.node}, ${h.rg}; load average ${ctx.loadStart.split(' ')[0]} at the start and ${ctx.loadEnd.split(' ')[0]} at the end. Medians of ${ctx.runs} runs after a warm-up (${ctx.coldRuns} for the cold run); the baseline is \`${ctx.baseName}\` over the same tree in the same rounds.`,
    '',
    '| tree | files | setups | multistage-codemod wall | CPU | peak RSS | baseline wall | CPU | wall ratio | CPU ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.flatMap((r) => [
      `| ${r.scale}× | ${n(r.files)} | ${n(r.setups)} | ${s(r.tool.ms)} | ${s(r.tool.cpuMs)} | ${mib(r.tool.rssMiB)} | ${s(r.base.ms)} | ${s(r.base.cpuMs)} | ${ratio(r.tool.ms, r.base.ms)} | ${ratio(r.tool.cpuMs, r.base.cpuMs)} |`,
      ...(r.otherThreads ? [`| ${r.scale}× ${r.otherThreads.label} (\`MULTISTAGE_CODEMOD_WORKERS=${r.otherThreads.workers}\`) | | | ${s(r.otherThreads.stats.ms)} | ${s(r.otherThreads.stats.cpuMs)} | ${mib(r.otherThreads.stats.rssMiB)} | ${s(r.base.ms)} | ${s(r.base.cpuMs)} | ${ratio(r.otherThreads.stats.ms, r.base.ms)} | ${ratio(r.otherThreads.stats.cpuMs, r.base.cpuMs)} |`] : []),
    ]),
    `| cold \`--dry-run\` of the example (against \`node -e 0\`) | | | ${s(cold.ms)} | ${s(cold.cpuMs)} | ${mib(cold.rssMiB)} | ${s(bare.ms)} | ${s(bare.cpuMs)} | ${ratio(cold.ms, bare.ms)} | ${ratio(cold.cpuMs, bare.cpuMs)} |`,
    `| the same without the code cache (a first run after installing) | | | ${s(ctx.first.ms)} | ${s(ctx.first.cpuMs)} | ${mib(ctx.first.rssMiB)} | ${s(bare.ms)} | ${s(bare.cpuMs)} | ${ratio(ctx.first.ms, bare.ms)} | ${ratio(ctx.first.cpuMs, bare.cpuMs)} |`,
    '',
  ].join('\n');
}

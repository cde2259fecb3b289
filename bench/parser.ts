/**
 * The parser's cost in a sweep: bench/parser-cost.mjs run in fresh processes against the
 * build under test (its dist/src/analyze/tree-sitter.js), on a generated tree. Best of `runs`
 * by parse time; start-up is what a run pays before its first parse (loading the parser and
 * both grammars).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface ParserCost {
  files: number;
  bytes: number;
  startup: { ms: number; cpuMs: number };
  parse: { ms: number; cpuMs: number };
}

const PROBE = path.join(import.meta.dirname, 'parser-cost.mjs');

/** `bin` is the CLI's dist/src/bin.js; its tree-sitter module sits beside it. */
export function measureParser(bin: string, tree: string, runs: number): ParserCost {
  const module = path.join(path.dirname(bin), 'analyze', 'tree-sitter.js');
  let best: ParserCost | undefined;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [PROBE, module, tree], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`parser probe failed: ${r.stderr}`);
    const cost = JSON.parse(r.stdout) as ParserCost;
    if (!best || cost.parse.ms < best.parse.ms) best = cost;
  }
  return best!;
}

export function parserLines(cost: ParserCost, sweepMs: number | undefined): string[] {
  const share = sweepMs ? `, ${((100 * (cost.startup.ms + cost.parse.ms)) / sweepMs).toFixed(0)}% of the sweep's wall time` : '';
  return [
    `parser (tree-sitter), every *.sh and Makefile of the tree: ${cost.files} files, ${(cost.bytes / 1024).toFixed(0)} KiB`,
    `  start-up ${cost.startup.ms.toFixed(0)} ms (CPU ${cost.startup.cpuMs.toFixed(0)} ms)   parse ${cost.parse.ms.toFixed(0)} ms (CPU ${cost.parse.cpuMs.toFixed(0)} ms), ${((cost.parse.ms * 1024) / cost.bytes).toFixed(2)} ms/KiB${share}`,
  ];
}

/**
 * The bench's cold single-repository run: `--dry-run` of the bundled example, interleaved with
 * `node -e 0`, with the code cache (made by the warm-up round) and without it (a first run
 * after installing), and a second build's run in the same rounds when one is compared.
 */
import type { Command, RssMethod, Stats } from './measure.js';
import { measureAll } from './measure.js';

/** Relative, run from the repository, as the README shows. */
export const EXAMPLE = 'fixtures/href-counter-printed/before';

export interface ColdStats {
  cold: Stats;
  bare: Stats;
  /** Without the code cache. */
  first: Stats;
  /** The compared build's cold run. */
  cmp?: Stats;
  /** Measured runs of each (4× the bench's, at least 10). */
  runs: number;
}

export function measureCold(repo: string, bin: string, compare: string | undefined, runs: number, method: RssMethod): ColdStats {
  const coldRuns = Math.max(10, 4 * runs);
  const example = (b: string): Command => ({ cmd: process.execPath, args: [b, EXAMPLE, '--dry-run'], cwd: repo, node: true });
  const [cold, bare, first, cmp] = measureAll(
    [
      { label: 'cold --dry-run', c: example(bin) },
      { label: 'node -e 0', c: { cmd: process.execPath, args: ['-e', '0'], node: true } },
      { label: 'cold --dry-run without the code cache', c: { ...example(bin), env: { NODE_DISABLE_COMPILE_CACHE: '1' } } },
      ...(compare ? [{ label: 'compared cold --dry-run', c: example(compare) }] : []),
    ],
    method,
    coldRuns,
  );
  return { cold: cold!, bare: bare!, first: first!, ...(cmp ? { cmp } : {}), runs: coldRuns };
}

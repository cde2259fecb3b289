/**
 * MULTISTAGE_CODEMOD_TIMING=1: how long each phase of a run took, printed on stderr when the
 * run ends (for users with huge trees: which phase to look at, and what --ignore would save).
 * Wall time per phase, summed over roots; the run's total and peak memory at the end.
 */
export const TIMING_ENV = 'MULTISTAGE_CODEMOD_TIMING';

/** The phases in the order a run goes through them. */
export const PHASES = ['discover', 'analyze', 'plan', 'verify', 'review', 'apply'] as const;
export type Phase = (typeof PHASES)[number];

/** Measures phases; `time` runs the work either way, so callers need no second code path. */
export interface PhaseClock {
  time<T>(phase: Phase, work: () => T): T;
  /** Starts measuring a phase (work that is awaited, or spans several statements); call the result to stop. */
  start(phase: Phase): () => void;
  /** A line printed with the times (how a phase ran). */
  note(text: string): void;
}

/** No clock: the work runs as it is. */
export const NO_CLOCK: PhaseClock = { time: (_phase, work) => work(), start: () => () => {}, note: () => {} };

export class PhaseTimes implements PhaseClock {
  private readonly ms = new Map<Phase, number>();
  private readonly notes = new Set<string>();

  time<T>(phase: Phase, work: () => T): T {
    const t0 = performance.now();
    try {
      return work();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  start(phase: Phase): () => void {
    const t0 = performance.now();
    return () => this.add(phase, performance.now() - t0);
  }

  note(text: string): void {
    this.notes.add(text);
  }

  private add(phase: Phase, ms: number): void {
    this.ms.set(phase, (this.ms.get(phase) ?? 0) + ms);
  }

  /** Lines for stderr: each phase that ran (discover…apply), the rest of the run, the total and peak RSS. */
  report(peakRssKiB = process.resourceUsage().maxRSS): string {
    // performance.now() counts from the process's start: module loading is in the total.
    const total = performance.now();
    const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`.padStart(9);
    const rows = PHASES.filter((p) => this.ms.has(p)).map((p) => `  ${p.padEnd(9)}${s(this.ms.get(p)!)}`);
    const other = total - [...this.ms.values()].reduce((a, b) => a + b, 0);
    return [
      `timing (${TIMING_ENV}=1):`,
      ...rows,
      `  ${'other'.padEnd(9)}${s(Math.max(0, other))}  (loading the tool, journal and git checks)`,
      `  ${'total'.padEnd(9)}${s(total)}  peak RSS ${(peakRssKiB / 1024).toFixed(0)} MiB`,
      ...[...this.notes].map((n) => `  ${n}`),
      '',
    ].join('\n');
  }
}

/** A clock when the environment asks for timing, else null. */
export function phaseTimes(env: NodeJS.ProcessEnv): PhaseTimes | null {
  const v = env[TIMING_ENV];
  return v !== undefined && v !== '' && v !== '0' ? new PhaseTimes() : null;
}

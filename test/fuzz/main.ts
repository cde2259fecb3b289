/**
 * The differential fuzzer's command line (`npm run fuzz -- --help` prints USAGE below). Each
 * failing seed is written to DIR/seed-<n>/ and, unless --no-shrink, shrunk to
 * DIR/seed-<n>/minimal/; --replay re-runs such a reproduction without shrinking.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBaseImages } from '../e2e/support/base-images.js';
import { engineForTests } from '../e2e/support/engine-for-tests.js';
import { activeFeatures, FEATURES, generate, LATE_FEATURES, normalize, SHAPES, type Feature, type RepoSpec } from './grammar.js';
import { readSpec, writeReproduction } from './repro.js';
import { isFailure, runSeed, runSeedConfirmed, sameVerdict, verdictLine, type Verdict } from './run-seed.js';
import { shrink } from './shrink.js';

const USAGE = `usage: npm run fuzz -- [options]

Runs seeds of the differential fuzzer on the real engine (each a small builder-pattern
repository, run old and migrated), prints each seed's verdict and a summary, and exits 1 if
any seed failed (2 on a usage error or without an engine).

  --seeds N        how many seeds (default 20)
  --start S        the first seed (default 1)
  --only A,B,…     these seeds only
  --runners R,…    from S on, the first N seeds whose runner is one of R (github, gitlab, js)
  --active F,…     of seeds S … S+N-1, those that draw one of these features off its plainest
  --focus          every other trap of each seed set plain (with --only or --active)
  --solo           every other run-step, later-step, reader, log and image feature plain too
  --out DIR        where failing seeds are written (default fuzz-out/)
  --no-shrink      do not shrink failing seeds
  --replay DIR     re-run a stored reproduction (its spec.json); may be repeated
  -h, --help       this text
`;

function usageError(message: string): never {
  process.stderr.write(`fuzz: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        seeds: { type: 'string', default: '20' },
        start: { type: 'string', default: '1' },
        out: { type: 'string', default: 'fuzz-out' },
        'no-shrink': { type: 'boolean', default: false },
        only: { type: 'string' },
        replay: { type: 'string', multiple: true },
        runners: { type: 'string' },
        active: { type: 'string' },
        focus: { type: 'boolean', default: false },
        solo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
}

const { values } = parse();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
for (const k of ['seeds', 'start'] as const) {
  if (!/^\d+$/.test(values[k])) usageError(`--${k} takes a whole number, not "${values[k]}"`);
}
if (values.only !== undefined && !/^\d+(,\d+)*$/.test(values.only)) usageError(`--only takes seed numbers separated by commas, not "${values.only}"`);

const engine = await engineForTests();
if (!engine) {
  process.stderr.write('fuzz: no container engine on this machine\n');
  process.exit(2);
}
await ensureBaseImages(engine);

const specs: RepoSpec[] = values.replay
  ? values.replay.map(readSpec)
  : values.only
  ? values.only.split(',').map((n) => generate(Number(n))).map((s) => (values.focus ? focused(s) : s)).map((s) => (values.solo && values.active ? solo(s, values.active.split(',') as Feature[]) : s))
  : values.runners
  ? seedsWithRunner(Number(values.start), Number(values.seeds), values.runners.split(','))
  : values.active
  ? seedsWith(Number(values.start), Number(values.seeds), values.active.split(',') as Feature[]).map((s) => (values.focus ? focused(s) : s)).map((s) => (values.solo ? solo(s, values.active!.split(',') as Feature[]) : s))
  : Array.from({ length: Number(values.seeds) }, (_, i) => generate(Number(values.start) + i));

/** The seeds from `start` up to `start + n - 1` that draw one of `features` off its plainest option. */
function seedsWith(start: number, n: number, features: Feature[]): RepoSpec[] {
  const out: RepoSpec[] = [];
  for (let seed = start; seed < start + n; seed++) {
    const spec = generate(seed);
    if (features.some((k) => k in activeFeatures(spec))) out.push(spec);
  }
  return out;
}

/** `spec` with every feature but the shapes and the run-step and later-step ones at its plainest: no other trap to refuse first. */
function focused(spec: RepoSpec): RepoSpec {
  const out: Record<string, unknown> = { ...spec };
  for (const [k, options] of Object.entries(FEATURES) as [Feature, readonly unknown[]][]) if (!SHAPES.has(k) && !LATE_FEATURES.includes(k)) out[k] = options[0];
  return normalize(out as RepoSpec);
}

/** `spec` with every run-step, later-step and reader feature but `features` at its plainest: the drawn shape alone. */
function solo(spec: RepoSpec, features: Feature[]): RepoSpec {
  const out: Record<string, unknown> = { ...spec };
  for (const k of LATE_FEATURES) if (!features.includes(k)) out[k] = FEATURES[k][0];
  return normalize(out as RepoSpec);
}

/** The first `n` seeds from `start` on whose runner is one of `runners`. */
function seedsWithRunner(start: number, n: number, runners: string[]): RepoSpec[] {
  const out: RepoSpec[] = [];
  for (let seed = start; out.length < n; seed++) {
    const spec = generate(seed);
    if (runners.includes(spec.runner)) out.push(spec);
  }
  return out;
}
const counts: Record<string, number> = { identical: 0, refused: 0, ignored: 0, failure: 0, invalid: 0, flaky: 0 };
const started = Date.now();
for (const spec of specs) {
  const t0 = Date.now();
  const verdict = await runSeedConfirmed(engine, spec);
  counts[verdict.kind]! += 1;
  process.stdout.write(`${verdictLine(spec.seed, verdict)} [${((Date.now() - t0) / 1000).toFixed(1)}s]\n`);
  // a flaky seed is not a failure, but what its failing run said is kept for a look later
  if (verdict.kind === 'flaky') process.stdout.write(`${verdict.details.split('\n').map((l) => `  | ${l}`).join('\n')}\n`);
  if (!isFailure(verdict)) continue;
  process.stdout.write(`${verdict.kind === 'failure' || verdict.kind === 'invalid' ? verdict.details : ''}\n`);
  const dir = path.resolve(values.out!, `seed-${spec.seed}`);
  writeReproduction(dir, spec, verdict);
  process.stdout.write(`  reproduction: ${dir}\n`);
  if (values['no-shrink'] || values.replay) continue;
  let last: Verdict = verdict;
  const minimal = await shrink(spec, async (candidate) => {
    const v = await runSeed(engine, candidate);
    if (sameVerdict(v, verdict)) last = v;
    return sameVerdict(v, verdict);
  }, (feature, value) => process.stdout.write(`  shrink: ${feature} → ${JSON.stringify(value)}\n`));
  writeReproduction(path.join(dir, 'minimal'), minimal, last);
  process.stdout.write(`  minimal: ${path.join(dir, 'minimal')} ${JSON.stringify(activeFeatures(minimal))}\n`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
process.stdout.write(`fuzz: ${specs.length} seeds in ${seconds}s: ${counts.identical} identical, ${counts.refused} refused, ${counts.ignored} not found, ${counts.failure} failed, ${counts.invalid} invalid, ${counts.flaky} flaky\n`);
process.exit(counts.failure! + counts.invalid! > 0 ? 1 : 0);

/**
 * Shrinking a failing repository: each feature is moved back towards its plainest option (the
 * order of FEATURES) while the trial still fails the same way, until no single move keeps it
 * failing. What is left is the smallest repository this grammar can write that still shows the
 * failure, ready to become a fixture.
 */
import { FEATURES, normalize, type Feature, type RepoSpec } from './grammar.js';

const same = (a: RepoSpec, b: RepoSpec) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `stillFails(candidate)` runs a trial and says whether it fails as the original did. `onStep`
 * hears about every accepted move. Returns the minimal spec.
 */
export async function shrink(
  spec: RepoSpec,
  stillFails: (candidate: RepoSpec) => Promise<boolean>,
  onStep: (feature: Feature, value: unknown, spec: RepoSpec) => void = () => undefined,
): Promise<RepoSpec> {
  let current = normalize(spec);
  const tried = new Set<string>([JSON.stringify(current)]);
  for (let progress = true; progress; ) {
    progress = false;
    for (const [feature, options] of Object.entries(FEATURES) as [Feature, readonly unknown[]][]) {
      const at = options.indexOf(current[feature] as never);
      for (const option of options.slice(0, Math.max(at, 0))) {
        const candidate = normalize({ ...current, [feature]: option } as RepoSpec);
        const key = JSON.stringify(candidate);
        if (same(candidate, current) || tried.has(key)) continue;
        tried.add(key);
        if (await stillFails(candidate)) {
          current = candidate;
          progress = true;
          onStep(feature, option, current);
          break;
        }
      }
    }
  }
  return current;
}

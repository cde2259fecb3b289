/**
 * Shrinking a failing repository: each feature is moved back towards its plainest option (the
 * order of FEATURES) while the trial still fails the same way, until no single move keeps it
 * failing. What is left is the smallest repository this grammar can write that still shows the
 * failure, ready to become a fixture.
 */
import { FEATURES, normalize, SHAPES, type Feature, type RepoSpec } from './grammar.js';

const same = (a: RepoSpec, b: RepoSpec) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `stillFails(candidate)` runs a trial and says whether it fails as the original did. `onStep`
 * hears about every accepted move. Returns the minimal spec.
 */
export async function shrink(
  spec: RepoSpec,
  stillFails: (candidate: RepoSpec) => Promise<boolean>,
  onStep: (feature: Feature | 'shapes', value: unknown, spec: RepoSpec) => void = () => undefined,
): Promise<RepoSpec> {
  let current = normalize(spec);
  const tried = new Set<string>([JSON.stringify(current)]);
  // Most failures need one or two traps and none of the shapes: try all shapes plain at once first.
  const plainShapes = { ...current } as Record<string, unknown>;
  for (const f of SHAPES) plainShapes[f] = FEATURES[f][0];
  const jump = normalize(plainShapes as RepoSpec);
  if (!same(jump, current)) {
    tried.add(JSON.stringify(jump));
    if (await stillFails(jump)) {
      current = jump;
      onStep('shapes', 'plainest', current);
    }
  }
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

/**
 * The fuzzer's other CI kinds (test/fuzz/ci-flavours.ts): a GitHub runner written as CircleCI or
 * Azure Pipelines, a GitLab one as Bitbucket Pipelines or Travis CI. Each flavour writes a file
 * the product's own job reader (src/verify/jobs) runs, holding every command the GitHub or
 * GitLab rendering held, and `none` writes exactly what that runner wrote before.
 */
import { describe, expect, it } from 'vitest';
import { FEATURES, generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { azureSteps } from '../../src/verify/jobs/azure.js';
import { bitbucketSteps } from '../../src/verify/jobs/bitbucket.js';
import { circleSteps } from '../../src/verify/jobs/circleci.js';
import { travisSteps } from '../../src/verify/jobs/travis.js';
import type { EntryStep } from '../../src/verify/entry.js';

const FILE: Record<string, string> = { circleci: '.circleci/config.yml', azure: 'azure-pipelines.yml', bitbucket: 'bitbucket-pipelines.yml', travis: '.travis.yml' };

function steps(flavour: string, text: string): EntryStep[] | { none: string } {
  if (flavour === 'circleci') return circleSteps(text, 'image');
  if (flavour === 'azure') return azureSteps(text, 'Job', '/repo');
  if (flavour === 'bitbucket') return bitbucketSteps(text, 'step 1');
  return travisSteps(text, 'default');
}

/** The docker command lines a rendering runs (its CI file's text, whatever the kind). */
const dockerLines = (text: string) => [...text.matchAll(/docker [^\n"]*/g)].map((m) => m[0].trim()).sort();

describe('fuzz: the other CI kinds', () => {
  const seeds = Array.from({ length: 400 }, (_, k) => generate(7450 + k)).filter((s) => s.ciFlavour !== 'none');

  it('draws every flavour, each only for the runner it stands for', () => {
    expect(new Set(seeds.map((s) => s.ciFlavour))).toEqual(new Set(FEATURES.ciFlavour.filter((f) => f !== 'none')));
    for (const s of seeds) expect([s.seed, s.runner]).toEqual([s.seed, s.ciFlavour === 'circleci' || s.ciFlavour === 'azure' ? 'github' : 'gitlab']);
  });

  it('writes a job the product runs, with the commands the GitHub or GitLab job had', () => {
    for (const s of seeds) {
      const r = render(s);
      const ci = r.files.find((f) => f.path === FILE[s.ciFlavour]);
      expect(ci, `seed ${s.seed}`).toBeDefined();
      const read = steps(s.ciFlavour, ci!.content);
      expect('none' in read ? read.none : '', `seed ${s.seed}`).toBe('');
      expect((read as EntryStep[]).length).toBeGreaterThan(0);
      const plain = render(normalize({ ...s, ciFlavour: 'none' } as RepoSpec));
      const before = plain.files.find((f) => /\.(github|gitlab)/.test(f.path))!;
      expect(dockerLines(ci!.content), `seed ${s.seed}`).toEqual(dockerLines(before.content));
      expect(r.entry.kind).toBe(s.ciFlavour);
    }
  });

  it('writes what the runner wrote before when the draw is none', () => {
    const s = generate(7451);
    expect(s.ciFlavour).not.toBe('none');
    const plain = render(normalize({ ...s, ciFlavour: 'none' } as RepoSpec));
    expect(plain.entry.kind).toBe(s.runner);
    expect(plain.files.some((f) => f.path === FILE[s.ciFlavour])).toBe(false);
  });
});

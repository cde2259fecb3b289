/**
 * Several rules giving one target a recipe: make runs only the last (src/analyze/hosts/make-overridden.ts),
 * so a setup with steps in any of them is refused (MAKE_RECIPE_OVERRIDDEN).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const STEPS = ['\tdocker build -t app:build -f Dockerfile.build .', '\tdocker create --name x app:build', '\tdocker cp x:/out/app app', '\tdocker rm x'];
const result = (makefile: string[]) => {
  const plan = planFiles({ ...BASE, Makefile: [...makefile, ''].join('\n') });
  return plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.code === 'MAKE_RECIPE_OVERRIDDEN').map((d) => `${d.line} ${d.message}`)]);
};
const HEAD = ['.PHONY: image binary', 'image: binary', '\tdocker build -t app:latest .', '', 'binary:', ...STEPS, ''];

describe('a target with recipes in two rules', () => {
  it('refuses a setup in the recipe make drops for a later one', () => {
    expect(result([...HEAD, 'binary:', '\t@echo done'])).toEqual([
      ['refused', ['6 `binary` gets a recipe from several rules of Makefile (lines 5, 11); make runs only the last ("overriding recipe for target \'binary\'"), so the recipe holding this step (line 5) never runs: make runs the one at line 11']],
    ]);
  });

  it('migrates with one recipe and prerequisites-only rules, double-colon rules, or recipes in exclusive branches', () => {
    expect(result([...HEAD, 'binary: README.md'])).toEqual([['migrate', []]]);
    const dbl = HEAD.map((l) => (l === 'binary:' ? 'binary::' : l));
    expect(result([...dbl, 'binary::', '\t@echo done'])[0]![1]).toEqual([]);
    const cond = ['.PHONY: image binary', 'image: binary', '\tdocker build -t app:latest .', 'ifdef CI', 'binary:', ...STEPS, 'else', 'binary:', ...STEPS, 'endif'];
    expect(result(cond).flatMap((r) => r[1])).toEqual([]);
  });
});

/**
 * A Make rule the migration empties keeps an empty recipe (src/analyze/hosts/make-empty-recipe.ts):
 * left with none, a file target gets a recipe from Make's built-in implicit rules (`app: app.c`
 * compiles app.c on the host with `cc`), and a one-line rule (`binary: ; <setup>`) deleted whole
 * leaves the targets naming it as a prerequisite with no rule to make it.
 */
import { describe, expect, it } from 'vitest';
import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nCOPY app.c /src/app.c\nRUN mkdir -p /out && cp /src/app.c /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'app.c': 'int main(void) { return 0; }\n',
};
const SETUP = ['\tdocker build -t app:build -f Dockerfile.build .', '\tdocker create --name x app:build', '\tdocker cp x:/out/app app', '\tdocker rm x'];

function migrated(makefile: string[]): string {
  const files = { ...BASE, Makefile: [...makefile, ''].join('\n') };
  const p = planFiles(files);
  expect(p.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['migrate', []]]);
  return applied(files, p)['Makefile']!;
}

describe('a Make rule whose whole recipe the migration removes', () => {
  it('keeps an empty recipe for a file target, so no implicit rule (`%: %.c`) makes it', () => {
    const out = migrated(['.PHONY: image', 'image: app', '\tdocker build -t app:latest .', '', 'app: app.c  # the binary', ...SETUP]);
    expect(out).toBe(['.PHONY: image', 'image: app', '\tdocker build -t app:latest .', '', 'app: app.c ;  # the binary', ''].join('\n'));
    // Read again, the rule has a recipe of no line.
    expect(parseMakefile('Makefile', out).script!.commands.map((c) => c.words[0]?.value)).toEqual(['docker']);
  });

  it('leaves a rule .PHONY lists without a recipe, as before (Make looks up no implicit rule for it)', () => {
    const out = migrated(['.PHONY: image binary', 'image: binary', '\tdocker build -t app:latest .', 'binary:', ...SETUP]);
    expect(out).toBe(['.PHONY: image binary', 'image: binary', '\tdocker build -t app:latest .', 'binary:', ''].join('\n'));
  });

  it('keeps a one-line rule and its `;` (`binary: ;`), so `image: binary` still finds a rule', () => {
    const oneLine = 'binary: ; docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app app && docker rm x';
    for (const phony of [[], ['.PHONY: image binary']]) {
      const out = migrated([...phony, 'image: binary ; docker build -t app:latest .', oneLine]);
      expect(out).toBe([...phony, 'image: binary ; docker build -t app:latest .', 'binary: ;', ''].join('\n'));
    }
  });

  it('removes only the emptied lines when some of the recipe stays', () => {
    const out = migrated(['.PHONY: image', 'image: app', '\tdocker build -t app:latest .', 'app: app.c', ...SETUP, '\t@echo built']);
    expect(out).toBe(['.PHONY: image', 'image: app', '\tdocker build -t app:latest .', 'app: app.c', '\t@echo built', ''].join('\n'));
  });
});

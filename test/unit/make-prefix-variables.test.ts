/**
 * Recipe prefixes a variable gives (`Q := @`, `$(Q)docker build …`): Make expands a recipe line
 * before it reads its prefixes, so a leading expansion whose value is only `@`, `-`, `+` and
 * blanks gives prefixes, not shell text (src/analyze/hosts/make-prefix-variables.ts). GNU make
 * 4.3: with `I := -`, `$(I)false` prints "Error 1 (ignored)" and the recipe goes on.
 */
import { describe, expect, it } from 'vitest';
import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { failureIgnored } from '../../src/plan/failure-ignored.js';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const recipe = (p: string) => ['.PHONY: image', 'image:', `\t${p}docker build -t app:build -f Dockerfile.build .`, `\t${p}docker create --name x app:build`, `\t${p}docker cp x:/out/app app`, `\t${p}docker rm x`, `\t${p}docker build -t app:latest .`, ''];
const codes = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

describe('recipe prefixes a variable gives', () => {
  it('reads a leading $(Q) whose value is only prefixes as those prefixes', () => {
    const text = ['Q := @', 'I = -', 'all:', '\t$(Q)docker rm x', '\t$(Q) $(I)docker rm y', '\t@$(Q)docker rm z', '\t$(Q)$(OTHER)docker rm w', ''].join('\n');
    const script = parseMakefile('Makefile', text).script!;
    expect(script.parts.map((p) => p.snippet.shell)).toEqual(['docker rm x', 'docker rm y', 'docker rm z', '${OTHER}docker rm w']);
    const ignored = script.commands.map((c) => failureIgnored(c, script));
    expect(ignored).toEqual([false, true, false, false]);
  });

  it('migrates the Kbuild shape, `$(Q)` on every line, keeping it on the final build', () => {
    const files = { ...BASE, Makefile: ['Q := @', ...recipe('$(Q)')].join('\n') };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan).Makefile).toBe(['Q := @', '.PHONY: image', 'image:', '\t$(Q)docker build -t app:latest .', ''].join('\n'));
  });

  it('reads a `-` it gives as an ignored failure, as a literal one', () => {
    const run = (p: string) => ['.PHONY: image', 'image:', '\tdocker build -t app:build -f Dockerfile.build .', `\t${p}docker run --name x app:build sh -c 'printf x > /out/app'`, '\tdocker cp x:/out/app app', '\tdocker rm x', '\tdocker build -t app:latest .', ''];
    expect(codes({ Makefile: ['I := -', ...run('$(I)')].join('\n') })).toEqual([['refused', ['BUILD_AT_RUN_TIME']]]);
    expect(codes({ Makefile: run('-').join('\n') })).toEqual([['refused', ['BUILD_AT_RUN_TIME']]]);
  });

  it('reads one set under a conditional when every branch gives it prefixes alone (`make V=1` shows the commands)', () => {
    const head = ['ifeq ($(V),1)', '  Q =', 'else', '  Q := @', 'endif'];
    expect(codes({ Makefile: [...head, ...recipe('$(Q)')].join('\n'), 'ci.sh': '#!/bin/sh\nset -e\nmake image V=1\n' })).toEqual([['migrate', []]]);
  });

  it('leaves a value some targets set for themselves, one a branch leaves unset or sets otherwise, or one an include may set, unread', () => {
    const heads = [['Q := @', 'image: Q :='], ['ifndef V', 'Q := @', 'endif'], ['ifeq ($(V),1)', 'Q = echo', 'else', 'Q = @', 'endif'], ['ifeq ($(V),1)', 'Q =', 'else', 'Q = @', 'endif', 'Q += x'], ['Q := @', 'include other.mk']];
    for (const head of heads) {
      expect(codes({ Makefile: [...head, ...recipe('$(Q)')].join('\n'), 'other.mk': '' }), head.join(' ')).toEqual([]);
    }
  });

  it('refuses when a caller gives the variable its own value', () => {
    expect(codes({ Makefile: ['Q := @', ...recipe('$(Q)')].join('\n'), 'ci.sh': '#!/bin/sh\nset -e\nmake image Q=\n' })).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
  });
});

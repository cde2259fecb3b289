import { describe, expect, it } from 'vitest';
import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { planFiles } from '../support/plan.js';

/** The words the shell reads for each recipe line (null: only known at run time). */
function words(makefile: string): (string | null)[][] {
  const { script } = parseMakefile('Makefile', makefile);
  return script!.commands.map((c) => c.words.map((w) => w.value));
}

describe('Make automatic variables', () => {
  it('take their text from a static rule: target, first and all prerequisites, order-only, D and F parts', () => {
    const mk = 'bin/app: main.go go.mod main.go | out\n\techo $@ $< $^ $+ $| $(@D) $(@F) ${<D} $(^F) $*\n';
    expect(words(mk)).toEqual([['echo', 'bin/app', 'main.go', 'main.go', 'go.mod', 'main.go', 'go.mod', 'main.go', 'out', 'bin', 'app', '.', 'main.go', 'go.mod']]);
  });

  it('$(@D) of a target without a folder is .', () => {
    expect(words('app: x\n\tcp x $(@D)/$(@F)\n')).toEqual([['cp', 'x', './app']]);
  });

  it('$* of an explicit rule is empty for a target without a suffix, unknown with one', () => {
    expect(words('bin/app:\n\techo a$*b\n')).toEqual([['echo', 'ab']]);
    expect(words('app.o:\n\techo $*\n')).toEqual([['echo', null]]);
    expect(words('.SUFFIXES: .x\nbin/app:\n\techo $*\n')).toEqual([['echo', null]]);
  });

  it('$@ is unknown when one recipe serves several targets, or for pattern and grouped rules', () => {
    expect(words('a b:\n\techo $@\n')).toEqual([['echo', null]]);
    expect(words('%.o: %.c\n\techo $@ $<\n')).toEqual([['echo', null, null]]);
    expect(words('a &: b\n\techo $@\n')).toEqual([['echo', null]]);
    expect(words('bin/a: bin/%: %.go\n\techo $@ $<\n')).toEqual([['echo', null, null]]);
  });

  it('several targets share prerequisite lists, which stay known', () => {
    expect(words('a b: c d\n\techo $< $^\n')).toEqual([['echo', 'c', 'c', 'd']]);
  });

  it('prerequisites are unknown when other rules add to them, vpath finds them, or an include may', () => {
    expect(words('app: a\napp: b\n\techo $< $^ $@\n')).toEqual([['echo', null, null, 'app']]);
    expect(words('VPATH = src\napp: a\n\techo $<\n')).toEqual([['echo', null]]);
    expect(words('vpath %.go src\napp: a.go\n\techo $<\n')).toEqual([['echo', null]]);
    expect(words('include deps.mk\napp: a\n\techo $^\n')).toEqual([['echo', null]]);
    expect(words('.SECONDEXPANSION:\napp: a\n\techo $<\n')).toEqual([['echo', null]]);
  });

  it('prerequisites that are not literal make the lists unknown', () => {
    expect(words('SRC := a\napp: $(SRC)\n\techo $<\n')).toEqual([['echo', null]]);
    expect(words('app: *.go\n\techo $^\n')).toEqual([['echo', null]]);
  });

  it('$? depends on file times and is never known', () => {
    expect(words('app: a\n\techo $?\n')).toEqual([['echo', null]]);
  });
});

describe('a rule that lists the builder Dockerfile the migration deletes', () => {
  const files = (rule: string) => ({
    'main.go': 'package main\n',
    'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
    Makefile: `BUILDER := Dockerfile.build\nimage: app\n\tdocker build -t final .\n${rule}\n\tdocker build -t b -f Dockerfile.build .\n\tdocker create --name x b\n\tdocker cp x:/out/app app\n\tdocker rm x\n`,
  });

  it('is refused: make would find no rule for it', () => {
    for (const rule of ['app: Dockerfile.build main.go', 'app: main.go | ./Dockerfile.build', 'app: $(BUILDER)']) {
      const plan = planFiles(files(rule));
      expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line]))).toEqual([[['MAKE_PREREQUISITE_REMOVED', 4]]]);
      expect(plan.changes).toEqual([]);
    }
  });

  it('is refused when another Makefile lists it through a relative path; Makefiles that do not name it are no reason', () => {
    const refused = planFiles({ ...files('app: main.go'), 'a/Makefile': 'x: ../main.go\n\tdocker build -t x ..\n', 'b/Makefile': 'y: ../a/../Dockerfile.build\n\tdocker build -t y ..\n' });
    expect(refused.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.file, d.line]))).toEqual([[['MAKE_PREREQUISITE_REMOVED', 'b/Makefile', 1]]]);
    const kept = planFiles({ ...files('app: main.go'), 'a/Makefile': 'x: ../main.go\n\tdocker build -t x ..\n', 'b/Makefile': 'y: ../a/..\n\tdocker build -t y ..\n' });
    expect(kept.setups.map((s) => s.status)).toEqual(['migrate']);
  });

  it('other prerequisites are no reason', () => {
    const plan = planFiles(files('app: main.go'));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  });
});

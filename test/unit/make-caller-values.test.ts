/**
 * What a make run brings to a Makefile that the file alone does not say: `-i` (in MAKEFLAGS set
 * by the file, or on a caller's command line), under which a failing recipe line stops nothing,
 * as under `.IGNORE:` (src/analyze/hosts/make-flags.ts); and a variable a caller sets
 * (`make image BIN=…`, `BIN=… make image` for `BIN ?= …`), which overrides the file's value the
 * migration fixed into the Dockerfile (src/plan/make-overrides.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app && printf y > /out/app2\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const RUN = ['image:', '\tdocker build -t app:build -f Dockerfile.build .', "\tdocker run --name x app:build sh -c 'printf x > /out/app'", '\tdocker cp x:/out/app app', '\tdocker rm x', '\tdocker build -t app:latest .', ''];
const codes = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

describe('make -i: a failing recipe line stops nothing', () => {
  it('refuses a run build under MAKEFLAGS that the Makefile sets with -i, as under .IGNORE', () => {
    for (const flags of ['MAKEFLAGS += -i', 'MAKEFLAGS += --ignore-errors', 'MAKEFLAGS = ik', 'override MAKEFLAGS += -s -i', 'MAKEFLAGS += $(FLAGS)']) {
      expect(codes({ Makefile: [flags, '.PHONY: image', ...RUN].join('\n') }), flags).toEqual([['refused', ['BUILD_AT_RUN_TIME']]]);
    }
  });

  it('refuses it when a caller runs make with -i', () => {
    for (const call of ['make -i image', 'make --ignore-errors image', 'make -ki image', 'MAKEFLAGS=i make image', 'export MAKEFLAGS=i\nmake image']) {
      expect(codes({ Makefile: ['.PHONY: image', ...RUN].join('\n'), 'ci.sh': `#!/bin/sh\nset -e\n${call}\n` }), call).toEqual([['refused', ['BUILD_AT_RUN_TIME']]]);
    }
    // (a CI step's environment)
    const gh = 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n      MAKEFLAGS: -i\n    steps:\n      - uses: actions/checkout@v4\n      - run: make image\n';
    expect(codes({ Makefile: ['.PHONY: image', ...RUN].join('\n'), '.github/workflows/ci.yml': gh })).toEqual([['refused', ['BUILD_AT_RUN_TIME']]]);
  });

  it('migrates under -k, which still ends the failing recipe and exits 2, and without -i', () => {
    expect(codes({ Makefile: ['MAKEFLAGS += -k -j4', '.PHONY: image', ...RUN].join('\n'), 'ci.sh': '#!/bin/sh\nmake -k -C . image\n' })).toEqual([['migrate', []]]);
  });
});

describe('a make run that sets a variable the setup reads', () => {
  const makefile = (head: string[], cp = '\tdocker cp x:$(BIN) app') => [...head, '.PHONY: image', 'image:', '\tdocker build -t app:build -f $(DF) .', '\tdocker create --name x app:build', cp, '\tdocker rm x', '\tdocker build -t $(IMAGE):latest .', '\trm -f app', ''].join('\n');
  const HEAD = ['BIN ?= /out/app', 'DF = Dockerfile.build', 'IMAGE ?= app'];

  it('refuses when a caller sets the artifact path or the builder Dockerfile, as an argument or in its environment', () => {
    for (const call of ['make image BIN=/out/app2', 'BIN=/out/app2 make image', 'export BIN=/out/app2\nmake -e image', 'make image DF=Dockerfile.alt']) {
      expect(codes({ Makefile: makefile(HEAD), 'ci.sh': `#!/bin/sh\nset -e\n${call}\n` }), call).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    }
  });

  it('refuses for every assignment make reads on its command line or in MAKEFLAGS', () => {
    // GNU make 4.3: each of these gives BIN=/out/app2 (or appends to it) over the file's `BIN = /out/app`
    const head = ['BIN = /out/app', 'DF = Dockerfile.build', 'IMAGE ?= app'];
    // (an argument only known at run time may be one: `EXTRA='BIN=/out/app2'`)
    const calls = ['make image $EXTRA', 'make "$TARGET"', 'make image BIN:=/out/app2', 'make image BIN::=/out/app2', 'make image BIN+=2', "make image 'BIN ?= /out/app2'", "make image 'BIN = /out/app2'", "make image 'BIN!=echo /out/app2'", "MAKEFLAGS='BIN=/out/app2' make image", 'make image MAKEFLAGS=BIN=/out/app2', 'export MAKEFLAGS=BIN=/out/app2\nmake image', 'make image MAKEFLAGS="$FLAGS"'];
    for (const call of calls) {
      expect(codes({ Makefile: makefile(head), 'ci.sh': `#!/bin/sh\nset -e\n${call}\n` }), call).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    }
  });

  it("refuses when a CI step's environment sets it (`env:`, GitLab `variables:`, an earlier step's $GITHUB_ENV)", () => {
    const gh = (job: string, steps: string) => `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@v4\n${steps}      - run: make image\n`;
    const files: Record<string, string>[] = [
      { '.github/workflows/ci.yml': gh('    env:\n      BIN: /out/app2\n', '') },
      { '.github/workflows/ci.yml': `on: push\nenv:\n  BIN: /out/app2\n${gh('', '').slice('on: push\n'.length)}` },
      { '.github/workflows/ci.yml': gh('', '      - run: echo "BIN=/out/app2" >> "$GITHUB_ENV"\n') },
      { '.gitlab-ci.yml': 'variables:\n  BIN: /out/app2\nbuild:\n  script:\n    - echo start\n    - make image\n' },
    ];
    for (const f of files) expect(codes({ Makefile: makefile(HEAD), ...f }), Object.values(f)[0]).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    expect(codes({ Makefile: makefile(HEAD), '.github/workflows/ci.yml': gh('    env:\n      OTHER: x\n', '') })).toEqual([['migrate', []]]);
  });

  it("refuses when the caller of a script running make gives it the variable (its environment reaches make)", () => {
    const gh = 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n      BIN: /out/app2\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./ci.sh\n';
    const callers: Record<string, string>[] = [{ '.github/workflows/ci.yml': gh }, { 'release.sh': '#!/bin/sh\nBIN=/out/app2 ./ci.sh\n' }, { 'release.sh': '#!/bin/sh\nexport BIN=/out/app2\nsh run.sh\n', 'run.sh': '#!/bin/sh\n./ci.sh\n' }];
    for (const c of callers) expect(codes({ Makefile: makefile(HEAD), 'ci.sh': '#!/bin/sh\nmake image\n', ...c }), JSON.stringify(c)).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    expect(codes({ Makefile: makefile(HEAD), 'ci.sh': '#!/bin/sh\nmake image\n', 'release.sh': '#!/bin/sh\nOTHER=1 ./ci.sh\n' })).toEqual([['migrate', []]]);
    // (an npm script running make, run by `npm run` from a script or another npm script)
    const npmCallers: Record<string, string>[] = [{ 'release.sh': '#!/bin/sh\nBIN=/out/app2 npm run img\n', 'package.json': '{"scripts":{"img":"make image"}}' }, { 'package.json': '{"scripts":{"img":"make image","ci":"BIN=/out/app2 npm run img"}}' }];
    for (const c of npmCallers) {
      expect(codes({ Makefile: makefile(HEAD), ...c }), JSON.stringify(c)).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    }
    expect(codes({ Makefile: makefile(HEAD), 'package.json': '{"scripts":{"img":"make image","ci":"OTHER=1 npm run img"}}' })).toEqual([['migrate', []]]);
  });

  it('refuses a make run of a file the tool does not read as a make file that includes the Makefile, or with MAKEFILES', () => {
    // GNU make 4.3: `make -f Makefile.ci image` reads BIN = /out/app2 before the Makefile's `BIN ?= /out/app`
    const ci = { 'Makefile.ci': 'BIN = /out/app2\ninclude Makefile\n' };
    for (const call of ['make -f Makefile.ci image', 'make --file=Makefile.ci image', 'make -C . -fMakefile.ci image']) {
      expect(codes({ Makefile: makefile(HEAD), ...ci, 'ci.sh': `#!/bin/sh\n${call}\n` }), call).toEqual([['refused', ['MAKE_INCLUDE']]]);
    }
    expect(codes({ Makefile: makefile(HEAD), 'ci.inc': 'BIN = /out/app2\n', 'ci.sh': '#!/bin/sh\nMAKEFILES=ci.inc make image\n' })).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    // (one that does not include it is another Makefile)
    expect(codes({ Makefile: makefile(HEAD), 'Makefile.ci': 'BIN = /out/app2\nall:\n\ttrue\n', 'ci.sh': '#!/bin/sh\nmake -f Makefile.ci all\n' })).toEqual([['migrate', []]]);
  });

  it("refuses for a recipe's $(MAKE) run setting it, of this Makefile or another", () => {
    const sub = { 'sub/Dockerfile.build': BASE['Dockerfile.build'], 'sub/Dockerfile': BASE.Dockerfile };
    for (const rec of ['$(MAKE) image BIN=/out/app2', '${MAKE} image BIN:=/out/app2', '$(MAKE) -C . image BIN=/out/app2']) {
      expect(codes({ Makefile: `${makefile(HEAD)}release:\n\t${rec}\n` }), rec).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    }
    // (a parent's exported BIN reaches sub's `BIN ?= …`)
    for (const parent of ['all:\n\t$(MAKE) -C sub image BIN=/out/app2\n', 'export BIN = /out/app2\nall:\n\t$(MAKE) -C sub image\n']) {
      expect(codes({ ...sub, 'sub/Makefile': makefile(HEAD), Makefile: parent }), parent).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
    }
  });

  it('migrates a $(MAKE) run of this Makefile that only passes on what the file exports', () => {
    expect(codes({ Makefile: `${makefile(['export BIN = /out/app', 'DF = Dockerfile.build', 'IMAGE ?= app'])}release:\n\t$(MAKE) image\n` })).toEqual([['migrate', []]]);
  });

  it('refuses when the caller sets a variable the path is written with', () => {
    const files = { Makefile: makefile(['OUT = /out', 'BIN = $(OUT)/app', 'DF = Dockerfile.build']), 'ci.sh': '#!/bin/sh\nmake image OUT=/other\n' };
    expect(codes(files)).toEqual([['refused', ['MAKE_VARIABLE_SET_BY_CALLER']]]);
  });

  it('migrates when the caller sets only what stays as written (the runtime tag), or nothing the setup reads', () => {
    for (const call of ['make image IMAGE=ci/app', 'make image OTHER=1']) {
      expect(codes({ Makefile: makefile(HEAD), 'ci.sh': `#!/bin/sh\nset -e\n${call}\n` }), call).toEqual([['migrate', []]]);
    }
  });
});

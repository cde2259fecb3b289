/**
 * `.ONESHELL` (src/analyze/hosts/makefile.ts): GNU make hands each rule's whole recipe to one
 * shell, so a later line starts where the last one ended (its folder, its variables), Make drops
 * a later line's `@`/`-`/`+` prefixes, and only the first line's `-` ignores the recipe's failure.
 * The file is read that way; a setup it holds is refused (MAKE_ONESHELL), and a shape read
 * otherwise by some make versions, or not readable line by line, leaves the file unread.
 */
import { describe, expect, it } from 'vitest';
import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { failureIgnored } from '../../src/plan/failure-ignored.js';
import { planFiles } from '../support/plan.js';
import { MemoryFs } from '../../src/model/fs.js';

const words = (c: { words: { value: string | null }[] }) => c.words.map((w) => w.value).join(' ');

describe('a Makefile under .ONESHELL', () => {
  it('runs each recipe in one shell: a cd and a variable reach the later lines, not the next rule', () => {
    const { script } = parseMakefile('Makefile', '.ONESHELL:\nrel:\n\tcd dist\n\tOUT=app.tgz\n\ttar czf "$$OUT" app\nnext:\n\tsha256sum app\n');
    const tar = script!.commands.find((c) => c.words[0]!.value === 'tar')!;
    expect(tar.cwd).toBe('dist');
    expect(words(tar)).toBe('tar czf app.tgz app');
    expect(script!.commands.find((c) => c.words[0]!.value === 'sha256sum')!.cwd).toBe('');
  });

  it('reads each line alone without it: a cd does not reach the next line', () => {
    const { script } = parseMakefile('Makefile', 'rel:\n\tcd dist\n\ttar czf app.tgz app\n');
    expect(script!.commands.find((c) => c.words[0]!.value === 'tar')!.cwd).toBe('');
  });

  it("drops a later line's prefixes and the blanks among them, which ignore nothing there", () => {
    const { script } = parseMakefile('Makefile', '.ONESHELL:\nclean:\n\t@echo cleaning\n\t@- docker rmi app:build\n');
    const rmi = script!.commands.find((c) => c.words[0]!.value === 'docker')!;
    expect(words(rmi)).toBe('docker rmi app:build');
    expect(failureIgnored(rmi, script!)).toBe(false);
  });

  it("takes the first line's `-` for the whole recipe", () => {
    const { script } = parseMakefile('Makefile', '.ONESHELL:\nclean:\n\t-echo cleaning\n\tdocker rmi app:build\n');
    expect(failureIgnored(script!.commands.find((c) => c.words[0]!.value === 'docker')!, script!)).toBe(true);
  });

  it('is not read when .ONESHELL has prerequisites, is under a conditional, or a shell construct spans lines', () => {
    for (const text of [
      '.ONESHELL: rel\nrel:\n\tdocker build -t app .\n',
      'ifdef ONE\n.ONESHELL:\nendif\nrel:\n\tdocker build -t app .\n',
      '.ONESHELL:\nrel:\n\tif [ -n "$$X" ]; then\n\tdocker build -t app .\n\tfi\n',
      '.ONESHELL:\nrel:\n\tcd dist\nifdef X\n\tcd sub\nendif\n\tdocker build -t app .\n',
    ]) {
      const r = parseMakefile('Makefile', text);
      expect(r.script).toBeNull();
      expect(r.diagnostics.map((d) => d.code)).toContain('SHELL_PARSE_ERROR');
    }
  });

  it('refuses a setup it holds (MAKE_ONESHELL), where it was not found at all before', () => {
    const plan = planFiles({
      Makefile: '.ONESHELL:\nimage:\n\tdocker build -t app:build -f Dockerfile.build .\n\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app .\n',
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app main.go\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'main.go': 'package main\n\nfunc main() {}\n',
    });
    expect(plan.setups).toHaveLength(1);
    expect(plan.setups[0]!.status).toBe('refused');
    expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MAKE_ONESHELL']);
    expect(plan.changes).toEqual([]);
  });
});

describe("another setup's check of a Makefile under .ONESHELL", () => {
  const SETUP = {
    'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/tally .\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY dist/tally /usr/local/bin/tally\n',
    'main.go': 'package main\n\nfunc main() {}\n',
    'build.sh': '#!/bin/sh\nset -e\ndocker build -t tally:build -f Dockerfile.build .\ndocker create --name tally-extract tally:build\nmkdir -p dist\ndocker cp tally-extract:/out/tally dist/tally\ndocker rm tally-extract\ndocker build -t tally:latest .\n',
  };

  it('reads a later line from the folder an earlier one went to: packing dist there keeps the artifact on the host', () => {
    const plan = planFiles({ ...SETUP, Makefile: '.ONESHELL:\nrelease: \n\t./build.sh\n\tcd dist\n\ttar czf ../release.tgz .\n\tdocker push tally:latest\n' });
    const s = plan.setups[0]!;
    expect(s.status).toBe('migrate');
    expect(s.notes.find((n) => n.startsWith('dist/tally is still needed on the host'))).toContain('Makefile:5');
  });
});

describe('.ONESHELL from a make file joined by include (src/analyze/hosts/make-joined.ts)', () => {
  const SETUP = {
    'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY dist/relay /usr/local/bin/relay\n',
    'main.go': 'package main\n\nfunc main() {}\n',
    'build.sh': '#!/bin/sh\nset -e\ndocker build -t relay:build -f Dockerfile.build .\ndocker create --name relay-extract relay:build\nmkdir -p dist\ndocker cp relay-extract:/out/relay dist/relay\ndocker rm relay-extract\ndocker build -t relay:latest .\n',
  };
  const RELEASE = 'release:\n\t./build.sh\n\tcd dist\n\tsha256sum relay > relay.sha256\n';
  const kept = (files: Record<string, string>) => {
    const s = planFiles({ ...SETUP, ...files }).setups[0]!;
    expect(s.status).toBe('migrate');
    return s.notes.find((n) => n.startsWith('dist/relay is still needed on the host')) ?? null;
  };
  const cwdOf = (file: string, files: Record<string, string>) => {
    const { script } = parseMakefile(file, files[file]!, new MemoryFs(files));
    return script!.commands.find((c) => c.words[0]!.value === 'sha256sum')!.cwd;
  };

  it('reads a Makefile as .ONESHELL when a file it includes sets it (and keeps the artifact its later line uses)', () => {
    const files = { Makefile: `include common.mk\n${RELEASE}`, 'common.mk': '.ONESHELL:\n' };
    expect(cwdOf('Makefile', files)).toBe('dist');
    expect(kept(files)).toContain('Makefile:5');
  });

  it('reads an included file as .ONESHELL when the Makefile including it sets it', () => {
    const files = { Makefile: '.ONESHELL:\ninclude release.mk\n', 'release.mk': RELEASE };
    expect(cwdOf('release.mk', files)).toBe('dist');
    expect(kept(files)).toContain('release.mk:4');
  });

  it('follows an include named by a variable with a static value, and nested includes', () => {
    expect(cwdOf('Makefile', { Makefile: `COMMON := mk/common.mk\ninclude $(COMMON)\n${RELEASE}`, 'mk/common.mk': 'include mk/shell.mk\n', 'mk/shell.mk': '.ONESHELL:\n' })).toBe('dist');
  });

  it('does not read a Makefile whose included file sets .ONESHELL in some runs only', () => {
    for (const files of [
      { Makefile: `ifdef ONE\ninclude common.mk\nendif\n${RELEASE}`, 'common.mk': '.ONESHELL:\n' },
      { Makefile: `include common.mk\n${RELEASE}`, 'common.mk': 'ifdef ONE\n.ONESHELL:\nendif\n' },
    ]) {
      const r = parseMakefile('Makefile', files.Makefile, new MemoryFs(files));
      expect(r.script).toBeNull();
      expect(r.diagnostics.map((d) => d.code)).toContain('SHELL_PARSE_ERROR');
    }
  });

  it('keeps reading line by line where an include it cannot resolve may set .ONESHELL, and searches the file as text for what the setup left', () => {
    for (const inc of ['-include config.mk', '-include $(DEPS)', 'include $(wildcard mk/*.mk)']) {
      const files = { Makefile: `${inc}\n${RELEASE}` };
      const { script } = parseMakefile('Makefile', files.Makefile, new MemoryFs(files));
      expect(script!.oneShellUnknown).toContain('cannot resolve');
      expect(kept(files)).toContain('Makefile:5');
    }
  });

  it('leaves a file whose recipes are single lines alone: .ONESHELL would not change their reading', () => {
    const files = { Makefile: '-include $(DEPS)\nrelease:\n\t./build.sh\nsum:\n\tsha256sum relay\n' };
    expect(parseMakefile('Makefile', files.Makefile, new MemoryFs(files)).script!.oneShellUnknown).toBeUndefined();
    expect(kept(files)).toBeNull();
  });

  it('reads a Makefile line by line when the file it includes does not set .ONESHELL', () => {
    const files = { Makefile: `include common.mk\n${RELEASE}`, 'common.mk': 'VERSION := 1\n' };
    expect(cwdOf('Makefile', files)).toBe('');
    expect(parseMakefile('Makefile', files.Makefile, new MemoryFs(files)).script!.oneShellUnknown).toBeUndefined();
  });
});

describe('the shell a Makefile runs its recipes in', () => {
  const SETUP_MK = (shell: string) => `${shell}image:\n\tdocker build -t relay:build -f Dockerfile.build .\n\tdocker create --name relay-x relay:build\n\tdocker cp relay-x:/out/relay ./relay\n\tdocker rm relay-x\n\tdocker build -t relay:latest .\n`;
  const files = (mk: string) => ({ Makefile: mk, 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/relay .\n', Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\n' });

  it('reads recipes as sh when SHELL is sh, bash or dash, by a path or through env', () => {
    for (const shell of ['', 'SHELL := /bin/bash\n', 'SHELL = bash\n', 'SHELL := /usr/bin/env bash\n', 'SHELL ?= /bin/dash\n']) {
      expect(planFiles(files(SETUP_MK(shell))).setups.map((x) => x.status), shell).toEqual(['migrate']);
    }
  });

  it('does not read a Makefile whose recipes run in another shell, or in one only known when make runs', () => {
    for (const shell of ['SHELL := /usr/bin/python3\n', 'SHELL := /bin/zsh\n', 'SHELL := $(shell which bash)\n', 'SHELL += -x\n']) {
      const r = parseMakefile('Makefile', SETUP_MK(shell));
      expect(r.script, shell).toBeNull();
      expect(r.diagnostics[0]!.message).toMatch(/sets SHELL to .*; it was not analysed/);
      expect(planFiles(files(SETUP_MK(shell))).setups).toEqual([]);
    }
  });
});


/**
 * A file's analysis is made compact once analysed (src/analyze/compact-kept.ts): its lists are
 * copied at their length, commands and snippets whose variable maps hold the same entries share
 * one map, and a word's equal spellings one string.
 * Nothing the plan reads may change: the same commands (by identity, they key maps), the same
 * entries in every list, the same variables seen by every command.
 */
import { describe, expect, it } from 'vitest';
import { analyze, readScript } from '../../src/analyze/index.js';
import { expandCompose } from '../../src/analyze/compose.js';
import type { EmbeddedScript } from '../../src/analyze/embedded.js';
import { exactScriptLists, exactSetupLists } from '../../src/analyze/compact-kept.js';
import { MemoryFs } from '../../src/model/fs.js';

const FILES: Record<string, string> = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  Makefile: 'IMAGE = acme/app\n\nall: image\n\nbuilder:\n\tdocker build -t $(IMAGE):build -f Dockerfile.build .\n\nimage: builder\n\tdocker create --name x $(IMAGE):build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t $(IMAGE):latest .\n',
  'svc/build.sh': '#!/bin/sh\necho starting\ndocker build -t svc:build -f Dockerfile.build .\n',
  'svc/Dockerfile.build': 'FROM alpine:3.19\n',
  'tools/push.sh': '#!/bin/sh\ndocker push acme/app:latest\n',
};

describe('a kept analysis made compact', () => {
  const fs = new MemoryFs(FILES);
  const analysis = analyze(fs, Object.keys(FILES).sort());
  const make = analysis.scripts.get('Makefile')! as EmbeddedScript;
  const first = expandCompose(readScript('make', 'Makefile', FILES.Makefile!, fs).script!, fs, []) as EmbeddedScript;

  it('keeps every command, sequence and setup step, with the variables each command sees', () => {
    expect(analysis.setups.map((s) => s.script)).toEqual(['Makefile']);
    expect(make.commands.map((c) => [c.start, c.end])).toEqual(first.commands.map((c) => [c.start, c.end]));
    expect(make.sequences.map((seq) => seq.map((c) => c.index))).toEqual(first.sequences.map((seq) => seq.map((c) => c.index)));
    expect(make.commands.map((c) => [...c.vars])).toEqual(first.commands.map((c) => [...c.vars]));
    // The sequences and the setup hold the script's own commands.
    for (const seq of make.sequences) for (const c of seq) expect(make.commands).toContain(c);
    const s = analysis.setups[0]!;
    for (const c of [s.builder.inv.cmd, ...s.extraction, ...s.cleanup, s.runtime!.inv.cmd]) expect(make.commands).toContain(c);
  });

  it('commands that see the same variables share one map', () => {
    expect(make.commands[0]!.vars.get('IMAGE')).toBe('acme/app');
    expect(new Set(make.commands.map((c) => c.vars)).size).toBe(1);
    // The first reading had a map per snippet.
    expect(new Set(first.commands.map((c) => c.vars)).size).toBeGreaterThan(1);
  });

  it("a snippet's variables share the commands' map, and the snippet reads the same again from it", () => {
    for (const p of make.parts) {
      expect(p.init.vars).toBe(make.commands[0]!.vars);
      expect(p.snippet.vars).toBe(make.commands[0]!.vars);
      // The second reading of a released snippet starts from init: the same commands.
      expect(p.script.commands.map((c) => c.words.map((w) => w.value))).toEqual(first.commands.slice(p.first, p.first + p.count).map((c) => c.words.map((w) => w.value)));
    }
  });

  it("keeps every word's spellings", () => {
    const spell = (s: EmbeddedScript) => s.commands.map((c) => c.words.map((w) => [w.value, w.symbol, w.staticPrefix, w.raw, w.start, w.end]));
    expect(spell(make)).toEqual(spell(first));
  });

  it('commands that see no variables share one empty map, across scripts', () => {
    const svc = readScript('shell', 'svc/build.sh', FILES['svc/build.sh']!, fs).script!;
    const other = readScript('shell', 'tools/push.sh', FILES['tools/push.sh']!, fs).script!;
    expect(svc.commands[0]!.vars).not.toBe(other.commands[0]!.vars);
    exactScriptLists(svc);
    exactScriptLists(other);
    expect(svc.commands[0]!.vars.size).toBe(0);
    expect(svc.commands[0]!.vars).toBe(other.commands[0]!.vars);
  });

  it('copies the lists, not what is in them', () => {
    const read = readScript('make', 'Makefile', FILES.Makefile!, fs).script! as EmbeddedScript;
    const [commands, sequences, parts] = [read.commands, read.sequences, read.parts];
    exactScriptLists(read);
    expect(read.commands).not.toBe(commands);
    expect(read.commands.length).toBe(commands.length);
    read.commands.forEach((c, i) => expect(c).toBe(commands[i]));
    read.sequences.forEach((seq, n) => {
      expect(seq).not.toBe(sequences[n]);
      seq.forEach((c, i) => expect(c).toBe(sequences[n]![i]));
    });
    read.parts.forEach((p, i) => expect(p).toBe(parts[i]));

    const setup = analyze(new MemoryFs(FILES), Object.keys(FILES).sort()).setups[0]!;
    const [extraction, artifacts] = [setup.extraction, setup.artifacts];
    const consumers = artifacts.map((a) => a.consumers);
    exactSetupLists(setup);
    expect(setup.extraction).not.toBe(extraction);
    setup.extraction.forEach((c, i) => expect(c).toBe(extraction[i]));
    setup.artifacts.forEach((a, i) => {
      expect(a).toBe(artifacts[i]);
      expect(a.consumers).not.toBe(consumers[i]);
      expect(a.consumers).toEqual(consumers[i]);
    });
  });

  it('empty kept lists are one frozen array, and full ones keep their entries', () => {
    const svc = readScript('shell', 'svc/build.sh', FILES['svc/build.sh']!, fs).script!;
    const other = readScript('shell', 'tools/push.sh', FILES['tools/push.sh']!, fs).script!;
    exactScriptLists(svc);
    exactScriptLists(other);
    const [echo, build] = svc.commands;
    expect(echo!.redirects).toEqual([]);
    expect(echo!.redirects).toBe(other.commands[0]!.redirects);
    expect(Object.isFrozen(echo!.redirects)).toBe(true);
    // A reader that pushed to a kept empty list fails instead of filling every other one.
    expect(() => (echo!.redirects as unknown[]).push(1)).toThrow(TypeError);
    expect(echo!.redirects).toHaveLength(0);
    // Each invocation and Dockerfile of the analysis: its empty lists shared, the others its own.
    const s = analysis.setups[0]!;
    expect(s.builder.inv.unknownFlags).toBe(s.runtime!.inv.unknownFlags);
    expect(s.builder.inv.flags.map((f) => f.name)).toEqual(['--tag', '--file']);
    const facts = analysis.dockerfiles.get('Dockerfile')!;
    expect(facts.stages[0]!.args).toBe(facts.stages[0]!.volumes);
    expect(facts.copies[0]!.otherFlags).toBe(facts.stages[0]!.args);
    expect(facts.copies.map((c) => c.dest?.value)).toEqual(['/usr/local/bin/app']);
    expect(build!.words.map((w) => w.value)).toEqual(['docker', 'build', '-t', 'svc:build', '-f', 'Dockerfile.build', '.']);
  });

  it("a command's branches: copies at their length, one per list the commands shared, the same branches in them", () => {
    const text = '#!/bin/sh\nif [ -n "$CI" ]; then\n  docker build -t a . && docker push a && docker rmi a\nfi\nmake lint || true\n';
    const read = readScript('shell', 'ci.sh', text, fs).script!;
    const before = read.commands.map((c) => c.branches);
    const branchesOf = (cs: typeof read.commands) => cs.map((c) => c.branches?.map((b) => ({ ...b })));
    const entries = branchesOf(read.commands);
    exactScriptLists(read);
    expect(branchesOf(read.commands)).toEqual(entries);
    read.commands.forEach((c, i) => {
      if (!before[i] || before[i]!.length === 0) return;
      expect(c.branches).not.toBe(before[i]);
      // The branches themselves are kept (a chain member's `after` read by identity of the branch).
      c.branches!.forEach((b, k) => expect(b).toBe(before[i]![k]));
    });
    // Commands that shared one list still share one.
    for (let i = 0; i < read.commands.length; i++) {
      for (let j = 0; j < read.commands.length; j++) {
        if (before[i] && before[i] === before[j]) expect(read.commands[i]!.branches).toBe(read.commands[j]!.branches);
        if (before[i] && before[j] && before[i] !== before[j]) expect(read.commands[i]!.branches).not.toBe(read.commands[j]!.branches);
      }
    }
    expect(read.commands.some((c) => (c.branches?.length ?? 0) > 0)).toBe(true);
  });
});

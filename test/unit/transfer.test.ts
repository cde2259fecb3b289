/**
 * Analyses crossing threads (src/analyze/transfer.ts, traced-dockerfiles.ts): each fixture's
 * files are analysed, packed, structured-cloned as postMessage does, and unpacked; the plan
 * made from what arrived is the plan of the analysis itself, for every fixture. What cloning
 * loses is restored, and nothing a fixture produces fails the packing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeFile, assemble, followCallers, type FileAnalysis } from '../../src/analyze/index.js';
import { mergeDockerfiles, TracedDockerfiles, type DockerfileTrace } from '../../src/analyze/traced-dockerfiles.js';
import { packFacts, packFile, unpackFacts, unpackFile } from '../../src/analyze/transfer.js';
import { NodeRepoFs } from '../../src/discover/node-fs.js';
import { walk } from '../../src/discover/walk.js';
import { cachedInvocation, dockerInvocation } from '../../src/model/docker-command.js';
import { revivable } from '../../src/model/revivable.js';
import { LineIndex } from '../../src/model/text.js';
import { planMigration } from '../../src/plan/index.js';
import { FIXTURES } from '../support/tree.js';

const fixtures = fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, 'before')));

/** Analyses `root` as a worker would (each thread's own cache), sending every file through structuredClone. */
function crossed(root: string, threads: number) {
  const fsys = new NodeRepoFs(root);
  const walked = walk(root, { repoFs: fsys });
  const caches = Array.from({ length: threads }, () => new TracedDockerfiles());
  const analysed = new Map<string, FileAnalysis>();
  const traces = new Map<string, DockerfileTrace>();
  let lazy = 0;
  walked.files.forEach((rel, n) => {
    const cache = caches[n % threads]!;
    // A thread of its own: a fresh file system, so nothing is shared with the main thread's.
    const workerFs = new NodeRepoFs(root);
    cache.begin();
    const a = analyzeFile(workerFs, rel, cache);
    const trace = cache.begin();
    const { packed, restore } = packFile(a);
    const arrived = structuredClone({ packed, stored: trace.stored.map(([k, v]) => [k, packFacts(v)] as const) });
    restore();
    analysed.set(rel, unpackFile(arrived.packed, () => {
      lazy++;
      return analyzeFile(fsys, rel, new Map());
    }));
    traces.set(rel, { used: trace.used, stored: arrived.stored.map(([k, v]) => [k, unpackFacts(v)]) });
  });
  const dockerfiles = mergeDockerfiles(walked.files, traces);
  followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
  const analysis = assemble(walked.files, analysed, dockerfiles, fsys);
  return { analysis, plan: planMigration(analysis, fsys, { stageName: 'builder' }), lazy: () => lazy };
}

describe('analyses crossing threads', () => {
  it('plan as the analysis itself on every fixture, with one, two and three threads', () => {
    let lazy = 0;
    for (const name of fixtures) {
      const root = path.join(FIXTURES, name, 'before');
      const fsys = new NodeRepoFs(root);
      const walked = walk(root, { repoFs: fsys });
      const direct = analyze(fsys, walked.files, undefined, walked.quiet);
      const expected = JSON.stringify(planMigration(direct, fsys, { stageName: 'builder' }));
      for (const threads of [1, 2, 3]) {
        const got = crossed(root, threads);
        expect(JSON.stringify(got.plan), `${name} on ${threads} threads`).toBe(expected);
        // The merged cache holds the same Dockerfiles in the same order.
        expect([...got.analysis.dockerfiles.keys()], name).toEqual([...direct.dockerfiles.keys()]);
        lazy += got.lazy();
      }
    }
    // Encoders of the common hosts cross as recipes: analysing again is the exception.
    expect(lazy).toBeLessThan(fixtures.length);
  }, 180_000); // every fixture planned three ways: about 30 s alone on 2 CPUs, more beside other work

  it('restores prototypes, functions, invocations and Dockerfile instructions', () => {
    const root = path.join(FIXTURES, 'make-automatic-vars', 'before');
    const fsys = new NodeRepoFs(root);
    const cache = new TracedDockerfiles();
    cache.begin();
    const a = analyzeFile(fsys, 'Makefile', cache);
    const trace = cache.begin();
    expect(a.setups.length).toBeGreaterThan(0);
    const cmd = a.setups[0]!.builder.inv.cmd;
    expect(cachedInvocation(cmd)).toBe(a.setups[0]!.builder.inv);
    const { packed, restore } = packFile(a);
    const arrived = structuredClone(packed);
    restore();
    expect(typeof (a.script as unknown as { parts: { snippet: { encode: unknown } }[] }).parts[0]!.snippet.encode).toBe('function');
    const b = unpackFile(arrived, () => {
      throw new Error('a Makefile encoder crosses by recipe');
    });
    const part = (b.script as unknown as { parts: { snippet: { encode: (s: string) => string }; script: { lines: LineIndex } }[] }).parts[0]!;
    expect(part.snippet.encode('echo $HOME')).toBe('echo $$HOME');
    expect(part.script.lines).toBeInstanceOf(LineIndex);
    // The setup still points at its script's own command, whose invocation is the setup's.
    const bcmd = b.setups[0]!.builder.inv.cmd;
    expect(b.script!.commands).toContain(bcmd);
    expect(dockerInvocation(bcmd)).toBe(b.setups[0]!.builder.inv);
    const [key, facts] = trace.stored[0]!;
    const f = unpackFacts(structuredClone(packFacts(facts)))!;
    expect(key).toBe(facts!.path);
    expect(f.lines).toBeInstanceOf(LineIndex);
    expect(f.instructions.map((i) => i.getKeyword())).toEqual(facts!.instructions.map((i) => i.getKeyword()));
    expect(f.instructions).toBe(f.instructions);
  });

  it('a function without a recipe is made by analysing the file again, once, when first called', () => {
    const make = revivable('test.suffix', (suffix: string) => (s: string) => `${s}${suffix}`);
    const fa: FileAnalysis = { rel: 'x.sh', script: null, setups: [], diagnostics: [] };
    const holder = { a: make('!'), b: (s: string) => `${s}?` };
    (fa as unknown as { extra: unknown }).extra = holder;
    const { packed, restore } = packFile(fa);
    const arrived = structuredClone(packed);
    restore();
    expect(holder.b('x')).toBe('x?');
    let again = 0;
    const fresh = { ...fa, extra: { a: make('!'), b: (s: string) => `${s}??` } } as FileAnalysis;
    const b = unpackFile(arrived, () => {
      again++;
      return fresh;
    }) as unknown as { extra: { a: (s: string) => string; b: (s: string) => string } };
    expect(b.extra.a('x')).toBe('x!');
    expect(again).toBe(0);
    expect(b.extra.b('x')).toBe('x??');
    expect(b.extra.b('y')).toBe('y??');
    expect(again).toBe(1);
  });

  it('a value that is no plain data fails the packing (the file is then analysed on the main thread)', () => {
    const fa = { rel: 'x.sh', script: null, setups: [], diagnostics: [], extra: new URL('file:///x') } as unknown as FileAnalysis;
    expect(() => packFile(fa)).toThrow('URL instance cannot cross threads (at extra)');
  });

  it('the merged Dockerfile cache keeps the walk order of first storing, and the last value stored', () => {
    const f = (p: string) => ({ path: p }) as never;
    const traces = new Map<string, DockerfileTrace>([
      ['b.sh', { used: ['B', 'A'], stored: [['B', f('B1')]] }],
      ['a.sh', { used: ['A', 'C'], stored: [['A', f('A')], ['C', null]] }],
      ['c.sh', { used: ['B'], stored: [['B', f('B2')]] }],
    ]);
    const m = mergeDockerfiles(['a.sh', 'b.sh', 'c.sh'], traces);
    expect([...m.keys()]).toEqual(['A', 'C', 'B']);
    expect(m.get('B')).toEqual({ path: 'B2' });
    expect(m.get('C')).toBeNull();
  });
});

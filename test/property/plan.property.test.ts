/**
 * Property tests (fast-check) over random repositories:
 * - planning never throws, whatever the scripts and Dockerfiles hold;
 * - a migration removes or rewrites only what it must: every other line of the script and of
 *   the runtime Dockerfile is kept byte for byte, and the builder's lines arrive unchanged;
 * - applying a plan, then planning again, plans nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { diffArrays } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps } from '../../src/apply/apply.js';
import { CODES } from '../../src/model/diagnostics.js';
import type { Plan } from '../../src/plan/index.js';
import { applied, planDir, planFiles } from '../support/plan.js';
import { readTree, writeTemp } from '../support/tree.js';
import { KNOWN_REFUSALS, unlessKnown } from './known-bugs.js';
import { arbitraryRepo, mutatedRepo, render, repoCase, repoFiles, type GenFile, type RepoCase } from './gen.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

/** Lines with their terminators (a lone CR ends a line, as the tool reads it). */
export function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

function everyCodeKnown(plan: Plan): void {
  const all = [...plan.diagnostics, ...plan.setups.flatMap((s) => s.diagnostics)];
  for (const d of all) expect(Object.keys(CODES)).toContain(d.code);
}

/** What the diff between two line lists removed (with the old indexes) and added. */
function lineDiff(before: string[], after: string[]): { removed: number[]; added: string[] } {
  const removed: number[] = [];
  const added: string[] = [];
  let i = 0;
  for (const part of diffArrays(before, after)) {
    if (part.added) added.push(...part.value);
    else if (part.removed) for (let k = 0; k < part.value.length; k++) removed.push(i++);
    else i += part.value.length;
  }
  return { removed, added };
}

/** Paragraphs (runs of non-blank lines) of a generated file, as the index of each line's paragraph. */
function paragraphs(f: GenFile): number[] {
  let p = 0;
  return f.lines.map((l) => (l.tag === 'blank' ? ++p : p));
}

function checkScript(c: RepoCase, before: string, after: string): void {
  const lines = splitLines(before);
  expect(lines.length).toBe(c.script.lines.length);
  const diff = lineDiff(lines, splitLines(after));
  const { removed } = diff;
  const added = diff.added;
  const para = paragraphs(c.script);
  const setupParas = new Set(c.script.lines.map((l, i) => (l.tag === 'setup' ? para[i] : -1)));
  for (const i of removed) {
    const l = c.script.lines[i]!;
    const ok = l.tag === 'setup' || l.tag === 'blank' || (l.tag === 'comment' && setupParas.has(para[i]!)) || (l.tag === 'final' && c.carried.length > 0 && c.script.lines.findIndex((x) => x.tag === 'final') === i);
    expect(ok, `the script lost line ${i + 1} (${l.tag}): ${JSON.stringify(lines[i])}\n--- after:\n${after}`).toBe(true);
  }
  for (const [i, l] of c.script.lines.entries()) if (l.tag === 'setup') expect(removed, `setup line ${i + 1} stays: ${l.text}`).toContain(i);
  const first = c.script.lines.find((l) => l.tag === 'final')!;
  const expectedAdded = c.carried.length > 0 ? [first.text.replace(/^docker build/, `docker build ${c.carried.join(' ')}`) + c.script.eol] : [];
  expect(added, `lines added to the script\n--- after:\n${after}`).toEqual(expectedAdded);
}

function checkRuntimeDockerfile(c: RepoCase, before: string, after: string): void {
  // A byte order mark stays where it was, at the very start, and nowhere else.
  expect(after.startsWith('\uFEFF')).toBe(c.runtime.bom);
  expect(after.slice(1).includes('\uFEFF')).toBe(false);
  // Compared without the mark, which belongs to the file, not to its first line.
  const lines = splitLines(before.replace(/^\uFEFF/, ''));
  expect(lines.length).toBe(c.runtime.lines.length);
  const { removed, added } = lineDiff(lines, splitLines(after.replace(/^\uFEFF/, '')));
  for (const i of removed) {
    expect(c.runtime.lines[i]!.tag, `the Dockerfile lost line ${i + 1}: ${JSON.stringify(lines[i])}\n--- after:\n${after}`).toBe('setup');
  }
  const eol = c.runtime.eol;
  const fromLine = (t: string) => {
    if (/ AS \S+$/.test(t)) return t;
    return `${t} ${t.startsWith('from') ? 'as' : 'AS'} ${c.stage}`;
  };
  const block = c.builder.lines.filter((l) => l.tag !== 'blank').map((l) => (/^from /i.test(l.text) ? fromLine(l.text) : l.text) + eol);
  const nonBlank = added.filter((l) => l.trim() !== '');
  expect(nonBlank, `lines added to the Dockerfile\n--- after:\n${after}`).toEqual([...block, c.consumerAfter + eol]);
}

describe('planning random repositories', () => {
  it('never throws, on plausible repositories with hostile edits, and gives only known codes', () => {
    fc.assert(
      fc.property(mutatedRepo, (files) => {
        const plan = unlessKnown(files, () => planFiles(files));
        if (!('knownBug' in plan)) everyCodeKnown(plan);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(arbitraryRepo, (files) => {
        const plan = unlessKnown(files, () => planFiles(files));
        if (!('knownBug' in plan)) everyCodeKnown(plan);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps every byte it does not have to change', () => {
    let migrated = 0;
    fc.assert(
      fc.property(repoCase, (c) => {
        const files = repoFiles(c);
        const plan = planFiles(files);
        everyCodeKnown(plan);
        // Every generated repository is a plain, migratable setup: a refusal is a bug.
        const refusals = plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`));
        if (KNOWN_REFUSALS.some((k) => k.matches(files, refusals))) return;
        expect(plan.setups.map((s) => s.status), refusals.join('\n')).toEqual(['migrate']);
        migrated++;
        const p = (f: string) => (c.dir ? `${c.dir}/${f}` : f);
        const byPath = new Map(plan.changes.map((ch) => [ch.path, ch]));
        expect([...byPath.keys()].sort()).toEqual([p('Dockerfile'), p('Dockerfile.build'), p(c.scriptName)].sort());
        const script = byPath.get(p(c.scriptName))!;
        expect(script.before).toBe(render(c.script));
        checkScript(c, script.before!, script.after!);
        const df = byPath.get(p('Dockerfile'))!;
        checkRuntimeDockerfile(c, df.before!, df.after!);
        expect(byPath.get(p('Dockerfile.build'))!.action).toBe('delete');
        // Files the plan does not name are untouched by definition of `applied`; check nothing else is named.
        for (const ch of plan.changes) if (ch.action === 'update') expect(ch.before).toBe(files[ch.path]);
      }),
      { numRuns: RUNS },
    );
    // The property must not hold vacuously.
    expect(migrated).toBeGreaterThan(RUNS * 0.8);
  });

  it('plans nothing once its plan is applied (in memory, on plausible and mutated repositories)', () => {
    fc.assert(
      fc.property(fc.oneof(repoCase.map(repoFiles), mutatedRepo), (files) => {
        const plan = unlessKnown(files, () => planFiles(files));
        if ('knownBug' in plan || plan.changes.length === 0) return;
        const after = applied(files, plan);
        const again = unlessKnown(after, () => planFiles(after));
        if ('knownBug' in again) return;
        expect(again.changes.map((c) => `${c.action} ${c.path}\n${c.after ?? ''}`), `a second plan after applying:\n${JSON.stringify(files, null, 1)}`).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('plans nothing once its plan is applied to disk, and the disk holds exactly the planned bytes', () => {
    fc.assert(
      fc.property(repoCase, (c) => {
        const files = repoFiles(c);
        const dir = writeTemp(files, 'msc-prop-');
        try {
          const plan = planDir(dir);
          applyOps(dir, plan.changes);
          const expected = applied(files, plan);
          expect(readTree(dir)).toEqual(expected);
          for (const [rel, text] of Object.entries(expected)) expect(fs.readFileSync(path.join(dir, rel)).equals(Buffer.from(text, 'utf8'))).toBe(true);
          expect(planDir(dir).changes).toEqual([]);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });
});

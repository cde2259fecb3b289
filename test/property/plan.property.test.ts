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

/**
 * The migrated script must be the old one with only removable lines removed (setup lines, blank
 * lines, comments in a setup line's paragraph; every setup line must go) and, when flags are
 * carried, the final build rewritten in place. Checked as "can `after` be obtained from `before`
 * that way" rather than through one line diff: a diff picks one of several equal lines (two
 * identical comments), and may blame the wrong one for an output that is right.
 */
function checkScript(c: RepoCase, before: string, after: string): void {
  const lines = splitLines(before);
  expect(lines.length).toBe(c.script.lines.length);
  const out = splitLines(after);
  const para = paragraphs(c.script);
  const setupParas = new Set(c.script.lines.map((l, i) => (l.tag === 'setup' ? para[i] : -1)));
  const finalAt = c.script.lines.findIndex((l) => l.tag === 'final');
  const rewritten = c.carried.length > 0 ? c.script.lines[finalAt]!.text.replace(/^docker build/, `docker build ${c.carried.join(' ')}`) + c.script.eol : undefined;
  const mustGo = (i: number) => c.script.lines[i]!.tag === 'setup';
  const mayGo = (i: number) => {
    const l = c.script.lines[i]!;
    return l.tag === 'setup' || l.tag === 'blank' || (l.tag === 'comment' && setupParas.has(para[i]!));
  };
  const keptAs = (i: number) => (i === finalAt && rewritten !== undefined ? rewritten : lines[i]);
  // reach[i][j]: the first i old lines can give the first j new lines.
  const reach: boolean[][] = Array.from({ length: lines.length + 1 }, () => new Array<boolean>(out.length + 1).fill(false));
  reach[0]![0] = true;
  for (let i = 0; i < lines.length; i++) {
    for (let j = 0; j <= out.length; j++) {
      if (!reach[i]![j]) continue;
      if (mayGo(i)) reach[i + 1]![j] = true;
      if (!mustGo(i) && j < out.length && out[j] === keptAs(i)) reach[i + 1]![j + 1] = true;
    }
  }
  const kept = lines.map((l, i) => `${mustGo(i) ? '-' : mayGo(i) ? '?' : ' '} ${JSON.stringify(l)}`).join('\n');
  expect(reach[lines.length]![out.length], `the script is not the old one minus removable lines${rewritten ? ' with the final build rewritten' : ''}\n--- before (- must go, ? may go):\n${kept}\n--- after:\n${after}`).toBe(true);
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

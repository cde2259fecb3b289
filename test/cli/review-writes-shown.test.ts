/**
 * The review writes exactly what it showed. For every fixture pair and every answer sequence
 * (y/n/a/q per review unit), the tree the CLI writes equals the before tree with the diffs the
 * review printed for the accepted units applied in memory; no diff is shown twice. Several
 * roots at once (every fixture, and two services) give many units; their answers come from
 * fast-check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyPatch, parsePatch } from 'diff';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { twoServices } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { copyToTemp, fixtureCases, FIXTURES, readTree } from '../support/tree.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** One review on a terminal answering from `answers` (more questions than answers fail the test). */
function review(roots: string[], answers: string[], cwd: string) {
  return runInProcess([...roots, '--no-pager'], cwd, (n) => {
    if (n >= answers.length) throw new Error(`asked more than the ${answers.length} answer(s) given`);
    return answers[n]!;
  });
}

/** The file diffs in a piece of output, by path: the review prints them in the format `git apply` reads. */
function diffsIn(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const starts = [...text.matchAll(/^diff --git a\/(\S+) b\/\S+$/gm)];
  starts.forEach((m, i) => {
    let body = text.slice(m.index, i + 1 < starts.length ? starts[i + 1]!.index : text.length);
    // A diff ends at its last hunk line; what follows (the next header, the prompt) is not part of it.
    const lines = body.split('\n');
    let end = lines.length;
    while (end > 0 && !/^[-+ @\\]/.test(lines[end - 1]!)) end--;
    body = `${lines.slice(0, end).join('\n')}\n`;
    expect(out.has(m[1]!), `${m[1]} shown twice in one unit`).toBe(false);
    out.set(m[1]!, body);
  });
  return out;
}

function applyShown(tree: Record<string, string>, diffs: Map<string, string>): void {
  for (const [p, text] of diffs) {
    const [patch] = parsePatch(text);
    const after = applyPatch(tree[p] ?? '', patch!);
    if (after === false) throw new Error(`the diff shown for ${p} does not apply to its file`);
    if (patch!.newFileName === '/dev/null') delete tree[p];
    else tree[p] = after;
  }
}

/** The expected tree: `before` with the shown diffs of the accepted units; after `a`, the rest as --dry-run shows them. */
function expectedTree(before: Record<string, string>, run: Awaited<ReturnType<typeof review>>, answers: string[], dryRun: Map<string, string>): Record<string, string> {
  const tree = { ...before };
  const seen = new Set<string>();
  for (const [i, a] of answers.entries()) {
    const diffs = diffsIn(run.shownBefore[i]!);
    for (const p of diffs.keys()) {
      expect(seen.has(p), `${p} shown twice`).toBe(false);
      seen.add(p);
    }
    const key = a[0];
    if (key === 'y' || key === 'a') applyShown(tree, diffs);
    if (key === 'a') applyShown(tree, new Map([...dryRun].filter(([p]) => !seen.has(p))));
  }
  return tree;
}

/** Answer sequences for `n` units: y/n per unit, or ending early with a or q. */
function sequences(n: number): string[][] {
  if (n === 0) return [[]];
  return [['a'], ['q'], ...sequences(n - 1).flatMap((rest) => [['y', ...rest], ['n', ...rest]])];
}

/** A dry run of the same tree: every diff once, by path. */
async function dryRunDiffs(roots: string[], cwd: string): Promise<Map<string, string>> {
  return diffsIn((await runInProcess([...roots, '--dry-run'], cwd)).stdout);
}

async function check(makeTree: () => string, roots: string[], answers: string[]) {
  const dir = makeTree();
  made.push(dir);
  const before = readTree(dir);
  const dry = await dryRunDiffs(roots, dir);
  expect(readTree(dir)).toEqual(before);
  const run = await review(roots, answers, dir);
  expect(run.code, run.stderr).toBe(0);
  const expected = expectedTree(before, run, answers.slice(0, run.asked), dry);
  expect(readTree(dir)).toEqual(expected);
  return { run, before, dir };
}

describe('the review writes exactly what it showed', () => {
  for (const name of fixtureCases()) {
    it(`${name}: every answer sequence`, async () => {
      const makeTree = () => copyToTemp(path.join(FIXTURES, name, 'before'));
      for (const answers of sequences(1)) {
        const { run, before, dir } = await check(makeTree, ['.'], answers);
        if (answers[0] === 'y' || answers[0] === 'a') expect(readTree(dir)).toEqual(readTree(path.join(FIXTURES, name, 'after')));
        else expect(readTree(dir)).toEqual(before);
        expect(run.asked).toBe(1);
      }
    });
  }

  it('two services (two units): every answer sequence', async () => {
    for (const answers of sequences(2)) {
      const { run } = await check(twoServices, ['.'], answers);
      expect(run.asked).toBe(answers.length);
    }
  });

  it('every fixture as one root each, random answers', async () => {
    const names = fixtureCases();
    const makeTree = () => {
      const dir = copyToTemp(path.join(FIXTURES, names[0]!, 'before'));
      fs.rmSync(dir, { recursive: true });
      for (const n of names) fs.cpSync(path.join(FIXTURES, n, 'before'), path.join(dir, n), { recursive: true });
      return dir;
    };
    const answer = fc.constantFrom('y', 'n', 'a', 'q', 'yes', 'no');
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: names.length, maxLength: names.length }), async (raw) => {
        const end = raw.findIndex((a) => a === 'a' || a === 'q');
        await check(makeTree, names, end < 0 ? raw : raw.slice(0, end + 1));
      }),
      { numRuns: 6 },
    );
    // Six reviews of every fixture at once: it grows with each fixture pair, and a shared CPU slows it further.
  }, 180_000);
});

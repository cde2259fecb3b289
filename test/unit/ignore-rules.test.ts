/**
 * A .dockerignore read in order with its `!` exceptions (src/plan/ignore-rules.ts): an
 * extracted artifact is provably sent whole only when no rule may exclude a file under it, or
 * a `!` rule after the last that may sends all of it again.
 */
import { describe, expect, it } from 'vitest';
import { ignoreRules, ruleHidingUnder } from '../../src/plan/ignore-rules.js';

const hiding = (text: string, rel: string) => ruleHidingUnder(ignoreRules(text), rel)?.pattern ?? null;

describe('ignore rules', () => {
  it('reads rules in order, exceptions marked, cleaned as Docker cleans them', () => {
    expect(ignoreRules('# only what the build reads\n*\n\n! /bin/ \n!./main.go\n')).toEqual([
      { pattern: '*', line: 2, negated: false },
      { pattern: 'bin', line: 4, negated: true },
      { pattern: 'main.go', line: 5, negated: true },
    ]);
  });

  it('sends an artifact an allowlist names again, a file or a folder, by itself or by a parent', () => {
    expect(hiding('*\n!main.go\n!ledger\n', 'ledger')).toBeNull();
    expect(hiding('*\n!out\n', 'out')).toBeNull();
    expect(hiding('*\n!out/\n', 'out')).toBeNull();
    expect(hiding('*\n!build\n', 'build/bin')).toBeNull();
    expect(hiding('*\n!led*\n', 'ledger')).toBeNull();
    expect(hiding('', 'out')).toBeNull();
  });

  it('keeps the rule that may hide a file under the artifact when nothing sends all of it again', () => {
    // the exception names another file, a file inside the artifact only, or comes first
    expect(hiding('*\n!main.go\n', 'ledger')).toBe('*');
    expect(hiding('*\n!out/bin\n', 'out')).toBe('*');
    expect(hiding('!out\n*\n', 'out')).toBe('*');
    // a rule after the exception hides part of it again
    expect(hiding('*\n!out\n**/*.map\n', 'out')).toBe('**/*.map');
    expect(hiding('*\n!out\nout/share\n', 'out')).toBe('out/share');
    // exceptions read as matching nothing: `**`, classes, escapes
    expect(hiding('*\n!**/out\n', 'out')).toBe('*');
    expect(hiding('*\n![o]ut\n', 'out')).toBe('*');
    // the whole context as the artifact is never provably sent
    expect(hiding('*\n!*\n', '')).toBe('*');
  });
});

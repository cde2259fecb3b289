import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src/review/digits.js';

describe('groupDigits', () => {
  it('writes counts as en-US toLocaleString does, without loading the locale data', () => {
    for (const n of [0, 7, 42, 999, 1000, 1001, 12_345, 106_000, 999_999, 1_000_000, 1_234_567_890, -4500]) {
      expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { validateMerged } from '../../src/plan/validate.js';

describe('validation of a merged Dockerfile', () => {
  it('passes a valid merge', () => {
    expect(validateMerged('FROM a AS builder\nRUN make\nFROM b\nCOPY --from=builder /app /app\n', ['FROM a\nRUN make\n', 'FROM b\nCOPY app /app\n'], 'Dockerfile', 's')).toEqual([]);
  });

  it('refuses a problem the merge made, with its line', () => {
    const d = validateMerged('FROM a AS b\nRUN make\nFROM c AS b\n', ['FROM a\nRUN make\n', 'FROM c AS b\n'], 'Dockerfile', 's');
    expect(d).toEqual([expect.objectContaining({ code: 'GENERATED_DOCKERFILE_INVALID', file: 'Dockerfile', line: 1 }), expect.objectContaining({ line: 3 })]);
    expect(d[0]!.message).toContain('duplicate name b');
  });

  it('excuses a problem an input already had', () => {
    expect(validateMerged('FROM a AS builder\nRUN make\nFROM b\nEXPOSE abc\n', ['FROM a\nRUN make\n', 'FROM b\nEXPOSE abc\n'], 'Dockerfile', 's')).toEqual([]);
  });
});

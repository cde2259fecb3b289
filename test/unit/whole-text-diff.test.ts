/**
 * A change that deletes or creates a whole file is diffed without the diff package
 * (src/review/diff.ts wholeTextHunk): its hunk must be the package's, byte for byte, for every
 * shape of text (empty, one line, no last newline, CRLF, lone CR, blank lines, lines that look
 * like hunk marks), at any context size.
 */
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { unifiedDiff, wholeTextHunk } from '../../src/review/diff.js';

/** The hunks as the diff package writes them (what unifiedDiff kept before). */
function packageHunks(before: string, after: string, context: number): string {
  const lines = createTwoFilesPatch('a', 'b', before, after, undefined, undefined, { context }).split('\n');
  const first = lines.findIndex((l) => l.startsWith('@@'));
  return first < 0 ? '' : lines.slice(first).join('\n');
}

const SHAPES = ['', '\n', '\n\n', 'a', 'a\n', 'a\nb', 'a\nb\n', 'a\r\nb\r\n', 'a\r\nb', '\r', 'a\r', 'a\rb\n', '@@ -1 +1 @@\n', '-x\n+y\n', '\\ No newline at end of file', ' \n\t\n', 'FROM alpine\nRUN echo "a\\\nb"\n'];

/** Texts made of the characters that matter to a line diff, from a fixed seed. */
function* randomTexts(count: number): Generator<string> {
  let seed = 20251202;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const chars = ['a', 'b', '\n', '\n', '\r', ' ', '@', '-', '+', '\\', 'é'];
  for (let i = 0; i < count; i++) {
    let t = '';
    const n = Math.floor(next() * 24);
    for (let k = 0; k < n; k++) t += chars[Math.floor(next() * chars.length)];
    yield t;
  }
}

describe('the diff of a whole file deleted or created', () => {
  it("is the diff package's hunk for every shape of text, at any context", () => {
    for (const text of [...SHAPES, ...randomTexts(2000)]) {
      for (const context of [0, 3, 7]) {
        expect(wholeTextHunk(text, '-'), JSON.stringify(text)).toBe(packageHunks(text, '', context));
        expect(wholeTextHunk(text, '+'), JSON.stringify(text)).toBe(packageHunks('', text, context));
      }
    }
  });

  it('is what unifiedDiff writes for a deleted and a created file', () => {
    const text = 'FROM golang:1.22\nRUN go build -o /out/app .';
    expect(unifiedDiff({ path: 'Dockerfile.build', action: 'delete', before: text, after: null })).toBe(
      'diff --git a/Dockerfile.build b/Dockerfile.build\ndeleted file mode 100644\n--- a/Dockerfile.build\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-FROM golang:1.22\n-RUN go build -o /out/app .\n\\ No newline at end of file\n',
    );
    expect(unifiedDiff({ path: 'new.sh', action: 'create', before: null, after: 'echo hi\n' })).toBe('diff --git a/new.sh b/new.sh\nnew file mode 100644\n--- /dev/null\n+++ b/new.sh\n@@ -0,0 +1,1 @@\n+echo hi\n');
  });

  it('leaves any other change to the diff package', () => {
    expect(unifiedDiff({ path: 'f', action: 'update', before: 'a\nb\nc\n', after: 'a\nc\n' })).toBe(`diff --git a/f b/f\n--- a/f\n+++ b/f\n${packageHunks('a\nb\nc\n', 'a\nc\n', 3)}`);
  });
});

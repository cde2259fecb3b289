import { defineConfig } from 'vitest/config';

// The executable's own modules are CommonJS, written as TypeScript too (src/*.cts, see src/bin.cts).
const oxc = { include: /\.(m?ts|cts|[jt]sx)$/ };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      {
        oxc,
        test: {
          name: 'unit',
          include: ['test/{unit,fixtures,cli}/**/*.test.ts', 'test/property/**/*.test.ts'],
          // The readers parse synchronously once tree-sitter is loaded (src/analyze/tree-sitter.ts).
          setupFiles: ['test/support/tree-sitter.ts'],
          testTimeout: 30_000,
          // Hooks remove large temporary trees (a thousand-file walk, every fixture copied); on a
          // shared 2-CPU machine that outlives the 10 s default. Not a timing test.
          hookTimeout: 60_000,
        },
      },
      {
        oxc,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/support/tree-sitter.ts'],
          // One engine, one vfs store: build one file's images at a time. These are not
          // timing tests; vfs copies layers and CI machines are slow.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        oxc,
        test: {
          // Packs the package and installs it from the npm registry into a clean folder.
          name: 'pack',
          include: ['test/pack/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});

import os from 'node:os';
import { defineConfig } from 'vitest/config';

// The executable's own modules are CommonJS, written as TypeScript too (src/*.cts, see src/bin.cts).
const oxc = { include: /\.(m?ts|cts|[jt]sx)$/ };

export default defineConfig({
  test: {
    // One worker per core. Vitest's default keeps one core free (cores - 1), which on a 2-core
    // machine ran every file one after another: the e2e builds wait on podman's processes more
    // than they compute, and the whole suite took 84 minutes there (1 worker), near CI's limit.
    maxWorkers: os.availableParallelism(),
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
          // The files run side by side, as many as the machine has cores: every pipeline builds
          // in a podman store of its own (test/e2e/support/run-store.ts), and the base images the
          // stores share are built once, before any file (./test/e2e/support/global-setup.ts).
          // The fixture pairs are split into several files (test/e2e/fixtures-N.e2e.test.ts) for
          // it. These are not timing tests; vfs copies layers and CI machines are slow.
          globalSetup: ['test/e2e/support/global-setup.ts'],
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

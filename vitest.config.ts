import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite builds real images; vfs storage is slow, so give it room.
    testTimeout: 20_000,
    hookTimeout: 600_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Protocol tests start loopback servers; keep parallelism modest on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});

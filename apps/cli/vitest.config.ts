import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: { resolve: { conditions: ['@fipsyard/source'] } },
  resolve: { conditions: ['@fipsyard/source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // End-to-end runs build real images.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});

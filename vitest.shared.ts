import { defineConfig } from 'vitest/config';

/** The vitest settings every package shares. */
export default defineConfig({
  // Sibling packages resolve to their TypeScript sources in tests.
  ssr: { resolve: { conditions: ['@fipsyard/source'] } },
  resolve: { conditions: ['@fipsyard/source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

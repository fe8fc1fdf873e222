import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(shared, {
  // End-to-end runs build real images.
  test: { testTimeout: 600_000, hookTimeout: 120_000 },
});

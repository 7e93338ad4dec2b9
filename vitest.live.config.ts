import { defineConfig } from 'vitest/config';

/**
 * The live battery (`npm run test:live`): test/live/*.live.ts against a real account, when
 * CONNECTFORM_LIVE_INSTANCE_ID, AWS_REGION and credentials are set (test/live/live-env.ts);
 * otherwise it prints why and skips (exit 0). `npm test` never runs it: vitest.config.ts
 * includes only `*.test.ts`.
 */
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.ts'],
    globalSetup: ['test/live/report-skip.ts'],
    // Real quotas (2 requests/s per API) and AWS's own latency: minutes, not seconds.
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
    pool: 'forks',
    // One kind after the other: they share the account's quotas.
    fileParallelism: false,
    maxWorkers: 1,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Two projects, a test pyramid:
 *   unit — everything that runs in this process: the CLI through `main(argv, io)`, the sandbox
 *          through `startSandbox`. The bulk of the suite; it spawns no process and never reads
 *          `dist/`, nor does anything it imports (test/architecture/pyramid.test.ts).
 *   e2e  — `*.e2e.test.ts` only: tests where a real process is the point (SIGKILL fault suites,
 *          one smoke test per command, workflow scripts in bash, git, the biggest configs under a
 *          heap limit, the bench harness). They run the compiled `dist/`, which
 *          `test/helpers/fresh-dist.ts` rebuilds once first when any `src/` file is newer.
 * `npm test` runs the type-checks, then both projects in one vitest run (one summary, one exit
 * code: a unit failure does not hide the e2e results); `npm run test:unit` / `test:e2e` run one.
 */
const E2E = 'test/**/*.e2e.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait (on the sandbox's latency, a spawned CLI, a timeout) rather than compute:
    // four workers keep a 2-core machine busy and overlap those waits, loaded or not (measured
    // with two CPU-bound processes beside it: 234 s with four, 227-264 s with three).
    maxWorkers: 4,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [E2E],
          // Files of a worker share one module graph: the SDK, the sandbox and the models are
          // imported once per worker instead of once per file (measured: the project's import time
          // 91 s → 15 s, its wall time 122 s → 58 s on this 2-core machine; green under shuffled
          // file orders). The price is hygiene, which every file keeps: what a file changes in
          // shared state it puts back in afterAll/finally (registered kinds, the lag clock,
          // process.env, the working directory).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [E2E],
          globalSetup: ['test/helpers/fresh-dist.ts'],
          // A hang guard, not a budget: an e2e test starts processes one after another (bash, the
          // CLI, git), and each start takes ten times longer on a 2-core machine under a load of
          // 20; 60 s timed out a green gated-apply test there (measured: 31 s for its sibling at
          // load 16).
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});

/**
 * Several targets in one account and region share the account's quota (Connect's API quotas are
 * per account and region, not per instance: see test/sandbox/quota-scope.test.ts for the
 * sources). `-t all` against a sandbox enforcing that quota must never be throttled: the targets
 * pace together through the run's account-wide budget. Throttles are counted by the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { openSession } from '../helpers/session.js';
import { postCallRule, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

/**
 * The sandbox's quotas × SCALE, and the client's the same (`--quota-scale`): the same shape,
 * faster. Kept low: the client's one token of headroom absorbs a late first call only up to one
 * interval (here 125 ms), and a busy test machine can be that late.
 */
const SCALE = 4;
const INSTANCES = [
  '1a000000-0000-4000-8000-000000000001',
  '1a000000-0000-4000-8000-000000000002',
  '1a000000-0000-4000-8000-000000000003',
  '1a000000-0000-4000-8000-000000000004',
];
const RULES = 4;

let sandbox: SandboxHandle;
beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  const template = seed.connect!.instances![0];
  seed.connect!.instances = INSTANCES.map((id) => ({ ...structuredClone(template), id }));
  sandbox = await startSandbox({ seed, quotas: { ratePerSecond: 2, burst: 5 }, quotaScale: SCALE, quotaClock });
});
afterAll(async () => sandbox?.stop());

/** The sandbox's quota time: real time, plus whatever the test skipped. */
let skipped = 0;
const quotaClock = () => performance.now() + skipped;

/** The sandbox's buckets full again (burst 5 at 2 × SCALE per second), by moving its clock, not waiting. */
const refill = () => {
  skipped += (5 / (2 * SCALE)) * 1000;
};

/** Four targets, one per instance, all in the sandbox's one account and region. */
function fourTargets(prefix: string): string {
  const dir = tempDir('budget-');
  const targets = Object.fromEntries(
    INSTANCES.map((id, i) => [`t${i + 1}`, { endpoint: sandbox.endpoint, instanceId: id, region: 'us-east-2' }]),
  );
  writeConfig(dir, targets, {}, { rules: Array.from({ length: RULES }, (_, i) => postCallRule(`${prefix}-${i}`)) });
  return dir;
}

describe('targets of one account share its quota', () => {
  it('apply -t all, then a full plan -t all: every call answered, none throttled', async () => {
    const dir = fourTargets('shared');
    sandbox.resetStats();
    const applied = await run(['apply', dir, '-t', 'all', '--auto-approve', '--quota-scale', String(SCALE)], {
      cwd: dir,
    });
    expect(applied.code, applied.stderr).toBe(0);
    // A new run believes the buckets full: the sandbox's are, once its clock is past their refill.
    refill();
    const plan = await run(
      ['plan', dir, '-t', 'all', '--refresh', '--format', 'json', '--quota-scale', String(SCALE)],
      { cwd: dir },
    );
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout) as { plans: { target: string; changes: unknown[] }[] };
    expect(doc.plans.map((p) => [p.target, p.changes.length])).toEqual(INSTANCES.map((_, i) => [`t${i + 1}`, 0]));

    const stats = sandbox.stats();
    // The full plan described every rule of every target: the shared bucket carried them all.
    expect(stats.operations['connect:DescribeRule'].calls).toBeGreaterThanOrEqual(INSTANCES.length * RULES);
    expect(stats.operations['connect:CreateRule'].calls).toBe(INSTANCES.length * RULES);
    // Shared pacing keeps throttles away; four targets pacing alone would be throttled on most
    // of their calls (the test below). The client paces on real timers, which a machine under a
    // load of 20 can fire late and bunch: a throttle or two is then retried, never a failure. So
    // this counts at most one call in ten throttled, and none failed; "0 throttled" is a bench figure.
    const calls = Object.values(stats.operations).reduce((n, o) => n + o.calls, 0);
    expect(stats.throttled).toBeLessThanOrEqual(Math.floor(calls / 10));
    expect(Object.entries(stats.operations).filter(([, o]) => o.errors)).toEqual([]);
  });

  it('sessions that each pace alone (no shared budget) are throttled by the same sandbox (the check above can fail)', async () => {
    const dir = fourTargets('alone');
    const open = (t: string) => openSession(dir, t, { quotaScale: SCALE, cacheDir: false, pendingDir: false });
    const applied = await run(['apply', dir, '-t', 'all', '--auto-approve', '--quota-scale', String(SCALE)], {
      cwd: dir,
    });
    expect(applied.code, applied.stderr).toBe(0);

    refill();
    sandbox.resetStats();
    const alone = await Promise.all(INSTANCES.map((_, i) => open(`t${i + 1}`)));
    try {
      const plans = await Promise.all(alone.map((s) => s.plan()));
      expect(plans.flatMap((p) => p.changes)).toEqual([]);
    } finally {
      for (const s of alone) s.close();
    }
    const stats = sandbox.stats();
    const calls = Object.values(stats.operations).reduce((n, o) => n + o.calls, 0);
    expect(stats.throttled).toBeGreaterThan(Math.floor(calls / 10));
  });
});

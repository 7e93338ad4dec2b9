/**
 * `AwsClients.call()`, the one door of every AWS request, against the in-process sandbox with
 * injected faults: the real SDK raises the errors, call() retries what is worth retrying and
 * counts every attempt. Counted, never timed (backoff is 1-2 ms here).
 */
import { ListRulesCommand, DescribeRuleCommand } from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients, isNotFound, rootCause } from '../../src/aws/clients.js';
import { QuotaTable } from '../../src/aws/pacing.js';
import { classifyFailure } from '../../src/aws/retry.js';
import { startSandbox, DEFAULT_INSTANCE_ID, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/index.js';

describe('AwsClients.call against the sandbox', () => {
  let sandbox: SandboxHandle | undefined;
  let aws: AwsClients | undefined;
  afterEach(async () => {
    aws?.destroy();
    await sandbox?.stop();
  });

  async function setup(faults: SandboxOptions, maxAttempts: number): Promise<AwsClients> {
    sandbox = await startSandbox({ quotas: false, randomSeed: 3, ...faults });
    aws = new AwsClients({
      region: 'us-east-2',
      endpoint: sandbox.endpoint,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      parallelism: 4,
      // Client pacing out of the way: the server's faults are under test.
      quotas: new QuotaTable({}, 10_000),
      maxAttempts,
      retryBaseMs: 1,
      retryCapMs: 2,
    });
    return aws;
  }
  const listRules = (c: AwsClients) => () =>
    c.connect.send(new ListRulesCommand({ InstanceId: DEFAULT_INSTANCE_ID, MaxResults: 10 }));

  it('retries 500/503 until an attempt succeeds; each attempt reaches the server once', async () => {
    const c = await setup({ errorRate: 0.5 }, 30);
    for (let i = 0; i < 10; i++) await c.call('connect:ListRules', listRules(c));
    const s = c.stats()['connect:ListRules'];
    expect(s.calls).toBe(10);
    expect(s.failed).toBe(0);
    expect(s.transient, 'the seeded fault stream injected no error: nothing was retried').toBeGreaterThan(0);
    expect(s.attempts).toBe(s.calls + s.transient);
    expect(sandbox!.stats().calls).toBe(s.attempts);
    expect(sandbox!.stats().faults).toBe(s.transient);
  });

  it('gives up after maxAttempts on a server that always fails, with the SDK error', async () => {
    const c = await setup({ errorRate: 1 }, 3);
    const err = await c.call('connect:ListRules', listRules(c)).catch((e: unknown) => e);
    expect(classifyFailure(rootCause(err))).toBe('transient'); // the SDK error, under the one error connectform throws
    expect(
      (rootCause(err) as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
    ).toBeGreaterThanOrEqual(500);
    expect(c.stats()['connect:ListRules']).toEqual({ calls: 1, attempts: 3, throttled: 0, transient: 3, failed: 1 });
    expect(sandbox!.stats().calls).toBe(3);
  });

  it('a dropped connection is retried like a 5xx', async () => {
    const c = await setup({ resetRate: 1 }, 2);
    const err = await c.call('connect:ListRules', listRules(c)).catch((e: unknown) => e);
    expect(classifyFailure(rootCause(err))).toBe('transient'); // the SDK error, under the one error connectform throws
    expect(c.stats()['connect:ListRules']).toMatchObject({ attempts: 2, transient: 2, failed: 1 });
  });

  it('throttling is retried and counted apart', async () => {
    // A burst of 1 refilled every ~17 minutes: the first call passes, every later one is throttled.
    const c = await setup({ quotas: { ratePerSecond: 0.001, burst: 1 } }, 4);
    await c.call('connect:ListRules', listRules(c));
    const err = await c.call('connect:ListRules', listRules(c)).catch((e: unknown) => e);
    expect((rootCause(err) as Error).name).toBe('ThrottlingException');
    expect((err as Error).message).toMatch(/^connect:ListRules failed: ThrottlingException/);
    expect(c.stats()['connect:ListRules']).toEqual({ calls: 2, attempts: 5, throttled: 4, transient: 0, failed: 1 });
    expect(sandbox!.stats().throttled).toBe(4);
  });

  it('a permanent error (not found) is not retried', async () => {
    const c = await setup({}, 5);
    const err = await c
      .call('connect:DescribeRule', () =>
        c.connect.send(
          new DescribeRuleCommand({ InstanceId: DEFAULT_INSTANCE_ID, RuleId: '00000000-0000-4000-8000-000000000000' }),
        ),
      )
      .catch((e: unknown) => e);
    expect((rootCause(err) as Error).name).toBe('ResourceNotFoundException');
    expect(isNotFound(err)).toBe(true);
    expect(c.stats()['connect:DescribeRule']).toEqual({ calls: 1, attempts: 1, throttled: 0, transient: 0, failed: 1 });
    expect(sandbox!.stats().calls).toBe(1);
  });
});

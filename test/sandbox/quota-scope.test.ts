/**
 * What a sandbox quota covers, and the simulated other client that spends part of it.
 *
 * Connect's API quotas hold per account and per region, each API on its own, for every instance
 * of the account: "The throttling limits are defined for each API separately at the AWS account
 * level, not for the individual Amazon Connect instance"
 * (https://docs.aws.amazon.com/connect/latest/APIReference/best-practices-connect-apis.html), and
 * "Account level quotas, when adjusted, apply to all Amazon Connect instances in this account and
 * Region ... The quotas apply per AWS Region" (Service Quotas, Amazon Connect:
 * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html).
 */
import { describe, expect, it, vi } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ConnectClient, ListRulesCommand, ThrottlingException } from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/index.js';
import { ThrottleBucket } from '../../src/sandbox/faults.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { sandboxOptionsFrom } from '../../src/cli/sandbox.js';
import { UsageError } from '../../src/errors.js';
import { INSTANCE, clients, failure } from './helpers.js';

const OTHER_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';

/** Only performance.now() is frozen (the buckets' clock): time moves when the test says. */
async function onFrozenClock<T>(fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['performance'] });
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

async function withSandbox<T>(options: SandboxOptions, fn: (sb: SandboxHandle) => Promise<T>): Promise<T> {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: OTHER_INSTANCE });
  const sb = await startSandbox({ seed, ...options });
  try {
    return await fn(sb);
  } finally {
    await sb.stop();
  }
}

/** How many calls pass before the first throttle (at most `max`). */
async function passesBeforeThrottle(connect: ConnectClient, instanceId: string, max = 10): Promise<number> {
  for (let i = 0; i < max; i++) {
    try {
      await connect.send(new ListRulesCommand({ InstanceId: instanceId }));
    } catch (err) {
      expect(err).toBeInstanceOf(ThrottlingException);
      return i;
    }
  }
  return max;
}

describe('quotas per account and region', () => {
  it('two instances of one account in one region spend one bucket per API', () =>
    onFrozenClock(async () => {
      await withSandbox({}, async (sb) => {
        const { connect } = clients(sb.endpoint, 'us-east-2');
        expect(await passesBeforeThrottle(connect, INSTANCE, 3)).toBe(3);
        // The other instance finds the account's bucket two tokens from empty.
        expect(await passesBeforeThrottle(connect, OTHER_INSTANCE)).toBe(2);
        expect(sb.stats().operations['connect:ListRules']).toMatchObject({ calls: 6, throttled: 1 });
      });
    }));

  it('another region of the same account has its own bucket', () =>
    onFrozenClock(async () => {
      await withSandbox({}, async (sb) => {
        expect(await passesBeforeThrottle(clients(sb.endpoint, 'us-east-2').connect, INSTANCE)).toBe(5);
        expect(await passesBeforeThrottle(clients(sb.endpoint, 'eu-west-2').connect, INSTANCE)).toBe(5);
      });
    }));

  it("another account (an assumed role's) has its own bucket", () =>
    onFrozenClock(async () => {
      await withSandbox({}, async (sb) => {
        expect(await passesBeforeThrottle(clients(sb.endpoint, 'us-east-2').connect, INSTANCE)).toBe(5);
        const sts = new STSClient({
          endpoint: sb.endpoint,
          region: 'us-east-2',
          credentials: { accessKeyId: 'AKIAPLAINSANDBOXKEY1', secretAccessKey: 'x' },
          maxAttempts: 1,
        });
        const { Credentials: c } = await sts.send(
          new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/other', RoleSessionName: 'quota' }),
        );
        const other = new ConnectClient({
          endpoint: sb.endpoint,
          region: 'us-east-2',
          credentials: {
            accessKeyId: c!.AccessKeyId!,
            secretAccessKey: c!.SecretAccessKey!,
            sessionToken: c!.SessionToken,
          },
          maxAttempts: 1,
        });
        // Answered (not throttled) five times: the quota is that account's own.
        let passed = 0;
        for (let i = 0; i < 6; i++) {
          const err = await failure(other.send(new ListRulesCommand({ InstanceId: INSTANCE }))).catch(() => undefined);
          if (!(err instanceof ThrottlingException)) passed++;
        }
        expect(passed).toBe(5);
      });
    }));
});

describe('background load: a simulated other client spends part of each quota', () => {
  it('at 0.5 the other client takes one token in two: two calls pass after 2 s, not four', () =>
    onFrozenClock(async () => {
      for (const [load, expected] of [
        [0.5, 2],
        [undefined, 4],
      ] as const) {
        await withSandbox({ backgroundLoad: load }, async (sb) => {
          const { connect } = clients(sb.endpoint, 'us-east-2');
          expect(await passesBeforeThrottle(connect, INSTANCE)).toBe(5);
          // 2 s refill 4 tokens at 2/s; the other client asks for 1/s and is served first.
          vi.advanceTimersByTime(2000);
          expect(await passesBeforeThrottle(connect, INSTANCE), `load ${load}`).toBe(expected);
          expect(sb.backgroundStats()).toEqual(load ? { requests: 2, served: 2 } : { requests: 0, served: 0 });
        });
      }
    }));

  it('over a long run the other client gets its share and leaves the rest (counted, on an injected clock)', () => {
    let t = 0;
    const bucket = new ThrottleBucket({ ratePerSecond: 10, burst: 5 }, () => t, 0.5);
    let ours = 0;
    // A greedy client polling every 10 ms for 100 s.
    for (; t <= 100_000; t += 10) if (bucket.take() === 0) ours++;
    expect(ours).toBeGreaterThanOrEqual(495);
    expect(ours).toBeLessThanOrEqual(506);
    expect(bucket.background.requests).toBe(500);
    // Its last request (at 100 s, just when ours took the token) may still wait for the next one.
    expect(bucket.background.served).toBeGreaterThanOrEqual(499);
  });

  it('refuses a load outside 0..1', async () => {
    await expect(withSandbox({ backgroundLoad: 1.5 }, async () => {})).rejects.toThrow(
      /backgroundLoad must be within 0\.\.1/,
    );
  });
});

describe('connectform sandbox --background-load', () => {
  it('takes a share of the quota between 0 and 1, and only with quotas on', () => {
    expect(sandboxOptionsFrom({ backgroundLoad: '0.5' }).backgroundLoad).toBe(0.5);
    expect(() => sandboxOptionsFrom({ backgroundLoad: '50%' })).toThrow(
      /^--background-load must be between 0 and 1 .*got "50%"$/,
    );
    expect(() => sandboxOptionsFrom({ backgroundLoad: '1.5' })).toThrow(UsageError);
    expect(() => sandboxOptionsFrom({ backgroundLoad: '0.5', quotas: false })).toThrow(
      /needs the quotas on \(drop --no-quotas\)/,
    );
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  ConnectServiceException,
  InternalServiceException,
  ListRulesCommand,
  ThrottlingException,
  CreateRuleCommand,
} from '@aws-sdk/client-connect';
import { GetBotsCommand, LimitExceededException } from '@aws-sdk/client-lex-model-building-service';
import { startSandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { Faults, ThrottleBucket, mulberry32 } from '../../src/sandbox/faults.js';
import { classifyFailure } from '../../src/aws/retry.js';
import { CHAT_OPS, INSTANCE, clients, failure, raw, ruleInput } from './helpers.js';

async function withSandbox<T>(
  options: SandboxOptions,
  fn: (endpoint: string, sb: Awaited<ReturnType<typeof startSandbox>>) => Promise<T>,
): Promise<T> {
  const sb = await startSandbox({ lexV1: 'available', ...options }); // Lex V1's own throttling error
  try {
    return await fn(sb.endpoint, sb);
  } finally {
    await sb.stop();
  }
}

/**
 * The sandbox's buckets read `performance.now()`. Frozen here (only that clock; timers and
 * sockets stay real), so a slow machine cannot refill a bucket between calls: time moves only
 * when the test says so (vi.advanceTimersByTime).
 */
async function onFrozenClock<T>(fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['performance'] });
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

describe('quotas', () => {
  it('throttles each service with its own error after the burst (default 2 rps, burst 5)', () =>
    onFrozenClock(async () => {
      await withSandbox({}, async (endpoint, sb) => {
        const { connect, lex, chatbot } = clients(endpoint);
        for (let i = 0; i < 5; i++) await connect.send(new ListRulesCommand({ InstanceId: INSTANCE }));
        const connectErr = await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE })));
        expect(connectErr).toBeInstanceOf(ThrottlingException);
        expect(connectErr.$metadata.httpStatusCode).toBe(429);
        // Buckets are per API: another Connect operation still has its burst.
        await connect.send(new CreateRuleCommand(ruleInput('not-throttled')));

        for (let i = 0; i < 5; i++) await lex.send(new GetBotsCommand({}));
        const lexErr = await failure(lex.send(new GetBotsCommand({})));
        expect(lexErr).toBeInstanceOf(LimitExceededException);
        expect(lexErr.retryAfterSeconds).toBe('1');

        for (let i = 0; i < 5; i++) await chatbot.send('ListCustomActions', {});
        const chatErr = await failure(chatbot.send('ListCustomActions', {}));
        // Chatbot's model declares no ThrottlingException: its 429 shape is ServiceUnavailableException.
        expect(chatErr).toMatchObject({ name: 'ServiceUnavailableException', $fault: 'client' });
        expect(chatErr.$metadata.httpStatusCode).toBe(429);
        expect(classifyFailure(chatErr)).toBe('throttled');

        const stats = sb.stats();
        expect(stats.operations['connect:ListRules']).toMatchObject({ calls: 6, throttled: 1, errors: 0 });
        expect(stats.operations['lex:GetBots'].throttled).toBe(1);
        expect(stats.operations['chatbot:ListCustomActions'].throttled).toBe(1);
        expect(stats.throttled).toBe(3);
      });
    }));

  it('refills at the rate, applies per-operation overrides and quotaScale', () =>
    onFrozenClock(async () => {
      await withSandbox(
        {
          quotas: { ratePerSecond: 1, burst: 1, perOperation: { 'lex:GetBots': { ratePerSecond: 1, burst: 3 } } },
          quotaScale: 20,
        },
        async (endpoint) => {
          const { connect, lex } = clients(endpoint);
          await connect.send(new ListRulesCommand({ InstanceId: INSTANCE }));
          expect(await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE })))).toBeInstanceOf(
            ThrottlingException,
          );
          vi.advanceTimersByTime(49); // 20 tokens/s after scaling: not quite one yet
          expect(await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE })))).toBeInstanceOf(
            ThrottlingException,
          );
          vi.advanceTimersByTime(51);
          await connect.send(new ListRulesCommand({ InstanceId: INSTANCE }));
          for (let i = 0; i < 3; i++) await lex.send(new GetBotsCommand({}));
          expect(await failure(lex.send(new GetBotsCommand({})))).toBeInstanceOf(LimitExceededException);
        },
      );
    }));

  it('token bucket arithmetic', () => {
    let t = 0;
    const bucket = new ThrottleBucket({ ratePerSecond: 2, burst: 2 }, () => t);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBe(500);
    t = 499;
    expect(bucket.take()).toBeGreaterThan(0);
    t = 1000;
    expect(bucket.take()).toBe(0);
  });
});

describe('injected faults', () => {
  it('answers 500 / 503 in each service style at errorRate 1', async () => {
    await withSandbox({ quotas: false, errorRate: 1, randomSeed: 7 }, async (endpoint, sb) => {
      const { connect } = clients(endpoint);
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const err = await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE })));
        expect(err).toBeInstanceOf(ConnectServiceException);
        if (err.$metadata.httpStatusCode === 500) expect(err).toBeInstanceOf(InternalServiceException);
        else expect(err).toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
        seen.add(err.name);
      }
      expect(seen).toEqual(new Set(['InternalServiceException', 'ServiceUnavailableException']));
      const lex = await raw(endpoint, 'lex', 'GET', '/bots/');
      expect(['InternalFailureException', 'ServiceUnavailableException']).toContain(lex.errorType);
      const chat = await raw(endpoint, 'chatbot', 'POST', '/list-tags-for-resource', { ResourceARN: CHAT_OPS });
      expect(['InternalServiceError', 'ServiceUnavailableException']).toContain(chat.errorType);
      expect(sb.stats().operations['connect:ListRules']).toMatchObject({ calls: 12, errors: 12, faults: 12 });
    });
  });

  it('is deterministic under randomSeed', async () => {
    const run = (seed: number) =>
      withSandbox({ quotas: false, errorRate: 0.5, randomSeed: seed }, async (endpoint) => {
        const codes: number[] = [];
        for (let i = 0; i < 24; i++) codes.push((await raw(endpoint, 'connect', 'GET', `/rules/${INSTANCE}`)).status);
        return codes.join(',');
      });
    const a = await run(42);
    expect(await run(42)).toBe(a);
    expect(await run(43)).not.toBe(a);
    expect(a).toMatch(/200/);
    expect(a).toMatch(/50[03]/);
  });

  it('drops connections at resetRate 1', async () => {
    await withSandbox({ quotas: false, resetRate: 1 }, async (endpoint, sb) => {
      await expect(fetch(`${endpoint}/rules/${INSTANCE}`)).rejects.toThrow();
      const { chatbot } = clients(endpoint);
      const err = await failure(chatbot.send('ListTagsForResource', { ResourceARN: CHAT_OPS }));
      expect(err.$metadata?.httpStatusCode).toBeUndefined();
      // The server counts a reset as it drops the socket, which the client may see first.
      await vi.waitFor(() => expect(sb.stats().resets).toBe(2));
    });
  });

  it('adds fixed or ranged latency', async () => {
    // Counted, not timed: the answer waits for the latency's delay() to end (a busy machine
    // only makes it later, never earlier).
    const events: string[] = [];
    const delay = vi.spyOn(Faults.prototype, 'delay').mockImplementation(async (ms: number) => {
      events.push(`delay ${ms}`);
      await new Promise((r) => setImmediate(r));
      events.push('delay over');
    });
    try {
      await withSandbox({ quotas: false, latencyMs: 60 }, async (endpoint) => {
        await raw(endpoint, 'lex', 'GET', '/bots/');
        events.push('answer');
      });
    } finally {
      delay.mockRestore();
    }
    expect(events).toEqual(['delay 60', 'delay over', 'answer']);
    // delay() waits through the injected sleep, and not at all for 0.
    const slept: number[] = [];
    const counted = new Faults({ sleep: async (ms) => void slept.push(ms) });
    await counted.delay(60);
    await counted.delay(0);
    expect(slept).toEqual([60]);
    const f = new Faults({ latencyMs: [10, 20], randomSeed: 1 });
    const draws = Array.from({ length: 50 }, () => f.latency('connect:ListRules'));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...draws)).toBeLessThanOrEqual(20);
    expect(new Set(draws).size).toBeGreaterThan(3);
  });

  it('mulberry32 is a reproducible uniform stream', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('rejects rates outside 0..1', async () => {
    await expect(startSandbox({ errorRate: 2 })).rejects.toThrow(/errorRate/);
  });
});

describe('stats', () => {
  it('counts calls, writes, errors and in-flight peaks; served at /_sandbox/stats', async () => {
    await withSandbox({ quotas: false, latencyMs: 40 }, async (endpoint, sb) => {
      const { connect } = clients(endpoint);
      await Promise.all(Array.from({ length: 6 }, () => connect.send(new ListRulesCommand({ InstanceId: INSTANCE }))));
      await connect.send(new CreateRuleCommand(ruleInput('stats-rule')));
      await failure(connect.send(new CreateRuleCommand(ruleInput('stats-rule'))));
      const unrouted = await raw(endpoint, 'connect', 'GET', '/no/such/path');
      expect(unrouted.status).toBe(404);
      expect(unrouted.errorType).toBe('UnknownOperationException');

      const s = sb.stats();
      expect(s.calls).toBe(8);
      expect(s.writeCalls).toBe(2);
      expect(s.errors).toBe(1);
      expect(s.unrouted).toBe(1);
      expect(s.maxInFlight).toBeGreaterThanOrEqual(2);
      expect(s.inFlight).toBe(0);
      expect(s.operations['connect:ListRules']).toMatchObject({ calls: 6, write: false, inFlight: 0 });
      expect(s.operations['connect:ListRules'].maxInFlight).toBeGreaterThanOrEqual(2);
      expect(s.operations['connect:CreateRule']).toMatchObject({ calls: 2, errors: 1, write: true });

      const served = await (await fetch(`${endpoint}/_sandbox/stats`)).json();
      expect(served).toEqual(s);
      expect((await fetch(`${endpoint}/_sandbox/reset-stats`, { method: 'POST' })).status).toBe(200);
      expect(sb.stats()).toMatchObject({ calls: 0, writeCalls: 0, operations: {} });
      const world = (await (await fetch(`${endpoint}/_sandbox/world`)).json()) as any;
      expect(Object.values(world.connect.instances[INSTANCE].rules).map((r: any) => r.Name)).toContain('stats-rule');
    });
  });
});

/**
 * Client-side pacing on an injected clock: the GCRA reservations of `TokenBucket`, checked
 * against the sandbox's own server-side token bucket on the same clock (a call the client lets
 * go must never be throttled by a server enforcing the same quota), and the quota lookup.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTA, QuotaTable, TokenBucket, type Quota } from '../../src/aws/pacing.js';
import { ThrottleBucket as ServerBucket, mulberry32 } from '../../src/sandbox/faults.js';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) };
}

/** The waits of `n` reservations made at the same instant. */
function waitsAtOnce(bucket: TokenBucket, n: number): number[] {
  return Array.from({ length: n }, () => bucket.reserve());
}

describe('TokenBucket (client pacing)', () => {
  const quota: Quota = { ratePerSecond: 2, burst: 5 };

  it('lets burst - 1 calls go at once, then spaces the rest by 1/rate', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket(quota, clock.now);
    // One token of the burst is kept as headroom for calls that arrive late at the server.
    expect(waitsAtOnce(bucket, 7)).toEqual([0, 0, 0, 0, 500, 1000, 1500]);
  });

  it('a quiet period restores the burst credit, never more', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(quota, clock.now);
    waitsAtOnce(bucket, 7);
    clock.advance(60_000);
    expect(waitsAtOnce(bucket, 6)).toEqual([0, 0, 0, 0, 500, 1000]);
  });

  it('penalize() (the server throttled us anyway) drains the burst: the next calls are spaced', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(quota, clock.now);
    bucket.penalize();
    expect(waitsAtOnce(bucket, 4)).toEqual([0, 500, 1000, 1500]);
  });

  it('a client that sends when its reservations say is never throttled by a server with the same quota', () => {
    for (const q of [DEFAULT_QUOTA, { ratePerSecond: 5, burst: 10 }, { ratePerSecond: 0.5, burst: 3 }]) {
      const clock = manualClock();
      const client = new TokenBucket(q, clock.now);
      const server = new ServerBucket(q, clock.now);
      const rnd = mulberry32(7);
      let throttled = 0;
      // Waves of up to 8 callers at once, separated by random pauses (some shorter than 1/rate).
      for (let wave = 0; wave < 40; wave++) {
        const sends = waitsAtOnce(client, 1 + Math.floor(rnd() * 8)).map((w) => clock.now() + w);
        for (const at of sends) {
          clock.set(at);
          if (server.take() > 0) throttled++;
        }
        clock.advance(rnd() * (2000 / q.ratePerSecond));
      }
      expect(throttled, JSON.stringify(q)).toBe(0);
    }
  });

  it('the same waves without pacing are throttled (the check above can fail)', () => {
    const clock = manualClock();
    const server = new ServerBucket(DEFAULT_QUOTA, clock.now);
    const results = Array.from({ length: 8 }, () => server.take());
    expect(results.filter((w) => w > 0).length).toBe(3);
  });
});

describe('QuotaTable', () => {
  const table = new QuotaTable({ 'connect:ListRules': { ratePerSecond: 10, burst: 20 }, 'chatbot:*': { ratePerSecond: 1, burst: 2 } }, 3);

  it('looks up the exact API, then the service wildcard, then the default; scale multiplies rates only', () => {
    expect(table.for('connect:ListRules')).toEqual({ ratePerSecond: 30, burst: 20 });
    expect(table.for('chatbot:ListCustomActions')).toEqual({ ratePerSecond: 3, burst: 2 });
    expect(table.for('connect:DescribeRule')).toEqual({ ratePerSecond: DEFAULT_QUOTA.ratePerSecond * 3, burst: DEFAULT_QUOTA.burst });
  });

  it('floorSeconds: the slowest API bounds the run, the burst comes free', () => {
    const unscaled = new QuotaTable();
    // 25 DescribeRule at 2/s after a burst of 5 = 10 s; 4 ListRules fit in the burst.
    expect(unscaled.floorSeconds({ 'connect:DescribeRule': 25, 'connect:ListRules': 4 })).toBe(10);
    expect(unscaled.floorSeconds({})).toBe(0);
  });
});

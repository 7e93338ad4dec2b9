/**
 * Client-side pacing on an injected clock: the GCRA reservations of `TokenBucket`, checked
 * against the sandbox's own server-side token bucket on the same clock (a call the client lets
 * go must never be throttled by a server enforcing the same quota), and the quota lookup.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveBucket, DEFAULT_QUOTA, QuotaTable, TokenBucket, type Quota, type Slot } from '../../src/aws/pacing.js';
import { ThrottleBucket as ServerBucket, mulberry32 } from '../../src/sandbox/faults.js';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** The waits of `n` reservations made at the same instant. */
function waitsAtOnce(bucket: TokenBucket, n: number): number[] {
  return Array.from({ length: n }, () => bucket.reserve());
}

describe('TokenBucket (client pacing)', () => {
  const quota: Quota = { ratePerSecond: 2, burst: 5 };

  it('lets burst - 2 calls go at once, then spaces the rest by 1/rate', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket(quota, clock.now);
    // Two tokens of the burst are kept as headroom for calls that arrive late at the server.
    expect(waitsAtOnce(bucket, 7)).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('a quiet period restores the burst credit, never more', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(quota, clock.now);
    waitsAtOnce(bucket, 7);
    clock.advance(60_000);
    expect(waitsAtOnce(bucket, 6)).toEqual([0, 0, 0, 500, 1000, 1500]);
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

describe('AdaptiveBucket (AIMD when someone else spends the same quota)', () => {
  const quota: Quota = { ratePerSecond: 10, burst: 5 };

  it('a throttle shrinks the rate to 80%; throttles of calls reserved before that shrink nothing more', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    const early = [bucket.reserveSlot(), bucket.reserveSlot(), bucket.reserveSlot()];
    bucket.throttled(early[0].ticket);
    expect(bucket.currentRate).toBeCloseTo(8);
    // The other two were paced at the old rate: the same congestion, already answered.
    bucket.throttled(early[1].ticket);
    bucket.throttled(early[2].ticket);
    expect(bucket.currentRate).toBeCloseTo(8);
    expect({ throttles: bucket.throttles, decreases: bucket.decreases }).toEqual({ throttles: 3, decreases: 1 });
    // A call reserved at the new rate and still throttled: shrink again.
    bucket.throttled(bucket.reserveSlot().ticket);
    expect(bucket.currentRate).toBeCloseTo(6.4);
  });

  it('the spacing follows the rate: after a throttle calls are 1/(0.8 × rate) apart', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    bucket.throttled(bucket.reserveSlot().ticket); // penalized: no burst credit left either
    const waits = Array.from({ length: 3 }, () => bucket.reserve());
    expect(waits[1] - waits[0]).toBeCloseTo(1000 / 8);
    expect(waits[2] - waits[1]).toBeCloseTo(1000 / 8);
  });

  it('calls queued at the old rate are spaced again at the new one when they wake (confirm)', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    const queued = Array.from({ length: 12 }, () => bucket.reserveSlot());
    expect(queued.map((s) => s.waitMs)).toEqual([0, 0, 0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    // Woken early (a check-in), it waits the rest; at its turn it goes.
    expect(bucket.confirm(queued[4])).toMatchObject({ waitMs: 200, ticket: queued[4].ticket });
    clock.set(queued[4].at);
    expect(bucket.confirm(queued[4])).toMatchObject({ waitMs: 0, ticket: queued[4].ticket });
    bucket.throttled(queued[4].ticket);
    // The rest were spaced at 10/s: each asks again and is spaced at 8/s after the throttled call, in order.
    const again = queued.slice(5).map((s) => bucket.confirm(s));
    expect(again.map((s) => s.waitMs)).toEqual([125, 250, 375, 500, 625, 750, 875]);
    expect(again.every((s, i) => s.ticket > queued[11].ticket && (i === 0 || s.ticket > again[i - 1].ticket))).toBe(
      true,
    );
  });

  it('callers woken late all at once (the process stalled) do not go together: the server banked no more than its burst', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    const queued = Array.from({ length: 12 }, () => bucket.reserveSlot());
    clock.advance(2000); // every slot is overdue
    const server = new ServerBucket(quota, clock.now);
    const verdicts = queued.map((s) => bucket.confirm(s));
    const going = verdicts.filter((v) => v.waitMs === 0);
    // The server would take 5 at once; the client keeps two tokens of headroom.
    expect(going).toHaveLength(3);
    expect(going.map(() => server.take()).every((w) => w === 0)).toBe(true);
    // The rest take their turns, one interval apart, and go when it comes.
    const rest = verdicts.slice(3);
    expect(rest.map((v) => v.waitMs)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
    for (const v of rest) {
      clock.set(v.at);
      expect(bucket.confirm(v).waitMs).toBe(0);
      expect(server.take()).toBe(0);
    }
  });

  it('a caller on time goes at its slot: the copy of the server bucket gates only the late ones', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    const queued = Array.from({ length: 10 }, () => bucket.reserveSlot());
    for (const s of queued) {
      clock.set(s.at + 5); // a few ms late, as timers are
      expect(bucket.confirm(s).waitMs).toBe(0);
    }
  });

  it('a rate raised while calls are queued brings their turns forward', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    bucket.throttled(bucket.reserveSlot().ticket); // 8/s, no burst credit
    const queued = Array.from({ length: 20 }, () => bucket.reserveSlot());
    expect(queued[19].at).toBeCloseTo(20 * 125);
    clock.advance(1000); // one quiet window: 8.5/s
    const later = bucket.confirm(queued[19]);
    // From t = 1000 on, the queue is packed by 8/8.5.
    expect(later.at).toBeCloseTo(1000 + (2500 - 1000) * (8 / 8.5));
    expect(later.waitMs).toBe(Math.ceil(later.at - 1000));
  });

  it('each quiet window (10 intervals of the documented rate) gives back 5% of it, up to the quota and never beyond', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    bucket.throttled(bucket.reserveSlot().ticket);
    expect(bucket.currentRate).toBeCloseTo(8);
    clock.advance(999); // a window is 10 × 100 ms
    expect(bucket.currentRate).toBeCloseTo(8);
    clock.advance(1);
    expect(bucket.currentRate).toBeCloseTo(8.5);
    clock.advance(2000);
    expect(bucket.currentRate).toBeCloseTo(9.5);
    clock.advance(60_000);
    expect(bucket.currentRate).toBe(10);
  });

  it('never drops below 5% of the documented rate', () => {
    const clock = manualClock();
    const bucket = new AdaptiveBucket(quota, clock.now);
    for (let i = 0; i < 50; i++) bucket.throttled(bucket.reserveSlot().ticket);
    expect(bucket.currentRate).toBeCloseTo(0.5);
  });

  /**
   * One client with retries against the sandbox's bucket while a simulated other client spends
   * half of the quota, all on one injected clock: the calls are counted, never timed.
   */
  function runAgainstHalfBusyServer(
    client: Pick<AdaptiveBucket, 'reserveSlot' | 'confirm' | 'throttled'>,
    clock: ReturnType<typeof manualClock>,
    calls: number,
  ) {
    const server = new ServerBucket(quota, clock.now, 0.5);
    const start = clock.now();
    let throttled = 0;
    for (let i = 0; i < calls; i++) {
      for (;;) {
        let slot = client.reserveSlot();
        do {
          clock.advance(slot.waitMs);
          slot = client.confirm(slot);
        } while (slot.waitMs > 0);
        if (server.take() === 0) break;
        throttled++;
        client.throttled(slot.ticket);
        clock.advance(100); // the retry's backoff
      }
    }
    return { throttled, seconds: (clock.now() - start) / 1000 };
  }

  it('against a server half spent by another client: about the remaining rate, few throttles', () => {
    const clock = manualClock();
    const run = runAgainstHalfBusyServer(new AdaptiveBucket(quota, clock.now), clock, 1000);
    // The remaining capacity is 5 req/s: 1000 calls need ~199 s at best.
    const floor = (1000 - quota.burst) / (quota.ratePerSecond * 0.5);
    expect(run.seconds).toBeGreaterThanOrEqual(floor * 0.98);
    expect(run.seconds / floor).toBeLessThanOrEqual(1.05);
    expect(run.throttled / 1000).toBeLessThan(0.1);
  });

  it('the same client without adaptation is throttled on most calls (the check above can fail)', () => {
    const clock = manualClock();
    const fixed = new TokenBucket(quota, clock.now);
    let ticket = 0;
    const client = {
      reserveSlot: () => {
        const waitMs = fixed.reserve();
        return { waitMs, ticket: ticket++, epoch: 0, at: clock.now() + waitMs };
      },
      confirm: (s: Slot) => ({ ...s, waitMs: 0 }),
      throttled: () => fixed.penalize(),
    };
    const run = runAgainstHalfBusyServer(client, clock, 1000);
    expect(run.throttled / 1000).toBeGreaterThan(0.5);
  });
});

describe('QuotaTable', () => {
  const table = new QuotaTable(
    { 'connect:ListRules': { ratePerSecond: 10, burst: 20 }, 'chatbot:*': { ratePerSecond: 1, burst: 2 } },
    3,
  );

  it('looks up the exact API, then the service wildcard, then the default; scale multiplies rates only', () => {
    expect(table.for('connect:ListRules')).toEqual({ ratePerSecond: 30, burst: 20 });
    expect(table.for('chatbot:ListCustomActions')).toEqual({ ratePerSecond: 3, burst: 2 });
    expect(table.for('connect:DescribeRule')).toEqual({
      ratePerSecond: DEFAULT_QUOTA.ratePerSecond * 3,
      burst: DEFAULT_QUOTA.burst,
    });
  });

  it('floorSeconds: the slowest API bounds the run, the burst comes free', () => {
    const unscaled = new QuotaTable();
    // 25 DescribeRule at 2/s after a burst of 5 = 10 s; 4 ListRules fit in the burst.
    expect(unscaled.floorSeconds({ 'connect:DescribeRule': 25, 'connect:ListRules': 4 })).toBe(10);
    expect(unscaled.floorSeconds({})).toBe(0);
  });
});

/**
 * Client-side pacing: one token bucket per API (`service:Operation`), matching the service
 * quotas, so a plan or apply stays under the quota instead of provoking a retry storm.
 *
 * The bucket is a GCRA (virtual scheduling) reservation: each call reserves the earliest
 * instant the bucket allows and sleeps until then. Reservations are spaced by 1/rate once the
 * burst is spent, which is exactly what the server-side bucket tolerates.
 */

export interface Quota {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests that may go at once after a quiet period. */
  burst: number;
}

/** Connect documents 2 requests/s with a burst of 5 per API; Chatbot and Lex V1 publish nothing finer. */
export const DEFAULT_QUOTA: Quota = { ratePerSecond: 2, burst: 5 };

export class TokenBucket {
  private readonly interval: number; // ms between tokens
  private readonly tolerance: number; // ms of burst credit
  private tat = 0; // theoretical arrival time of the next conforming call (ms)

  constructor(readonly quota: Quota, private readonly now: () => number = () => performance.now()) {
    this.interval = 1000 / quota.ratePerSecond;
    // One token of headroom: the first requests of a run arrive late (connection set-up), which
    // would otherwise make the first spaced call early at the server.
    this.tolerance = Math.max(0, quota.burst - 2) * this.interval;
  }

  /** Reserve a slot; returns how long to wait (ms) before sending. */
  reserve(): number {
    const t = this.now();
    const tat = Math.max(this.tat, t);
    const wait = Math.max(0, tat - this.tolerance - t);
    this.tat = tat + this.interval;
    return wait;
  }

  /** The server throttled us anyway (the quota is shared with others): drain the burst credit. */
  penalize(): void {
    const t = this.now();
    this.tat = Math.max(this.tat, t + this.tolerance);
  }
}

/**
 * Quota lookup: exact `service:Operation`, then `service:*`, then the default, each scaled by
 * `scale` (the benchmark runs every quota faster by one factor; ratios to the floor still hold).
 */
export class QuotaTable {
  constructor(
    private readonly overrides: Record<string, Quota> = {},
    private readonly scale = 1,
    private readonly fallback: Quota = DEFAULT_QUOTA,
  ) {}

  for(api: string): Quota {
    const service = api.split(':')[0];
    const q = this.overrides[api] ?? this.overrides[`${service}:*`] ?? this.fallback;
    return { ratePerSecond: q.ratePerSecond * this.scale, burst: q.burst };
  }

  /** The least time (s) the quotas allow for `calls` per API, APIs running in parallel. */
  floorSeconds(calls: Record<string, number>): number {
    let floor = 0;
    for (const [api, n] of Object.entries(calls)) {
      const q = this.for(api);
      floor = Math.max(floor, Math.max(0, n - q.burst) / q.ratePerSecond);
    }
    return floor;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

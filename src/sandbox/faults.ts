/**
 * Fault injection for the sandbox: server-side quotas (token buckets), added latency, injected
 * 500/503 answers and dropped connections. Everything random comes from seeded PRNG streams, one
 * per API (`service:Operation`), so a run under `randomSeed` is reproducible even when several
 * APIs are called concurrently: the draws of one API do not depend on how other APIs interleave.
 */

/** A small, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: derives independent PRNG seeds from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A quota the sandbox enforces as AWS does: over it, the request is answered with a throttling
 * error. (The client's own pacing quota, which spaces requests so they stay under it, is
 * src/aws/pacing.ts `Quota`.)
 */
export interface ServerQuota {
  ratePerSecond: number;
  burst: number;
}

export interface ServerQuotaOptions extends ServerQuota {
  /** Overrides by `service:Operation` (e.g. `connect:ListRules`) or `service:*`. */
  perOperation?: Record<string, ServerQuota>;
}

/** Connect documents 2 requests/s, burst 5, per API; the sandbox applies it to all three services. */
export const DEFAULT_SERVER_QUOTA: ServerQuota = { ratePerSecond: 2, burst: 5 };

/**
 * Classic token bucket, full at start; a request spends one token or is throttled (the client's
 * pacing bucket, src/aws/pacing.ts `TokenBucket`, waits for its token instead).
 *
 * With a background load, a simulated other client (another tool, a console user) spends the same
 * bucket: it asks for `load × rate` tokens a second at a steady pace and, like a client with
 * retries, keeps asking until served; its requests come first when both wait for a token.
 */
export class ThrottleBucket {
  private tokens: number;
  private last: number;
  /** ms between the other client's requests (0: no background load). */
  private readonly period: number;
  private nextArrival: number;
  /** The other client's requests not served yet. */
  private backlog = 0;
  /** The other client's requests, and how many were served. */
  readonly background = { requests: 0, served: 0 };

  constructor(
    readonly quota: ServerQuota,
    private readonly now: () => number,
    backgroundLoad = 0,
  ) {
    this.tokens = quota.burst;
    this.last = now();
    this.period = backgroundLoad > 0 ? 1000 / (backgroundLoad * quota.ratePerSecond) : 0;
    this.nextArrival = this.last + this.period;
  }

  /** Returns 0 when the request may pass, else the ms until a token will be available. */
  take(): number {
    const t = this.now();
    this.runBackground(t);
    this.refill(t);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.quota.ratePerSecond) * 1000);
  }

  private refill(t: number): void {
    this.tokens = Math.min(this.quota.burst, this.tokens + ((t - this.last) / 1000) * this.quota.ratePerSecond);
    this.last = t;
  }

  /** The other client's requests up to `t`, in order, each served when a token is there. */
  private runBackground(t: number): void {
    if (!this.period) return;
    // After a long quiet stretch the bucket is full again whatever came before: skip to its end.
    const pending = Math.floor((t - this.nextArrival) / this.period) + 1;
    if (pending > BACKGROUND_REPLAY && this.backlog === 0) {
      const skipped = pending - BACKGROUND_REPLAY;
      this.nextArrival += skipped * this.period;
      this.background.requests += skipped;
      this.background.served += skipped;
      this.tokens = this.quota.burst;
      this.last = this.nextArrival - this.period;
    }
    while (this.nextArrival <= t) {
      this.refill(this.nextArrival);
      this.backlog++;
      this.background.requests++;
      this.serveBacklog();
      this.nextArrival += this.period;
    }
    this.refill(t);
    this.serveBacklog();
  }

  private serveBacklog(): void {
    const n = Math.min(this.backlog, Math.floor(this.tokens));
    this.tokens -= n;
    this.backlog -= n;
    this.background.served += n;
  }
}

/** Background requests replayed one by one after a quiet stretch (older ones are skipped). */
const BACKGROUND_REPLAY = 256;

export interface FaultOptions {
  /** false disables quotas; otherwise every API gets its own bucket (default DEFAULT_SERVER_QUOTA). */
  quotas?: false | ServerQuotaOptions;
  /** Multiplies every quota's rate (bursts unchanged): the benchmark runs the same shape faster. */
  quotaScale?: number;
  /**
   * 0..1: a simulated other client in every account and region spends this share of each API's
   * quota (ThrottleBucket), so a client must adapt to what is left.
   */
  backgroundLoad?: number;
  /** Added before each answer: a fixed delay or a uniform range [min, max]. */
  latencyMs?: number | [number, number];
  /** Fraction of requests answered 500 (InternalService*) or 503 (ServiceUnavailable), half each. */
  errorRate?: number;
  /** Fraction of requests whose connection is destroyed without an answer. */
  resetRate?: number;
  /** Seeds every random draw; without it draws use Math.random. */
  randomSeed?: number;
  /** Monotonic clock in ms (tests may inject one). */
  now?: () => number;
  /** How added latency is waited out (tests may inject one and count instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
}

export type FaultVerdict = { kind: 'pass' } | { kind: 'reset' } | { kind: 'error'; status: 500 | 503 };

export class Faults {
  private readonly buckets = new Map<string, ThrottleBucket>();
  private readonly streams = new Map<string, () => number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: FaultOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? sleep;
    for (const [name, rate] of [
      ['errorRate', options.errorRate],
      ['resetRate', options.resetRate],
      ['backgroundLoad', options.backgroundLoad],
    ] as const) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1))
        throw new RangeError(`${name} must be within 0..1, got ${rate}`);
    }
  }

  /** The quota in force for an API, after overrides and scaling; undefined when quotas are off. */
  quotaFor(api: string): ServerQuota | undefined {
    const q = this.options.quotas;
    if (q === false) return undefined;
    const service = api.split(':')[0];
    const base =
      q?.perOperation?.[api] ??
      q?.perOperation?.[`${service}:*`] ??
      (q ? { ratePerSecond: q.ratePerSecond, burst: q.burst } : DEFAULT_SERVER_QUOTA);
    return { ratePerSecond: base.ratePerSecond * (this.options.quotaScale ?? 1), burst: base.burst };
  }

  /**
   * 0 when the request is within quota, else ms until it would be (for Retry-After). Connect's
   * quotas hold per account and region, each API on its own: every instance of an account in a
   * region spends the same bucket (see test/sandbox/quota-scope.test.ts for the sources).
   */
  throttle(api: string, where: { account: string; region: string } = { account: '', region: '' }): number {
    const key = `${where.account}/${where.region}/${api}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const quota = this.quotaFor(api);
      if (!quota) return 0;
      bucket = new ThrottleBucket(quota, this.now, this.options.backgroundLoad);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** What the simulated other client asked for and got, summed over every bucket. */
  backgroundStats(): { requests: number; served: number } {
    const sum = { requests: 0, served: 0 };
    for (const b of this.buckets.values()) {
      sum.requests += b.background.requests;
      sum.served += b.background.served;
    }
    return sum;
  }

  /** Latency to add to this request, drawn from the API's stream. */
  latency(api: string): number {
    const l = this.options.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    const [min, max] = l;
    return min + Math.floor(this.random(api)() * (max - min + 1));
  }

  /** Wait out a latency drawn by latency(): the one place the sandbox holds an answer back. */
  async delay(ms: number): Promise<void> {
    if (ms > 0) await this.sleep(ms);
  }

  /** Whether to drop, fail or serve this request. Always draws twice so streams stay aligned. */
  verdict(api: string): FaultVerdict {
    const rnd = this.random(api);
    const resetDraw = rnd();
    const errorDraw = rnd();
    if (resetDraw < (this.options.resetRate ?? 0)) return { kind: 'reset' };
    const errorRate = this.options.errorRate ?? 0;
    if (errorDraw < errorRate) return { kind: 'error', status: errorDraw < errorRate / 2 ? 500 : 503 };
    return { kind: 'pass' };
  }

  /** A named deterministic stream (also used for server-generated ids under randomSeed). */
  random(name: string): () => number {
    let s = this.streams.get(name);
    if (!s) {
      const seed = this.options.randomSeed;
      s = seed === undefined ? Math.random : mulberry32((seed ^ hashString(name)) >>> 0);
      this.streams.set(name, s);
    }
    return s;
  }

  get seeded(): boolean {
    return this.options.randomSeed !== undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Client-side pacing: one token bucket per API (`service:Operation`), matching the service
 * quotas, so a plan or apply stays under the quota instead of provoking a retry storm.
 *
 * The bucket is a GCRA (virtual scheduling) reservation: each call reserves the earliest
 * instant the bucket allows and sleeps until then. Reservations are spaced by 1/rate once the
 * burst is spent, which is exactly what the server-side bucket tolerates.
 *
 * The calls go through `AdaptiveBucket`, which moves its rate when others spend the same quota
 * (AIMD), and which the targets of one account share (quota-budget.ts).
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
  private interval!: number; // ms between tokens
  private tolerance!: number; // ms of burst credit
  private tat = 0; // theoretical arrival time of the next conforming call (ms)

  constructor(
    readonly quota: Quota,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.setInterval(1000 / quota.ratePerSecond);
  }

  /** A new spacing from the next reservation on (the adaptive bucket moves its rate). */
  protected setInterval(ms: number): void {
    this.interval = ms;
    // Two tokens of headroom under the server's burst: a call can reach the server later than it
    // left, by more than the next one (connection set-up, a client's first request, a busy event
    // loop), and the two then arrive closer than 1/rate. One token was enough for one target; 20
    // targets starting their clients at once saw ~1% of calls throttled with it.
    this.tolerance = Math.max(0, this.quota.burst - 3) * ms;
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

  /** A faster rate from `from` on: reservations after it are packed closer by `ratio` (< 1). */
  protected compress(from: number, ratio: number): void {
    if (this.tat > from) this.tat = from + (this.tat - from) * ratio;
  }

  /**
   * Forget every reservation made so far: the call just answered (throttled) was the last one, the
   * next goes one interval after it, with no burst credit.
   */
  protected restartFromNow(): void {
    this.tat = this.now() + this.tolerance + this.interval;
  }
}

/**
 * AIMD tuning. The defaults: a throttle takes the rate to 80%; every quiet window (10 intervals at
 * the documented rate, so it scales with the quota) gives back 5% of the documented rate; never
 * below 5% of it. Against a server half spent by another client (test/aws/pacing.test.ts) 0.8
 * keeps the time within 1% of what the remaining capacity allows; 0.7 (the AWS SDKs' CUBIC β)
 * undershoots that capacity for long after each throttle, ~16% slower.
 */
export interface AimdOptions {
  /** Factor applied to the rate on a throttle (0 < decrease < 1). */
  decrease?: number;
  /** Share of the documented rate given back per quiet window. */
  increase?: number;
  /** Length of a quiet window, in intervals of the documented rate. */
  quietIntervals?: number;
  /** The rate never drops below this share of the documented rate. */
  minShare?: number;
}

const AIMD_DEFAULTS: Required<AimdOptions> = { decrease: 0.8, increase: 0.05, quietIntervals: 10, minShare: 0.05 };

/** A reservation: how long to wait, and the ticket to name it by if the server throttles it. */
export interface Slot {
  waitMs: number;
  ticket: number;
  /** The rate epoch it was spaced in (a decrease starts a new one). */
  epoch: number;
  /** When (bucket clock, ms) the call may go. */
  at: number;
  /** Its token in the copy of the server's bucket is taken already (it waited for it). */
  paid?: boolean;
}

/**
 * A token bucket whose rate adapts to what others spend of the same quota (AIMD): a throttle
 * means someone else (another tool, a console user, an integration) spends part of the quota, so
 * the rate shrinks multiplicatively; each quiet window without a throttle gives back a slice
 * additively, up to the documented quota and never beyond it.
 *
 * One decrease per congestion event: calls reserved before the last decrease were paced at the
 * old rate, and their throttles say nothing about the new one (as TCP reacts once per window).
 * A decrease also takes back the reservations made at the old rate: a caller whose slot was
 * spaced before it asks again when it wakes (`confirm`), so the new rate holds at once rather
 * than after every call already queued (with many targets, seconds of them).
 *
 * `confirm` also keeps a copy of the server's bucket, spent when calls really go: a process that
 * stalls (a busy machine, a long garbage collection) wakes many callers at once, late, and the
 * reservations alone would let them all go together; the server's bucket, capped at its burst,
 * did not bank the time they overslept. A caller that wakes more than one interval late takes
 * its token from that copy, and waits its turn when the copy has none. (A caller on time goes:
 * gating it too would add a timer's lateness to every call, measured ~10% of the rate.)
 */
export class AdaptiveBucket extends TokenBucket {
  private readonly aimd: Required<AimdOptions>;
  private rate: number;
  private readonly ceiling: number;
  private readonly quietMs: number;
  private lastChange: number;
  private nextTicket = 0;
  /** Counts rate changes; a slot remembers the one it was spaced in. */
  private epoch = 0;
  /** Slots of epochs before this one were spaced before the last decrease: spaced again from scratch. */
  private lastDecreaseEpoch = 0;
  /** Increases since the last decrease: from `at` on, slots are packed by `ratio`. */
  private increases: { epoch: number; at: number; ratio: number }[] = [];
  /** The first ticket reserved after the last decrease. */
  private firstTicketSinceDecrease = 0;
  /**
   * The server's bucket as the sends spend it, two tokens short of the burst: a send reaches the
   * server a little later than it leaves, by a varying delay, and calls sent apart can arrive
   * together (docs/PERFORMANCE.md, "Many targets in one account"). Negative: sends in debt.
   */
  private tokens: number;
  private tokensAt: number;
  private readonly capacity: number;
  /** Throttles reported, and how many of them shrank the rate (for --debug and tests). */
  throttles = 0;
  decreases = 0;

  constructor(
    quota: Quota,
    private readonly clock: () => number = () => performance.now(),
    options: AimdOptions = {},
  ) {
    super(quota, clock);
    this.aimd = { ...AIMD_DEFAULTS, ...options };
    this.ceiling = quota.ratePerSecond;
    this.rate = quota.ratePerSecond;
    this.quietMs = this.aimd.quietIntervals * (1000 / quota.ratePerSecond);
    this.lastChange = clock();
    this.capacity = Math.max(1, quota.burst - 2);
    this.tokens = this.capacity;
    this.tokensAt = this.lastChange;
  }

  /** The sustained rate (req/s) the bucket paces at now. */
  get currentRate(): number {
    this.recover();
    return this.rate;
  }

  override reserve(): number {
    return this.reserveSlot().waitMs;
  }

  reserveSlot(): Slot {
    this.recover();
    const waitMs = super.reserve();
    return { waitMs, ticket: this.nextTicket++, epoch: this.epoch, at: this.clock() + waitMs };
  }

  /**
   * After sleeping (the slot's wait, or CHECK_IN_MS if shorter): go now (waitMs 0), or wait
   * again: when the turn has not come (moved by a rate change), when the slot was spaced before
   * a decrease (a new slot), or when a late caller finds the copy of the server's bucket empty.
   */
  confirm(slot: Slot): Slot {
    this.recover();
    if (slot.epoch < this.lastDecreaseEpoch) {
      slot = this.reserveSlot();
      if (slot.waitMs > 0) return slot;
    } else if (slot.epoch !== this.epoch) {
      // Spaced at a slower rate since raised: its turn comes sooner now.
      let at = slot.at;
      for (const inc of this.increases)
        if (inc.epoch > slot.epoch && at > inc.at) at = inc.at + (at - inc.at) * inc.ratio;
      slot = { ...slot, at, epoch: this.epoch };
    }
    const t = this.clock();
    // Woke before its turn (callers check in at least every CHECK_IN_MS): wait the rest.
    if (slot.at - t >= 1) return { ...slot, waitMs: Math.ceil(slot.at - t) };
    const go = { ...slot, waitMs: 0 };
    if (slot.paid) return go;
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.tokensAt) / 1000) * this.rate);
    this.tokensAt = t;
    // Every send spends a token of the copy. A call on time may leave it one token in debt (it is
    // spaced already; timers fire a little late or early); a late one may not. Either, when it
    // may not go, waits for its turn with its token taken, so the calls behind queue after it.
    this.tokens -= 1;
    const late = t - slot.at > 1000 / this.rate;
    const floor = late ? 0 : -1;
    if (this.tokens >= floor) return go;
    const waitMs = Math.ceil(((floor - this.tokens) / this.rate) * 1000);
    return { ...slot, waitMs, at: t + waitMs, paid: true };
  }

  /** The server throttled the call of `ticket`: drain the burst, and shrink the rate once per event. */
  throttled(ticket: number): void {
    this.throttles++;
    this.penalize();
    // The server has no token left.
    this.tokens = 0;
    this.tokensAt = this.clock();
    if (ticket < this.firstTicketSinceDecrease) return;
    this.setRate(Math.max(this.ceiling * this.aimd.minShare, this.rate * this.aimd.decrease));
    this.firstTicketSinceDecrease = this.nextTicket;
    this.lastDecreaseEpoch = ++this.epoch;
    this.increases = [];
    this.restartFromNow();
    this.decreases++;
    this.lastChange = this.clock();
  }

  /** Additive increase: one slice per whole quiet window since the last change. */
  private recover(): void {
    const t = this.clock();
    if (this.rate >= this.ceiling) {
      this.lastChange = t;
      return;
    }
    const windows = Math.floor((t - this.lastChange) / this.quietMs);
    if (windows <= 0) return;
    this.lastChange += windows * this.quietMs;
    const before = this.rate;
    this.setRate(Math.min(this.ceiling, this.rate + windows * this.aimd.increase * this.ceiling));
    // Calls already queued at the slower rate move up (else a long queue would keep it for seconds).
    const ratio = before / this.rate;
    this.compress(t, ratio);
    this.increases.push({ epoch: ++this.epoch, at: t, ratio });
  }

  private setRate(rate: number): void {
    this.rate = rate;
    this.setInterval(1000 / rate);
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

/**
 * The longest a caller sleeps before checking in again (`confirm`): a rate raised meanwhile
 * brings its turn forward.
 */
export const CHECK_IN_MS = 1000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

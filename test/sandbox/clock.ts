/**
 * A clock that real time moves, and that waits move further without waiting: share it between a
 * sandbox (`startSandbox({ clock: clock.now })`) and connectform's lag waits (`useLagClock`), and a
 * 1.5 s consistency delay is waited out by the client without costing 1.5 s of wall time. Time
 * still only moves forward, and stamps such as LastUpdatedTime still differ between calls.
 */
import type { LagClock } from '../../src/aws/lag.js';

export class FastForwardClock implements LagClock {
  private skipped = 0;
  /** Every wait asked for, in order (tests count them; none is ever slept). */
  readonly waits: number[] = [];

  readonly now = (): number => Date.now() + this.skipped;

  readonly sleep = async (ms: number): Promise<void> => {
    this.waits.push(ms);
    this.skipped += ms;
    // Yield, as a real wait would: other requests in flight get their turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  /** Time passes (e.g. between one apply and the next plan). */
  advance(ms: number): void {
    this.skipped += ms;
  }
}

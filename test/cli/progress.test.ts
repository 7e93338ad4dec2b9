/** Progress with an injected clock: totals, elapsed time, and the off-TTY heartbeat. */
import { describe, expect, it } from 'vitest';
import {
  HEARTBEAT_MS,
  SpinnerProgress,
  createProgress,
  formatElapsed,
  openProgress,
  type ProgressClock,
  type Spinner,
} from '../../src/cli/progress.js';

/** A clock the test moves by hand; `every` timers fire as it passes their times. */
function manualClock() {
  let now = 0;
  const timers: { ms: number; next: number; fn: () => void; live: boolean }[] = [];
  const clock: ProgressClock = {
    now: () => now,
    every(ms, fn) {
      const t = { ms, next: now + ms, fn, live: true };
      timers.push(t);
      return () => {
        t.live = false;
      };
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      now = due.next;
      due.next += due.ms;
      due.fn();
    }
    now = end;
  };
  return { clock, advance, live: () => timers.filter((t) => t.live).length };
}

describe('progress off a terminal', () => {
  it('prints a heartbeat at least every 30 s during a long phase, with counts, total and elapsed time', () => {
    let out = '';
    const { clock, advance, live } = manualClock();
    const p = createProgress({ write: (s: string) => (out += s), isTTY: false }, true, {}, clock);
    p.phase('Applying 4 change(s) to prod', 4);
    p.step('done: create rule "a"', true);
    advance(HEARTBEAT_MS);
    p.step('done: create rule "b"', true);
    advance(HEARTBEAT_MS * 2 + 5_000);
    p.stop();
    expect(out.split('\n').filter(Boolean)).toEqual([
      'Applying 4 change(s) to prod...',
      '  done: create rule "a"',
      '  ... Applying 4 change(s) to prod: 1/4 · 30s',
      '  done: create rule "b"',
      '  ... Applying 4 change(s) to prod: 2/4 · 1m00s',
      '  ... Applying 4 change(s) to prod: 2/4 · 1m30s',
      'Applying 4 change(s) to prod: 2/4 · 1m35s done',
    ]);
    expect(live()).toBe(0); // the heartbeat stops with the phase
  });

  it('counts reads without a total, and a new phase restarts the clock', () => {
    let out = '';
    const { clock, advance } = manualClock();
    const p = createProgress({ write: (s: string) => (out += s), isTTY: false }, true, {}, clock);
    p.phase('Reading live state of dev');
    for (let i = 0; i < 120; i++) p.step(`rules ${i + 1}/1000`);
    advance(65_000);
    p.phase('Applying 1 change(s) to dev', 1);
    advance(1_000);
    p.stop();
    // The heartbeat repeats the read's running totals (the last unlogged step).
    expect(out).toContain('  ... Reading live state of dev: 120 · 30s · rules 120/1000\n');
    expect(out).toContain('  ... Reading live state of dev: 120 · 1m00s · rules 120/1000\n');
    expect(out).toContain('Reading live state of dev: 120 · 1m05s · rules 120/1000 done\n');
    expect(out).toContain('Applying 1 change(s) to dev: 0/1 · 1s done\n');
  });
});

describe('progress on a terminal', () => {
  /** A spinner that keeps every text it was given, in order. */
  function recordingSpinner() {
    const shown: string[] = [];
    const spinner = {
      set text(t: string) {
        shown.push(t);
      },
      get text() {
        return shown[shown.length - 1] ?? '';
      },
      start(t?: string) {
        if (t !== undefined) shown.push(t);
        return spinner;
      },
      succeed(t?: string) {
        shown.push(`done: ${t}`);
        return spinner;
      },
    };
    return { spinner: spinner as unknown as Spinner, shown };
  }

  it('shows counts with the total and the elapsed time, moving every second, and ends with both', () => {
    const { clock, advance, live } = manualClock();
    const { spinner, shown } = recordingSpinner();
    const p = new SpinnerProgress(spinner, clock);
    p.phase('Applying 4 change(s) to prod', 4);
    p.step('done: create rule "a"');
    advance(65_000);
    expect(spinner.text).toBe('Applying 4 change(s) to prod: 1/4 · 1m05s · done: create rule "a"');
    p.step('done: create rule "b"');
    expect(spinner.text).toBe('Applying 4 change(s) to prod: 2/4 · 1m05s · done: create rule "b"');
    p.stop();
    expect(shown[0]).toBe('Applying 4 change(s) to prod: 0/4 · 0s');
    expect(shown).toContain('Applying 4 change(s) to prod: 1/4 · 30s · done: create rule "a"'); // the clock ticks on its own
    expect(shown[shown.length - 1]).toBe('done: Applying 4 change(s) to prod (2/4 · 1m05s)');
    expect(live()).toBe(0); // the tick stops with the phase
  });

  it('is what openProgress picks for a terminal stream: no heartbeat lines, a final line with the totals', async () => {
    let out = '';
    const { clock, advance } = manualClock();
    // a terminal as ora drives it (it may also be disabled by CI in the test's own environment)
    const tty = {
      write: (s: string) => {
        out += s;
        return true;
      },
      isTTY: true,
      columns: 80,
      on: () => tty,
      removeListener: () => tty,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    };
    const p = await openProgress(tty as never, true, {}, clock);
    p.phase('Applying 2 change(s) to dev', 2);
    p.step('done: update rule "a"', true);
    advance(HEARTBEAT_MS * 3);
    p.stop();
    expect(out).not.toContain('  ... ');
    expect(out).toContain('Applying 2 change(s) to dev (1/2 · 1m30s)');
  });
});

describe('formatElapsed', () => {
  it('reads like a person would say it', () => {
    expect([0, 8_000, 59_999, 65_000, 3_600_000 + 120_000].map(formatElapsed)).toEqual([
      '0s',
      '8s',
      '59s',
      '1m05s',
      '1h02m',
    ]);
  });
});

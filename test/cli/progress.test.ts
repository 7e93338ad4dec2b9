/** Progress with an injected clock: totals, elapsed time, and the off-TTY heartbeat. */
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, createProgress, formatElapsed, type ProgressClock } from '../../src/cli/progress.js';

/** A clock the test moves by hand; `every` timers fire as it passes their times. */
function manualClock() {
  let now = 0;
  const timers: { ms: number; next: number; fn: () => void; live: boolean }[] = [];
  const clock: ProgressClock = {
    now: () => now,
    every(ms, fn) {
      const t = { ms, next: now + ms, fn, live: true };
      timers.push(t);
      return () => void (t.live = false);
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
    for (let i = 0; i < 120; i++) p.step(`rule r${i}`);
    advance(65_000);
    p.phase('Applying 1 change(s) to dev', 1);
    advance(1_000);
    p.stop();
    expect(out).toContain('  ... Reading live state of dev: 120 · 30s\n');
    expect(out).toContain('  ... Reading live state of dev: 120 · 1m00s\n');
    expect(out).toContain('Reading live state of dev: 120 · 1m05s done\n');
    expect(out).toContain('Applying 1 change(s) to dev: 0/1 · 1s done\n');
  });
});

describe('formatElapsed', () => {
  it('reads like a person would say it', () => {
    expect([0, 8_000, 59_999, 65_000, 3_600_000 + 120_000].map(formatElapsed)).toEqual(['0s', '8s', '59s', '1m05s', '1h02m']);
  });
});

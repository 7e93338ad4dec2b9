/**
 * mapConcurrent, the kinds' describe fan-out: p-limit caps what is in flight; results come in
 * input order; the list is read only a bounded way ahead; a failure reaches the reader.
 * Promises resolved by hand, no timers: what is asserted is counted, never timed.
 */
import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../src/kinds/common.js';

/** A call the test finishes by hand, in any order. */
function gate() {
  const pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = (i: number) =>
    new Promise<string>((resolve, reject) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const done = () => inFlight--;
      pending.set(i, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
    });
  return { pending, fn, max: () => maxInFlight };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('mapConcurrent', () => {
  it('keeps at most n in flight and yields in input order, whatever order calls finish in', async () => {
    const g = gate();
    const out: string[] = [];
    const run = (async () => {
      for await (const r of mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 3, g.fn)) out.push(r);
    })();
    await tick();
    expect([...g.pending.keys()]).toEqual([0, 1, 2]);
    // Finish the later ones first: they start the next calls but are not yielded before 0.
    g.pending.get(2)!.resolve('c');
    g.pending.get(1)!.resolve('b');
    await tick();
    expect(out).toEqual([]);
    for (let i = 0; i < 8; i++) {
      await tick();
      g.pending.get(i)?.resolve(String.fromCharCode(97 + i));
    }
    await run;
    expect(out).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(g.max()).toBe(3);
  });

  it('reads the input at most 2n ahead of what the reader took', async () => {
    let read = 0;
    async function* source() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    const it = mapConcurrent(source(), 2, async (i) => i)[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe(0);
    await tick();
    expect(read).toBeLessThanOrEqual(5);
    await it.return?.();
  });

  it('hands a failure to the reader, and the failures not yet reached are not unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const run = async () => {
        for await (const _ of mapConcurrent([0, 1, 2, 3], 4, async (i) => {
          if (i > 0) throw new Error(`boom ${i}`);
          await tick();
          return i;
        }))
          void _;
      };
      await expect(run()).rejects.toThrow('boom 1');
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

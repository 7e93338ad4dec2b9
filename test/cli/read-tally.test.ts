/**
 * Read totals (issue #11 point 7, "rules 120/1000 · 1m05s"): the tally's text, the listing counts
 * a kind's read reports through mapConcurrent, and the line a real plan prints off a terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../src/kinds/common.js';
import { ReadTally } from '../../src/cli/read-tally.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { postCallRule, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';

describe('ReadTally', () => {
  it('shows read/found per kind, an ellipsis while a list may have more pages, a bare count for a kind that cannot count ahead', () => {
    const tally = new ReadTally((k) => `${k}s`);
    tally.listed('dev', 'rule', 'found');
    tally.listed('dev', 'rule', 'found');
    tally.read('rule');
    tally.read('lexChannelAssociation');
    expect(tally.text()).toBe('rules 1/2…, lexChannelAssociations 1');
    tally.listed('dev', 'rule', 'complete');
    expect(tally.text()).toBe('rules 1/2, lexChannelAssociations 1');
  });

  it('keeps the kinds in the order given, whichever reported first', () => {
    const order = ['rule', 'taskTemplate'];
    const tally = new ReadTally(
      (k) => k,
      (k) => order.indexOf(k),
    );
    tally.read('taskTemplate');
    tally.read('rule');
    expect(tally.text()).toBe('rule 1, taskTemplate 1');
  });

  it('adds the targets read together, complete only when every target listed to its end', () => {
    const tally = new ReadTally();
    for (const t of ['dev', 'prod']) tally.listed(t, 'rule', 'found');
    tally.listed('dev', 'rule', 'complete');
    expect(tally.text()).toBe('rule 0/2…');
    tally.listed('prod', 'rule', 'complete');
    expect(tally.text()).toBe('rule 0/2');
  });
});

describe('mapConcurrent with a listing', () => {
  async function* slowList(n: number, failAt?: number) {
    for (let i = 0; i < n; i++) {
      await Promise.resolve();
      if (i === failAt) throw new Error('list page failed');
      yield i;
    }
  }

  it('counts every item the list names before the first result is taken, keeps order, and says when the list ended', async () => {
    const events: string[] = [];
    const listing = { found: () => events.push('found'), complete: () => events.push('complete') };
    const out: number[] = [];
    for await (const r of mapConcurrent(slowList(50), 2, async (i) => i * 10, listing)) out.push(r);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
    expect(events.filter((e) => e === 'found')).toHaveLength(50);
    expect(events.at(-1)).toBe('complete');
  });

  it('a failing list page fails the read and never reports complete', async () => {
    const events: string[] = [];
    const out: number[] = [];
    const read = async () => {
      for await (const r of mapConcurrent(slowList(10, 4), 2, async (i) => i, {
        found: () => events.push('found'),
        complete: () => events.push('complete'),
      }))
        out.push(r);
    };
    await expect(read()).rejects.toThrow('list page failed');
    expect(events).toHaveLength(4); // the four items before the failed page were counted
    expect(events).not.toContain('complete');
  });

  it('stops listing when the consumer gives up (a describe failed)', async () => {
    let listed = 0;
    async function* endless() {
      for (;;) {
        await Promise.resolve();
        listed++;
        yield listed;
      }
    }
    const read = async () => {
      for await (const _ of mapConcurrent(
        endless(),
        2,
        async (i) => {
          if (i === 3) throw new Error('describe failed');
          return i;
        },
        { found() {}, complete() {} },
      ));
    };
    await expect(read()).rejects.toThrow('describe failed');
    const after = listed;
    // Nothing lists on: a few turns of the event loop would let a runaway reader move.
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(listed).toBe(after);
  });
});

describe('a plan off a terminal', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: structuredClone(DEFAULT_SEED), quotas: false });
  });
  afterAll(async () => sandbox?.stop());

  it('ends its reading line with the totals per kind', async () => {
    const dir = tempDir('read-tally-');
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { rules: [postCallRule('tally-a'), postCallRule('tally-b'), postCallRule('tally-c')] },
    );
    expect((await runCliInProcess(['apply', dir, '--auto-approve'], { cwd: dir })).code).toBe(0);
    const r = await runCliInProcess(['plan', dir], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Reading live state of dev: 3 · \d+s · rules 3\/3 done/);
  });
});

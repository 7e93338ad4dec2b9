/**
 * Resources without a last-modified stamp (custom actions) in the snapshot cache: re-verified a
 * slice at a time under a maximum age (src/engine/cache.ts, UNSTAMPED_MAX_AGE_MS), not all at
 * once when the cache passes a window. The cache's clock is injected; the sandbox counts the
 * describe calls (chatbot:GetCustomAction) each plan makes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { openSession } from '../helpers/session.js';
import { SnapshotCache, UNSTAMPED_MAX_AGE_MS, UNSTAMPED_SLICES } from '../../src/engine/cache.js';
import type { LiveResource } from '../../src/kinds/types.js';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { actionBody } from '../faults/helpers.js';

const HOUR = 60 * 60 * 1000;
const ACTIONS = 12;
const T0 = Date.UTC(2026, 0, 5, 9);

let sandbox: SandboxHandle;
let dir: string;
let cacheDir: string;
let clock = T0;

/** One plan at the injected time; returns how many custom actions it described. */
async function planAt(time: number, extra: { refresh?: boolean } = {}): Promise<number> {
  clock = time;
  const session = await openSession(dir, 't', {
    endpoint: sandbox.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    cacheDir,
    pendingDir: false,
    cacheClock: () => clock,
    quotaScale: 50,
    ...extra,
  });
  sandbox.resetStats();
  try {
    const plan = await session.plan();
    expect(plan.changes).toEqual([]);
  } finally {
    session.close();
  }
  return sandbox.stats().operations['chatbot:GetCustomAction']?.calls ?? 0;
}

/** When each cached custom action was last described. */
function verifiedAt(): number[] {
  const [file] = readdirSync(cacheDir);
  const doc = JSON.parse(readFileSync(join(cacheDir, file), 'utf8')) as { entries: [string, { savedAt: number }][] };
  return doc.entries.filter(([key]) => key.startsWith('customAction|')).map(([, e]) => e.savedAt);
}

beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
  dir = writeConfig(
    tempDir('unstamped-'),
    { t: { endpoint: sandbox.endpoint } },
    {},
    { customActions: Array.from({ length: ACTIONS }, (_, i) => actionBody(`slice-${i}`)) },
  );
  cacheDir = join(dir, 'cache');
  const session = await openSession(dir, 't', {
    endpoint: sandbox.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    cacheDir: false,
    pendingDir: false,
    quotaScale: 50,
  });
  try {
    const report = await session.apply(await session.plan());
    expect(report.summary.ok).toBe(ACTIONS);
  } finally {
    session.close();
  }
});
afterAll(async () => sandbox?.stop());

describe('custom actions in the snapshot cache (no last-modified stamp)', () => {
  const slice = Math.ceil(ACTIONS / UNSTAMPED_SLICES);

  it('are re-verified a slice at a time on hourly runs, each within the maximum age', async () => {
    expect(await planAt(T0, { refresh: true })).toBe(ACTIONS);
    expect(await planAt(T0 + 10 * 60 * 1000)).toBe(0); // minutes later: nothing is due
    let total = 0;
    for (let run = 1; run <= UNSTAMPED_SLICES; run++) {
      const described = await planAt(T0 + run * HOUR);
      expect(described).toBe(slice); // before: all 12 at once once the cache was 15 minutes old
      total += described;
    }
    expect(total).toBe(ACTIONS);
    // Oldest first: after max-age worth of hourly runs every entry was re-verified once.
    const ages = verifiedAt().map((t) => T0 + UNSTAMPED_SLICES * HOUR - t);
    expect(ages).toHaveLength(ACTIONS);
    expect(Math.max(...ages)).toBeLessThan(UNSTAMPED_MAX_AGE_MS);
    expect(new Set(verifiedAt()).size).toBe(UNSTAMPED_SLICES); // one slice per run, none twice
  });

  it('are all re-read when the cache is older than the maximum age (no run for a long time)', async () => {
    const last = Math.max(...verifiedAt());
    expect(await planAt(last + UNSTAMPED_MAX_AGE_MS + 1)).toBe(ACTIONS);
    expect(await planAt(last + UNSTAMPED_MAX_AGE_MS + 2)).toBe(0);
  });
});

describe('saving the snapshot cache', () => {
  const live = (id: string): LiveResource => ({
    kind: 'rule',
    key: id,
    id,
    body: { Name: id },
    managed: true,
    version: 'v1',
  });
  const fileIn = () => join(tempDir('cache-save-'), 'cache.json');

  it('a cache of an earlier format (rule Functions as strings) is dropped, not read', async () => {
    const file = fileIn();
    const first = new SnapshotCache(file);
    await first.through('rule', 'a', 'stamp-1', async () => live('a'));
    first.completed('rule');
    first.save();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...doc, format: 2 }));
    const second = new SnapshotCache(file);
    let described = 0;
    await second.through('rule', 'a', 'stamp-1', async () => {
      described++;
      return live('a');
    });
    expect(described).toBe(1);
  });

  it('a run that only took entries from the cache leaves the file alone', async () => {
    const file = fileIn();
    const first = new SnapshotCache(file);
    await first.through('rule', 'a', 'stamp-1', async () => live('a'));
    first.completed('rule');
    first.save();
    const before = statSync(file).ino;

    const second = new SnapshotCache(file);
    let described = 0;
    await second.through('rule', 'a', 'stamp-1', async () => {
      described++;
      return live('a');
    });
    second.completed('rule');
    second.save();
    expect(described).toBe(0);
    expect(statSync(file).ino).toBe(before); // an atomic write would have replaced the file
  });

  it('what apply forgets leaves the file, even when nothing else changed', async () => {
    const file = fileIn();
    const first = new SnapshotCache(file);
    for (const id of ['a', 'b']) await first.through('rule', id, 'stamp-1', async () => live(id));
    first.completed('rule');
    first.save();

    const second = new SnapshotCache(file);
    for (const id of ['a', 'b']) await second.through('rule', id, 'stamp-1', async () => live(id));
    second.completed('rule');
    second.save();
    second.forget('rule', 'b');
    second.save();
    const keys = (JSON.parse(readFileSync(file, 'utf8')) as { entries: [string][] }).entries.map(([k]) => k);
    expect(keys).toEqual(['rule|a']);
  });
});

/**
 * The applier through its engine API with a scripted kind: ordering, deterministic tokens,
 * safety refusal before any write, and a replace that must never lose the resource.
 */
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { FastForwardClock } from '../sandbox/clock.js';
import { applyPlan } from '../../src/engine/apply.js';
import { PendingCreates } from '../../src/engine/pending.js';
import { NO_CACHE } from '../../src/engine/cache.js';
import { emptySummary, type Change, type Plan } from '../../src/engine/plan.js';
import { liveKey } from '../../src/engine/planner.js';
import { SafetyError } from '../../src/errors.js';
import type { Body, LiveResource, ResourceKind, TargetContext } from '../../src/kinds/types.js';

function scriptedKind(failCreate: (b: Body) => boolean) {
  const calls: string[] = [];
  const tokens: string[] = [];
  const kind = {
    name: 'rule',
    configKey: 'rules',
    title: 'Connect rule',
    capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: false },
    key: (b: Body) => String(b.Name),
    audit: () => [],
    read: async function* () {},
    normalize: (b: Body) => ({ Name: b.Name, V: b.V }),
    replaceReason: () => undefined,
    create: async (_ctx: TargetContext, b: Body, token: string) => {
      calls.push(`create ${b.Name}@${b.V}`);
      tokens.push(token);
      if (failCreate(b)) throw new Error(`create of ${b.Name}@${b.V} rejected`);
      return { id: `new-${b.Name}` };
    },
    update: async (_ctx: TargetContext, l: LiveResource) => void calls.push(`update ${l.key}`),
    delete: async (_ctx: TargetContext, l: LiveResource) => void calls.push(`delete ${l.key}`),
  } as unknown as ResourceKind;
  return { kind, calls, tokens };
}

// aws.lag: a replace waits out its freed name on it (aws/lag.ts); nothing here sleeps.
const ctx = { target: { name: 't', region: 'us-east-2', instanceId: 'i', accountId: '' }, aws: { lag: new FastForwardClock() }, flows: new ContactFlowDirectory(), cache: NO_CACHE, declared: [], log: () => {} } as unknown as TargetContext;
const liveOf = (name: string, v: number): LiveResource => ({ kind: 'rule', key: name, id: `id-${name}`, body: { Name: name, V: v }, managed: true, version: '1' });
const planOf = (changes: Change[], blocked: Plan['blocked'] = []): Plan => ({
  version: 2, target: 't', scope: { region: 'us-east-2', instanceId: 'i' }, createdAt: '', configFingerprint: '', changes, unmanaged: [], blocked, notes: [], summary: emptySummary(),
});
const replace = (name: string): Change => ({ kind: 'rule', name, action: 'replace', fields: [], id: `id-${name}`, desired: { Name: name, V: 2 } });

describe('applyPlan', () => {
  it('restores the old resource when the create of a replace fails, and says so', async () => {
    const { kind, calls } = scriptedKind((b) => b.V === 2);
    const live = new Map([[liveKey('rule', 'a'), liveOf('a', 1)]]);
    const report = await applyPlan(ctx, [kind], planOf([replace('a')]), live, { parallelism: 2 });
    expect(calls).toEqual(['delete a', 'create a@2', 'create a@1']);
    expect(report.results[0]).toMatchObject({ status: 'restored', message: expect.stringMatching(/restored/) });
    expect(report.summary.restored).toBe(1);
  });

  it('keeps the old body in the report when the restore fails too', async () => {
    const { kind } = scriptedKind(() => true);
    const live = new Map([[liveKey('rule', 'a'), liveOf('a', 1)]]);
    const report = await applyPlan(ctx, [kind], planOf([replace('a')]), live, { parallelism: 1 });
    expect(report.results[0]).toMatchObject({ status: 'failed', lostBody: { Name: 'a', V: 1 } });
  });

  it('a create whose outcome is unknown is re-sent with the same token; a finished or refused one gets a new token', async () => {
    // What AWS does with a token (replay within its window, even after the resource is gone) is
    // why the token must not outlive the create it guards: see pending.ts.
    let outcome: 'ok' | 'unknown' | 'refused' = 'unknown';
    const { kind, tokens } = scriptedKind(() => outcome !== 'ok');
    const failing = kind.create;
    kind.create = async (c, b, token) => {
      try {
        return await failing(c, b, token);
      } catch (err) {
        // An unknown outcome: the connection dropped after the request went out.
        throw outcome === 'unknown' ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) : Object.assign(err as Error, { $metadata: { httpStatusCode: 400 } });
      }
    };
    const journal = new PendingCreates(); // one journal across the runs, as the state directory keeps it
    const create = (v: number): Change => ({ kind: 'rule', name: 'n', action: 'create', fields: [], desired: { Name: 'n', V: v } });
    const run = () => applyPlan(ctx, [kind], planOf([create(1)]), new Map(), { parallelism: 1, pending: journal });

    await run(); // dropped: did AWS make it? only a replay of the same token can tell
    outcome = 'ok';
    await run(); // the re-run replays the token: no duplicate
    expect(tokens[1]).toBe(tokens[0]);
    expect(journal.has('rule', 'n')).toBe(false);

    await run(); // deleted since, declared again: a new create, a new token
    expect(tokens[2]).not.toBe(tokens[1]);

    outcome = 'refused';
    await run();
    outcome = 'ok';
    await run(); // nothing of the refused attempt lives on: a new token
    expect(tokens[4]).not.toBe(tokens[3]);
    await applyPlan(ctx, [kind], planOf([create(2)]), new Map(), { parallelism: 1, pending: journal });
    expect(new Set(tokens).size).toBe(5);
    expect(tokens[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('runs deletes after every create and update', async () => {
    const { kind, calls } = scriptedKind(() => false);
    const live = new Map([[liveKey('rule', 'old'), liveOf('old', 1)], [liveKey('rule', 'u'), liveOf('u', 1)]]);
    const changes: Change[] = [
      { kind: 'rule', name: 'old', action: 'delete', fields: [], id: 'id-old' },
      { kind: 'rule', name: 'u', action: 'update', fields: [{ path: 'V', op: 'change', before: 1, after: 2 }], desired: { Name: 'u', V: 2 } },
      { kind: 'rule', name: 'c', action: 'create', fields: [], desired: { Name: 'c', V: 1 } },
    ];
    await applyPlan(ctx, [kind], planOf(changes), live, { parallelism: 4 });
    expect(calls.at(-1)).toBe('delete old');
  });

  it('refuses before any write when a safety rail blocks (threshold passes only with force)', async () => {
    const { kind, calls } = scriptedKind(() => false);
    const del: Change = { kind: 'rule', name: 'a', action: 'delete', fields: [], id: 'id-a' };
    const live = new Map([[liveKey('rule', 'a'), liveOf('a', 1)]]);
    const threshold = planOf([del], [{ rule: 'threshold', kind: 'rule', message: 'too many' }]);
    await expect(applyPlan(ctx, [kind], threshold, live, { parallelism: 1 })).rejects.toBeInstanceOf(SafetyError);
    expect(calls).toEqual([]);
    await applyPlan(ctx, [kind], threshold, live, { parallelism: 1, force: true });
    expect(calls).toEqual(['delete a']);
    const prevent = planOf([del], [{ rule: 'preventDestroy', kind: 'rule', name: 'a', message: 'protected' }]);
    await expect(applyPlan(ctx, [kind], prevent, live, { parallelism: 1, force: true })).rejects.toBeInstanceOf(SafetyError);
  });
});

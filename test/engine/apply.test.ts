/**
 * The applier through its engine API with a scripted kind: ordering, deterministic tokens,
 * safety refusal before any write, and a replace that must never lose the resource.
 */
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { FastForwardClock } from '../sandbox/clock.js';
import { applyPlan, tokenFor } from '../../src/engine/apply.js';
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
const ctx = {
  target: { name: 't', region: 'us-east-2', instanceId: 'i', accountId: '' },
  aws: { lag: new FastForwardClock() },
  flows: new ContactFlowDirectory(),
  cache: NO_CACHE,
  declared: [],
  log: () => {},
} as unknown as TargetContext;
const liveOf = (name: string, v: number): LiveResource => ({
  kind: 'rule',
  key: name,
  id: `id-${name}`,
  body: { Name: name, V: v },
  managed: true,
  version: '1',
});
const planOf = (changes: Change[], blocked: Plan['blocked'] = []): Plan => ({
  version: 3,
  target: 't',
  scope: { region: 'us-east-2', instanceId: 'i' },
  createdAt: '',
  configFingerprint: '',
  changes,
  unmanaged: [],
  blocked,
  notes: [],
  summary: emptySummary(),
});
const replace = (name: string): Change => ({
  kind: 'rule',
  name,
  action: 'replace',
  fields: [],
  id: `id-${name}`,
  desired: { Name: name, V: 2 },
});

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
        throw outcome === 'unknown'
          ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
          : Object.assign(err as Error, { $metadata: { httpStatusCode: 400 } });
      }
    };
    const journal = new PendingCreates(); // one journal across the runs, as the state directory keeps it
    const create = (v: number): Change => ({
      kind: 'rule',
      name: 'n',
      action: 'create',
      fields: [],
      desired: { Name: 'n', V: v },
    });
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

  describe('a replace never loses the old body (the journal keeps it from before the delete)', () => {
    const create = (name: string): Change => ({
      kind: 'rule',
      name,
      action: 'create',
      fields: [],
      desired: { Name: name, V: 2 },
    });

    it('journals the old body before the delete, and clears it once the new one exists', async () => {
      const { kind, calls } = scriptedKind(() => false);
      const journal = new PendingCreates();
      const seenAtDelete: unknown[] = [];
      const del = kind.delete;
      kind.delete = async (c, l) => {
        seenAtDelete.push(journal.interruptedReplace('rule', l.key));
        return del(c, l);
      };
      const live = new Map([[liveKey('rule', 'a'), liveOf('a', 1)]]);
      const report = await applyPlan(ctx, [kind], planOf([replace('a')]), live, { parallelism: 1, pending: journal });
      expect(calls).toEqual(['delete a', 'create a@2']);
      expect(seenAtDelete).toEqual([{ oldId: 'id-a', oldBody: { Name: 'a', V: 1 } }]);
      expect(report.results[0].status).toBe('ok');
      expect(journal.interruptedReplace('rule', 'a')).toBeUndefined();
    });

    it('a delete refused for good leaves the old resource, and no journal entry', async () => {
      const { kind } = scriptedKind(() => false);
      kind.delete = async () => {
        throw Object.assign(new Error('AccessDeniedException'), { $metadata: { httpStatusCode: 403 } });
      };
      const journal = new PendingCreates();
      const live = new Map([[liveKey('rule', 'a'), liveOf('a', 1)]]);
      const report = await applyPlan(ctx, [kind], planOf([replace('a')]), live, { parallelism: 1, pending: journal });
      expect(report.results[0].status).toBe('failed');
      expect(journal.interruptedReplace('rule', 'a')).toBeUndefined();
    });

    it("recovers a replace killed after its delete: the create replays the killed run's token", async () => {
      const { kind, calls, tokens } = scriptedKind(() => false);
      const journal = new PendingCreates();
      // What the killed run left: the old body, and the nonce of the create it was about to send.
      journal.beginReplace('rule', 'a', { oldId: 'id-a', oldBody: { Name: 'a', V: 1 } });
      const nonce = journal.begin('rule', 'a');
      const report = await applyPlan(ctx, [kind], planOf([create('a')]), new Map(), {
        parallelism: 1,
        pending: journal,
      });
      expect(calls).toEqual(['create a@2']);
      expect(tokens).toEqual([tokenFor(ctx, replace('a'), { Name: 'a', V: 2 }, nonce, 'id-a')]);
      expect(report.results[0].status).toBe('ok');
      expect(journal.interruptedReplace('rule', 'a')).toBeUndefined();
      expect(journal.has('rule', 'a')).toBe(false);
    });

    it('a recovery whose create fails restores the old body (not converged)', async () => {
      const { kind, calls } = scriptedKind((b) => b.V === 2);
      const journal = new PendingCreates();
      journal.beginReplace('rule', 'a', { oldId: 'id-a', oldBody: { Name: 'a', V: 1 } });
      const report = await applyPlan(ctx, [kind], planOf([create('a')]), new Map(), {
        parallelism: 1,
        pending: journal,
      });
      expect(calls).toEqual(['create a@2', 'create a@1']);
      expect(report.results[0]).toMatchObject({
        status: 'restored',
        message: expect.stringMatching(/restored: not converged/),
      });
      expect(journal.interruptedReplace('rule', 'a')).toBeUndefined(); // the old body is live again
    });

    it('when the restore fails too, the old body stays in the report and the journal, and the next apply recovers', async () => {
      let failing = true;
      const { kind, calls } = scriptedKind(() => failing);
      const journal = new PendingCreates();
      const live = new Map([[liveKey('rule', 'a'), liveOf('a', 1)]]);
      const first = await applyPlan(ctx, [kind], planOf([replace('a')]), live, { parallelism: 1, pending: journal });
      expect(first.results[0]).toMatchObject({
        status: 'failed',
        lostBody: { Name: 'a', V: 1 },
        message: expect.stringMatching(/in the journal/),
      });
      expect(journal.interruptedReplace('rule', 'a')).toEqual({ oldId: 'id-a', oldBody: { Name: 'a', V: 1 } });

      failing = false;
      calls.length = 0;
      const next = await applyPlan(ctx, [kind], planOf([create('a')]), new Map(), { parallelism: 1, pending: journal });
      expect(calls).toEqual(['create a@2']);
      expect(next.results[0].status).toBe('ok');
      expect(journal.interruptedReplace('rule', 'a')).toBeUndefined();
    });

    it('an entry whose resource exists again is settled at the start of the next apply', async () => {
      const { kind } = scriptedKind(() => false);
      const journal = new PendingCreates();
      journal.beginReplace('rule', 'a', { oldId: 'id-old', oldBody: { Name: 'a', V: 1 } });
      await applyPlan(ctx, [kind], planOf([]), new Map([[liveKey('rule', 'a'), liveOf('a', 2)]]), {
        parallelism: 1,
        pending: journal,
      });
      expect(journal.interruptedReplace('rule', 'a')).toBeUndefined();
    });
  });

  it('a delete clears what the journal holds about the resource, even an entry settling would keep', async () => {
    const { kind } = scriptedKind(() => false);
    const journal = new PendingCreates();
    // Our create returned this very id (so settle keeps the entry for the plan's mark); then the
    // resource is deleted: its token must not be replayed by a later create of the name.
    journal.begin('rule', 'old');
    journal.created('rule', 'old', 'id-old');
    const live = new Map([[liveKey('rule', 'old'), { ...liveOf('old', 1), managed: false }]]);
    const del: Change = { kind: 'rule', name: 'old', action: 'delete', fields: [], id: 'id-old' };
    await applyPlan(ctx, [kind], planOf([]), live, { parallelism: 1, pending: journal });
    expect(journal.has('rule', 'old')).toBe(true);
    await applyPlan(ctx, [kind], planOf([del]), live, { parallelism: 1, pending: journal });
    expect(journal.has('rule', 'old')).toBe(false);
  });

  it('runs deletes after every create and update', async () => {
    const { kind, calls } = scriptedKind(() => false);
    const live = new Map([
      [liveKey('rule', 'old'), liveOf('old', 1)],
      [liveKey('rule', 'u'), liveOf('u', 1)],
    ]);
    const changes: Change[] = [
      { kind: 'rule', name: 'old', action: 'delete', fields: [], id: 'id-old' },
      {
        kind: 'rule',
        name: 'u',
        action: 'update',
        fields: [{ path: 'V', op: 'change', before: 1, after: 2 }],
        desired: { Name: 'u', V: 2 },
      },
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
    await expect(applyPlan(ctx, [kind], prevent, live, { parallelism: 1, force: true })).rejects.toBeInstanceOf(
      SafetyError,
    );
  });
});

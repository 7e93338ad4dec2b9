/**
 * The shared battery (test/battery/battery.ts) pointed at a real account: the sandbox fixtures
 * with every created name under the run's prefix and the sandbox's seeded references swapped for
 * the instance's own (live-env.ts), and a world whose stop() deletes everything under the prefix
 * whatever happened before (the battery calls it from afterAll).
 */
import { join } from 'node:path';
import type { TargetSession } from '../../src/engine/session.js';
import { openSession } from '../helpers/session.js';
import { kindByName } from '../../src/kinds/index.js';
import type { Body, KindName } from '../../src/kinds/types.js';
import type { BatteryFixture, BatteryWorld } from '../battery/battery.js';
import { ONCALL_CHANNEL, OPS_CHANNEL } from '../battery/fixtures/custom-action.js';
import { tempDir, writeConfig, type TargetSpec } from '../helpers/cli.js';
import type { LiveTarget } from './live-env.js';

/** The members that name what a kind creates (identities and other account-unique names). */
const NAME_MEMBERS: Partial<Record<KindName, string[]>> = {
  rule: ['Name'],
  taskTemplate: ['Name'],
  customAction: ['ActionName', 'AliasName'],
};

/** Kinds a live run can cover: the ones an API can create (not Lex V1 associations). */
export function liveKinds(fixtures: BatteryFixture[]): BatteryFixture[] {
  return fixtures.filter((fx) => kindByName(fx.kind)?.capabilities.create && NAME_MEMBERS[fx.kind]);
}

export function targetSpec(t: LiveTarget): TargetSpec {
  return {
    region: t.region,
    instanceId: t.instanceId,
    ...(t.profile ? { profile: t.profile } : {}),
    ...(t.chatbotRegion ? { chatbotRegion: t.chatbotRegion } : {}),
    ...(t.endpoint ? { endpoint: t.endpoint } : {}),
  };
}

/** `fx` for the live account: the same steps, on prefixed names and the instance's references. */
export function liveFixture(fx: BatteryFixture, t: LiveTarget): BatteryFixture {
  const names = NAME_MEMBERS[fx.kind] ?? [];
  const prefixed = (name: string | undefined) => (name === undefined ? undefined : `${t.prefix}${name}`);
  // A rule on a Zendesk/Salesforce source needs the instance's integration; without one it is left out.
  const kept = (b: Body) =>
    !(b.TriggerEventSource as { IntegrationAssociationId?: string } | undefined)?.IntegrationAssociationId ||
    Boolean(t.integrationAssociationId);
  const channel = (arn: unknown) =>
    arn === OPS_CHANNEL
      ? t.chatConfigurations[0]
      : arn === ONCALL_CHANNEL
        ? (t.chatConfigurations[1] ?? t.chatConfigurations[0])
        : arn;

  const flowsOf = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((v) => flowsOf(v));
    if (!value || typeof value !== 'object') return value;
    if (/FlowId$/.test(key) && typeof (value as { name?: unknown }).name === 'string')
      return { name: key === 'SelfAssignFlowId' ? t.selfAssignFlow : t.contactFlow };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flowsOf(v, k)]));
  };
  const live = (b: Body): Body => {
    const out = flowsOf(structuredClone(b)) as Body;
    for (const m of names) if (typeof out[m] === 'string') out[m] = prefixed(out[m] as string);
    const source = out.TriggerEventSource as { IntegrationAssociationId?: string } | undefined;
    if (source?.IntegrationAssociationId) source.IntegrationAssociationId = t.integrationAssociationId;
    if (Array.isArray(out.ChatConfigurations)) {
      const mapped = [...new Set(out.ChatConfigurations.map(channel).filter(Boolean))];
      if (mapped.length) out.ChatConfigurations = mapped;
      else delete out.ChatConfigurations;
    }
    return out;
  };
  const bodies = (bs: Body[]) => bs.filter(kept).map(live);
  /** An index into the original list, in the list without the left-out bodies. */
  const indexIn = (bs: Body[], i: number) => bs.slice(0, i).filter(kept).length;

  return {
    ...fx,
    seed: undefined,
    base: bodies(fx.base),
    // The battery passes `base` back; the original steps run on the original bodies.
    oneFieldChange: () => {
      const r = fx.oneFieldChange(fx.base);
      return { ...r, bodies: bodies(r.bodies), name: prefixed(r.name), key: prefixed(r.key) };
    },
    replaceChange:
      fx.replaceChange &&
      (() => {
        const r = fx.replaceChange!(fx.base);
        const lifecycle = r.lifecycle && {
          index: indexIn(r.bodies, r.lifecycle.index),
          renamedFrom: prefixed(r.lifecycle.renamedFrom)!,
        };
        return {
          ...r,
          bodies: bodies(r.bodies),
          name: prefixed(r.name),
          key: prefixed(r.key),
          ...(lifecycle ? { lifecycle } : {}),
        };
      }),
    reorderSet: () => bodies(fx.reorderSet(fx.base)),
  };
}

/**
 * What pruning `kind` would delete in the instance, split into this run's (under the prefix)
 * and anyone else's. Read with connectform itself: an empty declaration of the kind, pruned.
 */
async function managedOf(
  t: LiveTarget,
  fx: BatteryFixture,
): Promise<{
  session: TargetSession;
  ours: string[];
  others: string[];
  plan: Awaited<ReturnType<TargetSession['plan']>>;
}> {
  const dir = writeConfig(
    join(tempDir('live-cleanup-'), 'config'),
    { live: targetSpec(t) },
    { prune: [fx.kind] },
    { [fx.configKey]: [] },
  );
  const session = await openSession(dir, 'live', {
    kinds: [fx.kind],
    cacheDir: false,
    pendingDir: false,
    env: process.env,
  });
  const plan = await session.plan();
  const deletes = plan.changes.filter((c) => c.action === 'delete').map((c) => c.name);
  return {
    session,
    plan,
    ours: deletes.filter((n) => n.startsWith(t.prefix)),
    others: deletes.filter((n) => !n.startsWith(t.prefix)),
  };
}

/** Delete every resource of `fx.kind` under the run's prefix; throws naming what is left. */
export async function deleteOurs(t: LiveTarget, fx: BatteryFixture): Promise<void> {
  const { session, plan, ours } = await managedOf(t, fx);
  try {
    if (!ours.length) return;
    const report = await session.apply(
      { ...plan, changes: plan.changes.filter((c) => c.action === 'delete' && ours.includes(c.name)), blocked: [] },
      { force: true },
    );
    const left = report.results.filter((r) => r.status !== 'ok');
    if (left.length)
      throw new Error(
        `live cleanup left ${fx.kind}(s) behind, delete them by hand: ${left.map((r) => `${r.name} (${r.message ?? r.status})`).join('; ')}`,
      );
  } finally {
    session.close();
  }
}

/**
 * The battery's world on a real account. It refuses an instance where connectform already
 * manages resources of the kind (the battery's prune step would delete them), and stop()
 * deletes what the run made, even after a failed step.
 */
export function liveWorld(t: LiveTarget) {
  return async (_dir: string, fx: BatteryFixture): Promise<BatteryWorld> => {
    const { session, others } = await managedOf(t, fx);
    session.close();
    if (others.length) {
      throw new Error(
        `instance ${t.instanceId} already holds connectform-managed ${fx.kind}(s) (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}): ` +
          'the battery prunes, so run it on an instance of its own',
      );
    }
    const { endpoint, ...target } = targetSpec(t);
    return {
      target,
      endpoint,
      // A real account's quotas: no scaling up.
      quotaScale: '1',
      stop: () => deleteOurs(t, fx),
    };
  };
}

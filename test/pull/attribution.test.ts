/**
 * Attribution (who last changed a live resource, and when) travels from the kinds' reads through
 * the planner onto update/replace/delete/manual changes, and is no part of what a saved plan
 * pins: apply does not act on it, and a second console edit's "who" must not be what refuses a
 * reviewed plan (the version stamp does that).
 */
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { buildPlan } from '../../src/engine/planner.js';
import type { Change, Plan } from '../../src/engine/plan.js';
import { planDifferences } from '../../src/engine/saved-plan.js';
import { allKinds } from '../../src/kinds/index.js';
import type { DeclaredResource, LiveResource } from '../../src/kinds/types.js';
import { exampleFunctionJson } from '../helpers/rule-function.js';

const rule = (name: string, status: string) => ({
  Name: name,
  TriggerEventSource: { EventSourceName: 'OnMetricDataUpdate' },
  Function: exampleFunctionJson('OnPostCallAnalysisAvailable'),
  PublishStatus: status,
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'e' } }],
});

const declared = (body: Record<string, unknown>): DeclaredResource => ({
  kind: 'rule',
  body,
  lifecycle: {},
  pos: { file: 'c.yaml', line: 1, col: 1 },
  positionOf: () => ({ file: 'c.yaml', line: 1, col: 1 }),
});

const live = (name: string, status: string, attribution: LiveResource['attribution']): LiveResource => ({
  kind: 'rule',
  key: name,
  id: `id-${name}`,
  body: { ...rule(name, status), Tags: { 'connectform:managed': 'true' } },
  managed: true,
  version: 'v1',
  attribution,
});

const BY = 'arn:aws:sts::123456789012:assumed-role/console-editor/alice';

function planOf(attribution: LiveResource['attribution']): Plan {
  return buildPlan({
    target: 't',
    scope: { region: 'us-east-1', instanceId: 'i' },
    configFingerprint: 'f',
    kinds: allKinds(),
    declared: [declared(rule('changed', 'PUBLISHED'))],
    live: new Map([
      ['rule', [live('changed', 'DRAFT', attribution), live('gone', 'DRAFT', { at: '2026-01-02T00:00:00.000Z' })]],
    ]),
    flows: new ContactFlowDirectory(),
    prune: () => true,
    now: new Date('2026-01-03T00:00:00.000Z'),
  });
}

describe('attribution', () => {
  it('is copied from the live resource onto update and delete changes', () => {
    const plan = planOf({ at: '2026-01-01T00:00:00.000Z', by: BY });
    const byName = new Map(plan.changes.map((c) => [c.name, c] as const));
    expect(byName.get('changed')).toMatchObject({
      action: 'update',
      attribution: { at: '2026-01-01T00:00:00.000Z', by: BY },
    });
    expect(byName.get('gone')).toMatchObject({ action: 'delete', attribution: { at: '2026-01-02T00:00:00.000Z' } });
  });

  it('`{}` (the API does not tell) is kept as such; a create has none', () => {
    const plan = planOf({});
    expect(plan.changes.find((c) => c.name === 'changed')?.attribution).toEqual({});
    const create = buildPlan({ ...inputFor(), live: new Map([['rule', []]]) });
    expect(create.changes[0]).toMatchObject({ action: 'create' });
    expect(create.changes[0]).not.toHaveProperty('attribution');
  });

  it('a saved plan is not refused because the attribution moved (apply does not act on it)', () => {
    const saved = planOf({ at: '2026-01-01T00:00:00.000Z', by: BY });
    const now = planOf({ at: '2026-01-01T00:00:00.000Z', by: 'arn:aws:iam::123456789012:user/someone-else' });
    expect(planDifferences(saved, now)).toEqual([]);
    // ...while the things apply does act on still are compared (the test can fail)
    const moved: Plan = { ...now, changes: now.changes.map((c): Change => ({ ...c, liveVersion: 'v2' })) };
    expect(planDifferences(saved, moved).length).toBeGreaterThan(0);
  });
});

function inputFor() {
  return {
    target: 't',
    scope: { region: 'us-east-1', instanceId: 'i' },
    configFingerprint: 'f',
    kinds: allKinds(),
    declared: [declared(rule('new', 'PUBLISHED'))],
    flows: new ContactFlowDirectory(),
    prune: () => false,
  };
}

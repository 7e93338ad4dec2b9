/**
 * The text renderer against a golden file: one plan with every action (create, update, replace,
 * delete, manual), a rename, field additions, removals and changes (short and long values),
 * unmanaged resources, notes and blockers, then a second target with no changes; rendered
 * without colour. Rewrite the golden after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run test/render/text-golden.test.ts
 * and review its diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySummary, type Change, type Plan } from '../../src/engine/plan.js';
import { TextRenderer } from '../../src/render/text.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'plan.txt');

const changes: Change[] = [
  {
    kind: 'rule',
    name: 'escalate-negative-sentiment',
    action: 'create',
    fields: [
      { path: 'Function', op: 'add', after: '$.ContactLens.PostCall.Sentiment.Overall.Customer.Score < -2' },
      {
        path: 'Actions',
        op: 'add',
        after: [
          { ActionType: 'CREATE_TASK', TaskAction: { Name: 'Call back unhappy customer', ContactFlowId: { name: 'Escalation' } } },
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'negative-sentiment' } },
        ],
      },
      { path: 'PublishStatus', op: 'add', after: 'PUBLISHED' },
    ],
  },
  {
    kind: 'rule',
    name: 'queue-backlog-alarm',
    action: 'update',
    fields: [
      { path: 'Function', op: 'change', before: '$.Metric.CONTACTS_IN_QUEUE > 25', after: '$.Metric.CONTACTS_IN_QUEUE > 40' },
      { path: 'Tags.team', op: 'add', after: 'care' },
      { path: 'Tags.cost', op: 'remove', before: 'cc-1' },
      { path: 'Actions[0].SendNotificationAction.Content', op: 'change', before: 'x'.repeat(200), after: 'y'.repeat(200) },
    ],
  },
  {
    kind: 'rule',
    name: 'vip-sentiment',
    action: 'replace',
    renamedFrom: 'vip-sentiment-old',
    reason: 'UpdateRule cannot change TriggerEventSource',
    fields: [{ path: 'TriggerEventSource.EventSourceName', op: 'change', before: 'OnPostCallAnalysisAvailable', after: 'OnPostChatAnalysisAvailable' }],
  },
  {
    kind: 'taskTemplate',
    name: 'Callback request',
    action: 'delete',
    reason: 'managed by connectform and no longer in the config (settings.prune)',
    fields: [],
  },
  {
    kind: 'lexChannelAssociation',
    name: 'orders-bot/prod/slack',
    action: 'manual',
    reason: 'Lex V1 channel associations cannot be updated; delete and re-create it in the console',
    fields: [{ path: 'description', op: 'change', before: 'old text', after: 'new text' }],
  },
];

const busy: Plan = {
  version: 2,
  target: 'prod',
  scope: { region: 'us-east-2', instanceId: '6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d' },
  createdAt: '2026-01-01T00:00:00.000Z',
  configFingerprint: 'f'.repeat(64),
  changes,
  unmanaged: [
    { kind: 'rule', name: 'hand-made-1' },
    { kind: 'rule', name: 'hand-made-2' },
    { kind: 'customAction', name: 'legacy-restart' },
  ],
  blocked: [{ rule: 'threshold', kind: 'rule', message: '2 of 10 rules would be deleted or replaced (limit 10%); --force applies anyway' }],
  notes: ['3 resource(s) were taken from the snapshot cache'],
  summary: { ...emptySummary(), create: 1, update: 1, replace: 1, delete: 1, manual: 1, unchanged: 7, unmanaged: 3 },
};

const quiet: Plan = { ...busy, target: 'dev', changes: [], unmanaged: [], blocked: [], notes: [], summary: { ...emptySummary(), unchanged: 12 } };

describe('text renderer', () => {
  it('renders every kind of change as the golden file shows', () => {
    const text = new TextRenderer(false).plan([busy, quiet]);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('with colour, the same text once the escape codes are removed', () => {
    const coloured = new TextRenderer(true).plan([busy, quiet]);
    const plain = coloured.replace(/\x1b\[[0-9;]*m/g, '');
    expect(coloured).not.toBe(plain);
    expect(plain).toBe(new TextRenderer(false).plan([busy, quiet]));
  });
});

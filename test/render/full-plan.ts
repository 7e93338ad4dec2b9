/**
 * A plan with every kind (rule, taskTemplate, customAction, lexChannelAssociation) and every
 * action (create, update, replace, delete, manual), written by hand as plan-format-3 data:
 * identity paths, add/remove/change/move rows, a list insert and a move, a rename, a replace
 * with the row that forces it, long multi-line and one-line changes, attribution (known, partly
 * known, not reported), unmanaged resources past the cap, a note, a cache note (the plan's log) and
 * a blocker. Then a
 * second target with no changes. The golden files of both human outputs render it.
 */
import { diffDetailed } from '../../src/engine/diff.js';
import { emptySummary, type Change, type FieldChange, type Plan } from '../../src/engine/plan.js';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';

const phrase = exampleFunction('OnPostCallAnalysisAvailable').RuleFunction.Operands[0];
const queues = (...ids: string[]) => ({
  Operator: 'CONTAINS_ANY',
  Operands: ids,
  ComparisonValue: '$.ContactLens.PostCall.Queue.QueueId',
  Negate: false,
});
const holdPct = (n: number) => ({
  Operator: 'NumberGreaterOrEqualTo',
  Operands: [n],
  ComparisonValue: '$.ContactLens.PostCall.Agent.CustomerHoldDurationPct',
  Negate: false,
});
const fn = (...conditions: object[]) => ({
  Version: '2022-11-25',
  RuleFunction: { Operator: 'AND', Operands: conditions },
});
const QUEUE = '11111111-1234-5678-9123-000000000001';
const QUEUE_2 = '22222222-1234-5678-9123-000000000002';

/**
 * The backlog rule's Function change as the planner shows it (the real diff of the rule kind,
 * not written by hand): a queue added to one condition, a threshold moved in another, a
 * condition removed; the live side is DescribeRule's string, the config's a mapping.
 */
const BACKLOG_FUNCTION_ROWS: FieldChange[] = diffDetailed(
  ruleKind.normalize(
    { Function: JSON.stringify(fn(phrase, queues(QUEUE), holdPct(20))) },
    { flows: new ContactFlowDirectory() },
  ),
  ruleKind.normalize({ Function: fn(queues(QUEUE, QUEUE_2), holdPct(30)) }, { flows: new ContactFlowDirectory() }),
  ruleKind.lists,
).map((r) => ({ ...r.field, impact: 'update' as const }));

const RESTART_BEFORE = '#!/bin/sh\nset -e\nsystemctl restart claims-api\necho "restarted"\n';
const RESTART_AFTER =
  '#!/bin/sh\nset -eu\nsystemctl restart claims-api\nsystemctl restart claims-worker\necho "restarted"\n';

const NOTIFY_BEFORE =
  'The claims queue has more than 25 contacts waiting; please check staffing for the current shift and move agents from the general queue if the backlog keeps growing.';
const NOTIFY_AFTER =
  'The claims queue has more than 40 contacts waiting; please check staffing for the current shift and move agents from the general queue if the backlog keeps growing for ten minutes.';

const changes: Change[] = [
  {
    kind: 'rule',
    name: 'escalate-negative-sentiment',
    action: 'create',
    fields: [
      { path: 'Name', op: 'add', after: 'escalate-negative-sentiment' },
      {
        path: 'TriggerEventSource',
        op: 'add',
        after: { EventSourceName: 'OnPostCallAnalysisAvailable', IntegrationAssociationId: 'ia-1' },
      },
      { path: 'Function', op: 'add', after: exampleFunction('OnPostCallAnalysisAvailable') },
      {
        path: 'Actions',
        op: 'add',
        after: [
          {
            ActionType: 'CREATE_TASK',
            TaskAction: { Name: 'Call back unhappy customer', ContactFlowId: { name: 'Escalation' } },
          },
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'negative-sentiment' } },
        ],
      },
      { path: 'PublishStatus', op: 'add', after: 'PUBLISHED' },
    ],
  },
  {
    kind: 'rule',
    name: 'old-escalation',
    action: 'delete',
    reason: 'managed by connectform and no longer in the config (settings.prune)',
    attribution: { at: '2026-10-02T08:15:00Z', by: 'arn:aws:iam::123456789012:role/connectform-apply' },
    fields: [
      { path: 'Name', op: 'remove', before: 'old-escalation' },
      { path: 'Function', op: 'remove', before: exampleFunction('OnPostCallAnalysisAvailable', 4) },
      {
        path: 'Actions',
        op: 'remove',
        before: [{ ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} }],
      },
    ],
  },
  {
    kind: 'rule',
    name: 'queue-backlog-alarm',
    action: 'update',
    attribution: { at: '2026-11-29T10:00:00Z', by: 'arn:aws:sts::123456789012:assumed-role/Admin/jane' },
    fields: [
      ...BACKLOG_FUNCTION_ROWS,
      {
        path: 'Actions[ActionType="SEND_NOTIFICATION",SendNotificationAction.Subject="Claims backlog"].SendNotificationAction.Content',
        op: 'change',
        impact: 'update',
        before: NOTIFY_BEFORE,
        after: NOTIFY_AFTER,
      },
      {
        path: 'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="claims-backlog"]',
        op: 'add',
        impact: 'update',
        after: { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'claims-backlog' } },
      },
      { path: 'Tags.team', op: 'add', impact: 'update', after: 'care' },
      { path: 'Tags.cost', op: 'remove', impact: 'update', before: 'cc-1' },
      { path: 'Tags.tier', op: 'change', impact: 'update', before: '2', after: 'true' },
    ],
  },
  {
    kind: 'rule',
    name: 'vip-sentiment',
    action: 'replace',
    renamedFrom: 'vip-sentiment-old',
    reason: 'UpdateRule cannot change TriggerEventSource',
    attribution: {},
    fields: [
      { path: 'Name', op: 'change', impact: 'update', before: 'vip-sentiment-old', after: 'vip-sentiment' },
      {
        path: 'TriggerEventSource.EventSourceName',
        op: 'change',
        impact: 'replace',
        before: 'OnPostCallAnalysisAvailable',
        after: 'OnPostChatAnalysisAvailable',
      },
    ],
  },
  {
    kind: 'taskTemplate',
    name: 'Callback request',
    action: 'delete',
    reason: 'managed by connectform and no longer in the config (settings.prune)',
    attribution: { at: '2026-09-12T16:40:00Z' },
    fields: [],
  },
  {
    kind: 'taskTemplate',
    name: 'Claim intake',
    action: 'update',
    attribution: { at: '2026-11-28T09:30:00Z' },
    fields: [
      {
        path: 'Description',
        op: 'change',
        impact: 'update',
        before: 'Intake for claims',
        after: 'Intake for new claims',
      },
      {
        path: 'Fields[Id.Name="Policy number"]',
        op: 'add',
        impact: 'update',
        after: { Id: { Name: 'Policy number' }, Type: 'TEXT', Description: 'As printed on the card' },
      },
      { path: 'Fields[Id.Name="Notes"]', op: 'move', impact: 'update', from: 1, to: 3 },
      {
        path: 'Fields[Id.Name="Priority"].SingleSelectOptions',
        op: 'change',
        impact: 'update',
        before: ['low', 'high'],
        after: ['low', 'medium', 'high'],
      },
      {
        path: 'Constraints.RequiredFields[Id.Name="Policy number"]',
        op: 'add',
        impact: 'update',
        after: { Id: { Name: 'Policy number' } },
      },
    ],
  },
  {
    kind: 'customAction',
    name: 'page-oncall',
    action: 'create',
    fields: [],
    desired: {
      ActionName: 'page-oncall',
      Definition: {
        CommandText: 'sns publish --topic-arn arn:aws:sns:us-east-2:123456789012:oncall --message "$message"',
      },
      AliasName: 'page',
    },
  },
  {
    kind: 'customAction',
    name: 'restart-claims',
    action: 'update',
    attribution: {},
    fields: [
      { path: 'Definition.CommandText', op: 'change', impact: 'update', before: RESTART_BEFORE, after: RESTART_AFTER },
    ],
  },
  {
    kind: 'lexChannelAssociation',
    name: 'orders-bot/prod/slack',
    action: 'manual',
    reason: 'Lex V1 channel associations cannot be updated; delete and re-create it in the console',
    fields: [{ path: 'description', op: 'change', impact: 'replace', before: 'old text', after: 'new text' }],
  },
];

export const busyPlan: Plan = {
  version: 3,
  target: 'prod',
  scope: { region: 'us-east-2', instanceId: '6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d' },
  createdAt: '2026-01-01T00:00:00.000Z',
  configFingerprint: 'f'.repeat(64),
  changes,
  unmanaged: [
    ...Array.from({ length: 23 }, (_, i) => ({
      kind: 'rule' as const,
      name: `hand-made-${String(i + 1).padStart(2, '0')}`,
    })),
    { kind: 'customAction', name: 'legacy-restart' },
  ],
  blocked: [
    {
      rule: 'threshold',
      kind: 'rule',
      message: '2 of 10 managed rules would be deleted or replaced (limit 10%); --force applies anyway',
    },
  ],
  notes: ['rules.yaml:3:5: Function compares a number with a string'],
  log: ['12 resource(s) from the snapshot cache (apply re-reads what it changes; --refresh reads all)'],
  summary: { ...emptySummary(), create: 2, update: 3, replace: 1, delete: 2, manual: 1, unchanged: 7, unmanaged: 24 },
};

export const quietPlan: Plan = {
  ...busyPlan,
  target: 'dev',
  scope: { region: 'eu-west-2', instanceId: '0a1b2c3d-0000-4000-8000-000000000000' },
  changes: [],
  unmanaged: [],
  blocked: [],
  notes: [],
  log: [],
  summary: { ...emptySummary(), unchanged: 12 },
};

export { BACKLOG_FUNCTION_ROWS, NOTIFY_AFTER, NOTIFY_BEFORE, RESTART_AFTER, RESTART_BEFORE };

/**
 * Seeds and configs for names instead of ids (issue 21), shared by test/cli/names.test.ts and
 * test/battery/references.test.ts: instances holding the same names under their own ids, and one
 * set of resources naming a flow, queues, users, a hierarchy group and an evaluation form.
 */
import type { SeedInstance } from '../../src/sandbox/world.js';

/** The same names in every instance made with it, each under that instance's own ids (`p` prefixes them). */
export function namedInstance(id: string, p: string): SeedInstance {
  const uuid = (n: number) => `${p}${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
  return {
    id,
    contactFlows: [
      { id: uuid(1), name: 'Escalation' },
      { id: uuid(2), name: 'Task routing' },
    ],
    queues: [
      { id: uuid(3), name: 'Billing' },
      { id: uuid(4), name: 'Sales' },
      { id: uuid(5), name: 'Twice' },
      { id: uuid(6), name: 'Twice' },
    ],
    users: [
      { id: uuid(7), username: 'alice' },
      { id: uuid(8), username: 'bob' },
    ],
    hierarchyGroups: [{ id: uuid(9), name: 'Tier 1' }],
    routingProfiles: [{ id: uuid(10), name: 'Basic Routing Profile' }],
    evaluationForms: [{ id: uuid(11), title: 'Call quality' }],
  };
}

export type SeededList =
  | 'contactFlows'
  | 'queues'
  | 'users'
  | 'hierarchyGroups'
  | 'routingProfiles'
  | 'evaluationForms';

/** The id `instance` was seeded with for the entry named `name` (Username, Title or Name). */
export function seededId(instance: SeedInstance, list: SeededList, name: string): string {
  const entries = (instance[list] ?? []) as { id: string; name?: string; username?: string; title?: string }[];
  const entry = entries.find((e) => (e.name ?? e.username ?? e.title) === name);
  if (!entry) throw new Error(`no ${list} entry named ${name} in instance ${instance.id}`);
  return entry.id;
}

/** A rule action naming two users as its recipients. */
export const NOTIFY_ALICE_AND_BOB = {
  ActionType: 'SEND_NOTIFICATION',
  SendNotificationAction: {
    DeliveryMethod: 'EMAIL',
    Subject: 'Angry caller',
    Content: 'A caller was angry.',
    ContentType: 'PLAIN_TEXT',
    Recipient: { UserIds: [{ name: 'alice' }, { name: 'bob' }] },
  },
};

/** One condition of a Function, Negate false. */
export const condition = (cv: string, operands: unknown[], Operator = 'CONTAINS_ANY') => ({
  Operator,
  Operands: operands,
  ComparisonValue: cv,
  Negate: false,
});

/** Every kind of reference a rule or task template can hold, by name. */
export function namedResources(suffix: string, queue = 'Billing') {
  return {
    rules: [
      {
        Name: `angry-billing-${suffix}`,
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: {
          Version: '2022-11-25',
          RuleFunction: {
            Operator: 'AND',
            Operands: [
              condition('$.ContactLens.PostCall.Queue.QueueId', [{ name: queue }, { name: 'Sales' }]),
              condition('$.ContactLens.PostCall.Agent.HierarchyGroup.ARN', [{ name: 'Tier 1' }]),
            ],
          },
        },
        PublishStatus: 'PUBLISHED',
        Actions: [
          { ActionType: 'CREATE_TASK', TaskAction: { Name: 'Call back', ContactFlowId: { name: 'Escalation' } } },
          NOTIFY_ALICE_AND_BOB,
        ],
      },
      {
        Name: `low-score-${suffix}`,
        TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
        Function: {
          Version: '2022-11-25',
          RuleFunction: {
            Operator: 'AND',
            Operands: [condition('$.ContactLens.ContactEvaluation.Form.FormId', [{ name: 'Call quality' }], 'EQUALS')],
          },
        },
        PublishStatus: 'PUBLISHED',
        Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'low-score' } }],
      },
    ],
    taskTemplates: [
      {
        Name: `callback-${suffix}`,
        ContactFlowId: { name: 'Task routing' },
        Fields: [
          { Id: { Name: 'Title' }, Type: 'NAME' },
          { Id: { Name: 'Notes' }, Type: 'TEXT' },
        ],
        Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
      },
    ],
  };
}

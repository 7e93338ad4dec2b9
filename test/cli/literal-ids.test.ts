/**
 * Literal ids next to names (issue 21: "A literal id or ARN is used and shown as written"): a
 * config that writes a contact flow id, a user id among named users, a queue id among named
 * queues in a Function, a flow ARN and a chat configuration ARN gets plans that show each as
 * written (never the name it resolves to), an empty plan once applied, and an update showing
 * the new literal when one changes. Resources are compared by identity: an ARN and an id of one
 * resource are equal, two queues of one name are not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED, type SeedInstance } from '../../src/sandbox/world.js';
import { planOf, runCliInProcess as run, tempDir, writeConfig, type JsonPlan } from '../helpers/cli.js';

const INST = '33333333-3333-4333-8333-333333333333';
const uuid = (n: number) => `f${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
const ID = {
  escalation: uuid(1),
  callback: uuid(2),
  taskRouting: uuid(3),
  billing: uuid(4),
  sales: uuid(5),
  twice1: uuid(6),
  twice2: uuid(7),
  alice: uuid(8),
  bob: uuid(9),
  carol: uuid(10),
};
const SEEDED: SeedInstance = {
  id: INST,
  contactFlows: [
    { id: ID.escalation, name: 'Escalation' },
    { id: ID.callback, name: 'Callback' },
    { id: ID.taskRouting, name: 'Task routing' },
  ],
  queues: [
    { id: ID.billing, name: 'Billing' },
    { id: ID.sales, name: 'Sales' },
    { id: ID.twice1, name: 'Twice' },
    { id: ID.twice2, name: 'Twice' },
  ],
  users: [
    { id: ID.alice, username: 'alice' },
    { id: ID.bob, username: 'bob' },
    { id: ID.carol, username: 'carol' },
  ],
};
const CHAT = (name: string) => `arn:aws:chatbot::${DEFAULT_SEED.accountId}:chat-configuration/slack-channel/${name}`;
const FLOW_ARN = (id: string) =>
  `arn:aws:connect:us-east-2:${DEFAULT_SEED.accountId}:instance/${INST}/contact-flow/${id}`;

let sandbox: SandboxHandle;
beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect.instances = [SEEDED];
  sandbox = await startSandbox({ seed, quotas: false });
});
afterAll(async () => sandbox?.stop());

interface Written {
  flow: unknown;
  users: unknown[];
  queues: unknown[];
  templateFlow: unknown;
  chats: unknown[];
}

/** Literals mixed with names wherever a reference may stand. */
const LITERALS: Written = {
  flow: ID.escalation,
  users: [{ name: 'alice' }, ID.bob],
  queues: [ID.billing, { name: 'Sales' }],
  templateFlow: FLOW_ARN(ID.taskRouting),
  chats: [CHAT('ops'), { name: 'oncall' }],
};

function resources(suffix: string, w: Written) {
  return {
    rules: [
      {
        Name: `literal-${suffix}`,
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: {
          Version: '2022-11-25',
          RuleFunction: {
            Operator: 'AND',
            Operands: [
              {
                Operator: 'CONTAINS_ANY',
                Operands: w.queues,
                ComparisonValue: '$.ContactLens.PostCall.Queue.QueueId',
                Negate: false,
              },
            ],
          },
        },
        PublishStatus: 'PUBLISHED',
        Actions: [
          { ActionType: 'CREATE_TASK', TaskAction: { Name: 'Call back', ContactFlowId: w.flow } },
          {
            ActionType: 'SEND_NOTIFICATION',
            SendNotificationAction: {
              DeliveryMethod: 'EMAIL',
              Subject: 'Angry caller',
              Content: 'A caller was angry.',
              ContentType: 'PLAIN_TEXT',
              Recipient: { UserIds: w.users },
            },
          },
        ],
      },
    ],
    taskTemplates: [
      {
        Name: `literal-${suffix}`,
        ContactFlowId: w.templateFlow,
        Fields: [{ Id: { Name: 'Title' }, Type: 'NAME' }],
        Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
      },
    ],
    customActions: [
      {
        ActionName: `literal-${suffix}`,
        AliasName: `literal${suffix}`,
        Definition: { CommandText: 'cloudwatch describe-alarms' },
        ChatConfigurations: w.chats,
      },
    ],
  };
}

function config(dir: string, suffix: string, w: Written): string {
  return writeConfig(dir, { dev: { endpoint: sandbox.endpoint, instanceId: INST } }, {}, resources(suffix, w));
}

const plan = async (dir: string, format: 'text' | 'json') => {
  const r = await run(['plan', dir, '-t', 'dev', ...(format === 'json' ? ['--format', 'json'] : [])], { cwd: dir });
  expect(r.stderr).not.toMatch(/error/i);
  return r;
};

/** Every row value of a plan, as JSON text (what the rows show, on either side). */
const rowValues = (p: JsonPlan, side: 'before' | 'after') =>
  JSON.stringify(p.changes.flatMap((c) => c.fields.map((f) => f[side])));

const liveRule = (name: string) =>
  Object.values(sandbox.world.connect.instances[INST].rules).find((r) => r.Name === name)!;

describe('a literal id or ARN is shown as written', () => {
  it('a create shows every literal as written and every name as a name, in text and JSON', async () => {
    const dir = config(tempDir('literal-'), 'a', LITERALS);
    const text = await plan(dir, 'text');
    const json = planOf(await plan(dir, 'json'));
    expect(json.changes.map((c) => c.action)).toEqual(['create', 'create', 'create']);
    const after = rowValues(json, 'after');
    for (const literal of [ID.escalation, ID.bob, ID.billing, FLOW_ARN(ID.taskRouting), CHAT('ops')]) {
      expect(text.stdout).toContain(literal);
      expect(after).toContain(literal);
    }
    for (const name of ['alice', 'Sales', 'oncall']) expect(after).toContain(JSON.stringify({ name }));
    // The names the literals resolve to are nowhere: the literal was not turned into a name.
    for (const name of ['Escalation', 'bob', 'Billing', 'Task routing', '"ops"']) {
      expect(text.stdout).not.toContain(name);
      expect(after).not.toContain(name);
    }
  });

  it('once applied, the next plan is empty (an ARN and the id AWS returns are one flow)', async () => {
    const dir = config(tempDir('literal-'), 'b', LITERALS);
    const applied = await run(['apply', dir, '-t', 'dev', '--auto-approve'], { cwd: dir });
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code).toBe(0);
    // Not trivially equal: AWS holds the ids, the config wrote an ARN and mixed names in.
    const rule = liveRule('literal-b');
    const actions = rule.Actions as { TaskAction?: { ContactFlowId: string } }[];
    expect(actions.find((a) => a.TaskAction)!.TaskAction!.ContactFlowId).toBe(ID.escalation);
    expect(Object.values(sandbox.world.connect.instances[INST].taskTemplates)[0].ContactFlowId).toBe(ID.taskRouting);

    const again = planOf(await plan(dir, 'json'));
    expect(again.changes).toEqual([]);
    expect(again.summary.unchanged).toBe(3);
  });

  it('a changed literal is an update showing it; a live resource the config no longer writes shows by name; swapping forms is no change', async () => {
    const dir = config(tempDir('literal-'), 'c', LITERALS);
    expect((await run(['apply', dir, '-t', 'dev', '--auto-approve'], { cwd: dir })).code).toBe(0);
    config(dir, 'c', {
      ...LITERALS,
      flow: ID.callback,
      users: [{ name: 'alice' }, ID.carol],
      queues: [ID.sales, { name: 'Billing' }],
      templateFlow: FLOW_ARN(ID.escalation),
      chats: [{ name: 'ops' }, CHAT('oncall')],
    });
    const json = planOf(await plan(dir, 'json'));
    expect(json.changes.map((c) => [c.kind, c.action])).toEqual([
      ['rule', 'update'],
      ['taskTemplate', 'update'],
    ]);
    const after = rowValues(json, 'after');
    for (const literal of [ID.callback, ID.carol, FLOW_ARN(ID.escalation)]) expect(after).toContain(literal);
    // Queues and chat configurations swapped forms only (a name for an id, an id for a name):
    // the same resources, so no row (the custom action is not even an update).
    expect(JSON.stringify(json.changes[0].fields)).not.toMatch(/Queue/);
    const before = rowValues(json, 'before');
    for (const name of ['Escalation', 'bob', 'Task routing']) expect(before).toContain(JSON.stringify({ name }));
    const flowRow = json.changes[0].fields.find((f) => f.path.endsWith('TaskAction.ContactFlowId'))!;
    expect(flowRow).toMatchObject({ op: 'change', before: { name: 'Escalation' }, after: ID.callback });

    const text = (await plan(dir, 'text')).stdout;
    for (const literal of [ID.callback, ID.carol, FLOW_ARN(ID.escalation)]) expect(text).toContain(literal);
    expect(text).not.toContain('Callback');
    expect(text).not.toContain('carol');

    expect((await run(['apply', dir, '-t', 'dev', '--auto-approve'], { cwd: dir })).code).toBe(0);
    expect(planOf(await plan(dir, 'json')).changes).toEqual([]);
  });

  it('two queues of one name are told apart by the id the config wrote', async () => {
    const dir = config(tempDir('literal-'), 'd', { ...LITERALS, queues: [ID.twice1, { name: 'Sales' }] });
    expect((await run(['apply', dir, '-t', 'dev', '--auto-approve'], { cwd: dir })).code).toBe(0);
    expect(planOf(await plan(dir, 'json')).changes).toEqual([]);
    // Someone points the condition at the other "Twice" queue (which moves the rule's stamp).
    const rule = liveRule('literal-d');
    expect(rule.Function).toContain(ID.twice1);
    rule.Function = rule.Function.replace(ID.twice1, ID.twice2);
    rule.LastUpdatedTime = new Date(Date.parse(rule.LastUpdatedTime) + 60_000).toISOString();
    const json = planOf(await plan(dir, 'json'));
    expect(json.changes.map((c) => [c.kind, c.action])).toEqual([['rule', 'update']]);
    const rows = JSON.stringify(json.changes[0].fields);
    expect(rows).toContain(ID.twice1);
    // The live one by its id: a name two queues share would not say which.
    expect(rows).toContain(ID.twice2);
    expect(rows).not.toContain('Twice');
  });
});

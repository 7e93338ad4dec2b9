/**
 * The battery's case for names instead of ids (issue 21): ONE config holding a reference of every
 * kind by name (contact flows, queues, users, an agent hierarchy group, a routing profile, an
 * evaluation form, a Chatbot chat configuration), applied to two targets in two accounts (two
 * sandboxes: one sandbox is one account), whose instances hold the same names under other ids and
 * whose chat configurations of the same name have other ARNs. Each target's live resources, read
 * back through the SDK, hold that target's own ids and ARNs; the second plan is empty for both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeRuleCommand,
  GetTaskTemplateCommand,
  ListRulesCommand,
  ListTaskTemplatesCommand,
} from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED, type SeedInstance } from '../../src/sandbox/world.js';
import { planDocumentOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { condition, namedInstance, namedResources, type SeededList, seededId } from '../helpers/names.js';
import { clients } from '../sandbox/helpers.js';

type Target = 'dev' | 'prod';
const TARGETS: Target[] = ['dev', 'prod'];
const REGION = 'us-east-2';
const ACCOUNT: Record<Target, string> = { dev: '111111111111', prod: '222222222222' };
const SEEDED: Record<Target, SeedInstance> = {
  dev: namedInstance('33333333-3333-4333-8333-333333333333', 'a'),
  prod: namedInstance('44444444-4444-4444-8444-444444444444', 'b'),
};
const chatArn = (t: Target, name: string) => `arn:aws:chatbot::${ACCOUNT[t]}:chat-configuration/slack-channel/${name}`;
const id = (t: Target, list: SeededList, name: string) => seededId(SEEDED[t], list, name);
/** The ARN form of the sandbox (docs/FIDELITY.md, "… are listed"): region, account, instance, kind, id. */
const connectArn = (t: Target, kind: string, resourceId: string) =>
  `arn:aws:connect:${REGION}:${ACCOUNT[t]}:instance/${SEEDED[t].id}/${kind}/${resourceId}`;

/** Every reference the config names, as [seed list, name]: each must differ between the two targets. */
const NAMED: [SeededList, string][] = [
  ['contactFlows', 'Escalation'],
  ['contactFlows', 'Task routing'],
  ['queues', 'Billing'],
  ['queues', 'Sales'],
  ['users', 'alice'],
  ['users', 'bob'],
  ['hierarchyGroups', 'Tier 1'],
  ['routingProfiles', 'Basic Routing Profile'],
  ['evaluationForms', 'Call quality'],
];

/** names.test.ts's resources, plus the kinds it does not name: a routing profile, a second flow field, a chat configuration. */
function resources() {
  const base = namedResources('refs');
  return {
    rules: [
      ...base.rules,
      {
        Name: 'email-routing-refs',
        TriggerEventSource: { EventSourceName: 'OnEmailAnalysisAvailable' },
        Function: {
          Version: '2022-11-25',
          RuleFunction: {
            Operator: 'AND',
            Operands: [condition('$.ContactLens.Email.Agent.RoutingProfile', [{ name: 'Basic Routing Profile' }])],
          },
        },
        PublishStatus: 'PUBLISHED',
        Actions: [
          {
            ActionType: 'SUBMIT_AUTO_EVALUATION',
            SubmitAutoEvaluationAction: { EvaluationFormId: { name: 'Call quality' } },
          },
        ],
      },
    ],
    taskTemplates: [{ ...base.taskTemplates[0], SelfAssignFlowId: { name: 'Escalation' } }],
    customActions: [
      {
        ActionName: 'refs-chat',
        Definition: { CommandText: 'cloudwatch describe-alarms' },
        ChatConfigurations: [{ name: 'ops' }],
      },
    ],
  };
}

const sandboxes = {} as Record<Target, SandboxHandle>;
beforeAll(async () => {
  for (const t of TARGETS) {
    const seed = structuredClone(DEFAULT_SEED);
    seed.accountId = ACCOUNT[t];
    seed.connect.instances = [SEEDED[t]];
    seed.chatbot = { chatConfigurations: [chatArn(t, 'ops'), chatArn(t, 'oncall')] };
    sandboxes[t] = await startSandbox({ seed, quotas: false });
  }
});
afterAll(async () => {
  for (const t of TARGETS) await sandboxes[t]?.stop();
});

type Json = Record<string, any>;

/** What each target's live resources hold, read through the SDK as a user would. */
async function describeLive(t: Target) {
  const { connect, chatbot } = clients(sandboxes[t].endpoint, REGION);
  const InstanceId = SEEDED[t].id;
  const rules: Record<string, Json> = {};
  for (const summary of (await connect.send(new ListRulesCommand({ InstanceId }))).RuleSummaryList ?? []) {
    const { Rule } = await connect.send(new DescribeRuleCommand({ InstanceId, RuleId: summary.RuleId }));
    rules[Rule!.Name!] = { ...Rule, Function: JSON.parse(Rule!.Function!) };
  }
  const [template] = (await connect.send(new ListTaskTemplatesCommand({ InstanceId }))).TaskTemplates ?? [];
  const taskTemplate = await connect.send(new GetTaskTemplateCommand({ InstanceId, TaskTemplateId: template.Id }));
  const associated = async (name: string) =>
    (await chatbot.send('ListAssociations', { ChatConfiguration: chatArn(t, name) })).Associations.map(
      (a) => a.Resource,
    );
  return {
    rules,
    taskTemplate,
    customActions: (await chatbot.send('ListCustomActions', {})).CustomActions,
    ops: await associated('ops'),
    oncall: await associated('oncall'),
  };
}

const operandsOf = (rule: Json, cv: string): string[] =>
  rule.Function.RuleFunction.Operands.find((c: Json) => c.ComparisonValue === cv).Operands;
const action = (rule: Json, type: string): Json => rule.Actions.find((a: Json) => a.ActionType === type);

describe('references of every kind, one config, two accounts', () => {
  it('the two targets hold the same names under other ids and ARNs (else this proves nothing)', () => {
    for (const [list, name] of NAMED) expect(id('dev', list, name), `${list} ${name}`).not.toBe(id('prod', list, name));
    expect(SEEDED.dev.id).not.toBe(SEEDED.prod.id);
    expect(chatArn('dev', 'ops')).not.toBe(chatArn('prod', 'ops'));
  });

  it('apply gives each target its own ids; the live resources say so; the second plan is empty for both', async () => {
    const dir = tempDir('refs-');
    writeConfig(
      dir,
      Object.fromEntries(TARGETS.map((t) => [t, { endpoint: sandboxes[t].endpoint, instanceId: SEEDED[t].id }])),
      {},
      resources(),
    );
    const applied = await run(['apply', dir, '-t', 'all', '--auto-approve'], { cwd: dir });
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code).toBe(0);

    for (const t of TARGETS) {
      const live = await describeLive(t);
      expect(Object.keys(live.rules).sort(), t).toEqual(['angry-billing-refs', 'email-routing-refs', 'low-score-refs']);

      const angry = live.rules['angry-billing-refs'];
      expect(operandsOf(angry, '$.ContactLens.PostCall.Queue.QueueId').sort()).toEqual(
        [id(t, 'queues', 'Billing'), id(t, 'queues', 'Sales')].sort(),
      );
      expect(operandsOf(angry, '$.ContactLens.PostCall.Agent.HierarchyGroup.ARN')).toEqual([
        connectArn(t, 'agent-group', id(t, 'hierarchyGroups', 'Tier 1')),
      ]);
      expect(action(angry, 'CREATE_TASK').TaskAction.ContactFlowId).toBe(id(t, 'contactFlows', 'Escalation'));
      expect([...action(angry, 'SEND_NOTIFICATION').SendNotificationAction.Recipient.UserIds].sort()).toEqual(
        [id(t, 'users', 'alice'), id(t, 'users', 'bob')].sort(),
      );

      const lowScore = live.rules['low-score-refs'];
      expect(operandsOf(lowScore, '$.ContactLens.ContactEvaluation.Form.FormId')).toEqual([
        id(t, 'evaluationForms', 'Call quality'),
      ]);

      // The email page's routing profile condition takes ARNs (its path has no ".ARN").
      const email = live.rules['email-routing-refs'];
      expect(operandsOf(email, '$.ContactLens.Email.Agent.RoutingProfile')).toEqual([
        connectArn(t, 'routing-profile', id(t, 'routingProfiles', 'Basic Routing Profile')),
      ]);
      expect(action(email, 'SUBMIT_AUTO_EVALUATION').SubmitAutoEvaluationAction.EvaluationFormId).toBe(
        id(t, 'evaluationForms', 'Call quality'),
      );

      expect(live.taskTemplate.ContactFlowId).toBe(id(t, 'contactFlows', 'Task routing'));
      expect(live.taskTemplate.SelfAssignFlowId).toBe(id(t, 'contactFlows', 'Escalation'));

      // The custom action of this account, linked to this account's "ops" and nothing else.
      const customAction = `arn:aws:chatbot::${ACCOUNT[t]}:custom-action/refs-chat`;
      expect(live.customActions).toEqual([customAction]);
      expect(live.ops).toEqual([customAction]);
      expect(live.oncall).toEqual([]);
    }

    const again = await run(['plan', dir, '-t', 'all', '--format', 'json'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(planDocumentOf(again).plans.map((p) => [p.target, p.changes])).toEqual([
      ['dev', []],
      ['prod', []],
    ]);
  });
});

/**
 * Names for instance-specific ids (issue 21, items 1 and 4): one config naming a queue, users, a
 * hierarchy group, an evaluation form and contact flows, applied to two sandbox instances whose
 * ids differ. Each instance gets its own ids (read back from the live resources), the second
 * plan is empty for both, plans show the names, an unknown or ambiguous name is a positioned
 * error with the nearest names, and each list operation runs once per target, only for the
 * kinds of reference the config names.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planDocumentOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { condition, namedInstance, namedResources as resources, type SeededList, seededId } from '../helpers/names.js';

const DEV = '11111111-1111-4111-8111-111111111111';
const PROD = '22222222-2222-4222-8222-222222222222';

/** The same names in both instances, each with that instance's own ids. */
const SEEDED = { dev: namedInstance(DEV, 'd'), prod: namedInstance(PROD, 'e') };
const idOf = (target: 'dev' | 'prod', list: SeededList, name: string) => seededId(SEEDED[target], list, name);

let sandbox: SandboxHandle;
beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect.instances = [SEEDED.dev, SEEDED.prod];
  sandbox = await startSandbox({ seed, quotas: false });
});
afterAll(async () => sandbox?.stop());
beforeEach(() => sandbox.resetStats());

function config(suffix: string, queue?: string): string {
  const dir = tempDir('names-');
  writeConfig(
    dir,
    {
      dev: { endpoint: sandbox.endpoint, instanceId: DEV },
      prod: { endpoint: sandbox.endpoint, instanceId: PROD },
    },
    {},
    resources(suffix, queue),
  );
  return dir;
}

type Json = Record<string, unknown>;
const liveRule = (inst: string, name: string) =>
  Object.values(sandbox.world.connect.instances[inst].rules).find((r) => r.Name === name)!;
const liveTemplate = (inst: string, name: string) =>
  Object.values(sandbox.world.connect.instances[inst].taskTemplates).find((t) => t.Name === name)!;
const calls = (api: string) => sandbox.stats().operations[api]?.calls ?? 0;

describe('one config, two instances, each with its own ids', () => {
  it('apply resolves every name per target; the live resources hold that instance ids; the next plan is empty', async () => {
    const dir = config('a');
    const applied = await run(['apply', dir, '-t', 'all', '--auto-approve'], { cwd: dir });
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code).toBe(0);

    for (const [target, inst] of [
      ['dev', DEV],
      ['prod', PROD],
    ] as const) {
      const rule = liveRule(inst, 'angry-billing-a');
      const fn = JSON.parse(rule.Function) as {
        RuleFunction: { Operands: { ComparisonValue: string; Operands: string[] }[] };
      };
      const operands = (cv: string) => fn.RuleFunction.Operands.find((c) => c.ComparisonValue.endsWith(cv))!.Operands;
      expect(operands('Queue.QueueId').sort()).toEqual(
        [idOf(target, 'queues', 'Billing'), idOf(target, 'queues', 'Sales')].sort(),
      );
      // Hierarchy group conditions take ARNs.
      expect(operands('HierarchyGroup.ARN')).toEqual([
        `arn:aws:connect:us-east-2:${sandbox.world.accountId}:instance/${inst}/agent-group/${SEEDED[target].hierarchyGroups![0].id}`,
      ]);
      const actions = rule.Actions as Json[];
      const task = actions.find((a) => a.ActionType === 'CREATE_TASK')!.TaskAction as Json;
      expect(task.ContactFlowId).toBe(idOf(target, 'contactFlows', 'Escalation'));
      const notify = actions.find((a) => a.ActionType === 'SEND_NOTIFICATION')!.SendNotificationAction as {
        Recipient: { UserIds: string[] };
      };
      expect([...notify.Recipient.UserIds].sort()).toEqual(
        [idOf(target, 'users', 'alice'), idOf(target, 'users', 'bob')].sort(),
      );
      const evaluation = JSON.parse(liveRule(inst, 'low-score-a').Function) as {
        RuleFunction: { Operands: { Operands: string[] }[] };
      };
      expect(evaluation.RuleFunction.Operands[0].Operands).toEqual([idOf(target, 'evaluationForms', 'Call quality')]);
      expect(liveTemplate(inst, 'callback-a').ContactFlowId).toBe(idOf(target, 'contactFlows', 'Task routing'));
    }
    // Two instances' ids differ: the test would prove nothing otherwise.
    expect(idOf('dev', 'users', 'alice')).not.toBe(idOf('prod', 'users', 'alice'));

    const again = await run(['plan', dir, '-t', 'all', '--format', 'json'], { cwd: dir });
    expect(again.code).toBe(0);
    const doc = planDocumentOf(again);
    expect(doc.plans.map((p) => [p.target, p.changes])).toEqual([
      ['dev', []],
      ['prod', []],
    ]);
  });

  it('plans show the names the config wrote, not the ids', async () => {
    const dir = config('b');
    const r = await run(['plan', dir, '-t', 'prod'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const name of ['Billing', 'Sales', 'Tier 1', 'alice', 'bob', 'Call quality', 'Escalation', 'Task routing'])
      expect(r.stdout).toContain(name);
    for (const id of [idOf('prod', 'queues', 'Billing'), idOf('prod', 'users', 'alice')])
      expect(r.stdout).not.toContain(id);
  });

  it('reads each directory once per target, and only the kinds of reference the config names', async () => {
    const dir = config('c');
    expect((await run(['plan', dir, '-t', 'all'], { cwd: dir })).code).toBe(0);
    expect(calls('connect:ListQueues')).toBe(2);
    expect(calls('connect:ListUsers')).toBe(2);
    expect(calls('connect:ListUserHierarchyGroups')).toBe(2);
    expect(calls('connect:ListEvaluationForms')).toBe(2);
    expect(calls('connect:ListContactFlows')).toBe(2);
    // No routing profile is named: never listed.
    expect(calls('connect:ListRoutingProfiles')).toBe(0);

    // A config naming nothing but flows lists nothing else.
    sandbox.resetStats();
    const flowsOnly = tempDir('names-');
    writeConfig(
      flowsOnly,
      { dev: { endpoint: sandbox.endpoint, instanceId: DEV } },
      {},
      {
        taskTemplates: [resources('d').taskTemplates[0]],
      },
    );
    expect((await run(['plan', flowsOnly, '-t', 'dev'], { cwd: flowsOnly })).code).toBe(0);
    expect(calls('connect:ListContactFlows')).toBe(1);
    for (const api of [
      'ListQueues',
      'ListUsers',
      'ListUserHierarchyGroups',
      'ListEvaluationForms',
      'ListRoutingProfiles',
    ])
      expect(calls(`connect:${api}`)).toBe(0);
    for (const api of CHAT_LISTS) expect(calls(`chatbot:${api}`)).toBe(0);
  });
});

const CHAT_LISTS = [
  'DescribeSlackChannelConfigurations',
  'DescribeChimeWebhookConfigurations',
  'ListMicrosoftTeamsChannelConfigurations',
];

describe('chat configurations by name', () => {
  const OPS = `arn:aws:chatbot::${DEFAULT_SEED.accountId}:chat-configuration/slack-channel/ops`;
  const action = (name: string, configs: unknown[]) => ({
    ActionName: name,
    Definition: { CommandText: 'cloudwatch describe-alarms' },
    ChatConfigurations: configs,
  });
  const dir = (configs: unknown[], name: string) => {
    const d = tempDir('names-');
    writeConfig(
      d,
      { dev: { endpoint: sandbox.endpoint, instanceId: DEV } },
      {},
      { customActions: [action(name, configs)] },
    );
    return d;
  };

  it('a custom action names its chat configuration; apply links the ARN, the plan shows the name and converges', async () => {
    const d = dir([{ name: 'ops' }], 'names-chat');
    const plan = await run(['plan', d, '-t', 'dev'], { cwd: d });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('ops');
    expect(plan.stdout).not.toContain(OPS);
    // Each Chatbot list once; no Connect directory (custom actions name no instance resource).
    for (const api of CHAT_LISTS) expect(calls(`chatbot:${api}`)).toBe(1);
    expect(calls('connect:ListContactFlows')).toBe(0);

    expect((await run(['apply', d, '-t', 'dev', '--auto-approve'], { cwd: d })).code).toBe(0);
    const created = Object.values(sandbox.world.chatbot.customActions).find((a) => a.ActionName === 'names-chat')!;
    expect(sandbox.world.chatbot.chatConfigurations[OPS].associations).toContain(created.CustomActionArn);
    const again = await run(['plan', d, '-t', 'dev', '--format', 'json'], { cwd: d });
    expect(planDocumentOf(again).plans[0].changes).toEqual([]);
  });

  it('an unknown chat configuration name is a positioned error with the nearest names', async () => {
    const d = dir([{ name: 'oncal' }], 'names-chat-unknown');
    const r = await run(['plan', d, '-t', 'dev'], { cwd: d });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /resources\.yaml:\d+:\d+: error: customActions\[0\]\.ChatConfigurations\[0\]: unknown chat configuration "oncal"; nearest: "oncall"/,
    );
  });
});

describe('names that do not resolve', () => {
  it('an unknown name is a positioned error with the nearest names of that target', async () => {
    const dir = config('e', 'Biling');
    const r = await run(['plan', dir, '-t', 'dev'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /resources\.yaml:\d+:\d+: error: rules\[0\]\.Function\.RuleFunction\.Operands\[0\]\.Operands\[0\]: unknown queue "Biling"; nearest: "Billing"/,
    );
  });

  it('in CI, an unknown name is an annotation on its line, like validation errors', async () => {
    const dir = config('h', 'Biling');
    const r = await run(['plan', dir, '-t', 'dev'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/::error file=.*resources\.yaml,line=\d+,col=\d+::.*unknown queue "Biling"/);
  });

  it('an ambiguous name is an error that says to use the id', async () => {
    const dir = config('f', 'Twice');
    const r = await run(['plan', dir, '-t', 'dev'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/rules\[0\]\.Function.*: queue name "Twice" is ambiguous \(2 queues\); use its id/);
  });

  it('offline, a name in an operand of a condition not taking ids is the language error it always was', async () => {
    const dir = tempDir('names-');
    const body = resources('g');
    (body.rules[1].Function.RuleFunction.Operands as unknown[]).push(
      condition('$.ContactLens.ContactEvaluation.Form.Score', [{ name: 'x' }], 'NUMBER_GREATER_OR_EQUAL_TO'),
    );
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint, instanceId: DEV } }, {}, body);
    const r = await run(['validate', dir], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Form\.Score are numbers/);
  });
});

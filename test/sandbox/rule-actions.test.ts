/**
 * Issue #20 item 5, rules: the sandbox holds CreateRule and UpdateRule to what the model's
 * RuleAction and UpdateRule docs say (src/sandbox/ops/rule-actions.ts), and connectform's
 * validate catches the same combinations before any write (src/kinds/rule.ts). The two keep
 * their own copies on purpose; the first test ties them to each other through the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRuleCommand, InvalidRequestException, UpdateRuleCommand } from '@aws-sdk/client-connect';
import { ACTION_MEMBER } from '../../src/aws/connect-rules.js';
import { ACTION_SOURCES, INTEGRATION_SOURCES } from '../../src/kinds/rule.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ruleActionDocs } from '../../src/sandbox/ops/rule-actions.js';
import { runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { FLOW_ESCALATION, INSTANCE, clients, failure, functionFor, ruleInput } from './helpers.js';

/** Modelled on AWS's "Example rule function in Amazon Connect Rule Function language". */
const FUNCTION = JSON.stringify({
  Version: '2022-11-25',
  RuleFunction: {
    Operator: 'AND',
    Operands: [
      {
        Operator: 'CONTAINS_ANY',
        Operands: ['refund'],
        ComparisonValue: '$.ContactLens.RealTimeCall.ExactMatch.Transcript',
        Negate: false,
      },
    ],
  },
});

const ZENDESK = {
  EventSourceName: 'OnZendeskTicketCreate' as const,
  IntegrationAssociationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
};
const TASK = { ActionType: 'CREATE_TASK' as const, TaskAction: { Name: 'Follow up', ContactFlowId: FLOW_ESCALATION } };
const EVENT = { ActionType: 'GENERATE_EVENTBRIDGE_EVENT' as const, EventBridgeAction: { Name: 'refund-mentioned' } };

describe('rule actions per event source', () => {
  let sb: SandboxHandle;
  let connect: ReturnType<typeof clients>['connect'];
  beforeAll(async () => {
    sb = await startSandbox({ quotas: false });
    connect = clients(sb.endpoint).connect;
  });
  afterAll(async () => sb?.stop());

  it("connectform's tables say what the model's doc strings say", () => {
    const docs = ruleActionDocs();
    const fromModel = Object.fromEntries(
      Object.entries(ACTION_MEMBER)
        .filter(([, member]) => docs.supportedOnly.has(member))
        .map(([type, member]) => [type, [...docs.supportedOnly.get(member)!].sort()]),
    );
    const client = Object.fromEntries(Object.entries(ACTION_SOURCES).map(([t, s]) => [t, [...s].sort()]));
    expect(client).toEqual(fromModel);
    expect(docs.supportedOnly.get('EventBridgeAction')).toContain('OnMetricDataUpdate');
    expect(docs.taskRequiredOn).toEqual(INTEGRATION_SOURCES);
    expect(docs.renamableOn).toEqual(INTEGRATION_SOURCES);
  });

  it('refuses an action on a source its member is not supported on (EventBridgeAction on OnCaseCreate)', async () => {
    const err = await failure(
      connect.send(
        new CreateRuleCommand(
          ruleInput('eventbridge-on-case', {
            TriggerEventSource: { EventSourceName: 'OnCaseCreate' },
            Actions: [EVENT],
          }),
        ),
      ),
    );
    expect(err).toBeInstanceOf(InvalidRequestException);
    expect(err.message).toMatch(/EventBridgeAction is supported only for TriggerEventSource values OnPostCall/);
    // The same action on a listed source is accepted.
    await connect.send(
      new CreateRuleCommand(
        ruleInput('eventbridge-on-realtime', {
          TriggerEventSource: { EventSourceName: 'OnRealTimeCallAnalysisAvailable' },
          Function: FUNCTION,
          Actions: [EVENT],
        }),
      ),
    );
  });

  it('requires a TaskAction on the Zendesk and Salesforce sources, and an action at all', async () => {
    const noTask = await failure(
      connect.send(
        new CreateRuleCommand(
          ruleInput('zendesk-no-task', {
            TriggerEventSource: ZENDESK,
            Actions: [{ ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} }],
          }),
        ),
      ),
    );
    expect(noTask).toBeInstanceOf(InvalidRequestException);
    expect(noTask.message).toMatch(/TaskAction is required when TriggerEventSource is OnZendeskTicketCreate/);
    const empty = await failure(connect.send(new CreateRuleCommand(ruleInput('no-actions', { Actions: [] }))));
    expect(empty).toBeInstanceOf(InvalidRequestException);
    expect(empty.message).toMatch(/at least one action/);
  });

  it('UpdateRule renames only rules on the sources its Name doc lists', async () => {
    const update = (RuleId: string, Name: string, extra: object = {}, source = 'OnPostCallAnalysisAvailable') =>
      connect.send(
        new UpdateRuleCommand({
          InstanceId: INSTANCE,
          RuleId,
          Name,
          Function: functionFor(source),
          Actions: [TASK],
          PublishStatus: 'DRAFT',
          ...extra,
        }),
      );
    const analysis = await connect.send(new CreateRuleCommand(ruleInput('analysis-rule')));
    const refused = await failure(update(analysis.RuleId!, 'analysis-renamed'));
    expect(refused).toBeInstanceOf(InvalidRequestException);
    expect(refused.message).toMatch(
      /change the name of a rule only if TriggerEventSource is one of OnZendeskTicketCreate/,
    );
    await update(analysis.RuleId!, 'analysis-rule'); // the same name is no rename

    const zendesk = await connect.send(
      new CreateRuleCommand(ruleInput('zendesk-rule', { TriggerEventSource: ZENDESK, Actions: [TASK] })),
    );
    await update(zendesk.RuleId!, 'zendesk-renamed', {}, 'OnZendeskTicketCreate');
    // UpdateRule checks the actions against the rule's own source too.
    expect(
      await failure(update(zendesk.RuleId!, 'zendesk-renamed', { Actions: [EVENT] }, 'OnZendeskTicketCreate')),
    ).toBeInstanceOf(InvalidRequestException);
  });

  it('validate refuses a rule with no action before any call, with its position', async () => {
    const dir = tempDir('rule-no-actions-');
    writeConfig(
      dir,
      { dev: { endpoint: sb.endpoint } },
      {},
      {
        rules: [
          {
            Name: 'refund-mentioned',
            TriggerEventSource: { EventSourceName: 'OnRealTimeCallAnalysisAvailable' },
            Function: FUNCTION,
            PublishStatus: 'DRAFT',
            Actions: [],
          },
        ],
      },
    );
    sb.resetStats();
    const r = await run(['plan', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resources\.yaml:\d+:\d+: .*a rule needs at least one action/);
    expect(sb.stats().calls).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRuleCommand,
  CreateTaskTemplateCommand,
  DeleteRuleCommand,
  DeleteTaskTemplateCommand,
  DescribeRuleCommand,
  GetTaskTemplateCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListContactFlowsCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTaskTemplatesCommand,
  PropertyValidationException,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRuleCommand,
  UpdateTaskTemplateCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ACCOUNT, FLOW_ESCALATION, INSTANCE, clients, failure, raw, ruleInput, templateInput } from './helpers.js';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

let sb: SandboxHandle;
let connect: ConnectClient;

beforeAll(async () => {
  sb = await startSandbox({ quotas: false });
  connect = clients(sb.endpoint).connect;
});
afterAll(() => sb.stop());

describe('ListContactFlows', () => {
  it('lists the seeded flows with ARNs in the request region', async () => {
    const out = await connect.send(new ListContactFlowsCommand({ InstanceId: INSTANCE }));
    const names = out.ContactFlowSummaryList!.map((f) => f.Name);
    expect(names).toEqual(
      expect.arrayContaining(['Escalation', 'Default agent transfer', 'Callback', 'VIP routing', 'Task routing']),
    );
    const esc = out.ContactFlowSummaryList!.find((f) => f.Name === 'Escalation')!;
    expect(esc).toMatchObject({
      Id: FLOW_ESCALATION,
      Arn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE}/contact-flow/${FLOW_ESCALATION}`,
      ContactFlowType: 'CONTACT_FLOW',
      ContactFlowState: 'ACTIVE',
      ContactFlowStatus: 'PUBLISHED',
    });
    expect(out.NextToken).toBeUndefined();
  });

  it('filters by type and pages with an opaque token bound to the filters', async () => {
    const typed = await connect.send(
      new ListContactFlowsCommand({ InstanceId: INSTANCE, ContactFlowTypes: ['AGENT_TRANSFER'] }),
    );
    expect(typed.ContactFlowSummaryList!.map((f) => f.Name)).toEqual(['Default agent transfer']);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await connect.send(
        new ListContactFlowsCommand({ InstanceId: INSTANCE, MaxResults: 2, NextToken: token }),
      );
      expect(page.ContactFlowSummaryList!.length).toBeLessThanOrEqual(2);
      seen.push(...page.ContactFlowSummaryList!.map((f) => f.Id!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(6);

    const first = await connect.send(new ListContactFlowsCommand({ InstanceId: INSTANCE, MaxResults: 2 }));
    const err = await failure(
      connect.send(
        new ListContactFlowsCommand({
          InstanceId: INSTANCE,
          ContactFlowTypes: ['CONTACT_FLOW'],
          NextToken: first.NextToken,
        }),
      ),
    );
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('answers ResourceNotFoundException for an unknown instance and validates MaxResults', async () => {
    expect(await failure(connect.send(new ListContactFlowsCommand({ InstanceId: 'no-such-instance' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(
      await failure(connect.send(new ListContactFlowsCommand({ InstanceId: INSTANCE, MaxResults: 1001 }))),
    ).toBeInstanceOf(InvalidParameterException);
  });
});

describe('rules', () => {
  it('creates, describes, lists, updates and deletes a rule', async () => {
    const created = await connect.send(new CreateRuleCommand(ruleInput('lifecycle', { Tags: { team: 'ops' } })));
    expect(created.RuleArn).toBe(`arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE}/rule/${created.RuleId}`);
    expect(created.RuleId).toMatch(/^[0-9a-f-]{36}$/);

    const { Rule } = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: created.RuleId }));
    expect(Rule).toMatchObject({
      Name: 'lifecycle',
      RuleId: created.RuleId,
      PublishStatus: 'DRAFT',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      LastUpdatedBy: `arn:aws:iam::${ACCOUNT}:user/sandbox`,
      Tags: { team: 'ops' },
    });
    expect(Rule!.CreatedTime).toBeInstanceOf(Date);
    expect(Math.abs(Rule!.CreatedTime!.getTime() - Date.now())).toBeLessThan(60_000);

    const listed = await connect.send(
      new ListRulesCommand({
        InstanceId: INSTANCE,
        PublishStatus: 'DRAFT',
        EventSourceName: 'OnPostCallAnalysisAvailable',
      }),
    );
    const summary = listed.RuleSummaryList!.find((r) => r.RuleId === created.RuleId)!;
    expect(summary).toMatchObject({
      Name: 'lifecycle',
      ActionSummaries: [{ ActionType: 'CREATE_TASK' }],
      EventSourceName: 'OnPostCallAnalysisAvailable',
    });
    const published = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, PublishStatus: 'PUBLISHED' }));
    expect(published.RuleSummaryList!.some((r) => r.RuleId === created.RuleId)).toBe(false);

    await connect.send(
      new UpdateRuleCommand({
        InstanceId: INSTANCE,
        RuleId: created.RuleId,
        Name: 'lifecycle-renamed',
        Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 2),
        Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'evt' } }],
        PublishStatus: 'PUBLISHED',
      }),
    );
    const after = (await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: created.RuleId }))).Rule!;
    expect(after).toMatchObject({
      Name: 'lifecycle-renamed',
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 2),
      PublishStatus: 'PUBLISHED',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    });
    expect(after.LastUpdatedTime!.getTime()).toBeGreaterThanOrEqual(after.CreatedTime!.getTime());

    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: created.RuleId }));
    expect(
      await failure(connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: created.RuleId }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await failure(connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: created.RuleId }))),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses a duplicate name with ResourceConflictException, on create and on rename', async () => {
    const a = await connect.send(new CreateRuleCommand(ruleInput('dup-a')));
    await connect.send(new CreateRuleCommand(ruleInput('dup-b')));
    expect(await failure(connect.send(new CreateRuleCommand(ruleInput('dup-a'))))).toBeInstanceOf(
      ResourceConflictException,
    );
    const rename = {
      InstanceId: INSTANCE,
      RuleId: a.RuleId,
      Name: 'dup-b',
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 1),
      Actions: ruleInput('x').Actions,
      PublishStatus: 'DRAFT' as const,
    };
    expect(await failure(connect.send(new UpdateRuleCommand(rename)))).toBeInstanceOf(ResourceConflictException);
  });

  it('answers InvalidRequestException for model violations and bad actions', async () => {
    const badName = await failure(connect.send(new CreateRuleCommand(ruleInput('has spaces!'))));
    expect(badName).toBeInstanceOf(InvalidRequestException);
    expect(badName.message).toMatch(/validation error.*Name.*regular expression/);
    const badEnum = await failure(
      connect.send(new CreateRuleCommand(ruleInput('bad-enum', { PublishStatus: 'LIVE' }))),
    );
    expect(badEnum).toBeInstanceOf(InvalidRequestException);
    const missingDef = await failure(
      connect.send(new CreateRuleCommand(ruleInput('no-def', { Actions: [{ ActionType: 'CREATE_TASK' }] }))),
    );
    expect(missingDef).toBeInstanceOf(InvalidRequestException);
    expect(missingDef.message).toMatch(/requires TaskAction/);
    const unknownFlow = ruleInput('bad-flow', {
      Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 'n', ContactFlowId: 'nope' } }],
    });
    expect(await failure(connect.send(new CreateRuleCommand(unknownFlow)))).toBeInstanceOf(InvalidRequestException);
    expect(await failure(connect.send(new DescribeRuleCommand({ InstanceId: 'unknown', RuleId: 'r' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('pages ListRules and refuses a token from other filters', async () => {
    for (let i = 0; i < 5; i++)
      await connect.send(
        new CreateRuleCommand(ruleInput(`page-${i}`, { TriggerEventSource: { EventSourceName: 'OnSlaBreach' } })),
      );
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await connect.send(
        new ListRulesCommand({ InstanceId: INSTANCE, EventSourceName: 'OnSlaBreach', MaxResults: 2, NextToken: token }),
      );
      names.push(...page.RuleSummaryList!.map((r) => r.Name!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);

    const first = await connect.send(
      new ListRulesCommand({ InstanceId: INSTANCE, EventSourceName: 'OnSlaBreach', MaxResults: 2 }),
    );
    expect(
      await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE, NextToken: first.NextToken }))),
    ).toBeInstanceOf(InvalidRequestException);
    expect(
      await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE, NextToken: 'garbage' }))),
    ).toBeInstanceOf(InvalidRequestException);
    expect(await failure(connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 201 })))).toBeInstanceOf(
      InvalidRequestException,
    );
  });

  it('honours ClientToken: a replay returns the first result, a changed request conflicts, even after a delete', async () => {
    const token = 'token-rule-idempotency';
    const first = await connect.send(new CreateRuleCommand(ruleInput('idem', { ClientToken: token })));
    const again = await connect.send(new CreateRuleCommand(ruleInput('idem', { ClientToken: token })));
    expect(again.RuleId).toBe(first.RuleId);
    const all = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE }));
    expect(all.RuleSummaryList!.filter((r) => r.Name === 'idem')).toHaveLength(1);

    const changed = await failure(connect.send(new CreateRuleCommand(ruleInput('idem-other', { ClientToken: token }))));
    expect(changed).toBeInstanceOf(ResourceConflictException);

    // The token outlives the rule (docs/FIDELITY.md): the replay answers the deleted rule's id.
    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: first.RuleId }));
    const replayed = await connect.send(new CreateRuleCommand(ruleInput('idem', { ClientToken: token })));
    expect(replayed.RuleId).toBe(first.RuleId);
    expect(sb.world.connect.instances[INSTANCE].rules[first.RuleId!]).toBeUndefined();
  });

  it('puts the request region (SigV4 scope) in new ARNs', async () => {
    const eu = clients(sb.endpoint, 'eu-west-2').connect;
    const out = await eu.send(new CreateRuleCommand(ruleInput('in-eu')));
    expect(out.RuleArn).toMatch(/^arn:aws:connect:eu-west-2:123456789012:instance\//);
  });
});

describe('task templates', () => {
  it('creates, gets, lists, fully updates and deletes a template', async () => {
    const created = await connect.send(
      new CreateTaskTemplateCommand(templateInput('Callback request', { Description: 'first' })),
    );
    expect(created.Arn).toBe(`arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE}/task-template/${created.Id}`);

    const got = await connect.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: created.Id }));
    expect(got).toMatchObject({
      Id: created.Id,
      Name: 'Callback request',
      Status: 'ACTIVE',
      Description: 'first',
      InstanceId: INSTANCE,
      ContactFlowId: FLOW_ESCALATION,
    });
    expect(got.Fields).toHaveLength(2);
    expect(got.CreatedTime).toBeInstanceOf(Date);

    const listed = await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, Name: 'Callback request' }));
    expect(listed.TaskTemplates!.map((t) => t.Id)).toEqual([created.Id]);
    expect(listed.NextToken).toBeUndefined();
    const inactive = await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, Status: 'INACTIVE' }));
    expect(inactive.TaskTemplates!.some((t) => t.Id === created.Id)).toBe(false);

    // No partial updates: what is left out (Description) is gone; Name and Status are kept.
    const updated = await connect.send(
      new UpdateTaskTemplateCommand({
        InstanceId: INSTANCE,
        TaskTemplateId: created.Id,
        ContactFlowId: FLOW_ESCALATION,
        Fields: [{ Id: { Name: 'Only' }, Type: 'TEXT' }],
      }),
    );
    expect(updated).toMatchObject({
      Name: 'Callback request',
      Status: 'ACTIVE',
      Fields: [{ Id: { Name: 'Only' }, Type: 'TEXT' }],
    });
    expect(updated.Description).toBeUndefined();

    await connect.send(new DeleteTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: created.Id }));
    expect(
      await failure(connect.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: created.Id }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await failure(connect.send(new DeleteTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: created.Id }))),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it('reports property problems as PropertyValidationException with a PropertyList', async () => {
    await connect.send(new CreateTaskTemplateCommand(templateInput('Taken')));
    const dup = await failure(connect.send(new CreateTaskTemplateCommand(templateInput('Taken'))));
    expect(dup).toBeInstanceOf(PropertyValidationException);
    expect(dup.PropertyList).toEqual([
      expect.objectContaining({ PropertyPath: 'Name', Reason: 'RESOURCE_NAME_ALREADY_EXISTS' }),
    ]);

    const noFlow = await failure(
      connect.send(new CreateTaskTemplateCommand(templateInput('No flow', { ContactFlowId: undefined }))),
    );
    expect(noFlow.PropertyList).toEqual([
      expect.objectContaining({ PropertyPath: 'ContactFlowId', Reason: 'REQUIRED_PROPERTY_MISSING' }),
    ]);
    // A QUICK_CONNECT field stands in for the flow, as the ContactFlowId doc says.
    await connect.send(
      new CreateTaskTemplateCommand(
        templateInput('Quick connect', {
          ContactFlowId: undefined,
          Fields: [{ Id: { Name: 'Transfer' }, Type: 'QUICK_CONNECT' }],
        }),
      ),
    );

    const badFlow = await failure(
      connect.send(new CreateTaskTemplateCommand(templateInput('Bad flow', { ContactFlowId: 'missing-flow' }))),
    );
    expect(badFlow.PropertyList[0]).toMatchObject({
      PropertyPath: 'ContactFlowId',
      Reason: 'REFERENCED_RESOURCE_NOT_FOUND',
    });

    const dupField = await failure(
      connect.send(
        new CreateTaskTemplateCommand(
          templateInput('Dup field', { Fields: [{ Id: { Name: 'A' } }, { Id: { Name: 'A' } }] }),
        ),
      ),
    );
    expect(dupField.PropertyList[0]).toMatchObject({
      PropertyPath: 'Fields[1].Id.Name',
      Reason: 'UNIQUE_CONSTRAINT_VIOLATED',
    });
  });

  it('answers InvalidParameterException for model violations and ClientToken misuse', async () => {
    expect(await failure(connect.send(new CreateTaskTemplateCommand(templateInput('x'.repeat(101)))))).toBeInstanceOf(
      InvalidParameterException,
    );
    expect(
      await failure(connect.send(new CreateTaskTemplateCommand(templateInput('bad status', { Status: 'ON' })))),
    ).toBeInstanceOf(InvalidParameterException);

    const token = 'token-template-idempotency';
    const a = await connect.send(new CreateTaskTemplateCommand(templateInput('Idem template', { ClientToken: token })));
    const b = await connect.send(new CreateTaskTemplateCommand(templateInput('Idem template', { ClientToken: token })));
    expect(b.Id).toBe(a.Id);
    const other = await failure(
      connect.send(new CreateTaskTemplateCommand(templateInput('Other template', { ClientToken: token }))),
    );
    expect(other).toBeInstanceOf(InvalidParameterException);
  });
});

describe('tags', () => {
  it('tags, lists and untags rules and task templates', async () => {
    const rule = await connect.send(new CreateRuleCommand(ruleInput('tagged')));
    const tpl = await connect.send(new CreateTaskTemplateCommand(templateInput('Tagged template')));
    for (const arn of [rule.RuleArn!, tpl.Arn!]) {
      await connect.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'test', owner: 'me' } }));
      expect((await connect.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({
        env: 'test',
        owner: 'me',
      });
      await connect.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['owner'] }));
      expect((await connect.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ env: 'test' });
    }
    expect(
      (await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: rule.RuleId }))).Rule!.Tags,
    ).toEqual({ env: 'test' });
    expect(
      (await connect.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: tpl.Id }))).Tags,
    ).toEqual({ env: 'test' });
  });

  it('refuses unknown resources, reserved keys and too many tags', async () => {
    const missing = `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE}/rule/00000000-0000-4000-8000-000000000000`;
    expect(await failure(connect.send(new ListTagsForResourceCommand({ resourceArn: missing })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(
      await failure(connect.send(new TagResourceCommand({ resourceArn: missing, tags: { a: 'b' } }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    const rule = await connect.send(new CreateRuleCommand(ruleInput('tag-limits')));
    expect(
      await failure(connect.send(new TagResourceCommand({ resourceArn: rule.RuleArn, tags: { 'aws:x': 'y' } }))),
    ).toBeInstanceOf(InvalidParameterException);
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v']));
    await connect.send(new TagResourceCommand({ resourceArn: rule.RuleArn, tags: many }));
    const more = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${i}`, 'v']));
    expect(
      await failure(connect.send(new TagResourceCommand({ resourceArn: rule.RuleArn, tags: more }))),
    ).toBeInstanceOf(InvalidParameterException);
  });

  it('reads the ARN from one percent-encoded path segment', async () => {
    const rule = await connect.send(new CreateRuleCommand(ruleInput('raw-tags')));
    const res = await raw(sb.endpoint, 'connect', 'POST', `/tags/${encodeURIComponent(rule.RuleArn!)}`, {
      tags: { via: 'raw' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    const listed = await raw(sb.endpoint, 'connect', 'GET', `/tags/${encodeURIComponent(rule.RuleArn!)}`);
    expect(listed.body).toEqual({ tags: { via: 'raw' } });
    expect(listed.headers.get('content-type')).toBe('application/json');
  });
});

/**
 * What the sandbox models beyond the models' shapes, each from a public AWS source (cited next to
 * the test; docs/FIDELITY.md lists them all). Real SDK clients, in-process sandbox, and an
 * injected clock wherever time matters: nothing here sleeps.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateRuleCommand,
  CreateTaskTemplateCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  InvalidParameterException,
  InvalidRequestException as ConnectInvalidRequest,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTaskTemplatesCommand,
  ListContactFlowsCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  DeleteTaskTemplateCommand,
  PropertyValidationException,
  UpdateRuleCommand,
} from '@aws-sdk/client-connect';
import {
  BadRequestException,
  DeleteBotChannelAssociationCommand,
  GetBotChannelAssociationsCommand,
  GetBotsCommand,
} from '@aws-sdk/client-lex-model-building-service';
import {
  DEFAULT_TOKEN_WINDOW_MS,
  startSandbox,
  type SandboxHandle,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { sandboxOptionsFrom } from '../../src/cli/sandbox.js';
import { CHAT_OPS, INSTANCE, clients, failure, functionFor, ruleInput, templateInput } from './helpers.js';

const START = Date.parse('2026-01-01T00:00:00.000Z');
let running: SandboxHandle[] = [];

/** A sandbox on a clock the test moves by hand. */
async function sandbox(options: SandboxOptions = {}) {
  const time = { now: START };
  const sb = await startSandbox({ quotas: false, clock: () => time.now, ...options });
  running.push(sb);
  return { sb, time, ...clients(sb.endpoint) };
}

afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

const action = (name: string, extra: Record<string, unknown> = {}) => ({
  ActionName: name,
  Definition: { CommandText: 'lambda invoke --function-name restart' },
  ...extra,
});
const tags = (n: number, prefix = 'k') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));
const tagList = (n: number) => Array.from({ length: n }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));

// Client tokens outlive their resource. Chatbot's ClientToken doc: "subsequent retries with the
// same client token returns the result from the original successful request" (nothing about the
// resource still existing); Connect documents a token lifetime, 7 days, on
// StartOutboundChatContact's ClientToken (https://docs.aws.amazon.com/connect/latest/APIReference/API_StartOutboundChatContact.html);
// services that document a window count it from first use, e.g. Directory Service Data's
// "valid for 8 hours after the first request that uses it completes".
describe('client tokens outlive their resource', () => {
  it('a CreateRule replayed after DeleteRule answers the original RuleId and creates nothing', async () => {
    const { sb, connect } = await sandbox();
    const first = await connect.send(new CreateRuleCommand(ruleInput('kept-token', { ClientToken: 'token-kept' })));
    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: first.RuleId }));
    const replay = await connect.send(new CreateRuleCommand(ruleInput('kept-token', { ClientToken: 'token-kept' })));
    expect(replay).toMatchObject({ RuleId: first.RuleId, RuleArn: first.RuleArn });
    expect(Object.keys(sb.world.connect.instances[INSTANCE].rules)).toEqual([]);
    // Another request under the same token is still refused after the delete.
    expect(
      await failure(connect.send(new CreateRuleCommand(ruleInput('other-name', { ClientToken: 'token-kept' })))),
    ).toBeInstanceOf(ResourceConflictException);
  });

  it('a CreateCustomAction replayed after DeleteCustomAction answers the original ARN and creates nothing', async () => {
    const { sb, chatbot } = await sandbox();
    const token = 't'.repeat(40);
    const first = await chatbot.send('CreateCustomAction', action('kept', { ClientToken: token }));
    await chatbot.send('DeleteCustomAction', { CustomActionArn: first.CustomActionArn });
    const replay = await chatbot.send('CreateCustomAction', action('kept', { ClientToken: token }));
    expect(replay.CustomActionArn).toBe(first.CustomActionArn);
    expect(sb.world.chatbot.customActions).toEqual({});
  });

  it('forgets a token once the window since its first use has passed; the window is settable', async () => {
    const { connect, time } = await sandbox({ tokenWindowMs: 60_000 });
    const first = await connect.send(new CreateRuleCommand(ruleInput('windowed', { ClientToken: 'token-window' })));
    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: first.RuleId }));
    time.now = START + 59_999;
    expect(
      (await connect.send(new CreateRuleCommand(ruleInput('windowed', { ClientToken: 'token-window' })))).RuleId,
    ).toBe(first.RuleId);
    time.now = START + 60_000;
    const fresh = await connect.send(new CreateRuleCommand(ruleInput('windowed', { ClientToken: 'token-window' })));
    expect(fresh.RuleId).not.toBe(first.RuleId);
    expect(
      (await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: fresh.RuleId }))).Rule?.Name,
    ).toBe('windowed');
  });

  it('defaults to a 7-day window', async () => {
    expect(DEFAULT_TOKEN_WINDOW_MS).toBe(7 * 24 * 3600 * 1000);
    const { connect, time } = await sandbox();
    const first = await connect.send(new CreateRuleCommand(ruleInput('week', { ClientToken: 'token-week' })));
    time.now = START + DEFAULT_TOKEN_WINDOW_MS - 1;
    expect((await connect.send(new CreateRuleCommand(ruleInput('week', { ClientToken: 'token-week' })))).RuleId).toBe(
      first.RuleId,
    );
    time.now = START + DEFAULT_TOKEN_WINDOW_MS;
    // Past the window the same request is a new create, which meets the existing name.
    expect(
      await failure(connect.send(new CreateRuleCommand(ruleInput('week', { ClientToken: 'token-week' })))),
    ).toBeInstanceOf(ResourceConflictException);
  });

  it('keeps tokens and their first-use time across restarts with a state file', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'fidelity-')), 'state.json');
    const before = await sandbox({ statePath, tokenWindowMs: 60_000 });
    const first = await before.connect.send(
      new CreateRuleCommand(ruleInput('restarted', { ClientToken: 'token-restart' })),
    );
    await before.connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: first.RuleId }));
    await before.sb.stop();
    const after = await sandbox({ statePath, tokenWindowMs: 60_000 });
    after.time.now = START + 59_999;
    expect(
      (await after.connect.send(new CreateRuleCommand(ruleInput('restarted', { ClientToken: 'token-restart' }))))
        .RuleId,
    ).toBe(first.RuleId);
    after.time.now = START + 60_000;
    expect(
      (await after.connect.send(new CreateRuleCommand(ruleInput('restarted', { ClientToken: 'token-restart' }))))
        .RuleId,
    ).not.toBe(first.RuleId);
  });

  it('forgetTokensOnDelete restores the old behaviour (a delete frees the token)', async () => {
    const { connect } = await sandbox({ forgetTokensOnDelete: true });
    const first = await connect.send(new CreateRuleCommand(ruleInput('freed', { ClientToken: 'token-freed' })));
    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: first.RuleId }));
    expect(
      (await connect.send(new CreateRuleCommand(ruleInput('freed', { ClientToken: 'token-freed' })))).RuleId,
    ).not.toBe(first.RuleId);
  });
});

// Eventual consistency: "changes to Amazon Connect resources might not be immediately visible to
// the subsequent commands you run ... You might get unexpected errors, such as a
// ResourceNotFoundException" (https://docs.aws.amazon.com/connect/latest/APIReference/eventual-consistency.html).
describe('consistency delay', () => {
  const DELAY = 5_000;

  it('a new rule reaches reads and tag calls only after the delay; the seed is visible at once', async () => {
    const { connect, time } = await sandbox({ consistencyDelayMs: DELAY });
    expect(
      (await connect.send(new ListContactFlowsCommand({ InstanceId: INSTANCE }))).ContactFlowSummaryList!.length,
    ).toBeGreaterThan(0);
    const { RuleId, RuleArn } = await connect.send(new CreateRuleCommand(ruleInput('late')));
    expect(await failure(connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect((await connect.send(new ListRulesCommand({ InstanceId: INSTANCE }))).RuleSummaryList).toEqual([]);
    expect(
      await failure(connect.send(new TagResourceCommand({ resourceArn: RuleArn, tags: { owner: 'ops' } }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(await failure(connect.send(new ListTagsForResourceCommand({ resourceArn: RuleArn })))).toBeInstanceOf(
      ResourceNotFoundException,
    );

    time.now = START + DELAY - 1;
    expect(await failure(connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    time.now = START + DELAY;
    expect((await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }))).Rule?.Name).toBe('late');
    await connect.send(new TagResourceCommand({ resourceArn: RuleArn, tags: { owner: 'ops' } }));
    // The tag itself is a change: it shows a delay later.
    expect((await connect.send(new ListTagsForResourceCommand({ resourceArn: RuleArn }))).tags).toBeUndefined();
    time.now = START + 2 * DELAY;
    expect((await connect.send(new ListTagsForResourceCommand({ resourceArn: RuleArn }))).tags).toEqual({
      owner: 'ops',
    });
  });

  it('changed and deleted rules read as before until the delay has passed', async () => {
    const { connect, time } = await sandbox({ consistencyDelayMs: DELAY });
    const { RuleId } = await connect.send(new CreateRuleCommand(ruleInput('before')));
    time.now = START + DELAY;
    const { TriggerEventSource, ...rest } = ruleInput('before', { PublishStatus: 'PUBLISHED' });
    void TriggerEventSource;
    await connect.send(new UpdateRuleCommand({ ...rest, RuleId }));
    const status = async () =>
      (await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }))).Rule?.PublishStatus;
    expect(await status()).toBe('DRAFT');
    time.now = START + 2 * DELAY;
    expect(await status()).toBe('PUBLISHED');
    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId }));
    expect(await status()).toBe('PUBLISHED');
    time.now = START + 3 * DELAY;
    expect(await failure(connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('name checks see a name just deleted, and one just taken, until the delay has passed', async () => {
    const { connect, chatbot, time } = await sandbox({ consistencyDelayMs: DELAY });
    const { RuleId } = await connect.send(new CreateRuleCommand(ruleInput('reused')));
    time.now = START + DELAY;
    await connect.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId }));
    expect(await failure(connect.send(new CreateRuleCommand(ruleInput('reused'))))).toBeInstanceOf(
      ResourceConflictException,
    );
    time.now = START + 2 * DELAY;
    await connect.send(new CreateRuleCommand(ruleInput('reused')));

    const created = await chatbot.send('CreateCustomAction', action('reborn'));
    expect(await failure(chatbot.send('GetCustomAction', { CustomActionArn: created.CustomActionArn }))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    time.now = START + 3 * DELAY;
    await chatbot.send('DeleteCustomAction', { CustomActionArn: created.CustomActionArn });
    expect(
      (await chatbot.send('GetCustomAction', { CustomActionArn: created.CustomActionArn })).CustomAction?.ActionName,
    ).toBe('reborn');
    expect(await failure(chatbot.send('CreateCustomAction', action('reborn')))).toMatchObject({
      name: 'ConflictException',
    });
    time.now = START + 4 * DELAY;
    await chatbot.send('CreateCustomAction', action('reborn'));
  });

  // The same page: calls that name a resource just created may answer "not found". Which calls
  // see it is a known unknown: every call that names an existing resource other than its update
  // and delete does here (tags and a custom action's links too), the stricter reading.
  it("UntagResource, a task template's tags and name, and linking a new custom action wait for the delay", async () => {
    const { connect, chatbot, time, sb } = await sandbox({ consistencyDelayMs: DELAY });
    const { Id, Arn } = await connect.send(new CreateTaskTemplateCommand(templateInput('fresh')));
    expect(
      await failure(connect.send(new TagResourceCommand({ resourceArn: Arn, tags: { owner: 'ops' } }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await failure(connect.send(new UntagResourceCommand({ resourceArn: Arn, tagKeys: ['owner'] }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    const { CustomActionArn } = await chatbot.send('CreateCustomAction', action('linked-late'));
    // AssociateToConfiguration declares no not-found: its validation error answers.
    expect(
      await failure(
        chatbot.send('AssociateToConfiguration', { Resource: CustomActionArn, ChatConfiguration: CHAT_OPS }),
      ),
    ).toMatchObject({ name: 'InvalidRequestException' });
    expect(sb.world.chatbot.chatConfigurations[CHAT_OPS].associations).toEqual([]);
    time.now = START + DELAY;
    await connect.send(new TagResourceCommand({ resourceArn: Arn, tags: { owner: 'ops' } }));
    await connect.send(new UntagResourceCommand({ resourceArn: Arn, tagKeys: ['owner'] }));
    await chatbot.send('AssociateToConfiguration', { Resource: CustomActionArn, ChatConfiguration: CHAT_OPS });
    expect(sb.world.chatbot.chatConfigurations[CHAT_OPS].associations).toEqual([CustomActionArn]);
    // A template name just freed still conflicts (PropertyValidationException, RESOURCE_NAME_ALREADY_EXISTS).
    await connect.send(new DeleteTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: Id }));
    const taken = await failure(connect.send(new CreateTaskTemplateCommand(templateInput('fresh'))));
    expect(taken).toBeInstanceOf(PropertyValidationException);
    expect(taken.PropertyList).toEqual([
      expect.objectContaining({ PropertyPath: 'Name', Reason: 'RESOURCE_NAME_ALREADY_EXISTS' }),
    ]);
    time.now = START + 2 * DELAY;
    await connect.send(new CreateTaskTemplateCommand(templateInput('fresh')));
  });

  it('is off by default: a new rule reads back at once', async () => {
    const { connect } = await sandbox();
    const { RuleId } = await connect.send(new CreateRuleCommand(ruleInput('now')));
    expect((await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }))).Rule?.Name).toBe('now');
  });
});

// UpdateCustomAction keeps what it is not sent. AWS's example for the operation (in the Chatbot
// model's examples; aws-sdk-js-v3 clients/client-chatbot/src/commands/UpdateCustomActionCommand.ts,
// also in the Ruby and Kotlin SDK docs): "Updates the command text of a
// custom action without altering the existing alias name or attachment criteria", sending only
// CustomActionArn and Definition.
describe('UpdateCustomAction', () => {
  it('keeps AliasName and Attachments that are left out', async () => {
    const { chatbot } = await sandbox();
    const Attachments = [
      {
        NotificationType: 'CloudWatch',
        ButtonText: 'Restart',
        Criteria: [{ Operator: 'HAS_VALUE' as const, VariableName: 'service' }],
      },
    ];
    const { CustomActionArn } = await chatbot.send(
      'CreateCustomAction',
      action('kept-alias', { AliasName: 'restart', Attachments }),
    );
    await chatbot.send('UpdateCustomAction', {
      CustomActionArn,
      Definition: { CommandText: 'lambda invoke MyNewFunction' },
    });
    const got = (await chatbot.send('GetCustomAction', { CustomActionArn })).CustomAction;
    expect(got).toMatchObject({
      AliasName: 'restart',
      Attachments,
      Definition: { CommandText: 'lambda invoke MyNewFunction' },
    });
  });

  // The other reading, opt-in: the API reference marks both members optional and says nothing
  // about omission, so connectform must also work where they are cleared (test/kinds/custom-action-update.test.ts).
  it("customActionUpdateOmitted: 'clear' removes AliasName and Attachments that are left out", async () => {
    const { chatbot } = await sandbox({ customActionUpdateOmitted: 'clear' });
    const Attachments = [
      {
        NotificationType: 'CloudWatch',
        ButtonText: 'Restart',
        Criteria: [{ Operator: 'HAS_VALUE' as const, VariableName: 'service' }],
      },
    ];
    const { CustomActionArn } = await chatbot.send(
      'CreateCustomAction',
      action('cleared-alias', { AliasName: 'restart', Attachments }),
    );
    await chatbot.send('UpdateCustomAction', {
      CustomActionArn,
      Definition: { CommandText: 'lambda invoke MyNewFunction' },
    });
    const got = (await chatbot.send('GetCustomAction', { CustomActionArn })).CustomAction;
    expect(got?.AliasName).toBeUndefined();
    expect(got?.Attachments).toBeUndefined();
    expect(got?.Definition).toEqual({ CommandText: 'lambda invoke MyNewFunction' });
  });
});

// ListTaskTemplates' MaxResults (MaxResult100) bounds the page; NextToken "is always returned as
// a null in the response" (the model's member documentation), so nothing past the page is reachable.
describe('ListTaskTemplates', () => {
  it('answers at most MaxResults templates (100 of 101) and no NextToken; all of them without MaxResults', async () => {
    const { connect } = await sandbox();
    for (let i = 0; i < 101; i++) await connect.send(new CreateTaskTemplateCommand(templateInput(`Template ${i}`)));
    const capped = await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    expect(capped.TaskTemplates).toHaveLength(100);
    expect(capped.NextToken).toBeUndefined();
    expect(
      (await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, MaxResults: 3 }))).TaskTemplates!.map(
        (t) => t.Name,
      ),
    ).toEqual(['Template 0', 'Template 1', 'Template 2']);
    expect((await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE }))).TaskTemplates).toHaveLength(
      101,
    );
  });
});

// Tag caps. Connect: TagResource "Map Entries: Maximum number of 50 items"
// (https://docs.aws.amazon.com/connect/latest/APIReference/API_TagResource.html), per resource as
// AWS's tagging rules count it. Chatbot documents no cap of its own (TagList: 200 per request);
// AWS's general rule is 50 per resource, and TagResource declares TooManyTagsException.
describe('tag caps', () => {
  it('Connect: a rule holds 50 tags; a 51st (a marker tag) is refused and nothing changes', async () => {
    const { connect } = await sandbox();
    const { RuleArn } = await connect.send(new CreateRuleCommand(ruleInput('tagged')));
    await connect.send(new TagResourceCommand({ resourceArn: RuleArn, tags: tags(50) }));
    const err = await failure(
      connect.send(new TagResourceCommand({ resourceArn: RuleArn, tags: { 'connectform:managed': 'true' } })),
    );
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(
      Object.keys((await connect.send(new ListTagsForResourceCommand({ resourceArn: RuleArn }))).tags!),
    ).toHaveLength(50);
    // 51 in one request breaks the TagMap maximum itself.
    const { RuleArn: other } = await connect.send(new CreateRuleCommand(ruleInput('tagged-2')));
    expect(await failure(connect.send(new TagResourceCommand({ resourceArn: other, tags: tags(51) })))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it('Chatbot: a custom action holds 200 tags; 201 are refused and TagResource past 200 is TooManyTagsException', async () => {
    const { chatbot } = await sandbox();
    expect(await failure(chatbot.send('CreateCustomAction', action('over', { Tags: tagList(201) })))).toMatchObject({
      name: 'InvalidRequestException',
    });
    const { CustomActionArn } = await chatbot.send('CreateCustomAction', action('full', { Tags: tagList(200) }));
    expect(
      await failure(
        chatbot.send('TagResource', { ResourceARN: CustomActionArn, Tags: [{ TagKey: 'marker', TagValue: 'x' }] }),
      ),
    ).toMatchObject({ name: 'TooManyTagsException' });
  });
});

// RuleTriggerEventSource: IntegrationAssociationArn "is required if TriggerEventSource is one of
// the following values: OnZendeskTicketCreate | OnZendeskTicketStatusUpdate | OnSalesforceCaseCreate"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-connect-rule-ruletriggereventsource.html).
describe('rules on integration event sources', () => {
  it.each(['OnZendeskTicketCreate', 'OnZendeskTicketStatusUpdate', 'OnSalesforceCaseCreate'] as const)(
    '%s needs an IntegrationAssociationId',
    async (source) => {
      const { connect } = await sandbox();
      const err = await failure(
        connect.send(
          new CreateRuleCommand(ruleInput(`no-${source}`, { TriggerEventSource: { EventSourceName: source } })),
        ),
      );
      expect(err).toBeInstanceOf(ConnectInvalidRequest);
      expect(err.message).toMatch(/IntegrationAssociationId is required/);
      const ok = await connect.send(
        new CreateRuleCommand(
          ruleInput(`with-${source}`, {
            TriggerEventSource: {
              EventSourceName: source,
              IntegrationAssociationId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
            },
            Function: functionFor(source),
          }),
        ),
      );
      expect(ok.RuleId).toBeDefined();
    },
  );
});

// Lex V1: "On September 15, 2025, AWS will discontinue support for Amazon Lex V1. After September
// 15, 2025, you will no longer be able to access the Amazon Lex V1 console or Amazon Lex V1
// resources" (https://docs.aws.amazon.com/lex/latest/dg/what-is.html); AWS's notice to account
// holders: "Any requests to Lex 1 endpoints after September 15, 2025 will fail"
// (quoted in https://github.com/SummitRoute/aws_breaking_changes/issues/107).
describe('Lex V1', () => {
  it('retired by default: every call fails, reads and deletes alike, and nothing changes', async () => {
    const { sb, lex } = await sandbox();
    for (const call of [
      lex.send(new GetBotsCommand({})),
      lex.send(new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: '-' })),
      lex.send(
        new DeleteBotChannelAssociationCommand({ botName: 'OrderFlowers', botAlias: 'prod', name: 'orders_slack' }),
      ),
    ]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(BadRequestException);
      expect(err.message).toMatch(/end of support on 2025-09-15/);
    }
    expect(sb.world.lex.bots.OrderFlowers.channelAssociations).toHaveLength(3);
  });

  it("answers with lexV1: 'available' (the opt-in for the history)", async () => {
    const { lex } = await sandbox({ lexV1: 'available' });
    expect((await lex.send(new GetBotsCommand({}))).bots!.map((b) => b.name)).toEqual(['BookTrip', 'OrderFlowers']);
  });

  // GetBotChannelAssociations' nameContains: "To return all bot channel associations, use a
  // hyphen ("-") as the nameContains parameter" (the operation's reference and the model's doc).
  it('GetBotChannelAssociations: nameContains "-" returns every association; other values match substrings', async () => {
    const { lex } = await sandbox({ lexV1: 'available' });
    const all = await lex.send(
      new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: '-', nameContains: '-' }),
    );
    expect(all.botChannelAssociations!.map((c) => c.name)).toEqual(['orders_facebook', 'orders_slack', 'orders_sms']);
    const some = await lex.send(
      new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: '-', nameContains: 'slack' }),
    );
    expect(some.botChannelAssociations!.map((c) => c.name)).toEqual(['orders_slack']);
    // Elsewhere a hyphen is still held to the pattern.
    expect(
      await failure(
        lex.send(new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: '-', nameContains: 'a-b' })),
      ),
    ).toBeInstanceOf(BadRequestException);
  });
});

describe('connectform sandbox flags', () => {
  it('maps --consistency-delay, --token-window, --forget-tokens-on-delete and --lex-v1', () => {
    expect(
      sandboxOptionsFrom({
        consistencyDelay: '250',
        tokenWindow: '1000',
        forgetTokensOnDelete: true,
        lexV1: 'retired',
      }),
    ).toMatchObject({
      consistencyDelayMs: 250,
      tokenWindowMs: 1000,
      forgetTokensOnDelete: true,
      lexV1: 'retired',
    });
    expect(() => sandboxOptionsFrom({ consistencyDelay: '-1' })).toThrow(
      /--consistency-delay must be a whole number of milliseconds/,
    );
    expect(() => sandboxOptionsFrom({ lexV1: 'gone' })).toThrow(/--lex-v1 must be retired or available/);
  });
});

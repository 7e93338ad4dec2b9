/**
 * The sandbox's reading of the Rules Function language (src/sandbox/rules-function.ts), through
 * the real SDK. The valid Functions are the API reference's own examples (cited per case); the
 * invalid ones each break one documented rule. docs/FIDELITY.md names these tests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectClient,
  CreateRuleCommand,
  DescribeRuleCommand,
  InvalidRequestException,
  UpdateRuleCommand,
} from '@aws-sdk/client-connect';
import { SeedError, startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { sandboxOptionsFrom } from '../../src/cli/sandbox.js';
import { UsageError } from '../../src/errors.js';
import { INSTANCE, clients, failure, postCallFunction, ruleInput } from './helpers.js';

const VERSION = '2022-11-25';
const INTEGRATION = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const fn = (RuleFunction: unknown) => JSON.stringify({ Version: VERSION, RuleFunction });
const and = (...Operands: unknown[]) => ({ Operator: 'AND', Operands });

/** The documented examples, per event source (page: https://docs.aws.amazon.com/connect/latest/APIReference/<source>.html). */
const DOCUMENTED: [source: string, text: string][] = [
  // example-rule-function.html, verbatim but for the comments.
  [
    'OnRealTimeCallAnalysisAvailable',
    fn(
      and(
        {
          Operator: 'CONTAINS_ANY',
          Operands: ['refund'],
          ComparisonValue: '$.ContactLens.RealTimeCall.ExactMatch.Transcript',
          FilterClause: { LogicOperator: 'AND', Filters: [{ Type: 'ParticipantRole', Data: 'CUSTOMER' }] },
          Negate: false,
        },
        {
          Operator: 'CONTAINS_ANY',
          Operands: ['11111111-1234-5678-9123-12345678012'],
          ComparisonValue: '$.ContactLens.RealTimeCall.Queue.QueueId',
          Negate: false,
        },
      ),
    ),
  ],
  // "PostCall sentiment score shift condition": a compound condition.
  [
    'OnPostCallAnalysisAvailable',
    fn(
      and(
        and(
          ...['Beginning', 'End'].map((end, i) => ({
            Operator: 'NumberGreaterOrEqualTo',
            Operands: [2 + i],
            ComparisonValue: `$.ContactLens.PostCall.Sentiment.Score.${end}`,
            FilterClause: { LogicOperator: 'AND', Filters: [{ Type: 'ParticipantRole', Data: 'AGENT' }] },
            Negate: false,
          })),
        ),
      ),
    ),
  ],
  // "PostChat contact attributes condition" and "PostChat words or phrases - Exact match".
  [
    'OnPostChatAnalysisAvailable',
    fn({
      Operator: 'OR',
      Operands: [
        {
          Operator: 'EQUALS',
          Operands: ['gold'],
          ComparisonValue: '$.ContactLens.PostChat.ContactAttribute.tier',
          Negate: true,
        },
        {
          Operator: 'CONTAINS_ANY',
          Operands: ['cancel'],
          ComparisonValue: '$.ContactLens.PostChat.ExactMatch.Transcript',
          FilterClause: {
            LogicOperator: 'AND',
            Filters: [
              { Type: 'PostChatContactPeriodSeconds', Data: { First: 60 } },
              { Type: 'ParticipantRole', Data: 'CUSTOMER' },
            ],
          },
          Negate: false,
        },
      ],
    }),
  ],
  // "ContactEvaluation - Form score condition" example.
  [
    'OnContactEvaluationSubmit',
    fn(
      and(
        and(
          {
            Operator: 'EQUALS',
            Operands: ['11111111-1234-5678-9123-12345678012'],
            ComparisonValue: '$.ContactLens.ContactEvaluation.Form.FormId',
            Negate: false,
          },
          {
            Operator: 'NumberLessOrEqualTo',
            Operands: [50],
            ComparisonValue: '$.ContactLens.ContactEvaluation.Form.Score',
            Negate: false,
          },
        ),
      ),
    ),
  ],
  // "Type condition".
  [
    'OnZendeskTicketCreate',
    fn(
      and({
        Operator: 'EQUALS',
        Operands: ['incident'],
        ComparisonValue: '$.ThirdParty.Zendesk.TicketCreate.Type',
        Negate: false,
      }),
    ),
  ],
  // "Status condition".
  [
    'OnZendeskTicketStatusUpdate',
    fn(
      and({
        Operator: 'EQUALS',
        Operands: ['solved'],
        ComparisonValue: '$.ThirdParty.Zendesk.StatusUpdate.Status',
        Negate: true,
      }),
    ),
  ],
  // "Name condition": EQUALS or CONTAINS.
  [
    'OnSalesforceCaseCreate',
    fn(
      and({
        Operator: 'CONTAINS',
        Operands: ['Acme'],
        ComparisonValue: '$.ThirdParty.Salesforce.CaseCreate.Name',
        Negate: false,
      }),
    ),
  ],
  // "Case status condition" and "Case template condition" examples.
  [
    'OnCaseUpdate',
    fn(
      and(
        { Operator: 'EQUALS', Operands: ['open'], ComparisonValue: '$.Case.Fields.status', Negate: false },
        { Operator: 'CONTAINS_ANY', Operands: ['templateId'], ComparisonValue: '$.Case.TemplateId', Negate: false },
      ),
    ),
  ],
  // "Cases SLA name condition" example.
  [
    'OnSlaBreach',
    fn(
      and({
        Operator: 'CONTAINS_ANY',
        Operands: ['highPrioritySla'],
        ComparisonValue: '$.RelatedItem.SlaConfiguration.Name',
        Negate: false,
      }),
    ),
  ],
  // "Initiation Method".
  [
    'OnEmailAnalysisAvailable',
    fn(
      and({
        Operator: 'CONTAINS_ANY',
        Operands: ['INBOUND', 'AGENT_REPLY'],
        ComparisonValue: '$.ContactLens.Email.InitiationMethod',
        Negate: false,
      }),
    ),
  ],
  // "Routing Profile" (devguide/OnEmailAnalysisAvailable.html): "Operands - Routing profile ARNs".
  [
    'OnEmailAnalysisAvailable',
    fn(
      and({
        Operator: 'CONTAINS_ANY',
        Operands: [`arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/routing-profile/rp-1`],
        ComparisonValue: '$.ContactLens.Email.Agent.RoutingProfile',
        Negate: false,
      }),
    ),
  ],
  // A MetricGroup holding the OLDEST_CONTACT_AGE example, under the rule-level MetricDataGrouping filter.
  [
    'OnMetricDataUpdate',
    fn({
      Operator: 'AND',
      Operands: [
        and({
          Operator: 'NumberGreaterOrEqualTo',
          ComparisonValue: '$.MetricData.OLDEST_CONTACT_AGE',
          Operands: [900],
          FilterClause: {
            LogicOperator: 'AND',
            Filters: [
              { Type: 'MetricDataFilterByQueue', Data: ['c04377e2-db01-4182-bc02-4285a66279e7'] },
              { Type: 'MetricDataFilterByChannel', Data: ['CHAT'] },
            ],
          },
          Negate: false,
        }),
      ],
      FilterClause: { LogicOperator: 'AND', Filters: [{ Type: 'MetricDataGrouping', Data: ['QUEUE'] }] },
    }),
  ],
  // "RealTimeCall words or phrases - Pattern match" with the PatternMatch Operands page's objects.
  [
    'OnRealTimeCallAnalysisAvailable',
    fn(
      and({
        Operator: 'CONTAINS_ANY',
        Operands: [
          [
            { Type: 'PLAIN', Value: 'card number' },
            { Type: 'PROXIMITY', Value: { Distance: 3, IsWithin: true } },
            { Type: 'NUMERICAL', Value: { Decimal: false } },
          ],
          { Type: 'LIST', Value: [{ Type: 'PLAIN', Value: 'visa' }] },
        ],
        ComparisonValue: '$.ContactLens.RealTimeCall.PatternMatch.Transcript',
        FilterClause: {
          LogicOperator: 'AND',
          Filters: [
            { Type: 'ParticipantRole', Data: 'ANY' },
            { Type: 'PatternMatchLanguageFilter', Data: 'EN' },
          ],
        },
        Negate: false,
      }),
    ),
  ],
  // No page documents OnAlertUpdate's conditions: the structural checks alone.
  [
    'OnAlertUpdate',
    fn(and({ Operator: 'EQUALS', Operands: ['x'], ComparisonValue: '$.Anything.Else', Negate: false })),
  ],
];

const NEEDS_INTEGRATION = ['OnZendeskTicketCreate', 'OnZendeskTicketStatusUpdate', 'OnSalesforceCaseCreate'];

const ruleFor = (name: string, source: string, text: string) =>
  ruleInput(name, {
    TriggerEventSource: {
      EventSourceName: source,
      ...(NEEDS_INTEGRATION.includes(source) ? { IntegrationAssociationId: INTEGRATION } : {}),
    },
    Function: text,
  });

/** A post-call rule whose RuleFunction has `operand` as its only condition. */
const postCall = (operand: unknown) => fn(and(operand));
const QUEUE_CONDITION = {
  Operator: 'CONTAINS_ANY',
  Operands: ['q1'],
  ComparisonValue: '$.ContactLens.PostCall.Queue.QueueId',
  Negate: false,
};

describe('the Rules Function language (CreateRule / UpdateRule)', () => {
  let sandbox: SandboxHandle;
  let connect: ConnectClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
    connect = clients(sandbox.endpoint).connect;
  });
  afterAll(async () => {
    connect.destroy();
    await sandbox.stop();
  });

  const refused = async (text: string, pattern: RegExp, source = 'OnPostCallAnalysisAvailable') => {
    const before = Object.keys(sandbox.world.connect.instances[INSTANCE].rules).length;
    const err = await failure(connect.send(new CreateRuleCommand(ruleFor(`bad-${before}`, source, text))));
    expect(err).toBeInstanceOf(InvalidRequestException);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(pattern);
    expect(Object.keys(sandbox.world.connect.instances[INSTANCE].rules)).toHaveLength(before);
  };

  it.each(DOCUMENTED.map(([source, text], i) => [source, i, text] as const))(
    'accepts the documented %s example (#%i), and DescribeRule returns it as stored',
    async (source, i, text) => {
      const { RuleId } = await connect.send(new CreateRuleCommand(ruleFor(`doc-${i}`, source, text)));
      const got = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }));
      expect(got.Rule!.Function).toBe(text);
    },
  );

  it('refuses a Function that is not JSON', async () => {
    await refused("'$.ContactLens.PostCall.Sentiment.Customer < -2'", /^Function: is not valid JSON/);
    await refused('this is not an expression ((', /not valid JSON/);
    await refused('[]', /must be a JSON object with Version and RuleFunction/);
  });

  it('refuses a missing or other Version', async () => {
    await refused(JSON.stringify({ RuleFunction: and(QUEUE_CONDITION) }), /^Function\.Version: undefined is not/);
    await refused(
      JSON.stringify({ Version: '2023-01-01', RuleFunction: and(QUEUE_CONDITION) }),
      /"2023-01-01" is not a supported version; the only supported version is 2022-11-25/,
    );
  });

  it('refuses a condition of another event source, on create and on update', async () => {
    const chat = { ...QUEUE_CONDITION, ComparisonValue: '$.ContactLens.PostChat.Queue.QueueId' };
    await refused(
      postCall(chat),
      /Operands\[0\]\.ComparisonValue: "\$\.ContactLens\.PostChat\.Queue\.QueueId" is not a condition of event source OnPostCallAnalysisAvailable/,
    );
    // Inside a compound condition too, and for a Zendesk path on a case rule.
    await refused(postCall(and(QUEUE_CONDITION, chat)), /RuleFunction\.Operands\[0\]\.Operands\[1\]\.ComparisonValue/);
    await refused(
      fn(and({ Operator: 'EQUALS', Operands: ['x'], ComparisonValue: '$.ThirdParty.Zendesk.TicketCreate.Type' })),
      /not a condition of event source OnCaseCreate/,
      'OnCaseCreate',
    );
    // UpdateRule checks against the rule's own (unchangeable) event source.
    const { RuleId } = await connect.send(new CreateRuleCommand(ruleInput('update-check')));
    const { InstanceId, Name, Actions, PublishStatus } = ruleInput('update-check');
    const err = await failure(
      connect.send(
        new UpdateRuleCommand({ InstanceId, RuleId, Name, Actions, PublishStatus, Function: postCall(chat) }),
      ),
    );
    expect(err).toBeInstanceOf(InvalidRequestException);
    expect(err.message).toMatch(/not a condition of event source OnPostCallAnalysisAvailable/);
    const kept = await connect.send(new DescribeRuleCommand({ InstanceId, RuleId }));
    expect(kept.Rule!.Function).toBe(postCallFunction());
  });

  it('refuses operators the language does not have', async () => {
    await refused(
      fn({ Operator: 'NOT', Operands: [QUEUE_CONDITION] }),
      /RuleFunction\.Operator: "NOT" is not allowed here/,
    );
    await refused(
      postCall({ ...QUEUE_CONDITION, Operator: 'GREATER_THAN' }),
      /"GREATER_THAN" is not a condition operator/,
    );
    await refused(postCall({ ...QUEUE_CONDITION, Operator: '<' }), /"<" is not a condition operator/);
    // Operators are case-sensitive as documented.
    await refused(postCall({ ...QUEUE_CONDITION, Operator: 'contains_any' }), /not a condition operator/);
  });

  it('refuses shapes the pages never show (the stricter reading)', async () => {
    await refused(fn({ Operator: 'AND', Operands: [] }), /RuleFunction\.Operands: must be a non-empty array/);
    await refused(postCall({ ...QUEUE_CONDITION, Weight: 2 }), /unknown member "Weight"/);
    await refused(postCall({ ...QUEUE_CONDITION, Negate: 'false' }), /Negate: must be true or false/);
    await refused(
      postCall({ ...QUEUE_CONDITION, ComparisonValue: 'Queue.QueueId' }),
      /JSON path string starting with "\$\."/,
    );
    await refused(postCall({ ...QUEUE_CONDITION, Operands: 'q1' }), /Operands: must be an array/);
    await refused(postCall({ ...QUEUE_CONDITION, Operands: [{ id: 'q1' }] }), /is not a string or a number/);
    await refused(
      postCall({
        ...QUEUE_CONDITION,
        FilterClause: { LogicOperator: 'OR', Filters: [{ Type: 'ParticipantRole', Data: 'AGENT' }] },
      }),
      /FilterClause\.LogicOperator: only "AND" is supported/,
    );
    // A rule-level FilterClause belongs to OnMetricDataUpdate only.
    await refused(
      fn({
        ...and(QUEUE_CONDITION),
        FilterClause: { LogicOperator: 'AND', Filters: [{ Type: 'MetricDataGrouping', Data: ['QUEUE'] }] },
      }),
      /unknown member "FilterClause"/,
    );
    // Compound conditions nest one level below RuleFunction, no deeper.
    await refused(postCall(and(and(QUEUE_CONDITION))), /"AND" groups conditions only directly under RuleFunction/);
    await refused(
      fn(
        and({
          ...QUEUE_CONDITION,
          ComparisonValue: '$.ContactLens.PostCall.PatternMatch.Transcript',
          Operands: [{ Type: 'REGEX', Value: '\\d+' }],
        }),
      ),
      /Operands\[0\]\.Type: "REGEX" is not a PatternMatch type/,
    );
    // Bounded input: a filter's Data nested 100 levels deep.
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    await refused(
      postCall({
        ...QUEUE_CONDITION,
        FilterClause: { LogicOperator: 'AND', Filters: [{ Type: 'ParticipantRole', Data: deep }] },
      }),
      /^Function: nests objects and arrays deeper than 32 levels/,
    );
    // Structural checks hold for undocumented sources too.
    await refused(
      fn(and({ Operator: 'LIKE', Operands: [], ComparisonValue: '$.A.B' })),
      /not a condition operator/,
      'OnSchedulePublish',
    );
  });
});

describe('--rule-function-echo reformat', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('DescribeRule returns the same JSON value, written with other key order and spacing', async () => {
    sandbox = await startSandbox({ quotas: false, ruleFunctionEcho: 'reformat' });
    const { connect } = clients(sandbox.endpoint);
    for (const [i, [source, text]] of DOCUMENTED.entries()) {
      const { RuleId } = await connect.send(new CreateRuleCommand(ruleFor(`echo-${i}`, source, text)));
      const echoed = (await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }))).Rule!.Function!;
      expect(echoed).not.toBe(text);
      expect(JSON.parse(echoed)).toEqual(JSON.parse(text));
      expect(Object.keys(JSON.parse(echoed))).toEqual(['RuleFunction', 'Version']);
      // What is stored is what was sent; only the answer is rewritten.
      expect(sandbox.world.connect.instances[INSTANCE].rules[RuleId!].Function).toBe(text);
    }
    connect.destroy();
  });

  it('is the CLI flag --rule-function-echo stored|reformat', () => {
    expect(sandboxOptionsFrom({ ruleFunctionEcho: 'reformat' }).ruleFunctionEcho).toBe('reformat');
    expect(sandboxOptionsFrom({ ruleFunctionEcho: 'stored' }).ruleFunctionEcho).toBe('stored');
    expect(sandboxOptionsFrom({}).ruleFunctionEcho).toBeUndefined();
    expect(() => sandboxOptionsFrom({ ruleFunctionEcho: 'pretty' })).toThrow(UsageError);
  });
});

describe('state files from before the Rules Function language (format 1)', () => {
  const v1State = async (mutate: (rule: Record<string, unknown>) => void) => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'cf-rules-state-')), 'state.json');
    const first = await startSandbox({ quotas: false, statePath });
    const { connect } = clients(first.endpoint);
    const { RuleId } = await connect.send(new CreateRuleCommand(ruleInput('old-rule')));
    connect.destroy();
    await first.stop();
    const doc = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(doc.format).toBe('connectform-sandbox-state/2');
    doc.format = 'connectform-sandbox-state/1';
    mutate(doc.world.connect.instances[INSTANCE].rules[RuleId!]);
    writeFileSync(statePath, JSON.stringify(doc));
    return { statePath, RuleId: RuleId! };
  };

  it('loads one whose Functions are all valid, and saves it as format 2', async () => {
    const { statePath, RuleId } = await v1State(() => undefined);
    const sandbox = await startSandbox({ quotas: false, statePath });
    expect(sandbox.world.connect.instances[INSTANCE].rules[RuleId].Function).toBe(postCallFunction());
    const { connect } = clients(sandbox.endpoint);
    await connect.send(new CreateRuleCommand(ruleInput('after-migration')));
    connect.destroy();
    await sandbox.stop();
    expect(JSON.parse(readFileSync(statePath, 'utf8')).format).toBe('connectform-sandbox-state/2');
  });

  it('refuses one holding an invented Function, in one line naming the rule', async () => {
    const { statePath, RuleId } = await v1State((rule) => {
      rule.Function = '$.ContactLens.PostCall.Sentiment.Customer < -2';
    });
    const err = await failure(startSandbox({ quotas: false, statePath }));
    expect(err).toBeInstanceOf(SeedError);
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain(
      `older sandbox state file (connectform-sandbox-state/1) whose rule "old-rule" (${RuleId}`,
    );
    expect(err.message).toMatch(/Function: is not valid JSON.*delete the file to start from the seed/);
  });
});

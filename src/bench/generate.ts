/**
 * Realistic resource bodies for the benchmark, generated deterministically from an index: Connect
 * rules over several event sources and action types, task templates with 4-8 fields, Chatbot
 * custom actions with aliases, notification buttons, tags and chat channel links.
 *
 * Each resource comes in two shapes that describe the same thing:
 *  - `config`: what a user writes (contact flows by `{ name }`, `ChatConfigurations`; with
 *    `{ names: true }` queues, users, hierarchy groups, routing profiles, evaluation forms and
 *    chat configurations by name too, from the large directories of lookups.ts);
 *  - `seed`: the create request the sandbox seed takes (ids and ARNs; no connectform-only fields).
 * A world seeded with `seed` bodies and a config declaring the `config` bodies plan to no change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_ACCOUNT_ID, DEFAULT_SEED, type FullSeed } from '../sandbox/world.js';
import type { ReferenceKind } from '../aws/directories.js';
import type { Body } from '../kinds/types.js';
import {
  BENCH_INSTANCE,
  BENCH_REGION,
  entryAt,
  entryNamed,
  seededChatConfigurations,
  seededDirectories,
  type Entry,
} from './lookups.js';

export { BENCH_INSTANCE, BENCH_REGION } from './lookups.js';
export const BENCH_TARGET = 'bench';

export const OPS_CHANNEL = `arn:aws:chatbot::${DEFAULT_ACCOUNT_ID}:chat-configuration/slack-channel/ops`;
export const ONCALL_CHANNEL = `arn:aws:chatbot::${DEFAULT_ACCOUNT_ID}:chat-configuration/slack-channel/oncall`;

export interface Counts {
  rules: number;
  taskTemplates: number;
  customActions: number;
}

export interface Generated {
  config: Body;
  seed: Body;
  /** A custom action's chat configuration ARNs (the seed links them; the config may name them). */
  chatConfigurations?: string[];
}

/** How the config writes instance-specific ids: flows by name only, or every kind by name. */
export interface Style {
  /** Queues, users, hierarchy groups, routing profiles, evaluation forms, more flows and chat configurations by name. */
  names?: boolean;
}

const TEAMS = ['care', 'billing', 'retention', 'sales', 'support', 'workforce', 'claims', 'onboarding'];
const pad = (i: number) => String(i).padStart(4, '0');
const team = (i: number) => TEAMS[i % TEAMS.length];

/** A reference: `{ name }` in the config, the entry's id (or ARN, `arn`) in the seed. */
const ref = (entry: Entry, arn = false) => ({ $ref: entry, arn });
/** The k-th entry of a directory, as a reference (spreads a generated config's names over it). */
const refAt = (kind: ReferenceKind, k: number, arn = false) => ref(entryAt(kind, k), arn);

/**
 * A body whose `{ $flow: name }` and `{ $ref }` leaves become `{ name }` (config) or the id or
 * ARN (seed), and whose `{ $fn }` becomes the Function (a mapping, or DescribeRule's string).
 */
function split(template: unknown): Generated {
  const walk = (v: unknown, side: 'config' | 'seed'): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, side));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$flow === 'string') return walk(ref(entryNamed('contactFlow', o.$flow)), side);
      if (o.$ref) {
        const e = o.$ref as Entry;
        return side === 'config' ? { name: e.name } : o.arn ? e.arn : e.id;
      }
      if (o.$fn !== undefined) {
        const doc = walk(o.$fn, side);
        return side === 'config' ? doc : JSON.stringify(doc);
      }
      return Object.fromEntries(
        Object.entries(o)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [k, walk(x, side)]),
      );
    }
    return v;
  };
  return { config: walk(template, 'config') as Body, seed: walk(template, 'seed') as Body };
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

const customer = { LogicOperator: 'AND', Filters: [{ Type: 'ParticipantRole', Data: 'CUSTOMER' }] };
/** A documented Function (docs/KINDS.md, "Rule Function") of these conditions, config and seed forms. */
const fn = (...conditions: Body[]) => ({
  $fn: { Version: '2022-11-25', RuleFunction: { Operator: 'AND', Operands: conditions } },
});
const transcript = (path: string, phrases: string[]) => ({
  Operator: 'CONTAINS_ANY',
  Operands: phrases,
  ComparisonValue: path,
  FilterClause: customer,
  Negate: false,
});
/** A condition on resources (queues, users...): CONTAINS_ANY of `refs`. */
const among = (path: string, refs: unknown[]) => ({
  Operator: 'CONTAINS_ANY',
  Operands: refs,
  ComparisonValue: path,
  Negate: false,
});

/**
 * Rule `i`; `changed` moves its Function's threshold (the 5% scenario's one-field change). With
 * `style.names`, each rule also names instance resources: queues, agents, hierarchy groups,
 * routing profiles (the email rule, in the Zendesk rule's place), evaluation forms, more flows.
 */
export function rule(i: number, changed = false, style: Style = {}): Generated {
  const named = style.names === true;
  /** Only with names: the extra conditions, none otherwise. */
  const ifNamed = <T>(...xs: T[]): T[] => (named ? xs : []);
  const t = team(i);
  const n = 10 + (i % 37) + (changed ? 1 : 0);
  const tags = i % 2 === 0 ? { team: t, env: 'bench', 'cost-center': `cc-${100 + (i % 12)}` } : undefined;
  const publish = i % 5 === 4 ? 'DRAFT' : 'PUBLISHED';
  const notify = (subject: string, content: string) => ({
    ActionType: 'SEND_NOTIFICATION',
    SendNotificationAction: {
      DeliveryMethod: 'EMAIL',
      Subject: subject,
      Content: content,
      ContentType: 'PLAIN_TEXT',
      Recipient: named
        ? { UserIds: [refAt('user', i * 7), refAt('user', i * 7 + 1)] }
        : { UserTags: { role: `${t}-supervisor` } },
    },
  });
  const base = { PublishStatus: publish, Tags: tags };
  switch (i % 8) {
    case 0:
      return split({
        Name: `${t}-long-hold-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: fn(
          transcript('$.ContactLens.PostCall.ExactMatch.Transcript', ['cancel', `${t} account ${i % 9}`]),
          {
            Operator: 'NumberGreaterOrEqualTo',
            Operands: [n],
            ComparisonValue: '$.ContactLens.PostCall.Agent.CustomerHoldDurationPct',
            Negate: false,
          },
          ...ifNamed(
            among('$.ContactLens.PostCall.Queue.QueueId', [refAt('queue', i), refAt('queue', i + 300)]),
            among('$.ContactLens.PostCall.Agent.HierarchyGroup.ARN', [refAt('hierarchyGroup', i, true)]),
          ),
        ),
        Actions: [
          {
            ActionType: 'CREATE_TASK',
            TaskAction: {
              Name: `Call back unhappy ${t} customer`,
              Description: 'Customer asked to cancel after a long hold on contact $.ContactId',
              ContactFlowId: { $flow: 'Escalation' },
              References: {
                Recording: { Type: 'URL', Value: 'https://connect.example.com/contact-trace-records/$.ContactId' },
              },
            },
          },
          { ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} },
        ],
        ...base,
      });
    case 1:
      return split({
        Name: `${t}-live-call-risk-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnRealTimeCallAnalysisAvailable' },
        Function: fn(
          transcript('$.ContactLens.RealTimeCall.ExactMatch.Transcript', [`${t} cancel ${n}`]),
          ...ifNamed(
            among('$.ContactLens.RealTimeCall.Agent.AgentId', [refAt('user', i), refAt('user', i + 1250)]),
            among('$.ContactLens.RealTimeCall.Queue.QueueId', [refAt('queue', i)]),
          ),
        ),
        Actions: [notify(`Live ${t} call at risk`, 'Contact $.ContactId mentioned cancelling. Consider barging in.')],
        ...base,
      });
    case 2:
      return split({
        Name: `${t}-chat-profanity-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnPostChatAnalysisAvailable' },
        Function: fn(
          transcript('$.ContactLens.PostChat.ExactMatch.Transcript', [`profanity level ${n}`]),
          ...ifNamed(among('$.ContactLens.PostChat.Queue.QueueId', [refAt('queue', i + 1)])),
        ),
        Actions: [
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${t}-chat-profanity-${i % 50}` } },
        ],
        ...base,
      });
    case 3:
      return split({
        Name: `${t}-chat-follow-up-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnPostChatAnalysisAvailable' },
        Function: fn(transcript('$.ContactLens.PostChat.SemanticMatch.Transcript', [`${t} unhappy ${n}`])),
        Actions: [
          {
            ActionType: 'CREATE_TASK',
            TaskAction: {
              Name: `Follow up ${t} chat $.ContactId`,
              ContactFlowId: named ? refAt('contactFlow', i) : { $flow: 'Callback' },
            },
          },
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${t}-chat-negative` } },
        ],
        ...base,
      });
    case 4:
      return split({
        Name: `${t}-sla-breach-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnSlaBreach' },
        Function: fn({
          Operator: 'CONTAINS_ANY',
          Operands: [`${t}-sla-${n}`],
          ComparisonValue: '$.RelatedItem.SlaConfiguration.Name',
          Negate: false,
        }),
        Actions: [
          {
            ActionType: 'CREATE_TASK',
            TaskAction: { Name: `${t} SLA ${n} breached on case $.Case.Id`, ContactFlowId: { $flow: 'Task routing' } },
          },
        ],
        ...base,
      });
    case 5:
      return split({
        Name: `${t}-low-evaluation-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
        Function: fn({
          Operator: 'AND',
          Operands: [
            {
              Operator: 'EQUALS',
              Operands: [
                named ? refAt('evaluationForm', i) : `${pad(i % 8).padStart(8, '0')}-1234-5678-9123-000000000001`,
              ],
              ComparisonValue: '$.ContactLens.ContactEvaluation.Form.FormId',
              Negate: false,
            },
            {
              Operator: 'NumberLessOrEqualTo',
              Operands: [40 + n],
              ComparisonValue: '$.ContactLens.ContactEvaluation.Form.Score',
              Negate: false,
            },
          ],
        }),
        Actions: [notify(`Evaluation at or below ${40 + n}%`, 'Agent $.Agent.UserName scored low.')],
        ...base,
      });
    case 6:
      if (named)
        return split({
          Name: `${t}-email-routing-${pad(i)}`,
          TriggerEventSource: { EventSourceName: 'OnEmailAnalysisAvailable' },
          Function: fn(
            // The email page's routing profile and hierarchy conditions take ARNs.
            among('$.ContactLens.Email.Agent.RoutingProfile', [refAt('routingProfile', i, true)]),
            among('$.ContactLens.Email.Agent.HierarchyGroup.ARN', [refAt('hierarchyGroup', i + 1, true)]),
            {
              Operator: 'NumberGreaterOrEqualTo',
              Operands: [60 + n],
              ComparisonValue: '$.ContactLens.Email.Agent.AfterContactWorkDurationSecs',
              Negate: false,
            },
          ),
          Actions: [
            {
              ActionType: 'SUBMIT_AUTO_EVALUATION',
              SubmitAutoEvaluationAction: { EvaluationFormId: refAt('evaluationForm', i + 1) },
            },
          ],
          ...base,
        });
      return split({
        Name: `${t}-zendesk-urgent-${pad(i)}`,
        TriggerEventSource: {
          EventSourceName: 'OnZendeskTicketCreate',
          IntegrationAssociationId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
        },
        Function: fn(
          {
            Operator: 'EQUALS',
            Operands: ['urgent'],
            ComparisonValue: '$.ThirdParty.Zendesk.TicketCreate.Priority',
            Negate: false,
          },
          {
            Operator: 'EQUALS',
            Operands: [`requester-${n}`],
            ComparisonValue: '$.ThirdParty.Zendesk.TicketCreate.RequesterId',
            Negate: false,
          },
        ),
        Actions: [
          {
            ActionType: 'CREATE_TASK',
            TaskAction: { Name: 'Urgent Zendesk ticket', ContactFlowId: { $flow: 'Task routing' } },
          },
        ],
        ...base,
      });
    default:
      return split({
        Name: `${t}-case-reason-${pad(i)}`,
        TriggerEventSource: { EventSourceName: 'OnCaseCreate' },
        Function: fn(
          {
            Operator: 'EQUALS',
            Operands: [`${t} refund ${n}`],
            ComparisonValue: '$.Case.Fields.case_reason',
            Negate: false,
          },
          ...ifNamed(
            among('$.Case.Fields.assigned_queue', [refAt('queue', i + 2)]),
            among('$.Case.Fields.assigned_user', [refAt('user', i + 2)]),
          ),
        ),
        Actions: [
          {
            ActionType: 'UPDATE_CASE',
            UpdateCaseAction: { Fields: [{ Id: 'queue', Value: { StringValue: `${t}-priority-care` } }] },
          },
        ],
        ...base,
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Task templates
// ---------------------------------------------------------------------------------------------

const TEMPLATE_TOPICS = [
  'Billing dispute follow-up',
  'Callback request',
  'Address change',
  'Refund approval',
  'Fraud review',
  'Warranty claim',
  'Escalated complaint',
  'Onboarding check',
];
const FLOW_NAMES = ['Task routing', 'Callback', 'Escalation', 'VIP routing'];

/** Task template `i`; `changed` edits its Description; `style.names` spreads its flows over the directory. */
export function taskTemplate(i: number, changed = false, style: Style = {}): Generated {
  const named = style.names === true;
  const topic = TEMPLATE_TOPICS[i % TEMPLATE_TOPICS.length];
  const fields: Body[] = [
    { Id: { Name: 'Title' }, Type: 'NAME', Description: `Short summary of the ${topic.toLowerCase()}` },
    { Id: { Name: 'Account number' }, Type: 'TEXT', Description: 'Customer account number (10 digits)' },
    { Id: { Name: 'Priority' }, Type: 'SINGLE_SELECT', SingleSelectOptions: ['Low', 'Normal', 'High'] },
    { Id: { Name: 'Details' }, Type: 'DESCRIPTION' },
  ];
  if (i % 2 === 0)
    fields.push({ Id: { Name: 'Amount' }, Type: 'NUMBER', Description: 'Amount in the account currency' });
  if (i % 3 === 0) fields.push({ Id: { Name: 'Follow up by' }, Type: 'SCHEDULED_TIME' });
  if (i % 4 === 0) fields.push({ Id: { Name: 'Case link' }, Type: 'URL' });
  if (i % 5 === 0) fields.push({ Id: { Name: 'Customer email' }, Type: 'EMAIL' });
  const constraints: Body = { RequiredFields: [{ Id: { Name: 'Title' } }, { Id: { Name: 'Account number' } }] };
  if (i % 3 === 0) constraints.ReadOnlyFields = [{ Id: { Name: 'Account number' } }];
  return split({
    Name: `${topic} ${pad(i)}`,
    Description: `${topic} for the ${team(i)} team, queue ${i % 17}${changed ? ' (revised)' : ''}`,
    ContactFlowId: named ? refAt('contactFlow', i * 3 + 1) : { $flow: FLOW_NAMES[i % FLOW_NAMES.length] },
    SelfAssignFlowId: i % 2 === 1 ? { $flow: 'Default agent transfer' } : undefined,
    Status: i % 10 === 9 ? 'INACTIVE' : 'ACTIVE',
    Fields: fields,
    Constraints: constraints,
    Defaults: i % 2 === 0 ? { DefaultFieldValues: [{ Id: { Name: 'Priority' }, DefaultValue: 'Normal' }] } : undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// Custom actions
// ---------------------------------------------------------------------------------------------

const COMMANDS = [
  {
    verb: 'describe-alarm',
    text: 'cloudwatch describe-alarms --alarm-names $AlarmName',
    vars: { AlarmName: '$.detail.alarmName' },
  },
  {
    verb: 'queue-metrics',
    text: 'connect get-current-metric-data --instance-id $InstanceId --filters Queues=$QueueId',
    vars: { InstanceId: '$.detail.instanceId', QueueId: '$.detail.queueId' },
  },
  {
    verb: 'restart-lambda',
    text: 'lambda invoke --function-name $FunctionName /dev/null',
    vars: { FunctionName: '$.detail.functionName' },
  },
  {
    verb: 'list-flows',
    text: 'connect list-contact-flows --instance-id $InstanceId',
    vars: { InstanceId: '$.detail.instanceId' },
  },
];

/**
 * Custom action `i`; `changed` edits Definition.CommandText. With `style.names` its chat
 * configurations are named, over the three channel types: ops, a team's Slack alerts channel, a
 * Teams channel, a Chime webhook (a dozen configurations in all, each probed by ListAssociations).
 */
export function customAction(i: number, changed = false, style: Style = {}): Generated {
  const c = COMMANDS[i % COMMANDS.length];
  const name = `${team(i)}-${c.verb}-${pad(i)}`;
  const withButton = i % 2 === 0;
  const attachments = withButton
    ? [
        {
          NotificationType: 'CloudWatch',
          ButtonText: `${c.verb.replace(/-/g, ' ')} ${i % 100}`,
          Criteria: [
            ...Object.keys(c.vars).map((v) => ({ Operator: 'HAS_VALUE', VariableName: v })),
            { Operator: 'EQUALS', VariableName: 'State', Value: 'ALARM' },
          ],
          Variables: { ...c.vars, State: '$.detail.state.value' },
        },
      ]
    : undefined;
  const chat = (name: string) => entryNamed('chatConfiguration', name);
  const linked: Entry[] | undefined = !style.names
    ? undefined
    : i % 4 === 0
      ? [chat('ops'), entryAt('chatConfiguration', 2 + ((i / 4) % 8))]
      : i % 4 === 1
        ? [chat(`teams-escalations-00${i % 3}`)]
        : i % 4 === 2
          ? [chat('chime-bridge-000'), chat('oncall')]
          : undefined;
  const channels = style.names
    ? linked?.map((e) => e.arn)
    : i % 4 === 0
      ? [OPS_CHANNEL, ONCALL_CHANNEL]
      : i % 4 === 3
        ? undefined
        : [OPS_CHANNEL];
  const tags = [
    { TagKey: 'team', TagValue: team(i) },
    { TagKey: 'env', TagValue: 'bench' },
  ];
  const body = {
    ActionName: name,
    // Aliases must be unique; one action in three has one (the others are buttons only).
    AliasName: !withButton || i % 3 === 0 ? `a${pad(i)}-${c.verb}`.slice(0, 30) : undefined,
    Definition: { CommandText: `${c.text}${changed ? ' --no-cli-pager' : ''}` },
    Attachments: attachments,
    Tags: tags,
  };
  const config: Body = structuredClone(body) as Body;
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  if (channels) config.ChatConfigurations = linked ? linked.map((e) => ({ name: e.name })) : channels;
  const seed = structuredClone(config);
  delete seed.ChatConfigurations;
  return { config, seed, ...(channels ? { chatConfigurations: channels } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Sets, the 5% change, the seed and the config directory
// ---------------------------------------------------------------------------------------------

export interface ResourceSet {
  rules: Generated[];
  taskTemplates: Generated[];
  customActions: Generated[];
}

/** Which indices the change scenario edits: every 1/fraction-th resource of each kind. */
export function changedIndex(i: number, percent: number): boolean {
  if (percent <= 0) return false;
  const step = Math.max(1, Math.round(100 / percent));
  return i % step === step - 1;
}

export function generate(counts: Counts, changePercent = 0, style: Style = {}): ResourceSet {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    rules: range(counts.rules).map((i) => rule(i, changedIndex(i, changePercent), style)),
    taskTemplates: range(counts.taskTemplates).map((i) => taskTemplate(i, changedIndex(i, changePercent), style)),
    customActions: range(counts.customActions).map((i) => customAction(i, changedIndex(i, changePercent), style)),
  };
}

export function changedCount(counts: Counts, percent: number): Counts {
  const n = (total: number) =>
    Array.from({ length: total }, (_, i) => i).filter((i) => changedIndex(i, percent)).length;
  return { rules: n(counts.rules), taskTemplates: n(counts.taskTemplates), customActions: n(counts.customActions) };
}

/** `n` Connect instance ids of one account (the many-targets scenarios), the same on every run. */
export function benchInstances(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `b0000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
}

/** DEFAULT_SEED's contact flows in each of `instanceIds`, each holding `set`'s rules and task templates. */
export function seedWithInstances(set: ResourceSet, instanceIds: string[]): FullSeed {
  const seed = structuredClone(DEFAULT_SEED);
  const template = seed.connect.instances[0];
  seed.connect.instances = instanceIds.map((id) => ({
    ...structuredClone(template),
    id,
    rules: set.rules.map((r) => r.seed),
    taskTemplates: set.taskTemplates.map((t) => t.seed),
  }));
  return seed;
}

/**
 * DEFAULT_SEED plus `set` pre-created (rules, task templates, custom actions and their links);
 * with `directories`, the instance and the account hold a large contact center's directories
 * (lookups.ts) in place of DEFAULT_SEED's few entries.
 */
export function seedWith(set: ResourceSet | undefined, options: { directories?: boolean } = {}): FullSeed {
  const seed = structuredClone(DEFAULT_SEED);
  const instance = seed.connect.instances.find((x) => x.id === BENCH_INSTANCE)!;
  if (options.directories) {
    Object.assign(instance, seededDirectories());
    seed.chatbot.chatConfigurations = seededChatConfigurations();
  }
  if (!set) return seed;
  instance.rules = set.rules.map((r) => r.seed);
  instance.taskTemplates = set.taskTemplates.map((t) => t.seed);
  seed.chatbot.customActions = set.customActions.map((a) => a.seed);
  seed.chatbot.associations = set.customActions.flatMap((a) =>
    (a.chatConfigurations ?? []).map((chatConfiguration) => ({
      customAction: String(a.config.ActionName),
      chatConfiguration,
    })),
  );
  return seed;
}

/**
 * Writes connectform.yaml and one YAML file per kind; returns the directory. One target by
 * default; `targets` for the many-targets scenarios (every target declares the same resources).
 */
export function writeConfigDir(
  dir: string,
  set: ResourceSet,
  settings: Record<string, unknown> = {},
  targets: Record<string, { region: string; instanceId: string }> = {
    [BENCH_TARGET]: { region: BENCH_REGION, instanceId: BENCH_INSTANCE },
  },
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'connectform.yaml'), stringify({ targets, settings }));
  const files: [string, string, Generated[]][] = [
    ['rules.yaml', 'rules', set.rules],
    ['task-templates.yaml', 'taskTemplates', set.taskTemplates],
    ['custom-actions.yaml', 'customActions', set.customActions],
  ];
  for (const [file, key, items] of files) {
    if (items.length)
      writeFileSync(join(dir, file), stringify({ [key]: items.map((x) => x.config) }, { lineWidth: 0 }));
  }
  return dir;
}

/** Splits `total` resources in the 1000 : 300 : 200 proportions. */
export function proportional(total: number): Counts {
  const taskTemplates = Math.round((total * 3) / 15);
  const customActions = Math.round((total * 2) / 15);
  return { rules: total - taskTemplates - customActions, taskTemplates, customActions };
}

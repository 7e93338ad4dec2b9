/**
 * Amazon Connect rules (`rules:`). Identity: `Name` within the instance.
 *
 * UpdateRule cannot change TriggerEventSource (replace), can rename only rules on the
 * Zendesk/Salesforce sources (replace elsewhere), and carries no tags (TagResource/UntagResource).
 */
import type {
  CreateRuleCommandInput,
  CreateRuleRequest,
  Rule,
  RuleAction,
  RuleSummary,
  TaskActionDefinition,
  UpdateRuleCommandInput,
} from '@aws-sdk/client-connect';
import type { Problem } from '../errors.js';
import { ACTION_MEMBER } from '../aws/connect-rules.js';
import { isNotFound } from '../aws/call-errors.js';
import {
  MARKER_TAG_KEY,
  MARKER_TAG_VALUE,
  asSet,
  deleteIfPresent,
  isRecord,
  mapConcurrent,
  pages,
  pick,
  prune,
  typedBody,
  userTags,
  type FlowRef,
} from './common.js';
import { connectTagCalls, liveTagMap, markerWriter, reconcileTags } from './tags.js';
import { joinPath } from '../problem-path.js';
import { referenceProblems, referencesToNames, referencesToWire } from './references.js';
import { byMembers, referenceSet, stringAt } from './lists.js';
import { checkFunction, DOCUMENTED_FORM, FUNCTION_DOCS, parseFunction } from './rule-function/check.js';
import { FUNCTION_LISTS, normalizeFunction, wireFunction } from './rule-function/document.js';
import { functionSchema } from './rule-function/schema.js';
import type {
  AuditContext,
  Body,
  DeclaredResource,
  ElementIdentity,
  ListSpec,
  LiveResource,
  NormalizeContext,
  ResourceKind,
  TargetContext,
} from './types.js';

const CONFIG_KEY = 'rules';

/** The fields of a rule that a config describes (CreateRule's, minus InstanceId/ClientToken). */
const RULE_FIELDS = [
  'Name',
  'TriggerEventSource',
  'Function',
  'Actions',
  'PublishStatus',
  'Tags',
  'PreEvaluationFilters',
] as const;

/** A task action as configs hold it: its flow by id or by `{ name }`. */
type TaskActionBody = Omit<TaskActionDefinition, 'ContactFlowId'> & { ContactFlowId: FlowRef | undefined };
/** A RuleAction as configs hold it (only the task action's flow reference differs). */
type RuleActionBody = Omit<RuleAction, 'TaskAction'> & { TaskAction?: TaskActionBody };
/** The typed normal form of a rule: CreateRule's request without InstanceId/ClientToken. */
export type RuleBody = Omit<Pick<CreateRuleRequest, (typeof RULE_FIELDS)[number]>, 'Actions' | 'Function'> & {
  Actions?: RuleActionBody[];
  /**
   * The Rules Function document: a mapping as configs prefer it, the comparable form once
   * normalized (./rule-function/document.ts); a string holding its JSON as DescribeRule returns it.
   */
  Function?: unknown;
};

const asRuleBody = (body: Body): RuleBody => typedBody<RuleBody>(body);

export { ACTION_MEMBER };

const ANALYSIS = [
  'OnPostCallAnalysisAvailable',
  'OnRealTimeCallAnalysisAvailable',
  'OnRealTimeChatAnalysisAvailable',
  'OnPostChatAnalysisAvailable',
];
/** Connect holds at most 50 tags per resource; connectform's marker takes one. */
const MAX_USER_TAGS = 49;

/** The sources whose rules need a task action and may be renamed in place (UpdateRule docs). */
export const INTEGRATION_SOURCES = ['OnZendeskTicketCreate', 'OnZendeskTicketStatusUpdate', 'OnSalesforceCaseCreate'];

/**
 * "Supported only for TriggerEventSource values: ..." from the RuleAction member docs of the
 * model. Action types the docs put no limit on are absent here.
 */
export const ACTION_SOURCES: Record<string, string[]> = {
  GENERATE_EVENTBRIDGE_EVENT: [...ANALYSIS, 'OnContactEvaluationSubmit', 'OnMetricDataUpdate'],
  ASSIGN_CONTACT_CATEGORY: [...ANALYSIS, ...INTEGRATION_SOURCES],
  SEND_NOTIFICATION: [...ANALYSIS, 'OnContactEvaluationSubmit', 'OnMetricDataUpdate'],
  CREATE_CASE: ['OnPostCallAnalysisAvailable', 'OnPostChatAnalysisAvailable'],
  UPDATE_CASE: ['OnCaseCreate', 'OnCaseUpdate'],
  END_ASSOCIATED_TASKS: ['OnCaseUpdate'],
};

function sourceOf(body: RuleBody): string | undefined {
  return body.TriggerEventSource?.EventSourceName;
}

/** Audits read plain JSON through guards: they also run on bodies the schema rejected. */
function audit(d: DeclaredResource, ctx: AuditContext): Problem[] {
  const problems: Problem[] = [];
  const error = (path: (string | number)[], message: string, hint?: string) =>
    problems.push({
      severity: 'error',
      message,
      hint,
      pos: d.positionOf(path),
      path: joinPath(d.label ?? CONFIG_KEY, path),
    });
  const trigger = d.body.TriggerEventSource;
  const source = isRecord(trigger) && typeof trigger.EventSourceName === 'string' ? trigger.EventSourceName : '';
  const actions = Array.isArray(d.body.Actions) ? d.body.Actions.filter(isRecord) : [];
  // The sandbox refuses a rule with no action (the stricter reading; docs/FIDELITY.md).
  if (Array.isArray(d.body.Actions) && d.body.Actions.length === 0)
    error(['Actions'], 'a rule needs at least one action', 'add an action, or remove the rule');

  actions.forEach((action, i) => {
    const type = typeof action.ActionType === 'string' ? action.ActionType : '';
    const member = ACTION_MEMBER[type];
    if (!member) return; // the schema already reported the bad enum
    const allowed = ACTION_SOURCES[type];
    if (allowed && source && !allowed.includes(source)) {
      error(
        ['Actions', i, 'ActionType'],
        `action ${type} is not supported on event source ${source}`,
        `supported on: ${allowed.join(', ')}`,
      );
    }
    const needsDefinition = !['ASSIGN_CONTACT_CATEGORY', 'END_ASSOCIATED_TASKS'].includes(type);
    if (needsDefinition && action[member] === undefined) {
      error(['Actions', i], `action ${type} needs its ${member}`);
    }
    for (const other of Object.values(ACTION_MEMBER)) {
      if (other !== member && action[other] !== undefined) {
        error(
          ['Actions', i, other],
          `${other} does not belong to an action of type ${type}`,
          `use ActionType ${typeForMember(other)} or remove ${other}`,
        );
      }
    }
  });
  // Names and ids of flows, users, evaluation forms, queues... (references.ts), once read.
  problems.push(...referenceProblems(d, ctx.flows, CONFIG_KEY));

  problems.push(...auditFunction(d, source, ctx));

  if (isRecord(d.body.Tags) && MARKER_TAG_KEY in d.body.Tags) {
    error(
      ['Tags', MARKER_TAG_KEY],
      `the tag ${MARKER_TAG_KEY} is reserved for connectform (it marks what connectform created)`,
      'remove it',
    );
  }
  // CreateRule sends the marker with the user's tags: a resource holds 50 (docs/FIDELITY.md, tag caps).
  const tagCount = isRecord(d.body.Tags) ? Object.keys(d.body.Tags).filter((k) => k !== MARKER_TAG_KEY).length : 0;
  if (tagCount > MAX_USER_TAGS)
    error(
      ['Tags'],
      `${tagCount} tags; a rule holds at most 50 and connectform's marker takes one, so at most ${MAX_USER_TAGS}`,
    );
  if (INTEGRATION_SOURCES.includes(source) && !actions.some((a) => a.ActionType === 'CREATE_TASK' && a.TaskAction)) {
    error(
      ['Actions'],
      `rules on ${source} need a CREATE_TASK action with a TaskAction (the API requires it for Zendesk and Salesforce sources)`,
    );
  }
  // CloudFormation's AWS::Connect::Rule RuleTriggerEventSource: "IntegrationAssociationArn is
  // required if TriggerEventSource is one of the following values: OnZendeskTicketCreate |
  // OnZendeskTicketStatusUpdate | OnSalesforceCaseCreate" (docs/FIDELITY.md).
  if (INTEGRATION_SOURCES.includes(source) && isRecord(trigger) && trigger.IntegrationAssociationId === undefined) {
    error(
      ['TriggerEventSource'],
      `rules on ${source} need TriggerEventSource.IntegrationAssociationId (the id of the Connect integration association of the ${source.startsWith('OnZendesk') ? 'Zendesk' : 'Salesforce'} app)`,
      'find it with: aws connect list-integration-associations --instance-id <instance id>',
    );
  }
  return problems;
}

/**
 * The Function against the Rules Function language and the condition catalog: in the mapping
 * form each problem at its own line:col; in the string form at the Function, with the JSON path.
 */
function auditFunction(d: DeclaredResource, source: string, ctx: AuditContext): Problem[] {
  const fn = d.body.Function;
  if (fn === undefined) return []; // the schema reports the missing member
  const label = d.label ?? CONFIG_KEY;
  const parsed = parseFunction(fn);
  if (parsed.doc === undefined || (parsed.form === 'mapping' && !isRecord(parsed.doc))) {
    const why = 'error' in parsed ? parsed.error : 'Function is not a Rules Function document';
    return [
      {
        severity: 'error',
        message: why,
        hint: `write ${DOCUMENTED_FORM}; ${FUNCTION_DOCS}`,
        pos: d.positionOf(['Function']),
        path: joinPath(label, ['Function']),
      },
    ];
  }
  return checkFunction(parsed.doc, source, { ...ctx.ruleFunction, names: parsed.form === 'mapping' }).map((p) => {
    const inString = parsed.form === 'string';
    const where = inString && p.path.length ? ` (at ${joinPath('', p.path)} in the Function's JSON)` : '';
    return {
      severity: p.severity,
      message: `${p.message}${where}`,
      ...(p.hint ? { hint: p.hint } : {}),
      pos: d.positionOf(inString ? ['Function'] : ['Function', ...p.path]),
      path: joinPath(label, ['Function', ...p.path]),
    };
  });
}

function typeForMember(member: string): string {
  return Object.entries(ACTION_MEMBER).find(([, m]) => m === member)?.[0] ?? '?';
}

function normalize(body: Body, ctx: NormalizeContext): Body {
  const rule = asRuleBody(referencesToNames('rule', body, ctx.flows, ctx.written));
  const filters = rule.PreEvaluationFilters;
  const out: RuleBody = {
    Name: rule.Name,
    TriggerEventSource: rule.TriggerEventSource,
    // Mapping or JSON string, any spacing, key order or number spelling: one comparable form.
    Function: normalizeFunction(rule.Function),
    Actions: asSet(rule.Actions?.map(normalizeAction)),
    PublishStatus: rule.PublishStatus,
    Tags: userTags(rule.Tags),
    PreEvaluationFilters: filters?.AndConditions
      ? { ...filters, AndConditions: asSet(filters.AndConditions) }
      : filters,
  };
  return prune(out);
}

function normalizeAction(action: RuleActionBody): RuleActionBody {
  const a = structuredClone(action);
  const recipient = a.SendNotificationAction?.Recipient;
  if (recipient?.UserIds) recipient.UserIds = asSet(recipient.UserIds);
  const exclusion = a.SendNotificationAction?.Exclusion;
  if (exclusion?.UserIds) exclusion.UserIds = asSet(exclusion.UserIds);
  if (a.CreateCaseAction?.Fields) a.CreateCaseAction.Fields = asSet(a.CreateCaseAction.Fields);
  if (a.UpdateCaseAction?.Fields) a.UpdateCaseAction.Fields = asSet(a.UpdateCaseAction.Fields);
  const extract = a.ExtractInformationAction;
  if (extract?.RulesExtractionDefinitions)
    extract.RulesExtractionDefinitions = asSet(extract.RulesExtractionDefinitions);
  // Definitions with no members (AssignContactCategoryAction: {}) are what AWS returns too.
  if (a.ActionType === 'ASSIGN_CONTACT_CATEGORY') a.AssignContactCategoryAction ??= {};
  if (a.ActionType === 'END_ASSOCIATED_TASKS') a.EndAssociatedTasksAction ??= {};
  return a;
}

/** The fields UpdateRule cannot change for this rule (replaceReason says why). */
function replaceFields(live: Body): string[] {
  const renamable = INTEGRATION_SOURCES.includes(sourceOf(asRuleBody(live)) ?? '');
  return renamable ? ['TriggerEventSource'] : ['TriggerEventSource', 'Name'];
}

function replaceReason(live: Body, _desired: Body, changed: string[]): string | undefined {
  const forcing = replaceFields(live).filter((f) => changed.includes(f));
  if (forcing.includes('TriggerEventSource')) return 'UpdateRule cannot change TriggerEventSource';
  if (forcing.includes('Name')) return `UpdateRule renames only rules on ${INTEGRATION_SOURCES.join(', ')}`;
  return undefined;
}

/**
 * What identifies a rule action, by ActionType (the RuleAction definitions in the Connect model):
 * the definition's own name where it has one (TaskAction.Name, EventBridgeAction.Name), else the
 * member that says what it acts on (CreateCaseAction.TemplateId, AssignSlaAction's
 * CaseSlaConfiguration.Name, SubmitAutoEvaluationAction.EvaluationFormId, a notification's
 * Subject); the types with nothing of the kind (ASSIGN_CONTACT_CATEGORY, END_ASSOCIATED_TASKS,
 * UPDATE_CASE, EXTRACT_INFORMATION) by ActionType alone. Two actions sharing an identity make the
 * list positional (src/engine/diff.ts).
 */
const ACTION_IDENTITY: Record<string, string | undefined> = {
  CREATE_TASK: 'TaskAction.Name',
  GENERATE_EVENTBRIDGE_EVENT: 'EventBridgeAction.Name',
  SEND_NOTIFICATION: 'SendNotificationAction.Subject',
  CREATE_CASE: 'CreateCaseAction.TemplateId',
  ASSIGN_SLA: 'AssignSlaAction.CaseSlaConfiguration.Name',
  SUBMIT_AUTO_EVALUATION: 'SubmitAutoEvaluationAction.EvaluationFormId',
};

function actionIdentity(action: unknown): ElementIdentity | undefined {
  const type = stringAt(action, 'ActionType');
  if (type === undefined) return undefined;
  const member = ACTION_IDENTITY[type];
  return member ? { ActionType: type, [member]: stringAt(action, member) } : { ActionType: type };
}

/**
 * Actions and the sets inside them; AWS keeps no order in any (normalize sorts them). Renaming
 * one action pairs it with its old self when it is the only change among actions of its type.
 */
const LISTS: ListSpec[] = [
  ...FUNCTION_LISTS,
  {
    path: 'Actions',
    ordered: false,
    identity: actionIdentity,
    pairBy: (a) => stringAt(a, 'ActionType'),
    keyedBy: "ActionType and the action's name member",
    example: 'Actions[ActionType="CREATE_TASK",TaskAction.Name="Follow up"]',
  },
  referenceSet('Actions[].SendNotificationAction.Recipient.UserIds', 'user-id'),
  referenceSet('Actions[].SendNotificationAction.Exclusion.UserIds', 'user-id'),
  ...['CreateCaseAction', 'UpdateCaseAction'].map(
    (m): ListSpec => ({
      path: `Actions[].${m}.Fields`,
      ordered: false,
      identity: byMembers('Id'),
      keyedBy: 'case field Id',
      example: `Actions[].${m}.Fields[Id="status"]`,
    }),
  ),
  {
    path: 'Actions[].ExtractInformationAction.RulesExtractionDefinitions',
    ordered: false,
    identity: byMembers('Identifier'),
    keyedBy: 'Identifier',
    example: 'Actions[].ExtractInformationAction.RulesExtractionDefinitions[Identifier="…"]',
  },
  {
    path: 'PreEvaluationFilters.AndConditions',
    ordered: false,
    identity: byMembers('FilterKey', 'FilterValue'),
    pairBy: (c) => stringAt(c, 'FilterKey'),
    keyedBy: 'FilterKey and FilterValue',
    example: 'PreEvaluationFilters.AndConditions[FilterKey="team",FilterValue="billing"]',
  },
];

/** The config's actions as the API takes them (names already resolved: references.ts). */
function wireActions(actions: RuleActionBody[] | undefined): RuleAction[] {
  // Every reference is an id string by now (referencesToWire), which RuleAction's members are.
  return (actions ?? []) as RuleAction[];
}

async function* read(ctx: TargetContext): AsyncIterable<LiveResource> {
  const { aws, target } = ctx;
  const summaries = pages(
    (NextToken) =>
      aws.call(
        'connect:ListRules',
        () =>
          aws.connect.send(
            new aws.sdk.connect.ListRulesCommand({ InstanceId: target.instanceId, NextToken, MaxResults: 200 }),
          ),
        { resource: `instance ${target.instanceId}` },
      ),
    (page) => page.RuleSummaryList,
  );
  const described = mapConcurrent(
    summaries,
    16,
    (s: RuleSummary) =>
      ctx.cache.through('rule', s.RuleId ?? '', s.LastUpdatedTime?.toISOString(), () => describe(ctx, s.RuleId ?? '')),
    ctx.listing?.('rule'),
  );
  for await (const live of described) if (live) yield live;
}

async function describe(ctx: TargetContext, ruleId: string): Promise<LiveResource | undefined> {
  try {
    const { Rule: rule } = await ctx.aws.call(
      'connect:DescribeRule',
      () =>
        ctx.aws.connect.send(
          new ctx.aws.sdk.connect.DescribeRuleCommand({ InstanceId: ctx.target.instanceId, RuleId: ruleId }),
        ),
      { resource: `rule ${ruleId}` },
    );
    return rule ? toLive(rule) : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined; // deleted between list and describe
    throw err;
  }
}

function toLive(rule: Rule): LiveResource {
  const body: RuleBody = pick(rule, RULE_FIELDS);
  return {
    kind: 'rule',
    key: rule.Name ?? '',
    id: rule.RuleId ?? '',
    arn: rule.RuleArn,
    body,
    managed: rule.Tags?.[MARKER_TAG_KEY] !== undefined,
    ...(rule.Tags?.[MARKER_TAG_KEY] !== undefined ? { marker: rule.Tags[MARKER_TAG_KEY] } : {}),
    version: rule.LastUpdatedTime?.toISOString() ?? '',
    extra: { tags: rule.Tags ?? {} },
    // DescribeRule tells who (an ARN) and when: drift and pull show it next to the difference.
    attribution: prune({ at: rule.LastUpdatedTime?.toISOString(), by: rule.LastUpdatedBy }),
  };
}

async function create(ctx: TargetContext, desired: Body, token: string): Promise<{ id: string; arn?: string }> {
  const rule = asRuleBody(referencesToWire('rule', desired, ctx.flows));
  const input = {
    InstanceId: ctx.target.instanceId,
    Name: rule.Name,
    TriggerEventSource: rule.TriggerEventSource,
    Function: wireFunction(rule.Function),
    Actions: wireActions(rule.Actions),
    PublishStatus: rule.PublishStatus,
    PreEvaluationFilters: rule.PreEvaluationFilters,
    Tags: { ...rule.Tags, [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
    ClientToken: token,
  } satisfies CreateRuleCommandInput;
  const out = await ctx.aws.call(
    'connect:CreateRule',
    () => ctx.aws.connect.send(new ctx.aws.sdk.connect.CreateRuleCommand(input)),
    { resource: `rule "${input.Name}"` },
  );
  return { id: out.RuleId ?? '', arn: out.RuleArn };
}

/** The fields UpdateRule carries (it replaces the whole rule); Tags go through the tag calls. */
const UPDATE_FIELDS = ['Name', 'Function', 'Actions', 'PublishStatus', 'PreEvaluationFilters'];

async function update(ctx: TargetContext, live: LiveResource, desired: Body, changed: string[]): Promise<void> {
  const { aws, target } = ctx;
  const rule = asRuleBody(referencesToWire('rule', desired, ctx.flows));
  const what = `rule "${rule.Name}"`;
  if (changed.some((f) => UPDATE_FIELDS.includes(f))) {
    // UpdateRule replaces the whole rule: send every field, changed or not.
    const input = {
      InstanceId: target.instanceId,
      RuleId: live.id,
      Name: rule.Name,
      Function: wireFunction(rule.Function),
      Actions: wireActions(rule.Actions),
      PublishStatus: rule.PublishStatus,
      PreEvaluationFilters: rule.PreEvaluationFilters,
    } satisfies UpdateRuleCommandInput;
    await aws.call('connect:UpdateRule', () => aws.connect.send(new aws.sdk.connect.UpdateRuleCommand(input)), {
      resource: what,
    });
  }
  if (changed.includes('Tags')) await reconcileTags(connectTagCalls(aws), live.arn, what, liveTagMap(live), rule.Tags);
}

async function remove(ctx: TargetContext, live: LiveResource): Promise<void> {
  await deleteIfPresent(ctx.aws, 'connect:DeleteRule', `rule "${live.key}"`, () =>
    ctx.aws.connect.send(
      new ctx.aws.sdk.connect.DeleteRuleCommand({ InstanceId: ctx.target.instanceId, RuleId: live.id }),
    ),
  );
}

export const ruleKind: ResourceKind<'rule'> = {
  name: 'rule',
  configKey: CONFIG_KEY,
  title: 'Connect rule',
  // Tags go through TagResource/UntagResource, which move neither LastUpdatedTime nor LastUpdatedBy.
  unstampedFields: {
    fields: ['Tags'],
    why: 'only tags changed, and a tag change moves no LastUpdatedTime/LastUpdatedBy',
  },
  schemaSpec: {
    title: 'Amazon Connect rule',
    service: 'connect',
    shape: 'CreateRuleRequest',
    operation: 'CreateRule',
    omit: ['InstanceId', 'ClientToken'],
    extend(_, properties) {
      properties.Function = functionSchema();
    },
  },
  exportOrder: ['Name', 'TriggerEventSource', 'Function', 'PublishStatus', 'Actions', 'PreEvaluationFilters', 'Tags'],
  capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: true },
  key: (body) => String(body.Name ?? ''),
  audit,
  read,
  describe,
  normalize,
  replaceReason,
  replaceFields,
  lists: LISTS,
  create,
  update,
  delete: remove,
  writeMarker: markerWriter(connectTagCalls),
};

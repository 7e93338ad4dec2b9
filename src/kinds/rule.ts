/**
 * Amazon Connect rules (`rules:`). Identity: `Name` within the instance.
 *
 * UpdateRule cannot change TriggerEventSource (replace), can rename only rules on the
 * Zendesk/Salesforce sources (replace elsewhere), and carries no tags (TagResource/UntagResource).
 */
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListRulesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRuleCommand,
  type CreateRuleRequest,
  type Rule,
  type RuleAction,
  type RuleSummary,
} from '@aws-sdk/client-connect';
import type { Problem } from '../errors.js';
import { ACTION_MEMBER } from '../aws/connect-rules.js';
import { isNotFound, remoteError } from '../aws/clients.js';
import {
  MARKER_TAG_KEY,
  MARKER_TAG_VALUE,
  asSet,
  deleteIfPresent,
  flowRefToId,
  flowRefToName,
  mapConcurrent,
  pages,
  pick,
  prune,
  unknownFlowMessage,
  userTags,
} from './common.js';
import { joinPath } from '../problem-path.js';
import type { AuditContext, Body, DeclaredResource, LiveResource, NormalizeContext, ResourceKind, TargetContext } from './types.js';

const CONFIG_KEY = 'rules';

/** The fields of a rule that a config describes (CreateRule's, minus InstanceId/ClientToken). */
const RULE_FIELDS = ['Name', 'TriggerEventSource', 'Function', 'Actions', 'PublishStatus', 'Tags', 'PreEvaluationFilters'] as const;

export { ACTION_MEMBER };

const ANALYSIS = ['OnPostCallAnalysisAvailable', 'OnRealTimeCallAnalysisAvailable', 'OnRealTimeChatAnalysisAvailable', 'OnPostChatAnalysisAvailable'];
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

type Action = Record<string, unknown> & { ActionType?: string };

function sourceOf(body: Body): string | undefined {
  return (body.TriggerEventSource as { EventSourceName?: string } | undefined)?.EventSourceName;
}

function audit(d: DeclaredResource, ctx: AuditContext): Problem[] {
  const problems: Problem[] = [];
  const error = (path: (string | number)[], message: string, hint?: string) =>
    problems.push({ severity: 'error', message, hint, pos: d.positionOf(path), path: joinPath(d.label ?? CONFIG_KEY, path) });
  const source = sourceOf(d.body) ?? '';
  const actions = (d.body.Actions as Action[] | undefined) ?? [];

  actions.forEach((action, i) => {
    const type = action.ActionType ?? '';
    const member = ACTION_MEMBER[type];
    if (!member) return; // the schema already reported the bad enum
    const allowed = ACTION_SOURCES[type];
    if (allowed && source && !allowed.includes(source)) {
      error(['Actions', i, 'ActionType'], `action ${type} is not supported on event source ${source}`, `supported on: ${allowed.join(', ')}`);
    }
    const needsDefinition = !['ASSIGN_CONTACT_CATEGORY', 'END_ASSOCIATED_TASKS'].includes(type);
    if (needsDefinition && action[member] === undefined) {
      error(['Actions', i], `action ${type} needs its ${member}`);
    }
    for (const other of Object.values(ACTION_MEMBER)) {
      if (other !== member && action[other] !== undefined) {
        error(['Actions', i, other], `${other} does not belong to an action of type ${type}`, `use ActionType ${typeForMember(other)} or remove ${other}`);
      }
    }
    const flow = (action.TaskAction as { ContactFlowId?: unknown } | undefined)?.ContactFlowId;
    if (ctx.flows && flow !== undefined) {
      const msg = unknownFlowMessage(flow, ctx.flows);
      if (msg) error(['Actions', i, 'TaskAction', 'ContactFlowId'], msg);
    }
  });

  const tags = d.body.Tags as Record<string, unknown> | undefined;
  if (tags && MARKER_TAG_KEY in tags) {
    error(['Tags', MARKER_TAG_KEY], `the tag ${MARKER_TAG_KEY} is reserved for connectform (it marks what connectform created)`, 'remove it');
  }
  if (INTEGRATION_SOURCES.includes(source) && !actions.some((a) => a.ActionType === 'CREATE_TASK' && a.TaskAction)) {
    error(['Actions'], `rules on ${source} need a CREATE_TASK action with a TaskAction (the API requires it for Zendesk and Salesforce sources)`);
  }
  return problems;
}

function typeForMember(member: string): string {
  return Object.entries(ACTION_MEMBER).find(([, m]) => m === member)?.[0] ?? '?';
}

function normalize(body: Body, ctx: NormalizeContext): Body {
  const out = pick(body, RULE_FIELDS);
  // Block scalars end in a newline; the rule language does not care, a diff would.
  if (typeof out.Function === 'string') out.Function = out.Function.trim();
  const actions = (out.Actions as Action[] | undefined)?.map((a) => normalizeAction(a, ctx));
  out.Actions = asSet(actions);
  out.Tags = userTags(out.Tags as Record<string, string> | undefined);
  const filters = out.PreEvaluationFilters as { AndConditions?: unknown[] } | undefined;
  if (filters?.AndConditions) out.PreEvaluationFilters = { ...filters, AndConditions: asSet(filters.AndConditions) };
  return prune(out);
}

function normalizeAction(action: Action, ctx: NormalizeContext): Action {
  const a: Action = structuredClone(action);
  const task = a.TaskAction as Record<string, unknown> | undefined;
  if (task?.ContactFlowId !== undefined) task.ContactFlowId = flowRefToName(task.ContactFlowId, ctx.flows);
  const notify = a.SendNotificationAction as { Recipient?: { UserIds?: string[] } } | undefined;
  if (notify?.Recipient?.UserIds) notify.Recipient.UserIds = asSet(notify.Recipient.UserIds);
  for (const m of ['CreateCaseAction', 'UpdateCaseAction']) {
    const c = a[m] as { Fields?: unknown[] } | undefined;
    if (c?.Fields) c.Fields = asSet(c.Fields);
  }
  const extract = a.ExtractInformationAction as { RulesExtractionDefinitions?: unknown[] } | undefined;
  if (extract?.RulesExtractionDefinitions) extract.RulesExtractionDefinitions = asSet(extract.RulesExtractionDefinitions);
  // Definitions with no members (AssignContactCategoryAction: {}) are what AWS returns too.
  for (const m of ['AssignContactCategoryAction', 'EndAssociatedTasksAction']) if (a[m] === undefined && ACTION_MEMBER[a.ActionType ?? ''] === m) a[m] = {};
  return a;
}

function replaceReason(live: Body, desired: Body, changed: string[]): string | undefined {
  if (changed.includes('TriggerEventSource')) return 'UpdateRule cannot change TriggerEventSource';
  if (changed.includes('Name') && !INTEGRATION_SOURCES.includes(sourceOf(live) ?? '')) {
    return `UpdateRule renames only rules on ${INTEGRATION_SOURCES.join(', ')}`;
  }
  return undefined;
}

/** Config body → the API's actions (flow names resolved to ids). */
function wireActions(body: Body, ctx: TargetContext): RuleAction[] {
  return ((body.Actions as Action[] | undefined) ?? []).map((action) => {
    const a = structuredClone(action) as Action;
    const task = a.TaskAction as Record<string, unknown> | undefined;
    if (task?.ContactFlowId !== undefined) task.ContactFlowId = flowRefToId(task.ContactFlowId, ctx.flows);
    return a as RuleAction;
  });
}

async function* read(ctx: TargetContext): AsyncIterable<LiveResource> {
  const { aws, target } = ctx;
  const summaries = pages(
    (NextToken) => aws.call('connect:ListRules', () => aws.connect.send(new ListRulesCommand({ InstanceId: target.instanceId, NextToken, MaxResults: 200 }))),
    (page) => page.RuleSummaryList,
  );
  const described = mapConcurrent(summaries, 16, (s: RuleSummary) =>
    ctx.cache.through('rule', s.RuleId ?? '', s.LastUpdatedTime?.toISOString(), () => describe(ctx, s.RuleId ?? '')),
  );
  for await (const live of described) if (live) yield live;
}

async function describe(ctx: TargetContext, ruleId: string): Promise<LiveResource | undefined> {
  try {
    const { Rule: rule } = await ctx.aws.call('connect:DescribeRule', () =>
      ctx.aws.connect.send(new DescribeRuleCommand({ InstanceId: ctx.target.instanceId, RuleId: ruleId })),
    );
    return rule ? toLive(rule) : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined; // deleted between list and describe
    throw err;
  }
}

function toLive(rule: Rule): LiveResource {
  return {
    kind: 'rule',
    key: rule.Name ?? '',
    id: rule.RuleId ?? '',
    arn: rule.RuleArn,
    body: pick(rule as unknown as Record<string, unknown>, RULE_FIELDS),
    managed: rule.Tags?.[MARKER_TAG_KEY] === MARKER_TAG_VALUE,
    version: rule.LastUpdatedTime?.toISOString() ?? '',
    extra: { tags: rule.Tags ?? {} },
  };
}

async function create(ctx: TargetContext, desired: Body, token: string): Promise<{ id: string; arn?: string }> {
  const input: CreateRuleRequest = {
    InstanceId: ctx.target.instanceId,
    Name: desired.Name as string,
    TriggerEventSource: desired.TriggerEventSource as CreateRuleRequest['TriggerEventSource'],
    Function: desired.Function as string,
    Actions: wireActions(desired, ctx),
    PublishStatus: desired.PublishStatus as CreateRuleRequest['PublishStatus'],
    PreEvaluationFilters: desired.PreEvaluationFilters as CreateRuleRequest['PreEvaluationFilters'],
    Tags: { ...(desired.Tags as Record<string, string> | undefined), [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
    ClientToken: token,
  };
  try {
    const out = await ctx.aws.call('connect:CreateRule', () => ctx.aws.connect.send(new CreateRuleCommand(input)));
    return { id: out.RuleId ?? '', arn: out.RuleArn };
  } catch (err) {
    throw remoteError('connect:CreateRule', `rule "${input.Name}"`, err);
  }
}

async function update(ctx: TargetContext, live: LiveResource, desired: Body, changed: string[]): Promise<void> {
  const { aws, target } = ctx;
  const name = desired.Name as string;
  const bodyFields = ['Name', 'Function', 'Actions', 'PublishStatus', 'PreEvaluationFilters'];
  try {
    if (changed.some((f) => bodyFields.includes(f))) {
      // UpdateRule replaces the whole rule: send every field, changed or not.
      await aws.call('connect:UpdateRule', () =>
        aws.connect.send(
          new UpdateRuleCommand({
            InstanceId: target.instanceId,
            RuleId: live.id,
            Name: name,
            Function: desired.Function as string,
            Actions: wireActions(desired, ctx),
            PublishStatus: desired.PublishStatus as CreateRuleRequest['PublishStatus'],
            PreEvaluationFilters: desired.PreEvaluationFilters as CreateRuleRequest['PreEvaluationFilters'],
          }),
        ),
      );
    }
    if (changed.includes('Tags') && live.arn) {
      const want = (desired.Tags as Record<string, string> | undefined) ?? {};
      const have = userTags(live.extra?.tags as Record<string, string> | undefined) ?? {};
      const removed = Object.keys(have).filter((k) => !(k in want));
      if (removed.length) {
        await aws.call('connect:UntagResource', () => aws.connect.send(new UntagResourceCommand({ resourceArn: live.arn, tagKeys: removed })));
      }
      if (Object.keys(want).length) {
        await aws.call('connect:TagResource', () => aws.connect.send(new TagResourceCommand({ resourceArn: live.arn, tags: want })));
      }
    }
  } catch (err) {
    throw remoteError('connect:UpdateRule', `rule "${name}"`, err);
  }
}

async function remove(ctx: TargetContext, live: LiveResource): Promise<void> {
  await deleteIfPresent(ctx.aws, 'connect:DeleteRule', `rule "${live.key}"`, () =>
    ctx.aws.connect.send(new DeleteRuleCommand({ InstanceId: ctx.target.instanceId, RuleId: live.id })),
  );
}

export const ruleKind: ResourceKind<'rule'> = {
  name: 'rule',
  configKey: CONFIG_KEY,
  title: 'Connect rule',
  schemaSpec: {
    title: 'Amazon Connect rule',
    service: 'connect',
    shape: 'CreateRuleRequest',
    operation: 'CreateRule',
    omit: ['InstanceId', 'ClientToken'],
  },
  exportOrder: ['Name', 'TriggerEventSource', 'Function', 'PublishStatus', 'Actions', 'PreEvaluationFilters', 'Tags'],
  capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: true },
  key: (body) => String(body.Name ?? ''),
  audit,
  read,
  describe,
  normalize,
  replaceReason,
  create,
  update,
  delete: remove,
};

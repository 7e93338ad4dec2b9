/**
 * Amazon Connect operations: rules, task templates, tags and contact flow listing. Inputs
 * arrive validated against the model (required members, lengths, patterns, enums), so these
 * handlers only check what the model cannot express (names unique within an instance,
 * references to contact flows that exist, the action definition an ActionType needs) and
 * apply the effect.
 */
import { ACTION_MEMBER } from '../../aws/connect-rules.js';
import type { Handlers, OpContext } from '../server.js';
import {
  contactFlowArn,
  instanceArn,
  parseConnectArn,
  ruleArn,
  taskTemplateArn,
  type ConnectInstance,
  type RuleRecord,
  type Tags,
  type TaskTemplateRecord,
  type World,
} from '../world.js';
import { loadModel } from '../../aws/models.js';
import { RuleFunctionProblem, checkRuleFunction, reformatRuleFunction } from '../rules-function.js';
import { checkActionsForSource, checkRename } from './rule-actions.js';

type Json = Record<string, unknown>;

/** A resource's tags, or nothing when it has none (TagMap has min 1, so `{}` is never sent). */
const tagsOrNothing = (tags: Tags) => (Object.keys(tags).length ? { ...tags } : undefined);

/**
 * Connect's per-resource tag limit: the TagMap maximum of 50 (TagResource's API reference, "Map
 * Entries: Maximum number of 50 items"), counted over the merged tags as AWS's tagging rules
 * count them ("maximum number of tags per resource - 50"). Which error AWS returns past it is
 * not documented: the operation's validation error (docs/FIDELITY.md, known unknowns).
 */
const MAX_TAGS = 50;

function instance(world: World, ctx: OpContext, id: string): ConnectInstance {
  // InstanceId is the bare id: the model's doc says to take it from the ARN, not to pass the ARN.
  return world.connect.instances[id] ?? ctx.notFound(`Instance ${id} not found.`);
}

/** A contact flow reference may be the flow's id or its ARN. */
function flowExists(inst: ConnectInstance, ref: string): boolean {
  if (ref in inst.contactFlows) return true;
  const arn = parseConnectArn(ref);
  return arn?.kind === 'contact-flow' && arn.instanceId === inst.Id && arn.id! in inst.contactFlows;
}

// ------------------------------------------------------------------------------------------
// Rules
// ------------------------------------------------------------------------------------------

const ACTION_DEFINITION = ACTION_MEMBER;

/**
 * Each action must carry the definition its ActionType needs (when that definition has required
 * members; the empty ones like AssignContactCategoryAction may be left out) and no definition
 * of another type; a task action's flow must exist in the instance.
 */
function checkActions(inst: ConnectInstance, actions: Json[], ctx: OpContext): void {
  const model = loadModel('connect');
  const definitions = new Set(Object.values(ACTION_DEFINITION));
  actions.forEach((action, i) => {
    const type = action.ActionType as string;
    const own = ACTION_DEFINITION[type];
    const ownShape = own ? model.shapes[model.shapes.RuleAction.members![own].shape] : undefined;
    if (own && action[own] === undefined && (ownShape?.required?.length ?? 0) > 0) {
      ctx.invalid(`Actions[${i}]: ActionType ${type} requires ${own}.`);
    }
    for (const key of Object.keys(action)) {
      if (definitions.has(key) && key !== own)
        ctx.invalid(`Actions[${i}]: ${key} does not belong to ActionType ${type}.`);
    }
    const flow = (action.TaskAction as Json | undefined)?.ContactFlowId as string | undefined;
    if (flow !== undefined && !flowExists(inst, flow)) {
      ctx.invalid(
        `Actions[${i}].TaskAction.ContactFlowId: contact flow ${flow} does not exist in instance ${inst.Id}.`,
      );
    }
  });
}

/** The instance as the live world and as reads see it (they differ under a consistency delay). */
const bothViews = (inst: ConnectInstance, ctx: OpContext): ConnectInstance[] =>
  [inst, ctx.visible.connect.instances[inst.Id]].filter((i) => i !== undefined);

function uniqueRuleName(inst: ConnectInstance, name: string, self: string | undefined, ctx: OpContext): void {
  if (bothViews(inst, ctx).some((i) => Object.values(i.rules).some((r) => r.Name === name && r.RuleId !== self))) {
    ctx.conflict(`A rule with the name ${name} already exists in instance ${inst.Id}.`);
  }
}

/**
 * RuleTriggerEventSource: an integration association is required for these sources (the
 * CloudFormation schema, AWS::Connect::Rule RuleTriggerEventSource, says so of its
 * IntegrationAssociationArn; the API reference's wording is ambiguous, see docs/FIDELITY.md).
 */
export const SOURCES_NEEDING_INTEGRATION = [
  'OnZendeskTicketCreate',
  'OnZendeskTicketStatusUpdate',
  'OnSalesforceCaseCreate',
];

function checkTrigger(source: Json, ctx: OpContext): void {
  const name = source.EventSourceName as string;
  if (SOURCES_NEEDING_INTEGRATION.includes(name) && source.IntegrationAssociationId === undefined) {
    ctx.invalid(`TriggerEventSource.IntegrationAssociationId is required when EventSourceName is ${name}.`);
  }
}

/**
 * The Function must be a document in the Rules Function language whose conditions belong to the
 * rule's event source (rules-function.ts). AWS's message for a refused Function is a known
 * unknown (docs/FIDELITY.md): the answer is the operation's declared validation error.
 */
function checkFunction(text: string, eventSource: string, ctx: OpContext): void {
  try {
    checkRuleFunction(text, eventSource);
  } catch (err) {
    if (err instanceof RuleFunctionProblem) ctx.invalid(err.message);
    throw err;
  }
}

function rule(inst: ConnectInstance, id: string, ctx: OpContext): RuleRecord {
  return inst.rules[id] ?? ctx.notFound(`Rule ${id} not found in instance ${inst.Id}.`);
}

// ------------------------------------------------------------------------------------------
// Task templates
// ------------------------------------------------------------------------------------------

interface PropertyProblem {
  PropertyPath: string;
  Reason: string;
  Message: string;
}

/**
 * What Connect reports as PropertyValidationException (its Reason enum names these cases): a
 * name already used in the instance, duplicate field names, neither a ContactFlowId nor a
 * QUICK_CONNECT field (the ContactFlowId doc requires one), and flows that do not exist.
 */
function checkTemplate(inst: ConnectInstance, t: Json, self: string | undefined, ctx: OpContext): void {
  const problems: PropertyProblem[] = [];
  const add = (PropertyPath: string, Reason: string, Message: string) =>
    problems.push({ PropertyPath, Reason, Message });
  if (
    bothViews(inst, ctx).some((i) => Object.values(i.taskTemplates).some((o) => o.Name === t.Name && o.Id !== self))
  ) {
    add('Name', 'RESOURCE_NAME_ALREADY_EXISTS', `A task template named ${String(t.Name)} already exists.`);
  }
  const fields = (t.Fields as Json[] | undefined) ?? [];
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const name = (f.Id as Json | undefined)?.Name as string | undefined;
    if (name === undefined) {
      add(`Fields[${i}].Id.Name`, 'REQUIRED_PROPERTY_MISSING', 'A field needs a name.');
      return;
    }
    if (seen.has(name))
      add(`Fields[${i}].Id.Name`, 'UNIQUE_CONSTRAINT_VIOLATED', `Field name ${name} is used more than once.`);
    seen.add(name);
  });
  checkTemplateDocument(t, fields, add);
  if (t.ContactFlowId === undefined && !fields.some((f) => f.Type === 'QUICK_CONNECT')) {
    add(
      'ContactFlowId',
      'REQUIRED_PROPERTY_MISSING',
      'Either a ContactFlowId or a field of type QUICK_CONNECT is required.',
    );
  }
  for (const key of ['ContactFlowId', 'SelfAssignFlowId']) {
    const ref = t[key] as string | undefined;
    if (ref !== undefined && !flowExists(inst, ref)) {
      add(key, 'REFERENCED_RESOURCE_NOT_FOUND', `Contact flow ${ref} does not exist in instance ${inst.Id}.`);
    }
  }
  if (problems.length)
    ctx.fail('PropertyValidationException', problems.map((p) => p.Message).join(' '), { PropertyList: problems });
}

/**
 * What the model and the API Reference say of a template's document (CreateTaskTemplate and
 * UpdateTaskTemplate):
 * - Fields: "The request must contain exactly one field of type NAME. This field must also be
 *   listed in the RequiredFields array within the Constraints parameter."
 * - Constraints: "Although this parameter is marked as optional in the API model, the service
 *   requires it when calling CreateTaskTemplate or UpdateTaskTemplate. The RequiredFields array
 *   must contain at least one element".
 * - Constraints and Defaults "apply to the template fields" / are "default values for fields"
 *   (TaskTemplateConstraints, TaskTemplateDefaults): a name that is not a field is refused, and a
 *   SINGLE_SELECT field's default is one of its SingleSelectOptions ("A list of options for a
 *   single select field"). The service's answer to those two is not documented: the stricter
 *   reading refuses them (docs/FIDELITY.md).
 */
function checkTemplateDocument(
  t: Json,
  fields: Json[],
  add: (path: string, reason: string, message: string) => void,
): void {
  const nameOf = (entry: unknown) => ((entry as Json | undefined)?.Id as Json | undefined)?.Name as string | undefined;
  const byName = new Map(fields.map((f) => [nameOf(f), f] as const));
  const nameFields = fields.filter((f) => f.Type === 'NAME');
  if (nameFields.length !== 1)
    add(
      'Fields',
      'REQUIRED_PROPERTY_MISSING',
      `Exactly one field of type NAME is required, found ${nameFields.length}.`,
    );
  const constraints = t.Constraints as Json | undefined;
  if (constraints === undefined) {
    add('Constraints', 'REQUIRED_PROPERTY_MISSING', 'Constraints is required.');
  } else {
    const required = (constraints.RequiredFields as Json[] | undefined) ?? [];
    if (!required.length)
      add('Constraints.RequiredFields', 'REQUIRED_PROPERTY_MISSING', 'RequiredFields must have at least one entry.');
    const nameField = nameFields.length === 1 ? nameOf(nameFields[0]) : undefined;
    if (nameField !== undefined && !required.some((r) => nameOf(r) === nameField))
      add(
        'Constraints.RequiredFields',
        'REQUIRED_PROPERTY_MISSING',
        `The NAME field ${nameField} must be listed in RequiredFields.`,
      );
    for (const list of ['RequiredFields', 'ReadOnlyFields', 'InvisibleFields']) {
      ((constraints[list] as Json[] | undefined) ?? []).forEach((entry, i) => {
        const name = nameOf(entry);
        if (!byName.has(name))
          add(
            `Constraints.${list}[${i}].Id.Name`,
            'REFERENCED_RESOURCE_NOT_FOUND',
            `Field ${String(name)} is not a field of the template.`,
          );
      });
    }
  }
  const defaults = ((t.Defaults as Json | undefined)?.DefaultFieldValues as Json[] | undefined) ?? [];
  defaults.forEach((entry, i) => {
    const name = nameOf(entry);
    const field = byName.get(name);
    if (!field) {
      add(
        `Defaults.DefaultFieldValues[${i}].Id.Name`,
        'REFERENCED_RESOURCE_NOT_FOUND',
        `Field ${String(name)} is not a field of the template.`,
      );
      return;
    }
    const options = field.SingleSelectOptions as unknown[] | undefined;
    if (field.Type === 'SINGLE_SELECT' && entry.DefaultValue !== undefined && !options?.includes(entry.DefaultValue))
      add(
        `Defaults.DefaultFieldValues[${i}].DefaultValue`,
        'INVALID_FORMAT',
        `${String(entry.DefaultValue)} is not an option of the single select field ${String(name)}.`,
      );
  });
}

function template(inst: ConnectInstance, id: string, ctx: OpContext): TaskTemplateRecord {
  return inst.taskTemplates[id] ?? ctx.notFound(`Task template ${id} not found in instance ${inst.Id}.`);
}

/** The members UpdateTaskTemplate replaces wholesale ("does not support partial updates"). */
const TEMPLATE_CONTENT = [
  'Description',
  'ContactFlowId',
  'SelfAssignFlowId',
  'Constraints',
  'Defaults',
  'Fields',
] as const;

// ------------------------------------------------------------------------------------------
// Tags
// ------------------------------------------------------------------------------------------

/** The taggable thing an ARN names: the instance, a contact flow, a rule or a task template. */
function taggable(world: World, arn: string, ctx: OpContext): { Tags: Tags } {
  if (!arn.startsWith('arn:')) return ctx.invalid(`${arn} is not an ARN.`);
  const p = parseConnectArn(arn);
  const inst = p && p.account === world.accountId ? world.connect.instances[p.instanceId] : undefined;
  const found = !inst
    ? undefined
    : p!.kind === undefined
      ? inst
      : p!.kind === 'rule'
        ? inst.rules[p!.id!]
        : p!.kind === 'task-template'
          ? inst.taskTemplates[p!.id!]
          : p!.kind === 'contact-flow'
            ? inst.contactFlows[p!.id!]
            : undefined;
  return found ?? ctx.notFound(`Resource ${arn} not found.`);
}

// ------------------------------------------------------------------------------------------
// Handlers
// ------------------------------------------------------------------------------------------

export const connectOps: Handlers = {
  CreateRule(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    checkTrigger(input.TriggerEventSource, ctx);
    checkFunction(input.Function, input.TriggerEventSource.EventSourceName, ctx);
    uniqueRuleName(inst, input.Name, undefined, ctx);
    checkActions(inst, input.Actions, ctx);
    checkActionsForSource(input.TriggerEventSource.EventSourceName, input.Actions, ctx);
    const RuleId = ctx.newId();
    const RuleArn = ruleArn(ctx.region, ctx.accountId, inst.Id, RuleId);
    const now = ctx.now();
    inst.rules[RuleId] = {
      RuleId,
      RuleArn,
      Name: input.Name,
      TriggerEventSource: input.TriggerEventSource,
      Function: input.Function,
      Actions: input.Actions,
      PublishStatus: input.PublishStatus,
      PreEvaluationFilters: input.PreEvaluationFilters,
      CreatedTime: now,
      LastUpdatedTime: now,
      LastUpdatedBy: ctx.callerArn,
      Tags: { ...(input.Tags ?? {}) },
    };
    ctx.created(RuleArn);
    return { RuleArn, RuleId };
  },

  UpdateRule(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const r = rule(inst, input.RuleId, ctx);
    checkFunction(input.Function, r.TriggerEventSource.EventSourceName as string, ctx);
    checkRename(r.TriggerEventSource.EventSourceName as string, r.Name, input.Name, ctx);
    uniqueRuleName(inst, input.Name, r.RuleId, ctx);
    checkActions(inst, input.Actions, ctx);
    checkActionsForSource(r.TriggerEventSource.EventSourceName as string, input.Actions, ctx);
    // TriggerEventSource cannot change; everything UpdateRule carries is replaced.
    Object.assign(r, {
      Name: input.Name,
      Function: input.Function,
      Actions: input.Actions,
      PublishStatus: input.PublishStatus,
      PreEvaluationFilters: input.PreEvaluationFilters,
      LastUpdatedTime: ctx.now(),
      LastUpdatedBy: ctx.callerArn,
    });
    return undefined;
  },

  DescribeRule(world, input, ctx) {
    const r = rule(instance(world, ctx, input.InstanceId), input.RuleId, ctx);
    // Stored as sent; under `ruleFunctionEcho: 'reformat'` the same JSON value, written otherwise.
    const echoed = ctx.fidelity.ruleFunctionEcho === 'reformat' ? reformatRuleFunction(r.Function) : r.Function;
    return { Rule: { ...r, Function: echoed, Tags: tagsOrNothing(r.Tags) } };
  },

  ListRules(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const matching = Object.values(inst.rules).filter(
      (r) =>
        (input.PublishStatus === undefined || r.PublishStatus === input.PublishStatus) &&
        (input.EventSourceName === undefined || r.TriggerEventSource.EventSourceName === input.EventSourceName),
    );
    const { page, nextToken } = ctx.paginate(matching);
    return {
      RuleSummaryList: page.map((r) => ({
        Name: r.Name,
        RuleId: r.RuleId,
        RuleArn: r.RuleArn,
        EventSourceName: r.TriggerEventSource.EventSourceName,
        PublishStatus: r.PublishStatus,
        ActionSummaries: r.Actions.map((a) => ({ ActionType: a.ActionType })),
        CreatedTime: r.CreatedTime,
        LastUpdatedTime: r.LastUpdatedTime,
      })),
      NextToken: nextToken,
    };
  },

  DeleteRule(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const r = rule(inst, input.RuleId, ctx);
    delete inst.rules[r.RuleId];
    ctx.deleted(r.RuleArn);
    return undefined;
  },

  CreateTaskTemplate(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    checkTemplate(inst, input, undefined, ctx);
    const Id = ctx.newId();
    const Arn = taskTemplateArn(ctx.region, ctx.accountId, inst.Id, Id);
    const now = ctx.now();
    const record: TaskTemplateRecord = {
      Id,
      Arn,
      Name: input.Name,
      Fields: input.Fields,
      Status: input.Status ?? 'ACTIVE',
      CreatedTime: now,
      LastModifiedTime: now,
      Tags: {},
    };
    for (const key of TEMPLATE_CONTENT) if (input[key] !== undefined) (record as unknown as Json)[key] = input[key];
    inst.taskTemplates[Id] = record;
    ctx.created(Arn);
    return { Id, Arn };
  },

  GetTaskTemplate(world, input, ctx) {
    // SnapshotVersion is accepted but the sandbox keeps no snapshots: the current version answers.
    const inst = instance(world, ctx, input.InstanceId);
    const t = template(inst, input.TaskTemplateId, ctx);
    return { ...t, InstanceId: inst.Id, Tags: tagsOrNothing(t.Tags) };
  },

  UpdateTaskTemplate(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const t = template(inst, input.TaskTemplateId, ctx);
    // Status: "Although this parameter is marked as optional, the service requires it when
    // calling UpdateTaskTemplate" (the model). Full update of the content; Name, which every
    // template has, keeps its value when left out.
    if (input.Status === undefined)
      ctx.fail('PropertyValidationException', 'Status is required when calling UpdateTaskTemplate.', {
        PropertyList: [{ PropertyPath: 'Status', Reason: 'REQUIRED_PROPERTY_MISSING', Message: 'Status is required.' }],
      });
    const next: Json = { Name: input.Name ?? t.Name, Status: input.Status, Fields: input.Fields ?? [] };
    for (const key of TEMPLATE_CONTENT) if (key !== 'Fields' && input[key] !== undefined) next[key] = input[key];
    checkTemplate(inst, next, t.Id, ctx);
    for (const key of TEMPLATE_CONTENT) delete (t as unknown as Json)[key];
    Object.assign(t, next, { LastModifiedTime: ctx.now() });
    return { ...t, InstanceId: inst.Id };
  },

  ListTaskTemplates(world, input, ctx) {
    // The model documents NextToken as "always returned as a null in the response" (and
    // MaxResults as "not expected that you set this"): without MaxResults every match comes in
    // one page; with it, at most MaxResults come and the rest cannot be reached. The paginator
    // file names NextToken as a page token; the member's own text is the stricter reading.
    const inst = instance(world, ctx, input.InstanceId);
    // It never issues a NextToken, so any token is one it never issued (as ListContactFlows
    // answers a token it did not issue).
    if (input.NextToken !== undefined) ctx.invalid('The NextToken is not valid for this request.');
    const matching = Object.values(inst.taskTemplates).filter(
      (t) =>
        (input.Status === undefined || t.Status === input.Status) &&
        (input.Name === undefined || t.Name === input.Name),
    );
    const cap = input.MaxResults ?? ctx.fidelity.taskTemplatesDefaultPage;
    const page = cap === undefined ? matching : matching.slice(0, cap);
    const TaskTemplates = page.map((t) => ({
      Id: t.Id,
      Arn: t.Arn,
      Name: t.Name,
      Description: t.Description,
      Status: t.Status,
      LastModifiedTime: t.LastModifiedTime,
      CreatedTime: t.CreatedTime,
    }));
    return { TaskTemplates };
  },

  DeleteTaskTemplate(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const t = template(inst, input.TaskTemplateId, ctx);
    delete inst.taskTemplates[t.Id];
    ctx.deleted(t.Arn);
    return {};
  },

  TagResource(world, input, ctx) {
    const target = taggable(world, input.resourceArn, ctx);
    const merged = { ...target.Tags, ...input.tags };
    if (Object.keys(merged).length > MAX_TAGS) ctx.invalid(`A resource can have at most ${MAX_TAGS} tags.`);
    target.Tags = merged;
    return undefined;
  },

  UntagResource(world, input, ctx) {
    const target = taggable(world, input.resourceArn, ctx);
    for (const key of input.tagKeys as string[]) delete target.Tags[key];
    return undefined;
  },

  ListTagsForResource(world, input, ctx) {
    // Untagged: no `tags` at all, since TagMap's min is 1 (callers should read `tags ?? {}`).
    return { tags: tagsOrNothing(taggable(world, input.resourceArn, ctx).Tags) };
  },

  ListContactFlows(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const types = input.ContactFlowTypes as string[] | undefined;
    const flows = Object.values(inst.contactFlows).filter((f) => !types?.length || types.includes(f.ContactFlowType));
    const { page, nextToken } = ctx.paginate(flows);
    return {
      ContactFlowSummaryList: page.map((f) => ({
        Id: f.Id,
        Arn: contactFlowArn(ctx.region, ctx.accountId, inst.Id, f.Id),
        Name: f.Name,
        ContactFlowType: f.ContactFlowType,
        ContactFlowState: f.ContactFlowState,
        ContactFlowStatus: f.ContactFlowStatus,
      })),
      NextToken: nextToken,
    };
  },

  // The summaries of the resources configs reference by name (seeded only; no create API here).
  // Each answers the members connectform and the console read; LastModified* are left out
  // (optional in the model).
  ListQueues(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const types = input.QueueTypes as string[] | undefined;
    // Seeded queues are STANDARD (agent queues are not seeded).
    const queues = types?.length && !types.includes('STANDARD') ? [] : Object.values(inst.queues ?? {});
    const { page, nextToken } = ctx.paginate(queues);
    return {
      QueueSummaryList: page.map((q) => ({
        Id: q.Id,
        Arn: directoryArn(ctx, inst, 'queue', q.Id),
        Name: q.Name,
        QueueType: 'STANDARD',
      })),
      NextToken: nextToken,
    };
  },

  ListUsers(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const { page, nextToken } = ctx.paginate(Object.values(inst.users ?? {}));
    return {
      UserSummaryList: page.map((u) => ({ Id: u.Id, Arn: directoryArn(ctx, inst, 'agent', u.Id), Username: u.Name })),
      NextToken: nextToken,
    };
  },

  ListUserHierarchyGroups(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    return namedSummaries(ctx, inst, inst.hierarchyGroups, 'agent-group', 'UserHierarchyGroupSummaryList');
  },

  ListRoutingProfiles(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    return namedSummaries(ctx, inst, inst.routingProfiles, 'routing-profile', 'RoutingProfileSummaryList');
  },

  ListEvaluationForms(world, input, ctx) {
    const inst = instance(world, ctx, input.InstanceId);
    const { page, nextToken } = ctx.paginate(Object.values(inst.evaluationForms ?? {}));
    const seeded = 'arn:aws:iam::000000000000:user/sandbox-seed';
    return {
      EvaluationFormSummaryList: page.map((f) => ({
        EvaluationFormId: f.Id,
        EvaluationFormArn: directoryArn(ctx, inst, 'evaluation-form', f.Id),
        Title: f.Name,
        CreatedTime: ctx.now(),
        CreatedBy: seeded,
        LastModifiedTime: ctx.now(),
        LastModifiedBy: seeded,
        LatestVersion: 1,
        ActiveVersion: 1,
      })),
      NextToken: nextToken,
    };
  },
};

/** `arn:aws:connect:REGION:ACCOUNT:instance/ID/KIND/ID`, as the console shows them. */
/** One page of `{ Id, Arn, Name }` summaries of seeded resources, under the list member `member`. */
function namedSummaries(
  ctx: OpContext,
  inst: ConnectInstance,
  items: Record<string, { Id: string; Name: string }> | undefined,
  arnKind: string,
  member: string,
): Record<string, unknown> {
  const { page, nextToken } = ctx.paginate(Object.values(items ?? {}));
  return {
    [member]: page.map((x) => ({ Id: x.Id, Arn: directoryArn(ctx, inst, arnKind, x.Id), Name: x.Name })),
    NextToken: nextToken,
  };
}

function directoryArn(ctx: OpContext, inst: ConnectInstance, kind: string, id: string): string {
  return `${instanceArn(ctx.region, ctx.accountId, inst.Id)}/${kind}/${id}`;
}

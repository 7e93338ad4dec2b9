/**
 * Amazon Connect task templates (`taskTemplates:`). Identity: `Name` within the instance.
 *
 * UpdateTaskTemplate is a full replace of the template (the model: "does not support partial
 * updates") and can change every field, the name included, so nothing forces a replace. Tags are
 * not part of CreateTaskTemplate/UpdateTaskTemplate: they are written with TagResource /
 * UntagResource on the template's ARN and read back from GetTaskTemplate.
 *
 * Normal form: API field names; `Fields` and each field's `SingleSelectOptions` keep their order
 * (it is what agents see); the Constraints lists and `Defaults.DefaultFieldValues` are sets, sorted
 * and de-duplicated by field name; flows as `{ name }`; `Status` defaults to ACTIVE; empty
 * descriptions are absent (the API's minimum length is 1).
 */
import type {
  CreateTaskTemplateCommandInput,
  CreateTaskTemplateRequest,
  GetTaskTemplateResponse,
  TaskTemplateField,
  TaskTemplateFieldIdentifier,
  TaskTemplateMetadata,
  UpdateTaskTemplateCommandInput,
} from '@aws-sdk/client-connect';
import { RemoteError, type Problem } from '../errors.js';
import { isNotFound } from '../aws/call-errors.js';
import { LagOutlasted, outlastedError, untilVisible } from '../aws/lag.js';
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import { nearest } from '../edit-distance.js';
import {
  MARKER_TAG_KEY,
  MARKER_TAG_VALUE,
  canonicalJson,
  cmp,
  isRecord,
  mapConcurrent,
  pages,
  pick,
  prune,
  sha256,
  typedBody,
  userTags,
  deleteIfPresent,
  type FlowRef,
} from './common.js';
import { referenceProblems, referencesToNames, referencesToWire } from './references.js';
import { joinPath } from '../problem-path.js';
import { uniqueBy } from '../util/unique.js';
import { connectTagCalls, liveTagMap, markerWriter, reconcileTags } from './tags.js';
import { byMembers, byValue, fieldNameSet } from './lists.js';
import type {
  AuditContext,
  Body,
  DeclaredResource,
  ListSpec,
  LiveResource,
  NormalizeContext,
  Path,
  ResourceKind,
  TargetContext,
} from './types.js';

const CONFIG_KEY = 'taskTemplates';

/** The fields UpdateTaskTemplate carries: those a config describes, but Tags (TagResource's). */
const DOCUMENT_FIELDS = [
  'Name',
  'Description',
  'ContactFlowId',
  'SelfAssignFlowId',
  'Constraints',
  'Defaults',
  'Status',
  'Fields',
] as const;

/** The template document as the API takes it (CreateTaskTemplate's request less InstanceId/ClientToken). */
type Document = Pick<CreateTaskTemplateRequest, (typeof DOCUMENT_FIELDS)[number]>;
/**
 * The typed normal form of a task template: the document, its flows by id or `{ name }`, and its
 * tags. Fields may be absent (GetTaskTemplate's answer has it optional; prune drops an empty list).
 */
export type TemplateBody = Omit<Document, (typeof FLOW_FIELDS)[number] | 'Fields'> & {
  Fields?: TaskTemplateField[];
  ContactFlowId?: FlowRef;
  SelfAssignFlowId?: FlowRef;
  Tags?: Record<string, string>;
};

const asTemplateBody = (body: Body): TemplateBody => typedBody<TemplateBody>(body);
const CONSTRAINT_LISTS = ['RequiredFields', 'ReadOnlyFields', 'InvisibleFields'] as const;
const FLOW_FIELDS = ['ContactFlowId', 'SelfAssignFlowId'] as const;

/** Server default of `Status` when a create request leaves it out. */
const DEFAULT_STATUS = 'ACTIVE';
/**
 * Item caps the Connect API model does not state but CloudFormation's AWS::Connect::TaskTemplate
 * schema does (Fields, each Constraints list, Defaults and SingleSelectOptions: at most 50).
 * Reported as warnings: the service's own limit is not documented in the API.
 */
const LIST_CAP = 50;
/** TagMap holds at most 50 entries; connectform's marker takes one of them. */
const MAX_USER_TAGS = 49;
/**
 * ListTaskTemplates' MaxResults is a MaxResult100, and the model says its NextToken "is always
 * returned as a null": the API does not page. A list that comes back this full may have been cut.
 */
const LIST_PAGE_SIZE = 100;
/** Listed apart, so each status has its own 100 (Status is a filter of the operation). */
const STATUSES = ['ACTIVE', 'INACTIVE'] as const;
/** GetTaskTemplate calls in flight while reading (the global pacing lives in ctx.aws). */
const DESCRIBE_WIDTH = 8;

type Rec = Record<string, unknown>;

function list(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/** `Id.Name` of a field, a constraint entry or a default entry. */
function idName(x: unknown): string | undefined {
  const name = isRecord(x) && isRecord(x.Id) ? x.Id.Name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** A string that the API would reject as empty (min length 1) means "absent". */
function nonEmpty<T>(x: T): T | undefined {
  return x === '' ? undefined : x;
}

// ---------------------------------------------------------------------------------------------
// normalize
// ---------------------------------------------------------------------------------------------

function normalize(body: Body, ctx: NormalizeContext): Body {
  const t = asTemplateBody(referencesToNames('taskTemplate', body, ctx.flows, ctx.written));
  const flow = (ref: FlowRef | undefined) => nonEmpty(ref);
  const c = t.Constraints;
  const out: TemplateBody = {
    Name: t.Name,
    Description: nonEmpty(t.Description),
    ContactFlowId: flow(t.ContactFlowId),
    SelfAssignFlowId: flow(t.SelfAssignFlowId),
    Constraints: c && {
      RequiredFields: fieldSet(c.RequiredFields, (e) => ({ Id: { Name: e.Id?.Name } })),
      ReadOnlyFields: fieldSet(c.ReadOnlyFields, (e) => ({ Id: { Name: e.Id?.Name } })),
      InvisibleFields: fieldSet(c.InvisibleFields, (e) => ({ Id: { Name: e.Id?.Name } })),
    },
    Defaults: t.Defaults && {
      DefaultFieldValues: fieldSet(t.Defaults.DefaultFieldValues, (e) => ({
        Id: { Name: e.Id?.Name },
        DefaultValue: e.DefaultValue,
      })),
    },
    Status: t.Status ?? DEFAULT_STATUS,
    Fields: t.Fields?.map(normalizeField),
    Tags: userTags(t.Tags),
  };
  return prune(out);
}

function normalizeField(field: TaskTemplateField): TaskTemplateField {
  return {
    Id: { Name: field.Id?.Name },
    Description: nonEmpty(field.Description),
    Type: field.Type,
    SingleSelectOptions: field.SingleSelectOptions && [...field.SingleSelectOptions], // order kept
  };
}

/**
 * A list of `{ Id: { Name } ... }` entries the API treats as a set: shaped by `shape`, sorted by
 * field name (so a change to one entry shows as that entry's path, not as a shuffle), exact
 * duplicates dropped.
 */
function fieldSet<T extends { Id?: TaskTemplateFieldIdentifier }>(
  value: T[] | undefined,
  shape: (entry: T) => T,
): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return uniqueBy(value.map(shape), canonicalJson).sort(
    (a, b) => cmp(a.Id?.Name ?? '', b.Id?.Name ?? '') || cmp(canonicalJson(a), canonicalJson(b)),
  );
}

// ---------------------------------------------------------------------------------------------
// audit
// ---------------------------------------------------------------------------------------------

function audit(d: DeclaredResource, ctx: AuditContext): Problem[] {
  const problems: Problem[] = [];
  const add = (severity: Problem['severity'], path: Path, message: string, hint?: string) => {
    problems.push({ severity, message, hint, pos: d.positionOf(path), path: joinPath(d.label ?? CONFIG_KEY, path) });
  };
  const error = (path: Path, message: string, hint?: string) => add('error', path, message, hint);
  const warn = (path: Path, message: string, hint?: string) => add('warning', path, message, hint);
  const body = d.body;
  const fields = list(body.Fields);

  // --- fields: unique names, types, single-select options ---
  const byName = new Map<string, { index: number; field: Rec }>();
  const nameFields: number[] = [];
  let quickConnect = false;
  fields.forEach((field, i) => {
    if (!isRecord(field)) return;
    const name = idName(field);
    if (name !== undefined) {
      const first = byName.get(name);
      if (first)
        error(
          ['Fields', i, 'Id', 'Name'],
          `field name "${name}" is used twice (also Fields[${first.index}]); field names identify fields and must be unique`,
        );
      else byName.set(name, { index: i, field });
    }
    const type = field.Type;
    if (type === undefined)
      warn(
        ['Fields', i],
        `field "${name ?? i}" has no Type`,
        'give every field a Type (NAME, TEXT, SINGLE_SELECT, ...); the service default is undocumented',
      );
    if (type === 'NAME') nameFields.push(i);
    if (type === 'QUICK_CONNECT') quickConnect = true;
    const options = field.SingleSelectOptions;
    if (type === 'SINGLE_SELECT') {
      if (!Array.isArray(options) || options.length === 0) {
        error(['Fields', i, 'Type'], `SINGLE_SELECT field "${name ?? i}" needs SingleSelectOptions`);
      }
    } else if (options !== undefined && type !== undefined) {
      error(
        ['Fields', i, 'SingleSelectOptions'],
        `SingleSelectOptions belong only to SINGLE_SELECT fields; "${name ?? i}" is ${String(type)}`,
        'remove SingleSelectOptions or change Type to SINGLE_SELECT',
      );
    }
    if (Array.isArray(options)) {
      const seen = new Set<unknown>();
      options.forEach((o, k) => {
        if (seen.has(o))
          warn(['Fields', i, 'SingleSelectOptions', k], `option "${String(o)}" is listed twice in "${name ?? i}"`);
        seen.add(o);
      });
      if (options.length > LIST_CAP)
        warn(
          ['Fields', i, 'SingleSelectOptions'],
          `${options.length} options; CloudFormation caps SingleSelectOptions at ${LIST_CAP}`,
        );
    }
  });
  if (Array.isArray(body.Fields) && fields.length > LIST_CAP) {
    warn(['Fields'], `${fields.length} fields; CloudFormation caps a task template at ${LIST_CAP} fields`);
  }

  // --- exactly one NAME field, listed in Constraints.RequiredFields ---
  const nameField = nameFields.length === 1 ? idName(fields[nameFields[0]]) : undefined;
  if (nameFields.length === 0) {
    error(
      ['Fields'],
      'a task template needs exactly one field of Type NAME (the task name); it has none',
      'add e.g. `- Id: { Name: Name }` with `Type: NAME`',
    );
  }
  for (const i of nameFields.slice(1)) {
    error(
      ['Fields', i, 'Type'],
      `a task template needs exactly one field of Type NAME; "${idName(fields[i]) ?? i}" is a second one (first: Fields[${nameFields[0]}])`,
    );
  }
  const constraints = body.Constraints;
  const required = isRecord(constraints) ? list(constraints.RequiredFields) : [];
  const listNameHint = nameField ? `add \`- Id: { Name: ${nameField} }\` to Constraints.RequiredFields` : undefined;
  if (!isRecord(constraints)) {
    error(
      ['Constraints'],
      'Constraints is required: the service rejects a task template without Constraints.RequiredFields listing the NAME field',
      listNameHint,
    );
  } else if (required.length === 0) {
    error(
      ['Constraints', 'RequiredFields'],
      'Constraints.RequiredFields must have at least one entry, the NAME field',
      listNameHint,
    );
  } else if (nameField !== undefined && !required.some((r) => idName(r) === nameField)) {
    error(
      ['Constraints', 'RequiredFields'],
      `the NAME field "${nameField}" must be listed in Constraints.RequiredFields`,
      listNameHint,
    );
  }

  // --- a flow or a QUICK_CONNECT field ---
  if (nonEmpty(body.ContactFlowId) === undefined && !quickConnect) {
    error(
      [],
      'a task template must have either a ContactFlowId or a field of Type QUICK_CONNECT',
      'set ContactFlowId (a flow id or `{ name: ... }`) or add a QUICK_CONNECT field',
    );
  }

  // --- references to fields from Constraints and Defaults ---
  const known = [...byName.keys()];
  const refCheck = (path: Path, entry: unknown, where: string) => {
    const name = idName(entry);
    if (name === undefined || byName.has(name)) return;
    const near = nearest(name, known);
    error(
      [...path, 'Id', 'Name'],
      `${where} names field "${name}", which is not in Fields`,
      near ? `did you mean "${near}"?` : undefined,
    );
  };
  if (isRecord(constraints)) {
    for (const k of CONSTRAINT_LISTS) {
      const entries = list(constraints[k]);
      const seen = new Set<string>();
      entries.forEach((entry, i) => {
        refCheck(['Constraints', k, i], entry, `Constraints.${k}`);
        const name = idName(entry);
        if (name !== undefined && seen.has(name))
          warn(['Constraints', k, i, 'Id', 'Name'], `field "${name}" is listed twice in Constraints.${k}`);
        if (name !== undefined) seen.add(name);
      });
      if (entries.length > LIST_CAP)
        warn(['Constraints', k], `${entries.length} entries; CloudFormation caps Constraints.${k} at ${LIST_CAP}`);
    }
  }
  const defaults = isRecord(body.Defaults) ? list(body.Defaults.DefaultFieldValues) : [];
  const defaulted = new Map<string, number>();
  defaults.forEach((entry, i) => {
    const path: Path = ['Defaults', 'DefaultFieldValues', i];
    refCheck(path, entry, 'Defaults.DefaultFieldValues');
    const name = idName(entry);
    if (name === undefined) return;
    const first = defaulted.get(name);
    if (first !== undefined)
      error([...path, 'Id', 'Name'], `field "${name}" has two default values (also DefaultFieldValues[${first}])`);
    else defaulted.set(name, i);
    const field = byName.get(name)?.field;
    const value = isRecord(entry) ? entry.DefaultValue : undefined;
    if (
      field?.Type === 'SINGLE_SELECT' &&
      Array.isArray(field.SingleSelectOptions) &&
      value !== undefined &&
      !field.SingleSelectOptions.includes(value)
    ) {
      error(
        [...path, 'DefaultValue'],
        `default "${String(value)}" of SINGLE_SELECT field "${name}" is not one of its options`,
        `options: ${field.SingleSelectOptions.map((o) => JSON.stringify(o)).join(', ')}`,
      );
    }
  });
  if (defaults.length > LIST_CAP)
    warn(
      ['Defaults', 'DefaultFieldValues'],
      `${defaults.length} defaults; CloudFormation caps DefaultFieldValues at ${LIST_CAP}`,
    );

  // --- contact flows (references.ts), once read ---
  problems.push(...referenceProblems(d, ctx.flows, CONFIG_KEY));

  // --- tags ---
  if (isRecord(body.Tags)) {
    if (MARKER_TAG_KEY in body.Tags) {
      error(
        ['Tags', MARKER_TAG_KEY],
        `tag "${MARKER_TAG_KEY}" is connectform's management marker and cannot be set in the config`,
      );
    }
    const n = Object.keys(body.Tags).filter((k) => k !== MARKER_TAG_KEY).length;
    if (n > MAX_USER_TAGS)
      error(
        ['Tags'],
        `${n} tags; a resource holds at most 50 and connectform's marker takes one, so at most ${MAX_USER_TAGS}`,
      );
  }
  return problems;
}

function replaceReason(): string | undefined {
  return undefined; // UpdateTaskTemplate changes everything, the name included
}

/**
 * `Fields` is ordered (agents see that order) and keyed by field name, as are each field's
 * options; the constraint and default lists are sets keyed by field name (normalize sorts them).
 */
const LISTS: ListSpec[] = [
  {
    path: 'Fields',
    ordered: true,
    identity: byMembers('Id.Name'),
    keyedBy: 'field name (Id.Name)',
    example: 'Fields[Id.Name="Policy number"]',
  },
  {
    path: 'Fields[].SingleSelectOptions',
    ordered: true,
    identity: byValue,
    keyedBy: 'value',
    example: 'Fields[Id.Name="Priority"].SingleSelectOptions[="High"]',
  },
  fieldNameSet('Constraints.RequiredFields'),
  fieldNameSet('Constraints.ReadOnlyFields'),
  fieldNameSet('Constraints.InvisibleFields'),
  fieldNameSet('Defaults.DefaultFieldValues'),
];

// ---------------------------------------------------------------------------------------------
// read
// ---------------------------------------------------------------------------------------------

async function* read(ctx: TargetContext): AsyncIterable<LiveResource> {
  const described = mapConcurrent(
    unique(summariesOf(ctx)),
    DESCRIBE_WIDTH,
    (s: TaskTemplateMetadata) =>
      ctx.cache.through('taskTemplate', s.Id ?? '', s.LastModifiedTime?.toISOString(), () =>
        describe(ctx, s.Id ?? '', s),
      ),
    ctx.listing?.('taskTemplate'),
  );
  for await (const live of described) if (live) yield live;
}

/**
 * Every template a plan must see. ListTaskTemplates does not page (see LIST_PAGE_SIZE), so each
 * status is asked for everything (no MaxResults): more than a page back proves nothing was cut.
 * Otherwise it is asked again for a full page (MaxResults 100), since how much an answer without
 * MaxResults holds is not documented; a full page may have been cut, and each declared template
 * not seen is then looked up by name (the operation's Name filter). Undeclared templates past a
 * cut cannot be seen: they are neither shown nor pruned (the safe side), and the log says so.
 */
async function* summariesOf(ctx: TargetContext): AsyncIterable<TaskTemplateMetadata> {
  const seen = new Set<string>();
  let cut = false;
  for (const Status of STATUSES) {
    const everything = await listTemplates(ctx, { Status });
    const page =
      everything.templates.length > LIST_PAGE_SIZE
        ? undefined
        : await listTemplates(ctx, { Status, MaxResults: LIST_PAGE_SIZE });
    cut ||= page !== undefined && page.templates.length >= LIST_PAGE_SIZE && !page.paged;
    for (const t of [...everything.templates, ...(page?.templates ?? [])]) {
      if (t.Name) seen.add(t.Name);
      yield t; // repeats are dropped by unique()
    }
  }
  if (!cut) return;
  ctx.log(
    `ListTaskTemplates answered a full page for a status and does not page: declared templates are looked up by name; others past the first ${LIST_PAGE_SIZE} are not seen (nor pruned)`,
  );
  const declared = ctx.declared
    .filter((d) => d.kind === 'taskTemplate' && typeof d.body.Name === 'string')
    .map((d) => String(d.body.Name));
  for (const Name of [...new Set(declared)].filter((n) => !seen.has(n)).sort(cmp)) {
    for (const t of (await listTemplates(ctx, { Name, MaxResults: LIST_PAGE_SIZE })).templates)
      if (t.Name === Name) yield t;
  }
}

/** One filtered listing, following a NextToken should one ever come (then `paged`: nothing was cut). */
async function listTemplates(
  ctx: TargetContext,
  filter: { Status?: (typeof STATUSES)[number]; Name?: string; MaxResults?: number },
): Promise<{ templates: TaskTemplateMetadata[]; paged: boolean }> {
  const { aws, target } = ctx;
  const templates: TaskTemplateMetadata[] = [];
  let paged = false;
  const listed = pages(
    async (NextToken) => {
      const page = await aws.call(
        'connect:ListTaskTemplates',
        () =>
          aws.connect.send(
            new aws.sdk.connect.ListTaskTemplatesCommand({ InstanceId: target.instanceId, NextToken, ...filter }),
          ),
        { resource: `instance ${target.instanceId}` },
      );
      paged ||= Boolean(page.NextToken);
      return page;
    },
    (page) => page.TaskTemplates,
  );
  for await (const t of listed) templates.push(t);
  return { templates, paged };
}

async function describe(
  ctx: TargetContext,
  id: string,
  summary: TaskTemplateMetadata = {},
): Promise<LiveResource | undefined> {
  try {
    const out = await ctx.aws.call(
      'connect:GetTaskTemplate',
      () =>
        ctx.aws.connect.send(
          new ctx.aws.sdk.connect.GetTaskTemplateCommand({ InstanceId: ctx.target.instanceId, TaskTemplateId: id }),
        ),
      { resource: `task template "${summary.Name ?? id}"` },
    );
    return toLive(out, summary);
  } catch (err) {
    if (isNotFound(err)) return undefined; // deleted between list and get
    throw err;
  }
}

/** Summaries with a repeated Id dropped (a paging quirk must not yield a template twice). */
async function* unique(summaries: AsyncIterable<TaskTemplateMetadata>): AsyncIterable<TaskTemplateMetadata> {
  const seen = new Set<string>();
  for await (const s of summaries) {
    if (!s.Id || seen.has(s.Id)) continue;
    seen.add(s.Id);
    yield s;
  }
}

function toLive(t: GetTaskTemplateResponse, summary: TaskTemplateMetadata): LiveResource {
  const tags = t.Tags ?? {};
  const body: TemplateBody = pick(t, DOCUMENT_FIELDS);
  const user = userTags(tags);
  if (user) body.Tags = user;
  const modified = t.LastModifiedTime ?? summary.LastModifiedTime;
  const created = t.CreatedTime ?? summary.CreatedTime;
  return {
    kind: 'taskTemplate',
    key: t.Name ?? summary.Name ?? '',
    id: t.Id ?? summary.Id ?? '',
    arn: t.Arn ?? summary.Arn,
    body,
    managed: MARKER_TAG_KEY in tags,
    ...(MARKER_TAG_KEY in tags ? { marker: tags[MARKER_TAG_KEY] } : {}),
    version: modified ? modified.toISOString() : `sha256:${sha256(canonicalJson({ ...body, Tags: tags }))}`,
    ...(created ? { createdAt: created.toISOString() } : {}),
    extra: { tags },
    // GetTaskTemplate tells when, never who.
    attribution: modified ? { at: modified.toISOString() } : {},
  };
}

// ---------------------------------------------------------------------------------------------
// write
// ---------------------------------------------------------------------------------------------

/** The template document as the API takes it: flow references resolved to ids, no tags. */
function wireDocument(body: TemplateBody, flows: ContactFlowDirectory): Document {
  const t = asTemplateBody(referencesToWire('taskTemplate', body, flows));
  return {
    Name: t.Name,
    Description: nonEmpty(t.Description),
    // Strings by now (referencesToWire).
    ContactFlowId: nonEmpty(t.ContactFlowId) as string | undefined,
    SelfAssignFlowId: nonEmpty(t.SelfAssignFlowId) as string | undefined,
    Constraints: t.Constraints,
    Defaults: t.Defaults,
    Status: t.Status ?? DEFAULT_STATUS,
    Fields: t.Fields,
  };
}

async function create(
  ctx: TargetContext,
  desired: Body,
  token: string,
  reportCreated?: (made: { id: string; arn?: string }) => void,
): Promise<{ id: string; arn?: string }> {
  const { aws, target } = ctx;
  const template = asTemplateBody(desired);
  const name = template.Name ?? '';
  const input = {
    InstanceId: target.instanceId,
    ClientToken: token,
    ...wireDocument(template, ctx.flows),
  } satisfies CreateTaskTemplateCommandInput;
  const out = await aws.call(
    'connect:CreateTaskTemplate',
    () => aws.connect.send(new aws.sdk.connect.CreateTaskTemplateCommand(input)),
    { resource: `task template "${name}"` },
  );
  const created = { id: out.Id ?? '', arn: out.Arn };
  reportCreated?.(created); // the journal binds its entry to this id before the marker's call
  // CreateTaskTemplate carries no tags: the user's tags and the marker follow on the ARN. AWS
  // may not show the new template to TagResource at once (eventual consistency): its not-found
  // is waited out for a bounded time (aws/lag.ts).
  const tags = { ...userTags(template.Tags), [MARKER_TAG_KEY]: MARKER_TAG_VALUE };
  try {
    await untilVisible(aws.lag, () => connectTagCalls(aws).tag(created.arn ?? '', tags, `task template "${name}"`));
  } catch (err) {
    if (err instanceof LagOutlasted) {
      // The template exists; AWS is only slow to show it. Never undo a create for that: the
      // journal keeps this create pending (apply.ts), so the next plan marks it and tags it.
      throw outlastedError(
        err,
        `task template "${name}" (created as ${created.id}, not tagged yet; the next apply tags it)`,
      );
    }
    // Refused for good: without the marker the template would be unmanaged for good (the next
    // plan finds it declared and unchanged, and nothing ever marks or prunes it). Take the
    // create back, so the next run starts over.
    const undone = await aws
      .call('connect:DeleteTaskTemplate', () =>
        aws.connect.send(
          new aws.sdk.connect.DeleteTaskTemplateCommand({ InstanceId: target.instanceId, TaskTemplateId: created.id }),
        ),
      )
      .then(
        () => true,
        () => false,
      );
    // What the tag call raised, told of the template as it now stands.
    const told = `task template "${name}" (created as ${created.id}, but not tagged; ${undone ? 'the create was undone' : 'deleting it failed too: delete it by hand'})`;
    throw err instanceof RemoteError ? err.about(told) : err;
  }
  return created;
}

async function update(ctx: TargetContext, live: LiveResource, desired: Body, changed: string[]): Promise<void> {
  const { aws, target } = ctx;
  const template = asTemplateBody(desired);
  const what = `task template "${template.Name ?? live.key}"`;
  if (changed.some((f) => f !== 'Tags')) {
    // A full update: every field is sent, changed or not; a field left out is cleared.
    const input = {
      InstanceId: target.instanceId,
      TaskTemplateId: live.id,
      ...wireDocument(template, ctx.flows),
    } satisfies UpdateTaskTemplateCommandInput;
    await aws.call(
      'connect:UpdateTaskTemplate',
      () => aws.connect.send(new aws.sdk.connect.UpdateTaskTemplateCommand(input)),
      { resource: what },
    );
  }
  if (changed.includes('Tags'))
    await reconcileTags(connectTagCalls(aws), live.arn, what, liveTagMap(live), template.Tags);
}

/** Finish an interrupted create: the marker the create could not carry (see engine/pending.ts). */
async function mark(ctx: TargetContext, live: LiveResource): Promise<void> {
  const what = `task template "${live.key}"`;
  try {
    // The template may have been created moments ago (a create whose tagging outlasted the lag).
    await untilVisible(ctx.aws.lag, () =>
      connectTagCalls(ctx.aws).tag(live.arn ?? '', { [MARKER_TAG_KEY]: MARKER_TAG_VALUE }, what),
    );
  } catch (err) {
    throw err instanceof LagOutlasted ? outlastedError(err, what) : err;
  }
}

async function remove(ctx: TargetContext, live: LiveResource): Promise<void> {
  await deleteIfPresent(ctx.aws, 'connect:DeleteTaskTemplate', `task template "${live.key}"`, () =>
    ctx.aws.connect.send(
      new ctx.aws.sdk.connect.DeleteTaskTemplateCommand({ InstanceId: ctx.target.instanceId, TaskTemplateId: live.id }),
    ),
  );
}

export const taskTemplateKind: ResourceKind<'taskTemplate'> = {
  name: 'taskTemplate',
  configKey: CONFIG_KEY,
  title: 'Connect task template',
  // Tags go through TagResource/UntagResource (not UpdateTaskTemplate), which move no LastModifiedTime.
  unstampedFields: { fields: ['Tags'], why: 'only tags changed, and a tag change moves no LastModifiedTime' },
  schemaSpec: {
    title: 'Amazon Connect task template',
    service: 'connect',
    shape: 'CreateTaskTemplateRequest',
    operation: 'CreateTaskTemplate',
    omit: ['InstanceId', 'ClientToken'],
    extend(shapes, properties) {
      // CreateTaskTemplate takes no tags; connectform applies them with TagResource.
      properties.Tags = shapes.shape(
        'TagMap',
        'Tags of the task template (applied with TagResource after it is created).',
        ['CreateTaskTemplateRequest'],
      );
    },
  },
  exportOrder: [
    'Name',
    'Description',
    'ContactFlowId',
    'SelfAssignFlowId',
    'Status',
    'Fields',
    'Constraints',
    'Defaults',
    'Tags',
  ],
  capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: true },
  key: (body) => String(body.Name ?? ''),
  audit,
  read,
  describe: (ctx: TargetContext, id: string) => describe(ctx, id),
  mark,
  writeMarker: markerWriter(connectTagCalls),
  normalize,
  replaceReason,
  lists: LISTS,
  create,
  update,
  delete: remove,
};

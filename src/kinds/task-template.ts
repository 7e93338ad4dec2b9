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
import {
  CreateTaskTemplateCommand,
  DeleteTaskTemplateCommand,
  GetTaskTemplateCommand,
  ListTaskTemplatesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateTaskTemplateCommand,
  type CreateTaskTemplateRequest,
  type GetTaskTemplateResponse,
  type TaskTemplateMetadata,
} from '@aws-sdk/client-connect';
import type { Problem } from '../errors.js';
import { isNotFound, remoteError } from '../aws/clients.js';
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import { nearest } from '../edit-distance.js';
import {
  MARKER_TAG_KEY,
  MARKER_TAG_VALUE,
  canonicalJson,
  cmp,
  flowRefToId,
  flowRefToName,
  mapConcurrent,
  pages,
  pick,
  prune,
  sha256,
  unknownFlowMessage,
  userTags,
  deleteIfPresent,
} from './common.js';
import { joinPath } from '../problem-path.js';
import { uniqueBy } from '../util/unique.js';
import type { AuditContext, Body, DeclaredResource, LiveResource, NormalizeContext, Path, ResourceKind, TargetContext } from './types.js';

const CONFIG_KEY = 'taskTemplates';

/** The fields a config describes: CreateTaskTemplate's minus InstanceId/ClientToken, plus Tags. */
const TEMPLATE_FIELDS = ['Name', 'Description', 'ContactFlowId', 'SelfAssignFlowId', 'Constraints', 'Defaults', 'Status', 'Fields', 'Tags'] as const;
/** The fields UpdateTaskTemplate carries (all but Tags). */
const DOCUMENT_FIELDS = TEMPLATE_FIELDS.filter((f) => f !== 'Tags');
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
/** ListTaskTemplates' MaxResults is a MaxResult100. */
const LIST_PAGE_SIZE = 100;
/** GetTaskTemplate calls in flight while reading (the global pacing lives in ctx.aws). */
const DESCRIBE_WIDTH = 8;

type Rec = Record<string, unknown>;

function isRec(x: unknown): x is Rec {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function list(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/** `Id.Name` of a field, a constraint entry or a default entry. */
function idName(x: unknown): string | undefined {
  const name = isRec(x) && isRec(x.Id) ? x.Id.Name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** A string that the API would reject as empty (min length 1) means "absent". */
function nonEmpty(x: unknown): unknown {
  return x === '' ? undefined : x;
}

// ---------------------------------------------------------------------------------------------
// normalize
// ---------------------------------------------------------------------------------------------

function normalize(body: Body, ctx: NormalizeContext): Body {
  const out = pick(body, TEMPLATE_FIELDS);
  out.Description = nonEmpty(out.Description);
  out.Status ??= DEFAULT_STATUS;
  for (const f of FLOW_FIELDS) {
    const ref = nonEmpty(out[f]);
    out[f] = ref === undefined ? undefined : flowRefToName(ref, ctx.flows);
  }
  if (Array.isArray(out.Fields)) out.Fields = out.Fields.map(normalizeField);
  if (isRec(out.Constraints)) {
    const c: Rec = {};
    for (const k of CONSTRAINT_LISTS) c[k] = fieldSet(out.Constraints[k], (e) => ({ Id: { Name: idName(e) } }));
    out.Constraints = c;
  }
  if (isRec(out.Defaults)) {
    out.Defaults = {
      DefaultFieldValues: fieldSet(out.Defaults.DefaultFieldValues, (e) => ({ Id: { Name: idName(e) }, DefaultValue: isRec(e) ? e.DefaultValue : undefined })),
    };
  }
  out.Tags = userTags(out.Tags as Record<string, string> | undefined);
  return prune(out);
}

function normalizeField(field: unknown): unknown {
  if (!isRec(field)) return field;
  const f = pick(field, ['Id', 'Description', 'Type', 'SingleSelectOptions']);
  f.Id = { Name: idName(field) };
  f.Description = nonEmpty(f.Description);
  if (Array.isArray(f.SingleSelectOptions)) f.SingleSelectOptions = [...f.SingleSelectOptions]; // order kept
  return f;
}

/**
 * A list of `{ Id: { Name } ... }` entries the API treats as a set: shaped by `shape`, sorted by
 * field name (so a change to one entry shows as that entry's path, not as a shuffle), exact
 * duplicates dropped.
 */
function fieldSet(value: unknown, shape: (entry: unknown) => Rec): Rec[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return uniqueBy(value.map(shape), canonicalJson).sort((a, b) => cmp(idName(a) ?? '', idName(b) ?? '') || cmp(canonicalJson(a), canonicalJson(b)));
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
    if (!isRec(field)) return;
    const name = idName(field);
    if (name !== undefined) {
      const first = byName.get(name);
      if (first) error(['Fields', i, 'Id', 'Name'], `field name "${name}" is used twice (also Fields[${first.index}]); field names identify fields and must be unique`);
      else byName.set(name, { index: i, field });
    }
    const type = field.Type;
    if (type === undefined) warn(['Fields', i], `field "${name ?? i}" has no Type`, 'give every field a Type (NAME, TEXT, SINGLE_SELECT, ...); the service default is undocumented');
    if (type === 'NAME') nameFields.push(i);
    if (type === 'QUICK_CONNECT') quickConnect = true;
    const options = field.SingleSelectOptions;
    if (type === 'SINGLE_SELECT') {
      if (!Array.isArray(options) || options.length === 0) {
        error(['Fields', i, 'Type'], `SINGLE_SELECT field "${name ?? i}" needs SingleSelectOptions`);
      }
    } else if (options !== undefined && type !== undefined) {
      error(['Fields', i, 'SingleSelectOptions'], `SingleSelectOptions belong only to SINGLE_SELECT fields; "${name ?? i}" is ${String(type)}`, 'remove SingleSelectOptions or change Type to SINGLE_SELECT');
    }
    if (Array.isArray(options)) {
      const seen = new Set<unknown>();
      options.forEach((o, k) => {
        if (seen.has(o)) warn(['Fields', i, 'SingleSelectOptions', k], `option "${String(o)}" is listed twice in "${name ?? i}"`);
        seen.add(o);
      });
      if (options.length > LIST_CAP) warn(['Fields', i, 'SingleSelectOptions'], `${options.length} options; CloudFormation caps SingleSelectOptions at ${LIST_CAP}`);
    }
  });
  if (Array.isArray(body.Fields) && fields.length > LIST_CAP) {
    warn(['Fields'], `${fields.length} fields; CloudFormation caps a task template at ${LIST_CAP} fields`);
  }

  // --- exactly one NAME field, listed in Constraints.RequiredFields ---
  const nameField = nameFields.length === 1 ? idName(fields[nameFields[0]]) : undefined;
  if (nameFields.length === 0) {
    error(['Fields'], 'a task template needs exactly one field of Type NAME (the task name); it has none', 'add e.g. `- Id: { Name: Name }` with `Type: NAME`');
  }
  for (const i of nameFields.slice(1)) {
    error(['Fields', i, 'Type'], `a task template needs exactly one field of Type NAME; "${idName(fields[i]) ?? i}" is a second one (first: Fields[${nameFields[0]}])`);
  }
  const constraints = body.Constraints;
  const required = isRec(constraints) ? list(constraints.RequiredFields) : [];
  const listNameHint = nameField ? `add \`- Id: { Name: ${nameField} }\` to Constraints.RequiredFields` : undefined;
  if (!isRec(constraints)) {
    error(['Constraints'], 'Constraints is required: the service rejects a task template without Constraints.RequiredFields listing the NAME field', listNameHint);
  } else if (required.length === 0) {
    error(['Constraints', 'RequiredFields'], 'Constraints.RequiredFields must have at least one entry, the NAME field', listNameHint);
  } else if (nameField !== undefined && !required.some((r) => idName(r) === nameField)) {
    error(['Constraints', 'RequiredFields'], `the NAME field "${nameField}" must be listed in Constraints.RequiredFields`, listNameHint);
  }

  // --- a flow or a QUICK_CONNECT field ---
  if (nonEmpty(body.ContactFlowId) === undefined && !quickConnect) {
    error([], 'a task template must have either a ContactFlowId or a field of Type QUICK_CONNECT', 'set ContactFlowId (a flow id or `{ name: ... }`) or add a QUICK_CONNECT field');
  }

  // --- references to fields from Constraints and Defaults ---
  const known = [...byName.keys()];
  const refCheck = (path: Path, entry: unknown, where: string) => {
    const name = idName(entry);
    if (name === undefined || byName.has(name)) return;
    const near = nearest(name, known);
    error([...path, 'Id', 'Name'], `${where} names field "${name}", which is not in Fields`, near ? `did you mean "${near}"?` : undefined);
  };
  if (isRec(constraints)) {
    for (const k of CONSTRAINT_LISTS) {
      const entries = list(constraints[k]);
      const seen = new Set<string>();
      entries.forEach((entry, i) => {
        refCheck(['Constraints', k, i], entry, `Constraints.${k}`);
        const name = idName(entry);
        if (name !== undefined && seen.has(name)) warn(['Constraints', k, i, 'Id', 'Name'], `field "${name}" is listed twice in Constraints.${k}`);
        if (name !== undefined) seen.add(name);
      });
      if (entries.length > LIST_CAP) warn(['Constraints', k], `${entries.length} entries; CloudFormation caps Constraints.${k} at ${LIST_CAP}`);
    }
  }
  const defaults = isRec(body.Defaults) ? list(body.Defaults.DefaultFieldValues) : [];
  const defaulted = new Map<string, number>();
  defaults.forEach((entry, i) => {
    const path: Path = ['Defaults', 'DefaultFieldValues', i];
    refCheck(path, entry, 'Defaults.DefaultFieldValues');
    const name = idName(entry);
    if (name === undefined) return;
    const first = defaulted.get(name);
    if (first !== undefined) error([...path, 'Id', 'Name'], `field "${name}" has two default values (also DefaultFieldValues[${first}])`);
    else defaulted.set(name, i);
    const field = byName.get(name)?.field;
    const value = isRec(entry) ? entry.DefaultValue : undefined;
    if (field?.Type === 'SINGLE_SELECT' && Array.isArray(field.SingleSelectOptions) && value !== undefined && !field.SingleSelectOptions.includes(value)) {
      error([...path, 'DefaultValue'], `default "${String(value)}" of SINGLE_SELECT field "${name}" is not one of its options`, `options: ${field.SingleSelectOptions.map((o) => JSON.stringify(o)).join(', ')}`);
    }
  });
  if (defaults.length > LIST_CAP) warn(['Defaults', 'DefaultFieldValues'], `${defaults.length} defaults; CloudFormation caps DefaultFieldValues at ${LIST_CAP}`);

  // --- contact flows ---
  if (ctx.flows) {
    for (const f of FLOW_FIELDS) {
      const ref = nonEmpty(body[f]);
      if (ref === undefined) continue;
      const msg = unknownFlowMessage(ref, ctx.flows);
      if (msg) error([f], msg);
    }
  }

  // --- tags ---
  if (isRec(body.Tags)) {
    if (MARKER_TAG_KEY in body.Tags) {
      error(['Tags', MARKER_TAG_KEY], `tag "${MARKER_TAG_KEY}" is connectform's management marker and cannot be set in the config`);
    }
    const n = Object.keys(body.Tags).filter((k) => k !== MARKER_TAG_KEY).length;
    if (n > MAX_USER_TAGS) error(['Tags'], `${n} tags; a resource holds at most 50 and connectform's marker takes one, so at most ${MAX_USER_TAGS}`);
  }
  return problems;
}

function replaceReason(): string | undefined {
  return undefined; // UpdateTaskTemplate changes everything, the name included
}

// ---------------------------------------------------------------------------------------------
// read
// ---------------------------------------------------------------------------------------------

async function* read(ctx: TargetContext): AsyncIterable<LiveResource> {
  const { aws, target } = ctx;
  const summaries = pages(
    async (NextToken) => {
      try {
        // The model: NextToken "is always returned as a null"; loop on it anyway should that change.
        return await aws.call('connect:ListTaskTemplates', () =>
          aws.connect.send(new ListTaskTemplatesCommand({ InstanceId: target.instanceId, NextToken, MaxResults: LIST_PAGE_SIZE })),
        );
      } catch (err) {
        throw remoteError('connect:ListTaskTemplates', `instance ${target.instanceId}`, err);
      }
    },
    (page) => page.TaskTemplates,
  );
  const described = mapConcurrent(unique(summaries), DESCRIBE_WIDTH, (s: TaskTemplateMetadata) =>
    ctx.cache.through('taskTemplate', s.Id ?? '', s.LastModifiedTime?.toISOString(), () => describe(ctx, s.Id ?? '', s)),
  );
  for await (const live of described) if (live) yield live;
}

async function describe(ctx: TargetContext, id: string, summary: TaskTemplateMetadata = {}): Promise<LiveResource | undefined> {
  try {
    const out = await ctx.aws.call('connect:GetTaskTemplate', () =>
      ctx.aws.connect.send(new GetTaskTemplateCommand({ InstanceId: ctx.target.instanceId, TaskTemplateId: id })),
    );
    return toLive(out, summary);
  } catch (err) {
    if (isNotFound(err)) return undefined; // deleted between list and get
    throw remoteError('connect:GetTaskTemplate', `task template "${summary.Name ?? id}"`, err);
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
  const raw = t as unknown as Rec;
  const body = pick(raw, DOCUMENT_FIELDS);
  const tags = t.Tags ?? {};
  const user = userTags(tags);
  if (user) body.Tags = user;
  const modified = t.LastModifiedTime ?? summary.LastModifiedTime;
  return {
    kind: 'taskTemplate',
    key: t.Name ?? summary.Name ?? '',
    id: t.Id ?? summary.Id ?? '',
    arn: t.Arn ?? summary.Arn,
    body,
    managed: MARKER_TAG_KEY in tags,
    version: modified ? modified.toISOString() : `sha256:${sha256(canonicalJson({ ...body, Tags: tags }))}`,
    extra: { tags },
  };
}

// ---------------------------------------------------------------------------------------------
// write
// ---------------------------------------------------------------------------------------------

type Document = Omit<CreateTaskTemplateRequest, 'InstanceId' | 'ClientToken'>;

/** The template document as the API takes it: flow references resolved to ids, no tags. */
function wireDocument(desired: Body, flows: ContactFlowDirectory): Document {
  return {
    Name: desired.Name as string,
    Description: nonEmpty(desired.Description) as string | undefined,
    ContactFlowId: flowRefToId(nonEmpty(desired.ContactFlowId), flows),
    SelfAssignFlowId: flowRefToId(nonEmpty(desired.SelfAssignFlowId), flows),
    Constraints: desired.Constraints as Document['Constraints'],
    Defaults: desired.Defaults as Document['Defaults'],
    Status: (desired.Status ?? DEFAULT_STATUS) as Document['Status'],
    Fields: desired.Fields as Document['Fields'],
  };
}

async function create(ctx: TargetContext, desired: Body, token: string): Promise<{ id: string; arn?: string }> {
  const { aws, target } = ctx;
  const name = String(desired.Name ?? '');
  let created: { id: string; arn?: string };
  try {
    const doc = wireDocument(desired, ctx.flows);
    const out = await aws.call('connect:CreateTaskTemplate', () =>
      aws.connect.send(new CreateTaskTemplateCommand({ InstanceId: target.instanceId, ClientToken: token, ...doc })),
    );
    created = { id: out.Id ?? '', arn: out.Arn };
  } catch (err) {
    throw remoteError('connect:CreateTaskTemplate', `task template "${name}"`, err);
  }
  // CreateTaskTemplate carries no tags: the user's tags and the marker follow on the ARN.
  const tags = { ...userTags(desired.Tags as Record<string, string> | undefined), [MARKER_TAG_KEY]: MARKER_TAG_VALUE };
  try {
    await aws.call('connect:TagResource', () => aws.connect.send(new TagResourceCommand({ resourceArn: created.arn, tags })));
  } catch (err) {
    // Without the marker the template would be unmanaged for good: the next plan finds it
    // declared and unchanged, and nothing ever marks it (nor prunes it). Take the create back,
    // so the next run starts over (the token is forgotten with the template).
    const undone = await aws
      .call('connect:DeleteTaskTemplate', () => aws.connect.send(new DeleteTaskTemplateCommand({ InstanceId: target.instanceId, TaskTemplateId: created.id })))
      .then(() => true, () => false);
    throw remoteError('connect:TagResource', `task template "${name}" (created as ${created.id}, but not tagged; ${undone ? 'the create was undone' : 'deleting it failed too: delete it by hand'})`, err);
  }
  return created;
}

async function update(ctx: TargetContext, live: LiveResource, desired: Body, changed: string[]): Promise<void> {
  const { aws, target } = ctx;
  const name = String(desired.Name ?? live.key);
  if (changed.some((f) => f !== 'Tags')) {
    // A full update: every field is sent, changed or not; a field left out is cleared.
    try {
      const doc = wireDocument(desired, ctx.flows);
      await aws.call('connect:UpdateTaskTemplate', () =>
        aws.connect.send(new UpdateTaskTemplateCommand({ InstanceId: target.instanceId, TaskTemplateId: live.id, ...doc })),
      );
    } catch (err) {
      throw remoteError('connect:UpdateTaskTemplate', `task template "${name}"`, err);
    }
  }
  if (!changed.includes('Tags')) return;
  const want = userTags(desired.Tags as Record<string, string> | undefined) ?? {};
  const have = userTags((live.extra?.tags ?? live.body.Tags) as Record<string, string> | undefined) ?? {};
  const removed = Object.keys(have).filter((k) => !(k in want));
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(want)) if (have[k] !== v) set[k] = v;
  // The marker is re-asserted only where it already is: adopting an unmanaged template (making
  // it prunable) is not a side effect of editing its tags.
  if (live.managed) set[MARKER_TAG_KEY] = MARKER_TAG_VALUE;
  const arn = live.arn;
  if (!arn) throw remoteError('connect:TagResource', `task template "${name}"`, new Error('the live template has no ARN'));
  if (Object.keys(set).length) {
    try {
      await aws.call('connect:TagResource', () => aws.connect.send(new TagResourceCommand({ resourceArn: arn, tags: set })));
    } catch (err) {
      throw remoteError('connect:TagResource', `task template "${name}"`, err);
    }
  }
  if (removed.length) {
    try {
      await aws.call('connect:UntagResource', () => aws.connect.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed })));
    } catch (err) {
      throw remoteError('connect:UntagResource', `task template "${name}"`, err);
    }
  }
}

/** Finish an interrupted create: the marker the create could not carry (see engine/pending.ts). */
async function mark(ctx: TargetContext, live: LiveResource): Promise<void> {
  try {
    await ctx.aws.call('connect:TagResource', () =>
      ctx.aws.connect.send(new TagResourceCommand({ resourceArn: live.arn, tags: { [MARKER_TAG_KEY]: MARKER_TAG_VALUE } })),
    );
  } catch (err) {
    throw remoteError('connect:TagResource', `task template "${live.key}"`, err);
  }
}

async function remove(ctx: TargetContext, live: LiveResource): Promise<void> {
  await deleteIfPresent(ctx.aws, 'connect:DeleteTaskTemplate', `task template "${live.key}"`, () =>
    ctx.aws.connect.send(new DeleteTaskTemplateCommand({ InstanceId: ctx.target.instanceId, TaskTemplateId: live.id })),
  );
}

export const taskTemplateKind: ResourceKind<'taskTemplate'> = {
  name: 'taskTemplate',
  configKey: CONFIG_KEY,
  title: 'Connect task template',
  schemaSpec: {
    title: 'Amazon Connect task template',
    service: 'connect',
    shape: 'CreateTaskTemplateRequest',
    operation: 'CreateTaskTemplate',
    omit: ['InstanceId', 'ClientToken'],
    extend(shapes, properties) {
      // CreateTaskTemplate takes no tags; connectform applies them with TagResource.
      properties.Tags = shapes.shape('TagMap', 'Tags of the task template (applied with TagResource after it is created).', ['CreateTaskTemplateRequest']);
    },
  },
  exportOrder: ['Name', 'Description', 'ContactFlowId', 'SelfAssignFlowId', 'Status', 'Fields', 'Constraints', 'Defaults', 'Tags'],
  capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: true },
  key: (body) => String(body.Name ?? ''),
  audit,
  read,
  describe: (ctx: TargetContext, id: string) => describe(ctx, id),
  mark,
  normalize,
  replaceReason,
  create,
  update,
  delete: remove,
};

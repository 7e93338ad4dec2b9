/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom actions (`customActions:`): a
 * CLI command run from a chat channel, by alias (`@aws run <AliasName>`) or as a button on
 * notifications (`Attachments`). Identity: `ActionName`, which is part of the ARN, so a rename is
 * a replace. Custom actions belong to the account (their ARNs carry no region), not to a Connect
 * instance; the API answers in four regions only (SUPPORTED_REGIONS).
 *
 * The body is CreateCustomAction's request minus ClientToken, plus one field of connectform's
 * own: `ChatConfigurations`, the set of chat configuration ARNs the action is associated with
 * (AssociateToConfiguration / DisassociateFromConfiguration; the member is `ChatConfiguration`).
 *
 * ListAssociations lists the resources of one chat configuration; there is no per-action
 * listing. So a plan's `read` asks about the chat configurations the config names
 * (`declaredChatConfigurations`), and associations with other channels are not seen; export
 * (`ctx.readEverything`) asks about every one the account's chat configuration lists return.
 */
import type {
  CreateCustomActionRequest,
  CustomAction,
  CustomActionAttachment,
  Tag,
  UpdateCustomActionRequest,
} from '../aws/chatbot.js';
import { CHATBOT_REGIONS } from '../aws/chatbot-regions.js';
import { isNotFound } from '../aws/call-errors.js';
import { answerOf, isNotFoundAnswer, untilVisible } from '../aws/lag.js';
import { UsageError, type Problem } from '../errors.js';
import {
  MARKER_TAG_KEY,
  MARKER_TAG_VALUE,
  asSet,
  canonicalJson,
  cmp,
  isRecord,
  mapConcurrent,
  pages,
  pick,
  prune,
  sha256,
  typedBody,
  deleteIfPresent,
} from './common.js';
import { chatbotTagCalls, markerWriter, reconcileTags, type TagMap } from './tags.js';
import { joinPath } from '../problem-path.js';
import { loadModel } from '../aws/models.js';
import { isNameRef, referenceProblems, referencesToNames, referencesToWire, refToWire } from './references.js';
import { nameReference } from './schema.js';
import { uniqueBy } from '../util/unique.js';
import { byMembers, referenceSet, stringAt } from './lists.js';
import type {
  AuditContext,
  Body,
  DeclaredResource,
  ListSpec,
  LiveResource,
  NormalizeContext,
  ResourceKind,
  TargetContext,
} from './types.js';

const CONFIG_KEY = 'customActions';

/**
 * The regions the AWS Chatbot API answers in (the service documentation in the model:
 * "AWS Chatbot APIs are currently available in the following Regions").
 */
export const SUPPORTED_REGIONS: readonly string[] = CHATBOT_REGIONS;

/**
 * The typed normal form of a custom action: CreateCustomAction's request without ClientToken,
 * plus the chat configurations it is associated with.
 */
export type CustomActionBody = Omit<CreateCustomActionRequest, 'ClientToken'> & { ChatConfigurations?: string[] };

const asCustomActionBody = (body: Body): CustomActionBody => typedBody<CustomActionBody>(body);

/** The fields UpdateCustomAction sends (it changes neither ActionName nor Tags). */
const UPDATE_FIELDS = ['Definition', 'AliasName', 'Attachments'];

const CRITERIA_FIELDS = ['Operator', 'VariableName', 'Value'] as const;

/** Custom actions described at once (GetCustomAction + ListTagsForResource each). */
const DESCRIBE_CONCURRENCY = 8;
/** Chat configurations whose associations are listed at once. */
const ASSOCIATION_CONCURRENCY = 4;

// -------------------------------------------------------------------------------------------
// Region
// -------------------------------------------------------------------------------------------

export function isSupportedRegion(region: string): boolean {
  return SUPPORTED_REGIONS.includes(region);
}

/** Throws a UsageError naming the supported regions when `region` is not one of them. */
export function assertSupportedRegion(targetName: string, region: string): void {
  if (isSupportedRegion(region)) return;
  throw new UsageError(
    `target "${targetName}" is in ${region || '(no region)'}, but the AWS Chatbot API (custom actions) is only available in ` +
      `${SUPPORTED_REGIONS.join(', ')}; set the target's chatbotRegion to one of them (custom actions belong to the account)`,
  );
}

/** Export skips the kind (or fails, when it was named) rather than read in a region Chatbot does not serve. */
function unavailable(ctx: TargetContext): string | undefined {
  const region = ctx.aws.chatbotRegion;
  if (isSupportedRegion(region)) return undefined;
  return `the AWS Chatbot API (custom actions) is not available in ${region}, only in ${SUPPORTED_REGIONS.join(', ')}; set the target's chatbotRegion`;
}

// -------------------------------------------------------------------------------------------
// Chat configurations to ask ListAssociations about
// -------------------------------------------------------------------------------------------

/**
 * Chat configuration ARNs whose associations `read` lists: those the declared custom actions of
 * this target name (ListAssociations is per chat configuration, and no operation we call lists
 * chat configurations).
 */
function declaredChatConfigurations(ctx: TargetContext): string[] {
  const arns = new Set<string>();
  for (const d of ctx.declared) {
    if (d.kind !== 'customAction' || !Array.isArray(d.body.ChatConfigurations)) continue;
    for (const arn of declaredArns(ctx, d.body.ChatConfigurations)) arns.add(arn);
  }
  return [...arns].sort(cmp);
}

/** A declared ChatConfigurations list as ARNs: names resolved (validation refused unknown ones). */
function declaredArns(ctx: TargetContext, list: unknown[]): string[] {
  return list.flatMap((c) => {
    if (typeof c === 'string') return c ? [c] : [];
    if (!isNameRef(c) || !ctx.flows.of('chatConfiguration')) return [];
    return [refToWire(c, 'chatConfiguration', 'arn', ctx.flows) as string];
  });
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

// -------------------------------------------------------------------------------------------
// Normal form
// -------------------------------------------------------------------------------------------

function normalizeAttachment(a: CustomActionAttachment): CustomActionAttachment {
  return {
    NotificationType: a.NotificationType,
    ButtonText: a.ButtonText,
    // Criteria are conditions on the notification's variables: order carries no meaning.
    Criteria: a.Criteria && uniqueBy(asSet(a.Criteria.map((c) => pick(c, CRITERIA_FIELDS))) ?? [], canonicalJson),
    Variables: a.Variables && Object.fromEntries(Object.entries(a.Variables).sort(([x], [y]) => cmp(x, y))),
  };
}

/** User tags in TagKey order, the marker removed (it is connectform's, never a diff). */
function normalizeTags(tags: Tag[] | undefined): Tag[] | undefined {
  return tags
    ?.filter((t) => t.TagKey !== MARKER_TAG_KEY)
    .map((t) => pick(t, ['TagKey', 'TagValue']))
    .sort((a, b) => cmp(a.TagKey ?? '', b.TagKey ?? '') || cmp(canonicalJson(a), canonicalJson(b)));
}

function normalize(body: Body, ctx?: NormalizeContext): Body {
  // Chat configurations the account knows are shown by name, or as the config wrote them (references.ts).
  const action = asCustomActionBody(referencesToNames('customAction', body, ctx?.flows, ctx?.written));
  const out: CustomActionBody = {
    ActionName: action.ActionName,
    AliasName: action.AliasName,
    Definition: action.Definition && pick(action.Definition, ['CommandText']),
    // A set: the CloudFormation resource schema (AWS::Chatbot::CustomAction) marks Attachments
    // `insertionOrder: false`; sorted here for one canonical body, compared by identity (LISTS).
    Attachments: asSet(action.Attachments?.map(normalizeAttachment)),
    Tags: normalizeTags(action.Tags),
    ChatConfigurations: action.ChatConfigurations && uniqueSorted(action.ChatConfigurations),
  };
  return prune(out);
}

/** ARNs and `{ name }`s, each once, in one canonical order. */
function uniqueSorted<T>(list: T[]): T[] {
  const byText = new Map(list.map((c) => [canonicalJson(c), c] as const));
  return [...byText.keys()].sort(cmp).map((k) => byText.get(k) as T);
}

// -------------------------------------------------------------------------------------------
// Audit
// -------------------------------------------------------------------------------------------

/** `$name` (or `${name}`) in CommandText; names as Variables keys allow them. */
const VARIABLE_REF = /\$\{?([A-Za-z0-9_][A-Za-z0-9_-]*)\}?/g;

export function commandVariables(commandText: string): string[] {
  const names = new Set<string>();
  for (const m of commandText.matchAll(VARIABLE_REF)) names.add(m[1].replace(/-+$/, ''));
  return [...names];
}

/**
 * 200 tags per custom action (the model's TagList max 200, CloudFormation's
 * AWS::Chatbot::CustomAction `Tags` maxItems 200: docs/FIDELITY.md, tag caps), less the marker.
 * Connect's kinds hold 50.
 */
const MAX_USER_TAGS = 199;

const CHAT_CONFIGURATION_ARN = /^arn:aws[a-z-]*:(chatbot|wheatley):[^:]*:\d{12}:chat-configuration\/.+/;

function audit(d: DeclaredResource, ctx: AuditContext): Problem[] {
  const problems: Problem[] = [];
  const body = d.body;
  const index = ctx.all.indexOf(d);
  const add = (severity: Problem['severity'], path: (string | number)[], message: string, hint?: string) =>
    problems.push({ severity, message, hint, pos: d.positionOf(path), path: joinPath(d.label ?? CONFIG_KEY, path) });

  const chatConfigurations = Array.isArray(body.ChatConfigurations) ? body.ChatConfigurations : [];

  // Attachments: every criterion tests a variable the attachment extracts.
  const attachments = Array.isArray(body.Attachments) ? body.Attachments : [];
  const extracted = new Set<string>();
  attachments.forEach((a, i) => {
    if (!isRecord(a)) return;
    const variables = isRecord(a.Variables) ? a.Variables : {};
    for (const name of Object.keys(variables)) extracted.add(name);
    const criteria = Array.isArray(a.Criteria) ? a.Criteria : [];
    criteria.forEach((c, j) => {
      if (!isRecord(c)) return;
      const name = c.VariableName;
      if (typeof name === 'string' && !(name in variables)) {
        const known = Object.keys(variables);
        add(
          'error',
          ['Attachments', i, 'Criteria', j, 'VariableName'],
          `criterion tests variable "${name}", which this attachment's Variables do not define`,
          known.length ? `defined here: ${known.join(', ')}` : `add it to Attachments[${i}].Variables`,
        );
      }
      if (c.Operator === 'EQUALS' && c.Value === undefined) {
        add(
          'error',
          ['Attachments', i, 'Criteria', j],
          `an EQUALS criterion needs a Value to compare "${String(name)}" with`,
          'or use Operator HAS_VALUE',
        );
      }
    });
  });

  // CommandText variables: a button click prompts for any the attachments do not extract. For
  // an alias-only action prompting is the documented behaviour (`run invoke` asks for
  // $functionName), so only actions with attachments are checked.
  const commandText =
    isRecord(body.Definition) && typeof body.Definition.CommandText === 'string' ? body.Definition.CommandText : '';
  if (attachments.length) {
    for (const name of commandVariables(commandText)) {
      if (!extracted.has(name)) {
        add(
          'warning',
          ['Definition', 'CommandText'],
          `CommandText uses $${name}, which no attachment extracts: Chatbot will prompt for it when the button is used`,
          `define ${name} in an attachment's Variables if the notification carries it`,
        );
      }
    }
  }

  if (body.AliasName === undefined && attachments.length === 0) {
    add('warning', [], 'custom action has neither AliasName nor Attachments: nothing in a chat channel can invoke it');
  }

  // An alias names one action: two actions with the same alias cannot both be invoked.
  if (typeof body.AliasName === 'string') {
    const others = (index >= 0 ? ctx.all.slice(0, index) : ctx.all).filter(
      (o) => o !== d && o.body.AliasName === body.AliasName,
    );
    if (others.length) {
      add(
        'error',
        ['AliasName'],
        `AliasName "${body.AliasName}" is also used by custom action "${String(others[0].body.ActionName ?? '?')}"`,
        'aliases must be unique',
      );
    }
  }

  // Tags: the marker is connectform's; `aws:` is reserved (User-Defined Tag Restrictions).
  const tags = Array.isArray(body.Tags) ? body.Tags : [];
  const seenKeys = new Set<string>();
  tags.forEach((t, i) => {
    if (!isRecord(t) || typeof t.TagKey !== 'string') return;
    const key = t.TagKey;
    if (key === MARKER_TAG_KEY)
      add(
        'error',
        ['Tags', i, 'TagKey'],
        `tag key "${MARKER_TAG_KEY}" is reserved for connectform's management marker`,
      );
    else if (key.toLowerCase().startsWith('aws:'))
      add('error', ['Tags', i, 'TagKey'], `tag key "${key}" uses the reserved prefix "aws:"`);
    if (seenKeys.has(key)) add('error', ['Tags', i, 'TagKey'], `tag key "${key}" appears more than once`);
    seenKeys.add(key);
  });

  // CreateCustomAction sends the marker too.
  if (tags.length > MAX_USER_TAGS) {
    add(
      'error',
      ['Tags'],
      `${tags.length} tags; a custom action holds at most ${MAX_USER_TAGS + 1} and connectform's marker takes one, so at most ${MAX_USER_TAGS}`,
    );
  }

  // ChatConfigurations: chat configuration ARNs, each once.
  const seenConfigs = new Set<string>();
  chatConfigurations.forEach((arn, i) => {
    if (typeof arn !== 'string') return;
    if (!CHAT_CONFIGURATION_ARN.test(arn)) {
      add(
        'error',
        ['ChatConfigurations', i],
        `"${arn}" is not a chat configuration ARN`,
        'e.g. arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops',
      );
    }
    if (seenConfigs.has(arn))
      add('warning', ['ChatConfigurations', i], `chat configuration "${arn}" is listed more than once`);
    seenConfigs.add(arn);
  });
  // Names of chat configurations, once the account's configurations are read.
  problems.push(...referenceProblems(d, ctx.flows, CONFIG_KEY));

  return problems;
}

// -------------------------------------------------------------------------------------------
// Replace
// -------------------------------------------------------------------------------------------

/** The fields UpdateCustomAction cannot change from `live` to `desired` (replaceReason says why). */
function replaceFields(live: Body, desired: Body): string[] {
  const aliasRemoved = live.AliasName !== undefined && desired.AliasName === undefined;
  return aliasRemoved ? ['ActionName', 'AliasName'] : ['ActionName'];
}

function replaceReason(live: Body, desired: Body, changed: string[]): string | undefined {
  const forcing = replaceFields(live, desired).filter((f) => changed.includes(f));
  if (forcing.includes('ActionName')) return 'ActionName is part of the ARN; UpdateCustomAction cannot change it';
  if (forcing.includes('AliasName')) {
    return `UpdateCustomAction keeps the current AliasName when none is sent, so removing "${String(live.AliasName)}" needs delete + create`;
  }
  return undefined;
}

/**
 * Every list of a custom action is a set. Attachments (CloudFormation's
 * AWS::Chatbot::CustomAction marks them `insertionOrder: false`) are keyed by NotificationType
 * and ButtonText, and one whose button text changed is paired with its old self by
 * NotificationType; criteria by VariableName and Operator (paired by VariableName); tags by
 * TagKey; chat configurations by ARN or name.
 */
const LISTS: ListSpec[] = [
  {
    path: 'Attachments',
    ordered: false,
    identity: byMembers('NotificationType', 'ButtonText'),
    pairBy: (a) => stringAt(a, 'NotificationType'),
    keyedBy: 'NotificationType and ButtonText',
    example: 'Attachments[NotificationType="AWSHealth",ButtonText="Run"]',
  },
  {
    path: 'Attachments[].Criteria',
    ordered: false,
    identity: byMembers('VariableName', 'Operator'),
    pairBy: (c) => stringAt(c, 'VariableName'),
    keyedBy: 'VariableName and Operator',
    example: 'Attachments[].Criteria[VariableName="status",Operator="EQUALS"]',
  },
  { path: 'Tags', ordered: false, identity: byMembers('TagKey'), keyedBy: 'TagKey', example: 'Tags[TagKey="team"]' },
  referenceSet('ChatConfigurations', 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops'),
];

// -------------------------------------------------------------------------------------------
// Read
// -------------------------------------------------------------------------------------------

async function* read(ctx: TargetContext): AsyncIterable<LiveResource> {
  const { aws, target } = ctx;
  assertSupportedRegion(target.name, aws.chatbotRegion);

  const associations = await readAssociations(ctx);
  const arns = pages(
    async (NextToken) => {
      return await aws.call(
        'chatbot:ListCustomActions',
        () => aws.chatbot.send('ListCustomActions', { NextToken, MaxResults: 100 }),
        { resource: 'custom actions' },
      );
    },
    (page) => page.CustomActions,
  );
  const linkedTo = (arn: string) => [...(associations.get(arn) ?? []), ...skippedFor(ctx, actionNameFromArn(arn))];
  for await (const live of mapConcurrent(
    arns,
    DESCRIBE_CONCURRENCY,
    (arn) => describeCached(ctx, arn, linkedTo(arn)),
    ctx.listing?.('customAction'),
  )) {
    if (live) yield live;
  }
}

/** Per target: declared chat configurations that could not be read (they do not exist). */
const unreadableConfigs = new WeakMap<TargetContext, Set<string>>();
const unreadable = (ctx: TargetContext): Set<string> => {
  let set = unreadableConfigs.get(ctx);
  if (!set) {
    set = new Set();
    unreadableConfigs.set(ctx, set);
  }
  return set;
};

/**
 * A skipped chat configuration is taken to be as the config says for each action declaring it:
 * it is never a difference, so the plan converges, and no call ever names it.
 */
function skippedFor(ctx: TargetContext, actionName: string): string[] {
  const skipped = unreadable(ctx);
  if (!skipped.size) return [];
  const declared = ctx.declared.find((d) => d.kind === 'customAction' && d.body.ActionName === actionName)?.body
    .ChatConfigurations;
  return Array.isArray(declared) ? declaredArns(ctx, declared).filter((c) => skipped.has(c)) : [];
}

/** The chat configurations to link or unlink: the skipped ones left out (and said so). */
function linkable(ctx: TargetContext, configs: string[] | undefined, what: string): string[] {
  const skipped = unreadable(ctx);
  for (const c of configs ?? [])
    if (skipped.has(c)) ctx.log(`${what}: chat configuration ${c} does not exist in this account; not linked`);
  return (configs ?? []).filter((c) => !skipped.has(c));
}

/** Custom action ARN → the declared chat configurations it is associated with. */
async function readAssociations(ctx: TargetContext): Promise<Map<string, string[]>> {
  const { aws, target } = ctx;
  const byAction = new Map<string, string[]>();
  // Export asks about every chat configuration the account lists (ctx.readEverything); a plan
  // only about those the config names. One of another account (another target's) cannot be ours.
  const listed = ctx.readEverything
    ? (ctx.flows.of('chatConfiguration')?.entries() ?? []).map((e) => e.arn ?? e.id)
    : [];
  const probes = [...new Set([...declaredChatConfigurations(ctx), ...listed])]
    .sort(cmp)
    .filter((arn) => !target.accountId || accountOf(arn) === target.accountId);
  const lists = mapConcurrent(probes, ASSOCIATION_CONCURRENCY, async (ChatConfiguration) => {
    const resources: string[] = [];
    try {
      for await (const a of pages(
        (NextToken) =>
          aws.call(
            'chatbot:ListAssociations',
            () => aws.chatbot.send('ListAssociations', { ChatConfiguration, NextToken, MaxResults: 100 }),
            { resource: `chat configuration "${ChatConfiguration}"` },
          ),
        (page) => page.Associations,
      )) {
        if (a.Resource) resources.push(a.Resource);
      }
    } catch (err) {
      // ListAssociations declares no errors: an unknown configuration may be a not-found or the
      // service's InvalidRequestException (the sandbox's answer). Either way it is skipped, not
      // the end of the plan (docs/KINDS.md).
      if (!unknownToChatbot(err)) throw err;
      unreadable(ctx).add(ChatConfiguration);
      ctx.log(
        `chat configuration ${ChatConfiguration} does not exist in this account (chatbot:ListAssociations: ${answerOf(err).name}); skipped: its associations are neither read nor changed`,
      );
    }
    return { ChatConfiguration, resources };
  });
  for await (const { ChatConfiguration, resources } of lists) {
    for (const arn of resources) {
      const list = byAction.get(arn) ?? [];
      list.push(ChatConfiguration);
      byAction.set(arn, list);
    }
  }
  return byAction;
}

/**
 * Through the snapshot cache: with no last-modified stamp to go by, a cached action is trusted
 * for a short while (the plan says so; apply re-reads it before changing it). Its associations
 * are always the ones just listed.
 */
async function describeCached(
  ctx: TargetContext,
  arn: string,
  chatConfigurations: string[],
): Promise<LiveResource | undefined> {
  const live = await ctx.cache.through('customAction', arn, undefined, () => describe(ctx, arn, chatConfigurations));
  if (live?.fromCache) {
    if (chatConfigurations.length) live.body.ChatConfigurations = [...new Set(chatConfigurations)].sort(cmp);
    else delete live.body.ChatConfigurations;
    live.version = sha256(canonicalJson(live.body));
  }
  return live;
}

/** One action read afresh, associations included (apply re-reads cached actions with it). */
async function describeOne(ctx: TargetContext, arn: string): Promise<LiveResource | undefined> {
  const associations = await readAssociations(ctx);
  return describe(ctx, arn, [...(associations.get(arn) ?? []), ...skippedFor(ctx, actionNameFromArn(arn))]);
}

async function describe(
  ctx: TargetContext,
  arn: string,
  chatConfigurations: string[],
): Promise<LiveResource | undefined> {
  const { aws } = ctx;
  try {
    const [got, tagged] = await Promise.all([
      aws.call('chatbot:GetCustomAction', () => aws.chatbot.send('GetCustomAction', { CustomActionArn: arn }), {
        resource: `custom action "${arn}"`,
      }),
      aws.call('chatbot:ListTagsForResource', () => aws.chatbot.send('ListTagsForResource', { ResourceARN: arn }), {
        resource: `custom action "${arn}"`,
      }),
    ]);
    return toLive(arn, got.CustomAction, tagged.Tags ?? [], chatConfigurations);
  } catch (err) {
    if (isNotFound(err)) return undefined; // deleted between the list and the describe
    throw err;
  }
}

export function actionNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('custom-action/') + 'custom-action/'.length);
}

/** The marker tag's value, when the action carries it (sensitive-marker.ts). */
function markerOf(tags: Tag[]): { marker?: string } {
  const marker = tags.find((t) => t.TagKey === MARKER_TAG_KEY);
  return marker ? { marker: marker.TagValue ?? '' } : {};
}

/** `action` is absent when GetCustomAction answered without one: the ARN still names it. */
function toLive(
  arn: string,
  action: CustomAction | undefined,
  tags: Tag[],
  chatConfigurations: string[],
): LiveResource {
  // Typed as the normal form, except that Definition is absent with the action.
  const fields: Omit<CustomActionBody, 'Definition'> & Partial<Pick<CustomActionBody, 'Definition'>> = {
    ActionName: action?.ActionName ?? actionNameFromArn(arn),
    AliasName: action?.AliasName,
    Definition: action?.Definition,
    Attachments: action?.Attachments,
    Tags: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue ?? '' })),
    ChatConfigurations: [...new Set(chatConfigurations)].sort(cmp),
  };
  const body = prune(fields);
  return {
    kind: 'customAction',
    key: body.ActionName,
    id: arn,
    arn,
    body,
    managed: tags.some((t) => t.TagKey === MARKER_TAG_KEY),
    ...markerOf(tags),
    // GetCustomAction carries no last-modified stamp: a hash of everything read stands in.
    version: sha256(canonicalJson(body)),
    // GetCustomAction tells neither when nor who.
    attribution: {},
  };
}

// -------------------------------------------------------------------------------------------
// Write
// -------------------------------------------------------------------------------------------

/** User tags as a map (the marker is dropped by normalize; tagChanges ignores it anyway). */
function tagMap(action: CustomActionBody): TagMap {
  const out: TagMap = {};
  for (const t of action.Tags ?? []) if (t.TagKey) out[t.TagKey] = t.TagValue ?? '';
  return out;
}

async function associate(ctx: TargetContext, arn: string, ChatConfiguration: string): Promise<void> {
  await ctx.aws.call(
    'chatbot:AssociateToConfiguration',
    () => ctx.aws.chatbot.send('AssociateToConfiguration', { Resource: arn, ChatConfiguration }),
    { resource: `custom action "${arn}" and chat configuration "${ChatConfiguration}"` },
  );
}

async function disassociate(ctx: TargetContext, arn: string, ChatConfiguration: string): Promise<void> {
  try {
    await ctx.aws.call(
      'chatbot:DisassociateFromConfiguration',
      () => ctx.aws.chatbot.send('DisassociateFromConfiguration', { Resource: arn, ChatConfiguration }),
      { resource: `custom action "${arn}" and chat configuration "${ChatConfiguration}"` },
    );
  } catch (err) {
    if (isNotFound(err)) return; // not associated (or gone): what we wanted
    throw err;
  }
}

/** Normal form, typed, chat configurations as ARNs: create, update and delete work on it. */
const normalized = (ctx: TargetContext, body: Body): CustomActionBody =>
  asCustomActionBody(normalize(referencesToWire('customAction', body, ctx.flows)));

async function create(ctx: TargetContext, desired: Body, token: string): Promise<{ id: string; arn?: string }> {
  const want = normalized(ctx, desired);
  const name = want.ActionName ?? '';
  const input = {
    ActionName: name,
    Definition: want.Definition,
    AliasName: want.AliasName,
    Attachments: want.Attachments,
    Tags: [...(want.Tags ?? []), { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE }],
    ClientToken: token,
  } satisfies CreateCustomActionRequest;
  const out = await ctx.aws.call(
    'chatbot:CreateCustomAction',
    () => ctx.aws.chatbot.send('CreateCustomAction', input),
    { resource: `custom action "${name}"` },
  );
  const arn = out.CustomActionArn;
  // The new action may not be visible to AssociateToConfiguration at once (eventual
  // consistency). That operation declares no not-found error, so an action it cannot see yet is
  // its InvalidRequestException: waited out for a bounded time, like a not-found (aws/lag.ts).
  for (const config of linkable(ctx, want.ChatConfigurations, `custom action "${name}"`))
    await untilVisible(ctx.aws.lag, () => associate(ctx, arn, config), unknownToChatbot);
  return { id: arn, arn };
}

/**
 * Chatbot's answer for a resource it does not know (yet): the association operations declare no
 * errors, so besides a not-found it may be their InvalidRequestException (the sandbox's answer).
 * An unknown chat configuration in ListAssociations; a new action AssociateToConfiguration
 * cannot see yet.
 */
function unknownToChatbot(err: unknown): boolean {
  return isNotFoundAnswer(err) || answerOf(err).name === 'InvalidRequestException';
}

async function update(ctx: TargetContext, live: LiveResource, desired: Body, changed: string[]): Promise<void> {
  const want = normalized(ctx, desired);
  const have = normalized(ctx, live.body);
  const arn = live.arn ?? live.id;
  const what = `custom action "${want.ActionName ?? live.key}"`;

  if (changed.some((f) => UPDATE_FIELDS.includes(f))) {
    // Absent members are left as they are, so the whole desired state is sent; no attachments
    // is sent as an empty list when the live action has some, to remove them.
    const input = {
      CustomActionArn: arn,
      Definition: want.Definition,
      AliasName: want.AliasName,
      Attachments: want.Attachments ?? (have.Attachments ? [] : undefined),
    } satisfies UpdateCustomActionRequest;
    await ctx.aws.call('chatbot:UpdateCustomAction', () => ctx.aws.chatbot.send('UpdateCustomAction', input), {
      resource: what,
    });
  }

  if (changed.includes('Tags')) await reconcileTags(chatbotTagCalls(ctx.aws), arn, what, tagMap(have), tagMap(want));

  if (changed.includes('ChatConfigurations')) {
    const wantConfigs = new Set(linkable(ctx, want.ChatConfigurations, what));
    const haveConfigs = new Set((have.ChatConfigurations ?? []).filter((c) => !unreadable(ctx).has(c)));
    for (const c of wantConfigs) if (!haveConfigs.has(c)) await associate(ctx, arn, c);
    for (const c of haveConfigs) if (!wantConfigs.has(c)) await disassociate(ctx, arn, c);
  }
}

async function remove(ctx: TargetContext, live: LiveResource): Promise<void> {
  const arn = live.arn ?? live.id;
  for (const c of normalized(ctx, live.body).ChatConfigurations ?? []) await disassociate(ctx, arn, c);
  await deleteIfPresent(ctx.aws, 'chatbot:DeleteCustomAction', `custom action "${live.key}"`, () =>
    ctx.aws.chatbot.send('DeleteCustomAction', { CustomActionArn: arn }),
  );
}

export const customActionKind: ResourceKind<'customAction'> = {
  name: 'customAction',
  configKey: CONFIG_KEY,
  title: 'Chatbot custom action',
  schemaSpec: {
    title: 'AWS Chatbot custom action',
    service: 'chatbot',
    shape: 'CreateCustomActionRequest',
    operation: 'CreateCustomAction',
    omit: ['ClientToken'],
    extend(shapes, properties) {
      // connectform's own field: the chat configurations to associate the action with
      // (AssociateToConfiguration's ChatConfiguration, one call per ARN).
      // Each an ARN, or { name } of a chat configuration of the target's account (references.ts).
      const { description: _, ...arn } = shapes.shape('ChatConfigurationArn', undefined, ['CreateCustomActionRequest']);
      properties.ChatConfigurations = {
        description:
          'Chat configurations the action is associated with (AssociateToConfiguration / DisassociateFromConfiguration): ARNs, or { name } of a configuration.',
        type: 'array',
        items: nameReference(arn, undefined, 'chatConfiguration', loadModel('chatbot').shapes.ConfigurationName),
      };
    },
  },
  exportOrder: ['ActionName', 'AliasName', 'Definition', 'Attachments', 'ChatConfigurations', 'Tags'],
  capabilities: { create: true, update: true, delete: true, marker: true, usesContactFlows: false },
  key: (body) => String(body.ActionName ?? ''),
  unavailable,
  audit,
  read,
  describe: describeOne,
  normalize,
  replaceReason,
  replaceFields,
  lists: LISTS,
  writeMarker: markerWriter(chatbotTagCalls),
  create,
  update,
  delete: remove,
};

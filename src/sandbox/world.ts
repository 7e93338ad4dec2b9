/**
 * The sandbox's world: everything the emulated services know, as plain JSON data (so it can be
 * persisted with `--state` (persist.ts), dumped at `GET /_sandbox/world`, and inspected by tests), plus the
 * seed format that creates it and the built-in DEFAULT_SEED.
 *
 * Records keep the API's own field names so handlers can answer with them directly. Collections
 * are objects keyed by id; JS keeps their insertion order, which is creation order, which is the
 * order list operations page through (none of the keys are integer-like).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadModel, type ServiceName } from '../aws/models.js';
import { validateShape, type Violation } from './validate.js';

export type Tags = Record<string, string>;
type Json = Record<string, unknown>;

export interface ContactFlow {
  Id: string;
  Name: string;
  ContactFlowType: string;
  ContactFlowState: string;
  ContactFlowStatus: string;
  Tags: Tags;
}

export interface RuleRecord {
  RuleId: string;
  RuleArn: string;
  Name: string;
  TriggerEventSource: Json;
  Function: string;
  Actions: Json[];
  PublishStatus: string;
  PreEvaluationFilters?: Json;
  CreatedTime: string;
  LastUpdatedTime: string;
  LastUpdatedBy: string;
  Tags: Tags;
}

export interface TaskTemplateRecord {
  Id: string;
  Arn: string;
  Name: string;
  Description?: string;
  ContactFlowId?: string;
  SelfAssignFlowId?: string;
  Constraints?: Json;
  Defaults?: Json;
  Fields: Json[];
  Status: string;
  CreatedTime: string;
  LastModifiedTime: string;
  Tags: Tags;
}

/**
 * A queue, user, agent hierarchy group, routing profile or evaluation form: only what the list
 * operations answer about it (they have no create API in the sandbox). `Name` is the user's
 * Username and the evaluation form's Title.
 */
export interface DirectoryRecord {
  Id: string;
  Name: string;
}

/** The instance's resources connectform references by name, with the list operation of each. */
export const DIRECTORY_COLLECTIONS = [
  'queues',
  'users',
  'hierarchyGroups',
  'routingProfiles',
  'evaluationForms',
] as const;
export type DirectoryCollection = (typeof DIRECTORY_COLLECTIONS)[number];

export interface ConnectInstance {
  Id: string;
  Tags: Tags;
  contactFlows: Record<string, ContactFlow>;
  /** Absent in state files written before they existed: read as empty. */
  queues?: Record<string, DirectoryRecord>;
  users?: Record<string, DirectoryRecord>;
  hierarchyGroups?: Record<string, DirectoryRecord>;
  routingProfiles?: Record<string, DirectoryRecord>;
  evaluationForms?: Record<string, DirectoryRecord>;
  rules: Record<string, RuleRecord>;
  taskTemplates: Record<string, TaskTemplateRecord>;
}

export interface CustomActionRecord {
  CustomActionArn: string;
  ActionName: string;
  Definition: Json;
  AliasName?: string;
  Attachments?: Json[];
  Tags: Tags;
  CreatedTime: string;
}

export interface ChatConfigurationRecord {
  Arn: string;
  /** The configuration's name (configs name it); the ARN's last segment unless the seed says. */
  ConfigurationName?: string;
  Tags: Tags;
  /** Custom action ARNs linked with AssociateToConfiguration, in link order. */
  associations: string[];
}

export interface LexAlias {
  name: string;
  botVersion: string;
  description?: string;
  checksum: string;
  createdDate: string;
  lastUpdatedDate: string;
}

export interface LexChannelAssociation {
  name: string;
  botAlias: string;
  type: string;
  description?: string;
  botConfiguration: Tags;
  status: string;
  failureReason?: string;
  createdDate: string;
}

export interface LexBot {
  name: string;
  description?: string;
  status: string;
  version: string;
  createdDate: string;
  lastUpdatedDate: string;
  aliases: Record<string, LexAlias>;
  channelAssociations: LexChannelAssociation[];
}

/** What an idempotent create returned for a client token, and which resource it made. */
export interface IdempotencyRecord {
  fingerprint: string;
  output: unknown;
  resource?: string;
  /** First use, ms since the epoch: the token is remembered for a window from then. */
  at?: number;
}

export interface World {
  accountId: string;
  connect: { instances: Record<string, ConnectInstance> };
  chatbot: {
    chatConfigurations: Record<string, ChatConfigurationRecord>;
    customActions: Record<string, CustomActionRecord>;
  };
  lex: { bots: Record<string, LexBot> };
  /** Keyed `service:Operation|token`. */
  idempotency: Record<string, IdempotencyRecord>;
}

// ------------------------------------------------------------------------------------------
// Seed format (docs/SANDBOX.md, "The world and the seed")
// ------------------------------------------------------------------------------------------

export interface SeedContactFlow {
  id: string;
  name: string;
  /** ContactFlowType enum; default CONTACT_FLOW. */
  type?: string;
  /** ContactFlowStatus enum; default PUBLISHED. */
  status?: string;
  /** ContactFlowState enum; default ACTIVE. */
  state?: string;
  tags?: Tags;
}

export interface SeedInstance {
  id: string;
  tags?: Tags;
  contactFlows?: SeedContactFlow[];
  queues?: { id: string; name: string }[];
  users?: { id: string; username: string }[];
  hierarchyGroups?: { id: string; name: string }[];
  routingProfiles?: { id: string; name: string }[];
  evaluationForms?: { id: string; title: string }[];
  /** CreateRule request bodies (InstanceId implied). */
  rules?: Json[];
  /** CreateTaskTemplate request bodies (InstanceId implied). */
  taskTemplates?: Json[];
}

export interface SeedChannelAssociation {
  name: string;
  botAlias: string;
  type: string;
  description?: string;
  botConfiguration?: Tags;
  status?: string;
  failureReason?: string;
}

export interface SeedBot {
  name: string;
  description?: string;
  status?: string;
  version?: string;
  aliases?: (string | { name: string; botVersion?: string; description?: string })[];
  channelAssociations?: SeedChannelAssociation[];
}

export interface Seed {
  accountId?: string;
  connect?: { instances?: SeedInstance[] };
  chatbot?: {
    chatConfigurations?: (string | { arn: string; name?: string; tags?: Tags })[];
    /** CreateCustomAction request bodies. */
    customActions?: Json[];
    /** Links made after the custom actions exist; `customAction` is an ActionName or ARN. */
    associations?: { customAction: string; chatConfiguration: string }[];
  };
  lex?: { bots?: SeedBot[] };
}

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_INSTANCE_ID = '6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d';
const SEED_TIME = '2024-01-01T00:00:00.000Z';

/** A seed with every section present (what DEFAULT_SEED is, so callers can extend it in place). */
export interface FullSeed extends Seed {
  accountId: string;
  connect: { instances: SeedInstance[] };
  chatbot: NonNullable<Seed['chatbot']> & {
    chatConfigurations: NonNullable<NonNullable<Seed['chatbot']>['chatConfigurations']>;
  };
  lex: { bots: SeedBot[] };
}

/** The built-in world: one Connect instance, two chat configurations, two Lex V1 bots. */
export const DEFAULT_SEED: FullSeed = {
  accountId: DEFAULT_ACCOUNT_ID,
  connect: {
    instances: [
      {
        id: DEFAULT_INSTANCE_ID,
        contactFlows: [
          { id: '0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6', name: 'Escalation' },
          { id: '1e7b5a0f-2c3d-4e4f-9a81-b2c3d4e5f6a7', name: 'Default agent transfer', type: 'AGENT_TRANSFER' },
          { id: '2f8c6b1a-3d4e-4f5a-8b92-c3d4e5f6a7b8', name: 'Callback' },
          { id: '3a9d7c2b-4e5f-4a6b-9ca3-d4e5f6a7b8c9', name: 'VIP routing' },
          { id: '4bae8d3c-5f6a-4b7c-8db4-e5f6a7b8c9d0', name: 'Task routing' },
          { id: '5cbf9e4d-6a7b-4c8d-9ec5-f6a7b8c9d0e1', name: 'Default customer queue', type: 'CUSTOMER_QUEUE' },
        ],
        queues: [
          { id: '7d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f', name: 'BasicQueue' },
          { id: '8e2f3a4b-5c6d-4e7f-9a81-2b3c4d5e6f7a', name: 'Billing' },
          { id: '9f3a4b5c-6d7e-4f8a-8b92-3c4d5e6f7a8b', name: 'Sales' },
        ],
        users: [
          { id: 'a04b5c6d-7e8f-4a9b-9ca3-4d5e6f7a8b9c', username: 'alice' },
          { id: 'b15c6d7e-8f9a-4bac-8db4-5e6f7a8b9c0d', username: 'bob' },
        ],
        hierarchyGroups: [{ id: 'c26d7e8f-9a0b-4cbd-9ec5-6f7a8b9c0d1e', name: 'Tier 1' }],
        routingProfiles: [{ id: 'd37e8f9a-0b1c-4dce-8fd6-7a8b9c0d1e2f', name: 'Basic Routing Profile' }],
        evaluationForms: [{ id: 'e48f9a0b-1c2d-4edf-9ae7-8b9c0d1e2f3a', title: 'Call quality' }],
      },
    ],
  },
  chatbot: {
    chatConfigurations: [
      `arn:aws:chatbot::${DEFAULT_ACCOUNT_ID}:chat-configuration/slack-channel/ops`,
      `arn:aws:chatbot::${DEFAULT_ACCOUNT_ID}:chat-configuration/slack-channel/oncall`,
    ],
  },
  lex: {
    bots: [
      {
        name: 'OrderFlowers',
        description: 'Orders flowers',
        aliases: ['prod', 'staging'],
        channelAssociations: [
          {
            name: 'orders_slack',
            botAlias: 'prod',
            type: 'Slack',
            description: 'Orders from the #flowers Slack channel',
            botConfiguration: {
              clientId: '123.456',
              clientSecret: 'sandbox-secret',
              verificationToken: 'sandbox-token',
            },
          },
          {
            name: 'orders_facebook',
            botAlias: 'prod',
            type: 'Facebook',
            description: 'Orders from the Facebook page',
            botConfiguration: {
              pageAccessToken: 'sandbox-page-token',
              appSecret: 'sandbox-secret',
              verifyToken: 'sandbox-verify',
            },
          },
          {
            name: 'orders_sms',
            botAlias: 'staging',
            type: 'Twilio-Sms',
            description: 'Orders by SMS (staging)',
            botConfiguration: { accountSid: 'ACsandbox', authToken: 'sandbox-auth' },
          },
        ],
      },
      {
        name: 'BookTrip',
        description: 'Books trips',
        aliases: ['prod'],
        channelAssociations: [
          {
            name: 'booktrip_kik',
            botAlias: 'prod',
            type: 'Kik',
            description: 'Trips booked over Kik',
            botConfiguration: { userName: 'booktrip', apiKey: 'sandbox-kik-key' },
          },
        ],
      },
    ],
  },
};

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Reads a YAML (or JSON) seed file. */
export function loadSeedFile(path: string): Seed {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SeedError(`cannot read seed ${path}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new SeedError(`seed ${path}: the document must be a mapping`);
  return doc as Seed;
}

export const emptyWorld = (accountId: string): World => ({
  accountId,
  connect: { instances: {} },
  chatbot: { chatConfigurations: {}, customActions: {} },
  lex: { bots: {} },
  idempotency: {},
});

/**
 * The part of a seed that has no create API (instances, flows, chat configurations, Lex bots
 * and their channel associations). Names and enums are checked against the models' own shapes,
 * so a seed cannot hold a value the real API could never return. Seeded rules, task templates
 * and custom actions are created afterwards through the operations themselves (see index.ts).
 */
export function worldFromSeed(seed: Seed, accountId: string): World {
  const world = emptyWorld(accountId);
  const problems: Violation[] = [];
  const check = (service: ServiceName, shape: string, value: unknown, path: string) =>
    problems.push(...validateShape(loadModel(service), shape, value, path));
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

  (seed.connect?.instances ?? []).forEach((inst, i) => {
    const id = str(inst?.id);
    check('connect', 'InstanceId', id ?? null, `connect.instances[${i}].id`);
    if (!id) {
      problems.push({ path: `connect.instances[${i}].id`, message: 'an instance needs an id' });
      return;
    }
    const flows: Record<string, ContactFlow> = {};
    (inst.contactFlows ?? []).forEach((f, j) => {
      const at = `connect.instances[${i}].contactFlows[${j}]`;
      const flow: ContactFlow = {
        Id: str(f?.id) ?? '',
        Name: str(f?.name) ?? '',
        ContactFlowType: f?.type ?? 'CONTACT_FLOW',
        ContactFlowState: f?.state ?? 'ACTIVE',
        ContactFlowStatus: f?.status ?? 'PUBLISHED',
        Tags: { ...(f?.tags ?? {}) },
      };
      if (!flow.Id || !flow.Name) problems.push({ path: at, message: 'a contact flow needs an id and a name' });
      check('connect', 'ContactFlowType', flow.ContactFlowType, `${at}.type`);
      check('connect', 'ContactFlowState', flow.ContactFlowState, `${at}.state`);
      check('connect', 'ContactFlowStatus', flow.ContactFlowStatus, `${at}.status`);
      flows[flow.Id] = flow;
    });
    const directory = (collection: DirectoryCollection, nameKey: 'name' | 'username' | 'title', nameShape: string) => {
      const out: Record<string, DirectoryRecord> = {};
      const entries = (inst[collection] ?? []) as Record<string, unknown>[];
      entries.forEach((e, j) => {
        const at = `connect.instances[${i}].${collection}[${j}]`;
        const record = { Id: str(e?.id) ?? '', Name: str(e?.[nameKey]) ?? '' };
        if (!record.Id || !record.Name) problems.push({ path: at, message: `an entry needs an id and a ${nameKey}` });
        else if (record.Id in out) problems.push({ path: `${at}.id`, message: `id ${record.Id} is used twice` });
        check('connect', nameShape, record.Name, `${at}.${nameKey}`);
        out[record.Id] = record;
      });
      return out;
    };
    world.connect.instances[id] = {
      Id: id,
      Tags: { ...(inst.tags ?? {}) },
      contactFlows: flows,
      queues: directory('queues', 'name', 'QueueName'),
      users: directory('users', 'username', 'AgentUsername'),
      hierarchyGroups: directory('hierarchyGroups', 'name', 'HierarchyGroupName'),
      routingProfiles: directory('routingProfiles', 'name', 'RoutingProfileName'),
      evaluationForms: directory('evaluationForms', 'title', 'EvaluationFormTitle'),
      rules: {},
      taskTemplates: {},
    };
  });

  (seed.chatbot?.chatConfigurations ?? []).forEach((c, i) => {
    const arn = typeof c === 'string' ? c : str(c?.arn);
    const at = `chatbot.chatConfigurations[${i}]`;
    check('chatbot', 'ChatConfigurationArn', arn ?? null, at);
    const name = (typeof c === 'string' ? undefined : str(c?.name)) ?? arn?.split('/').pop() ?? '';
    if (arn) check('chatbot', 'ConfigurationName', name, `${at}.name`);
    if (arn)
      world.chatbot.chatConfigurations[arn] = {
        Arn: arn,
        ConfigurationName: name,
        Tags: { ...(typeof c === 'string' ? {} : (c.tags ?? {})) },
        associations: [],
      };
  });

  (seed.lex?.bots ?? []).forEach((b, i) => {
    const at = `lex.bots[${i}]`;
    const name = str(b?.name) ?? '';
    check('lex-models', 'BotName', name, `${at}.name`);
    const bot: LexBot = {
      name,
      description: b.description,
      status: b.status ?? 'READY',
      version: str(b.version) ?? '$LATEST',
      createdDate: SEED_TIME,
      lastUpdatedDate: SEED_TIME,
      aliases: {},
      channelAssociations: [],
    };
    check('lex-models', 'Status', bot.status, `${at}.status`);
    (b.aliases ?? []).forEach((a, j) => {
      const alias = typeof a === 'string' ? { name: a } : a;
      check('lex-models', 'AliasName', alias?.name ?? null, `${at}.aliases[${j}]`);
      bot.aliases[alias.name] = {
        name: alias.name,
        botVersion: str(alias.botVersion) ?? '1',
        description: alias.description,
        checksum: `sandbox-${name}-${alias.name}`,
        createdDate: SEED_TIME,
        lastUpdatedDate: SEED_TIME,
      };
    });
    (b.channelAssociations ?? []).forEach((c, j) => {
      const cat = `${at}.channelAssociations[${j}]`;
      check('lex-models', 'BotChannelName', c?.name ?? null, `${cat}.name`);
      check('lex-models', 'ChannelType', c?.type ?? null, `${cat}.type`);
      check('lex-models', 'ChannelStatus', c?.status ?? 'CREATED', `${cat}.status`);
      if (c?.botAlias === undefined || !(c.botAlias in bot.aliases)) {
        problems.push({
          path: `${cat}.botAlias`,
          message: `botAlias ${JSON.stringify(c?.botAlias)} is not an alias of bot ${name}`,
        });
      }
      bot.channelAssociations.push({
        name: c.name,
        botAlias: c.botAlias,
        type: c.type,
        description: c.description,
        botConfiguration: Object.fromEntries(Object.entries(c.botConfiguration ?? {}).map(([k, v]) => [k, String(v)])),
        status: c.status ?? 'CREATED',
        failureReason: c.failureReason,
        createdDate: SEED_TIME,
      });
    });
    world.lex.bots[name] = bot;
  });

  if (problems.length)
    throw new SeedError(`invalid seed:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return world;
}

// ------------------------------------------------------------------------------------------
// ARNs (real formats for the account and the request's region)
// ------------------------------------------------------------------------------------------

export const instanceArn = (region: string, account: string, instanceId: string) =>
  `arn:aws:connect:${region}:${account}:instance/${instanceId}`;
export const contactFlowArn = (region: string, account: string, instanceId: string, flowId: string) =>
  `${instanceArn(region, account, instanceId)}/contact-flow/${flowId}`;
export const ruleArn = (region: string, account: string, instanceId: string, ruleId: string) =>
  `${instanceArn(region, account, instanceId)}/rule/${ruleId}`;
export const taskTemplateArn = (region: string, account: string, instanceId: string, id: string) =>
  `${instanceArn(region, account, instanceId)}/task-template/${id}`;
/** Custom action ARNs carry no region (the model's pattern allows an empty one; AWS uses it). */
export const customActionArn = (account: string, name: string) => `arn:aws:chatbot::${account}:custom-action/${name}`;

/** `arn:aws:connect:REGION:ACCOUNT:instance/ID[/KIND/ID]`, region not checked (see docs). */
export function parseConnectArn(
  arn: string,
): { account: string; instanceId: string; kind?: string; id?: string } | undefined {
  const m = /^arn:aws[a-z-]*:connect:[a-z0-9-]*:(\d{12}):instance\/([^/]+)(?:\/([a-z-]+)\/([^/]+))?$/.exec(arn);
  return m ? { account: m[1], instanceId: m[2], kind: m[3], id: m[4] } : undefined;
}

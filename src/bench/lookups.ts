/**
 * The directories of a large Connect instance, for the "full plan with names" scenario: hundreds
 * of contact flows, queues, routing profiles and evaluation forms, thousands of users, and the
 * account's chat configurations of all three channel types. They are seeded (no API call); the
 * config names them (`{ name }`), the seed's resources hold their ids and ARNs, and a plan reads
 * each directory with its list operation, page by page, once.
 *
 * Sizes are picked so that the lists page at the MaxResults connectform sends
 * (src/aws/directories.ts): users (1,000 a page), evaluation forms and Slack channels (100 a page).
 */
import type { ReferenceKind } from '../aws/directories.js';
import {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_INSTANCE_ID,
  DEFAULT_SEED,
  contactFlowArn,
  instanceArn,
  type SeedInstance,
} from '../sandbox/world.js';

/** AWS Chatbot answers in four regions only; the bench's target sits in one of them. */
export const BENCH_REGION = 'us-east-2';
/** The instance every single-target scenario plans (DEFAULT_SEED's). */
export const BENCH_INSTANCE = DEFAULT_INSTANCE_ID;

/** Chat configuration channel types, as the ARN's `chat-configuration/<type>/<name>` spells them. */
export type ChannelType = 'slack-channel' | 'chime-webhook' | 'microsoft-teams-channel';

/** Entries of each directory; the chat configurations by channel type. */
export const DIRECTORY_SIZES = {
  contactFlow: 400,
  queue: 600,
  user: 2500,
  hierarchyGroup: 120,
  routingProfile: 150,
  evaluationForm: 250,
  chatConfiguration: { 'slack-channel': 150, 'chime-webhook': 20, 'microsoft-teams-channel': 30 },
} as const satisfies Record<ReferenceKind, number | Record<ChannelType, number>>;

/**
 * The list operation reading each directory and the MaxResults connectform sends with it (a
 * change there shows here as a look-up count that no longer holds).
 */
export const LOOKUP_PAGES: Record<string, { size: number; pageSize: number }> = {
  'connect:ListContactFlows': { size: DIRECTORY_SIZES.contactFlow, pageSize: 1000 },
  'connect:ListQueues': { size: DIRECTORY_SIZES.queue, pageSize: 1000 },
  'connect:ListUsers': { size: DIRECTORY_SIZES.user, pageSize: 1000 },
  'connect:ListUserHierarchyGroups': { size: DIRECTORY_SIZES.hierarchyGroup, pageSize: 1000 },
  'connect:ListRoutingProfiles': { size: DIRECTORY_SIZES.routingProfile, pageSize: 1000 },
  'connect:ListEvaluationForms': { size: DIRECTORY_SIZES.evaluationForm, pageSize: 100 },
  'chatbot:DescribeSlackChannelConfigurations': {
    size: DIRECTORY_SIZES.chatConfiguration['slack-channel'],
    pageSize: 100,
  },
  'chatbot:DescribeChimeWebhookConfigurations': {
    size: DIRECTORY_SIZES.chatConfiguration['chime-webhook'],
    pageSize: 100,
  },
  'chatbot:ListMicrosoftTeamsChannelConfigurations': {
    size: DIRECTORY_SIZES.chatConfiguration['microsoft-teams-channel'],
    pageSize: 100,
  },
};

/** Calls one read of every directory takes: its pages (an empty list still takes one call). */
export function expectedLookupCalls(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(LOOKUP_PAGES).map(([api, p]) => [api, Math.max(1, Math.ceil(p.size / p.pageSize))]),
  );
}

export interface Entry {
  id: string;
  name: string;
  arn: string;
}

const TEAMS = ['Care', 'Billing', 'Retention', 'Sales', 'Support', 'Workforce', 'Claims', 'Onboarding'];
const pad = (k: number, n = 4) => String(k).padStart(n, '0');
/** A directory entry's id: one hex digit per kind, then its index (no two kinds share one). */
const uuid = (kindDigit: string, k: number) => `${kindDigit}${pad(k, 7)}-0000-4000-8000-00000000b3c4`;
const connectArn = (kind: string, id: string) =>
  `${instanceArn(BENCH_REGION, DEFAULT_ACCOUNT_ID, BENCH_INSTANCE)}/${kind}/${id}`;

function connectEntries(n: number, digit: string, arnKind: string, name: (k: number) => string): Entry[] {
  return Array.from({ length: n }, (_, k) => {
    const id = uuid(digit, k);
    return { id, name: name(k), arn: connectArn(arnKind, id) };
  });
}

/** Name of the k-th chat configuration of a channel type (ops and oncall are DEFAULT_SEED's). */
const CHANNEL_NAME: Record<ChannelType, (k: number) => string> = {
  'slack-channel': (k) => (k === 0 ? 'ops' : k === 1 ? 'oncall' : `${TEAMS[k % 8].toLowerCase()}-alerts-${pad(k, 3)}`),
  'chime-webhook': (k) => `chime-bridge-${pad(k, 3)}`,
  'microsoft-teams-channel': (k) => `teams-escalations-${pad(k, 3)}`,
};

function build(): Record<ReferenceKind, Entry[]> {
  const seededFlows = DEFAULT_SEED.connect.instances[0].contactFlows ?? [];
  const flows: Entry[] = [
    ...seededFlows.map((f) => ({
      id: f.id,
      name: f.name,
      arn: contactFlowArn(BENCH_REGION, DEFAULT_ACCOUNT_ID, BENCH_INSTANCE, f.id),
    })),
    ...connectEntries(DIRECTORY_SIZES.contactFlow - seededFlows.length, '6', 'contact-flow', (k) => {
      const t = TEAMS[k % 8];
      return `${t} ${['inbound', 'callback', 'transfer', 'after hours', 'survey'][k % 5]} ${pad(k, 3)}`;
    }),
  ];
  const chat = (Object.keys(DIRECTORY_SIZES.chatConfiguration) as ChannelType[]).flatMap((type) =>
    Array.from({ length: DIRECTORY_SIZES.chatConfiguration[type] }, (_, k) => {
      const name = CHANNEL_NAME[type](k);
      const arn = `arn:aws:chatbot::${DEFAULT_ACCOUNT_ID}:chat-configuration/${type}/${name}`;
      return { id: arn, name, arn };
    }),
  );
  return {
    contactFlow: flows,
    queue: connectEntries(DIRECTORY_SIZES.queue, '1', 'queue', (k) => `${TEAMS[k % 8]} queue ${pad(k, 3)}`),
    user: connectEntries(DIRECTORY_SIZES.user, '2', 'agent', (k) => `agent.${pad(k)}`),
    hierarchyGroup: connectEntries(
      DIRECTORY_SIZES.hierarchyGroup,
      '3',
      'agent-group',
      (k) => `${TEAMS[k % 8]} team ${pad(k, 3)}`,
    ),
    routingProfile: connectEntries(
      DIRECTORY_SIZES.routingProfile,
      '4',
      'routing-profile',
      (k) => `${TEAMS[k % 8]} profile ${pad(k, 3)}`,
    ),
    evaluationForm: connectEntries(
      DIRECTORY_SIZES.evaluationForm,
      '5',
      'evaluation-form',
      (k) => `${TEAMS[k % 8]} quality form ${pad(k, 3)}`,
    ),
    chatConfiguration: chat,
  };
}

let directories: Record<ReferenceKind, Entry[]> | undefined;
let byName: Map<string, Entry> | undefined;
/** Every directory's entries (built once). */
export function benchDirectories(): Record<ReferenceKind, Entry[]> {
  directories ??= build();
  return directories;
}

/** The k-th entry of a directory (wrapping around), for spreading references over it. */
export function entryAt(kind: ReferenceKind, k: number): Entry {
  const list = benchDirectories()[kind];
  return list[((k % list.length) + list.length) % list.length];
}

/** The entry named `name`; a generator asking for a name the directory lacks is a bench bug. */
export function entryNamed(kind: ReferenceKind, name: string): Entry {
  byName ??= new Map(
    Object.entries(benchDirectories()).flatMap(([k, list]) => list.map((e) => [`${k}/${e.name}`, e] as const)),
  );
  const found = byName.get(`${kind}/${name}`);
  if (!found) throw new Error(`no ${kind} named "${name}" in the bench's directories`);
  return found;
}

/** The directories as the sandbox seed takes them, for the bench's instance. */
export function seededDirectories(): Pick<
  SeedInstance,
  'contactFlows' | 'queues' | 'users' | 'hierarchyGroups' | 'routingProfiles' | 'evaluationForms'
> {
  const d = benchDirectories();
  const seededFlows = DEFAULT_SEED.connect.instances[0].contactFlows ?? [];
  return {
    // DEFAULT_SEED's flows keep their types (an AGENT_TRANSFER flow, a CUSTOMER_QUEUE one).
    contactFlows: d.contactFlow.map((e) => seededFlows.find((f) => f.id === e.id) ?? { id: e.id, name: e.name }),
    queues: d.queue.map((e) => ({ id: e.id, name: e.name })),
    users: d.user.map((e) => ({ id: e.id, username: e.name })),
    hierarchyGroups: d.hierarchyGroup.map((e) => ({ id: e.id, name: e.name })),
    routingProfiles: d.routingProfile.map((e) => ({ id: e.id, name: e.name })),
    evaluationForms: d.evaluationForm.map((e) => ({ id: e.id, title: e.name })),
  };
}

/** The account's chat configurations, as the seed takes them. */
export function seededChatConfigurations(): { arn: string; name: string }[] {
  return benchDirectories().chatConfiguration.map((e) => ({ arn: e.arn, name: e.name }));
}

/**
 * The instance resources a config may name instead of writing their ids: what each kind of
 * reference is called, how its name is spelled (users by Username, evaluation forms by Title),
 * and the one list operation that reads it. A `Directory` holds one kind's entries of one
 * target, by id and by name, for resolving names and for "did you mean" hints.
 */
import { editDistance } from '../edit-distance.js';
import type { ChatConfigurationSummary } from './chatbot.js';
import type { AwsClients } from './clients.js';

export type ReferenceKind =
  | 'contactFlow'
  | 'queue'
  | 'user'
  | 'hierarchyGroup'
  | 'routingProfile'
  | 'evaluationForm'
  | 'chatConfiguration';

export interface DirectoryEntry {
  id: string;
  /** The name a config writes: Name, a user's Username, an evaluation form's Title. */
  name: string;
  arn?: string;
  /** ContactFlowType, for flows. */
  type?: string;
}

export class Directory<E extends DirectoryEntry = DirectoryEntry> {
  private readonly byId = new Map<string, E>();
  private readonly byName = new Map<string, E[]>();

  constructor(entries: E[] = []) {
    for (const e of entries) {
      this.byId.set(e.id, e);
      const list = this.byName.get(e.name) ?? [];
      list.push(e);
      this.byName.set(e.name, list);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** Accepts an id or an ARN (its last segment is the id). */
  byIdOrArn(idOrArn: string): E | undefined {
    return this.byId.get(idOrArn) ?? this.byId.get(idOrArn.split('/').pop() ?? '');
  }

  /** Every entry, in the order read. */
  entries(): E[] {
    return [...this.byId.values()];
  }

  /** Entries with exactly this name (names are unique in Connect, but be honest if not). */
  named(name: string): E[] {
    return this.byName.get(name) ?? [];
  }

  /** The `limit` known names closest to `name`, for "did you mean" hints. */
  nearest(name: string, limit = 3): string[] {
    return [...this.byName.keys()]
      .map((n) => ({ n, d: editDistance(n.toLowerCase(), name.toLowerCase()) }))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, limit)
      .map((x) => x.n);
  }
}

interface ReferenceKindSpec {
  /** How messages call one: 'queue', 'evaluation form'. */
  noun: string;
  /** How the config's `{ name }` is matched: 'name', 'username', 'title'. */
  nameWord: string;
  /** The model shape of that name (src/aws/models/): the config schema bounds `{ name }` by it. */
  nameShape: string;
  /** The list operations that read them (`service:Operation`, each paced by AwsClients.call). */
  apis: string[];
  read(aws: AwsClients, instanceId: string): Promise<DirectoryEntry[]>;
}

/** Pages through one Connect list operation (MaxResults at its model maximum: fewest calls). */
async function listAll<P extends { NextToken?: string }>(
  aws: AwsClients,
  api: string,
  instanceId: string,
  what: string,
  send: (token: string | undefined) => Promise<P>,
  entries: (page: P) => DirectoryEntry[],
): Promise<DirectoryEntry[]> {
  const out: DirectoryEntry[] = [];
  let token: string | undefined;
  do {
    const page = await aws.call(api, () => send(token), { resource: `the ${what} of instance ${instanceId}` });
    out.push(...entries(page));
    token = page.NextToken;
  } while (token);
  return out;
}

/** One Chatbot list operation's chat configurations (account-wide, not per instance). */
async function chatConfigurations(
  aws: AwsClients,
  op:
    | 'DescribeSlackChannelConfigurations'
    | 'DescribeChimeWebhookConfigurations'
    | 'ListMicrosoftTeamsChannelConfigurations',
  items: (page: Record<string, unknown>) => unknown,
): Promise<DirectoryEntry[]> {
  const out: DirectoryEntry[] = [];
  let token: string | undefined;
  do {
    const page = await aws.call(`chatbot:${op}`, () => aws.chatbot.send(op, { NextToken: token, MaxResults: 100 }), {
      resource: 'the chat configurations of this account',
    });
    const list = (items(page as unknown as Record<string, unknown>) ?? []) as ChatConfigurationSummary[];
    for (const c of list)
      out.push({
        id: c.ChatConfigurationArn,
        name: c.ConfigurationName ?? c.ChatConfigurationArn.split('/').pop() ?? '',
        arn: c.ChatConfigurationArn,
      });
    token = page.NextToken;
  } while (token);
  return out;
}

export const REFERENCE_KINDS: Record<ReferenceKind, ReferenceKindSpec> = {
  contactFlow: {
    noun: 'contact flow',
    nameWord: 'name',
    nameShape: 'ContactFlowName',
    apis: ['connect:ListContactFlows'],
    read: (aws, InstanceId) =>
      listAll(
        aws,
        'connect:ListContactFlows',
        InstanceId,
        'contact flows',
        (NextToken) =>
          aws.connect.send(new aws.sdk.connect.ListContactFlowsCommand({ InstanceId, NextToken, MaxResults: 1000 })),
        (p) =>
          (p.ContactFlowSummaryList ?? []).map((s) => ({
            id: s.Id ?? '',
            name: s.Name ?? '',
            arn: s.Arn,
            type: s.ContactFlowType,
          })),
      ),
  },
  queue: {
    noun: 'queue',
    nameWord: 'name',
    nameShape: 'QueueName',
    apis: ['connect:ListQueues'],
    read: (aws, InstanceId) =>
      listAll(
        aws,
        'connect:ListQueues',
        InstanceId,
        'queues',
        (NextToken) =>
          aws.connect.send(
            new aws.sdk.connect.ListQueuesCommand({
              InstanceId,
              NextToken,
              MaxResults: 1000,
              QueueTypes: ['STANDARD'],
            }),
          ),
        (p) => (p.QueueSummaryList ?? []).map((s) => ({ id: s.Id ?? '', name: s.Name ?? '', arn: s.Arn })),
      ),
  },
  user: {
    noun: 'user',
    nameWord: 'username',
    nameShape: 'AgentUsername',
    apis: ['connect:ListUsers'],
    read: (aws, InstanceId) =>
      listAll(
        aws,
        'connect:ListUsers',
        InstanceId,
        'users',
        (NextToken) =>
          aws.connect.send(new aws.sdk.connect.ListUsersCommand({ InstanceId, NextToken, MaxResults: 1000 })),
        (p) => (p.UserSummaryList ?? []).map((s) => ({ id: s.Id ?? '', name: s.Username ?? '', arn: s.Arn })),
      ),
  },
  hierarchyGroup: {
    noun: 'agent hierarchy group',
    nameWord: 'name',
    nameShape: 'HierarchyGroupName',
    apis: ['connect:ListUserHierarchyGroups'],
    read: (aws, InstanceId) =>
      listAll(
        aws,
        'connect:ListUserHierarchyGroups',
        InstanceId,
        'agent hierarchy groups',
        (NextToken) =>
          aws.connect.send(
            new aws.sdk.connect.ListUserHierarchyGroupsCommand({ InstanceId, NextToken, MaxResults: 1000 }),
          ),
        (p) => (p.UserHierarchyGroupSummaryList ?? []).map((s) => ({ id: s.Id ?? '', name: s.Name ?? '', arn: s.Arn })),
      ),
  },
  routingProfile: {
    noun: 'routing profile',
    nameWord: 'name',
    nameShape: 'RoutingProfileName',
    apis: ['connect:ListRoutingProfiles'],
    read: (aws, InstanceId) =>
      listAll(
        aws,
        'connect:ListRoutingProfiles',
        InstanceId,
        'routing profiles',
        (NextToken) =>
          aws.connect.send(new aws.sdk.connect.ListRoutingProfilesCommand({ InstanceId, NextToken, MaxResults: 1000 })),
        (p) => (p.RoutingProfileSummaryList ?? []).map((s) => ({ id: s.Id ?? '', name: s.Name ?? '', arn: s.Arn })),
      ),
  },
  evaluationForm: {
    noun: 'evaluation form',
    nameWord: 'title',
    nameShape: 'EvaluationFormTitle',
    apis: ['connect:ListEvaluationForms'],
    read: (aws, InstanceId) =>
      listAll(
        aws,
        'connect:ListEvaluationForms',
        InstanceId,
        'evaluation forms',
        // MaxResult100: this operation's model maximum.
        (NextToken) =>
          aws.connect.send(new aws.sdk.connect.ListEvaluationFormsCommand({ InstanceId, NextToken, MaxResults: 100 })),
        (p) =>
          (p.EvaluationFormSummaryList ?? []).map((s) => ({
            id: s.EvaluationFormId ?? '',
            name: s.Title ?? '',
            arn: s.EvaluationFormArn,
          })),
      ),
  },
  chatConfiguration: {
    noun: 'chat configuration',
    nameWord: 'name',
    nameShape: 'ConfigurationName',
    apis: [
      'chatbot:DescribeSlackChannelConfigurations',
      'chatbot:DescribeChimeWebhookConfigurations',
      'chatbot:ListMicrosoftTeamsChannelConfigurations',
    ],
    // Slack, Chime and Teams configurations: every channel type a custom action may be linked to.
    read: async (aws) =>
      (
        await Promise.all([
          chatConfigurations(aws, 'DescribeSlackChannelConfigurations', (p) => p.SlackChannelConfigurations),
          chatConfigurations(aws, 'DescribeChimeWebhookConfigurations', (p) => p.WebhookConfigurations),
          chatConfigurations(aws, 'ListMicrosoftTeamsChannelConfigurations', (p) => p.TeamChannelConfigurations),
        ])
      ).flat(),
  },
};

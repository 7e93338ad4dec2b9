/**
 * AWS Chatbot operations: custom actions, their links to chat configurations (which only come
 * from the seed: the sandbox lists Slack/Teams/Chime configurations but does not create them),
 * and tags.
 *
 * Custom actions are per account, not per region: their ARN has an empty region field, so two
 * regions could not hold two actions with one name without their ARNs colliding.
 */
import type { Handlers, OpContext } from '../server.js';
import {
  customActionArn,
  type ChatConfigurationRecord,
  type CustomActionRecord,
  type Tags,
  type World,
} from '../world.js';

/**
 * Per-resource tag limit: 200, the model's TagList max (one request) and CloudFormation's
 * AWS::Chatbot::CustomAction `Tags` maxItems 200 (the resource), counted over the merged tags
 * (docs/FIDELITY.md, tag caps). TagResource answers TooManyTagsException ("The supplied list of
 * tags contains too many tags"); CreateCustomAction does not declare it, so it answers its
 * validation error (TagList's max already refuses 201 there).
 */
const MAX_TAGS = 200;

interface Tag {
  TagKey: string;
  TagValue: string;
}

const toMap = (tags: Tag[] | undefined): Tags => Object.fromEntries((tags ?? []).map((t) => [t.TagKey, t.TagValue]));
const toList = (tags: Tags): Tag[] => Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));

function action(world: World, arn: string, ctx: OpContext): CustomActionRecord {
  return world.chatbot.customActions[arn] ?? ctx.notFound(`Custom action ${arn} not found.`);
}

function configuration(world: World, arn: string, ctx: OpContext): ChatConfigurationRecord {
  return world.chatbot.chatConfigurations[arn] ?? ctx.notFound(`Chat configuration ${arn} not found.`);
}

function taggable(world: World, arn: string, ctx: OpContext): { Tags: Tags } {
  return (
    world.chatbot.customActions[arn] ??
    world.chatbot.chatConfigurations[arn] ??
    ctx.notFound(`Resource ${arn} not found.`)
  );
}

export const chatbotOps: Handlers = {
  CreateCustomAction(world, input, ctx) {
    const arn = customActionArn(ctx.accountId, input.ActionName);
    // A name just deleted (or just taken) still conflicts while reads can see it.
    if (world.chatbot.customActions[arn] || ctx.visible.chatbot.customActions[arn])
      ctx.conflict(`A custom action named ${input.ActionName} already exists.`);
    const tags = toMap(input.Tags);
    // TooManyTagsException is not among CreateCustomAction's errors; its validation error is.
    if (Object.keys(tags).length > MAX_TAGS) ctx.invalid(`A resource can have at most ${MAX_TAGS} tags.`);
    world.chatbot.customActions[arn] = {
      CustomActionArn: arn,
      ActionName: input.ActionName,
      Definition: input.Definition,
      AliasName: input.AliasName,
      Attachments: input.Attachments,
      Tags: tags,
      CreatedTime: ctx.now(),
    };
    ctx.created(arn);
    return { CustomActionArn: arn };
  },

  GetCustomAction(world, input, ctx) {
    return { CustomAction: action(world, input.CustomActionArn, ctx) };
  },

  UpdateCustomAction(world, input, ctx) {
    const a = action(world, input.CustomActionArn, ctx);
    // AliasName and Attachments left out keep their value: AWS's own example for this operation
    // (in the Chatbot model, shipped in every SDK) "Updates the command text of a custom action
    // without altering the existing alias name or attachment criteria" by sending only
    // CustomActionArn and Definition. AliasName's min length 1 means it cannot be cleared here.
    // Under customActionUpdateOmitted: 'clear' (the other reading, opt-in) they are removed.
    const clear = ctx.fidelity.customActionUpdateOmitted === 'clear';
    a.Definition = input.Definition;
    if (input.AliasName !== undefined || clear) a.AliasName = input.AliasName;
    if (input.Attachments !== undefined || clear) a.Attachments = input.Attachments;
    return { CustomActionArn: a.CustomActionArn };
  },

  DeleteCustomAction(world, input, ctx) {
    const a = action(world, input.CustomActionArn, ctx);
    delete world.chatbot.customActions[a.CustomActionArn];
    for (const c of Object.values(world.chatbot.chatConfigurations))
      c.associations = c.associations.filter((r) => r !== a.CustomActionArn);
    ctx.deleted(a.CustomActionArn);
    return {};
  },

  ListCustomActions(world, _input, ctx) {
    const { page, nextToken } = ctx.paginate(Object.keys(world.chatbot.customActions));
    return { CustomActions: page, NextToken: nextToken };
  },

  AssociateToConfiguration(world, input, ctx) {
    const a = action(world, input.Resource, ctx);
    const c = configuration(world, input.ChatConfiguration, ctx);
    // Linking twice is a no-op, like re-applying the same state.
    if (!c.associations.includes(a.CustomActionArn)) c.associations.push(a.CustomActionArn);
    return {};
  },

  DisassociateFromConfiguration(world, input, ctx) {
    const c = configuration(world, input.ChatConfiguration, ctx);
    // Unlinking what is not linked succeeds (the end state is the one asked for).
    c.associations = c.associations.filter((r) => r !== input.Resource);
    return {};
  },

  ListAssociations(world, input, ctx) {
    const c = configuration(world, input.ChatConfiguration, ctx);
    const { page, nextToken } = ctx.paginate(c.associations);
    return { Associations: page.map((Resource) => ({ Resource })), NextToken: nextToken };
  },

  TagResource(world, input, ctx) {
    const target = taggable(world, input.ResourceARN, ctx);
    const merged = { ...target.Tags, ...toMap(input.Tags) };
    if (Object.keys(merged).length > MAX_TAGS)
      ctx.fail('TooManyTagsException', `A resource can have at most ${MAX_TAGS} tags.`);
    target.Tags = merged;
    return {};
  },

  UntagResource(world, input, ctx) {
    const target = taggable(world, input.ResourceARN, ctx);
    for (const key of input.TagKeys as string[]) delete target.Tags[key];
    return {};
  },

  ListTagsForResource(world, input, ctx) {
    return { Tags: toList(taggable(world, input.ResourceARN, ctx).Tags) };
  },

  // The chat configurations of each channel type, as the seed lists them (connectform reads
  // their names). Members the model requires but the seed does not hold (team, channel, role,
  // topics) are filled with fixed sandbox values of the model's formats.
  DescribeSlackChannelConfigurations(world, input, ctx) {
    const { page, nextToken } = ctx.paginate(configurationsOf(world, 'slack-channel', input.ChatConfigurationArn));
    return {
      SlackChannelConfigurations: page.map((c) => ({
        SlackTeamName: 'sandbox',
        SlackTeamId: 'T0SANDBOX',
        SlackChannelId: 'C0SANDBOX',
        SlackChannelName: c.ConfigurationName ?? 'sandbox',
        ...common(world, c),
      })),
      NextToken: nextToken,
    };
  },

  DescribeChimeWebhookConfigurations(world, input, ctx) {
    const { page, nextToken } = ctx.paginate(configurationsOf(world, 'chime-webhook', input.ChatConfigurationArn));
    return {
      WebhookConfigurations: page.map((c) => ({
        WebhookDescription: c.ConfigurationName ?? 'sandbox',
        ...common(world, c),
      })),
      NextToken: nextToken,
    };
  },

  ListMicrosoftTeamsChannelConfigurations(world, input, ctx) {
    const all = configurationsOf(world, 'microsoft-teams-channel', undefined);
    const { page, nextToken } = ctx.paginate(input.TeamId && input.TeamId !== SANDBOX_TEAM ? [] : all);
    return {
      TeamChannelConfigurations: page.map((c) => ({
        ChannelId: 'sandbox-channel',
        TeamId: SANDBOX_TEAM,
        TenantId: SANDBOX_TEAM,
        ...common(world, c),
      })),
      NextToken: nextToken,
    };
  },
};

const SANDBOX_TEAM = '00000000-0000-4000-8000-000000000000';

/** A chat configuration's channel type: the ARN's `chat-configuration/<type>/<name>` segment. */
function configurationsOf(world: World, type: string, arn: string | undefined): ChatConfigurationRecord[] {
  return Object.values(world.chatbot.chatConfigurations).filter(
    (c) => c.Arn.split(':').slice(5).join(':').split('/')[1] === type && (arn === undefined || c.Arn === arn),
  );
}

function common(world: World, c: ChatConfigurationRecord) {
  // State files written before names were kept hold none: the ARN's last segment, as seeded.
  const name = c.ConfigurationName ?? c.Arn.split('/').pop();
  return {
    ChatConfigurationArn: c.Arn,
    IamRoleArn: `arn:aws:iam::${world.accountId}:role/sandbox-chatbot`,
    SnsTopicArns: [],
    ConfigurationName: name,
    Tags: toList(c.Tags),
    State: 'ENABLED',
  };
}

/**
 * The one tag reconciler of every kind that carries tags (rules, task templates, custom actions).
 * One semantics, whatever the service:
 *   - only what differs is sent: removed keys with UntagResource, added or changed ones with
 *     TagResource;
 *   - UntagResource first: a change that swaps keys on a resource at its tag cap (50 for
 *     Connect, 200 for Chatbot) would otherwise overflow it in between;
 *   - connectform's marker is never touched: it is neither removed (it is not a user tag, so it
 *     is never "removed from the config") nor added (adopting an unmanaged resource, which
 *     makes it prunable, is not a side effect of editing its tags; creates and `mark` do that);
 *   - a failure names the exact call that failed (`connect:UntagResource`, `chatbot:TagResource`)
 *     and the resource, as AwsClients.call raises it.
 * Each service's tag calls are the kind's parameter (connectTagCalls, chatbotTagCalls).
 */
import type { AwsClients } from '../aws/clients.js';
import { RemoteError } from '../errors.js';
import { MARKER_TAG_KEY, isRecord } from './common.js';
import type { LiveResource } from './types.js';

/** Tags as a map, the form the reconciler works in (Chatbot's tag lists are converted). */
export type TagMap = Record<string, string>;

/** A service's TagResource / UntagResource, through AwsClients.call (paced and retried). */
export interface TagCalls {
  /** API prefix in error messages and quota keys: `connect`, `chatbot`. */
  readonly service: string;
  /** The target the calls go to, for the error of a resource with no ARN. */
  readonly target?: string;
  /** `resource` names the resource in the call's error (`rule "r"`). */
  tag(arn: string, tags: TagMap, resource?: string): Promise<unknown>;
  untag(arn: string, keys: string[], resource?: string): Promise<unknown>;
}

export function connectTagCalls(aws: AwsClients): TagCalls {
  return {
    service: 'connect',
    target: aws.target,
    tag: (resourceArn, tags, resource) =>
      aws.call(
        'connect:TagResource',
        () => aws.connect.send(new aws.sdk.connect.TagResourceCommand({ resourceArn, tags })),
        { resource },
      ),
    untag: (resourceArn, tagKeys, resource) =>
      aws.call(
        'connect:UntagResource',
        () => aws.connect.send(new aws.sdk.connect.UntagResourceCommand({ resourceArn, tagKeys })),
        { resource },
      ),
  };
}

export function chatbotTagCalls(aws: AwsClients): TagCalls {
  return {
    service: 'chatbot',
    target: aws.target,
    tag: (ResourceARN, tags, resource) =>
      aws.call(
        'chatbot:TagResource',
        () =>
          aws.chatbot.send('TagResource', {
            ResourceARN,
            Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
          }),
        { resource },
      ),
    untag: (ResourceARN, TagKeys, resource) =>
      aws.call('chatbot:UntagResource', () => aws.chatbot.send('UntagResource', { ResourceARN, TagKeys }), {
        resource,
      }),
  };
}

/**
 * The tags a Connect kind's read kept for a live resource (`extra.tags`, marker included; else
 * the body's): plain data, since a cached entry comes back from JSON, so string values only.
 */
export function liveTagMap(live: LiveResource): TagMap | undefined {
  const tags = live.extra?.tags ?? live.body.Tags;
  if (!isRecord(tags)) return undefined;
  const out: TagMap = {};
  for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * A kind's `writeMarker`: sets the marker tag's value (which fields came from sensitive sources,
 * sensitive-marker.ts) with the service's TagResource. Only the marker key is sent.
 */
export function markerWriter(calls: (aws: AwsClients) => TagCalls) {
  return async (ctx: { aws: AwsClients }, target: { id: string; arn?: string }, value: string): Promise<void> => {
    const where = target.arn ?? target.id;
    await calls(ctx.aws).tag(where, { [MARKER_TAG_KEY]: value }, `the marker of ${where}`);
  };
}

export interface TagChanges {
  /** Keys to set: new ones and ones whose value changed. */
  set: TagMap;
  /** Keys to remove. */
  removed: string[];
}

/** What turns the user tags `have` into `want`; the marker is left out of both sides. */
export function tagChanges(have: TagMap | undefined, want: TagMap | undefined): TagChanges {
  const before = withoutMarker(have);
  const after = withoutMarker(want);
  const set: TagMap = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) set[k] = v;
  return { set, removed: Object.keys(before).filter((k) => !(k in after)) };
}

function withoutMarker(tags: TagMap | undefined): TagMap {
  const out: TagMap = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (k !== MARKER_TAG_KEY) out[k] = v;
  return out;
}

/**
 * Make the resource's user tags `want`, given that they are `have` now. `what` names the
 * resource in errors (`rule "x"`). Returns what was sent (tests, logs).
 */
export async function reconcileTags(
  calls: TagCalls,
  arn: string | undefined,
  what: string,
  have: TagMap | undefined,
  want: TagMap | undefined,
): Promise<TagChanges> {
  const changes = tagChanges(have, want);
  const nothing = changes.removed.length === 0 && Object.keys(changes.set).length === 0;
  if (nothing) return changes;
  const first = changes.removed.length ? 'UntagResource' : 'TagResource';
  if (!arn)
    throw new RemoteError(
      { api: `${calls.service}:${first}`, target: calls.target, resource: what },
      'the live resource has no ARN',
    );
  if (changes.removed.length) await calls.untag(arn, changes.removed, what);
  if (Object.keys(changes.set).length) await calls.tag(arn, changes.set, what);
  return changes;
}

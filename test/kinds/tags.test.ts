/**
 * The shared tag reconciler (src/kinds/tags.ts) against the in-process sandbox, through the real
 * SDK clients and AwsClients.call: adds, changes and removes only what differs, UntagResource
 * before TagResource, the marker kept and never added, and a failure naming the exact API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRuleCommand, ListTagsForResourceCommand as ConnectListTags } from '@aws-sdk/client-connect';
import { AwsClients } from '../../src/aws/clients.js';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { NO_CACHE } from '../../src/engine/cache.js';
import { customActionKind } from '../../src/kinds/custom-action.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { taskTemplateKind } from '../../src/kinds/task-template.js';
import type { LiveResource, TargetContext } from '../../src/kinds/types.js';
import { QuotaTable } from '../../src/aws/pacing.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../../src/kinds/common.js';
import {
  chatbotTagCalls,
  connectTagCalls,
  reconcileTags,
  tagChanges,
  type TagCalls,
  type TagMap,
} from '../../src/kinds/tags.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { clients, ruleInput } from '../sandbox/helpers.js';

const MARKER = { [MARKER_TAG_KEY]: MARKER_TAG_VALUE };

/** AwsClients on the sandbox; one attempt per call, so an injected 500 surfaces at once. */
function awsOn(endpoint: string): AwsClients {
  return new AwsClients({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    parallelism: 2,
    quotas: new QuotaTable(),
    maxAttempts: 1,
  });
}

/** The service's calls, counted: what the reconciler sent, in order. */
function counted(calls: TagCalls): { calls: TagCalls; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    calls: {
      service: calls.service,
      tag: (arn, tags) => {
        sent.push(`tag ${Object.keys(tags).join(',')}`);
        return calls.tag(arn, tags);
      },
      untag: (arn, keys) => {
        sent.push(`untag ${keys.join(',')}`);
        return calls.untag(arn, keys);
      },
    },
  };
}

describe('tagChanges', () => {
  it('sets new and changed keys, removes dropped ones, and leaves the marker out of both', () => {
    expect(tagChanges({ a: '1', b: '2', c: '3', ...MARKER }, { a: '1', b: '20', d: '4', ...MARKER })).toEqual({
      set: { b: '20', d: '4' },
      removed: ['c'],
    });
    // A marker in `want` is not added (adoption is not a tag edit), one in `have` not removed.
    expect(tagChanges({}, { ...MARKER, x: '1' })).toEqual({ set: { x: '1' }, removed: [] });
    expect(tagChanges({ ...MARKER, x: '1' }, {})).toEqual({ set: {}, removed: ['x'] });
    expect(tagChanges(undefined, undefined)).toEqual({ set: {}, removed: [] });
  });
});

describe('reconcileTags on the sandbox', () => {
  let sandbox: SandboxHandle;
  let aws: AwsClients;
  const sdk = () => clients(sandbox.endpoint);

  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
    aws = awsOn(sandbox.endpoint);
  });
  afterAll(async () => {
    aws?.destroy();
    await sandbox?.stop();
  });

  const createRule = async (name: string, tags: TagMap) =>
    (await sdk().connect.send(new CreateRuleCommand(ruleInput(name, { Tags: tags })))).RuleArn!;
  const ruleTags = async (arn: string) =>
    (await sdk().connect.send(new ConnectListTags({ resourceArn: arn }))).tags ?? {};

  it('Connect: removes, changes and adds in two calls, UntagResource first, and keeps the marker', async () => {
    const arn = await createRule('tags-connect', { keep: 'k', change: 'old', drop: 'd', ...MARKER });
    const { calls, sent } = counted(connectTagCalls(aws));
    const have = await ruleTags(arn);
    const changes = await reconcileTags(calls, arn, 'rule "tags-connect"', have, {
      keep: 'k',
      change: 'new',
      add: 'a',
    });
    expect(changes).toEqual({ set: { change: 'new', add: 'a' }, removed: ['drop'] });
    expect(sent).toEqual(['untag drop', 'tag change,add']);
    expect(await ruleTags(arn)).toEqual({ keep: 'k', change: 'new', add: 'a', ...MARKER });
  });

  it('sends nothing when the user tags already match (the marker aside)', async () => {
    const arn = await createRule('tags-same', { a: '1', ...MARKER });
    const { calls, sent } = counted(connectTagCalls(aws));
    await reconcileTags(calls, arn, 'rule "tags-same"', { a: '1', ...MARKER }, { a: '1' });
    expect(sent).toEqual([]);
  });

  it('does not mark an unmanaged resource by editing its tags', async () => {
    const arn = await createRule('tags-unmanaged', { a: '1' });
    await reconcileTags(connectTagCalls(aws), arn, 'rule "tags-unmanaged"', { a: '1' }, { a: '2', ...MARKER });
    expect(await ruleTags(arn)).toEqual({ a: '2' });
  });

  it('swaps a key on a rule at the 50-tag cap: removing first leaves room for the addition', async () => {
    // Connect: "A resource can have a maximum of 50 tags" (TagResource, Amazon Connect API
    // reference); the sandbox enforces it in TagResource (src/sandbox/ops/connect.ts).
    const full: TagMap = { ...MARKER };
    for (let i = 0; i < 49; i++) full[`k${i}`] = 'v';
    const arn = await createRule('tags-full', full);
    const want: TagMap = {};
    for (let i = 1; i < 50; i++) want[`k${i}`] = 'v';
    await reconcileTags(connectTagCalls(aws), arn, 'rule "tags-full"', full, want);
    expect(await ruleTags(arn)).toEqual({ ...want, ...MARKER });
  });

  it('names connect:TagResource when TagResource fails (the cap exceeded)', async () => {
    const full: TagMap = { ...MARKER };
    for (let i = 0; i < 49; i++) full[`k${i}`] = 'v';
    const arn = await createRule('tags-over', full);
    const err = await reconcileTags(connectTagCalls(aws), arn, 'rule "tags-over"', full, { ...full, extra: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'RemoteError', api: 'connect:TagResource' });
    expect((err as Error).message).toMatch(/^connect:TagResource failed for rule "tags-over": \S+: .*50 tags/);
  });

  it('Chatbot: the same semantics on a custom action, whose tags are a list', async () => {
    const created = await sdk().chatbot.send('CreateCustomAction', {
      ActionName: 'tags-chatbot',
      Definition: { CommandText: 'sts get-caller-identity' },
      Tags: [
        { TagKey: 'keep', TagValue: 'k' },
        { TagKey: 'drop', TagValue: 'd' },
        { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE },
      ],
    });
    const arn = created.CustomActionArn;
    const { calls, sent } = counted(chatbotTagCalls(aws));
    await reconcileTags(
      calls,
      arn,
      'custom action "tags-chatbot"',
      { keep: 'k', drop: 'd', ...MARKER },
      { keep: 'kk', add: 'a' },
    );
    expect(sent).toEqual(['untag drop', 'tag keep,add']);
    const listed = (await sdk().chatbot.send('ListTagsForResource', { ResourceARN: arn })).Tags ?? [];
    expect(Object.fromEntries(listed.map((t) => [t.TagKey, t.TagValue]))).toEqual({ keep: 'kk', add: 'a', ...MARKER });
  });

  it('refuses without an ARN, naming the call it could not make', async () => {
    await expect(reconcileTags(connectTagCalls(aws), undefined, 'rule "x"', {}, { a: '1' })).rejects.toMatchObject({
      api: 'connect:TagResource',
    });
    await expect(
      reconcileTags(chatbotTagCalls(aws), undefined, 'custom action "x"', { a: '1' }, {}),
    ).rejects.toMatchObject({ api: 'chatbot:UntagResource' });
  });
});

describe('reconcileTags under injected faults', () => {
  // errorRate 1: the sandbox answers every request 500/503 (src/sandbox/faults.ts); with one
  // attempt per call the first call the reconciler makes is the one that fails.
  let sandbox: SandboxHandle;
  let aws: AwsClients;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false, errorRate: 1, randomSeed: 3 });
    aws = awsOn(sandbox.endpoint);
  });
  afterAll(async () => {
    aws?.destroy();
    await sandbox?.stop();
  });

  const ruleArn = 'arn:aws:connect:us-east-1:123456789012:instance/i/rule/r';
  const actionArn = 'arn:aws:chatbot::123456789012:custom-action/x';

  it.each([
    ['connect', { gone: '1' }, {}, 'connect:UntagResource'],
    ['connect', {}, { added: '1' }, 'connect:TagResource'],
    ['chatbot', { gone: '1' }, { added: '1' }, 'chatbot:UntagResource'],
    ['chatbot', { same: '1' }, { same: '2' }, 'chatbot:TagResource'],
  ])('%s: %j → %j fails naming %s', async (service, have, want, api) => {
    const calls = service === 'connect' ? connectTagCalls(aws) : chatbotTagCalls(aws);
    const arn = service === 'connect' ? ruleArn : actionArn;
    const err = await reconcileTags(calls, arn, 'the resource', have as TagMap, want as TagMap).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'RemoteError', api });
    const message = (err as Error).message;
    expect(message.startsWith(`${api} failed for the resource: `)).toBe(true);
    expect(message).not.toContain('\n');
    expect(sandbox.stats().operations[api]?.errors).toBeGreaterThan(0);
  });
});

describe("each kind's tag-only update names the tag call that failed", () => {
  // Before the shared reconciler a rule reported a TagResource failure as connect:UpdateRule and
  // a custom action an UntagResource failure as chatbot:TagResource.
  let sandbox: SandboxHandle;
  let ctx: TargetContext;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false, errorRate: 1, randomSeed: 5 });
    const aws = awsOn(sandbox.endpoint);
    ctx = {
      target: { name: 't', region: 'us-east-1', instanceId: 'i-1', accountId: '123456789012' },
      aws,
      flows: new ContactFlowDirectory(),
      cache: NO_CACHE,
      declared: [],
      log: () => undefined,
    };
  });
  afterAll(async () => {
    ctx?.aws.destroy();
    await sandbox?.stop();
  });

  const live = (kind: LiveResource['kind'], arn: string, body: LiveResource['body'], tags?: TagMap): LiveResource => ({
    kind,
    key: 'x',
    id: arn,
    arn,
    body,
    managed: true,
    version: 'v',
    ...(tags ? { extra: { tags } } : {}),
  });
  const rule = live(
    'rule',
    'arn:aws:connect:us-east-1:123456789012:instance/i-1/rule/r',
    { Name: 'x' },
    { a: '1', ...MARKER },
  );
  const template = live(
    'taskTemplate',
    'arn:aws:connect:us-east-1:123456789012:instance/i-1/task-template/t',
    { Name: 'x' },
    { a: '1', ...MARKER },
  );
  const action = live('customAction', 'arn:aws:chatbot::123456789012:custom-action/x', {
    ActionName: 'x',
    Definition: { CommandText: 'sts get-caller-identity' },
    Tags: [
      { TagKey: 'a', TagValue: '1' },
      { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE },
    ],
  });

  it.each([
    ['rule', 'connect:TagResource', () => ruleKind.update(ctx, rule, { Name: 'x', Tags: { a: '2' } }, ['Tags'])],
    ['rule', 'connect:UntagResource', () => ruleKind.update(ctx, rule, { Name: 'x' }, ['Tags'])],
    [
      'task template',
      'connect:TagResource',
      () => taskTemplateKind.update(ctx, template, { Name: 'x', Tags: { a: '1', b: '2' } }, ['Tags']),
    ],
    ['task template', 'connect:UntagResource', () => taskTemplateKind.update(ctx, template, { Name: 'x' }, ['Tags'])],
    [
      'custom action',
      'chatbot:TagResource',
      () => customActionKind.update(ctx, action, { ...action.body, Tags: [{ TagKey: 'a', TagValue: '2' }] }, ['Tags']),
    ],
    [
      'custom action',
      'chatbot:UntagResource',
      () => customActionKind.update(ctx, action, { ...action.body, Tags: [] }, ['Tags']),
    ],
  ])('%s: %s', async (_kind, api, update) => {
    const err = await update().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'RemoteError', api });
    expect((err as Error).message).toMatch(new RegExp(`^${api} failed for (rule|task template|custom action) "x": `));
  });
});

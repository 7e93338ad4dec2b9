import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatbotClient } from '../../src/aws/chatbot.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ACCOUNT, CHAT_ONCALL, CHAT_OPS, clients, failure, raw } from './helpers.js';

let sb: SandboxHandle;
let chatbot: ChatbotClient;

beforeAll(async () => {
  sb = await startSandbox({ quotas: false });
  chatbot = clients(sb.endpoint, 'us-east-2').chatbot;
});
afterAll(() => sb.stop());

const action = (name: string, extra: Record<string, unknown> = {}) => ({
  ActionName: name,
  Definition: { CommandText: 'lambda invoke --function-name restart' },
  ...extra,
});

describe('custom actions', () => {
  it('creates (201), gets, updates, lists and deletes (204)', async () => {
    const created = await chatbot.send(
      'CreateCustomAction',
      action('restart-service', {
        AliasName: 'restart',
        Attachments: [
          {
            NotificationType: 'CloudWatch',
            ButtonText: 'Restart',
            Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'service' }],
            Variables: { service: 'event.detail.service' },
          },
        ],
        Tags: [{ TagKey: 'team', TagValue: 'ops' }],
      }),
    );
    expect(created.CustomActionArn).toBe(`arn:aws:chatbot::${ACCOUNT}:custom-action/restart-service`);
    expect(created.$metadata.httpStatusCode).toBe(201);

    const got = await chatbot.send('GetCustomAction', { CustomActionArn: created.CustomActionArn });
    expect(got.CustomAction).toEqual({
      CustomActionArn: created.CustomActionArn,
      ActionName: 'restart-service',
      AliasName: 'restart',
      Definition: { CommandText: 'lambda invoke --function-name restart' },
      Attachments: [
        {
          NotificationType: 'CloudWatch',
          ButtonText: 'Restart',
          Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'service' }],
          Variables: { service: 'event.detail.service' },
        },
      ],
    });

    // AliasName and Attachments left out keep their value (AWS's UpdateCustomAction example;
    // docs/FIDELITY.md); those sent replace the old ones.
    const updated = await chatbot.send('UpdateCustomAction', {
      CustomActionArn: created.CustomActionArn,
      Definition: { CommandText: 'new text' },
    });
    expect(updated.CustomActionArn).toBe(created.CustomActionArn);
    const after = await chatbot.send('GetCustomAction', { CustomActionArn: created.CustomActionArn });
    expect(after.CustomAction).toEqual({ ...got.CustomAction, Definition: { CommandText: 'new text' } });
    await chatbot.send('UpdateCustomAction', {
      CustomActionArn: created.CustomActionArn,
      Definition: { CommandText: 'new text' },
      AliasName: 'again',
    });
    const renamed = await chatbot.send('GetCustomAction', { CustomActionArn: created.CustomActionArn });
    expect(renamed.CustomAction).toEqual({
      ...got.CustomAction,
      Definition: { CommandText: 'new text' },
      AliasName: 'again',
    });

    const listed = await chatbot.send('ListCustomActions', {});
    expect(listed.CustomActions).toContain(created.CustomActionArn);

    const deleted = await chatbot.send('DeleteCustomAction', { CustomActionArn: created.CustomActionArn });
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await failure(chatbot.send('GetCustomAction', { CustomActionArn: created.CustomActionArn }))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(
      await failure(chatbot.send('DeleteCustomAction', { CustomActionArn: created.CustomActionArn })),
    ).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(
      await failure(
        chatbot.send('UpdateCustomAction', {
          CustomActionArn: created.CustomActionArn,
          Definition: { CommandText: 'x' },
        }),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('answers ConflictException for a taken ActionName and InvalidRequestException for model violations', async () => {
    await chatbot.send('CreateCustomAction', action('taken'));
    expect(await failure(chatbot.send('CreateCustomAction', action('taken')))).toMatchObject({
      name: 'ConflictException',
    });
    expect(await failure(chatbot.send('CreateCustomAction', action('not valid!')))).toMatchObject({
      name: 'InvalidRequestException',
    });
    expect(
      await failure(chatbot.send('CreateCustomAction', action('short-token', { ClientToken: 'too-short' }))),
    ).toMatchObject({ name: 'InvalidRequestException' });
    const noDef = await failure(chatbot.send('CreateCustomAction', { ActionName: 'no-def' } as never));
    expect(noDef).toMatchObject({ name: 'InvalidRequestException' });
    expect(noDef.message).toMatch(/Definition.*must not be null/);
  });

  it('honours ClientToken both ways, and still replays it once the action is deleted', async () => {
    const token = 'c'.repeat(40);
    const first = await chatbot.send('CreateCustomAction', action('idem', { ClientToken: token }));
    const replay = await chatbot.send('CreateCustomAction', action('idem', { ClientToken: token }));
    expect(replay.CustomActionArn).toBe(first.CustomActionArn);
    const changed = await failure(chatbot.send('CreateCustomAction', action('idem-2', { ClientToken: token })));
    expect(changed).toMatchObject({ name: 'ConflictException' });
    // The token outlives the action (docs/FIDELITY.md): the original answer, nothing created.
    await chatbot.send('DeleteCustomAction', { CustomActionArn: first.CustomActionArn });
    const again = await chatbot.send('CreateCustomAction', action('idem', { ClientToken: token }));
    expect(again.CustomActionArn).toBe(first.CustomActionArn);
    expect(sb.world.chatbot.customActions[first.CustomActionArn!]).toBeUndefined();
  });

  it('pages ListCustomActions', async () => {
    for (let i = 0; i < 5; i++) await chatbot.send('CreateCustomAction', action(`paged-${i}`));
    const arns: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await chatbot.send('ListCustomActions', { MaxResults: 3, NextToken: token });
      arns.push(...page.CustomActions);
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(arns).size).toBe(arns.length);
    expect(arns).toEqual(Object.keys(sb.world.chatbot.customActions));
    expect(await failure(chatbot.send('ListCustomActions', { NextToken: 'not-a-token' }))).toMatchObject({
      name: 'InvalidRequestException',
    });
  });
});

describe('associations', () => {
  it('associates (201), lists with pages, disassociates (204)', async () => {
    const arns: string[] = [];
    for (const name of ['assoc-a', 'assoc-b', 'assoc-c'])
      arns.push((await chatbot.send('CreateCustomAction', action(name))).CustomActionArn);
    for (const arn of arns) {
      const out = await chatbot.send('AssociateToConfiguration', { Resource: arn, ChatConfiguration: CHAT_OPS });
      expect(out.$metadata.httpStatusCode).toBe(201);
    }
    // Associating twice is a no-op.
    await chatbot.send('AssociateToConfiguration', { Resource: arns[0], ChatConfiguration: CHAT_OPS });

    const first = await chatbot.send('ListAssociations', { ChatConfiguration: CHAT_OPS, MaxResults: 2 });
    expect(first.Associations).toEqual([{ Resource: arns[0] }, { Resource: arns[1] }]);
    const second = await chatbot.send('ListAssociations', {
      ChatConfiguration: CHAT_OPS,
      MaxResults: 2,
      NextToken: first.NextToken,
    });
    expect(second.Associations).toEqual([{ Resource: arns[2] }]);
    expect(second.NextToken).toBeUndefined();
    expect(
      await failure(chatbot.send('ListAssociations', { ChatConfiguration: CHAT_ONCALL, NextToken: first.NextToken })),
    ).toMatchObject({ name: 'InvalidRequestException' });

    const out = await chatbot.send('DisassociateFromConfiguration', { Resource: arns[1], ChatConfiguration: CHAT_OPS });
    expect(out.$metadata.httpStatusCode).toBe(204);
    // Deleting an action unlinks it everywhere.
    await chatbot.send('DeleteCustomAction', { CustomActionArn: arns[2] });
    const left = await chatbot.send('ListAssociations', { ChatConfiguration: CHAT_OPS });
    expect(left.Associations).toEqual([{ Resource: arns[0] }]);
  });

  it('needs an existing custom action and chat configuration', async () => {
    const arn = (await chatbot.send('CreateCustomAction', action('assoc-check'))).CustomActionArn;
    const unknownConfig = `arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/nope`;
    // ResourceNotFoundException is not among these operations' errors: their validation error answers.
    expect(
      await failure(chatbot.send('AssociateToConfiguration', { Resource: arn, ChatConfiguration: unknownConfig })),
    ).toMatchObject({ name: 'InvalidRequestException' });
    const ghost = `arn:aws:chatbot::${ACCOUNT}:custom-action/ghost`;
    expect(
      await failure(chatbot.send('AssociateToConfiguration', { Resource: ghost, ChatConfiguration: CHAT_OPS })),
    ).toMatchObject({ name: 'InvalidRequestException' });
    expect(await failure(chatbot.send('ListAssociations', { ChatConfiguration: unknownConfig }))).toMatchObject({
      name: 'InvalidRequestException',
    });
    expect(
      await failure(chatbot.send('AssociateToConfiguration', { Resource: 'not-an-arn', ChatConfiguration: CHAT_OPS })),
    ).toMatchObject({ name: 'InvalidRequestException' });
  });
});

describe('tags', () => {
  it('tags custom actions and chat configurations as TagKey/TagValue lists', async () => {
    const arn = (await chatbot.send('CreateCustomAction', action('tagged', { Tags: [{ TagKey: 'a', TagValue: '1' }] })))
      .CustomActionArn;
    for (const target of [arn, CHAT_ONCALL]) {
      await chatbot.send('TagResource', { ResourceARN: target, Tags: [{ TagKey: 'env', TagValue: 'test' }] });
      await chatbot.send('UntagResource', { ResourceARN: target, TagKeys: ['a'] });
      const { Tags } = await chatbot.send('ListTagsForResource', { ResourceARN: target });
      expect(Tags).toEqual([{ TagKey: 'env', TagValue: 'test' }]);
    }
  });

  it('answers ResourceNotFoundException, TooManyTagsException and InvalidRequestException', async () => {
    const ghost = `arn:aws:chatbot::${ACCOUNT}:custom-action/ghost`;
    expect(await failure(chatbot.send('ListTagsForResource', { ResourceARN: ghost }))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const arn = (await chatbot.send('CreateCustomAction', action('tag-limit'))).CustomActionArn;
    const tags = (prefix: string) =>
      Array.from({ length: 120 }, (_, i) => ({ TagKey: `${prefix}${i}`, TagValue: 'v' }));
    await chatbot.send('TagResource', { ResourceARN: arn, Tags: tags('a') });
    expect(await failure(chatbot.send('TagResource', { ResourceARN: arn, Tags: tags('b') }))).toMatchObject({
      name: 'TooManyTagsException',
    });
    // The tag operations declare no validation error; Chatbot's InvalidRequestException answers.
    expect(await failure(chatbot.send('TagResource', { ResourceARN: 'arn:aws:s3:::bucket', Tags: [] }))).toMatchObject({
      name: 'InvalidRequestException',
    });
  });

  it('answers in the restJson1 error style', async () => {
    const res = await raw(sb.endpoint, 'chatbot', 'POST', '/get-custom-action', {
      CustomActionArn: `arn:aws:chatbot::${ACCOUNT}:custom-action/ghost`,
    });
    expect(res.status).toBe(404);
    expect(res.errorType).toBe('ResourceNotFoundException');
    // The model gives this shape `Message` (capitalised), unlike InvalidRequestException's `message`.
    expect(res.body).toEqual({ Message: expect.stringContaining('ghost') });
    const bad = await raw(sb.endpoint, 'chatbot', 'POST', '/get-custom-action', {});
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ message: expect.stringContaining('CustomActionArn') });
  });
});

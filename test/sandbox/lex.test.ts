import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestException,
  DeleteBotChannelAssociationCommand,
  GetBotAliasesCommand,
  GetBotChannelAssociationCommand,
  GetBotChannelAssociationsCommand,
  GetBotsCommand,
  NotFoundException,
  type LexModelBuildingServiceClient,
} from '@aws-sdk/client-lex-model-building-service';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { clients, failure, raw } from './helpers.js';

let sb: SandboxHandle;
let lex: LexModelBuildingServiceClient;

beforeAll(async () => {
  sb = await startSandbox({ quotas: false, lexV1: 'available' }); // Lex V1 as it answered before its end
  lex = clients(sb.endpoint).lex;
});
afterAll(() => sb.stop());

describe('GetBots', () => {
  it('lists bots by name, filters by nameContains and pages', async () => {
    const all = await lex.send(new GetBotsCommand({}));
    expect(all.bots!.map((b) => b.name)).toEqual(['BookTrip', 'OrderFlowers']);
    expect(all.bots![0]).toMatchObject({ status: 'READY', version: '$LATEST' });
    expect(all.bots![0].createdDate).toBeInstanceOf(Date);

    const some = await lex.send(new GetBotsCommand({ nameContains: 'Order' }));
    expect(some.bots!.map((b) => b.name)).toEqual(['OrderFlowers']);

    const p1 = await lex.send(new GetBotsCommand({ maxResults: 1 }));
    const p2 = await lex.send(new GetBotsCommand({ maxResults: 1, nextToken: p1.nextToken }));
    expect([...p1.bots!, ...p2.bots!].map((b) => b.name)).toEqual(['BookTrip', 'OrderFlowers']);
    expect(p2.nextToken).toBeUndefined();
  });

  it('answers BadRequestException for constraint violations and foreign tokens', async () => {
    expect(await failure(lex.send(new GetBotsCommand({ maxResults: 51 })))).toBeInstanceOf(BadRequestException);
    expect(await failure(lex.send(new GetBotsCommand({ nameContains: 'bad-name' })))).toBeInstanceOf(
      BadRequestException,
    );
    const p1 = await lex.send(new GetBotsCommand({ maxResults: 1 }));
    expect(
      await failure(lex.send(new GetBotsCommand({ maxResults: 1, nameContains: 'Trip', nextToken: p1.nextToken }))),
    ).toBeInstanceOf(BadRequestException);
  });
});

describe('GetBotAliases', () => {
  it('lists, filters and pages aliases; an unknown bot has none', async () => {
    const all = await lex.send(new GetBotAliasesCommand({ botName: 'OrderFlowers' }));
    expect(all.BotAliases!.map((a) => a.name)).toEqual(['prod', 'staging']);
    expect(all.BotAliases![0]).toMatchObject({ botName: 'OrderFlowers', botVersion: '1' });
    expect(
      (await lex.send(new GetBotAliasesCommand({ botName: 'OrderFlowers', nameContains: 'stag' }))).BotAliases!.map(
        (a) => a.name,
      ),
    ).toEqual(['staging']);
    const p1 = await lex.send(new GetBotAliasesCommand({ botName: 'OrderFlowers', maxResults: 1 }));
    const p2 = await lex.send(
      new GetBotAliasesCommand({ botName: 'OrderFlowers', maxResults: 1, nextToken: p1.nextToken }),
    );
    expect([p1.BotAliases![0].name, p2.BotAliases![0].name]).toEqual(['prod', 'staging']);
    expect((await lex.send(new GetBotAliasesCommand({ botName: 'NoSuchBot' }))).BotAliases).toEqual([]);
  });
});

describe('bot channel associations', () => {
  it('lists one alias or all ("-"), with configuration, filters and pages', async () => {
    const prod = await lex.send(new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: 'prod' }));
    expect(prod.botChannelAssociations!.map((c) => c.name)).toEqual(['orders_facebook', 'orders_slack']);
    const slack = prod.botChannelAssociations!.find((c) => c.name === 'orders_slack')!;
    expect(slack).toMatchObject({ botName: 'OrderFlowers', botAlias: 'prod', type: 'Slack', status: 'CREATED' });
    expect(slack.botConfiguration).toMatchObject({ clientId: '123.456' });
    expect(slack.createdDate).toBeInstanceOf(Date);

    const all = await lex.send(new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: '-' }));
    expect(all.botChannelAssociations!.map((c) => c.name)).toEqual(['orders_facebook', 'orders_slack', 'orders_sms']);
    const sms = await lex.send(
      new GetBotChannelAssociationsCommand({ botName: 'OrderFlowers', botAlias: '-', nameContains: 'sms' }),
    );
    expect(sms.botChannelAssociations!.map((c) => c.type)).toEqual(['Twilio-Sms']);

    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await lex.send(
        new GetBotChannelAssociationsCommand({
          botName: 'OrderFlowers',
          botAlias: '-',
          maxResults: 2,
          nextToken: token,
        }),
      );
      names.push(...page.botChannelAssociations!.map((c) => c.name!));
      token = page.nextToken;
    } while (token);
    expect(names).toEqual(['orders_facebook', 'orders_slack', 'orders_sms']);
  });

  it('gets one association and answers NotFoundException for unknown ones', async () => {
    const kik = await lex.send(
      new GetBotChannelAssociationCommand({ botName: 'BookTrip', botAlias: 'prod', name: 'booktrip_kik' }),
    );
    expect(kik).toMatchObject({
      name: 'booktrip_kik',
      botName: 'BookTrip',
      botAlias: 'prod',
      type: 'Kik',
      botConfiguration: { userName: 'booktrip' },
    });
    expect(
      await failure(
        lex.send(
          new GetBotChannelAssociationCommand({ botName: 'BookTrip', botAlias: 'staging', name: 'booktrip_kik' }),
        ),
      ),
    ).toBeInstanceOf(NotFoundException);
    expect(
      await failure(lex.send(new GetBotChannelAssociationCommand({ botName: 'Nope', botAlias: 'prod', name: 'x' }))),
    ).toBeInstanceOf(NotFoundException);
  });

  it('deletes (204) an association once', async () => {
    const input = { botName: 'OrderFlowers', botAlias: 'staging', name: 'orders_sms' };
    const out = await lex.send(new DeleteBotChannelAssociationCommand(input));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(await failure(lex.send(new GetBotChannelAssociationCommand(input)))).toBeInstanceOf(NotFoundException);
    expect(await failure(lex.send(new DeleteBotChannelAssociationCommand(input)))).toBeInstanceOf(NotFoundException);
    expect(
      await failure(lex.send(new DeleteBotChannelAssociationCommand({ ...input, name: 'bad-name' }))),
    ).toBeInstanceOf(BadRequestException);
  });

  it('routes the botocore paths with trailing slashes too (AWS CLI style)', async () => {
    const res = await raw(sb.endpoint, 'lex', 'GET', '/bots/OrderFlowers/aliases/prod/channels/');
    expect(res.status).toBe(200);
    expect(res.body.botChannelAssociations.length).toBeGreaterThan(0);
    expect(typeof res.body.botChannelAssociations[0].createdDate).toBe('number');
    const bots = await raw(sb.endpoint, undefined, 'GET', '/bots/');
    expect(bots.body.bots).toHaveLength(2);
  });
});

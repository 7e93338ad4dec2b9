/**
 * The Lex V1 bot channel association kind: normalize (secrets as digests, server fields, the
 * empty description), audit, replaceReason, the manual-only writes, and read/delete against a
 * fake Lex client.
 */
import { describe, expect, it, vi } from 'vitest';
import { declareBodies as declareBodiesOf, diffPaths } from '../helpers/declare.js';
import { NotFoundException } from '@aws-sdk/client-lex-model-building-service';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { secretDigest } from '../../src/kinds/common.js';
import { buildPlan } from '../../src/engine/planner.js';
import type { Body, LiveResource, TargetContext } from '../../src/kinds/types.js';
import { lexChannelAssociationFixture as fixture, seed } from '../battery/fixtures/lex-channel-association.js';
import { sdk } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/call-errors.js';

// The schema getter is not under test; keep the generator (a script) out of the module graph.
vi.mock('../../src/config/generate-schemas.js', () => ({ buildKindSchema: () => ({}) }));
const { lexChannelAssociationKind: kind } = await import('../../src/kinds/lex-channel-association.js');

const nctx = { flows: new ContactFlowDirectory([]) };
const declareBodies = (bodies: Body[]) => declareBodiesOf('lexChannelAssociation', bodies);
const norm = (b: Body) => kind.normalize(b, nctx);

/** What GetBotChannelAssociations returns for a declared body. */
function liveOf(body: Body): Body {
  return {
    ...structuredClone(body),
    botConfiguration: Object.fromEntries(Object.entries(body.botConfiguration as Record<string, string>).reverse()),
    createdDate: new Date('2024-01-01T00:00:00Z'),
    status: 'CREATED',
  };
}

describe('lexChannelAssociation kind: declaration', () => {
  it('is keyed by bot/alias/name and can only delete', () => {
    expect(kind.name).toBe('lexChannelAssociation');
    expect(kind.configKey).toBe('lexChannelAssociations');
    expect(kind.key({ name: 'orders_slack', botName: 'OrderFlowers', botAlias: 'prod' })).toBe(
      'OrderFlowers/prod/orders_slack',
    );
    expect(kind.capabilities).toEqual({
      create: false,
      update: false,
      delete: true,
      marker: false,
      usesContactFlows: false,
    });
    expect(kind.secretPaths).toEqual(['botConfiguration']);
    expect(fixture.replaceChange).toBeNull();
  });

  it('describes exactly what the seed pre-creates', () => {
    const seeded = seed.lex.bots.flatMap((b) =>
      (b.channelAssociations ?? []).map((c) => `${b.name}/${c.botAlias}/${c.name}`),
    );
    expect(fixture.base.map((b) => kind.key(b))).toEqual(seeded);
    expect(new Set(seeded).size).toBe(seeded.length);
  });
});

describe('lexChannelAssociation kind: normalize', () => {
  it('replaces every botConfiguration value by its digest; the secret never survives', () => {
    const n = norm(fixture.base[0]);
    expect(n.botConfiguration).toEqual({
      clientId: secretDigest('123.456'),
      clientSecret: secretDigest('sandbox-secret'),
      verificationToken: secretDigest('sandbox-token'),
    });
    expect(JSON.stringify(fixture.base.map(norm))).not.toMatch(/sandbox-|ACsandbox|123\.456/);
  });

  it('makes the live form of every fixture body equal to the declared form', () => {
    for (const body of fixture.base)
      expect(diffPaths(norm(liveOf(body)), norm(body), 'lexChannelAssociation')).toEqual([]);
  });

  it('drops server fields and treats an empty description as none', () => {
    const live = { ...liveOf(fixture.base[0]), failureReason: 'x', description: '' };
    const declared = { ...fixture.base[0] };
    delete declared.description;
    expect(norm(live)).toEqual(norm(declared));
    expect(Object.keys(norm(live)).sort()).toEqual(['botAlias', 'botConfiguration', 'botName', 'name', 'type']);
  });

  it('shows a changed secret as a changed digest, at its path', () => {
    const changed = { ...fixture.base[2], botConfiguration: { accountSid: 'ACsandbox', authToken: 'rotated' } };
    expect(diffPaths(norm(fixture.base[2]), norm(changed), 'lexChannelAssociation')).toEqual([
      'botConfiguration.authToken',
    ]);
  });

  it('treats reordered maps and list as equal (fixture reorderSet)', () => {
    const byKey = (bs: Body[]) => Object.fromEntries(bs.map((b) => [kind.key(b), norm(b)]));
    expect(byKey(fixture.reorderSet(fixture.base))).toEqual(byKey(fixture.base));
  });

  it('shows a one-field change at its path (fixture oneFieldChange)', () => {
    const { bodies, expectPath, key } = fixture.oneFieldChange(fixture.base);
    const paths = fixture.base.flatMap((b, i) => diffPaths(norm(b), norm(bodies[i]), 'lexChannelAssociation'));
    expect(paths).toEqual([expectPath]);
    expect(bodies.map((b) => kind.key(b))).toContain(key);
  });

  it('is idempotent (digests are not digested again) and pure', () => {
    for (const body of fixture.base) {
      const before = structuredClone(body);
      const once = norm(body);
      expect(norm(once)).toEqual(once);
      expect(body).toEqual(before);
    }
  });
});

describe('lexChannelAssociation kind: audit and replace', () => {
  it('accepts the fixture bodies', () => {
    const all = declareBodies(fixture.base);
    expect(all.flatMap((d) => kind.audit(d, { all }))).toEqual([]);
  });

  it('never replaces', () => {
    expect(
      kind.replaceReason(norm(fixture.base[0]), norm(fixture.base[1]), [
        'name',
        'type',
        'botConfiguration',
        'description',
      ]),
    ).toBeUndefined();
  });
});

describe('lexChannelAssociation kind: an omitted botConfiguration is not managed (issue #11)', () => {
  /** The planner over one live association per fixture body and `declared` as the config. */
  const planFor = (declared: Body[]) =>
    buildPlan({
      target: 't',
      scope: { region: 'us-east-1', instanceId: 'i-1' },
      configFingerprint: 'f',
      kinds: [kind],
      declared: declareBodies(declared),
      live: new Map([
        [
          'lexChannelAssociation',
          fixture.base.map(
            (b): LiveResource => ({
              kind: 'lexChannelAssociation',
              key: kind.key(b),
              id: kind.key(b),
              body: liveOf(b),
              managed: false,
              version: 'v',
            }),
          ),
        ],
      ]),
      flows: nctx.flows,
      prune: () => false,
    });
  const withoutSecrets = (b: Body) => {
    const { botConfiguration: _omitted, ...rest } = b;
    return rest;
  };

  it('declared without botConfiguration: no row, no change', () => {
    const plan = planFor(fixture.base.map(withoutSecrets));
    expect(plan.changes).toEqual([]);
    expect(plan.summary.unchanged).toBe(fixture.base.length);
  });

  it('other fields are still compared; a declared botConfiguration still is too', () => {
    const edited = fixture.base.map(withoutSecrets);
    edited[0].description = 'changed';
    const rotated = {
      ...fixture.base[1],
      botConfiguration: { ...(fixture.base[1].botConfiguration as object), clientSecret: 'rotated' },
    };
    const plan = planFor([edited[0], rotated, ...edited.slice(2)]);
    expect(plan.changes.map((c) => [c.name, c.action, c.fields.map((f) => f.path)]).sort()).toEqual([
      [kind.key(rotated), 'manual', ['botConfiguration.clientSecret']],
      [kind.key(edited[0]), 'manual', ['description']],
    ]);
  });

  it('is declared by the kind, for botConfiguration only', () => {
    expect(kind.managedWhenDeclared).toEqual(['botConfiguration']);
  });
});

// -------------------------------------------------------------------------------------------
// Calls, against a fake Lex client
// -------------------------------------------------------------------------------------------

function fakeTarget(answer: (name: string, input: any) => unknown) {
  const sent: { name: string; input: any }[] = [];
  const logs: string[] = [];
  const aws = {
    // Fails as AwsClients.call does: one error naming the API and the resource.
    call: (api: string, send: () => Promise<unknown>, about: { resource?: string } = {}) =>
      send().catch((err: unknown) => {
        throw new AwsCallError({ api, resource: about.resource }, err);
      }),
    sdk, // the real command classes: kinds take them from the clients
    lex: {
      send: async (cmd: { constructor: { name: string }; input: any }) => {
        const name = cmd.constructor.name.replace(/Command$/, '');
        sent.push({ name, input: structuredClone(cmd.input) });
        return answer(name, cmd.input);
      },
    },
  };
  const ctx = {
    target: { name: 't', region: 'us-east-1', instanceId: 'i-1', accountId: '' },
    aws,
    flows: nctx.flows,
    log: (l: string) => logs.push(l),
  } as unknown as TargetContext;
  return { ctx, sent, logs };
}

const notFound = () => new NotFoundException({ $metadata: {}, message: 'gone' });

async function collect(it: AsyncIterable<LiveResource>): Promise<LiveResource[]> {
  const out: LiveResource[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('lexChannelAssociation kind: read', () => {
  it('pages bots, aliases and associations; one list call per alias, no describe', async () => {
    const bots = [...seed.lex.bots, { name: 'Vanished', aliases: ['prod'], channelAssociations: [] }];
    const { ctx, sent, logs } = fakeTarget((name, input) => {
      switch (name) {
        case 'GetBots':
          return input.nextToken
            ? { bots: bots.slice(2).map((b) => ({ name: b.name })) }
            : { bots: bots.slice(0, 2).map((b) => ({ name: b.name })), nextToken: 'b2' };
        case 'GetBotAliases': {
          if (input.botName === 'Vanished') throw notFound();
          const aliases = bots.find((b) => b.name === input.botName)!.aliases ?? [];
          return input.nextToken
            ? { BotAliases: aliases.slice(1).map((a) => ({ name: a })) }
            : {
                BotAliases: aliases.slice(0, 1).map((a) => ({ name: a })),
                nextToken: aliases.length > 1 ? 'a2' : undefined,
              };
        }
        case 'GetBotChannelAssociations': {
          const bot = bots.find((b) => b.name === input.botName)!;
          const list = (bot.channelAssociations ?? []).filter((c) => c.botAlias === input.botAlias);
          const page = input.nextToken ? list.slice(1) : list.slice(0, 1);
          return {
            botChannelAssociations: page.map((c) => ({
              ...c,
              botName: bot.name,
              createdDate: new Date('2024-01-01T00:00:00Z'),
              status: 'CREATED',
            })),
            nextToken: !input.nextToken && list.length > 1 ? 'c2' : undefined,
          };
        }
      }
      throw new Error(`unexpected ${name}`);
    });
    const live = (await collect(kind.read(ctx))).sort((a, b) => a.key.localeCompare(b.key));
    expect(live.map((l) => l.key)).toEqual(fixture.base.map((b) => kind.key(b)).sort());
    for (const l of live) {
      const declared = fixture.base.find((b) => kind.key(b) === l.key)!;
      expect(diffPaths(norm(l.body), norm(declared), 'lexChannelAssociation')).toEqual([]);
      expect(l).toMatchObject({
        kind: 'lexChannelAssociation',
        id: l.key,
        managed: false,
        extra: { botName: declared.botName, botAlias: declared.botAlias },
      });
      expect(l.version).toMatch(/^[0-9a-f]{64}$/);
      expect(l.version).not.toContain('sandbox');
    }
    expect(sent.some((s) => s.name === 'GetBotChannelAssociation')).toBe(false);
    expect(
      sent
        .filter((s) => s.name === 'GetBotChannelAssociations' && !s.input.nextToken)
        .map((s) => `${s.input.botName}/${s.input.botAlias}`)
        .sort(),
    ).toEqual(['BookTrip/prod', 'OrderFlowers/prod', 'OrderFlowers/staging']);
    expect(sent.every((s) => s.input.maxResults === undefined || s.input.maxResults === 50)).toBe(true);
    expect(logs).toEqual([expect.stringContaining('Vanished')]);
  });

  it('derives no version from the secrets: plans save the version (issue #9)', async () => {
    const readWith = async (clientSecret: string) => {
      const { ctx } = fakeTarget((name) => {
        if (name === 'GetBots') return { bots: [{ name: 'OrderFlowers' }] };
        if (name === 'GetBotAliases') return { BotAliases: [{ name: 'prod' }] };
        const c = {
          name: 'slack',
          botName: 'OrderFlowers',
          botAlias: 'prod',
          type: 'Slack',
          createdDate: new Date('2024-01-01T00:00:00Z'),
        };
        return { botChannelAssociations: [{ ...c, botConfiguration: { clientId: '1.2', clientSecret } }] };
      });
      return (await collect(kind.read(ctx)))[0].version;
    };
    expect(await readWith('first-secret')).toBe(await readWith('other-secret'));
  });

  it('wraps a failed list with the operation', async () => {
    const { ctx } = fakeTarget((name) => {
      if (name === 'GetBots') return { bots: [{ name: 'OrderFlowers' }] };
      throw Object.assign(new Error('bad'), { name: 'BadRequestException' });
    });
    await expect(collect(kind.read(ctx))).rejects.toThrow(
      /lex:GetBotAliases failed for Lex bot "OrderFlowers": BadRequestException: bad/,
    );
  });
});

describe('lexChannelAssociation kind: writes', () => {
  const live: LiveResource = {
    kind: 'lexChannelAssociation',
    key: 'OrderFlowers/staging/orders_sms',
    id: 'OrderFlowers/staging/orders_sms',
    body: liveOf(fixture.base[2]),
    managed: false,
    version: 'v',
    extra: { botName: 'OrderFlowers', botAlias: 'staging' },
  };

  it('refuses create and update: a manual step in the Lex console', async () => {
    const { ctx, sent } = fakeTarget(() => ({}));
    await expect(kind.create(ctx, norm(fixture.base[0]), 't')).rejects.toThrow(
      /cannot create .*"OrderFlowers\/prod\/orders_slack".*manual step in the Lex/,
    );
    await expect(kind.update(ctx, live, norm(fixture.base[2]), ['description'])).rejects.toThrow(
      /manual step in the Lex/,
    );
    expect(sent).toEqual([]);
  });

  it('deletes by bot, alias and name; not found is success', async () => {
    const { ctx, sent } = fakeTarget(() => {
      throw notFound();
    });
    await kind.delete(ctx, live);
    expect(sent).toEqual([
      {
        name: 'DeleteBotChannelAssociation',
        input: { name: 'orders_sms', botName: 'OrderFlowers', botAlias: 'staging' },
      },
    ]);
  });

  it('wraps other delete failures', async () => {
    const { ctx } = fakeTarget(() => {
      throw Object.assign(new Error('busy'), { name: 'ConflictException' });
    });
    await expect(kind.delete(ctx, live)).rejects.toThrow(
      /lex:DeleteBotChannelAssociation failed .*ConflictException: busy/,
    );
  });
});

/**
 * Amazon Lex V1 bot channel associations (`lexChannelAssociations:`): a bot alias published to
 * Facebook, Slack, Twilio SMS or Kik. Identity: `${botName}/${botAlias}/${name}`.
 *
 * The Lex V1 model building API can read and delete an association but has no call that creates
 * or changes one (the console does that), so the kind declares create/update as impossible: the
 * engine reports "missing" and "differs" as `manual` changes and never calls create/update.
 * Lex V1 reached end of support in September 2025 (the model marks every operation deprecated
 * since 2025-09-08); the kind exists to audit and clean up what is left.
 *
 * `botConfiguration` holds the platform credentials (app secrets, tokens): normalize compares
 * its values by digest (secretDigest), and `secretPaths` makes the planner keep those digests,
 * like the values, out of every printed or saved plan (redact.ts). A declaration that omits
 * `botConfiguration` does not manage it (`managedWhenDeclared`): no difference is shown.
 */
import type { BotChannelAssociation, GetBotsCommandOutput } from '@aws-sdk/client-lex-model-building-service';
import { messageWithinTarget, type Problem } from '../errors.js';
import { isNotFound } from '../aws/call-errors.js';
import { canonicalJson, deleteIfPresent, mapConcurrent, pages, pick, prune, secretDigest, sha256 } from './common.js';
import type { AuditContext, Body, DeclaredResource, LiveResource, ResourceKind, TargetContext } from './types.js';

const CONFIG_KEY = 'lexChannelAssociations';

/** BotChannelAssociation's members a config describes (createdDate, status, failureReason are the server's). */
export const LEX_CHANNEL_FIELDS = ['name', 'botName', 'botAlias', 'type', 'description', 'botConfiguration'] as const;

/** The typed form of an association as a config holds it (nothing is sent: the API cannot create). */
export type LexChannelBody = Pick<BotChannelAssociation, (typeof LEX_CHANNEL_FIELDS)[number]>;

/** Bots whose aliases and associations are read at once. */
const BOT_CONCURRENCY = 4;

/** GetBots, GetBotAliases and GetBotChannelAssociations all cap maxResults at 50. */
const PAGE_SIZE = 50;

export function lexChannelKey(body: Body): string {
  return `${String(body.botName ?? '')}/${String(body.botAlias ?? '')}/${String(body.name ?? '')}`;
}

const DIGEST = /^\(sensitive, sha256:[0-9a-f]{12}\)$/;

/** Each value replaced by its digest; already-digested values (a saved plan) stay as they are. */
function hashValues(map: unknown): unknown {
  if (!map || typeof map !== 'object' || Array.isArray(map)) return map;
  const out: Record<string, string> = {};
  for (const k of Object.keys(map).sort()) {
    const v = (map as Record<string, unknown>)[k];
    out[k] = typeof v === 'string' && DIGEST.test(v) ? v : secretDigest(v);
  }
  return out;
}

function normalize(body: Body): Body {
  const out = pick(body, LEX_CHANNEL_FIELDS);
  // AWS returns no description and an empty one alike.
  if (out.description === '') delete out.description;
  if (out.botConfiguration !== undefined) out.botConfiguration = hashValues(out.botConfiguration);
  return prune(out);
}

/**
 * Nothing to add to the schema: the model's shapes carry every rule the documentation states
 * (name patterns, the ChannelType enum, at most 10 botConfiguration entries). The documentation
 * names no required botConfiguration keys per channel type, so none are enforced; and the
 * documented list of channels ("Facebook and Slack, and Twilio") omits Kik, which the enum and
 * real accounts still have, so it is not flagged either.
 */
function audit(_d: DeclaredResource, _ctx: AuditContext): Problem[] {
  return [];
}

function replaceReason(): string | undefined {
  // Nothing is ever replaced: the API cannot create, so every difference is a manual step.
  return undefined;
}

async function* read(ctx: TargetContext): AsyncIterable<LiveResource> {
  const { aws } = ctx;
  const bots = pages(
    async (nextToken): Promise<GetBotsCommandOutput> => {
      try {
        return await aws.call(
          'lex:GetBots',
          () => aws.lex.send(new aws.sdk.lex.GetBotsCommand({ nextToken, maxResults: PAGE_SIZE })),
          { resource: 'Lex V1 bots' },
        );
      } catch (err) {
        if (isNotFound(err)) return { bots: [], $metadata: {} }; // an account without bots
        throw err;
      }
    },
    (page) => page.bots,
  );
  const names = (async function* () {
    for await (const bot of bots) if (bot.name) yield bot.name;
  })();
  for await (const found of mapConcurrent(names, BOT_CONCURRENCY, (botName) => readBot(ctx, botName))) yield* found;
}

/** Every association of every alias of one bot; a bot (or alias) deleted meanwhile has none. */
async function readBot(ctx: TargetContext, botName: string): Promise<LiveResource[]> {
  const { aws } = ctx;
  const aliases: string[] = [];
  const bot = `Lex bot "${botName}"`;
  const gone = await tolerateNotFound(ctx, bot, async () => {
    for await (const alias of pages(
      (nextToken) =>
        aws.call(
          'lex:GetBotAliases',
          () => aws.lex.send(new aws.sdk.lex.GetBotAliasesCommand({ botName, nextToken, maxResults: PAGE_SIZE })),
          { resource: bot },
        ),
      (page) => page.BotAliases,
    )) {
      if (alias.name) aliases.push(alias.name);
    }
  });
  if (gone) return [];
  const out: LiveResource[] = [];
  for (const botAlias of aliases) {
    const found: LiveResource[] = [];
    const alias = `Lex bot "${botName}" alias "${botAlias}"`;
    const aliasGone = await tolerateNotFound(ctx, alias, async () => {
      for await (const assoc of pages(
        (nextToken) =>
          aws.call(
            'lex:GetBotChannelAssociations',
            () =>
              aws.lex.send(
                new aws.sdk.lex.GetBotChannelAssociationsCommand({
                  botName,
                  botAlias,
                  nextToken,
                  maxResults: PAGE_SIZE,
                }),
              ),
            { resource: alias },
          ),
        (page) => page.botChannelAssociations,
      )) {
        found.push(toLive(assoc, botName, botAlias));
      }
    });
    if (!aliasGone) out.push(...found);
  }
  return out;
}

/** Runs `fn`; true when it hit NotFound (the thing was deleted while we read), else rethrows as is. */
async function tolerateNotFound(ctx: TargetContext, what: string, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (err) {
    if (isNotFound(err)) {
      ctx.log(`${what} disappeared while it was read; skipped`);
      return true;
    }
    throw err; // names the target, the API and the bot (AwsClients.call)
  }
}

function toLive(assoc: BotChannelAssociation, botName: string, botAlias: string): LiveResource {
  const body: LexChannelBody = {
    ...pick(assoc, LEX_CHANNEL_FIELDS),
    botName: assoc.botName ?? botName,
    botAlias: assoc.botAlias ?? botAlias,
  };
  const key = lexChannelKey(body);
  // A content hash over the comparable form and the creation date: an association deleted and
  // re-created by hand moves it even when it reads the same. The version is saved in plans, so
  // the secrets count by their keys only: a hash over their values would let a plan's reader
  // test guesses of them. (No API changes an association in place; re-creating moves the date.)
  const version = sha256(
    canonicalJson({ body: withoutSecretValues(normalize(body)), createdDate: assoc.createdDate?.toISOString() ?? '' }),
  );
  return {
    kind: 'lexChannelAssociation',
    key,
    id: key,
    body,
    managed: false,
    version,
    // GetBotChannelAssociation tells when it was created, not when or by whom it last changed.
    attribution: {},
    extra: { botName: body.botName, botAlias: body.botAlias, status: assoc.status, failureReason: assoc.failureReason },
  };
}

function withoutSecretValues(body: Body): Body {
  const config = body.botConfiguration;
  if (!config || typeof config !== 'object') return body;
  return { ...body, botConfiguration: Object.keys(config).sort() };
}

/**
 * AWS ended Lex V1 on 2025-09-15 and says only that requests "will fail" from then on (AWS Health
 * notice; docs/FIDELITY.md, "Lex V1 after end of support"): no source names the answer. So any
 * failure of the read counts as the API no longer answering, whatever it is (the sandbox's
 * BadRequestException, an access denial, an unknown operation, an endpoint that is gone), and the
 * warning quotes it, so a problem of another cause stays visible.
 */
function retiredApi(err: unknown): string {
  // The plan names the target already: the failure without its `target T: `.
  const said = messageWithinTarget(err);
  return `the Lex V1 API no longer answers (AWS ended Lex V1 on 2025-09-15); it said: ${said}`;
}

function manualStep(what: string, body: Body): Error {
  return new Error(
    `the Lex V1 API cannot ${what} bot channel association "${lexChannelKey(body)}": it needs a manual step in the Lex (V1) console ` +
      `(bot ${String(body.botName ?? '')}, alias ${String(body.botAlias ?? '')}, Channels tab)`,
  );
}

async function create(_ctx: TargetContext, desired: Body): Promise<{ id: string; arn?: string }> {
  throw manualStep('create', desired);
}

async function update(_ctx: TargetContext, _live: LiveResource, desired: Body): Promise<void> {
  throw manualStep('change', desired);
}

async function remove(ctx: TargetContext, live: LiveResource): Promise<void> {
  const botName = String(live.extra?.botName ?? live.body.botName ?? '');
  const botAlias = String(live.extra?.botAlias ?? live.body.botAlias ?? '');
  const name = String(live.body.name ?? '');
  await deleteIfPresent(ctx.aws, 'lex:DeleteBotChannelAssociation', `Lex bot channel association "${live.key}"`, () =>
    ctx.aws.lex.send(new ctx.aws.sdk.lex.DeleteBotChannelAssociationCommand({ name, botName, botAlias })),
  );
}

export const lexChannelAssociationKind: ResourceKind<'lexChannelAssociation'> = {
  name: 'lexChannelAssociation',
  configKey: CONFIG_KEY,
  title: 'Lex V1 bot channel association',
  schemaSpec: {
    title: 'Amazon Lex V1 bot channel association',
    service: 'lex-models',
    shape: 'BotChannelAssociation',
    // Only what the user declares; status, createdDate and failureReason are server fields.
    only: ['name', 'description', 'botAlias', 'botName', 'type', 'botConfiguration'],
    required: ['name', 'botName', 'botAlias', 'type'],
  },
  exportOrder: ['name', 'botName', 'botAlias', 'type', 'description', 'botConfiguration'],
  capabilities: { create: false, update: false, delete: true, marker: false, usesContactFlows: false },
  secretPaths: ['botConfiguration'],
  // The platform credentials: a config may declare an association without them (to audit it
  // while the secrets stay in the console); omitted means "not managed", never "should be
  // empty" (no API could empty them anyway).
  managedWhenDeclared: ['botConfiguration'],
  key: lexChannelKey,
  retiredApi,
  audit,
  read,
  normalize,
  replaceReason,
  create,
  update,
  delete: remove,
};

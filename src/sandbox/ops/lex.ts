/**
 * Lex V1 model building operations used by connectform: listing bots, aliases and bot channel
 * associations, reading and deleting one association. Lex V1 has no API that creates an
 * association (the console does it), so associations only come from the seed.
 *
 * Lists are ordered by name, as Lex returns them.
 */
import type { Handlers, OpContext } from '../server.js';
import type { LexBot, LexChannelAssociation, World } from '../world.js';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const contains = (name: string, part: string | undefined) => part === undefined || name.includes(part);

function association(
  world: World,
  input: { botName: string; botAlias: string; name: string },
  ctx: OpContext,
): { bot: LexBot; assoc: LexChannelAssociation } {
  const bot = world.lex.bots[input.botName];
  const assoc = bot?.channelAssociations.find((c) => c.botAlias === input.botAlias && c.name === input.name);
  if (!bot || !assoc)
    return ctx.notFound(
      `Could not find bot channel association ${input.name} for bot ${input.botName} and alias ${input.botAlias}.`,
    );
  return { bot, assoc };
}

export const lexOps: Handlers = {
  GetBots(world, input, ctx) {
    const bots = Object.values(world.lex.bots)
      .filter((b) => contains(b.name, input.nameContains))
      .sort(byName);
    const { page, nextToken } = ctx.paginate(bots);
    return {
      bots: page.map((b) => ({
        name: b.name,
        description: b.description,
        status: b.status,
        version: b.version,
        createdDate: b.createdDate,
        lastUpdatedDate: b.lastUpdatedDate,
      })),
      nextToken,
    };
  },

  GetBotAliases(world, input, ctx) {
    // GetBotAliases declares no NotFoundException: an unknown bot simply has no aliases.
    const bot = world.lex.bots[input.botName];
    const aliases = Object.values(bot?.aliases ?? {})
      .filter((a) => contains(a.name, input.nameContains))
      .sort(byName);
    const { page, nextToken } = ctx.paginate(aliases);
    return { BotAliases: page.map((a) => ({ ...a, botName: input.botName })), nextToken };
  },

  GetBotChannelAssociations(world, input, ctx) {
    // botAlias "-" (allowed by AliasNameOrListAll's pattern) lists the associations of every alias;
    // nameContains "-" returns every association ("To return all bot channel associations, use a
    // hyphen", the operation's nameContains doc), not only names holding a hyphen.
    const bot = world.lex.bots[input.botName];
    const nameContains = input.nameContains === '-' ? undefined : input.nameContains;
    const found = (bot?.channelAssociations ?? [])
      .filter((c) => (input.botAlias === '-' || c.botAlias === input.botAlias) && contains(c.name, nameContains))
      .sort((a, b) => byName(a, b) || (a.botAlias < b.botAlias ? -1 : a.botAlias > b.botAlias ? 1 : 0));
    const { page, nextToken } = ctx.paginate(found);
    return { botChannelAssociations: page.map((c) => ({ ...c, botName: input.botName })), nextToken };
  },

  GetBotChannelAssociation(world, input, ctx) {
    const { assoc } = association(world, input, ctx);
    return { ...assoc, botName: input.botName };
  },

  DeleteBotChannelAssociation(world, input, ctx) {
    const { bot, assoc } = association(world, input, ctx);
    bot.channelAssociations = bot.channelAssociations.filter((c) => c !== assoc);
    return undefined;
  },
};

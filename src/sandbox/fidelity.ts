/**
 * Behaviours AWS documents beyond the models' shapes, which the sandbox models so that tests
 * cannot pass on a belief the client and the sandbox share: client tokens that outlive their
 * resource, eventual consistency, and Lex V1 past its end of support. docs/FIDELITY.md lists
 * each with its source and the test that covers it.
 */
import type { ServiceName } from '../aws/models.js';
import { ApiError } from './protocol.js';
import type { World } from './world.js';
import type { Violation } from './validate.js';

export interface FidelityOptions {
  /**
   * How long a client token is remembered after its first use, deleted resource or not; a
   * replay inside the window answers the original result. Default DEFAULT_TOKEN_WINDOW_MS.
   */
  tokenWindowMs?: number;
  /**
   * true: forget a create's client token when its resource is deleted (the sandbox's old
   * behaviour, which AWS does not document). Default false.
   */
  forgetTokensOnDelete?: boolean;
  /** New, changed and deleted resources reach reads, tag calls, custom action links and name checks this late. Default 0. */
  consistencyDelayMs?: number;
  /**
   * 'retired' (the default): every Lex V1 model building call fails, as AWS says it does since
   * 2025-09-15. 'available': Lex V1 answers, as before (opt-in, for the history).
   */
  lexV1?: 'retired' | 'available';
  /**
   * What UpdateCustomAction does with AliasName and Attachments left out: 'keep' (AWS's own
   * example for the operation, the default) or 'clear' (the other reading, which nothing in the
   * API reference rules out). Tests run connectform under both (docs/FIDELITY.md).
   */
  customActionUpdateOmitted?: 'keep' | 'clear';
  /**
   * How many templates ListTaskTemplates answers when no MaxResults is sent. The docs do not say
   * (a known unknown in docs/FIDELITY.md); default: every match. Tests set 100 to check that
   * connectform also works when AWS caps it.
   */
  taskTemplatesDefaultPage?: number;
  /**
   * How DescribeRule returns a rule's Function: 'stored' (as CreateRule / UpdateRule sent it, the
   * default) or 'reformat' (the same JSON value with other key order and spacing, as a service
   * that stores the parsed document might answer). Tests run connectform under both to prove a
   * live Function written differently is no change (docs/FIDELITY.md).
   */
  ruleFunctionEcho?: 'stored' | 'reformat';
}

/**
 * Connect documents one client token lifetime, 7 days (StartOutboundChatContact's ClientToken:
 * "The token is valid for 7 days after creation"); CreateRule, CreateTaskTemplate and Chatbot's
 * CreateCustomAction name none. The longest documented one is the stricter reading.
 */
export const DEFAULT_TOKEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export const LEX_V1_END_OF_SUPPORT = '2025-09-15';

/**
 * The answer every Lex V1 call gets once it is retired. AWS says requests "will fail" without
 * naming the error; BadRequestException is the model's non-retryable client error, and unlike
 * NotFoundException it cannot be read as "already deleted".
 */
export function retiredService(service: ServiceName, lexV1: FidelityOptions['lexV1']): ApiError | undefined {
  if (service !== 'lex-models' || lexV1 === 'available') return undefined;
  return new ApiError(
    'BadRequestException',
    `Amazon Lex V1 reached end of support on ${LEX_V1_END_OF_SUPPORT}: its APIs no longer answer. Migrate the bot to Amazon Lex V2.`,
  );
}

/**
 * The world as eventually consistent reads see it: the state as of `delay` ms ago. Every write
 * records a copy of the world; a read at time t is served from the latest copy made at or
 * before t - delay. With no delay it is the live world and nothing is copied.
 */
export class ConsistencyView {
  private history: { at: number; world: World }[] = [];

  constructor(private readonly delayMs: number) {}

  get enabled(): boolean {
    return this.delayMs > 0;
  }

  /** The world as it stands is visible at once (the seed, a loaded state file). */
  settle(world: World): void {
    this.history = this.enabled ? [{ at: -Infinity, world: structuredClone(world) }] : [];
  }

  /** After a write at `at`. */
  record(at: number, world: World): void {
    if (this.enabled) this.history.push({ at, world: structuredClone(world) });
  }

  /** What reads see at `now`; the live world when there is no delay. */
  at(now: number, live: World): World {
    if (!this.enabled || !this.history.length) return live;
    const cutoff = now - this.delayMs;
    let i = 0;
    while (i + 1 < this.history.length && this.history[i + 1].at <= cutoff) i++;
    // Older copies can never be seen again: time only moves forward.
    if (i > 0) this.history.splice(0, i);
    return this.history[0].world;
  }
}

/**
 * Values an operation's documentation allows although its member's pattern does not: Lex V1's
 * GetBotChannelAssociations says "To return all bot channel associations, use a hyphen ("-") as
 * the nameContains parameter", while nameContains' BotChannelName pattern has no hyphen.
 */
const DOCUMENTED_BEYOND_PATTERN: { api: string; member: string; value: string }[] = [
  { api: 'lex:GetBotChannelAssociations', member: 'nameContains', value: '-' },
];

export function allowedByDocs(api: string, input: Record<string, unknown>, violation: Violation): boolean {
  return DOCUMENTED_BEYOND_PATTERN.some(
    (d) => d.api === api && violation.path === d.member && input[d.member] === d.value,
  );
}

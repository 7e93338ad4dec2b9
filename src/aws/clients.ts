/**
 * The SDK clients of one target and the single door every AWS call goes through: `call()`
 * paces by the API's token bucket, caps concurrency at `parallelism`, and retries throttling,
 * 5xx and dropped connections with jittered backoff. The SDK's own retries are turned off so
 * that each attempt is paced and counted here.
 */
import * as connectSdk from '@aws-sdk/client-connect';
import * as lexSdk from '@aws-sdk/client-lex-model-building-service';
import { ConnectClient } from '@aws-sdk/client-connect';
import { LexModelBuildingServiceClient } from '@aws-sdk/client-lex-model-building-service';
import { ChatbotClient } from './chatbot.js';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import pLimit, { type LimitFunction } from 'p-limit';
import { AdaptiveBucket, CHECK_IN_MS, type QuotaTable, sleep, type Slot } from './pacing.js';
import { backoffMs, classifyFailure } from './retry.js';
import {
  attemptCeilingMs,
  endpointHost,
  hostOf,
  isTimeout,
  noAnswerError,
  rememberHost,
  requestHandlerOptions,
  resolveTimeouts,
  type TimeoutOptions,
} from './timeouts.js';
import { RemoteError } from '../errors.js';
import { lagClock, type LagClock } from './lag.js';
import { AwsCallError } from './call-errors.js';
import { CHATBOT_REGIONS } from './chatbot-regions.js';

export { AwsCallError, describeAwsError, isNotFound, remedyFor, rootCause } from './call-errors.js';
export { CHATBOT_REGIONS } from './chatbot-regions.js';

export interface AwsClientOptions extends TimeoutOptions {
  /** The target's name, for error messages. */
  target?: string;
  /** Where the target's instanceId is written, for the error of a call to an instance that does not exist. */
  instanceIdAt?: string;
  region: string;
  /** AWS Chatbot answers in four regions only; custom actions belong to the account. */
  chatbotRegion?: string;
  /** Endpoint override (the sandbox, or a VPC endpoint). */
  endpoint?: string;
  /** Keys or a provider (see credentials.ts); when absent the SDK's default chain (env, profile, SSO, IMDS...) is used. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Most requests in flight at once across all APIs of this target. */
  parallelism: number;
  quotas: QuotaTable;
  /**
   * The pacing bucket of an API in a region (the account-wide budget shares it between the
   * targets of one account: quota-budget.ts). Default: a bucket of this client's own per API.
   */
  pacing?: (api: string, region: string) => PacingBucket;
  /** Attempts per call, first included. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  random?: () => number;
  /** Monotonic clock (ms) for the call budget. */
  now?: () => number;
  /** What waits for AWS's eventual consistency run on (lag.ts); default the process's. */
  lagClock?: LagClock;
}

/**
 * The SDK's command classes, reached through the clients that send them: this module is the one
 * that loads the AWS SDK, and only commands that call AWS load it (src/cli/runtime.ts), so the
 * kinds, which `validate` and `--help` load too, take their commands from here at call time.
 * Chatbot has none: its client (chatbot.ts) takes the operation's name.
 */
export const sdk = { connect: connectSdk, lex: lexSdk } as const;

/** What call() needs of a pacing bucket (pacing.ts AdaptiveBucket). */
export interface PacingBucket {
  reserveSlot(): Slot;
  /** Once the wait is over: go (waitMs 0), or wait again when the rate dropped meanwhile. */
  confirm(slot: Slot): Slot;
  /** The server throttled the call reserved with `ticket`. */
  throttled(ticket: number): void;
}

/** What a call is about, for its error (the API and the target the client knows). */
export interface CallAbout {
  /** As a user names it: `rule "r"`, `task template "t"`, `instance 1234…`. */
  resource?: string;
}

export interface CallStats {
  calls: number;
  attempts: number;
  throttled: number;
  transient: number;
  failed: number;
}

export class AwsClients {
  /** The command classes of the clients below (see `sdk`). */
  readonly sdk = sdk;
  readonly connect: ConnectClient;
  readonly chatbot: ChatbotClient;
  readonly lex: LexModelBuildingServiceClient;
  readonly chatbotRegion: string;
  /** Waits for eventual consistency (kinds pass it to lag.ts's untilVisible / untilNameFree). */
  readonly lag: LagClock;
  private readonly timeouts: Required<TimeoutOptions>;
  /** What every client of the target is built with. */
  private readonly common: {
    region: string;
    endpoint?: string;
    credentials?: AwsClientOptions['credentials'];
    maxAttempts: number;
    requestHandler: ReturnType<typeof requestHandlerOptions>;
  };
  private sts?: STSClient;
  private readonly limit: LimitFunction;
  private readonly buckets = new Map<string, PacingBucket>();
  private readonly counters = new Map<string, CallStats>();

  constructor(readonly options: AwsClientOptions) {
    this.timeouts = resolveTimeouts(options);
    this.lag = options.lagClock ?? lagClock();
    this.common = {
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxAttempts: 1,
      requestHandler: requestHandlerOptions(this.timeouts),
    };
    const common = this.common;
    this.connect = new ConnectClient(common);
    this.chatbotRegion =
      options.chatbotRegion ?? (CHATBOT_REGIONS.includes(options.region) ? options.region : CHATBOT_REGIONS[0]);
    // Refuses to send outside CHATBOT_REGIONS (config validation refuses such a chatbotRegion first).
    this.chatbot = new ChatbotClient({
      region: this.chatbotRegion,
      endpoint: common.endpoint,
      credentials: common.credentials,
      requestHandler: common.requestHandler,
    });
    this.lex = new LexModelBuildingServiceClient(common);
    for (const client of [this.connect, this.lex]) rememberHost(client);
    this.limit = pLimit(Math.max(1, options.parallelism));
  }

  /**
   * Run one AWS request for `api` ('connect:ListRules') under the quota, with retries. The time
   * spent in attempts and backoffs is bounded by the call budget (waits for a token or a free
   * slot are pacing, not the endpoint's silence, and do not count): a retry starts only when it
   * could still finish within it. A failure leaves as one RemoteError naming the target, `api`
   * and `about.resource`: the only place an AWS failure is wrapped (kinds and the session pass it
   * on as it is).
   */
  async call<T>(api: string, send: () => Promise<T>, about: CallAbout = {}): Promise<T> {
    const stats = this.statsFor(api);
    stats.calls++;
    const maxAttempts = this.options.maxAttempts ?? 8;
    const now = this.options.now ?? (() => performance.now());
    let spent = 0;
    for (let attempt = 0; ; attempt++) {
      const bucket = this.bucketFor(api);
      let slot = bucket.reserveSlot();
      do {
        if (slot.waitMs > 0) await sleep(Math.min(slot.waitMs, CHECK_IN_MS));
        slot = bucket.confirm(slot);
      } while (slot.waitMs > 0);
      const { ticket } = slot;
      stats.attempts++;
      let started: number | undefined;
      try {
        return await this.limit(() => {
          started = now();
          return send();
        });
      } catch (err) {
        if (started !== undefined) spent += now() - started;
        const failure = classifyFailure(err);
        if (failure === 'throttled') {
          stats.throttled++;
          bucket.throttled(ticket);
        } else if (failure === 'transient') {
          stats.transient++;
        }
        const backoff = backoffMs(
          attempt,
          this.options.retryBaseMs ?? 100,
          this.options.retryCapMs ?? 5000,
          this.options.random,
        );
        const overBudget = spent + backoff + attemptCeilingMs(this.timeouts) > this.timeouts.callBudgetMs;
        if (failure === 'permanent' || attempt + 1 >= maxAttempts || overBudget) {
          stats.failed++;
          const where = { api, target: this.options.target, resource: about.resource };
          if (isTimeout(err)) throw noAnswerError(where, err, hostOf(err, this.hostFor(api)), this.timeouts);
          // Already ours (a credential provider's AssumeRole that timed out, a profile that does
          // not exist): it names its own API and cure.
          if (err instanceof RemoteError) throw err;
          throw new AwsCallError(where, err, hostOf(err, this.hostFor(api)), this.options.instanceIdAt);
        }
        await sleep(backoff);
        spent += backoff;
      }
    }
  }

  /**
   * Who the credentials are (sts:GetCallerIdentity), through call() like every request. The STS
   * client is loaded on first use: commands that never call AWS do not pay for it.
   */
  async callerIdentity(about: CallAbout = {}): Promise<{ Account?: string; Arn?: string; UserId?: string }> {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    if (!this.sts) {
      this.sts = new STSClient(this.common);
      rememberHost(this.sts);
    }
    const sts = this.sts;
    return this.call('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})), about);
  }

  /** The target these clients call for (what their errors name). */
  get target(): string | undefined {
    return this.options.target;
  }

  /** The host a call to `api` goes to, for messages when the error does not carry it. */
  private hostFor(api: string): string {
    const prefix = api.split(':')[0];
    return endpointHost(this.options.endpoint, prefix === 'lex' ? 'models.lex' : prefix, this.regionOf(api));
  }

  /** The region a call to `api` goes to: Chatbot's own, else the target's. */
  private regionOf(api: string): string {
    return api.startsWith('chatbot:') ? this.chatbotRegion : this.options.region;
  }

  /** Per-API counters of this process (the bench and `--debug` print them). */
  stats(): Record<string, CallStats> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  destroy(): void {
    this.connect.destroy();
    this.chatbot.destroy();
    this.lex.destroy();
    this.sts?.destroy();
  }

  /** Asked on every attempt: a shared budget may move the target to its account's buckets once known. */
  private bucketFor(api: string): PacingBucket {
    if (this.options.pacing) return this.options.pacing(api, this.regionOf(api));
    let b = this.buckets.get(api);
    if (!b) {
      b = new AdaptiveBucket(this.options.quotas.for(api));
      this.buckets.set(api, b);
    }
    return b;
  }

  private statsFor(api: string): CallStats {
    let s = this.counters.get(api);
    if (!s) {
      s = { calls: 0, attempts: 0, throttled: 0, transient: 0, failed: 0 };
      this.counters.set(api, s);
    }
    return s;
  }
}

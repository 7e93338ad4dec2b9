/**
 * The SDK clients of one target and the single door every AWS call goes through: `call()`
 * paces by the API's token bucket, caps concurrency at `parallelism`, and retries throttling,
 * 5xx and dropped connections with jittered backoff. The SDK's own retries are turned off so
 * that each attempt is paced and counted here.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { ChatbotClient } from '@aws-sdk/client-chatbot';
import { LexModelBuildingServiceClient } from '@aws-sdk/client-lex-model-building-service';
import pLimit, { type LimitFunction } from 'p-limit';
import { QuotaTable, TokenBucket, sleep } from './pacing.js';
import { backoffMs, classifyFailure } from './retry.js';
import { RemoteError } from '../errors.js';

export interface AwsClientOptions {
  region: string;
  /** AWS Chatbot answers in four regions only; custom actions belong to the account. */
  chatbotRegion?: string;
  /** Endpoint override (the sandbox, or a VPC endpoint). */
  endpoint?: string;
  /** Static credentials; when absent the SDK's default chain (env, profile, SSO, IMDS...) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Most requests in flight at once across all APIs of this target. */
  parallelism: number;
  quotas: QuotaTable;
  /** Attempts per call, first included. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  random?: () => number;
}

/** Where the AWS Chatbot API answers (its service documentation in the model). */
export const CHATBOT_REGIONS = ['us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-west-1'];

export interface CallStats {
  calls: number;
  attempts: number;
  throttled: number;
  transient: number;
  failed: number;
}

export class AwsClients {
  readonly connect: ConnectClient;
  readonly chatbot: ChatbotClient;
  readonly lex: LexModelBuildingServiceClient;
  readonly chatbotRegion: string;
  private readonly limit: LimitFunction;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly counters = new Map<string, CallStats>();

  constructor(readonly options: AwsClientOptions) {
    const common = {
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxAttempts: 1,
    };
    this.connect = new ConnectClient(common);
    this.chatbotRegion = options.chatbotRegion ?? (CHATBOT_REGIONS.includes(options.region) ? options.region : CHATBOT_REGIONS[0]);
    this.chatbot = new ChatbotClient({ ...common, region: this.chatbotRegion });
    this.lex = new LexModelBuildingServiceClient(common);
    this.limit = pLimit(Math.max(1, options.parallelism));
  }

  /** Run one AWS request for `api` ('connect:ListRules') under the quota, with retries. */
  async call<T>(api: string, send: () => Promise<T>): Promise<T> {
    const stats = this.statsFor(api);
    stats.calls++;
    const bucket = this.bucketFor(api);
    const maxAttempts = this.options.maxAttempts ?? 8;
    for (let attempt = 0; ; attempt++) {
      const wait = bucket.reserve();
      if (wait > 0) await sleep(wait);
      stats.attempts++;
      try {
        return await this.limit(send);
      } catch (err) {
        const failure = classifyFailure(err);
        if (failure === 'throttled') {
          stats.throttled++;
          bucket.penalize();
        } else if (failure === 'transient') {
          stats.transient++;
        }
        if (failure === 'permanent' || attempt + 1 >= maxAttempts) {
          stats.failed++;
          throw err;
        }
        await sleep(backoffMs(attempt, this.options.retryBaseMs ?? 100, this.options.retryCapMs ?? 5000, this.options.random));
      }
    }
  }

  /** Per-API counters of this process (the bench and `--debug` print them). */
  stats(): Record<string, CallStats> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  destroy(): void {
    this.connect.destroy();
    this.chatbot.destroy();
    this.lex.destroy();
  }

  private bucketFor(api: string): TokenBucket {
    let b = this.buckets.get(api);
    if (!b) {
      b = new TokenBucket(this.options.quotas.for(api));
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

/** Name of an SDK error for messages: `ResourceNotFoundException: Rule not found`. */
export function describeAwsError(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

export function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'ResourceNotFoundException' || name === 'NotFoundException';
}

/** Wrap a failed call as a RemoteError naming the operation and the resource. */
export function remoteError(api: string, what: string, err: unknown): RemoteError {
  return new RemoteError(`${api} failed for ${what}: ${describeAwsError(err)}`, api, err);
}

/**
 * The account-wide quota budget. AWS enforces Connect's API quotas per account and region, not
 * per instance (Service Quotas: "Account level quotas ... apply to all Amazon Connect instances in
 * this account and Region", docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html).
 * So one process hands every target of the same account and region the same bucket per API:
 * twenty instances in one account pace together at 2 req/s, not at 20 × 2.
 *
 * The account is known from the target's `accountId`, from its roleArn, or once STS has answered
 * (verifyIdentity). Until then, targets with the same credentials in the same region count as one
 * account: the same keys act in the same account. The credentials are keyed by a digest only, so
 * a key never holds (nor prints) a profile name, a role or an access key id.
 */
import { createHash } from 'node:crypto';
import { AdaptiveBucket, type AimdOptions, type Quota } from './pacing.js';

export interface QuotaBudgetOptions {
  /** Monotonic clock (ms) of every bucket; tests inject one. */
  now?: () => number;
  aimd?: AimdOptions;
}

/** The buckets of one process (or one CLI run), by account (or credentials), region and API. */
export class QuotaBudget {
  private readonly buckets = new Map<string, AdaptiveBucket>();

  constructor(private readonly options: QuotaBudgetOptions = {}) {}

  /**
   * The shared bucket of `api` in `scope` (an account or credentials digest, and a region). The first target to use it sets its
   * quota: targets of one account share one documented quota, whatever each says.
   */
  bucket(scope: string, api: string, quota: Quota): AdaptiveBucket {
    const key = `${scope} ${api}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = new AdaptiveBucket(quota, this.options.now, this.options.aimd);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** How many buckets exist (one per account or credentials, region and API used). */
  get size(): number {
    return this.buckets.size;
  }
}

const credentialsDigest = (credentials: string) => createHash('sha256').update(credentials).digest('hex').slice(0, 16);

/** The account id an ARN names (`arn:aws:iam::123456789012:role/x` → 123456789012). */
export function accountOfArn(arn: string | undefined): string | undefined {
  return /^arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):/.exec(arn ?? '')?.[1];
}

/**
 * One target's view of the budget: it asks for buckets by API and region, and moves from the
 * credentials' scope to the account's once the account is learned.
 */
export class TargetBudget {
  /** Only the digest is kept. */
  private readonly credentials: string;

  constructor(
    private readonly budget: QuotaBudget,
    /** What identifies the credentials (a profile, a role ARN, an access key id). */
    credentials: string,
    private account?: string,
  ) {
    this.credentials = credentialsDigest(credentials);
  }

  /** The account is known now (sts:GetCallerIdentity answered). */
  learnAccount(account: string): void {
    if (account) this.account = account;
  }

  /** Where the target's calls are counted: its account when known, else its credentials. */
  scope(region: string): string {
    return this.account ? `account:${this.account}/${region}` : `credentials:${this.credentials}/${region}`;
  }

  bucket(api: string, region: string, quota: Quota): AdaptiveBucket {
    return this.budget.bucket(this.scope(region), api, quota);
  }
}

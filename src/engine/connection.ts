/**
 * A target's connection to AWS: its credentials, its SDK clients (paced under the run's quota
 * budget) and who those credentials are (sts:GetCallerIdentity, once). It reads no config file:
 * it is given a validated target (config/index.ts validateFor), and it plans nothing (session.ts
 * does). Creating one makes no call.
 */
import type { ResolvedTargetConfig, TargetSettings } from '../config/index.js';
import { AwsClients } from '../aws/clients.js';
import {
  targetCredentials,
  type SharedFiles,
  type StaticCredentials,
  type TargetCredentials,
} from '../aws/credentials.js';
import { QuotaTable } from '../aws/pacing.js';
import { QuotaBudget, TargetBudget, accountOfArn } from '../aws/quota-budget.js';
import type { TimeoutOptions } from '../aws/timeouts.js';
import { connectableEndpoint } from '../config/endpoints.js';
import { SafetyError, formatPos } from '../errors.js';
import { sensitiveMarker } from '../sensitive.js';

export interface ConnectionOptions extends TimeoutOptions {
  /** Endpoint override for every client of the target (the sandbox). */
  endpoint?: string;
  /** Static credentials (the sandbox takes any); they win over any profile, and a roleArn is assumed from them. */
  credentials?: StaticCredentials;
  region?: string;
  /** Region of the AWS Chatbot client (custom actions); default: the target's, if Chatbot serves it. */
  chatbotRegion?: string;
  /** Overrides every target's `profile` (--profile). */
  profile?: string;
  /** Shared config/credentials files to read profiles from (default: the SDK's). */
  sharedFiles?: SharedFiles;
  /** Multiply every quota (the bench, the fast in-process sandbox). */
  quotaScale?: number;
  /**
   * The quota buckets shared by every connection of the run: targets in one account and region
   * pace together (quota-budget.ts). Default: a budget of this connection's own.
   */
  quotaBudget?: QuotaBudget;
}

export class TargetConnection {
  readonly aws: AwsClients;
  /** The region the target's calls go to (--region wins over the target's). */
  readonly region: string;
  private readonly credentials: TargetCredentials;
  private readonly budget: TargetBudget;
  private account?: Promise<string>;

  constructor(
    private readonly target: ResolvedTargetConfig,
    /** Quotas and parallelism (the session's settings, --parallelism applied). */
    settings: Pick<TargetSettings, 'quotas' | 'parallelism'>,
    options: ConnectionOptions = {},
    /** Where `instanceId` came from when it was sensitive (env): messages show its marker only. */
    private readonly instanceIdSources?: string[],
  ) {
    const region = options.region ?? target.region;
    this.region = region;
    // `localhost` as 127.0.0.1: a loopback endpoint's name is never looked up (config/endpoints.ts).
    const endpoint = connectableEndpoint(options.endpoint ?? target.endpoint);
    const timeouts: TimeoutOptions = {
      connectTimeoutMs: options.connectTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      callBudgetMs: options.callBudgetMs,
    };
    // Each target its own provider: never process.env, which every target of the run shares.
    this.credentials = targetCredentials({
      target: target.name,
      region,
      endpoint,
      profile: options.profile ?? target.profile,
      roleArn: target.roleArn,
      externalId: target.externalId,
      roleSessionName: target.roleSessionName,
      staticCredentials: options.credentials,
      sharedFiles: options.sharedFiles,
      ...timeouts,
    });
    const quotas = new QuotaTable(settings.quotas, options.quotaScale ?? 1);
    // The account before STS answers: the target's accountId, else its role's; else the credentials stand for it.
    const budget = new TargetBudget(
      options.quotaBudget ?? new QuotaBudget(),
      this.credentials.source,
      target.accountId ?? accountOfArn(target.roleArn),
    );
    this.budget = budget;
    this.aws = new AwsClients({
      target: target.name,
      instanceIdAt: `targets.${target.name}.instanceId at ${formatPos(target.instanceIdPos ?? target.pos)}`,
      region,
      chatbotRegion: options.chatbotRegion ?? target.chatbotRegion,
      endpoint,
      credentials: this.credentials.provider,
      parallelism: settings.parallelism,
      quotas,
      pacing: (api, apiRegion) => budget.bucket(api, apiRegion, quotas.for(api)),
      ...timeouts,
    });
  }

  /**
   * Which account the credentials act in (sts:GetCallerIdentity, once per connection): a target
   * whose `accountId` names another account is refused before any Connect, Chatbot or Lex call.
   */
  accountId(): Promise<string> {
    this.account ??= this.learnAccount();
    return this.account;
  }

  private async learnAccount(): Promise<string> {
    const name = this.target.name;
    // A failure names the target, the API and the credentials, with what to do (AwsClients.call).
    const who = await this.aws.callerIdentity({ resource: `credentials from ${this.credentials.source}` });
    const actual = who.Account ?? '';
    const expected = this.target.accountId;
    if (expected && actual !== expected) {
      throw new SafetyError(
        `${formatPos(this.target.accountIdPos ?? this.target.pos)}: target ${name}: accountId is ${expected} but the credentials (${this.credentials.source}) belong to account ${actual} (${who.Arn ?? 'unknown identity'}); ` +
          `use credentials for account ${expected} (the target's profile or roleArn), or correct accountId`,
      );
    }
    // An instance named by its ARN (config/resolve.ts) belongs to the ARN's account.
    const instanceAccount = this.target.instanceAccountId;
    if (instanceAccount && actual !== instanceAccount) {
      const shown = this.instanceIdSources ? `${sensitiveMarker(this.instanceIdSources)}'s` : instanceAccount;
      throw new SafetyError(
        `${formatPos(this.target.instanceIdPos ?? this.target.pos)}: target ${name}: instanceId is the ARN of an instance in account ${shown}, but the credentials (${this.credentials.source}) belong to account ${actual} (${who.Arn ?? 'unknown identity'}); ` +
          `use credentials for account ${shown} (the target's profile or roleArn), or the ARN of an instance in account ${actual}`,
      );
    }
    this.budget.learnAccount(actual);
    return actual;
  }

  /** Calls per API made through this connection (the bench and --debug print them). */
  callStats() {
    return this.aws.stats();
  }

  close(): void {
    this.aws.destroy();
    this.credentials.destroy();
  }
}

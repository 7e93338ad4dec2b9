/**
 * Credentials per target. Each target's clients get their own provider, built from the target's
 * settings alone and never from process.env mutations: a `--target all` run over several accounts
 * must act with each account's own identity.
 *
 * Base credentials, first that applies: static keys given in code (the CLI's --sandbox), the
 * profile (--profile, else the target's) read with the SDK's ini provider, the sandbox's dummy
 * keys for a target on a loopback endpoint that names neither profile nor role, else the SDK's
 * default chain. With `roleArn` the target assumes that role through STS from the base
 * credentials (at the target's endpoint when it has one), and refreshes it before it expires.
 */
import type { AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { RemoteError } from '../errors.js';
import { describeAwsError } from './clients.js';
import {
  endpointHost,
  hostOf,
  isTimeout,
  noAnswerError,
  rememberHost,
  requestHandlerOptions,
  resolveTimeouts,
  type TimeoutOptions,
} from './timeouts.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Shared config and credentials files to read profiles from (default: the SDK's, ~/.aws/...). */
export interface SharedFiles {
  configFile?: string;
  credentialsFile?: string;
}

export interface TargetCredentialOptions extends TimeoutOptions {
  target: string;
  region: string;
  endpoint?: string;
  profile?: string;
  roleArn?: string;
  externalId?: string;
  roleSessionName?: string;
  staticCredentials?: StaticCredentials;
  sharedFiles?: SharedFiles;
  /** Clock for the refresh decision (tests). */
  now?: () => number;
}

export interface TargetCredentials {
  /** For the clients' `credentials`; undefined = the SDK's default chain. */
  provider?: AwsCredentialIdentityProvider;
  /** Where the credentials come from, for messages: `profile 'prod'`, `role arn:... (from profile 'prod')`. */
  source: string;
  destroy(): void;
}

/** Refresh an assumed role this long before its credentials expire. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export const defaultRoleSessionName = (target: string) =>
  `connectform-${target}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);

export function targetCredentials(options: TargetCredentialOptions): TargetCredentials {
  const base = baseCredentials(options);
  if (!options.roleArn) return { provider: base.provider, source: base.source, destroy: () => {} };
  const role = new AssumedRole(options, base);
  return {
    provider: role.provide,
    source: `role ${options.roleArn} (from ${base.source})`,
    destroy: () => role.destroy(),
  };
}

function baseCredentials(options: TargetCredentialOptions): {
  provider?: AwsCredentialIdentityProvider;
  source: string;
} {
  if (options.staticCredentials) {
    const keys = options.staticCredentials;
    return { provider: async () => keys, source: `access key ${keys.accessKeyId}` };
  }
  if (options.profile) {
    const files = options.sharedFiles ?? {};
    const init = {
      profile: options.profile,
      ...(files.configFile ? { configFilepath: files.configFile } : {}),
      ...(files.credentialsFile ? { filepath: files.credentialsFile } : {}),
    };
    // Loaded on first use, like the STS client: commands that never call AWS do not pay for it.
    let ini: Promise<AwsCredentialIdentityProvider> | undefined;
    const provider: AwsCredentialIdentityProvider = async (props) => {
      ini ??= import('@aws-sdk/credential-provider-ini').then((m) => m.fromIni(init));
      return (await ini)(props);
    };
    return { provider, source: `profile '${options.profile}'` };
  }
  if (!options.roleArn) {
    const dummy = loopbackCredentials(options.endpoint);
    if (dummy) return { provider: async () => dummy, source: 'the sandbox credentials' };
  }
  return { source: 'the default credential chain' };
}

/** A loopback endpoint is the sandbox, which accepts any signature: don't require real credentials. */
export function loopbackCredentials(endpoint: string | undefined): StaticCredentials | undefined {
  if (!endpoint) return undefined;
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1') {
    return {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'sandbox',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'sandbox',
    };
  }
  return undefined;
}

/**
 * One role session per target, shared by all of its clients: the SDK clients each memoize what a
 * provider returns, so without this cache each would assume the role on its own.
 */
class AssumedRole {
  private sts?: STSClient;
  private current?: AwsCredentialIdentity;
  private pending?: Promise<AwsCredentialIdentity>;
  private readonly now: () => number;

  constructor(
    private readonly options: TargetCredentialOptions,
    private readonly base: { provider?: AwsCredentialIdentityProvider; source: string },
  ) {
    this.now = options.now ?? Date.now;
  }

  readonly provide: AwsCredentialIdentityProvider = async () => {
    const c = this.current;
    if (c && (!c.expiration || c.expiration.getTime() - REFRESH_MARGIN_MS > this.now())) return c;
    this.pending ??= this.assume().finally(() => (this.pending = undefined));
    return this.pending;
  };

  private async assume(): Promise<AwsCredentialIdentity> {
    const { target, roleArn, externalId } = this.options;
    const api = 'sts:AssumeRole';
    const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/client-sts');
    if (!this.sts) {
      this.sts = new STSClient({
        region: this.options.region,
        endpoint: this.options.endpoint,
        credentials: this.base.provider,
        // Two attempts: the SDK retries a dropped connection once, and the timeouts bound both.
        maxAttempts: 2,
        requestHandler: requestHandlerOptions(resolveTimeouts(this.options)),
      });
      rememberHost(this.sts);
    }
    let out: AssumeRoleCommandOutput;
    try {
      out = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: this.options.roleSessionName ?? defaultRoleSessionName(target),
          ...(externalId ? { ExternalId: externalId } : {}),
        }),
      );
    } catch (err) {
      if (isTimeout(err))
        throw noAnswerError(
          { api, target, resource: `role ${roleArn} (from ${this.base.source})` },
          err,
          hostOf(err, endpointHost(this.options.endpoint, 'sts', this.options.region)),
          resolveTimeouts(this.options),
        );
      throw new RemoteError(
        { api, target, resource: `role ${roleArn} (from ${this.base.source})` },
        `${describeAwsError(err)}; check the role's trust policy, the target's externalId and the base credentials`,
        err,
      );
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new RemoteError(
        { api, target, resource: `role ${roleArn} (from ${this.base.source})` },
        'AWS returned no credentials',
      );
    this.current = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    return this.current;
  }

  destroy(): void {
    this.sts?.destroy();
  }
}

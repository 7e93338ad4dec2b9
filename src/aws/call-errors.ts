/**
 * What a failed AWS call becomes: one error naming the target, the API and the resource, what AWS
 * said and, where known, what to do (made by AwsClients.call, never re-wrapped). Apart from clients.ts because the kinds need these at load time and clients.ts brings the
 * AWS SDK, which commands that call nothing (`--help`, `validate`) must not load.
 */
import { RemoteError, type RemoteWhere } from '../errors.js';

/** Name of an SDK error for messages: `ResourceNotFoundException: Rule not found`. */
export function describeAwsError(err: unknown): string {
  const e = rootCause(err) as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`;
}

/** What AWS (or the network, or the credential chain) said, under any wrapping of ours. */
export function rootCause(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 5 && e instanceof RemoteError && e.cause !== undefined; i++) e = e.cause;
  return e;
}

export function isNotFound(err: unknown): boolean {
  const name = (rootCause(err) as { name?: string })?.name;
  return name === 'ResourceNotFoundException' || name === 'NotFoundException';
}

/**
 * The failure of one call, after its retries: the one error every AWS failure becomes, made once
 * by AwsClients.call. It names the target, the API and the resource, says what AWS said, and for
 * the failures people hit most, what to do. The SDK error is its `cause` (the stack with
 * --debug); kinds still ask `isNotFound`, which looks through it.
 */
export class AwsCallError extends RemoteError {
  constructor(
    where: RemoteWhere,
    err: unknown,
    /** host:port the call went to (never its path or query). */
    readonly host?: string,
    /** Where the target's instanceId is written (`targets.dev.instanceId at f.yaml:4:17`). */
    instanceIdAt?: string,
  ) {
    super(where, `${describeAwsError(err)}${remedyFor(where.api, err, host, instanceIdAt)}`, err);
  }
}

/** One line of what to do, for the failures with a known cure ('' otherwise). */
export function remedyFor(api: string, err: unknown, host?: string, instanceIdAt?: string): string {
  const e = rootCause(err) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? '';
  const message = e?.message ?? '';
  const profile = /using profile: \[([^\]]+)\]/.exec(message)?.[1];
  if (profile)
    return `; there is no profile '${profile}' in the shared config or credentials files: check its name (aws configure list-profiles)`;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return '; no AWS credentials were found: set them in the environment, or give the target a profile or roleArn (or pass --profile)';
  }
  if (
    /ExpiredToken|TokenRefreshRequired/.test(name) ||
    /token (has|is) expired|expired token|sso session .*expired/i.test(message)
  ) {
    return "; the credentials have expired: sign in again (for SSO: aws sso login --profile <the target's profile>)";
  }
  if (/AccessDenied|UnauthorizedOperation|Forbidden/.test(name) || e?.$metadata?.httpStatusCode === 403) {
    return `; the identity may not call ${api}: allow that IAM action for it (see "Running on AWS" in the README)`;
  }
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return `; nothing answers${host ? ` at ${host}` : ''}: check the target's endpoint (or that the sandbox runs)`;
  }
  if ((e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') && host)
    return `; ${host} does not resolve: check the region and the network`;
  if (instanceIdAt && isNotFound(err) && /instance/i.test(message)) return `; check ${instanceIdAt}`;
  if (api === 'sts:GetCallerIdentity') return "; check the target's credentials (profile, roleArn, --profile)";
  return '';
}

/**
 * The sandbox's STS: AssumeRole and GetCallerIdentity in the awsQuery protocol (form-encoded
 * POST `Action=...&Version=2011-06-15&...`, XML answers and XML errors), inputs parsed and
 * validated from the trimmed official model (src/aws/models/sts.json), so connectform's
 * per-target credentials (roles, accounts) can be tested with the real SDK.
 *
 * Identities come from the request's SigV4 signature: a plain access key is a user of the
 * sandbox's account; a key this STS issued (`ASIA...`, with its session token in
 * X-Amz-Security-Token) is the assumed role's session. Issued sessions are encoded in their token,
 * so they survive a sandbox restart (a state file) without being stored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { loadModel, type ModelShape, type ServiceModel } from '../aws/models.js';
import { describeViolations, validateShape, type Violation } from './validate.js';
import type { WireResponse } from './protocol.js';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** Who signed a request, and which key: for stats and OpContext.callerArn. */
export interface Signer {
  accessKeyId?: string;
  identity?: CallerIdentity;
}

export interface StsAnswer {
  /** `sts:AssumeRole`; `sts:<unknown>` when the action is missing or unknown. */
  api: string;
  wire: WireResponse;
  ok: boolean;
}

const VERSION = '2011-06-15';
const DEFAULT_DURATION_SECONDS = 3600;
/** Role chaining (a role session assuming a role) is limited to one hour (AssumeRole API reference). */
const CHAINED_MAX_SECONDS = 3600;
const TOKEN_PREFIX = 'SbxSts';
const ROLE_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** STS is addressed by its signing name, or (unsigned) by the awsQuery form body nobody else uses. */
export function isStsRequest(
  method: string,
  headers: IncomingHttpHeaders,
  signingService: string | undefined,
): boolean {
  if (signingService) return signingService === 'sts';
  return method === 'POST' && /^application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '');
}

/** The access key id of a SigV4 `Authorization` header (`Credential=AKID/date/region/service/aws4_request`). */
export function signingAccessKey(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

interface IssuedSession {
  accessKeyId: string;
  roleArn: string;
  session: string;
  expiration: string;
}

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export class SandboxSts {
  private readonly model: ServiceModel = loadModel('sts');

  constructor(
    /** The sandbox world's account: plain keys are its users. */
    private readonly accountId: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Who signed the request; no identity for a key whose session token this STS did not issue. */
  signer(headers: IncomingHttpHeaders): Signer {
    const accessKeyId = signingAccessKey(headers.authorization);
    if (!accessKeyId) return {};
    if (!accessKeyId.startsWith('ASIA')) return { accessKeyId, identity: this.userIdentity(accessKeyId) };
    const session = decodeSession(header(headers, 'x-amz-security-token'));
    if (!session || session.accessKeyId !== accessKeyId) return { accessKeyId };
    return { accessKeyId, identity: sessionIdentity(session) };
  }

  answer(headers: IncomingHttpHeaders, body: string): StsAnswer {
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? '';
    const operation = this.model.operations[action];
    const api = `sts:${operation ? action : action || '<none>'}`;
    try {
      if (!action) throw new StsError('MissingAction', 'Missing Action');
      if (!operation)
        throw new StsError(
          'InvalidAction',
          `Could not find operation ${action} for version ${params.get('Version') ?? VERSION}`,
        );
      const signer = this.signer(headers);
      if (!signer.accessKeyId)
        throw new StsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      if (!signer.identity)
        throw new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      const inputShape = operation.input?.shape;
      const violations: Violation[] = [];
      const input = inputShape
        ? ((fromQuery(this.model, inputShape, params, '', violations) as Record<string, unknown>) ?? {})
        : {};
      if (inputShape) violations.push(...validateShape(this.model, inputShape, input));
      if (violations.length) throw new StsError('ValidationError', describeViolations(violations));
      const who = signer.identity;
      const output =
        action === 'AssumeRole'
          ? this.assumeRole(input, who)
          : { UserId: who.userId, Account: who.account, Arn: who.arn };
      const result = (operation.output as { resultWrapper?: string } | undefined)?.resultWrapper ?? `${action}Result`;
      const xml = operation.output ? toXml(this.model, operation.output.shape, output, result) : '';
      return {
        api,
        ok: true,
        wire: xmlResponse(
          200,
          `<${action}Response xmlns="${this.namespace()}">${xml}${metadata()}</${action}Response>`,
        ),
      };
    } catch (err) {
      const e =
        err instanceof StsError
          ? err
          : new StsError('InternalFailure', `sandbox internal error: ${String(err)}`, 500, 'Receiver');
      const error = `<Error><Type>${e.type}</Type><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error>`;
      return {
        api,
        ok: false,
        wire: xmlResponse(
          e.status,
          `<ErrorResponse xmlns="${this.namespace()}">${error}<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        ),
      };
    }
  }

  private assumeRole(input: Record<string, unknown>, caller: CallerIdentity): Record<string, unknown> {
    const roleArn = input.RoleArn as string;
    const session = input.RoleSessionName as string;
    if (!ROLE_ARN.test(roleArn)) throw new StsError('ValidationError', `${roleArn} is not a valid IAM role ARN`);
    const duration = (input.DurationSeconds as number | undefined) ?? DEFAULT_DURATION_SECONDS;
    if (caller.arn.includes(':assumed-role/') && duration > CHAINED_MAX_SECONDS) {
      throw new StsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    // One key per role + session name: a refresh of the same session signs with the same key,
    // which keeps the sandbox's per-key stats readable.
    const accessKeyId = `ASIA${base32(`${roleArn}\n${session}`, 16)}`;
    const expiration = new Date(Math.floor(this.now().getTime() / 1000) * 1000 + duration * 1000);
    const issued: IssuedSession = { accessKeyId, roleArn, session, expiration: expiration.toISOString() };
    const identity = sessionIdentity(issued);
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: createHash('sha256').update(`secret\n${accessKeyId}`).digest('base64').slice(0, 40),
        SessionToken: encodeSession(issued),
        Expiration: expiration,
      },
      AssumedRoleUser: { AssumedRoleId: identity.userId, Arn: identity.arn },
      ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
    };
  }

  private userIdentity(accessKeyId: string): CallerIdentity {
    const account = this.accountId();
    return { account, arn: `arn:aws:iam::${account}:user/sandbox`, userId: `AIDA${base32(accessKeyId, 17)}` };
  }

  private namespace(): string {
    return String(this.model.metadata.xmlNamespace ?? `https://sts.amazonaws.com/doc/${VERSION}/`);
  }
}

function sessionIdentity(s: IssuedSession): CallerIdentity {
  const [, partition, account, roleName] = ROLE_ARN.exec(s.roleArn)!;
  return {
    account,
    arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${s.session}`,
    userId: `AROA${base32(s.roleArn, 17)}:${s.session}`,
  };
}

function encodeSession(s: IssuedSession): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify(s)).toString('base64url');
}

function decodeSession(token: string | undefined): IssuedSession | undefined {
  if (!token?.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const s = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8')) as IssuedSession;
    return typeof s.accessKeyId === 'string' &&
      typeof s.roleArn === 'string' &&
      ROLE_ARN.test(s.roleArn) &&
      typeof s.session === 'string'
      ? s
      : undefined;
  } catch {
    return undefined;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Upper-case base32 of a SHA-256: the alphabet of AWS key ids. */
function base32(text: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(text).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// awsQuery serialization, from the model (Smithy's awsQuery protocol specification)
// ------------------------------------------------------------------------------------------

/**
 * Reads `shapeName` from form parameters: structure members as `Prefix.Member`, list items as
 * `Prefix.member.N` (1-based), an empty list as `Prefix=`. Type errors go to `violations`.
 */
function fromQuery(
  model: ServiceModel,
  shapeName: string,
  params: URLSearchParams,
  prefix: string,
  violations: Violation[],
): unknown {
  const shape: ModelShape = model.shapes[shapeName];
  const key = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const present = (k: string) => [...params.keys()].some((p) => p === k || p.startsWith(`${k}.`));
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const k = key(member.locationName ?? name);
        if (present(k)) out[name] = fromQuery(model, member.shape, params, k, violations);
      }
      return out;
    }
    case 'list': {
      const items: unknown[] = [];
      for (let i = 1; present(`${prefix}.member.${i}`); i++)
        items.push(fromQuery(model, shape.member!.shape, params, `${prefix}.member.${i}`, violations));
      return items;
    }
    case 'integer':
    case 'long': {
      const raw = params.get(prefix) ?? '';
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n))
        violations.push({
          path: prefix,
          message: `Value '${raw}' at '${prefix}' failed to satisfy constraint: Member must be an integer`,
        });
      return n;
    }
    case 'boolean':
      return params.get(prefix) === 'true';
    default:
      return params.get(prefix) ?? '';
  }
}

function toXml(model: ServiceModel, shapeName: string, value: unknown, element: string): string {
  if (value === undefined || value === null) return '';
  const shape: ModelShape = model.shapes[shapeName];
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      const inner = Object.entries(shape.members ?? {})
        .map(([name, member]) => toXml(model, member.shape, obj[name], member.locationName ?? name))
        .join('');
      return `<${element}>${inner}</${element}>`;
    }
    case 'list':
      return `<${element}>${(value as unknown[]).map((item) => toXml(model, shape.member!.shape, item, 'member')).join('')}</${element}>`;
    case 'timestamp':
      // awsQuery timestamps are ISO 8601 (date-time); STS writes them without fractions.
      return `<${element}>${new Date(value as string | Date).toISOString().replace(/\.\d{3}Z$/, 'Z')}</${element}>`;
    default:
      return `<${element}>${escapeXml(String(value))}</${element}>`;
  }
}

function metadata(): string {
  return `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
}

function xmlResponse(status: number, body: string): WireResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

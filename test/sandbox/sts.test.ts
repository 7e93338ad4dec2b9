/**
 * The sandbox's STS on the wire: the real @aws-sdk/client-sts against it (awsQuery: form-encoded
 * POST, XML answers), plus raw requests for what no SDK sends.
 *
 * Sources for the behaviour:
 * - AssumeRole: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *   (temporary keys + session token + Expiration; AssumedRoleUser
 *   `arn:aws:sts::<account>:assumed-role/<role-name>/<session>` and AssumedRoleId
 *   `<role-id>:<session>`; DurationSeconds 900..43200, default 3600; role chaining limited to one
 *   hour; RoleSessionName 2..64 of [\w+=,.@-]), and the model src/aws/models/sts.json.
 * - GetCallerIdentity: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 *   (Account, Arn and UserId of whoever signed the request; for an assumed role the Arn is the
 *   assumed-role ARN and UserId is `<role-id>:<session>`).
 * - Errors: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 *   (MissingAuthenticationToken 403, InvalidClientTokenId 403, ValidationError 400,
 *   InvalidAction 400, MissingAction 400), in the awsQuery error envelope
 *   `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
 *   (Smithy awsQuery protocol: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConnectClient, CreateRuleCommand, DescribeRuleCommand, ListRulesCommand } from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ACCOUNT, INSTANCE, clients, failure, ruleInput } from './helpers.js';

let sb: SandboxHandle;
beforeAll(async () => {
  sb = await startSandbox({ quotas: false });
});
afterAll(async () => sb?.stop());

const plain = { accessKeyId: 'AKIAPLAINSANDBOXKEY1', secretAccessKey: 'x' };
const sts = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = plain) =>
  new STSClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

const ROLE_A = 'arn:aws:iam::111111111111:role/deploy/connectform-a';
const ROLE_B = 'arn:aws:iam::222222222222:role/connectform-b';

async function assume(roleArn: string, session: string, extra: Record<string, unknown> = {}) {
  return sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session, ...extra }));
}

describe('GetCallerIdentity', () => {
  it('a plain key is a user of the sandbox account', async () => {
    const who = await sts().send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(ACCOUNT);
    expect(who.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/sandbox`);
    expect(who.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('credentials from AssumeRole are the assumed role session, in the role account', async () => {
    const out = await assume(ROLE_A, 'team-a');
    const c = out.Credentials!;
    const who = await sts({
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken,
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('111111111111');
    // The role name without its path, as the assumed-role ARN shows it.
    expect(who.Arn).toBe('arn:aws:sts::111111111111:assumed-role/connectform-a/team-a');
    expect(who.UserId).toBe(out.AssumedRoleUser!.AssumedRoleId);
  });

  it('an ASIA key with a session token this STS did not issue is refused', async () => {
    const err = await failure(
      sts({ accessKeyId: 'ASIAFORGEDFORGED0000', secretAccessKey: 'x', sessionToken: 'forged' }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(err.name).toBe('InvalidClientTokenId');
    expect(err.$metadata.httpStatusCode).toBe(403);
  });
});

describe('AssumeRole', () => {
  it('returns temporary keys per role and session, the assumed-role user and an expiration', async () => {
    const before = Date.now();
    const a = await assume(ROLE_A, 'one');
    const after = Date.now();
    const c = a.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).toHaveLength(40);
    expect(c.SessionToken).toBeTruthy();
    // Default duration: one hour.
    // Between the clocks read around the call (timestamps are whole seconds on the wire).
    expect(c.Expiration!.getTime()).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(c.Expiration!.getTime()).toBeLessThanOrEqual(after + 3600_000);
    expect(a.AssumedRoleUser).toEqual({
      Arn: 'arn:aws:sts::111111111111:assumed-role/connectform-a/one',
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:one$/),
    });

    const keys = new Set([
      c.AccessKeyId,
      (await assume(ROLE_A, 'two')).Credentials!.AccessKeyId,
      (await assume(ROLE_B, 'one')).Credentials!.AccessKeyId,
    ]);
    expect(keys.size).toBe(3);
    // The same role session again: the same key (a refresh signs as the same identity).
    expect((await assume(ROLE_A, 'one')).Credentials!.AccessKeyId).toBe(c.AccessKeyId);
  });

  it('DurationSeconds sets the expiration; out of range is a ValidationError', async () => {
    const before = Date.now();
    const out = await assume(ROLE_B, 'short', { DurationSeconds: 900 });
    expect(out.Credentials!.Expiration!.getTime() - before).toBeLessThanOrEqual(900_000);
    const err = await failure(assume(ROLE_B, 'short', { DurationSeconds: 60 }));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toMatch(/DurationSeconds/);
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('validates the session name and the role ARN', async () => {
    const badName = await failure(assume(ROLE_A, 'has space'));
    expect(badName.name).toBe('ValidationError');
    expect(badName.message).toMatch(/RoleSessionName/);
    const notRole = await failure(assume('arn:aws:iam::111111111111:user/alice', 'ok-session'));
    expect(notRole.name).toBe('ValidationError');
  });

  it('role chaining is limited to one hour', async () => {
    const c = (await assume(ROLE_A, 'chain')).Credentials!;
    const chained = sts({
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken,
    });
    const err = await failure(
      chained.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'chained', DurationSeconds: 7200 })),
    );
    expect(err.name).toBe('ValidationError');
    const ok = await chained.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'chained' }));
    expect(ok.AssumedRoleUser!.Arn).toBe('arn:aws:sts::222222222222:assumed-role/connectform-b/chained');
  });
});

describe('the wire', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(sb.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
      body,
    });
  const signed = {
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIARAWKEY0000000000/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
  };

  it('answers XML in the operation envelope with its Result wrapper and the namespace', async () => {
    const res = await post('Action=GetCallerIdentity&Version=2011-06-15', signed);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml');
    const xml = await res.text();
    expect(xml).toMatch(
      /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/,
    );
    expect(xml).toContain(`<Account>${ACCOUNT}</Account>`);
    expect(xml).toMatch(
      /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>$/,
    );
  });

  it('errors come in the awsQuery ErrorResponse envelope', async () => {
    const unsigned = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toMatch(
      /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>/,
    );
    const unknown = await post('Action=GetSessionToken&Version=2011-06-15', signed);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');
    const none = await post('Version=2011-06-15', signed);
    expect(await none.text()).toContain('<Code>MissingAction</Code>');
    const missing = await post(
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fx',
      signed,
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/<Code>ValidationError<\/Code><Message>[^<]*RoleSessionName/);
  });
});

describe('identities in the managed services', () => {
  it('stats count calls per signing key, and a role session is the caller of what it writes', async () => {
    sb.resetStats();
    const c = (await assume(ROLE_A, 'writer')).Credentials!;
    const roleKeys = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    const connect = new ConnectClient({
      endpoint: sb.endpoint,
      region: 'us-east-1',
      credentials: roleKeys,
      maxAttempts: 1,
    });
    const created = await connect.send(new CreateRuleCommand(ruleInput('sts-caller')));
    const rule = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: created.RuleId! }));
    expect(rule.Rule!.LastUpdatedBy).toBe('arn:aws:sts::111111111111:assumed-role/connectform-a/writer');
    await clients(sb.endpoint).connect.send(new ListRulesCommand({ InstanceId: INSTANCE }));

    const byKey = sb.stats().byAccessKey;
    expect(byKey[plain.accessKeyId]).toEqual({ 'sts:AssumeRole': 1 });
    expect(byKey[c.AccessKeyId!]).toEqual({ 'connect:CreateRule': 1, 'connect:DescribeRule': 1 });
    expect(byKey.sandbox).toEqual({ 'connect:ListRules': 1 });
    // STS answers are reads for the stats: they change nothing in the world.
    expect(sb.stats().operations['sts:AssumeRole']).toMatchObject({ calls: 1, write: false });
    expect(sb.stats().writeCalls).toBe(1);
  });
});

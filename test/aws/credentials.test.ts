/**
 * Credentials per target, end to end against the sandbox (its STS included): each target signs
 * with its own profile's keys or its own role session, in one process, without process.env; the
 * account check refuses a target whose credentials act in another account before any Connect
 * call. The sandbox's per-key stats say which identity made each call.
 *
 * STS behaviour relied on (see test/sandbox/sts.test.ts for the sources):
 * AssumeRole returns temporary keys for the role's account
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html) and
 * GetCallerIdentity names the signer's account
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSandbox, DEFAULT_INSTANCE_ID, type SandboxHandle } from '../../src/sandbox/index.js';
import { loadConfig } from '../../src/config/load.js';
import { TargetSession, type SessionOptions } from '../../src/engine/session.js';
import { validateFor } from '../../src/config/index.js';
import { REFRESH_MARGIN_MS, targetCredentials } from '../../src/aws/credentials.js';
import { ConfigError, RemoteError, SafetyError } from '../../src/errors.js';

const KEY_A = 'AKIATEAMAAAAAAAAAAAA';
const KEY_B = 'AKIATEAMBBBBBBBBBBBB';
const ROLE_A = 'arn:aws:iam::111111111111:role/connectform-a';
const ROLE_B = 'arn:aws:iam::222222222222:role/connectform-b';

let sb: SandboxHandle;
let dir: string;
let sharedFiles: SessionOptions['sharedFiles'];

beforeAll(async () => {
  sb = await startSandbox({ quotas: false });
  dir = mkdtempSync(join(tmpdir(), 'connectform-creds-'));
  // Given to the ini provider through its options: nothing in process.env changes.
  writeFileSync(
    join(dir, 'credentials'),
    `[team-a]\naws_access_key_id = ${KEY_A}\naws_secret_access_key = secret-a\n\n[team-b]\naws_access_key_id = ${KEY_B}\naws_secret_access_key = secret-b\n`,
  );
  writeFileSync(join(dir, 'config'), '[profile team-a]\nregion = us-east-1\n\n[profile team-b]\nregion = us-east-1\n');
  sharedFiles = { configFile: join(dir, 'config'), credentialsFile: join(dir, 'credentials') };
});
afterAll(async () => sb?.stop());
beforeEach(() => sb.resetStats());

/** A config with these targets (YAML lines each), all on the sandbox; returns one session per target. */
async function sessions(targets: Record<string, string[]>, options: SessionOptions = {}): Promise<TargetSession[]> {
  const cfg = mkdtempSync(join(dir, 'cfg-'));
  const yaml = ['targets:'];
  for (const [name, lines] of Object.entries(targets)) {
    yaml.push(
      `  ${name}:`,
      '    region: us-east-1',
      `    instanceId: ${DEFAULT_INSTANCE_ID}`,
      `    endpoint: ${sb.endpoint}`,
      ...lines.map((l) => `    ${l}`),
    );
  }
  writeFileSync(join(cfg, 'connectform.yaml'), `${yaml.join('\n')}\n`);
  const config = await loadConfig(cfg);
  return Object.keys(targets).map((name) =>
    TargetSession.create(validateFor(config, name), {
      kinds: ['rule'],
      cacheDir: false,
      pendingDir: false,
      sharedFiles,
      ...options,
    }),
  );
}

async function planAll(list: TargetSession[]) {
  try {
    return await Promise.all(list.map((s) => s.plan()));
  } finally {
    for (const s of list) s.close();
  }
}

/** What one plan of rules calls: the identity, the contact flows (rules name them), the rules. */
const READS = { 'sts:GetCallerIdentity': 1, 'connect:ListContactFlows': 1, 'connect:ListRules': 1 };

const keysOf = (prefix: string) => Object.keys(sb.stats().byAccessKey).filter((k) => k.startsWith(prefix));

describe('profiles per target', () => {
  it('two targets with different profiles sign with their own keys in one process', async () => {
    const envBefore = process.env.AWS_PROFILE;
    const [a, b] = await sessions({ a: ['profile: team-a'], b: ['profile: team-b'] });
    await planAll([a, b]);
    const byKey = sb.stats().byAccessKey;
    expect(Object.keys(byKey).sort()).toEqual([KEY_A, KEY_B]);
    for (const key of [KEY_A, KEY_B]) expect(byKey[key]).toEqual(READS);
    expect(process.env.AWS_PROFILE).toBe(envBefore);
    expect(a.ctx.target.accountId).toBe(sb.world.accountId);
  });

  it('--profile (SessionOptions.profile) overrides the target profile', async () => {
    const [a] = await sessions({ a: ['profile: team-a'] }, { profile: 'team-b' });
    await planAll([a]);
    expect(Object.keys(sb.stats().byAccessKey)).toEqual([KEY_B]);
  });

  it('a target with neither profile nor role on a loopback endpoint uses the sandbox keys', async () => {
    const [a] = await sessions({ a: [] });
    await planAll([a]);
    expect(Object.keys(sb.stats().byAccessKey)).toEqual([process.env.AWS_ACCESS_KEY_ID ?? 'sandbox']);
  });

  it('an unknown profile is one error naming the target and the profile, before any Connect call', async () => {
    const [a] = await sessions({ a: ['profile: nope'] });
    const err = await planAll([a]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(
      /^target a: sts:GetCallerIdentity failed for credentials from profile 'nope': .*nope.*; there is no profile 'nope' in the shared config or credentials files: check its name/,
    );
    expect((err as Error).message).not.toContain('\n');
    expect(sb.stats().calls).toBe(0);
  });
});

describe('roles per target', () => {
  it('each target assumes its own role from its own profile; calls are signed by the role session', async () => {
    const [a, b] = await sessions({
      a: ['profile: team-a', `roleArn: ${ROLE_A}`],
      b: ['profile: team-b', `roleArn: ${ROLE_B}`, 'externalId: shared-secret-1'],
    });
    await planAll([a, b]);
    const byKey = sb.stats().byAccessKey;
    // The profiles' keys only assumed the roles, once each.
    expect(byKey[KEY_A]).toEqual({ 'sts:AssumeRole': 1 });
    expect(byKey[KEY_B]).toEqual({ 'sts:AssumeRole': 1 });
    const roleKeys = keysOf('ASIA');
    expect(roleKeys).toHaveLength(2);
    for (const k of roleKeys) expect(byKey[k]).toEqual(READS);
    expect(a.ctx.target.accountId).toBe('111111111111');
    expect(b.ctx.target.accountId).toBe('222222222222');
  });

  it('a role with no profile is assumed from the static keys given in code (--sandbox)', async () => {
    const [a] = await sessions(
      { a: [`roleArn: ${ROLE_A}`] },
      { credentials: { accessKeyId: 'AKIASTATICSANDBOX000', secretAccessKey: 'x' } },
    );
    await planAll([a]);
    expect(sb.stats().byAccessKey.AKIASTATICSANDBOX000).toEqual({ 'sts:AssumeRole': 1 });
    expect(a.ctx.target.accountId).toBe('111111111111');
  });

  it('the session name defaults to connectform-<target>; the role is refreshed before it expires', async () => {
    let now = Date.now();
    const creds = targetCredentials({
      target: 'prod',
      region: 'us-east-1',
      endpoint: sb.endpoint,
      profile: 'team-a',
      roleArn: ROLE_A,
      sharedFiles,
      now: () => now,
    });
    try {
      const first = await creds.provider!();
      const who = await new STSClient({
        endpoint: sb.endpoint,
        region: 'us-east-1',
        credentials: first,
        maxAttempts: 1,
      }).send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toBe('arn:aws:sts::111111111111:assumed-role/connectform-a/connectform-prod');
      expect(creds.source).toBe(`role ${ROLE_A} (from profile 'team-a')`);

      await creds.provider!();
      expect(sb.stats().operations['sts:AssumeRole'].calls).toBe(1); // still fresh: cached
      now = first.expiration!.getTime() - REFRESH_MARGIN_MS + 1;
      await creds.provider!();
      expect(sb.stats().operations['sts:AssumeRole'].calls).toBe(2); // about to expire: assumed again
    } finally {
      creds.destroy();
    }
  });
});

describe('the target fields', () => {
  it('roleArn, externalId and roleSessionName are checked offline, with positions', async () => {
    const cfg = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(
      join(cfg, 'connectform.yaml'),
      `targets:\n  a:\n    region: us-east-1\n    instanceId: i-1\n    roleArn: arn:aws:iam::111111111111:user/alice\n    roleSessionName: "has space"\n  b:\n    region: us-east-1\n    instanceId: i-1\n    externalId: abc\n`,
    );
    const config = await loadConfig(cfg);
    const problemsOf = (target: string) => {
      try {
        validateFor(config, target);
      } catch (err) {
        if (err instanceof ConfigError) return err.problems.map((p) => `${p.pos?.line}: ${p.message}`);
        throw err;
      }
      return [];
    };
    expect(problemsOf('a')).toEqual([
      "5: targets.a.roleArn: 'arn:aws:iam::111111111111:user/alice' is not an IAM role ARN",
      "6: targets.a.roleSessionName: 'has space' must be 2 to 64 characters of letters, digits and +=,.@-",
    ]);
    expect(problemsOf('b')).toEqual(['10: targets.b.externalId: has no effect without roleArn']);
  });
});

describe('the account check', () => {
  it('a target whose credentials act in another account is refused before any Connect call', async () => {
    const [a] = await sessions(
      { a: [`roleArn: ${ROLE_B}`, 'accountId: "111111111111"'] },
      { credentials: { accessKeyId: 'AKIASTATICSANDBOX000', secretAccessKey: 'x' } },
    );
    const err = await planAll([a]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetyError);
    const message = (err as Error).message;
    // Where accountId is written (line 7 of the generated config), expected vs actual, what to do.
    expect(message).toMatch(
      /connectform\.yaml:7:\d+: target a: accountId is 111111111111 but the credentials \(role arn:aws:iam::222222222222:role\/connectform-b .*\) belong to account 222222222222/,
    );
    expect(message).toMatch(/use credentials for account 111111111111 .* or correct accountId$/);
    expect(message).not.toContain('\n');
    const ops = Object.keys(sb.stats().operations);
    expect(ops.sort()).toEqual(['sts:AssumeRole', 'sts:GetCallerIdentity']);
  });

  it('a matching accountId passes, and the identity is learned once per session', async () => {
    const [a] = await sessions({ a: ['profile: team-a', `accountId: "${sb.world.accountId}"`] });
    await a.plan();
    await a.plan();
    a.close();
    expect(sb.stats().byAccessKey[KEY_A]).toEqual({
      'sts:GetCallerIdentity': 1,
      'connect:ListContactFlows': 2,
      'connect:ListRules': 2,
    });
  });
});

/**
 * Issue #20 item 3: a target's `instanceId` may be the instance ARN, as AWS's own CloudFormation
 * handlers pass it. It is resolved to the UUID at its end (the API's InstanceId is the bare id);
 * its region must be the target's (a config error, no call made) and its account the one the
 * credentials belong to (sts:GetCallerIdentity, before any other call).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/config/resolve.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { loadText } from './helpers.js';
import { INSTANCE, postCallRule, planOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

const arn = (region: string, account: string) => `arn:aws:connect:${region}:${account}:instance/${INSTANCE}`;
const SANDBOX_ACCOUNT = '123456789012';

describe('instanceId as the instance ARN', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => sandbox?.stop());

  const config = (instanceId: string) => {
    const dir = tempDir('instance-arn-');
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint, instanceId, region: 'us-east-2' } },
      {},
      { rules: [postCallRule('arn-named-instance')] },
    );
    return dir;
  };

  it('is taken and resolved to the UUID: plan and apply call the instance by its id', async () => {
    const dir = config(arn('us-east-2', SANDBOX_ACCOUNT));
    const p = planOf(await run(['plan', dir, '-f', 'json'], { cwd: dir }));
    expect((p as unknown as { scope: unknown }).scope).toEqual({ region: 'us-east-2', instanceId: INSTANCE });
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([['arn-named-instance', 'create']]);
    const applied = await run(['apply', dir, '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    const rules = Object.values(sandbox.world.connect.instances[INSTANCE].rules).map((r) => r.Name);
    expect(rules).toContain('arn-named-instance');
  });

  it('an ARN of another region is a positioned config error, before any call', async () => {
    const dir = config(arn('eu-west-1', SANDBOX_ACCOUNT));
    sandbox.resetStats();
    const r = await run(['plan', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /connectform\.yaml:\d+:\d+: .*targets\.dev\.instanceId: the instance ARN is in region 'eu-west-1', but the target's region is 'us-east-2'/,
    );
    expect(sandbox.stats().calls).toBe(0);
  });

  it('an ARN of another account than the credentials is refused after STS, before any other call', async () => {
    const dir = config(arn('us-east-2', '210987654321'));
    sandbox.resetStats();
    const r = await run(['plan', dir], { cwd: dir });
    expect(r.code).toBe(1);
    const line = /^Error: .*$/m.exec(r.stderr)?.[0] ?? '';
    expect(line).toMatch(
      /connectform\.yaml:\d+:\d+: target dev: instanceId is the ARN of an instance in account 210987654321, but the credentials .* belong to account 123456789012/,
    );
    expect(Object.keys(sandbox.stats().operations)).toEqual(['sts:GetCallerIdentity']);
  });
});

describe('instanceId as the instance ARN, resolved offline', () => {
  const resolve = async (instanceId: string, extra = '') => {
    const { config } = await loadText(`targets:\n  t:\n    region: us-east-2\n    instanceId: ${instanceId}\n${extra}`);
    return resolveTarget(config, 't', {});
  };

  it('is the UUID at its end, and remembers the account the credentials must belong to', async () => {
    const r = await resolve(arn('us-east-2', SANDBOX_ACCOUNT));
    expect(r.problems).toEqual([]);
    expect(r.target).toMatchObject({ instanceId: INSTANCE, instanceAccountId: SANDBOX_ACCOUNT });
  });

  it("an ARN of another account than the target's accountId is a config error", async () => {
    const r = await resolve(arn('us-east-2', '210987654321'), '    accountId: "123456789012"\n');
    expect(r.problems.map((p) => p.message)).toEqual([
      "targets.t.instanceId: the instance ARN is in another account than the target's accountId '123456789012'",
    ]);
  });

  it('a value from the environment is never quoted', async () => {
    const { config } = await loadText('targets:\n  t:\n    region: us-east-2\n    instanceId: ${env.INSTANCE_ARN}\n');
    const r = resolveTarget(config, 't', { INSTANCE_ARN: arn('eu-west-1', SANDBOX_ACCOUNT) });
    expect(r.problems.map((p) => p.message)).toEqual([
      "targets.t.instanceId: the instance ARN is in region (sensitive), but the target's region is 'us-east-2'",
    ]);
    expect(JSON.stringify(r.problems)).not.toContain('eu-west-1');
  });
});

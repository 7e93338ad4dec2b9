/**
 * Resources per target (issue 21, item 2): `onlyTargets` / `exceptTargets` choose which targets
 * see an item, per-target variants share a name on disjoint targets, a target an item is not for
 * sees it as undeclared (left alone, or pruned under the prune rules), and an ARN of another
 * account than the target's is refused before any call.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_INSTANCE_ID, DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planOf, postCallRule, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { customActionFixture, OPS_CHANNEL } from '../battery/fixtures/custom-action.js';

const DEV_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';
const PROD_INSTANCE = '1c6f3a8b-4d5e-4f90-8b2c-3d4e5f6a7b8c';

let sandbox: SandboxHandle;
beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  const template = seed.connect.instances[0];
  seed.connect.instances.push({ ...structuredClone(template), id: DEV_INSTANCE });
  seed.connect.instances.push({ ...structuredClone(template), id: PROD_INSTANCE });
  sandbox = await startSandbox({ seed, quotas: false });
});
afterAll(async () => sandbox?.stop());
beforeEach(() => sandbox.resetStats());

/** dev, staging and prod, each its own instance of the sandbox's one account. */
function config(resources: Record<string, unknown[]> | string, settings: object = {}) {
  const dir = tempDir('per-target-');
  return writeConfig(
    dir,
    {
      dev: { endpoint: sandbox.endpoint, instanceId: DEV_INSTANCE },
      staging: { endpoint: sandbox.endpoint },
      prod: { endpoint: sandbox.endpoint, instanceId: PROD_INSTANCE },
    },
    settings,
    resources,
  );
}

const planned = async (dir: string, target: string) => {
  const r = await run(['plan', dir, '-t', target, '--format', 'json'], { cwd: dir });
  return planOf(r).changes.map((c) => `${c.action} ${c.name}`);
};

describe('onlyTargets and exceptTargets', () => {
  it('an item goes only to the targets it names', async () => {
    const dir = config({
      rules: [
        { ...postCallRule('pt-only-prod'), onlyTargets: ['prod'] },
        { ...postCallRule('pt-not-dev'), exceptTargets: ['dev'] },
      ],
    });
    expect((await run(['validate', dir])).code).toBe(0);
    expect(await planned(dir, 'dev')).toEqual([]);
    expect(await planned(dir, 'staging')).toEqual(['create pt-not-dev']);
    expect(await planned(dir, 'prod')).toEqual(['create pt-not-dev', 'create pt-only-prod']);
  });

  it("an item's variables need only be defined by the targets it goes to", async () => {
    const dir = tempDir('per-target-vars-');
    writeConfig(
      dir,
      {
        dev: { endpoint: sandbox.endpoint, instanceId: DEV_INSTANCE },
        prod: { endpoint: sandbox.endpoint, instanceId: PROD_INSTANCE, vars: { suffix: 'p' } },
      },
      {},
      {
        rules: [
          { ...postCallRule('pt-vars-${var.suffix}'), onlyTargets: ['prod'] },
          { ...postCallRule('pt-vars-${var.suffix}'), exceptTargets: ['prod'] },
        ],
      },
    );
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    // Only the second item, in dev's view, misses the variable.
    expect(r.stderr).not.toMatch(/rules\[0\][.\w[\]]*: undefined variable/);
    expect(r.stderr).toMatch(/rules\[1\]\.Name: undefined variable 'suffix'/);
  });

  it('variants with disjoint target sets share a name, each target gets its own', async () => {
    const dir = config({
      rules: [
        { ...postCallRule('pt-variant', 0), onlyTargets: ['dev', 'staging'] },
        { ...postCallRule('pt-variant', 1), onlyTargets: ['prod'] },
      ],
    });
    expect((await run(['validate', dir])).code).toBe(0);
    const r = await run(['apply', dir, '-t', 'all', '--auto-approve'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const functionIn = (instance: string) =>
      Object.values(sandbox.world.connect.instances[instance].rules).find((x) => x.Name === 'pt-variant')?.Function;
    expect(functionIn(DEV_INSTANCE)).toBeDefined();
    expect(functionIn(DEV_INSTANCE)).toBe(functionIn(DEFAULT_INSTANCE_ID)); // staging
    expect(functionIn(PROD_INSTANCE)).toBeDefined();
    expect(functionIn(DEV_INSTANCE)).not.toBe(functionIn(PROD_INSTANCE));
    for (const t of ['dev', 'staging', 'prod']) expect(await planned(dir, t)).toEqual([]);
  });

  it('overlapping variants are an error naming the target and both items', async () => {
    const dir = config(
      stringify({
        rules: [
          { ...postCallRule('pt-overlap', 0), onlyTargets: ['staging', 'prod'] },
          { ...postCallRule('pt-overlap', 1), exceptTargets: ['dev'] },
        ],
      }),
    );
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    const file = join(dir, 'resources.yaml');
    for (const target of ['staging', 'prod'])
      expect(r.stderr).toContain(
        `rules[1]: rule 'pt-overlap' is declared twice for target ${target}: here (exceptTargets: [dev]) and at ${file}:2:5 (rules[0], onlyTargets: [staging, prod])`,
      );
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: .*rules\\[1\\]: rule 'pt-overlap' is declared twice`));
    // plan of dev alone sees one of them: no error there.
    expect(await planned(dir, 'dev')).toEqual([]);
  });

  it('an unknown target name is positioned, with the nearest name', async () => {
    const dir = config(stringify({ rules: [{ ...postCallRule('pt-typo'), onlyTargets: ['staging', 'prdo'] }] }));
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    const text = readLine(r.stderr, 'prdo');
    expect(text).toMatch(
      /resources\.yaml:\d+:\d+: .*rules\[0\]\.onlyTargets\[1\]: unknown target 'prdo'; did you mean 'prod'\?/,
    );
    const line = Number(/resources\.yaml:(\d+):/.exec(text)![1]);
    expect(lineOf(join(dir, 'resources.yaml'), line)).toContain('prdo');
    // plan refuses it too, before any call.
    expect((await run(['plan', dir, '-t', 'staging'])).code).toBe(1);
    expect(sandbox.stats().calls).toBe(0);
  });

  it('both keys on one item, or a key that is not a list of names, are errors', async () => {
    const dir = config({
      rules: [
        { ...postCallRule('pt-both'), onlyTargets: ['prod'], exceptTargets: ['dev'] },
        { ...postCallRule('pt-scalar'), onlyTargets: 'prod' },
      ],
    });
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rules[0].exceptTargets: an item takes onlyTargets or exceptTargets, not both');
    expect(r.stderr).toContain('rules[1].onlyTargets: must be a non-empty list of target names');

    const nowhere = config({ rules: [{ ...postCallRule('pt-nowhere'), exceptTargets: ['dev', 'staging', 'prod'] }] });
    const w = await run(['validate', nowhere]);
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(
      /warning: rules\[0\]: exceptTargets: \[dev, staging, prod\] leaves no target: the item is declared nowhere/,
    );
  });

  it('a target the item no longer goes to leaves it alone, or prunes it under prune', async () => {
    const everywhere = config({ rules: [postCallRule('pt-moved')] });
    expect(
      (await run(['apply', everywhere, '-t', 'dev', '-t', 'prod', '--auto-approve'], { cwd: everywhere })).code,
    ).toBe(0);

    const prodOnly = config({ rules: [{ ...postCallRule('pt-moved'), onlyTargets: ['prod'] }] });
    expect(await planned(prodOnly, 'dev')).toEqual([]);
    expect(await planned(prodOnly, 'prod')).toEqual([]);

    const pruned = config({ rules: [{ ...postCallRule('pt-moved'), onlyTargets: ['prod'] }] }, { prune: true });
    // Other tests' rules share the instances: only this one's count here.
    const moved = async (t: string) => (await planned(pruned, t)).filter((c) => c.endsWith('pt-moved'));
    expect(await moved('dev')).toEqual(['delete pt-moved']);
    expect(await moved('prod')).toEqual([]);
  });

  it('a one-target export writes neither key', async () => {
    const dir = config({ rules: [{ ...postCallRule('pt-export'), onlyTargets: ['staging'] }] });
    expect((await run(['apply', dir, '-t', 'staging', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const r = await run(['export', dir, '-t', 'staging', '--kinds', 'rule'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rules = parse(r.stdout).rules as object[];
    expect(rules.map((x) => (x as { Name: string }).Name)).toContain('pt-export');
    expect(r.stdout).not.toMatch(/onlyTargets|exceptTargets/);
  });
});

describe('an ARN of another account than the target', () => {
  const action = { ...customActionFixture.base[1], ChatConfigurations: [OPS_CHANNEL] }; // account 123456789012

  it("validate and plan refuse it against the target's accountId, positioned, before any call", async () => {
    const dir = tempDir('per-target-account-');
    writeConfig(dir, {}, {}, { customActions: [action] });
    writeFileSync(
      join(dir, 'connectform.yaml'),
      stringify({
        targets: {
          prod: {
            region: 'us-east-2',
            instanceId: PROD_INSTANCE,
            endpoint: sandbox.endpoint,
            accountId: '444444444444',
          },
        },
      }),
    );
    for (const args of [
      ['validate', dir],
      ['plan', dir, '-t', 'prod'],
      ['apply', dir, '-t', 'prod', '--auto-approve'],
    ]) {
      const r = await run(args, { cwd: dir });
      expect(r.code, args[0]).toBe(1);
      const text = readLine(r.stderr, 'ChatConfigurations');
      expect(text).toMatch(
        /resources\.yaml:\d+:\d+: .*customActions\[0\]\.ChatConfigurations\[0\]: the ARN is of account 123456789012, but target prod is account 444444444444 \(its accountId at .*connectform\.yaml:\d+:\d+\)/,
      );
      const line = Number(/resources\.yaml:(\d+):/.exec(text)![1]);
      expect(lineOf(join(dir, 'resources.yaml'), line)).toContain(OPS_CHANNEL);
    }
    expect(sandbox.stats().calls).toBe(0);
  });

  it('an instance ARN names the account too: validate refuses it offline', async () => {
    const dir = tempDir('per-target-instance-arn-');
    writeConfig(dir, {}, {}, { customActions: [action] });
    const instanceArn = `arn:aws:connect:us-east-2:444444444444:instance/${PROD_INSTANCE}`;
    writeFileSync(
      join(dir, 'connectform.yaml'),
      stringify({ targets: { prod: { region: 'us-east-2', instanceId: instanceArn, endpoint: sandbox.endpoint } } }),
    );
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /customActions\[0\]\.ChatConfigurations\[0\]: the ARN is of account 123456789012, but target prod is account 444444444444 \(the account of its instance ARN at .*connectform\.yaml:\d+:\d+\)/,
    );
    expect(sandbox.stats().calls).toBe(0);
  });

  it('without accountId, the account learned through STS refuses it before any other call', async () => {
    const other = 'arn:aws:chatbot::999999999999:chat-configuration/slack-channel/ops';
    const dir = config({ customActions: [{ ...action, ChatConfigurations: [other] }] });
    expect((await run(['validate', dir])).code).toBe(0); // no account known offline
    const r = await run(['apply', dir, '-t', 'staging', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /customActions\[0\]\.ChatConfigurations\[0\]: the ARN is of account 999999999999, but target staging is account 123456789012 \(the account of its credentials/,
    );
    expect(Object.keys(sandbox.stats().operations)).toEqual(['sts:GetCallerIdentity']);
  });

  it('an ARN of the right account passes', async () => {
    const dir = config({ customActions: [{ ...action, ActionName: 'pt-right-account' }] });
    const r = await run(['plan', dir, '-t', 'staging', '--format', 'json'], { cwd: dir });
    expect(planOf(r).changes.map((c) => c.name)).toEqual(['pt-right-account']);
  });
});

function readLine(text: string, needle: string): string {
  const line = text.split('\n').find((l) => l.includes(needle));
  if (!line) throw new Error(`no line with ${needle} in:\n${text}`);
  return line;
}

function lineOf(file: string, n: number): string {
  return readFileSync(file, 'utf8').split('\n')[n - 1];
}

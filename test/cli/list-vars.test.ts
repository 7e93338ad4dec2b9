/**
 * List and mapping vars through the CLI, planned against the sandbox (issue #21): one config,
 * two targets whose vars hold different lists give different bodies; a sensitive id inside a
 * list var is never printed; a --var-file may hold lists; a list inside a larger string is a
 * positioned error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planOf, postCallRule, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

const BOB = DEFAULT_SEED.connect!.instances![0].users!.find((u) => u.username === 'bob')!.id;

const notifyRule = postCallRule('notify-supervisors', 0, {
  Actions: [
    {
      ActionType: 'SEND_NOTIFICATION',
      SendNotificationAction: {
        DeliveryMethod: 'EMAIL',
        Subject: 'Escalation',
        Content: 'A call needs a supervisor.',
        ContentType: 'PLAIN_TEXT',
        Recipient: { UserIds: '${var.supervisors}' },
      },
    },
  ],
});
const template = {
  Name: 'callback',
  ContactFlowId: { name: 'Callback' },
  Fields: [
    { Id: { Name: 'Title' }, Type: 'NAME' },
    { Id: { Name: 'Account number' }, Type: 'TEXT' },
  ],
  Constraints: '${var.constraints}',
};

let sandbox: SandboxHandle;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
  dir = tempDir('list-vars-');
  writeConfig(
    dir,
    {
      staging: {
        endpoint: sandbox.endpoint,
        vars: {
          supervisors: [{ name: 'alice' }],
          constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
        },
      },
      prod: {
        endpoint: sandbox.endpoint,
        vars: {
          supervisors: [{ name: 'alice' }, '${env.ONCALL_USER}'],
          constraints: { RequiredFields: [{ Id: { Name: 'Account number' } }, { Id: { Name: 'Title' } }] },
        },
      },
    },
    {},
    { rules: [notifyRule], taskTemplates: [template] },
  );
});
afterAll(async () => sandbox?.stop());

const env = { ONCALL_USER: BOB };
const field = (plan: ReturnType<typeof planOf>, kind: string, path: string) =>
  plan.changes.find((c) => c.kind === kind)!.fields.find((f) => f.path === path)?.after;

describe('list and mapping vars', () => {
  it('two targets with different lists plan different bodies', async () => {
    const staging = await run(['plan', dir, '-t', 'staging', '--format', 'json'], { cwd: dir, env });
    const prod = await run(['plan', dir, '-t', 'prod', '--format', 'json', '--public-env', 'ONCALL_USER'], {
      cwd: dir,
      env,
    });
    expect(staging.code, staging.stderr).toBe(0);
    expect(prod.code, prod.stderr).toBe(0);
    // The list var filled UserIds whole (a literal id is shown as written: BOB, public here).
    expect(field(planOf(staging), 'rule', 'Actions')).toMatchObject([
      { SendNotificationAction: { Recipient: { UserIds: [{ name: 'alice' }] } } },
    ]);
    expect(field(planOf(prod), 'rule', 'Actions')).toMatchObject([
      { SendNotificationAction: { Recipient: { UserIds: [BOB, { name: 'alice' }] } } },
    ]);
    // The mapping var filled Constraints whole.
    expect(field(planOf(staging), 'taskTemplate', 'Constraints')).toEqual({
      RequiredFields: [{ Id: { Name: 'Title' } }],
    });
    expect(field(planOf(prod), 'taskTemplate', 'Constraints')).toEqual({
      RequiredFields: [{ Id: { Name: 'Account number' } }, { Id: { Name: 'Title' } }],
    });
  });

  it('a --var-file may replace a list var; a --var may not', async () => {
    const varFile = join(tempDir('list-var-file-'), 'vars.yaml');
    writeFileSync(varFile, 'supervisors: [bob-id, other-id]\n');
    const r = await run(['plan', dir, '-t', 'staging', '--format', 'json', '--var-file', varFile], {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(field(planOf(r), 'rule', 'Actions')).toMatchObject([
      { SendNotificationAction: { Recipient: { UserIds: ['bob-id', 'other-id'] } } },
    ]);
    writeFileSync(varFile, 'supervisors: [a, ~]\n');
    const bad = await run(['validate', dir, '-t', 'staging', '--var-file', varFile], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `--var-file ${varFile}: supervisors[1]: a var holds text, numbers, true/false, lists and mappings only; remove the empty value, or quote it`,
    );
    const flag = await run(['validate', dir, '-t', 'staging', '--var', 'supervisors=[a]'], { cwd: dir, env });
    expect(flag.stderr).toContain("--var supervisors: the value of 'supervisors' must be a string, number or boolean");
  });

  it('a list var inside a larger string is an error at file:line:col', async () => {
    const bad = tempDir('list-var-embedded-');
    writeConfig(
      bad,
      { dev: { endpoint: sandbox.endpoint, vars: { supervisors: ['alice'] } } },
      {},
      'rules:\n  - Name: notify-${var.supervisors}\n',
    );
    const r = await run(['validate', bad], { cwd: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(bad, 'resources.yaml')}:2:11: error: rules[0].Name: \${var.supervisors} is a list: a list or mapping var can only be used as a whole value`,
    );
  });

  // Last: it applies, and the other tests plan against an empty instance.
  it('a sensitive id inside a list var is planned and applied, never printed', async () => {
    for (const format of ['text', 'json']) {
      const r = await run(['plan', dir, '-t', 'prod', '--format', format], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('(sensitive: env.ONCALL_USER)');
      expect(r.stdout + r.stderr).not.toContain(BOB);
      // Nor by the name a user id is shown by: list elements are hidden by field, not by index.
      expect(r.stdout).not.toMatch(/name: bob|"bob"/);
    }
    const applied = await run(['apply', dir, '-t', 'prod', '--auto-approve'], { cwd: dir, env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(BOB);
    // What AWS holds is the real id: the next plan has nothing to change.
    const again = await run(['plan', dir, '-t', 'prod', '--format', 'json'], { cwd: dir, env });
    expect(planOf(again).changes).toEqual([]);
  });
});

/**
 * Attack: a pull request interpolates a value from the CI's environment into a field that plans
 * print (`Function`, a notification `Subject`, a custom action's `CommandText`, a Lex
 * `description`), hoping the text/markdown/JSON plan, the saved plan or an error shows it. Values
 * from `${env.NAME}` are sensitive: shown as `(sensitive: env.NAME)`, compared but never printed;
 * credential names are refused outright; `--public-env` (trusted side) may show one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess as run, tempDir } from '../helpers/cli.js';

const SECRET = 'hunter2-s3cr3t-VALUE';
const OPS = 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

function config(extra = '') {
  const dir = tempDir('secrets-');
  writeFileSync(
    join(dir, 'connectform.yaml'),
    `targets:
  dev:
    region: us-east-2
    instanceId: 6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d
    endpoint: ${sandbox.endpoint}
rules:
  - Name: leak-function
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: { Version: '2022-11-25', RuleFunction: { Operator: AND, Operands: [ { Operator: CONTAINS_ANY, Operands: ["\${env.MY_TOKEN_VALUE_IS_NOT_A_NAME}"], ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript, FilterClause: { LogicOperator: AND, Filters: [ { Type: ParticipantRole, Data: CUSTOMER } ] }, Negate: false } ] } }
    PublishStatus: PUBLISHED
    Actions:
      - ActionType: SEND_NOTIFICATION
        SendNotificationAction:
          DeliveryMethod: EMAIL
          Subject: 'Alert \${env.LEAKY}'
          Content: hello
          ContentType: PLAIN_TEXT
          Recipient: { UserTags: { role: supervisor } }
customActions:
  - ActionName: leak-command
    Definition: { CommandText: 'lambda invoke --function-name \${env.LEAKY}' }
    ChatConfigurations: ['${OPS}']
lexChannelAssociations:
  - name: orders_slack
    botName: OrderFlowers
    botAlias: prod
    type: Slack
    description: 'desc \${env.LEAKY}'
${extra}`,
  );
  return dir;
}

const outputs = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe('values from the environment are never printed', () => {
  it('refuses credential-like names with a positioned error (the first rule names one)', async () => {
    const dir = config();
    const r = await run(['validate', dir], { env: { MY_TOKEN_VALUE_IS_NOT_A_NAME: SECRET, LEAKY: SECRET } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/connectform\.yaml:9:\d+: error: .*MY_TOKEN_VALUE_IS_NOT_A_NAME/);
    expect(outputs(r)).not.toContain(SECRET);
  });

  it('text, markdown, JSON, the saved plan and show: (sensitive: env.LEAKY), never the value', async () => {
    const dir = config();
    writeFileSync(
      join(dir, 'connectform.yaml'),
      readFileSync(join(dir, 'connectform.yaml'), 'utf8').replace(
        '${env.MY_TOKEN_VALUE_IS_NOT_A_NAME}',
        '${env.LEAKY}',
      ),
    );
    const env = { LEAKY: SECRET };
    const planFile = join(dir, 'plan.out');
    for (const format of ['text', 'markdown', 'json']) {
      const r = await run(['plan', dir, '-f', format, ...(format === 'json' ? ['--out', planFile] : [])], {
        env,
        cwd: dir,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(outputs(r), format).not.toContain(SECRET);
      expect(r.stdout, format).toContain('(sensitive: env.LEAKY)');
    }
    expect(readFileSync(planFile, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(planFile, 'utf8')).toContain('(sensitive: env.LEAKY)');
    const shown = await run(['show', planFile]);
    expect(shown.stdout).not.toContain(SECRET);

    // Apply sends the real value, and the next plan (same value) is empty: comparison works.
    const applied = await run(['apply', planFile, '--auto-approve'], { env, cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(outputs(applied)).not.toContain(SECRET);
    const again = await run(['plan', dir, '-f', 'json', '--kinds', 'rule', 'customAction'], { env, cwd: dir });
    expect(planOf(again).changes).toEqual([]);

    // A changed value says so without showing either value.
    const changed = await run(['plan', dir, '-f', 'json', '--kinds', 'rule'], {
      env: { LEAKY: `${SECRET}-rotated` },
      cwd: dir,
    });
    expect(outputs(changed)).not.toContain(SECRET);
    const fields = planOf(changed).changes[0].fields;
    expect(JSON.stringify(fields)).toContain('(sensitive: env.LEAKY)');
  });

  it('--public-env / CONNECTFORM_PUBLIC_ENV show a variable the run vouches for', async () => {
    const dir = config();
    writeFileSync(
      join(dir, 'connectform.yaml'),
      readFileSync(join(dir, 'connectform.yaml'), 'utf8').replace(
        '${env.MY_TOKEN_VALUE_IS_NOT_A_NAME}',
        '${env.LEAKY}',
      ),
    );
    const viaFlag = await run(['plan', dir, '-f', 'json', '--kinds', 'customAction', '--public-env', 'LEAKY'], {
      env: { LEAKY: 'shown-value' },
      cwd: dir,
    });
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(viaFlag.stdout).toContain('shown-value');
    const viaEnv = await run(['plan', dir, '-f', 'json', '--kinds', 'customAction'], {
      env: { LEAKY: 'shown-value', CONNECTFORM_PUBLIC_ENV: 'OTHER,LEAKY' },
      cwd: dir,
    });
    expect(viaEnv.stdout).toContain('shown-value');
  });
});

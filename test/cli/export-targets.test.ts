/**
 * `export -t dev -t prod` (issue 21, item 3): two sandbox instances whose resources have the
 * same names under different ids, with values the targets share, values they differ in, a
 * resource only one holds and an item whose name is templated. The export writes one config:
 * names, not ids; shared values as literals; differing ones as `${var.*}` with each target's
 * value under its vars; `onlyTargets` where a resource is missing; the config's lifecycle kept.
 * It validates and plans empty for both targets, and a second export writes the same files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planDocumentOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { condition, NOTIFY_ALICE_AND_BOB, namedInstance } from '../helpers/names.js';

const DEV = '31111111-1111-4111-8111-111111111111';
const PROD = '32222222-2222-4222-8222-222222222222';

const SEEDED = [namedInstance(DEV, 'd'), namedInstance(PROD, 'e')];
const LISTS = ['contactFlows', 'queues', 'users', 'hierarchyGroups', 'routingProfiles', 'evaluationForms'] as const;
const ALL_IDS = SEEDED.flatMap((i) => LISTS.flatMap((l) => (i[l] ?? []).map((e) => e.id)));

/** Client pacing scaled like the other sandbox tests (the sandbox's own quotas are off). */
const FAST = ['--quota-scale', '25'];
let sandbox: SandboxHandle;
beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect.instances = SEEDED;
  sandbox = await startSandbox({ seed, quotas: false });
});
afterAll(async () => sandbox?.stop());

/** A post-call rule whose one condition names queues. */
const queueRule = (Name: string, queues: string[], rest: object) => ({
  Name,
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
  Function: {
    Version: '2022-11-25',
    RuleFunction: {
      Operator: 'AND',
      Operands: [
        condition(
          '$.ContactLens.PostCall.Queue.QueueId',
          queues.map((name) => ({ name })),
        ),
      ],
    },
  },
  PublishStatus: 'PUBLISHED',
  ...rest,
});

/** Rules and a task template: shared, differing (through vars) and dev-only. */
const RESOURCES = {
  rules: [
    queueRule('angry-billing', ['Billing', 'Sales'], {
      // A list var: the targets notify different users.
      Actions: [
        {
          ...NOTIFY_ALICE_AND_BOB,
          SendNotificationAction: {
            ...NOTIFY_ALICE_AND_BOB.SendNotificationAction,
            Recipient: { UserIds: '${var.recipients}' },
          },
        },
      ],
      Tags: { env: '${var.env}', team: 'support' },
    }),
    queueRule('escalate-${var.env}', ['Sales'], {
      lifecycle: { preventDestroy: true },
      Actions: [
        { ActionType: 'CREATE_TASK', TaskAction: { Name: 'Escalate', ContactFlowId: { name: 'Task routing' } } },
      ],
    }),
    queueRule('dev-experiment', ['Billing'], {
      onlyTargets: ['dev'],
      PublishStatus: 'DRAFT',
      Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'experiment' } }],
    }),
  ],
  taskTemplates: [
    {
      Name: 'callback',
      Description: '${var.callback}',
      ContactFlowId: { name: 'Task routing' },
      Fields: [
        { Id: { Name: 'Title' }, Type: 'NAME' },
        { Id: { Name: 'Notes' }, Type: 'TEXT' },
      ],
      Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
    },
  ],
};

function sourceConfig(): string {
  return writeConfig(
    tempDir('export-targets-src-'),
    {
      dev: {
        endpoint: sandbox.endpoint,
        instanceId: DEV,
        vars: { env: 'dev', callback: 'Call back (dev)', recipients: [{ name: 'alice' }, { name: 'bob' }] },
      },
      prod: {
        endpoint: sandbox.endpoint,
        instanceId: PROD,
        vars: { env: 'prod', callback: 'Call back', recipients: [{ name: 'alice' }] },
      },
    },
    {},
    RESOURCES,
  );
}

const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

describe('export of two targets into one config', () => {
  let src: string;
  let out: string;
  beforeAll(async () => {
    src = sourceConfig();
    const applied = await run(['apply', src, '-t', 'all', '--auto-approve', ...FAST], { cwd: src });
    expect(applied.code, applied.stderr).toBe(0);
    out = join(tempDir('export-targets-out-'), 'exported');
    const r = await run(['export', src, '-t', 'dev', '-t', 'prod', '--out', out, ...FAST], { cwd: src });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Exported targets "dev", "prod"');
  });

  it('writes names, never either instance id', () => {
    const text = Object.values(files(out)).join('\n');
    for (const id of ALL_IDS) expect(text).not.toContain(id);
    const rules = parse(files(out)['rules.yaml']).rules as Record<string, unknown>[];
    const angry = rules.find((r) => r.Name === 'angry-billing')!;
    expect(JSON.stringify(angry.Function)).toContain('"Operands":[{"name":"Billing"},{"name":"Sales"}]');
  });

  it('shared values are literals, differing ones vars with each target value, missing resources onlyTargets', () => {
    const rules = parse(files(out)['rules.yaml']).rules as Record<string, unknown>[];
    const targets = parse(files(out)['targets.yaml']).targets as Record<string, { vars: Record<string, unknown> }>;
    const angry = rules.find((r) => r.Name === 'angry-billing')!;
    expect(angry.onlyTargets).toBeUndefined();
    expect(angry.Tags).toEqual({ env: '${var.angry_billing_tags_env}', team: 'support' });
    expect(targets.dev.vars.angry_billing_tags_env).toBe('dev');
    expect(targets.prod.vars.angry_billing_tags_env).toBe('prod');
    // Lists of other lengths: one var holding each target's whole list.
    const notify = (angry.Actions as { SendNotificationAction: { Recipient: { UserIds: unknown } } }[])[0];
    const listVar = /^\$\{var\.([a-z0-9_]+)\}$/.exec(String(notify.SendNotificationAction.Recipient.UserIds))![1];
    expect(targets.prod.vars[listVar]).toEqual([{ name: 'alice' }]);
    expect(targets.dev.vars[listVar]).toEqual([{ name: 'alice' }, { name: 'bob' }]);
    expect(listVar).not.toBe('recipients'); // export's own var, beside the config's

    // One item whose name differs per target: matched through the config item, its lifecycle kept.
    const escalate = rules.filter((r) => String(r.Name).includes('escalate'));
    expect(escalate).toHaveLength(1);
    expect(escalate[0].Name).toBe('${var.escalate_name}');
    expect(escalate[0].lifecycle).toEqual({ preventDestroy: true });
    expect([targets.dev.vars.escalate_name, targets.prod.vars.escalate_name]).toEqual([
      'escalate-dev',
      'escalate-prod',
    ]);

    const experiment = rules.find((r) => r.Name === 'dev-experiment')!;
    expect(experiment.onlyTargets).toEqual(['dev']);

    const template = (parse(files(out)['task-templates.yaml']).taskTemplates as Record<string, unknown>[])[0];
    expect(template.ContactFlowId).toEqual({ name: 'Task routing' });
    expect(template.Description).toBe('${var.callback_description}');
    expect(targets.prod.vars.callback_description).toBe('Call back');
    // The config's own vars and fields are carried over as written.
    expect(targets.dev.vars.env).toBe('dev');
  });

  it('validates and plans empty for both targets', async () => {
    const validated = await run(['validate', out, '-t', 'all'], { cwd: out });
    expect(validated.code, validated.stderr + validated.stdout).toBe(0);
    const plan = await run(['plan', out, '-t', 'all', '--format', 'json', ...FAST], { cwd: out });
    expect(plan.code, plan.stderr).toBe(0);
    expect(planDocumentOf(plan).plans.map((p) => [p.target, p.changes])).toEqual([
      ['dev', []],
      ['prod', []],
    ]);
  });

  it('a second export writes the same files (var names are stable)', async () => {
    const again = join(tempDir('export-targets-again-'), 'exported');
    const r = await run(['export', src, '-t', 'all', '--out', again, ...FAST], { cwd: src });
    expect(r.code, r.stderr).toBe(0);
    expect(files(again)).toEqual(files(out));
  });

  it('without --out, several targets print one whole config (targets with their vars, then the resources)', async () => {
    const r = await run(['export', src, '-t', 'all', ...FAST], { cwd: src });
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout);
    expect(Object.keys(doc).slice(0, 3)).toEqual(['targets', 'rules', 'taskTemplates']);
    expect(doc.targets.prod.vars.escalate_name).toBe('escalate-prod');
  });
});

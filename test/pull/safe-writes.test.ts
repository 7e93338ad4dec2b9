/**
 * Issue 22, items 1-3: pull never writes a wrong file. Each reproduction from the issue is a test
 * here (a flow map losing its only key, a flow list whose only element is replaced, an attachment
 * whose identity changed, a flow Actions list replaced whole, `|+` and `>-` block scalars), then
 * writes that are all or nothing, and a literal several targets share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeRuleCommand,
  GetTaskTemplateCommand,
  ListRulesCommand,
  ListTaskTemplatesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRuleCommand,
  UpdateTaskTemplateCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { parse } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { INSTANCE, planOf, runCliInProcess, tempDir } from '../helpers/cli.js';
import { clients } from '../sandbox/helpers.js';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

const PROD_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';
const QUOTA = ['--parallelism', '3', '--quota-scale', '25'];
/** A documented Rules Function (the catalog's OnPostCallAnalysisAvailable example), as DescribeRule returns it. */
const FUNCTION = exampleFunctionJson('OnPostCallAnalysisAvailable');

/** A task template the service accepts, with `extra` lines (4-space indented) after its name. */
const tmpl = (
  name: string,
  extra: string,
  constraints = '    Constraints: { RequiredFields: [{ Id: { Name: Title } }] }\n',
) =>
  `  - Name: ${name}\n${extra}    ContactFlowId: { name: Task routing }\n    Fields:\n      - Id: { Name: Title }\n        Type: NAME\n      - Id: { Name: Amount }\n        Type: NUMBER\n${constraints}`;

describe('pull writes only whole, valid files (issue 22)', () => {
  let sandbox: SandboxHandle;
  let root: string;
  let connect: ConnectClient;

  beforeAll(async () => {
    root = tempDir('pullsafe-');
    const seed = structuredClone(DEFAULT_SEED);
    seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: PROD_INSTANCE });
    sandbox = await startSandbox({ seed, quotas: false });
    connect = clients(sandbox.endpoint).connect;
  });
  afterAll(async () => sandbox?.stop());

  const cli = (...args: string[]) => runCliInProcess([...args, ...QUOTA], { cwd: root, env: {} });
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const emptyPlan = async (dir: string, target = 'dev') =>
    expect(planOf(await ok('plan', dir, '-t', target, '-f', 'json')).changes).toEqual([]);

  /** A config directory: targets dev (and prod, on another instance) and one resources file. */
  function config(name: string, resources: string, targets: 'dev' | 'both' = 'dev'): string {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const target = (t: string, id: string) =>
      `  ${t}:\n    region: us-east-1\n    instanceId: ${id}\n    endpoint: ${sandbox.endpoint}\n`;
    writeFileSync(
      join(dir, 'connectform.yaml'),
      `targets:\n${target('dev', INSTANCE)}${targets === 'both' ? target('prod', PROD_INSTANCE) : ''}`,
    );
    writeFileSync(join(dir, 'resources.yaml'), resources);
    return dir;
  }
  const resources = (dir: string) => readFileSync(join(dir, 'resources.yaml'), 'utf8');

  async function template(name: string, instance = INSTANCE) {
    const list = await connect.send(new ListTaskTemplatesCommand({ InstanceId: instance, MaxResults: 100 }));
    const id = list.TaskTemplates!.find((t) => t.Name === name)!.Id!;
    return connect.send(new GetTaskTemplateCommand({ InstanceId: instance, TaskTemplateId: id }));
  }
  async function editTemplate(name: string, change: Record<string, unknown>, instance = INSTANCE) {
    const t = await template(name, instance);
    await connect.send(
      new UpdateTaskTemplateCommand({
        InstanceId: instance,
        TaskTemplateId: t.Id!,
        Name: t.Name,
        Description: t.Description,
        ContactFlowId: t.ContactFlowId,
        Constraints: t.Constraints,
        Defaults: t.Defaults,
        Status: t.Status,
        Fields: t.Fields,
        ...change,
      }),
    );
  }

  it('a flow map whose only key is removed and another added: `{ owner: ops }`, never `{ , owner: ops }`', async () => {
    const text = `taskTemplates:\n${tmpl('Billing', '    Tags: { team: billing } # who owns it\n')}`;
    const dir = config('flow-map', text);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const t = await template('Billing');
    await connect.send(new UntagResourceCommand({ resourceArn: t.Arn!, tagKeys: ['team'] }));
    await connect.send(new TagResourceCommand({ resourceArn: t.Arn!, tags: { owner: 'ops' } }));
    await ok('pull', dir, '-t', 'dev');
    expect(resources(dir)).toBe(text.replace('{ team: billing }', '{ owner: ops }'));
    await emptyPlan(dir);
  });

  it('a flow list whose only element is replaced', async () => {
    const dir = config(
      'flow-list',
      `taskTemplates:\n${tmpl('Read only', '', '    Constraints: { RequiredFields: [{ Id: { Name: Title } }], ReadOnlyFields: [ { Id: { Name: Title } } ] }\n')}`,
    );
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editTemplate('Read only', {
      Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }], ReadOnlyFields: [{ Id: { Name: 'Amount' } }] },
    });
    await ok('pull', dir, '-t', 'dev');
    expect(resources(dir)).toContain(
      '    Constraints: { RequiredFields: [{ Id: { Name: Title } }], ReadOnlyFields: [ { Id: { Name: Amount } } ] }\n',
    );
    await emptyPlan(dir);
  });

  it('a custom action attachment whose ButtonText and Criteria both change is replaced, not kept beside the new one', async () => {
    const dir = config(
      'attachment',
      `customActions:
  - ActionName: health-run
    Definition: { CommandText: lambda invoke --function-name health }
    Attachments:
      - NotificationType: AWSHealth
        ButtonText: Run
        Variables: { svc: event.detail.service, region: event.region }
        Criteria:
          - { Operator: HAS_VALUE, VariableName: svc }
          - { Operator: HAS_VALUE, VariableName: region }
`,
    );
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const { chatbot } = clients(sandbox.endpoint);
    const list = await chatbot.send('ListCustomActions', {});
    const actions = await Promise.all(
      list.CustomActions!.map((a: string) => chatbot.send('GetCustomAction', { CustomActionArn: a })),
    );
    const action = actions.find((a) => a.CustomAction?.ActionName === 'health-run')!.CustomAction!;
    await chatbot.send('UpdateCustomAction', {
      CustomActionArn: action.CustomActionArn,
      Definition: action.Definition,
      Attachments: [
        {
          NotificationType: 'AWSHealth',
          ButtonText: 'Run now',
          Variables: { svc: 'event.detail.service', region: 'event.region' },
          Criteria: [
            { Operator: 'EQUALS', VariableName: 'svc', Value: 'EC2' },
            { Operator: 'HAS_VALUE', VariableName: 'region' },
          ],
        },
      ],
    });
    await ok('pull', dir, '-t', 'dev');
    const after = parse(resources(dir));
    expect(after.customActions[0].Attachments).toHaveLength(1);
    expect(after.customActions[0].Attachments[0]).toMatchObject({ ButtonText: 'Run now' });
    await emptyPlan(dir);
  });

  it('a flow `Actions: [ … ]` whose every element is replaced', async () => {
    const dir = config(
      'flow-actions',
      `rules:
  - Name: flow-actions
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: '${FUNCTION}'
    PublishStatus: PUBLISHED
    Actions: [ { ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: a } }, { ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: b } } ]
`,
    );
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const rules = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    const RuleId = rules.RuleSummaryList!.find((r) => r.Name === 'flow-actions')!.RuleId!;
    const { Rule: rule } = await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }));
    await connect.send(
      new UpdateRuleCommand({
        InstanceId: INSTANCE,
        RuleId,
        Name: rule!.Name,
        Function: rule!.Function,
        PublishStatus: rule!.PublishStatus,
        Actions: [
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'c' } },
          { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'd' } },
        ],
      }),
    );
    await ok('pull', dir, '-t', 'dev');
    expect(parse(resources(dir)).rules[0].Actions.map((a: any) => a.EventBridgeAction.Name)).toEqual(['c', 'd']);
    expect(resources(dir)).toMatch(/ {4}Actions: \[ \{ .* \} \]\n/);
    await emptyPlan(dir);
  });

  it('block scalars keep their style: `|+` keeps its trailing blank line and converges, `>-` stays `>-`', async () => {
    const dir = config(
      'block-scalars',
      `taskTemplates:\n${tmpl('Kept', '    Description: |+\n      first line\n      second line\n\n')}${tmpl('Folded', '    Description: >-\n      folded text\n      goes on\n')}`,
    );
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editTemplate('Kept', { Description: 'first line\nsecond line changed\n\n' });
    await editTemplate('Folded', { Description: 'folded text changed' });
    await ok('pull', dir, '-t', 'dev');
    expect(resources(dir)).toBe(
      `taskTemplates:\n${tmpl('Kept', '    Description: |+\n      first line\n      second line changed\n\n')}${tmpl('Folded', '    Description: >-\n      folded text changed\n')}`,
    );
    await emptyPlan(dir);
    expect((await ok('pull', dir, '-t', 'dev')).stdout).toContain('No change to write');
  });

  it('a read-only file is refused up front with its name, and no file is written', async () => {
    const dir = config('read-only', `taskTemplates:\n${tmpl('Locked', '    Description: before\n')}`);
    writeFileSync(join(dir, 'other.yaml'), `taskTemplates:\n${tmpl('Open', '    Description: before\n')}`);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editTemplate('Locked', { Description: 'after' });
    await editTemplate('Open', { Description: 'after' });
    chmodSync(join(dir, 'resources.yaml'), 0o444);
    try {
      const r = await cli('pull', dir, '-t', 'dev');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/resources\.yaml is read-only \(mode 0444\); nothing was written/);
      expect(readFileSync(join(dir, 'other.yaml'), 'utf8')).toContain('Description: before');
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      chmodSync(join(dir, 'resources.yaml'), 0o644);
    }
  });

  it('temp files a killed pull left are never read as config, and the next pull removes them', async () => {
    const dir = config('stale', `taskTemplates:\n${tmpl('Stale', '    Description: before\n')}`);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const stale = join(dir, '.connectform-pull-0123456789abcdef.tmp');
    writeFileSync(stale, 'taskTemplates:\n  - Name: Not config\n');
    await emptyPlan(dir); // the temp file's template is not planned
    await editTemplate('Stale', { Description: 'after' });
    await ok('pull', dir, '-t', 'dev');
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['connectform.yaml', 'resources.yaml']);
  });

  describe('a literal several targets use', () => {
    const SHARED = `taskTemplates:\n${tmpl('Shared', '    Description: same everywhere\n')}`;

    it('pull -t prod alone writes nothing there and says which targets use it and how to fix it', async () => {
      const dir = config('shared-one', SHARED, 'both');
      await ok('apply', dir, '-t', 'all', '--auto-approve');
      await editTemplate('Shared', { Description: 'prod edit' }, PROD_INSTANCE);
      const r = await ok('pull', dir, '-t', 'prod');
      expect(resources(dir)).toBe(SHARED);
      expect(r.stdout).toContain(
        'Connect task template "Shared" Description changed live in prod, but the value is also used by dev (not pulled); not written: pull those targets together (-t prod -t dev, or -t all), or pass --per-target',
      );
      expect(r.stdout).toContain('(live: prod: "prod edit")');
      await emptyPlan(dir, 'dev');
    });

    it('pull -t all writes a change every target made alike, reports one they disagree on with each value', async () => {
      const dir = config(
        'shared-all',
        `taskTemplates:\n${tmpl('Alike', '    Description: before\n')}${tmpl('Apart', '    Description: before\n')}`,
        'both',
      );
      await ok('apply', dir, '-t', 'all', '--auto-approve');
      for (const instance of [INSTANCE, PROD_INSTANCE]) await editTemplate('Alike', { Description: 'after' }, instance);
      await editTemplate('Apart', { Description: 'dev value' }, INSTANCE);
      await editTemplate('Apart', { Description: 'prod value' }, PROD_INSTANCE);
      const r = await ok('pull', dir, '-t', 'all');
      expect(resources(dir)).toBe(
        `taskTemplates:\n${tmpl('Alike', '    Description: after\n')}${tmpl('Apart', '    Description: before\n')}`,
      );
      expect(r.stdout).toContain(
        'Connect task template "Apart" Description differs live between targets; not written: pass --per-target to give each target its own value, or make the targets agree (live: dev: "dev value"; prod: "prod value")',
      );
      const per = await ok('pull', dir, '-t', 'all', '--per-target');
      expect(per.stdout).toContain('Description (${var.apart_description})');
      expect(resources(dir)).toContain('  - Name: Apart\n    Description: "${var.apart_description}"\n');
      const targets = parse(readFileSync(join(dir, 'connectform.yaml'), 'utf8')).targets;
      expect(targets.dev.vars).toEqual({ apart_description: 'dev value' });
      expect(targets.prod.vars).toEqual({ apart_description: 'prod value' });
      await emptyPlan(dir, 'dev');
      await emptyPlan(dir, 'prod');
    });
  });
});

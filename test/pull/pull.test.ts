/**
 * `connectform pull` end to end, in-process: configs written by hand (comments, anchors, flow
 * names and ids, variables, odd quoting), applied to an in-process sandbox, edited "in the
 * console" (SDK calls with other credentials; Lex, which has no write API, by editing the
 * sandbox's world), then pulled. Each pulled file is compared with a golden file under
 * test/pull/golden/ (every other byte as written) and the next plan is empty except for what
 * pull reported. UPDATE_GOLDEN=1 rewrites the golden files (review their diff).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  TagResourceCommand,
  DescribeRuleCommand,
  GetTaskTemplateCommand,
  ListRulesCommand,
  ListTaskTemplatesCommand,
  UpdateRuleCommand,
  UpdateTaskTemplateCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ConnectClient as Connect } from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, planOf, runCliInProcess, tempDir } from '../helpers/cli.js';
import { ACCOUNT, CHAT_ONCALL, clients } from '../sandbox/helpers.js';
import { commandLines, rawDangerous } from '../render/dangerous.js';
import { parse } from 'yaml';
import { exampleFunctionJson, fnMapping } from '../helpers/rule-function.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const QUOTA = ['--parallelism', '3', '--quota-scale', '25'];
const FLOW_CALLBACK = '2f8c6b1a-3d4e-4f5a-8b92-c3d4e5f6a7b8';
const FLOW_TASK_ROUTING = '4bae8d3c-5f6a-4b7c-8db4-e5f6a7b8c9d0';
const FLOW_ESCALATION = '0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6';
/** The "console user": a role session, so LastUpdatedBy differs from the deployer's key. */
const EDITOR_ROLE = `arn:aws:iam::${ACCOUNT}:role/console-editor`;
const EDITOR_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/console-editor/alice`;

function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** Lines of `after` that differ from `before` at the same place (pull edits in place). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  return b.filter((line, i) => a[i] !== line);
}

describe('connectform pull (CLI, sandbox)', () => {
  let sandbox: SandboxHandle;
  let root: string;
  let editor: ConnectClient;

  beforeAll(async () => {
    root = tempDir('pull-');
    sandbox = await startSandbox({ quotas: { ratePerSecond: 2, burst: 5 }, quotaScale: 25, lexV1: 'available' });
    const sts = new STSClient({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDDEPLOY', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: EDITOR_ROLE, RoleSessionName: 'alice' }),
    );
    // The console user shares the account's quotas with connectform's runs: like the console,
    // it retries a throttled call (the SDK's standard retry).
    editor = new Connect({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      maxAttempts: 5,
      credentials: {
        accessKeyId: c!.AccessKeyId!,
        secretAccessKey: c!.SecretAccessKey!,
        sessionToken: c!.SessionToken!,
      },
    });
  });
  afterAll(async () => sandbox?.stop());

  const cli = (...args: string[]) =>
    runCliInProcess([...args, ...QUOTA], { cwd: root, env: { PAGE_TEXT: 'from the environment' } });
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const plan = async (dir: string) => planOf(await ok('plan', dir, '-t', 'dev', '-f', 'json'));

  function config(name: string, resources: string, vars = 'team: support'): string {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'connectform.yaml'),
      `targets:\n  dev:\n    region: us-east-1\n    instanceId: ${INSTANCE}\n    endpoint: ${sandbox.endpoint}\n    vars:\n      ${vars}\n`,
    );
    writeFileSync(join(dir, 'resources.yaml'), resources);
    return dir;
  }
  const resources = (dir: string) => readFileSync(join(dir, 'resources.yaml'), 'utf8');

  async function ruleId(name: string): Promise<string> {
    const list = await editor.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    return list.RuleSummaryList!.find((r) => r.Name === name)!.RuleId!;
  }

  async function editRule(name: string, edit: (rule: Record<string, any>) => Record<string, any>): Promise<void> {
    const RuleId = await ruleId(name);
    const { Rule: rule } = await editor.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId }));
    const next = edit(structuredClone(rule!) as Record<string, any>);
    await editor.send(
      new UpdateRuleCommand({
        InstanceId: INSTANCE,
        RuleId,
        Name: next.Name,
        Function: next.Function,
        PublishStatus: next.PublishStatus,
        Actions: next.Actions,
      }),
    );
  }

  it('rules: edits only the changed values, keeps comments and anchors; var-sourced and anchored values are reported; the next plan is empty but for them', async () => {
    const dir = config('rules', RULES);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editRule('negative-sentiment', (r) => ({
      ...r,
      // DescribeRule's string edited: the threshold moved (the file writes a mapping).
      Function: r.Function.replace('"Operands":[30]', '"Operands":[40]'),
      PublishStatus: 'DRAFT',
      Actions: r.Actions.map((a: any) =>
        a.TaskAction ? { ...a, TaskAction: { ...a.TaskAction, Name: 'Call back today' } } : a,
      ),
    }));
    await editRule('team-events', (r) => ({
      ...r,
      // The file writes this one as a string: it stays a string.
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 6),
      // from ${var.team}: reported with the var's position, not written
      Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'billing-event' } }],
    }));
    // attribution: who made the console edit, in drift's JSON. DescribeRule's LastUpdatedBy is "the
    // Amazon Resource Name (ARN) of the user who last updated the rule" (src/aws/models/connect.json,
    // Rule.LastUpdatedBy); the sandbox records the signing identity (test/sandbox/sts.test.ts).
    const drift = await cli('drift', dir, '-t', 'dev', '-f', 'json');
    expect(drift.code).toBe(2);
    const changes = planOf(drift).changes as unknown as { name: string; attribution?: { at?: string; by?: string } }[];
    expect(changes.find((c) => c.name === 'negative-sentiment')?.attribution).toMatchObject({
      by: EDITOR_ARN,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev');
    const after = resources(dir);
    golden('rules.yaml', after);
    expect(changedLines(before, after)).toEqual([
      '              - 40', // edited in place, the comment above the condition kept
      "    PublishStatus: 'DRAFT'",
      '          Name: "Call back today"',
      // written as a string of JSON: stays one (compact), only its content changes
      `    Function: '${exampleFunctionJson('OnPostCallAnalysisAvailable', 6)}'`,
    ]);
    expect(r.stdout).toContain('--- a/rules/resources.yaml');
    expect(r.stdout).toContain(`last changed`);
    expect(r.stdout).toContain(`by ${EDITOR_ARN}`);
    // the var is reported with where it is defined and the live value
    expect(r.stdout).toMatch(
      /resources\.yaml:\d+:\d+: Connect rule "team-events" Actions\[0\]\.EventBridgeAction\.Name comes from \$\{var\.team\}-event; not written/,
    );
    expect(r.stdout).toContain('(live: "billing-event")');

    const p = await plan(dir);
    expect(p.changes.map((c) => [c.name, c.fields.map((f) => f.path)])).toEqual([
      ['team-events', [expect.stringContaining('Actions')]],
    ]);
  });

  it('task templates: fields matched by Id.Name and edited in place, a flow id stays an id, a name stays a name, an anchor shared by two templates is reported', async () => {
    const dir = config('templates', TEMPLATES);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const list = await editor.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    const id = list.TaskTemplates!.find((t) => t.Name === 'Refund request')!.Id!;
    const t = await editor.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: id }));
    await editor.send(
      new UpdateTaskTemplateCommand({
        InstanceId: INSTANCE,
        TaskTemplateId: id,
        Name: t.Name,
        Description: 'Refund within 5 days', // was "…3 days"
        ContactFlowId: FLOW_CALLBACK, // config wrote an id: stays an id
        SelfAssignFlowId: FLOW_ESCALATION, // config wrote { name }: stays a name
        Constraints: t.Constraints,
        Defaults: t.Defaults,
        Status: t.Status,
        Fields: t.Fields!.map((f) =>
          f.Id?.Name === 'Amount'
            ? { ...f, Description: 'Amount in EUR' }
            : f.Id?.Name === 'Reason'
              ? { ...f, Description: 'Changed in the console' }
              : f,
        ),
      }),
    );
    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev');
    const after = resources(dir);
    golden('task-templates.yaml', after);
    expect(changedLines(before, after)).toEqual([
      '    Description: Refund within 5 days # shown to agents',
      `    ContactFlowId: "${FLOW_CALLBACK}"`,
      '    SelfAssignFlowId: { name: Escalation }',
      "        Description: 'Amount in EUR'",
    ]);
    // GetTaskTemplate tells when, not who
    expect(r.stdout).toMatch(
      /Connect task template "Refund request": [^\n]* \(last changed \d{4}-\d\d-\d\dT[\d:.]+Z\)\n/,
    );
    // Reason's description lives in &reason, which the other template uses too
    expect(r.stdout).toMatch(
      /resources\.yaml:13:9: Connect task template "Refund request" Fields\[2\] lives in an anchor other items use; not written: change it by hand if every item using it should change, or give this item its own value \(live: \{.*"Changed in the console".*\}\)/,
    );
    const p = await plan(dir);
    expect(p.changes.map((c) => [c.name, c.fields.map((f) => f.path)])).toEqual([
      ['Refund request', [expect.stringMatching(/^Fields.*Description$/)]],
    ]);
  });

  it('structural edits: a field added and one removed in the console, a constraint with it, a tag added', async () => {
    const dir = config('structure', STRUCTURE);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const list = await editor.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    const id = list.TaskTemplates!.find((t) => t.Name === 'Complaint')!.Id!;
    const t = await editor.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: id }));
    const fields = t.Fields!.filter((f) => f.Id?.Name !== 'Obsolete');
    fields.splice(1, 0, { Id: { Name: 'Severity' }, Type: 'SINGLE_SELECT', SingleSelectOptions: ['Low', 'High'] });
    await editor.send(
      new UpdateTaskTemplateCommand({
        InstanceId: INSTANCE,
        TaskTemplateId: id,
        Name: t.Name,
        ContactFlowId: t.ContactFlowId,
        Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }, { Id: { Name: 'Severity' } }] },
        Status: t.Status,
        Fields: fields,
      }),
    );
    await editor.send(new TagResourceCommand({ resourceArn: t.Arn!, tags: { owner: 'supervisors' } }));
    const r = await ok('pull', dir, '-t', 'dev');
    golden('structure.yaml', resources(dir));
    expect(r.stdout).not.toContain('Not written');
    expect((await plan(dir)).changes).toEqual([]);
  });

  it('custom actions: a changed command and a new chat configuration; the attribution says the API does not tell', async () => {
    const dir = config('actions', ACTIONS);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const { chatbot } = clients(sandbox.endpoint);
    const list = await chatbot.send('ListCustomActions', {});
    const arn = (
      await Promise.all(list.CustomActions!.map((a: string) => chatbot.send('GetCustomAction', { CustomActionArn: a })))
    ).find((a) => a.CustomAction?.ActionName === 'restart-service')!.CustomAction!.CustomActionArn!;
    await chatbot.send('UpdateCustomAction', {
      CustomActionArn: arn,
      Definition: { CommandText: 'lambda invoke --function-name restart-v2' },
    });
    await chatbot.send('AssociateToConfiguration', { Resource: arn, ChatConfiguration: CHAT_ONCALL });
    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev', '-f', 'json');
    const out = JSON.parse(r.stdout);
    expect(out.pulled).toEqual([
      expect.objectContaining({ kind: 'customAction', name: 'restart-service', attribution: {} }),
    ]);
    const after = resources(dir);
    golden('custom-actions.yaml', after);
    expect(changedLines(before, after)).toEqual(['      CommandText: lambda invoke --function-name restart-v2']);
    expect((await plan(dir)).changes).toEqual([]);
  });

  it('Lex associations: a description is written, a secret never (reported without its value)', async () => {
    const dir = config('lex', LEX);
    const bot = sandbox.world.lex.bots.OrderFlowers;
    const slack = bot.channelAssociations.find((c) => c.name === 'orders_slack')!;
    slack.description = 'Orders from #flowers-v2';
    slack.botConfiguration.clientSecret = 'rotated-in-console';
    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev', '--kinds', 'lexChannelAssociation');
    const after = resources(dir);
    golden('lex-channel-associations.yaml', after);
    expect(changedLines(before, after)).toEqual(["    description: 'Orders from #flowers-v2'"]);
    expect(r.stdout).toContain('botConfiguration is a secret: pull never writes secrets');
    expect(r.stdout + after).not.toContain('rotated-in-console');
    expect(r.stdout).toContain('last change: not reported by this API');
    const p = await plan(dir);
    expect(p.changes.map((c) => c.fields.map((f) => f.path).join())).toEqual([
      expect.stringMatching(/^botConfiguration/),
    ]);
  });

  it('a value merged in with `<<` and a value from ${env.NAME} are reported, the latter without any value', async () => {
    const dir = config('merged', MERGED);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editRule('merged-rule', (r) => ({
      ...r,
      PublishStatus: 'DRAFT',
      Actions: r.Actions.map((a: any) => ({
        ...a,
        TaskAction: { ...a.TaskAction, Description: 'typed in the console' },
      })),
    }));
    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev');
    expect(resources(dir)).toBe(before);
    expect(r.stdout).toMatch(
      /Connect rule "merged-rule" PublishStatus comes from a `<<` merge of an anchor other items use; not written: .* \(live: "DRAFT"\)/,
    );
    expect(r.stdout).toMatch(
      /Connect rule "merged-rule" Actions\[0\]\.TaskAction\.Description comes from \$\{env\.PAGE_TEXT\}; not written: set the environment variable PAGE_TEXT to the live value where connectform runs \(live: \(sensitive\)\)/,
    );
    expect(r.stdout).not.toContain('typed in the console');
    expect(r.stdout).not.toContain('from the environment');
    expect(r.stdout).toContain('No change to write');
  });

  it('escapes what it prints: a live value with terminal controls reaches the file intact, the terminal only as visible escapes', async () => {
    const dir = config('escape', ESCAPE);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    const { chatbot } = clients(sandbox.endpoint);
    const list = await chatbot.send('ListCustomActions', {});
    const all = await Promise.all(
      list.CustomActions!.map((a: string) => chatbot.send('GetCustomAction', { CustomActionArn: a })),
    );
    const arn = all.find((a) => a.CustomAction?.ActionName === 'escape-me')!.CustomAction!.CustomActionArn!;
    const hostile = 'echo \u001b[2J\u202eevil\n::warning::x\n##[warning]y\u2028z';
    await chatbot.send('UpdateCustomAction', { CustomActionArn: arn, Definition: { CommandText: hostile } });
    for (const format of ['text', 'markdown', 'json']) {
      const r = await ok('pull', dir, '-t', 'dev', '--dry-run', '-f', format);
      expect(r.stdout, format).not.toMatch(/[\u001b\u202e]/);
      expect(r.stdout, format).not.toMatch(/^::warning::/m);
    }
    await ok('pull', dir, '-t', 'dev');
    // The file holds it as YAML escapes (issue 23): no raw control or bidi, no workflow command.
    const written = resources(dir);
    expect(rawDangerous(written)).toEqual([]);
    expect(commandLines(written)).toEqual([]);
    expect(written).toContain('\\u202E');
    expect(parse(written).customActions[0].Definition.CommandText).toBe(hostile);
    expect((await plan(dir)).changes).toEqual([]);
  });

  it('--dry-run prints the diff and writes nothing', async () => {
    const dir = config('dry', DRY);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editRule('dry-run-rule', (r) => ({ ...r, PublishStatus: 'DRAFT' }));
    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev', '--dry-run');
    expect(resources(dir)).toBe(before);
    expect(r.stdout).toContain('-    PublishStatus: PUBLISHED\n+    PublishStatus: DRAFT');
    expect(r.stdout).toContain('Dry run: 1 file(s) would change; nothing was written.');
  });

  it('lifecycle.ignoreChanges fields are never written; a declared rule missing live is reported and kept', async () => {
    const dir = config('ignore', IGNORE);
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    await editRule('ignored-function', (r) => ({
      ...r,
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 9),
      PublishStatus: 'DRAFT',
    }));
    await editor.send(new DeleteRuleCommand({ InstanceId: INSTANCE, RuleId: await ruleId('deleted-in-console') }));
    const before = resources(dir);
    const r = await ok('pull', dir, '-t', 'dev');
    const after = resources(dir);
    expect(changedLines(before, after)).toEqual(['    PublishStatus: DRAFT']);
    expect(after).toContain(fnMapping('OnPostCallAnalysisAvailable', 2));
    expect(after).toContain('deleted-in-console');
    expect(r.stdout).toMatch(
      /resources\.yaml:\d+:5: Connect rule "deleted-in-console" is declared but does not exist live; left in the file/,
    );
  });

  it('--include-unmanaged adds undeclared live resources as export writes them; without it they are only counted', async () => {
    const dir = config('unmanaged', UNMANAGED);
    await ok('apply', dir, '-t', 'dev', '--auto-approve', '--kinds', 'rule');
    await editor.send(
      new CreateRuleCommand({
        InstanceId: INSTANCE,
        Name: 'made-in-console',
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 7),
        PublishStatus: 'DRAFT',
        Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 'Look', ContactFlowId: FLOW_TASK_ROUTING } }],
        ClientToken: 'console-1',
      }),
    );
    const without = await ok('pull', dir, '-t', 'dev', '--dry-run');
    expect(without.stdout).toMatch(/live but not declared: not added \(pass --include-unmanaged FILE/);
    const file = join(dir, 'adopted.yaml');
    const r = await ok('pull', dir, '-t', 'dev', '--include-unmanaged', file);
    expect(r.stdout).toContain('+++ b/unmanaged/adopted.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
    expect(text).toContain('name: Task routing');
    expect(text).toContain('made-in-console');
    // every rule of the instance is now declared: the plan is empty and nothing is unmanaged,
    // but for merged-rule: its Description was applied from ${env.PAGE_TEXT} (an earlier test) and
    // changed live since; its marker records that, so it is written back as the reference
    // (issue 23: export and pull never write such a value), which no longer matches live.
    const p = await plan(dir);
    expect(text).toContain('Description: ${env.PAGE_TEXT}');
    expect(p.changes.filter((c) => c.name !== 'merged-rule')).toEqual([]);
    expect(p.unmanaged.filter((u) => u.kind === 'rule')).toEqual([]);

    // into a file of the config: appended to its list, the rest of the file as it was
    await editor.send(
      new CreateRuleCommand({
        InstanceId: INSTANCE,
        Name: 'made-in-console-too',
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 9),
        PublishStatus: 'DRAFT',
        Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'too' } }],
        ClientToken: 'console-2',
      }),
    );
    const before = resources(dir);
    await ok('pull', dir, '-t', 'dev', '--include-unmanaged', join(dir, 'resources.yaml'));
    const after = resources(dir);
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toMatch(/^ {2}- Name: made-in-console-too\n/);
    expect((await plan(dir)).unmanaged.filter((u) => u.kind === 'rule')).toEqual([]);

    // an existing file outside the config: refused before anything is read or written
    const outside = join(root, 'outside.yaml');
    writeFileSync(outside, '# mine\n');
    const refused = await cli('pull', dir, '-t', 'dev', '--include-unmanaged', outside);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the file exists but is not part of the config given');
    expect(readFileSync(outside, 'utf8')).toBe('# mine\n');
  });

  it('says when pruning would delete live resources it did not add', async () => {
    const dir = config(
      'pruned',
      DRY.replaceAll('dry-run-rule', 'pruned-rule').replace('Name: dry }', 'Name: pruned }'),
    );
    await ok('apply', dir, '-t', 'dev', '--auto-approve');
    writeFileSync(join(dir, 'resources.yaml'), 'settings: { prune: [rule] }\nrules: []\n');
    const r = await ok('pull', dir, '-t', 'dev', '--kinds', 'rule');
    expect(r.stdout).toMatch(
      /connectform\.yaml:1:1: \d+ rules live and managed by connectform but not declared, and settings\.prune is on: the next apply deletes them/,
    );
  });

  it('refuses an invalid config with its position, and writes nothing', async () => {
    const dir = config('invalid', 'rules:\n  - Name: broken\n    PublishStatus: MAYBE\n');
    const r = await cli('pull', dir, '-t', 'dev');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resources\.yaml:\d+:\d+/);
    expect(resources(dir)).toBe('rules:\n  - Name: broken\n    PublishStatus: MAYBE\n');
    expect(existsSync(join(dir, 'adopted.yaml'))).toBe(false);
  });
});

const RULES = `# Rules of the support floor.
rules:
  # Escalate calls that went badly.
  - Name: negative-sentiment   # the name agents know
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function:
      Version: '2022-11-25'
      RuleFunction:
        Operator: AND
        Operands:
          # Agents silent too long.
          - Operator: NumberGreaterOrEqualTo
            Operands:
              - 30
            ComparisonValue: $.ContactLens.PostCall.Agent.NonTalkTimePct
            Negate: false
    PublishStatus: 'PUBLISHED'
    Actions:
      - ActionType: CREATE_TASK
        TaskAction:
          Name: "Follow up"
          ContactFlowId: { name: Escalation }

      - ActionType: GENERATE_EVENTBRIDGE_EVENT
        EventBridgeAction: { Name: sentiment-event }
    Tags: &tags
      team: support
  - Name: team-events
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: '${exampleFunctionJson('OnPostCallAnalysisAvailable', 5)}'
    PublishStatus: PUBLISHED
    Actions:
      - ActionType: GENERATE_EVENTBRIDGE_EVENT
        EventBridgeAction: { Name: "\${var.team}-event" }
    Tags: *tags
`;

const TEMPLATES = `taskTemplates:
  - Name: Refund request
    Description: Refund within 3 days # shown to agents
    ContactFlowId: "${FLOW_TASK_ROUTING}"
    SelfAssignFlowId: { name: Callback }
    Fields:
      - Id: { Name: Title }
        Type: NAME
      - Id: { Name: Amount }
        Type: NUMBER
        Description: 'Amount in USD'
      - &reason
        Id: { Name: Reason }
        Type: TEXT
        Description: Why the customer asks
    Constraints:
      RequiredFields: [{ Id: { Name: Title } }]
  # Shares the Reason field.
  - Name: Refund follow-up
    ContactFlowId: { name: Task routing }
    Fields:
      - Id: { Name: Title }
        Type: NAME
      - *reason
    Constraints: { RequiredFields: [{ Id: { Name: Title } }] }
`;

const STRUCTURE = `taskTemplates:
  - Name: Complaint
    ContactFlowId: { name: Task routing }
    Fields:
      # What the agent sees first.
      - Id: { Name: Title }
        Type: NAME
      - Id: { Name: Obsolete } # no longer asked
        Type: TEXT
      - Id: { Name: Details }
        Type: DESCRIPTION
    Constraints:
      RequiredFields:
        - Id: { Name: Title }
    Tags:
      team: care
`;

const ACTIONS = `customActions:
  - ActionName: restart-service   # used by on-call
    Definition:
      CommandText: lambda invoke --function-name restart
    ChatConfigurations:
      - arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/ops
`;

const ESCAPE = `customActions:
  - ActionName: escape-me
    Definition: { CommandText: echo hi }
`;

const LEX = `lexChannelAssociations:
  # Slack: secrets come from the vault in real life.
  - name: orders_slack
    botName: OrderFlowers
    botAlias: prod
    type: Slack
    description: 'Orders from the #flowers Slack channel'
    botConfiguration: { clientId: "123.456", clientSecret: sandbox-secret, verificationToken: sandbox-token }
`;

const MERGED = `rules:
  - &base
    Name: base-rule
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping('OnPostCallAnalysisAvailable', 8)}
    PublishStatus: PUBLISHED
    Actions: [{ ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: base } }]
  - <<: *base
    Name: merged-rule
    Function: ${fnMapping('OnPostCallAnalysisAvailable', 6)}
    Actions:
      - ActionType: CREATE_TASK
        TaskAction: { Name: Page, Description: "\${env.PAGE_TEXT}", ContactFlowId: { name: Escalation } }
`;

const DRY = `rules:
  - Name: dry-run-rule
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping('OnPostCallAnalysisAvailable', 1)}
    PublishStatus: PUBLISHED
    Actions: [{ ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: dry } }]
`;

const IGNORE = `rules:
  - Name: ignored-function
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping('OnPostCallAnalysisAvailable', 2)}
    PublishStatus: PUBLISHED
    Actions: [{ ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: ignored } }]
    lifecycle:
      ignoreChanges: [Function]
  - Name: deleted-in-console
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping('OnPostCallAnalysisAvailable', 2)}
    PublishStatus: PUBLISHED
    Actions: [{ ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: deleted } }]
`;

const UNMANAGED = `rules:
  - Name: declared-one
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping('OnPostCallAnalysisAvailable', 1)}
    PublishStatus: PUBLISHED
    Actions: [{ ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: declared } }]
`;

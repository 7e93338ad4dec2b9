/**
 * Issue 22 item 5, drift says what happened: the reproductions through the in-process CLI against
 * an in-process sandbox. A console edit of PublishStatus PUBLISHED → DRAFT reads that way in
 * drift (text and markdown) and the other way in plan (apply direction); a task template deleted
 * in the console reads as removed; the JSON document says its rows read in apply direction; a
 * tag-only console edit, which moves no LastUpdatedTime, says it cannot be attributed instead of
 * naming the last editor.
 */
import {
  DeleteTaskTemplateCommand,
  ListRulesCommand,
  ListTaskTemplatesCommand,
  TagResourceCommand,
  UpdateRuleCommand,
  DescribeRuleCommand,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { INSTANCE, clients } from '../sandbox/helpers.js';

let sandbox: SandboxHandle;
let dir: string;
const cli = (...args: string[]) => runCliInProcess([...args, '--quota-scale', '50'], { cwd: dir });

/**
 * A post-call rule whose Function is the documented NonTalkTimePct condition
 * (https://docs.aws.amazon.com/connect/latest/devguide/OnPostCallAnalysisAvailable.html:
 * NumberLessOrEqualTo | NumberGreaterOrEqualTo, one integer 0-100, Negate false).
 */
const postCallRule = (name: string, extra: object = {}) => ({
  Name: name,
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
  Function: JSON.stringify({
    Version: '2022-11-25',
    RuleFunction: {
      Operator: 'AND',
      Operands: [
        {
          Operator: 'NumberGreaterOrEqualTo',
          Operands: [50],
          ComparisonValue: '$.ContactLens.PostCall.Agent.NonTalkTimePct',
          Negate: false,
        },
      ],
    },
  }),
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${name}-event` } }],
  ...extra,
});

const template = (name: string) => ({
  Name: name,
  Description: 'Callbacks the floor promised',
  ContactFlowId: { name: 'Escalation' },
  Fields: [{ Id: { Name: 'Name' }, Type: 'NAME' }],
  Constraints: { RequiredFields: [{ Id: { Name: 'Name' } }] },
});

beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());
beforeEach(() => {
  dir = tempDir('drift-direction-');
});

async function ruleArn(name: string): Promise<{ arn: string; id: string }> {
  const { connect } = clients(sandbox.endpoint, 'us-east-2');
  const listed = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
  const r = listed.RuleSummaryList!.find((x) => x.Name === name)!;
  return { arn: r.RuleArn!, id: r.RuleId! };
}

describe('drift says what happened', () => {
  it('shows a console edit as configured → live under a heading; plan keeps apply direction; JSON says which', async () => {
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { rules: [postCallRule('publish-flip')] });
    const applied = await cli('apply', dir, '--auto-approve');
    expect(applied.code, applied.stderr).toBe(0);
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const { id } = await ruleArn('publish-flip');
    const live = (await connect.send(new DescribeRuleCommand({ InstanceId: INSTANCE, RuleId: id }))).Rule!;
    await connect.send(
      new UpdateRuleCommand({
        InstanceId: INSTANCE,
        RuleId: id,
        Name: live.Name!,
        Function: live.Function!,
        Actions: live.Actions!,
        PublishStatus: 'DRAFT',
      }),
    );

    const drift = await cli('drift', dir);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain('Changed outside connectform (configured value → live value):');
    expect(drift.stdout).toContain('~ PublishStatus: PUBLISHED → DRAFT');
    expect(drift.stdout).toMatch(/Drift: 1 changed, 0 removed, 0 added outside connectform/);

    const plan = await cli('plan', dir);
    expect(plan.stdout).toContain('~ PublishStatus: DRAFT → PUBLISHED');
    expect(plan.stdout).not.toContain('outside connectform');

    const md = await cli('drift', dir, '-f', 'markdown');
    expect(md.stdout).toMatch(/^## connectform drift\n/);
    expect(md.stdout).toContain('| target | region | instance | changed | removed | added | unchanged | unmanaged |');
    expect(md.stdout).toContain('- PublishStatus: PUBLISHED\n+ PublishStatus: DRAFT');

    const json = JSON.parse((await cli('drift', dir, '-f', 'json')).stdout);
    expect(json.direction).toBe('apply');
    expect(json.plans[0].changes[0].fields).toEqual([
      { path: 'PublishStatus', op: 'change', impact: 'update', before: 'DRAFT', after: 'PUBLISHED' },
    ]);
  });

  it('reads a task template deleted in the console as removed, not as one to create', async () => {
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { taskTemplates: [template('Deleted in console')] });
    const applied = await cli('apply', dir, '--auto-approve');
    expect(applied.code, applied.stderr).toBe(0);
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const listed = await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    const id = listed.TaskTemplates!.find((t) => t.Name === 'Deleted in console')!.Id!;
    await connect.send(new DeleteTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: id }));

    const drift = await cli('drift', dir);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain('- taskTemplate "Deleted in console"  # removed outside connectform');
    expect(drift.stdout).toMatch(/Drift: 0 changed, 1 removed, 0 added outside connectform/);
    const md = await cli('drift', dir, '-f', 'markdown');
    expect(md.stdout).toContain('**removed** taskTemplate `Deleted in console`'); // open, like a delete in a plan
    expect(md.stdout).toContain('- Description: Callbacks the floor promised');
    expect((await cli('plan', dir)).stdout).toContain('+ taskTemplate "Deleted in console"');
  });

  it('says a tag-only console edit cannot be attributed instead of naming the last editor', async () => {
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { rules: [postCallRule('tagged-in-console', { Tags: { team: 'billing' } })] },
    );
    expect((await cli('apply', dir, '--auto-approve')).code).toBe(0);
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const { arn } = await ruleArn('tagged-in-console');
    await connect.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'ops' } }));

    const drift = await cli('drift', dir);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain('~ Tags.team: billing → ops');
    expect(drift.stdout).toContain(
      '# who made this change is not recorded: only tags changed, and a tag change moves no LastUpdatedTime/LastUpdatedBy',
    );
    expect(drift.stdout).not.toContain('last changed');
    const md = await cli('drift', dir, '-f', 'markdown');
    expect(md.stdout).toContain('_who made this change is not recorded:');
    const json = JSON.parse((await cli('drift', dir, '-f', 'json')).stdout);
    expect(json.plans[0].changes[0].attribution.unattributed).toMatch(/tag change moves no LastUpdatedTime/);
  });
});

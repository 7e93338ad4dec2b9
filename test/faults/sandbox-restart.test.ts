/**
 * The sandbox restarted from its state file with the same randomSeed (what a test suite or
 * `connectform sandbox --state s.json --random-seed 1` run twice does) must not reuse the ids it
 * handed out before the restart. Found by sigkill.test.ts, which restarts its sandbox midway.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConnectClient, CreateRuleCommand, CreateTaskTemplateCommand } from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_INSTANCE_ID } from '../../src/sandbox/world.js';
import { tempDir } from '../helpers/cli.js';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

const rule = (Name: string) =>
  new CreateRuleCommand({
    InstanceId: DEFAULT_INSTANCE_ID,
    Name,
    TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    Function: exampleFunctionJson('OnPostCallAnalysisAvailable'),
    PublishStatus: 'PUBLISHED',
    Actions: [{ ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} }],
  });

const template = (Name: string) =>
  new CreateTaskTemplateCommand({
    InstanceId: DEFAULT_INSTANCE_ID,
    Name,
    ContactFlowId: '4bae8d3c-5f6a-4b7c-8db4-e5f6a7b8c9d0',
    Fields: [{ Id: { Name: 'Title' }, Type: 'NAME' }],
    Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] }, // required (the model's Constraints doc)
  });

describe('sandbox restarted from its state file under the same randomSeed', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => sandbox?.stop());

  const client = (endpoint: string) =>
    new ConnectClient({
      endpoint,
      region: 'us-east-2',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });

  it('keeps what it created before the restart (server-generated ids are not reused)', async () => {
    const statePath = join(tempDir('faults-restart-'), 'state.json');
    sandbox = await startSandbox({ statePath, quotas: false, randomSeed: 42 });
    let c = client(sandbox.endpoint);
    const first = await c.send(rule('before-restart'));
    const firstTemplate = await c.send(template('Before restart'));
    c.destroy();
    await sandbox.stop();

    sandbox = await startSandbox({ statePath, quotas: false, randomSeed: 42 });
    c = client(sandbox.endpoint);
    const second = await c.send(rule('after-restart'));
    const secondTemplate = await c.send(template('After restart'));
    c.destroy();

    const inst = sandbox.world.connect.instances[DEFAULT_INSTANCE_ID];
    expect(second.RuleId, 'the new rule got the id of the rule created before the restart').not.toBe(first.RuleId);
    expect(
      Object.values(inst.rules)
        .map((r) => r.Name)
        .sort(),
    ).toEqual(['after-restart', 'before-restart']);
    expect(secondTemplate.Id).not.toBe(firstTemplate.Id);
    expect(
      Object.values(inst.taskTemplates)
        .map((t) => t.Name)
        .sort(),
    ).toEqual(['After restart', 'Before restart']);
  });
});

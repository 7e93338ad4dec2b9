/**
 * Tag caps per kind, counting connectform's marker, are the same in validation and in the
 * sandbox: a resource holds 50 tags (Connect: TagResource "Map Entries: Maximum number of 50
 * items" and "Maximum number of tags per resource – 50"; Chatbot documents no cap of its own, so
 * AWS's general 50 per resource applies, the stricter of it and TagList's 200; docs/FIDELITY.md,
 * tag caps). So 49 user tags validate and apply (49 + the marker = 50 on the resource), 50 are a
 * positioned validation error, and the sandbox refuses the 51 that would otherwise reach it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRuleCommand, TagResourceCommand, type CreateRuleCommandInput } from '@aws-sdk/client-connect';
import { CreateCustomActionCommand } from '../../src/aws/chatbot-custom-actions.js';
import { MARKER_TAG_KEY } from '../../src/kinds/common.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, postCallRule, planOf, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { clients, failure } from '../sandbox/helpers.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';

const map = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
const list = (n: number) => Object.entries(map(n)).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));

const KINDS = [
  { key: 'rules', body: (n: number) => postCallRule('tagged', 1, { Tags: map(n) }) },
  { key: 'taskTemplates', body: (n: number) => ({ ...structuredClone(taskTemplateFixture.base[1]), Tags: map(n) }) },
  {
    key: 'customActions',
    body: (n: number) => ({
      ActionName: 'tagged',
      AliasName: 'tagged',
      Definition: { CommandText: 'sts get-caller-identity' },
      Tags: list(n),
    }),
  },
];

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

describe.each(KINDS)('$key', ({ key, body }) => {
  it('49 user tags validate and apply (50 with the marker), and the second plan is empty', async () => {
    const dir = tempDir('tag-caps-');
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, {}, { [key]: [body(49)] });
    const r = await runCliInProcess(['apply', dir, '--auto-approve', '--quota-scale', '50'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(
      planOf(await runCliInProcess(['plan', dir, '--format', 'json', '--quota-scale', '50'], { cwd: dir })).changes,
    ).toEqual([]);
  });

  it('50 user tags are a positioned validation error, before any call', async () => {
    const dir = tempDir('tag-caps-');
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, {}, { [key]: [body(50)] });
    sandbox.resetStats();
    const r = await runCliInProcess(['validate', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `resources\\.yaml:\\d+:\\d+: error: ${key}\\[0\\]\\.Tags: 50 tags; a [a-z ]+ holds at most 50 and connectform's marker takes one, so at most 49`,
      ),
    );
    expect(sandbox.stats().calls).toBe(0);
  });
});

describe('the sandbox refuses what validation refuses: 50 user tags and the marker', () => {
  it('on CreateRule, TagResource of a task template, and CreateCustomAction', async () => {
    const { connect, chatbot } = clients(sandbox.endpoint);
    const rule = {
      ...postCallRule('fifty-one'),
      InstanceId: INSTANCE,
      Tags: { ...map(50), [MARKER_TAG_KEY]: 'true' },
    } as CreateRuleCommandInput;
    expect((await failure(connect.send(new CreateRuleCommand(rule)))).name).toBe('InvalidRequestException');
    const [template] = Object.values(sandbox.world.connect.instances[INSTANCE].taskTemplates);
    expect(
      (
        await failure(
          connect.send(new TagResourceCommand({ resourceArn: template.Arn, tags: { k49: 'v', extra: 'v' } })),
        )
      ).name,
    ).toBe('InvalidParameterException');
    const action = {
      ActionName: 'fifty-one',
      Definition: { CommandText: 'x' },
      Tags: [...list(50), { TagKey: MARKER_TAG_KEY, TagValue: 'true' }],
    };
    expect((await failure(chatbot.send(new CreateCustomActionCommand(action)))).name).toBe('InvalidRequestException');
  });
});

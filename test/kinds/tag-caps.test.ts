/**
 * Tag caps per kind, counting connectform's marker, are the same in validation and in the
 * sandbox. A Connect resource holds 50 tags (TagResource "Map Entries: Maximum number of 50
 * items" and "Maximum number of tags per resource – 50"); a Chatbot custom action holds 200 (the
 * model's TagList max 200, CloudFormation's AWS::Chatbot::CustomAction Tags maxItems 200;
 * docs/FIDELITY.md, tag caps). So cap−1 user tags validate and apply (with the marker: the cap),
 * cap user tags are a positioned validation error, and the sandbox refuses cap+1 on the resource.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRuleCommand, TagResourceCommand, type CreateRuleCommandInput } from '@aws-sdk/client-connect';
import { MARKER_TAG_KEY } from '../../src/kinds/common.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, postCallRule, planOf, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { clients, failure } from '../sandbox/helpers.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';

const map = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
const list = (n: number) => Object.entries(map(n)).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));

const KINDS = [
  { key: 'rules', cap: 50, body: (n: number) => postCallRule('tagged', 1, { Tags: map(n) }) },
  {
    key: 'taskTemplates',
    cap: 50,
    body: (n: number) => ({ ...structuredClone(taskTemplateFixture.base[1]), Tags: map(n) }),
  },
  {
    key: 'customActions',
    cap: 200,
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

describe.each(KINDS)('$key (cap $cap)', ({ key, cap, body }) => {
  it('cap−1 user tags validate and apply (the cap with the marker), and the second plan is empty', async () => {
    const dir = tempDir('tag-caps-');
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, {}, { [key]: [body(cap - 1)] });
    const r = await runCliInProcess(['apply', dir, '--auto-approve', '--quota-scale', '50'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(
      planOf(await runCliInProcess(['plan', dir, '--format', 'json', '--quota-scale', '50'], { cwd: dir })).changes,
    ).toEqual([]);
  });

  it('cap user tags are a positioned validation error, before any call', async () => {
    const dir = tempDir('tag-caps-');
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, {}, { [key]: [body(cap)] });
    sandbox.resetStats();
    const r = await runCliInProcess(['validate', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `resources\\.yaml:\\d+:\\d+: error: ${key}\\[0\\]\\.Tags: ${cap} tags; a [a-z ]+ holds at most ${cap} and connectform's marker takes one, so at most ${cap - 1}`,
      ),
    );
    expect(sandbox.stats().calls).toBe(0);
  });
});

describe('the sandbox refuses what validation refuses: cap user tags and the marker', () => {
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
      ActionName: 'two-hundred-one',
      Definition: { CommandText: 'x' },
      Tags: [...list(200), { TagKey: MARKER_TAG_KEY, TagValue: 'true' }],
    };
    expect((await failure(chatbot.send('CreateCustomAction', action))).name).toBe('InvalidRequestException');
  });

  it('a custom action holds 200 tags, a Connect resource 50: TagResource past the cap is refused', async () => {
    const { chatbot } = clients(sandbox.endpoint);
    const { CustomActionArn } = await chatbot.send('CreateCustomAction', {
      ActionName: 'two-hundred',
      Definition: { CommandText: 'x' },
      Tags: [...list(199), { TagKey: MARKER_TAG_KEY, TagValue: 'true' }],
    });
    expect(Object.keys(sandbox.world.chatbot.customActions[CustomActionArn]!.Tags)).toHaveLength(200);
    const extra = [{ TagKey: 'one-more', TagValue: 'v' }];
    expect((await failure(chatbot.send('TagResource', { ResourceARN: CustomActionArn, Tags: extra }))).name).toBe(
      'TooManyTagsException',
    );
    // Replacing a value is no new tag.
    await chatbot.send('TagResource', { ResourceARN: CustomActionArn, Tags: [{ TagKey: 'k0', TagValue: 'w' }] });
  });
});

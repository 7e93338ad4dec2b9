/**
 * The custom action kind: normalize (sets, the marker, server fields), audit (each rule at its
 * YAML position), replaceReason, and the read/write calls against a fake Chatbot client.
 */
import { describe, expect, it, vi } from 'vitest';
import { AwsServiceError } from '../../src/aws/chatbot.js';
import { declareBodies as declareBodiesOf, diffPaths, declareYaml } from '../helpers/declare.js';
import { NO_CACHE } from '../../src/engine/cache.js';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { UsageError } from '../../src/errors.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../../src/kinds/common.js';
import type { Body, LiveResource, TargetContext } from '../../src/kinds/types.js';
import { ONCALL_CHANNEL, OPS_CHANNEL, customActionFixture as fixture } from '../battery/fixtures/custom-action.js';
import { FastForwardClock } from '../sandbox/clock.js';
import { AwsCallError } from '../../src/aws/call-errors.js';

// The schema getter is not under test; keep the generator (a script) out of the module graph.
vi.mock('../../src/config/generate-schemas.js', () => ({ buildKindSchema: () => ({}) }));
const mod = await import('../../src/kinds/custom-action.js');
const { customActionKind: kind, SUPPORTED_REGIONS, commandVariables } = mod;

const nctx = { flows: new ContactFlowDirectory([]) };
const declareBodies = (bodies: Body[]) => declareBodiesOf('customAction', bodies);
const declare = (text: string, key = 'customActions') => declareYaml('customAction', text, key);
const norm = (b: Body) => kind.normalize(b, nctx);
const ARN = (name: string) => `arn:aws:chatbot::123456789012:custom-action/${name}`;

function auditAll(bodies: Body[]) {
  const all = declareBodies(bodies);
  return all.flatMap((d) => kind.audit(d, { all }));
}
const errors = (b: Body) => auditAll([b]).filter((p) => p.severity === 'error');
const warnings = (b: Body) => auditAll([b]).filter((p) => p.severity === 'warning');

function minimal(): Body {
  return {
    ActionName: 'describe-alarm',
    Definition: { CommandText: 'cloudwatch describe-alarms --alarm-names $AlarmName' },
    Attachments: [
      {
        NotificationType: 'CloudWatch',
        ButtonText: 'Describe',
        Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'AlarmName' }],
        Variables: { AlarmName: '$.detail.alarmName' },
      },
    ],
  };
}

/** What the service returns for a body once created: ARN, marker tag, associations in link order. */
function liveOf(body: Body): Body {
  const b = structuredClone(body) as Record<string, any>;
  return {
    CustomActionArn: ARN(b.ActionName),
    ActionName: b.ActionName,
    AliasName: b.AliasName,
    Definition: b.Definition,
    Attachments: b.Attachments,
    Tags: [{ TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE }, ...[...(b.Tags ?? [])].reverse()],
    ChatConfigurations: [...(b.ChatConfigurations ?? [])].reverse(),
  };
}

describe('customAction kind: declaration', () => {
  it('is keyed by ActionName, replaces on it, carries the marker', () => {
    expect(kind.name).toBe('customAction');
    expect(kind.configKey).toBe('customActions');
    expect(kind.key({ ActionName: 'x' })).toBe('x');
    expect(kind.capabilities).toEqual({
      create: true,
      update: true,
      delete: true,
      marker: true,
      usesContactFlows: false,
    });
    expect(kind.secretPaths).toBeUndefined();
  });

  it('knows the four regions the Chatbot API answers in', () => {
    expect([...SUPPORTED_REGIONS]).toEqual(['us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-west-1']);
  });
});

describe('customAction kind: normalize', () => {
  it('makes the live form of every fixture body equal to the declared form', () => {
    for (const body of fixture.base) expect(diffPaths(norm(liveOf(body)), norm(body), 'customAction')).toEqual([]);
  });

  it('drops the marker and server fields, sorts Tags by key and ChatConfigurations, dedupes', () => {
    const n = norm({
      ...minimal(),
      CustomActionArn: ARN('describe-alarm'),
      CreatedTime: 'x',
      Tags: [
        { TagKey: 'b', TagValue: '2' },
        { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE },
        { TagKey: 'a', TagValue: '1' },
      ],
      ChatConfigurations: [OPS_CHANNEL, ONCALL_CHANNEL, OPS_CHANNEL],
    });
    expect(n.CustomActionArn).toBeUndefined();
    expect(n.CreatedTime).toBeUndefined();
    expect(n.Tags).toEqual([
      { TagKey: 'a', TagValue: '1' },
      { TagKey: 'b', TagValue: '2' },
    ]);
    expect(n.ChatConfigurations).toEqual([ONCALL_CHANNEL, OPS_CHANNEL]);
  });

  it('treats reordered sets as equal (fixture reorderSet)', () => {
    const a = fixture.base.map(norm);
    const b = fixture.reorderSet(fixture.base).map(norm);
    expect(b).toEqual(a);
  });

  it('compares Attachments as a set (CloudFormation: insertionOrder false), each by its notification type and button', () => {
    const two = {
      ...minimal(),
      Attachments: [
        { NotificationType: 'CloudWatch', ButtonText: 'A' },
        { NotificationType: 'GuardDuty', ButtonText: 'B' },
      ],
    };
    const swapped = { ...two, Attachments: [...(two.Attachments as Body[])].reverse() };
    expect(diffPaths(norm(two), norm(swapped), 'customAction')).toEqual([]);
    expect(norm(swapped)).toEqual(norm(two)); // one canonical body, whatever the order
    const relabelled = structuredClone(two) as any;
    relabelled.Attachments[1].ButtonText = 'C';
    expect(diffPaths(norm(two), norm(relabelled), 'customAction')).toEqual([
      'Attachments[NotificationType="GuardDuty",ButtonText="B"].ButtonText',
    ]);
  });

  it('treats no attachments, an empty list and no tags alike', () => {
    const bare = { ActionName: 'a', AliasName: 'a', Definition: { CommandText: 'sts get-caller-identity' } };
    expect(norm({ ...bare, Attachments: [], Tags: [], ChatConfigurations: [] })).toEqual(norm(bare));
    expect(norm({ ...bare, Tags: [{ TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE }] })).toEqual(norm(bare));
  });

  it('drops members it does not know, at every level', () => {
    const b = minimal();
    const live = {
      ...b,
      Definition: { ...(b.Definition as Body), Extra: 1 },
      Attachments: (b.Attachments as Body[]).map((a) => ({ ...a, New: true })),
    };
    expect(norm(live)).toEqual(norm(b));
  });

  it('is idempotent and pure', () => {
    for (const body of fixture.base) {
      const before = structuredClone(body);
      const once = norm(body);
      expect(norm(once)).toEqual(once);
      expect(body).toEqual(before);
    }
  });

  it('shows a one-field change at its path (fixture oneFieldChange)', () => {
    const { bodies, expectPath } = fixture.oneFieldChange(fixture.base);
    const paths = fixture.base.flatMap((b, i) => diffPaths(norm(b), norm(bodies[i]), 'customAction'));
    expect(paths).toEqual([expectPath]);
  });
});

describe('customAction kind: replaceReason', () => {
  it('replaces on a rename', () => {
    const { bodies, lifecycle, expectReason } = fixture.replaceChange(fixture.base);
    const live = norm(fixture.base[lifecycle.index]);
    const desired = norm(bodies[lifecycle.index]);
    expect(live.ActionName).toBe(lifecycle.renamedFrom);
    expect(kind.replaceReason(live, desired, ['ActionName'])).toBe(expectReason);
  });

  it('replaces when the alias is removed (an absent AliasName keeps the current one)', () => {
    const live = norm({ ...minimal(), AliasName: 'alarm' });
    const desired = norm(minimal());
    expect(kind.replaceReason(live, desired, ['AliasName'])).toMatch(/keeps the current AliasName.*"alarm"/);
    expect(kind.replaceReason(live, norm({ ...minimal(), AliasName: 'other' }), ['AliasName'])).toBeUndefined();
  });

  it('updates everything else in place', () => {
    expect(
      kind.replaceReason(norm(minimal()), norm(minimal()), ['Definition', 'Attachments', 'Tags', 'ChatConfigurations']),
    ).toBeUndefined();
  });
});

describe('customAction kind: audit', () => {
  it('accepts the fixture bodies without a warning', () => {
    expect(auditAll(fixture.base)).toEqual([]);
    expect(auditAll([minimal()])).toEqual([]);
  });

  it("needs every criterion variable in the attachment's Variables", () => {
    const b = minimal();
    (b.Attachments as any[])[0].Criteria.push({ Operator: 'HAS_VALUE', VariableName: 'State' });
    const e = errors(b);
    expect(e).toEqual([
      expect.objectContaining({
        path: 'customActions[0].Attachments[0].Criteria[1].VariableName',
        hint: 'defined here: AlarmName',
      }),
    ]);
    expect(e[0].message).toContain('"State"');
    const none = minimal();
    delete (none.Attachments as any[])[0].Variables;
    expect(errors(none)).toEqual([expect.objectContaining({ hint: 'add it to Attachments[0].Variables' })]);
  });

  it('needs a Value for EQUALS', () => {
    const b = minimal();
    (b.Attachments as any[])[0].Criteria = [{ Operator: 'EQUALS', VariableName: 'AlarmName' }];
    expect(errors(b)).toEqual([
      expect.objectContaining({
        path: 'customActions[0].Attachments[0].Criteria[0]',
        message: expect.stringContaining('needs a Value'),
      }),
    ]);
  });

  it('warns when a button would prompt for a CommandText variable no attachment extracts', () => {
    const b = { ...minimal(), Definition: { CommandText: 'logs tail $LogGroup --since ${Since}' } };
    const w = warnings(b);
    expect(w.map((p) => p.path)).toEqual([
      'customActions[0].Definition.CommandText',
      'customActions[0].Definition.CommandText',
    ]);
    expect(w[0].message).toContain('$LogGroup');
    expect(w[1].message).toContain('$Since');
    expect(errors(b)).toEqual([]);
  });

  it('does not warn for an alias-only action (prompting is how an alias takes arguments)', () => {
    expect(
      auditAll([
        { ActionName: 'invoke', AliasName: 'invoke', Definition: { CommandText: 'lambda invoke $functionName' } },
      ]),
    ).toEqual([]);
  });

  it('warns when nothing can invoke the action', () => {
    expect(warnings({ ActionName: 'x', Definition: { CommandText: 'sts get-caller-identity' } })).toEqual([
      expect.objectContaining({
        path: 'customActions[0]',
        message: expect.stringContaining('neither AliasName nor Attachments'),
      }),
    ]);
  });

  it('rejects an alias used twice, on the second action', () => {
    const p = auditAll([
      { ActionName: 'a', AliasName: 'run-me', Definition: { CommandText: 'x' } },
      { ActionName: 'b', AliasName: 'run-me', Definition: { CommandText: 'y' } },
    ]);
    expect(p).toEqual([
      expect.objectContaining({
        severity: 'error',
        path: 'customActions[1].AliasName',
        message: expect.stringContaining('"a"'),
      }),
    ]);
  });

  it('reserves the marker tag and the aws: prefix, and rejects a key used twice', () => {
    const b = {
      ...minimal(),
      Tags: [
        { TagKey: MARKER_TAG_KEY, TagValue: 'true' },
        { TagKey: 'aws:cloudformation:stack-name', TagValue: 's' },
        { TagKey: 'team', TagValue: 'a' },
        { TagKey: 'team', TagValue: 'b' },
      ],
    };
    expect(errors(b).map((p) => p.path)).toEqual([
      'customActions[0].Tags[0].TagKey',
      'customActions[0].Tags[1].TagKey',
      'customActions[0].Tags[3].TagKey',
    ]);
  });

  // 200 tags per custom action: the model's TagList max 200 and CloudFormation's Tags maxItems
  // 200, the sandbox's cap too (docs/FIDELITY.md, tag caps); Connect's kinds hold 50.
  it('leaves room for the marker in the 200 tags a custom action holds', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    expect(errors({ ...minimal(), Tags: tags(199) })).toEqual([]);
    expect(errors({ ...minimal(), Tags: tags(200) })).toEqual([
      expect.objectContaining({ path: 'customActions[0].Tags', message: expect.stringContaining('at most 199') }),
    ]);
  });

  it('checks ChatConfigurations are chat configuration ARNs, each once', () => {
    const b = {
      ...minimal(),
      ChatConfigurations: [OPS_CHANNEL, 'arn:aws:sns:us-east-2:123456789012:ops', OPS_CHANNEL],
    };
    expect(errors(b).map((p) => p.path)).toEqual(['customActions[0].ChatConfigurations[1]']);
    expect(warnings(b).map((p) => p.path)).toEqual(['customActions[0].ChatConfigurations[2]']);
  });

  it('reports the semantic problems of the broken fixture at their lines', () => {
    const all = declare(fixture.broken.yaml);
    const problems = all.flatMap((d) => kind.audit(d, { all }));
    const semantic = fixture.broken.errors.filter((e) => e.message);
    expect(
      problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.pos!.line)
        .sort((a, b) => a - b),
    ).toEqual(semantic.map((e) => e.line));
    for (const { line, message } of semantic)
      expect(problems.find((p) => p.pos?.line === line)?.message).toContain(message);
    // Every semantic line is one the fixture lists.
    expect(problems.every((p) => fixture.broken.expectLines.includes(p.pos!.line))).toBe(true);
  });
});

describe('customAction kind: helpers', () => {
  it('finds $variables in a command', () => {
    expect(commandVariables('lambda invoke $fn --payload ${Body} $a-b- $$ 100$')).toEqual(['fn', 'Body', 'a-b']);
  });
});

// -------------------------------------------------------------------------------------------
// Calls, against a fake Chatbot client
// -------------------------------------------------------------------------------------------

type Handler = (name: string, input: any) => unknown;

function fakeTarget(
  answer: Handler,
  region = 'us-east-2',
  accountId = '123456789012',
  chatConfigurations: string[] = [],
) {
  const sent: { name: string; input: any }[] = [];
  const aws = {
    // Fails as AwsClients.call does: one error naming the API and the resource.
    call: (api: string, send: () => Promise<unknown>, about: { resource?: string } = {}) =>
      send().catch((err: unknown) => {
        throw new AwsCallError({ api, resource: about.resource }, err);
      }),
    // Lag waits move a clock of their own: nothing here sleeps.
    lag: new FastForwardClock(),
    chatbotRegion: region,
    chatbot: {
      send: async (name: string, input: any) => {
        sent.push({ name, input: structuredClone(input) });
        return answer(name, input);
      },
    },
  };
  // The declared actions name the chat configurations whose associations read asks about.
  const declared = [{ kind: 'customAction', body: { ActionName: 'declared', ChatConfigurations: chatConfigurations } }];
  const ctx = {
    target: { name: 't', region, instanceId: 'i-1', accountId },
    aws,
    flows: nctx.flows,
    cache: NO_CACHE,
    declared,
    log: () => {},
  } as unknown as TargetContext;
  return { ctx, sent };
}

const notFound = () => new AwsServiceError('ResourceNotFoundException', 'nope', 'client', { httpStatusCode: 404 });

async function collect(it: AsyncIterable<LiveResource>): Promise<LiveResource[]> {
  const out: LiveResource[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('customAction kind: read', () => {
  it('refuses a region the Chatbot API does not serve, naming the four', async () => {
    const { ctx, sent } = fakeTarget(() => ({}), 'us-east-1');
    const err = await collect(kind.read(ctx)).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('us-east-1');
    for (const r of SUPPORTED_REGIONS) expect(err.message).toContain(r);
    expect(sent).toEqual([]);
  });

  it('lists, describes, tags and joins the associations of declared chat configurations', async () => {
    const probed = [
      OPS_CHANNEL,
      ONCALL_CHANNEL,
      'arn:aws:chatbot::999999999999:chat-configuration/slack-channel/other',
      'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/gone',
    ];
    const actions: Record<string, Body> = Object.fromEntries(fixture.base.map((b) => [ARN(String(b.ActionName)), b]));
    const { ctx, sent } = fakeTarget(
      (name, input) => {
        switch (name) {
          case 'ListCustomActions':
            return input.NextToken
              ? { CustomActions: [ARN('list-instance-flows'), ARN('deleted-meanwhile')] }
              : { CustomActions: [ARN('describe-queue-alarm'), ARN('connect-queue-backlog')], NextToken: 'p2' };
          case 'GetCustomAction': {
            const b = actions[input.CustomActionArn];
            if (!b) throw notFound();
            return {
              CustomAction: {
                CustomActionArn: input.CustomActionArn,
                ActionName: b.ActionName,
                AliasName: b.AliasName,
                Definition: b.Definition,
                Attachments: b.Attachments,
              },
            };
          }
          case 'ListTagsForResource': {
            const b = actions[input.ResourceARN];
            if (!b) throw notFound();
            const tags = (b.Tags as Body[] | undefined) ?? [];
            return {
              Tags:
                b.ActionName === 'list-instance-flows'
                  ? tags
                  : [...tags, { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE }],
            };
          }
          case 'ListAssociations': {
            if (input.ChatConfiguration.endsWith('/gone')) throw notFound();
            const linked = fixture.base.filter((b) =>
              ((b.ChatConfigurations as string[] | undefined) ?? []).includes(input.ChatConfiguration),
            );
            return { Associations: linked.map((b) => ({ Resource: ARN(String(b.ActionName)) })) };
          }
        }
        throw new Error(`unexpected ${name}`);
      },
      'us-east-2',
      '123456789012',
      probed,
    );
    const live = (await collect(kind.read(ctx))).sort((a, b) => a.key.localeCompare(b.key));
    expect(live.map((l) => [l.key, l.id, l.managed])).toEqual([
      ['connect-queue-backlog', ARN('connect-queue-backlog'), true],
      ['describe-queue-alarm', ARN('describe-queue-alarm'), true],
      ['list-instance-flows', ARN('list-instance-flows'), false],
    ]);
    for (const l of live) {
      const declared = fixture.base.find((b) => b.ActionName === l.key)!;
      expect(diffPaths(norm(l.body), norm(declared), 'customAction')).toEqual([]);
      expect(l.version).toMatch(/^[0-9a-f]{64}$/);
    }
    // The other account's configuration is never asked about.
    expect(
      sent
        .filter((s) => s.name === 'ListAssociations')
        .map((s) => s.input.ChatConfiguration)
        .sort(),
    ).toEqual(
      ['arn:aws:chatbot::123456789012:chat-configuration/slack-channel/gone', ONCALL_CHANNEL, OPS_CHANNEL].sort(),
    );
  });
});

describe('customAction kind: writes', () => {
  const liveResource = (body: Body): LiveResource => {
    const b = liveOf(body);
    return {
      kind: 'customAction',
      key: String(b.ActionName),
      id: String(b.CustomActionArn),
      arn: String(b.CustomActionArn),
      body: b,
      managed: true,
      version: 'v',
    };
  };

  it('creates with the token, the user tags plus the marker, then associates', async () => {
    const { ctx, sent } = fakeTarget((name, input) =>
      name === 'CreateCustomAction' ? { CustomActionArn: ARN(input.ActionName) } : {},
    );
    const desired = norm(fixture.base[0]);
    const out = await kind.create(ctx, desired, 'a1b2c3d4-0000-4000-a000-000000000000');
    expect(out).toEqual({ id: ARN('describe-queue-alarm'), arn: ARN('describe-queue-alarm') });
    expect(sent.map((s) => s.name)).toEqual([
      'CreateCustomAction',
      'AssociateToConfiguration',
      'AssociateToConfiguration',
    ]);
    expect(sent[0].input).toEqual({
      ActionName: 'describe-queue-alarm',
      AliasName: 'queue-alarm',
      Definition: desired.Definition,
      Attachments: desired.Attachments,
      Tags: [
        { TagKey: 'env', TagValue: 'test' },
        { TagKey: 'team', TagValue: 'contact-center' },
        { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE },
      ],
      ClientToken: 'a1b2c3d4-0000-4000-a000-000000000000',
    });
    expect(sent.slice(1).map((s) => s.input)).toEqual([
      { Resource: ARN('describe-queue-alarm'), ChatConfiguration: ONCALL_CHANNEL },
      { Resource: ARN('describe-queue-alarm'), ChatConfiguration: OPS_CHANNEL },
    ]);
  });

  it('updates only what changed: the action, tags (marker kept), associations', async () => {
    const { ctx, sent } = fakeTarget(() => ({}));
    const live = liveResource(fixture.base[0]);
    const desired = norm({
      ...fixture.base[0],
      Definition: { CommandText: 'cloudwatch describe-alarm-history --alarm-name $AlarmName' },
      Tags: [
        { TagKey: 'team', TagValue: 'care' },
        { TagKey: 'owner', TagValue: 'me' },
      ],
      ChatConfigurations: [OPS_CHANNEL],
    });
    await kind.update(ctx, live, desired, ['ChatConfigurations', 'Definition', 'Tags']);
    expect(sent.map((s) => s.name)).toEqual([
      'UpdateCustomAction',
      'UntagResource',
      'TagResource',
      'DisassociateFromConfiguration',
    ]);
    expect(sent[0].input).toEqual({
      CustomActionArn: live.id,
      Definition: desired.Definition,
      AliasName: 'queue-alarm',
      Attachments: desired.Attachments,
    });
    expect(sent[1].input).toEqual({ ResourceARN: live.id, TagKeys: ['env'] });
    expect(sent[2].input).toEqual({
      ResourceARN: live.id,
      Tags: [
        { TagKey: 'owner', TagValue: 'me' },
        { TagKey: 'team', TagValue: 'care' },
      ],
    });
    expect(sent[3].input).toEqual({ Resource: live.id, ChatConfiguration: ONCALL_CHANNEL });
  });

  it('sends an empty Attachments list to remove them, and associates an added channel', async () => {
    const { ctx, sent } = fakeTarget(() => ({}));
    const live = liveResource(fixture.base[2]);
    const desired = norm({
      ...fixture.base[2],
      Attachments: undefined,
      AliasName: 'flows',
      ChatConfigurations: [ONCALL_CHANNEL],
    });
    await kind.update(ctx, live, desired, ['AliasName', 'Attachments', 'ChatConfigurations']);
    expect(sent.map((s) => s.name)).toEqual(['UpdateCustomAction', 'AssociateToConfiguration']);
    expect(sent[0].input).toEqual({
      CustomActionArn: live.id,
      Definition: desired.Definition,
      AliasName: 'flows',
      Attachments: [],
    });
  });

  it('leaves the action alone when only tags changed', async () => {
    const { ctx, sent } = fakeTarget(() => ({}));
    await kind.update(
      ctx,
      liveResource(fixture.base[1]),
      norm({ ...fixture.base[1], Tags: [{ TagKey: 'a', TagValue: '' }] }),
      ['Tags'],
    );
    expect(sent).toEqual([
      {
        name: 'TagResource',
        input: { ResourceARN: ARN('connect-queue-backlog'), Tags: [{ TagKey: 'a', TagValue: '' }] },
      },
    ]);
  });

  it('deletes after disassociating; not found is success', async () => {
    const { ctx, sent } = fakeTarget((name) => {
      if (name === 'DisassociateFromConfiguration' || name === 'DeleteCustomAction') throw notFound();
      return {};
    });
    await kind.delete(ctx, liveResource(fixture.base[0]));
    expect(sent.map((s) => s.name)).toEqual([
      'DisassociateFromConfiguration',
      'DisassociateFromConfiguration',
      'DeleteCustomAction',
    ]);
  });

  it('wraps other failures with the operation and the action', async () => {
    const { ctx } = fakeTarget(() => {
      throw Object.assign(new Error('denied'), { name: 'UnauthorizedException' });
    });
    await expect(kind.delete(ctx, liveResource(fixture.base[1]))).rejects.toThrow(
      /chatbot:DisassociateFromConfiguration failed .*UnauthorizedException: denied/,
    );
  });
});

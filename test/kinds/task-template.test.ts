/**
 * The task template kind's pure parts: normalize (what is a set, what is a default, what is a
 * reference), audit (every semantic rule, each at its YAML position) and replaceReason. No network.
 */
import { NO_CACHE } from '../../src/engine/cache.js';
import { describe, expect, it, vi } from 'vitest';
import { declareBodies as declareBodiesOf, diffPaths, declareYaml } from '../helpers/declare.js';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../../src/kinds/common.js';
import type { Body } from '../../src/kinds/types.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';
import { FastForwardClock } from '../sandbox/clock.js';
import { sdk } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/call-errors.js';

// The schema getter is not under test; keep the generator (a script) out of the module graph.
vi.mock('../../src/config/generate-schemas.js', () => ({ buildKindSchema: () => ({}) }));
const { taskTemplateKind: kind } = await import('../../src/kinds/task-template.js');

const FLOWS = [
  { id: '11111111-1111-4111-8111-111111111111', name: 'Escalation' },
  { id: '22222222-2222-4222-8222-222222222222', name: 'Default agent transfer' },
  { id: '33333333-3333-4333-8333-333333333333', name: 'Callback' },
  { id: '44444444-4444-4444-8444-444444444444', name: 'VIP routing' },
  { id: '55555555-5555-4555-8555-555555555555', name: 'Task routing' },
];
const flows = new ContactFlowDirectory(
  FLOWS.map((f) => ({ ...f, arn: `arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/${f.id}` })),
);
const idOf = (name: string) => FLOWS.find((f) => f.name === name)!.id;
const arnOf = (name: string) => flows.named(name)[0].arn!;
const nctx = { flows };
const declareBodies = (bodies: Body[]) => declareBodiesOf('taskTemplate', bodies);
const declare = (text: string, key = 'taskTemplates') => declareYaml('taskTemplate', text, key);
const norm = (b: Body) => kind.normalize(b, nctx);

function auditOne(body: Body, withFlows = true) {
  const all = declareBodies([body]);
  return kind.audit(all[0], { all, flows: withFlows ? flows : undefined });
}
const errors = (body: Body, withFlows = true) => auditOne(body, withFlows).filter((p) => p.severity === 'error');
const warnings = (body: Body) => auditOne(body).filter((p) => p.severity === 'warning');

/** A minimal valid template to break one rule at a time. */
function minimal(): Body {
  return {
    Name: 'T',
    ContactFlowId: { name: 'Task routing' },
    Fields: [
      { Id: { Name: 'Title' }, Type: 'NAME' },
      { Id: { Name: 'Kind' }, Type: 'SINGLE_SELECT', SingleSelectOptions: ['A', 'B'] },
      { Id: { Name: 'Notes' }, Type: 'TEXT' },
    ],
    Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
  };
}

/** What GetTaskTemplate returns for fixture body 0 once created (server fields, ids, marker). */
function liveOf(body: Body): Body {
  const b = structuredClone(body) as Record<string, any>;
  return {
    InstanceId: 'i-1',
    Id: 'tt-1',
    Arn: 'arn:aws:connect:us-east-1:123456789012:instance/i-1/task-template/tt-1',
    Name: b.Name,
    Description: b.Description,
    ContactFlowId: b.ContactFlowId ? idOf(b.ContactFlowId.name) : undefined,
    SelfAssignFlowId: b.SelfAssignFlowId ? arnOf(b.SelfAssignFlowId.name) : undefined,
    Constraints: {
      RequiredFields: [...(b.Constraints?.RequiredFields ?? [])].reverse(),
      ReadOnlyFields: [...(b.Constraints?.ReadOnlyFields ?? [])].reverse(),
      InvisibleFields: b.Constraints?.InvisibleFields ?? [],
    },
    Defaults: { DefaultFieldValues: [...(b.Defaults?.DefaultFieldValues ?? [])].reverse() },
    Fields: b.Fields,
    Status: b.Status ?? 'ACTIVE',
    LastModifiedTime: new Date('2026-01-02T03:04:05Z'),
    CreatedTime: new Date('2026-01-01T00:00:00Z'),
    Tags: { ...b.Tags, [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
  };
}

describe('taskTemplate kind: declaration', () => {
  it('is keyed by Name, never replaces, carries the marker and uses flows', () => {
    expect(kind.name).toBe('taskTemplate');
    expect(kind.configKey).toBe('taskTemplates');
    expect(kind.key({ Name: 'Callback request' })).toBe('Callback request');
    expect(kind.capabilities).toEqual({
      create: true,
      update: true,
      delete: true,
      marker: true,
      usesContactFlows: true,
    });
    expect(
      kind.replaceReason({ Name: 'a' }, { Name: 'b' }, ['Name', 'Fields', 'Constraints', 'Status', 'ContactFlowId']),
    ).toBeUndefined();
    expect(taskTemplateFixture.replaceChange).toBeNull();
  });
});

describe('taskTemplate kind: normalize', () => {
  it('makes the live form of every fixture body equal to the declared form', () => {
    for (const body of taskTemplateFixture.base) {
      expect(norm(liveOf(body))).toEqual(norm(body));
    }
  });

  it('drops server fields, shows flows by name, hides the marker', () => {
    const n = norm(liveOf(taskTemplateFixture.base[0]));
    expect(Object.keys(n).sort()).toEqual([
      'Constraints',
      'ContactFlowId',
      'Defaults',
      'Description',
      'Fields',
      'Name',
      'SelfAssignFlowId',
      'Status',
      'Tags',
    ]);
    expect(n.ContactFlowId).toEqual({ name: 'Task routing' });
    expect(n.SelfAssignFlowId).toEqual({ name: 'Default agent transfer' });
    expect(n.Tags).toEqual({ 'cost-center': 'cc-1042', team: 'billing' });
  });

  it('keeps an unknown flow id as is, so it still diffs honestly', () => {
    const n = norm({ ...minimal(), ContactFlowId: 'aaaaaaaa-0000-4000-8000-000000000000' });
    expect(n.ContactFlowId).toBe('aaaaaaaa-0000-4000-8000-000000000000');
    expect(norm({ ...minimal(), ContactFlowId: idOf('Callback') }).ContactFlowId).toEqual({ name: 'Callback' });
  });

  it('fills Status ACTIVE and treats empty descriptions and empty lists as absent', () => {
    const declared = minimal();
    const live = {
      ...minimal(),
      Status: 'ACTIVE',
      Description: '',
      SelfAssignFlowId: '',
      Fields: (minimal().Fields as Body[]).map((f) => ({ ...f, Description: '' })),
      Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }], ReadOnlyFields: [], InvisibleFields: [] },
      Defaults: { DefaultFieldValues: [] },
      Tags: { [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
    };
    expect(norm(live)).toEqual(norm(declared));
    expect(norm(declared).Status).toBe('ACTIVE');
    expect(norm({ ...declared, Status: 'INACTIVE' }).Status).toBe('INACTIVE');
  });

  it('treats Constraints lists and DefaultFieldValues as sets (order, duplicates)', () => {
    const bodies = taskTemplateFixture.base;
    const reordered = taskTemplateFixture.reorderSet(bodies);
    expect(reordered).not.toEqual(bodies);
    for (const [i, b] of bodies.entries()) expect(diffPaths(norm(b), norm(reordered[i]), 'taskTemplate')).toEqual([]);
    const dup = minimal();
    (dup.Constraints as any).RequiredFields.push({ Id: { Name: 'Title' } });
    expect(norm(dup)).toEqual(norm(minimal()));
  });

  it('keeps the order of Fields and of SingleSelectOptions (agents see it): a reorder is a move', () => {
    const a = minimal();
    const b = minimal();
    (b.Fields as Body[]).reverse();
    expect(diffPaths(norm(a), norm(b), 'taskTemplate').length).toBeGreaterThan(0);
    const c = minimal();
    const field = (c.Fields as any[])[1];
    (field.SingleSelectOptions as string[]).reverse();
    const [first] = field.SingleSelectOptions as string[];
    // Two options swapped: one of them moved, shown by its value under its field's name.
    expect(diffPaths(norm(a), norm(c), 'taskTemplate')).toEqual([
      `Fields[Id.Name=${JSON.stringify(field.Id.Name)}].SingleSelectOptions[=${JSON.stringify(first)}]`,
    ]);
  });

  it('shows a change inside one field as exactly that path', () => {
    const { bodies, expectPath, key } = taskTemplateFixture.oneFieldChange(taskTemplateFixture.base);
    const i = bodies.findIndex((b) => b.Name === key);
    expect(diffPaths(norm(taskTemplateFixture.base[i]), norm(bodies[i]), 'taskTemplate')).toEqual([expectPath]);
    for (const [j, b] of bodies.entries()) if (j !== i) expect(norm(b)).toEqual(norm(taskTemplateFixture.base[j]));
  });

  it('shows a changed default value at its entry, not as a shuffle', () => {
    const a = taskTemplateFixture.base[0];
    const b = structuredClone(a) as any;
    b.Defaults.DefaultFieldValues[0].DefaultValue = 'High';
    expect(diffPaths(norm(a), norm(b), 'taskTemplate')).toEqual([
      'Defaults.DefaultFieldValues[Id.Name="Priority"].DefaultValue',
    ]);
  });

  it('drops members it does not know (a newer server must not cause diffs)', () => {
    const live = {
      ...minimal(),
      SomethingNew: 1,
      Fields: (minimal().Fields as Body[]).map((f) => ({ ...f, Extra: true })),
    };
    expect(norm(live)).toEqual(norm(minimal()));
  });

  it('is idempotent and pure', () => {
    for (const body of taskTemplateFixture.base) {
      const before = structuredClone(body);
      const once = norm(body);
      expect(norm(once)).toEqual(once);
      expect(body).toEqual(before);
    }
  });
});

describe('taskTemplate kind: audit', () => {
  it('accepts the fixture bodies', () => {
    for (const b of taskTemplateFixture.base) expect(auditOne(b)).toEqual([]);
    expect(auditOne(minimal())).toEqual([]);
  });

  it('needs exactly one NAME field', () => {
    const none = minimal();
    (none.Fields as any[])[0].Type = 'TEXT';
    expect(errors(none).map((p) => p.message)).toEqual([expect.stringContaining('exactly one field of Type NAME')]);
    const two = minimal();
    (two.Fields as any[])[2].Type = 'NAME';
    const e = errors(two);
    expect(e).toHaveLength(1);
    expect(e[0].message).toContain('"Notes" is a second one');
    expect(e[0].path).toBe('taskTemplates[0].Fields[2].Type');
  });

  it('needs Constraints with the NAME field in RequiredFields', () => {
    const noConstraints = minimal();
    delete noConstraints.Constraints;
    expect(errors(noConstraints)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Constraints is required'),
        hint: expect.stringContaining('Title'),
      }),
    ]);
    const empty = { ...minimal(), Constraints: { RequiredFields: [] } };
    expect(errors(empty)).toEqual([expect.objectContaining({ path: 'taskTemplates[0].Constraints.RequiredFields' })]);
    const other = { ...minimal(), Constraints: { RequiredFields: [{ Id: { Name: 'Notes' } }] } };
    expect(errors(other).map((p) => p.message)).toEqual([
      'the NAME field "Title" must be listed in Constraints.RequiredFields',
    ]);
  });

  it('needs a ContactFlowId or a QUICK_CONNECT field', () => {
    const b = minimal();
    delete b.ContactFlowId;
    expect(errors(b).map((p) => p.message)).toEqual([
      'a task template must have either a ContactFlowId or a field of Type QUICK_CONNECT',
    ]);
    (b.Fields as Body[]).push({ Id: { Name: 'Transfer' }, Type: 'QUICK_CONNECT' });
    expect(errors(b)).toEqual([]);
  });

  it('checks every field named in Constraints and Defaults exists, with a suggestion', () => {
    const b = minimal();
    b.Constraints = {
      RequiredFields: [{ Id: { Name: 'Title' } }, { Id: { Name: 'Note' } }],
      ReadOnlyFields: [{ Id: { Name: 'Ghost' } }],
      InvisibleFields: [{ Id: { Name: 'kind' } }],
    };
    b.Defaults = { DefaultFieldValues: [{ Id: { Name: 'Missing' }, DefaultValue: 'x' }] };
    const e = errors(b);
    expect(e.map((p) => p.path)).toEqual([
      'taskTemplates[0].Constraints.RequiredFields[1].Id.Name',
      'taskTemplates[0].Constraints.ReadOnlyFields[0].Id.Name',
      'taskTemplates[0].Constraints.InvisibleFields[0].Id.Name',
      'taskTemplates[0].Defaults.DefaultFieldValues[0].Id.Name',
    ]);
    expect(e[0].hint).toBe('did you mean "Notes"?');
    expect(e[1].hint).toBeUndefined();
    expect(e[2].hint).toBe('did you mean "Kind"?');
  });

  it('ties SingleSelectOptions to SINGLE_SELECT fields and their defaults to the options', () => {
    const b = minimal();
    delete (b.Fields as any[])[1].SingleSelectOptions;
    (b.Fields as any[])[2].SingleSelectOptions = ['x'];
    b.Defaults = { DefaultFieldValues: [{ Id: { Name: 'Kind' }, DefaultValue: 'C' }] };
    expect(errors(b).map((p) => p.path)).toEqual([
      'taskTemplates[0].Fields[1].Type',
      'taskTemplates[0].Fields[2].SingleSelectOptions',
    ]);
    const c = minimal();
    c.Defaults = { DefaultFieldValues: [{ Id: { Name: 'Kind' }, DefaultValue: 'C' }] };
    expect(errors(c)).toEqual([
      expect.objectContaining({
        path: 'taskTemplates[0].Defaults.DefaultFieldValues[0].DefaultValue',
        hint: 'options: "A", "B"',
      }),
    ]);
    c.Defaults = { DefaultFieldValues: [{ Id: { Name: 'Kind' }, DefaultValue: 'B' }] };
    expect(errors(c)).toEqual([]);
  });

  it('rejects duplicate field names and two defaults for one field; warns on duplicate set entries', () => {
    const b = minimal();
    (b.Fields as Body[]).push({ Id: { Name: 'Notes' }, Type: 'URL' });
    b.Defaults = {
      DefaultFieldValues: [
        { Id: { Name: 'Notes' }, DefaultValue: 'a' },
        { Id: { Name: 'Notes' }, DefaultValue: 'b' },
      ],
    };
    (b.Constraints as any).RequiredFields.push({ Id: { Name: 'Title' } });
    expect(errors(b).map((p) => p.path)).toEqual([
      'taskTemplates[0].Fields[3].Id.Name',
      'taskTemplates[0].Defaults.DefaultFieldValues[1].Id.Name',
    ]);
    expect(warnings(b).map((p) => p.path)).toEqual(['taskTemplates[0].Constraints.RequiredFields[1].Id.Name']);
  });

  it('resolves flow names when the target is known, with the nearest names', () => {
    const b = {
      ...minimal(),
      ContactFlowId: { name: 'Escalaton' },
      SelfAssignFlowId: '99999999-0000-4000-8000-000000000000',
    };
    const e = errors(b);
    expect(e.map((p) => p.path)).toEqual(['taskTemplates[0].ContactFlowId', 'taskTemplates[0].SelfAssignFlowId']);
    expect(e[0].message).toMatch(/unknown contact flow "Escalaton"; nearest: "Escalation"/);
    expect(errors(b, false)).toEqual([]);
    expect(errors({ ...minimal(), ContactFlowId: idOf('Callback') })).toEqual([]);
  });

  it('reserves the marker tag and counts it against the 50-tag limit', () => {
    expect(errors({ ...minimal(), Tags: { [MARKER_TAG_KEY]: 'true' } }).map((p) => p.path)).toEqual([
      `taskTemplates[0].Tags[${JSON.stringify(MARKER_TAG_KEY)}]`,
    ]);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(errors({ ...minimal(), Tags: many })).toEqual([
      expect.objectContaining({ message: expect.stringContaining('at most 49') }),
    ]);
  });

  it('warns (does not block) past the documented 50-item caps', () => {
    const b = minimal();
    for (let i = 0; i < 50; i++) (b.Fields as Body[]).push({ Id: { Name: `f${i}` }, Type: 'TEXT' });
    expect(errors(b)).toEqual([]);
    expect(warnings(b).map((p) => p.path)).toEqual(['taskTemplates[0].Fields']);
  });

  it('reports every problem of the broken fixture at once, each at its line', () => {
    const all = declare(taskTemplateFixture.broken.yaml);
    const problems = all.flatMap((d) => kind.audit(d, { all, flows }));
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
    expect(problems.map((p) => p.pos?.line).sort((a, b) => a! - b!)).toEqual(taskTemplateFixture.broken.expectLines);
    for (const { line, message } of taskTemplateFixture.broken.errors) {
      expect(problems.find((p) => p.pos?.line === line)?.message).toContain(message);
    }
    // Same set without a reachable target.
    expect(all.flatMap((d) => kind.audit(d, { all })).length).toBe(problems.length);
  });
});

/** A TargetContext whose Connect client answers from `answer` and records every command. */
function fakeTarget(answer: (name: string, input: any) => unknown) {
  const sent: { api: string; name: string; input: any }[] = [];
  const aws = {
    // Fails as AwsClients.call does: one error naming the API and the resource.
    call: (api: string, send: () => Promise<unknown>, about: { resource?: string } = {}) =>
      send().catch((err: unknown) => {
        throw new AwsCallError({ api, resource: about.resource }, err);
      }),
    // Lag waits move a clock of their own: nothing here sleeps.
    lag: new FastForwardClock(),
    sdk, // the real command classes: kinds take them from the clients
    connect: {
      send: async (cmd: { constructor: { name: string }; input: any }) => {
        const name = cmd.constructor.name.replace(/Command$/, '');
        sent.push({ api: `connect:${name}`, name, input: structuredClone(cmd.input) });
        return answer(name, cmd.input);
      },
    },
  };
  const ctx = {
    target: { name: 't', region: 'us-east-1', instanceId: 'i-1', accountId: '' },
    aws,
    flows,
    cache: NO_CACHE,
    declared: [],
    log: () => undefined,
  } as any;
  return { ctx, sent };
}
const notFound = () => Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });

describe('taskTemplate kind: calls (fake client, no network)', () => {
  it('creates with the client token and flow ids, then tags the ARN with user tags and the marker', async () => {
    const { ctx, sent } = fakeTarget((name) => (name === 'CreateTaskTemplate' ? { Id: 'tt-9', Arn: 'arn:tt-9' } : {}));
    const desired = norm(taskTemplateFixture.base[0]);
    expect(await kind.create(ctx, desired, 'tok-1')).toEqual({ id: 'tt-9', arn: 'arn:tt-9' });
    expect(sent.map((s) => s.name)).toEqual(['CreateTaskTemplate', 'TagResource']);
    const input = sent[0].input;
    expect(input).toMatchObject({
      InstanceId: 'i-1',
      ClientToken: 'tok-1',
      Name: 'Billing dispute follow-up',
      ContactFlowId: idOf('Task routing'),
      SelfAssignFlowId: idOf('Default agent transfer'),
      Status: 'ACTIVE',
    });
    expect(input.Tags).toBeUndefined();
    expect(sent[1].input).toEqual({
      resourceArn: 'arn:tt-9',
      tags: { team: 'billing', 'cost-center': 'cc-1042', [MARKER_TAG_KEY]: MARKER_TAG_VALUE },
    });
  });

  it('updates the whole document (Status always) and diffs tags only when they changed', async () => {
    const { ctx, sent } = fakeTarget(() => ({}));
    const liveBody = liveOf(taskTemplateFixture.base[0]);
    const live = {
      kind: 'taskTemplate',
      key: 'Billing dispute follow-up',
      id: 'tt-1',
      arn: 'arn:tt-1',
      body: liveBody,
      managed: true,
      version: 'v',
      extra: { tags: liveBody.Tags },
    } as any;
    const desired = norm({
      ...taskTemplateFixture.base[0],
      Status: undefined,
      Description: undefined,
      Tags: { team: 'payments', region: 'emea' },
    });
    await kind.update(ctx, live, desired, ['Description', 'Status', 'Tags']);
    // The shared tag reconciler (src/kinds/tags.ts): UntagResource first, only what differs, the
    // marker neither removed nor re-sent.
    expect(sent.map((s) => s.name)).toEqual(['UpdateTaskTemplate', 'UntagResource', 'TagResource']);
    expect(sent[0].input).toMatchObject({
      InstanceId: 'i-1',
      TaskTemplateId: 'tt-1',
      Name: 'Billing dispute follow-up',
      Status: 'ACTIVE',
      ContactFlowId: idOf('Task routing'),
    });
    expect(sent[0].input.Description).toBeUndefined();
    expect(sent[0].input.Fields).toHaveLength(7);
    expect(sent[1].input).toEqual({ resourceArn: 'arn:tt-1', tagKeys: ['cost-center'] });
    expect(sent[2].input).toEqual({ resourceArn: 'arn:tt-1', tags: { team: 'payments', region: 'emea' } });

    sent.length = 0;
    await kind.update(ctx, live, norm(taskTemplateFixture.base[0]), ['Fields']);
    expect(sent.map((s) => s.name)).toEqual(['UpdateTaskTemplate']);
    sent.length = 0;
    await kind.update(ctx, live, norm({ ...taskTemplateFixture.base[0], Tags: { team: 'billing' } }), ['Tags']);
    expect(sent.map((s) => s.name)).toEqual(['UntagResource']);
  });

  it('does not adopt an unmanaged template by editing its tags', async () => {
    const { ctx, sent } = fakeTarget(() => ({}));
    const live = {
      kind: 'taskTemplate',
      key: 'x',
      id: 'tt-2',
      arn: 'arn:tt-2',
      body: { Name: 'x', Tags: { a: '1' } },
      managed: false,
      version: 'v',
      extra: { tags: { a: '1' } },
    } as any;
    await kind.update(ctx, live, norm({ ...minimal(), Tags: { a: '1', b: '2' } }), ['Tags']);
    expect(sent.map((s) => s.input)).toEqual([{ resourceArn: 'arn:tt-2', tags: { b: '2' } }]);
  });

  it('deletes, and treats an already deleted template as done', async () => {
    const { ctx, sent } = fakeTarget(() => {
      throw notFound();
    });
    await kind.delete(ctx, { kind: 'taskTemplate', key: 'x', id: 'tt-3', body: {}, managed: true, version: 'v' });
    expect(sent.map((s) => s.input)).toEqual([{ InstanceId: 'i-1', TaskTemplateId: 'tt-3' }]);
  });

  it('wraps a failed write as a RemoteError naming the API and the template', async () => {
    const { ctx } = fakeTarget(() => {
      throw Object.assign(new Error('bad field'), { name: 'PropertyValidationException' });
    });
    await expect(kind.create(ctx, norm(minimal()), 't')).rejects.toMatchObject({
      name: 'RemoteError',
      api: 'connect:CreateTaskTemplate',
      message: 'connect:CreateTaskTemplate failed for task template "T": PropertyValidationException: bad field',
    });
  });

  it('reads list then get, skipping templates deleted in between; marker, version, config-shaped body', async () => {
    const lists: any[] = [];
    const { ctx, sent } = fakeTarget((name, input) => {
      if (name === 'ListTaskTemplates') {
        lists.push(input);
        return input.NextToken
          ? {
              TaskTemplates: [
                { Id: 'b', Name: 'B' },
                { Id: 'c', Name: 'C' },
              ],
              NextToken: null,
            }
          : {
              TaskTemplates: [
                { Id: 'a', Name: 'A' },
                { Id: 'b', Name: 'B' },
              ],
              NextToken: 'p2',
            };
      }
      if (input.TaskTemplateId === 'c') throw notFound();
      const managed = input.TaskTemplateId === 'a';
      return {
        ...liveOf(taskTemplateFixture.base[1]),
        Id: input.TaskTemplateId,
        Arn: `arn:${input.TaskTemplateId}`,
        Name: input.TaskTemplateId.toUpperCase(),
        LastModifiedTime: managed ? new Date('2026-03-04T05:06:07Z') : undefined,
        Tags: managed ? { [MARKER_TAG_KEY]: MARKER_TAG_VALUE, x: 'y' } : { x: 'y' },
      };
    });
    const out: any[] = [];
    for await (const live of kind.read(ctx)) out.push(live);
    out.sort((p, q) => p.key.localeCompare(q.key));
    // Per status, everything then a capped page (how much an answer without MaxResults holds is
    // undocumented); a NextToken is followed anyway, should the API start to page.
    expect(lists.map((l) => [l.Status, l.NextToken, l.MaxResults])).toEqual([
      ['ACTIVE', undefined, undefined],
      ['ACTIVE', 'p2', undefined],
      ['ACTIVE', undefined, 100],
      ['ACTIVE', 'p2', 100],
      ['INACTIVE', undefined, undefined],
      ['INACTIVE', 'p2', undefined],
      ['INACTIVE', undefined, 100],
      ['INACTIVE', 'p2', 100],
    ]);
    expect(
      sent
        .filter((s) => s.name === 'GetTaskTemplate')
        .map((s) => s.input.TaskTemplateId)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(out.map((l) => [l.key, l.id, l.arn, l.managed])).toEqual([
      ['A', 'a', 'arn:a', true],
      ['B', 'b', 'arn:b', false],
    ]);
    expect(out[0].version).toBe('2026-03-04T05:06:07.000Z');
    expect(out[1].version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out[0].body.Tags).toEqual({ x: 'y' });
    expect(Object.keys(out[0].body)).not.toContain('Arn');
    expect(norm(out[0].body)).toEqual(norm({ ...taskTemplateFixture.base[1], Name: 'A', Tags: { x: 'y' } }));
  });
});

/**
 * The one table of names instead of ids (src/kinds/references.ts): it lists every member of the
 * operations connectform calls that the model types as such an id, and the walker resolves
 * names to ids/ARNs, ids to names, and leaves everything else as written.
 */
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { loadModel } from '../../src/aws/models.js';
import {
  REFERENCE_FIELDS,
  REFERENCE_SHAPES,
  namedReferenceKinds,
  referencesToNames,
  referencesToWire,
  writtenReferences,
} from '../../src/kinds/references.js';

/** Every path (`Actions[].TaskAction.ContactFlowId`) under `shape` whose shape is one of `names`. */
function pathsTo(shape: string, names: readonly string[], at = '', seen: string[] = []): string[] {
  const model = loadModel('connect');
  const s = model.shapes[shape];
  if (seen.includes(shape)) return [];
  const out: string[] = [];
  for (const [member, ref] of Object.entries(s.members ?? {})) {
    const path = at ? `${at}.${member}` : member;
    const target = model.shapes[ref.shape];
    if (names.includes(ref.shape)) out.push(path);
    else if (target.type === 'list' && names.includes(target.member!.shape)) out.push(`${path}[]`);
    else if (target.type === 'list') out.push(...pathsTo(target.member!.shape, names, `${path}[]`, [...seen, shape]));
    else if (target.type === 'structure') out.push(...pathsTo(ref.shape, names, path, [...seen, shape]));
  }
  return out;
}

describe('the reference table', () => {
  it('names every member of the operations we call that the model types as a reference', () => {
    const shapes = Object.keys(REFERENCE_SHAPES);
    const table = (kind: string) =>
      REFERENCE_FIELDS.filter((f) => f.kind === kind)
        .map((f) => f.path)
        .sort();
    for (const input of ['CreateRuleRequest', 'UpdateRuleRequest'])
      expect(pathsTo(input, shapes).sort()).toEqual(table('rule'));
    for (const input of ['CreateTaskTemplateRequest', 'UpdateTaskTemplateRequest'])
      expect(pathsTo(input, shapes).sort()).toEqual(table('taskTemplate'));
  });
});

describe('resolving', () => {
  const dirs = new ContactFlowDirectory([{ id: 'flow-1', name: 'Escalation' }], {
    user: [{ id: 'user-1', name: 'alice', arn: 'arn:aws:connect:r:1:instance/i/agent/user-1' }],
    queue: [{ id: 'queue-1', name: 'Billing' }],
    hierarchyGroup: [{ id: 'group-1', name: 'Tier 1', arn: 'arn:aws:connect:r:1:instance/i/agent-group/group-1' }],
  });
  const rule = (operands: unknown[], cv = '$.ContactLens.PostCall.Queue.QueueId') => ({
    Function: {
      Version: '2022-11-25',
      RuleFunction: {
        Operator: 'AND',
        Operands: [{ Operator: 'CONTAINS_ANY', Operands: operands, ComparisonValue: cv }],
      },
    },
    Actions: [
      { ActionType: 'CREATE_TASK', TaskAction: { Name: 't', ContactFlowId: { name: 'Escalation' } } },
      {
        ActionType: 'SEND_NOTIFICATION',
        SendNotificationAction: { Recipient: { UserIds: [{ name: 'alice' }, 'literal'] } },
      },
    ],
  });
  const operandsOf = (body: Record<string, unknown>) =>
    (body.Function as { RuleFunction: { Operands: { Operands: unknown[] }[] } }).RuleFunction.Operands[0].Operands;

  it('names become ids (ARNs where the API takes ARNs); literal values go as written', () => {
    const wire = referencesToWire('rule', rule([{ name: 'Billing' }, 'q-literal']), dirs);
    expect(operandsOf(wire)).toEqual(['queue-1', 'q-literal']);
    const actions = wire.Actions as {
      TaskAction?: { ContactFlowId: string };
      SendNotificationAction?: { Recipient: { UserIds: string[] } };
    }[];
    expect(actions[0].TaskAction!.ContactFlowId).toBe('flow-1');
    expect(actions[1].SendNotificationAction!.Recipient.UserIds).toEqual(['user-1', 'literal']);
    const group = referencesToWire(
      'rule',
      rule([{ name: 'Tier 1' }], '$.ContactLens.PostCall.Agent.HierarchyGroup.ARN'),
      dirs,
    );
    expect(operandsOf(group)).toEqual(['arn:aws:connect:r:1:instance/i/agent-group/group-1']);
  });

  it('ids the target knows become names on both sides (the JSON string form included); unknown ids stay', () => {
    const live = {
      Function: JSON.stringify(rule(['queue-1', 'unknown']).Function),
      Actions: [{ ActionType: 'SEND_NOTIFICATION', SendNotificationAction: { Recipient: { UserIds: ['user-1'] } } }],
    };
    const named = referencesToNames('rule', live, dirs);
    expect(operandsOf(named)).toEqual([{ name: 'Billing' }, 'unknown']);
    expect(named.Actions).toEqual([
      { ActionType: 'SEND_NOTIFICATION', SendNotificationAction: { Recipient: { UserIds: [{ name: 'alice' }] } } },
    ]);
  });

  it('an object operand of a condition not taking ids keeps its meaning; the string form takes no names', () => {
    const other = rule([{ name: 'Billing' }], '$.ContactLens.PostCall.Sentiment.State');
    expect(operandsOf(referencesToWire('rule', other, dirs))).toEqual([{ name: 'Billing' }]);
    expect(namedReferenceKinds('rule', other)).toEqual(['contactFlow', 'user']);
    const asString = { Function: JSON.stringify(rule([{ name: 'Billing' }]).Function) };
    expect(referencesToWire('rule', asString, dirs).Function).toBe(asString.Function);
    expect(namedReferenceKinds('rule', asString)).toEqual([]);
  });
});

describe('literals as written', () => {
  const FLOW_ARN = 'arn:aws:connect:r:1:instance/i/contact-flow/flow-1';
  const dirs = new ContactFlowDirectory(
    [
      { id: 'flow-1', name: 'Escalation', arn: FLOW_ARN },
      { id: 'flow-2', name: 'Callback' },
    ],
    {
      user: [
        { id: 'user-1', name: 'alice' },
        { id: 'user-2', name: 'bob' },
      ],
      queue: [
        { id: 'queue-1', name: 'Twice' },
        { id: 'queue-2', name: 'Twice' },
      ],
    },
  );
  const rule = (flow: unknown, users: unknown[], queues: unknown[] = []) => ({
    Function: {
      Version: '2022-11-25',
      RuleFunction: {
        Operator: 'AND',
        Operands: [
          { Operator: 'CONTAINS_ANY', Operands: queues, ComparisonValue: '$.ContactLens.PostCall.Queue.QueueId' },
        ],
      },
    },
    Actions: [
      { ActionType: 'CREATE_TASK', TaskAction: { Name: 't', ContactFlowId: flow } },
      { ActionType: 'SEND_NOTIFICATION', SendNotificationAction: { Recipient: { UserIds: users } } },
    ],
  });
  /** Both sides of a diff as the planner normalizes their references: the declared body decides. */
  const sides = (declared: Record<string, unknown>, live: Record<string, unknown>) => {
    const written = writtenReferences('rule', declared, dirs);
    return [referencesToNames('rule', declared, dirs, written), referencesToNames('rule', live, dirs, written)];
  };

  it('the declared literal shows on both sides, at every field and whatever the live order', () => {
    const declared = rule(FLOW_ARN, [{ name: 'alice' }, 'user-2'], ['queue-1']);
    const live = rule('flow-1', ['user-2', 'user-1'], ['queue-1']);
    const [d, l] = sides(declared, live);
    expect(d).toEqual(declared);
    // An ARN and the id AWS returns are one flow: the live side shows the ARN as written.
    expect(l).toEqual(rule(FLOW_ARN, ['user-2', { name: 'alice' }], ['queue-1']));
  });

  it('a live resource the config does not write there shows by name (by id when its name is shared)', () => {
    const [, l] = sides(rule('flow-1', ['user-2'], ['queue-1']), rule('flow-2', ['user-1'], ['queue-2']));
    expect(l).toEqual(rule({ name: 'Callback' }, [{ name: 'alice' }], ['queue-2']));
    // A literal at one field does not make the resource a literal at another.
    const declared = { ContactFlowId: 'flow-1', SelfAssignFlowId: { name: 'Escalation' } };
    const written = writtenReferences('taskTemplate', declared, dirs);
    expect(
      referencesToNames('taskTemplate', { ContactFlowId: 'flow-1', SelfAssignFlowId: 'flow-1' }, dirs, written),
    ).toEqual(declared);
  });

  it('a body of names only, or none, is walked for nothing: no written map', () => {
    expect(writtenReferences('rule', rule({ name: 'Escalation' }, [{ name: 'alice' }]), dirs)).toBeUndefined();
    expect(writtenReferences('rule', { Name: 'x' }, dirs)).toBeUndefined();
    // Without a declared body (a delete, an export) every known id shows by name.
    expect(referencesToNames('rule', rule('flow-1', []), dirs).Actions).toEqual(
      rule({ name: 'Escalation' }, []).Actions,
    );
  });

  it('one resource written two ways at one field shows by name on both sides, so they still compare equal', () => {
    const declared = {
      Actions: [
        {
          ActionType: 'SEND_NOTIFICATION',
          SendNotificationAction: { Subject: 'a', Recipient: { UserIds: ['user-1'] } },
        },
        {
          ActionType: 'SEND_NOTIFICATION',
          SendNotificationAction: { Subject: 'b', Recipient: { UserIds: [{ name: 'alice' }] } },
        },
      ],
    };
    const live = structuredClone(declared);
    live.Actions[1].SendNotificationAction.Recipient.UserIds = ['user-1'];
    const [d, l] = sides(declared, live);
    expect(d).toEqual(l);
    expect(JSON.stringify(d)).not.toContain('user-1');
  });
});

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

/**
 * The identity-keyed diff (src/engine/diff.ts), pure, with the real kinds' list declarations:
 * each case is one small before/after pair and the exact rows a reviewer would read.
 */
import { describe, expect, it } from 'vitest';
import { diffDetailed, formatPath } from '../../src/engine/diff.js';
import { customActionKind } from '../../src/kinds/custom-action.js';
import { parseEntry } from '../../src/kinds/lists.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { taskTemplateKind } from '../../src/kinds/task-template.js';
import type { Body, ListSpec } from '../../src/kinds/types.js';

const rows = (before: Body, after: Body, lists: readonly ListSpec[] | undefined) =>
  diffDetailed(before, after, lists).map((r) => r.field);
const paths = (before: Body, after: Body, lists: readonly ListSpec[] | undefined) =>
  rows(before, after, lists).map((f) => f.path);

const field = (name: string, type = 'TEXT') => ({ Id: { Name: name }, Type: type });
const template = (...names: string[]): Body => ({ Name: 'claims', Fields: names.map((n) => field(n)) });
const T = taskTemplateKind.lists;

const eventBridge = (name: string) => ({ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: name } });
const task = (name: string, description = 'd') => ({
  ActionType: 'CREATE_TASK',
  TaskAction: { Name: name, Description: description, ContactFlowId: { name: 'Escalation' } },
});
const rule = (...actions: Body[]): Body => ({ Name: 'r', Actions: actions });
const R = ruleKind.lists;
const C = customActionKind.lists;

describe('ordered lists keyed by identity (task template Fields)', () => {
  it('inserting one field is one add row holding the whole element', () => {
    const r = rows(template('Name', 'Notes'), template('Name', 'Policy number', 'Notes'), T);
    expect(r).toEqual([{ path: 'Fields[Id.Name="Policy number"]', op: 'add', after: field('Policy number') }]);
  });

  it('removing one field is one remove row holding the live element', () => {
    expect(rows(template('Name', 'Policy number', 'Notes'), template('Name', 'Notes'), T)).toEqual([
      { path: 'Fields[Id.Name="Policy number"]', op: 'remove', before: field('Policy number') },
    ]);
  });

  it('moving one field is one move row with its live and desired positions', () => {
    expect(rows(template('A', 'B', 'C', 'D'), template('A', 'D', 'B', 'C'), T)).toEqual([
      { path: 'Fields[Id.Name="D"]', op: 'move', from: 3, to: 1 },
    ]);
  });

  it('a field moved and changed is a move row and the change under the same identity', () => {
    const after = template('B', 'C', 'A');
    (after.Fields as Body[])[2].Type = 'NUMBER';
    expect(rows(template('A', 'B', 'C'), after, T)).toEqual([
      { path: 'Fields[Id.Name="A"]', op: 'move', from: 0, to: 2 },
      { path: 'Fields[Id.Name="A"].Type', op: 'change', before: 'TEXT', after: 'NUMBER' },
    ]);
  });

  it('a change inside a field names the field, whatever its position', () => {
    const after = template('Name', 'Notes');
    (after.Fields as Body[])[1].Type = 'URL';
    expect(paths(template('Name', 'Notes'), after, T)).toEqual(['Fields[Id.Name="Notes"].Type']);
  });

  it('options of a SINGLE_SELECT field are keyed by value: one inserted option is one row', () => {
    const withOptions = (...o: string[]) => ({
      Name: 't',
      Fields: [{ ...field('Priority', 'SINGLE_SELECT'), SingleSelectOptions: o }],
    });
    expect(rows(withOptions('Low', 'High'), withOptions('Low', 'Medium', 'High'), T)).toEqual([
      { path: 'Fields[Id.Name="Priority"].SingleSelectOptions[="Medium"]', op: 'add', after: 'Medium' },
    ]);
  });
});

describe('sets keyed by identity (rule Actions)', () => {
  it("renaming one of two EventBridge actions is one row, with the renamed one's own before", () => {
    const r = rows(
      rule(eventBridge('alpha'), eventBridge('beta')),
      rule(eventBridge('alpha'), eventBridge('gamma')),
      R,
    );
    expect(r).toEqual([
      {
        path: 'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="beta"].EventBridgeAction.Name',
        op: 'change',
        before: 'beta',
        after: 'gamma',
      },
    ]);
  });

  it('two renames in one group cannot be paired: removals and additions', () => {
    const r = rows(rule(eventBridge('a'), eventBridge('b')), rule(eventBridge('c'), eventBridge('d')), R);
    expect(r.map((f) => [f.op, f.path])).toEqual([
      ['remove', 'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="a"]'],
      ['add', 'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="c"]'],
      ['remove', 'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="b"]'],
      ['add', 'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="d"]'],
    ]);
  });

  it('adding an action is one add row; the untouched action has none', () => {
    const added = { ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} };
    expect(rows(rule(task('follow up')), rule(added, task('follow up')), R)).toEqual([
      { path: 'Actions[ActionType="ASSIGN_CONTACT_CATEGORY"]', op: 'add', after: added },
    ]);
  });

  it('a change inside a task action names it by type and name', () => {
    expect(rows(rule(task('x'), eventBridge('e')), rule(eventBridge('e'), task('x', 'new')), R)).toEqual([
      {
        path: 'Actions[ActionType="CREATE_TASK",TaskAction.Name="x"].TaskAction.Description',
        op: 'change',
        before: 'd',
        after: 'new',
      },
    ]);
  });

  it('reordering a set is no row', () => {
    expect(
      rows(rule(task('x'), eventBridge('a'), eventBridge('b')), rule(eventBridge('b'), task('x'), eventBridge('a')), R),
    ).toEqual([]);
  });

  it('pairs different action types never: a type change is a removal and an addition', () => {
    const r = rows(rule(eventBridge('a')), rule(task('a')), R);
    expect(r.map((f) => f.op)).toEqual(['remove', 'add']);
  });
});

describe('custom action sets', () => {
  const arn = (n: string) => `arn:aws:chatbot::123456789012:chat-configuration/slack-channel/${n}`;

  it('chat configurations are keyed by value: an added one is one row', () => {
    expect(rows({ ChatConfigurations: [arn('a')] }, { ChatConfigurations: [arn('b'), arn('a')] }, C)).toEqual([
      { path: `ChatConfigurations[=${JSON.stringify(arn('b'))}]`, op: 'add', after: arn('b') },
    ]);
  });

  it('tags are keyed by TagKey: a changed value is one row at that tag', () => {
    const tags = (team: string) => ({
      Tags: [
        { TagKey: 'env', TagValue: 'prod' },
        { TagKey: 'team', TagValue: team },
      ],
    });
    expect(rows(tags('ops'), { Tags: [...tags('billing').Tags].reverse() }, C)).toEqual([
      { path: 'Tags[TagKey="team"].TagValue', op: 'change', before: 'ops', after: 'billing' },
    ]);
  });

  it('criteria are keyed by variable and operator; a changed value stays one row', () => {
    const att = (value: string) => ({
      Attachments: [
        { NotificationType: 'AWSHealth', Criteria: [{ VariableName: 'status', Operator: 'EQUALS', Value: value }] },
      ],
    });
    expect(paths(att('open'), att('closed'), C)).toEqual([
      'Attachments[NotificationType="AWSHealth"].Criteria[VariableName="status",Operator="EQUALS"].Value',
    ]);
  });
});

describe('paths', () => {
  it('keeps hostile identity values one JSON-quoted token, and they read back as written', () => {
    const hostile = 'x"],Name="y\n.z';
    const [row] = rows(template('A'), template('A', hostile), T);
    expect(row.path).toBe(`Fields[Id.Name=${JSON.stringify(hostile)}]`);
    expect(parseEntry(row.path)).toEqual([
      { kind: 'member', name: 'Fields' },
      { kind: 'element', pairs: { 'Id.Name': hostile } },
    ]);
  });

  it('quotes a map key the grammar could misread (a tag key with a dot)', () => {
    expect(paths({ Tags: { 'kubernetes.io/owner': 'a' } }, { Tags: { 'kubernetes.io/owner': 'b' } }, R)).toEqual([
      'Tags["kubernetes.io/owner"]',
    ]);
    expect(formatPath(['Tags', 'connectform:managed'])).toBe('Tags.connectform:managed');
  });

  it('prints a sensitive identity member as the marker it is given', () => {
    const notify = (subject: string) => ({
      ActionType: 'SEND_NOTIFICATION',
      SendNotificationAction: { Subject: subject, Content: 'c' },
    });
    const hidden = (at: readonly unknown[]) =>
      at.join('/') === 'Actions/-1/SendNotificationAction/Subject' ? '(sensitive: env.S)' : undefined;
    const r = diffDetailed(rule(), rule(notify('secret-subject')), R, hidden).map((x) => x.field.path);
    expect(r).toEqual(['Actions[ActionType="SEND_NOTIFICATION",SendNotificationAction.Subject=(sensitive: env.S)]']);
  });
});

describe('positional fallback', () => {
  it('a list no kind declares is compared by position', () => {
    expect(rows({ Xs: [{ a: 1 }, { a: 2 }] }, { Xs: [{ a: 1 }, { a: 3 }, { a: 4 }] }, R)).toEqual([
      { path: 'Xs[1].a', op: 'change', before: 2, after: 3 },
      { path: 'Xs[2]', op: 'add', after: { a: 4 } },
    ]);
  });

  it('two elements sharing an identity make the list positional', () => {
    const update = (v: string) => ({
      ActionType: 'UPDATE_CASE',
      UpdateCaseAction: { Fields: [{ Id: 'status', Value: { StringValue: v } }] },
    });
    expect(paths(rule(update('a'), update('b')), rule(update('a'), update('c')), R)).toEqual([
      'Actions[1].UpdateCaseAction.Fields[Id="status"].Value.StringValue',
    ]);
  });

  it('with no declarations at all, everything is positional (the old behaviour)', () => {
    expect(paths(template('A', 'B'), template('B', 'A'), [])).toEqual(['Fields[0].Id.Name', 'Fields[1].Id.Name']);
  });
});

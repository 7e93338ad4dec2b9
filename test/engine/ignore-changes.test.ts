/**
 * `lifecycle.ignoreChanges` entries on their own: the grammar, which rows an entry covers, and
 * what validation says about entries that cannot work.
 */
import { describe, expect, it } from 'vitest';
import { diffDetailed } from '../../src/engine/diff.js';
import { ignoredDepth } from '../../src/engine/ignore-changes.js';
import { ignoreEntryProblem, parseEntry } from '../../src/kinds/lists.js';
import { customActionKind } from '../../src/kinds/custom-action.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { taskTemplateKind } from '../../src/kinds/task-template.js';

describe('ignoreChanges entries', () => {
  it('parse members, quoted members, identities, scalar values, positions and "any element"', () => {
    expect(parseEntry('Fields[Id.Name="a,b"].Description')).toEqual([
      { kind: 'member', name: 'Fields' },
      { kind: 'element', pairs: { 'Id.Name': 'a,b' } },
      { kind: 'member', name: 'Description' },
    ]);
    expect(parseEntry('Tags["a.b"]')).toEqual([
      { kind: 'member', name: 'Tags' },
      { kind: 'member', name: 'a.b' },
    ]);
    expect(parseEntry('ChatConfigurations[="arn"]')).toEqual([
      { kind: 'member', name: 'ChatConfigurations' },
      { kind: 'element', scalar: 'arn', pairs: {} },
    ]);
    expect(parseEntry('Actions[0]')).toEqual([
      { kind: 'member', name: 'Actions' },
      { kind: 'index', n: 0 },
    ]);
    expect(parseEntry('Fields[].Type')).toEqual([
      { kind: 'member', name: 'Fields' },
      { kind: 'any' },
      { kind: 'member', name: 'Type' },
    ]);
  });

  it('say what is wrong with a malformed entry', () => {
    expect(ignoreEntryProblem('Fields[Id.Name=x]', [])).toMatch(/not a field path: expected a quoted value/);
    expect(ignoreEntryProblem('Fields[Id.Name="x"', [])).toMatch(/not a field path: expected '\]'/);
    expect(ignoreEntryProblem('Fields..Type', [])).toMatch(/not a field path: expected a field name/);
  });

  it('refuse a position on a list keyed by identity, naming the identity to use', () => {
    expect(ignoreEntryProblem('Actions[0]', ruleKind.lists!)).toBe(
      `'Actions[0]': elements of Actions are addressed by ActionType and the action's name member, not by position (e.g. Actions[ActionType="CREATE_TASK",TaskAction.Name="Follow up"]); leave the position out to ignore every element`,
    );
    expect(ignoreEntryProblem('Fields.SingleSelectOptions[1]', taskTemplateKind.lists!)).toMatch(
      /elements of Fields\.SingleSelectOptions are addressed by value/,
    );
    expect(ignoreEntryProblem('Actions[ActionType="CREATE_TASK"].TaskAction', ruleKind.lists!)).toBeUndefined();
    expect(ignoreEntryProblem('Unlisted[3]', ruleKind.lists!)).toBeUndefined(); // positional lists keep positions
  });

  it('cover a row by identity (either side of a paired rename), by leaving the element out, or not at all', () => {
    const bridge = (name: string) => ({ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: name } });
    const [row] = diffDetailed({ Actions: [bridge('old')] }, { Actions: [bridge('new')] }, ruleKind.lists);
    expect(row.field.path).toBe(
      'Actions[ActionType="GENERATE_EVENTBRIDGE_EVENT",EventBridgeAction.Name="old"].EventBridgeAction.Name',
    );
    expect(ignoredDepth(row.segments, ['Actions[EventBridgeAction.Name="old"]'])).toBe(2);
    expect(ignoredDepth(row.segments, ['Actions[EventBridgeAction.Name="new"]'])).toBe(2);
    expect(ignoredDepth(row.segments, ['Actions.EventBridgeAction'])).toBe(3);
    expect(ignoredDepth(row.segments, ['Actions'])).toBe(1);
    expect(ignoredDepth(row.segments, ['Actions[EventBridgeAction.Name="other"]'])).toBeUndefined();
    expect(ignoredDepth(row.segments, ['Actions.TaskAction'])).toBeUndefined();
    const [chat] = diffDetailed({ ChatConfigurations: [] }, { ChatConfigurations: ['arn:x'] }, customActionKind.lists);
    expect(ignoredDepth(chat.segments, ['ChatConfigurations[="arn:x"]'])).toBe(2);
    expect(ignoredDepth(chat.segments, ['ChatConfigurations[="arn:y"]'])).toBeUndefined();
  });
});

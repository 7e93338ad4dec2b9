/**
 * Every problem names its place one way (src/problem-path.ts): the config key, the item's index
 * in its own file's list, then API field names with [i] indexes, odd keys quoted. Schema errors,
 * each kind's audit and interpolation used to build paths three different ways
 * (`rules.Actions.0.ActionType`, an index counted across files...); here they go through the
 * real loader, kinds and printer together.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblems } from '../../src/config/annotations.js';
import { loadAndValidate } from '../../src/config/index.js';
import { ConfigError, type Problem } from '../../src/errors.js';
import { MARKER_TAG_KEY } from '../../src/kinds/common.js';
import { TARGETS_YAML, ruleYaml, tempConfig } from './helpers.js';
import { fnMapping } from '../helpers/rule-function.js';

/** `rules[2].Actions[0].ActionType`, `taskTemplates[0].Tags["a:b"]`. */
const PATH_FORMAT = /^[a-z][A-Za-z]*\[\d+\](?:\.[A-Za-z_$][A-Za-z0-9_$-]*|\[\d+\]|\["[^"]*"\])*$/;

async function problemsOf(dir: string): Promise<Problem[]> {
  try {
    await loadAndValidate(dir, undefined, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('problem paths', () => {
  it('a schema error, every audit and an interpolation error print the same format', async () => {
    // a.yaml's rule comes first, so a path counted across files would say rules[1..3] for b.yaml.
    const dir = tempConfig({
      'a.yaml': `${TARGETS_YAML}rules:\n${ruleYaml('fine')}`,
      'b.yaml': `rules:
${ruleYaml('schema-error').replace('PublishStatus: DRAFT', 'PublishStatus: LIVE')}  - Name: audit-error
    TriggerEventSource: { EventSourceName: OnSlaBreach }
    Function: ${fnMapping('OnSlaBreach')}
    PublishStatus: DRAFT
    Actions:
      - ActionType: UPDATE_CASE
        UpdateCaseAction: { Fields: [ { Id: a, Value: { StringValue: b } } ] }
    Tags: { "${MARKER_TAG_KEY}": "true" }
${ruleYaml('${env.UNSET_IN_THIS_TEST}')}`,
      'c.yaml': `taskTemplates:
  - Name: twice
    ContactFlowId: 11111111-2222-3333-4444-555555555555
    Constraints: { RequiredFields: [ { Id: { Name: T } } ] }
    Fields:
      - { Id: { Name: T }, Type: NAME }
      - { Id: { Name: T }, Type: TEXT }
customActions:
  - ActionName: restart
    Definition: { CommandText: echo $cluster }
    Attachments:
      - NotificationType: CloudWatch
        Variables: { cluster: event.detail.cluster }
        Criteria: [ { VariableName: clusterr, Operator: HAS_VALUE } ]
`,
    });
    const problems = await problemsOf(dir);
    const printed = formatProblems(problems, {});
    const line = (file: string, path: string, text: string) =>
      expect(printed).toMatch(
        new RegExp(`^${escapeRegExp(join(dir, file))}:\\d+:\\d+: error: ${escapeRegExp(path)}: .*${text}`, 'm'),
      );

    line('b.yaml', 'rules[0].PublishStatus', 'must be one of'); // schema
    line('b.yaml', 'rules[1].Actions[0].ActionType', 'not supported on event source'); // rule audit
    line('b.yaml', `rules[1].Tags["${MARKER_TAG_KEY}"]`, 'reserved for connectform'); // rule audit, odd key
    line('b.yaml', 'rules[2].Name', 'UNSET_IN_THIS_TEST'); // interpolation
    line('c.yaml', 'taskTemplates[0].Fields[1].Id.Name', 'used twice'); // task template audit
    line('c.yaml', 'customActions[0].Attachments[0].Criteria[0].VariableName', 'clusterr'); // custom action audit

    // Each problem's path is the one its message starts with, and it has the format.
    for (const p of problems) {
      expect(p.path, p.message).toMatch(PATH_FORMAT);
      expect(p.message.startsWith(`${p.path}: `), p.message).toBe(true);
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { resolveTarget } from '../../src/config/resolve.js';
import { validateResources, type KindLike } from '../../src/config/validate.js';
import type { Problem } from '../../src/errors.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { FAKE_KINDS, FIXTURE_DIR, at, loadText, messages, ruleYaml, tempConfig, TARGETS_YAML } from './helpers.js';

async function check(text: string): Promise<{ problems: Problem[]; file: string }> {
  const { config, file } = await loadText(`${TARGETS_YAML}${text}`);
  const { resources, problems } = resolveTarget(config, undefined, {});
  return { problems: [...problems, ...validateResources(resources, FAKE_KINDS)], file };
}

describe('validateResources: schema errors', () => {
  it('accepts the fixture config for every target', async () => {
    const config = await loadConfig(FIXTURE_DIR);
    for (const name of ['staging', 'prod']) {
      const { resources, problems } = resolveTarget(config, name, { CONNECT_PROD_INSTANCE_ID: 'abc' });
      expect([...problems, ...validateResources(resources, FAKE_KINDS)]).toEqual([]);
    }
  });

  it('points at the offending value, exactly', async () => {
    const text = `rules:
${ruleYaml('r1')}${ruleYaml('r2')}${ruleYaml('r3')}${ruleYaml('r4').replace('PublishStatus: DRAFT', 'PublishStatus: 7')}`;
    const { problems, file } = await check(text);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems).toEqual([
      {
        severity: 'error',
        message: 'rules[3].PublishStatus: must be a string (got an integer)',
        hint: "quote it: '7'",
        pos: at(file, full, '7\n'),
        path: 'rules[3].PublishStatus',
      },
      {
        severity: 'error',
        message: 'rules[3].PublishStatus: must be one of DRAFT, PUBLISHED (got 7)',
        pos: at(file, full, '7\n'),
        path: 'rules[3].PublishStatus',
      },
    ]);
  });

  it('reports unknown fields at the key, with the nearest allowed name', async () => {
    const text = `rules:\n${ruleYaml('r1', '    Actoins: []\n    Zzzzzz: 1\n')}`;
    const { problems, file } = await check(text);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems).toEqual([
      {
        severity: 'error',
        message: "unknown field 'Actoins' in rules[0]; did you mean 'Actions'?",
        pos: at(file, full, 'Actoins'),
        path: 'rules[0].Actoins',
      },
      {
        severity: 'error',
        message: "unknown field 'Zzzzzz' in rules[0]",
        hint: 'allowed: Name, TriggerEventSource, Function, Actions, PublishStatus, PreEvaluationFilters, Tags, lifecycle, onlyTargets, exceptTargets',
        pos: at(file, full, 'Zzzzzz'),
        path: 'rules[0].Zzzzzz',
      },
    ]);
  });

  it('lists enum values and suggests the nearest one', async () => {
    const text = `rules:\n${ruleYaml('r1').replace('OnPostCallAnalysisAvailable', 'OnPostCallAnalysis')}`;
    const { problems, file } = await check(text);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(
      /^rules\[0\]\.TriggerEventSource\.EventSourceName: must be one of OnPostCallAnalysisAvailable, OnRealTimeCallAnalysisAvailable, .*, OnAfterChatWorkAvailable \(got 'OnPostCallAnalysis'\); did you mean 'OnPostCallAnalysisAvailable'\?$/,
    );
    expect(problems[0].pos).toEqual(at(file, `${TARGETS_YAML}${text}`, 'OnPostCallAnalysis'));
  });

  it('reports a missing required field at its parent mapping', async () => {
    const text = `rules:\n${ruleYaml('r1').replace('          Name: ev\n', '          Nam: ev\n')}`;
    const { problems, file } = await check(text);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems.map((p) => [p.message, p.pos])).toEqual([
      ["rules[0].Actions[0].EventBridgeAction: missing required field 'Name'", at(file, full, 'Nam: ev')],
      ["unknown field 'Nam' in rules[0].Actions[0].EventBridgeAction; did you mean 'Name'?", at(file, full, 'Nam: ev')],
    ]);
  });

  it('accepts a flow id or { name } and explains anything else once', async () => {
    const flow = (value: string) =>
      `  - Name: t${value.length}\n    ContactFlowId: ${value}\n    Fields: [{ Id: { Name: f } }]\n`;
    const text = `taskTemplates:\n${flow('abc-123')}${flow('{ name: Main }')}${flow('42')}${flow('{ name: 5 }')}${flow('{ nme: Main }')}`;
    const { problems, file } = await check(text);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems.map((p) => [p.message, p.pos])).toEqual([
      [
        'taskTemplates[2].ContactFlowId: must be a string (contact flow id) or a mapping (contact flow name reference)',
        at(file, full, '42'),
      ],
      ['taskTemplates[3].ContactFlowId.name: must be a string (got an integer)', at(file, full, '5 }')],
      ["taskTemplates[4].ContactFlowId: missing required field 'name'", at(file, full, '{ nme')],
      ["unknown field 'nme' in taskTemplates[4].ContactFlowId; did you mean 'name'?", at(file, full, 'nme')],
    ]);
  });

  it('checks lengths, patterns, map keys and list sizes from the model', async () => {
    const text = `customActions:
  - ActionName: "bad name!"
    Definition: { CommandText: "" }
    Attachments:
      - Variables: { "": x }
        Criteria: []
lexChannelAssociations:
  - { name: Slack, botName: B, botAlias: prod, type: Slack, status: CREATED }
`;
    const { problems } = await check(text);
    expect(messages(problems)).toEqual([
      "customActions[0].ActionName: must match ^(?:[a-zA-Z0-9_-]{1,64})$ (got 'bad name!')",
      'customActions[0].Definition.CommandText: must be at least 1 character long (got 0)',
      "customActions[0].Definition.CommandText: must match ^(?:[\\S\\s]+)$ (got '')",
      "customActions[0].Attachments[0].Variables: key '' must be at least 1 character long",
      "customActions[0].Attachments[0].Variables: key '' must match ^(?:[A-Za-z0-9-_]+)$",
      'customActions[0].Attachments[0].Criteria: must have at least 1 item (got 0)',
      'lexChannelAssociations[0].botName: must be at least 2 characters long (got 1)',
      "unknown field 'status' in lexChannelAssociations[0]",
    ]);
  });

  it('validates lifecycle: shape, ignoreChanges fields, renamedFrom', async () => {
    const text = `rules:
${ruleYaml('r1', '    lifecycle: { preventDestroy: yes, bogus: 1 }\n')}${ruleYaml('r2', '    lifecycle: { ignoreChanges: [Functoin, Actions.0.Name] }\n')}${ruleYaml('r3', '    lifecycle: { renamedFrom: r2 }\n')}${ruleYaml('r4', '    lifecycle: { renamedFrom: r4 }\n')}${ruleYaml('r5', '    lifecycle: { renamedFrom: old }\n')}${ruleYaml('r6', '    lifecycle: { renamedFrom: old }\n')}`;
    const { problems, file } = await check(text);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems[0].hint).toBe("write true or false; YAML 1.2 reads 'yes' as text");
    expect(problems.map((p) => [p.message, p.pos])).toEqual([
      ['rules[0].lifecycle.preventDestroy: must be true or false (got a string)', at(file, full, 'yes')],
      ["unknown field 'bogus' in rules[0].lifecycle", at(file, full, 'bogus')],
      [
        "rules[1].lifecycle.ignoreChanges[0]: unknown field 'Functoin'; did you mean 'Function'?",
        at(file, full, 'Functoin'),
      ],
      [
        `rules[2].lifecycle.renamedFrom: 'r2' is still declared at ${file}:${at(file, full, 'Name: r2').line}:${at(file, full, 'Name: r2').col}`,
        at(file, full, 'r2 }'),
      ],
      ["rules[3].lifecycle.renamedFrom: 'r4' is this resource's own name", at(file, full, 'r4 }')],
      [
        `rules[5].lifecycle.renamedFrom: 'old' is already being renamed at ${file}:${at(file, full, 'Name: r5').line}:${at(file, full, 'Name: r5').col}`,
        at(file, full, 'old }', 2),
      ],
    ]);
  });
});

describe('validateResources: ignoreChanges entries', () => {
  it('refuses a position on a list keyed by identity and a malformed entry, each at its place', async () => {
    const text = `rules:\n${ruleYaml('r1', `    lifecycle: { ignoreChanges: ['Actions[0]', 'Actions[ActionType="CREATE_TASK"].TaskAction.Description', 'Actions[ActionType=CREATE_TASK]'] }\n`)}`;
    // The real rule kind: its list declarations are what the check reads.
    const { config, file } = await loadText(`${TARGETS_YAML}${text}`);
    const problems = validateResources(resolveTarget(config, undefined, {}).resources, [ruleKind]);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems.map((p) => [p.message, p.pos])).toEqual([
      [
        `rules[0].lifecycle.ignoreChanges[0]: 'Actions[0]': elements of Actions are addressed by ActionType and the action's name member, not by position (e.g. Actions[ActionType="CREATE_TASK",TaskAction.Name="Follow up"]); leave the position out to ignore every element`,
        at(file, full, "'Actions[0]'"),
      ],
      [
        `rules[0].lifecycle.ignoreChanges[2]: 'Actions[ActionType=CREATE_TASK]' is not a field path: expected a quoted value at character 20`,
        at(file, full, "'Actions[ActionType=CREATE_TASK]'"),
      ],
    ]);
  });
});

describe('validateResources: audit, duplicates, order', () => {
  it("runs the kind's audit for every item, also one the schema rejected", async () => {
    const text = `rules:\n${ruleYaml('forbidden-1')}${ruleYaml('forbidden-2', '    Extra: 1\n')}`;
    const { problems, file } = await check(text);
    const full = `${TARGETS_YAML}${text}`;
    expect(problems.map((p) => [p.message, p.pos])).toEqual([
      ["rules: names may not start with 'forbidden'", at(file, full, 'forbidden-1')],
      ["rules: names may not start with 'forbidden'", at(file, full, 'forbidden-2')],
      ["unknown field 'Extra' in rules[1]", at(file, full, 'Extra')],
    ]);
  });

  it('turns an audit that throws into a problem, unless the schema already rejected the item', async () => {
    const { config } = await loadText(`${TARGETS_YAML}rules:\n${ruleYaml('r1')}${ruleYaml('r2', '    Extra: 1\n')}`);
    const { resources } = resolveTarget(config, undefined, {});
    const broken: KindLike = {
      ...FAKE_KINDS[0],
      audit: () => {
        throw new Error('boom');
      },
    };
    expect(messages(validateResources(resources, [broken]))).toEqual([
      'rules[0]: internal error while checking it: boom',
      "unknown field 'Extra' in rules[1]",
    ]);
  });

  it('reports a duplicate name across files at the second, naming the first', async () => {
    const dir = tempConfig({
      'a.yaml': `${TARGETS_YAML}rules:\n${ruleYaml('same')}`,
      'b.yaml': `rules:\n${ruleYaml('other')}${ruleYaml('same')}`,
    });
    const config = await loadConfig(dir);
    const { resources } = resolveTarget(config, undefined, {});
    expect(validateResources(resources, FAKE_KINDS)).toEqual([
      {
        severity: 'error',
        message: `rules[1]: duplicate rule 'same'; first declared at ${join(dir, 'a.yaml')}:6:5`,
        hint: 'names identify resources within a target: rename or remove one',
        pos: { file: join(dir, 'b.yaml'), line: 11, col: 11 },
        path: 'rules[1]',
      },
    ]);
  });

  it('returns every problem of every file at once, sorted by file, line, column', async () => {
    const dir = tempConfig({
      'b.yaml': `rules:\n${ruleYaml('r1', '    Bad: 1\n')}${ruleYaml('r2', '    Bad: 1\n')}`,
      'a.yaml': `${TARGETS_YAML}taskTemplates:\n  - { Name: t }\n  - { Name: u, Fields: 1 }\n`,
    });
    const config = await loadConfig(dir);
    const { resources } = resolveTarget(config, undefined, {});
    const problems = validateResources(resources, FAKE_KINDS);
    expect(problems.map((p) => `${p.pos!.file.slice(dir.length + 1)}:${p.pos!.line}:${p.pos!.col}`)).toEqual([
      'a.yaml:6:5',
      'a.yaml:7:24',
      'b.yaml:11:5',
      'b.yaml:21:5',
    ]);
  });
});

describe('validateDocument (through loadConfig)', () => {
  it('checks targets, settings and top-level keys with suggestions', async () => {
    const text = `targets:
  "bad name": { region: us-east-1, instanceId: i }
  dev: { region: us-east-1, instanceID: i, vars: { ok: 1, nested: { fine: [1], no: ~ } } }
settings:
  prune: [rule, rules]
  destroyThreshold: { percent: 130 }
  quotas:
    "connect:ListRule": { ratePerSecond: 1, burst: 1 }
    "connect:*": { ratePerSecond: 1 }
taskTemplate: []
`;
    const { config, file } = await loadText(text);
    expect(config.problems.map((p) => [p.message, p.pos])).toEqual([
      ["targets: key 'bad name' must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$", at(file, text, '"bad name"')],
      ["targets.dev: missing required field 'instanceId'", at(file, text, '{ region: us-east-1, instanceID')],
      ["unknown field 'instanceID' in targets.dev; did you mean 'instanceId'?", at(file, text, 'instanceID')],
      [
        'targets.dev.vars.nested.no: must be a string or a number or true or false or a list or a mapping (got empty)',
        at(file, text, '~'),
      ],
      [
        "settings.prune[1]: must be one of rule, taskTemplate, customAction, lexChannelAssociation (got 'rules'); did you mean 'rule'?",
        at(file, text, 'rules]'),
      ],
      ['settings.destroyThreshold.percent: must be <= 100 (got 130)', at(file, text, '130')],
      [
        "settings.quotas: key 'connect:ListRule' must be one of 41 values; did you mean 'connect:ListRules'?",
        at(file, text, '"connect:ListRule"'),
      ],
      ['settings.quotas["connect:*"]: missing required field \'burst\'', at(file, text, '{ ratePerSecond: 1 }')],
      ["unknown top-level key 'taskTemplate'; did you mean 'taskTemplates'?", at(file, text, 'taskTemplate:')],
    ]);
  });

  it('requires the document and its lists to have the right shape', async () => {
    const list = await loadText('- a\n- b\n');
    expect(messages(list.config.problems)).toEqual(['document: must be a mapping or empty (got a list)']);
    const items = await loadText('rules: [1, { Name: x }]\ncustomActions: {}\nlexChannelAssociations:\n');
    expect(messages(items.config.problems)).toEqual([
      'rules[0]: must be a mapping (got an integer)',
      'customActions: must be a list or empty (got a mapping)',
    ]);
    expect(items.config.items).toHaveLength(1);
  });
});

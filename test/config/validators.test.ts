import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { renderValidatorFiles, validatorsDir } from '../../src/config/generate-validators.js';
import { precompiledValidator } from '../../src/config/precompiled.js';
import { compilableSchema, CONFIG_AJV_OPTIONS, documentShellSchema } from '../../src/config/validate.js';
import { allKinds, kindByName } from '../../src/kinds/index.js';
import { itemSchema } from '../../src/kinds/schema.js';
import { exampleFunction } from '../helpers/rule-function.js';

const schemas = () => [
  { name: 'document', schema: compilableSchema(documentShellSchema()) },
  ...allKinds().map((k) => ({ name: k.name, schema: compilableSchema(itemSchema(k)) })),
];

describe('precompiled validators', () => {
  it('validators/ holds exactly what the generator produces now (run `npm run schemas` after a schema change)', () => {
    const expected = renderValidatorFiles();
    expect(readdirSync(validatorsDir()).sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(readFileSync(join(validatorsDir(), name), 'utf8'), name).toBe(text);
  });

  it('there is one for the document shell and every kind, and none for a schema that differs at all', () => {
    for (const { name, schema } of schemas()) expect(precompiledValidator(schema), name).toBeTypeOf('function');
    const rule = compilableSchema(itemSchema(kindByName('rule')!));
    expect(precompiledValidator({ ...rule, description: `${String(rule.description)}.` })).toBeUndefined();
    expect(precompiledValidator({ ...rule, required: [] })).toBeUndefined();
  });

  it('reports the very errors ajv compiling the schema at runtime does', () => {
    const ajv = new Ajv(CONFIG_AJV_OPTIONS);
    const rule = {
      Name: 'bad name',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: exampleFunction('OnPostCallAnalysisAvailable'),
      PublishStatus: 'PUBLISHED',
      Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'ok' } }],
    };
    const bad: Record<string, unknown[]> = {
      document: [
        { targets: { 'bad name': { region: 1 } }, settings: { prune: 'yes', parallelism: 0, quotas: { 'x:y': {} } } },
        { rules: {}, unknown: true },
        'text',
      ],
      rule: [
        rule,
        { ...rule, Name: '', PublishStatus: 'LIVE', Extra: 1, Tags: { '': 'x' } },
        { ...rule, Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 'n', ContactFlowId: { name: 1 } } }] },
        { lifecycle: { ignoreChanges: 'Name' }, onlyTargets: [] },
      ],
      taskTemplate: [{ Name: 'x', Fields: [{ Id: { Name: 1 }, Type: 'NOPE' }], Status: 'on' }],
      customAction: [{ ActionName: 'a', Definition: { CommandText: 5 }, ChatConfigurations: [{ nom: 'x' }, 'arn'] }],
      lexChannelAssociation: [{ name: 'x'.repeat(200), type: 'Teams', botConfiguration: [] }],
    };
    let failures = 0;
    for (const { name, schema } of schemas()) {
      const runtime = ajv.compile(schema);
      const precompiled = precompiledValidator(schema)!;
      for (const data of bad[name] ?? []) {
        expect(precompiled(data), name).toBe(runtime(data));
        expect(precompiled.errors, name).toEqual(runtime.errors);
        if (runtime.errors?.length) failures++;
      }
    }
    expect(failures).toBe(Object.values(bad).flat().length);
  });
});

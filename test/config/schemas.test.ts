import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  anchoredPattern,
  buildDocumentSchema,
  buildKindSchema,
  editorSchema,
  plainText,
  renderSchemaFiles,
  schemasDir,
  type JsonSchema,
} from '../../src/config/generate-schemas.js';
import { kindNames } from '../../src/kinds/index.js';
import { FIXTURE_DIR } from './helpers.js';
import { exampleFunction } from '../helpers/rule-function.js';

type S = JsonSchema & {
  properties: Record<string, S>;
  items: S;
  oneOf: S[];
  additionalProperties: S | boolean;
  required?: string[];
};
const props = (kind: Parameters<typeof buildKindSchema>[0]) => (buildKindSchema(kind) as S).properties;

/** Every subschema, with its JSON-pointer-ish location. */
function* walk(schema: unknown, at = '#'): Generator<[string, JsonSchema]> {
  if (!schema || typeof schema !== 'object') return;
  if (!Array.isArray(schema)) yield [at, schema as JsonSchema];
  for (const [k, v] of Object.entries(schema)) if (v && typeof v === 'object') yield* walk(v, `${at}/${k}`);
}

describe('generated schemas', () => {
  it('schemas/ holds exactly what the generator produces now (run `npm run schemas` after a model change)', () => {
    const expected = renderSchemaFiles();
    const committed = readdirSync(schemasDir())
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    expect(committed).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(readFileSync(join(schemasDir(), name), 'utf8'), name).toBe(text);
  });

  it('the schema files compile under ajv, the document schema with its $refs resolved', () => {
    const files = renderSchemaFiles();
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const kind of kindNames()) ajv.addSchema(JSON.parse(files.get(`${kind}.schema.json`)!));
    const validate = ajv.compile(JSON.parse(files.get('connectform.schema.json')!));
    // What an editor sees: the fixture files as written, before interpolation, are fine.
    for (const file of readdirSync(FIXTURE_DIR).filter((f) => /\.ya?ml$/.test(f))) {
      const doc = parse(readFileSync(join(FIXTURE_DIR, file), 'utf8'), { merge: true });
      expect(validate(doc) ? [] : validate.errors, file).toEqual([]);
    }
    expect(validate({ rules: [{ Name: 'x' }] })).toBe(false);
    expect(
      validate({
        rules: [
          {
            Name: 'bad name',
            Function: exampleFunction('OnCaseCreate'),
            Actions: [],
            PublishStatus: 'DRAFT',
            TriggerEventSource: { EventSourceName: 'OnCaseCreate' },
          },
        ],
      }),
    ).toBe(false);
  });

  it('editor files accept ${var.x} where the strict runtime schema needs the interpolated value', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const strict = ajv.compile({ ...buildKindSchema('rule'), $id: undefined });
    const editor = ajv.compile({ ...editorSchema(buildKindSchema('rule')), $id: undefined });
    const rule = {
      Name: 'escalate-${var.env}',
      TriggerEventSource: { EventSourceName: '${var.source}' },
      Function: exampleFunction('OnPostCallAnalysisAvailable'),
      PublishStatus: 'DRAFT',
      Actions: [
        {
          ActionType: 'ASSIGN_SLA',
          AssignSlaAction: {
            SlaAssignmentType: 'CASES',
            CaseSlaConfiguration: { Name: 'n', Type: 'CaseField', TargetSlaMinutes: '${var.sla}' },
          },
        },
      ],
    };
    expect(editor(rule) ? [] : editor.errors).toEqual([]);
    expect(strict(rule)).toBe(false);
    expect(editor({ ...rule, PublishStatus: 'LIVE' })).toBe(false);
    expect(editor({ ...rule, Name: 'has space' })).toBe(false);
    // Lists and mappings may be one whole ${var.x} (vars hold lists and maps); a resource item may not.
    const notify = {
      ActionType: 'SEND_NOTIFICATION',
      SendNotificationAction: {
        DeliveryMethod: 'EMAIL',
        Content: 'c',
        ContentType: 'PLAIN_TEXT',
        Recipient: { UserIds: '${var.oncall}' },
      },
    };
    expect(editor({ ...rule, Actions: [notify], Tags: '${var.tags}' }) ? [] : editor.errors).toEqual([]);
    expect(editor({ ...rule, Actions: '${var.actions}' })).toBe(true);
    expect(editor({ ...rule, Actions: 'a-${var.actions}' })).toBe(false);
    expect(editor('${var.rule}')).toBe(false);
  });

  it('anchors every model pattern and each compiles with the unicode flag', () => {
    for (const kind of kindNames()) {
      for (const [at, s] of walk(buildKindSchema(kind))) {
        if (typeof s.pattern !== 'string') continue;
        expect(s.pattern, at).toMatch(/^\^.*\$$/);
        expect(() => new RegExp(s.pattern as string, 'u'), at).not.toThrow();
      }
    }
    expect(anchoredPattern('[a-z]+')).toEqual({ pattern: '^(?:[a-z]+)$' });
    expect(anchoredPattern('^a|b$')).toEqual({ pattern: '^(?:^a|b$)$' });
    expect(anchoredPattern('^[a-z]+$')).toEqual({ pattern: '^[a-z]+$' });
    expect(anchoredPattern('(?<x>a)\\k<y>')).toMatchObject({
      $comment: expect.stringContaining('not a JavaScript regular expression'),
    });
  });

  it('rule: CreateRuleRequest without InstanceId/ClientToken, with the SDK-newer fields', () => {
    const rule = buildKindSchema('rule') as S;
    expect(rule).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://connectform.dev/schemas/rule.schema.json',
      title: 'Amazon Connect rule',
      additionalProperties: false,
    });
    expect(Object.keys(rule.properties)).toEqual([
      'Name',
      'TriggerEventSource',
      'Function',
      'Actions',
      'PublishStatus',
      'PreEvaluationFilters',
      'Tags',
      'lifecycle',
      'onlyTargets',
      'exceptTargets',
    ]);
    expect(rule.required).toEqual(['Name', 'TriggerEventSource', 'Function', 'Actions', 'PublishStatus']);
    const action = rule.properties.Actions.items;
    expect(action.properties.ActionType.enum).toContain('EXTRACT_INFORMATION');
    expect(action.properties.ExtractInformationAction.required).toEqual(['RulesExtractionDefinitions']);
    expect(rule.properties.TriggerEventSource.properties.EventSourceName.enum).toContain('OnAfterCallWorkAvailable');
    expect(rule.properties.Name).toMatchObject({
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'A unique name for the rule.',
    });
  });

  it('accepts a flow id or { name } at every ContactFlowId position', () => {
    const ref = (s: S) => s.oneOf.map((b) => b.type);
    expect(ref(props('rule').Actions.items.properties.TaskAction.properties.ContactFlowId)).toEqual([
      'string',
      'object',
    ]);
    expect(ref(props('taskTemplate').ContactFlowId)).toEqual(['string', 'object']);
    expect(ref(props('taskTemplate').SelfAssignFlowId)).toEqual(['string', 'object']);
    expect(props('taskTemplate').ContactFlowId.oneOf[1]).toMatchObject({
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 } },
    });
    expect(props('taskTemplate').ContactFlowId.oneOf[0]).toMatchObject({ type: 'string', maxLength: 500 });
  });

  it('taskTemplate: without InstanceId/ClientToken, plus Tags', () => {
    expect(Object.keys(props('taskTemplate'))).toEqual([
      'Name',
      'Description',
      'ContactFlowId',
      'SelfAssignFlowId',
      'Constraints',
      'Defaults',
      'Status',
      'Fields',
      'Tags',
      'lifecycle',
      'onlyTargets',
      'exceptTargets',
    ]);
    expect(props('taskTemplate').Tags).toMatchObject({
      type: 'object',
      minProperties: 1,
      maxProperties: 50,
      propertyNames: { minLength: 1, maxLength: 128 },
    });
  });

  it('customAction: CreateCustomActionRequest without ClientToken, plus ChatConfigurations', () => {
    expect(Object.keys(props('customAction'))).toEqual([
      'Definition',
      'AliasName',
      'Attachments',
      'Tags',
      'ActionName',
      'ChatConfigurations',
      'lifecycle',
      'onlyTargets',
      'exceptTargets',
    ]);
    // An ARN, or { name } of a chat configuration (names instead of ids, issue 21).
    const [arn, byName] = (props('customAction').ChatConfigurations.items as { oneOf: S[] }).oneOf;
    expect(arn).toMatchObject({
      type: 'string',
      minLength: 19,
      maxLength: 1169,
      pattern: expect.stringMatching(/^\^\(\?:arn:aws:/),
    });
    expect(byName).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect((buildKindSchema('customAction') as S).required).toEqual(['Definition', 'ActionName']);
  });

  it('lexChannelAssociation: the declarable fields of BotChannelAssociation only', () => {
    expect(Object.keys(props('lexChannelAssociation'))).toEqual([
      'name',
      'description',
      'botAlias',
      'botName',
      'type',
      'botConfiguration',
      'lifecycle',
      'onlyTargets',
      'exceptTargets',
    ]);
    expect((buildKindSchema('lexChannelAssociation') as S).required).toEqual(['name', 'botName', 'botAlias', 'type']);
    expect(props('lexChannelAssociation').type.enum).toEqual(['Facebook', 'Slack', 'Twilio-Sms', 'Kik']);
  });

  it('every item schema allows lifecycle, onlyTargets and exceptTargets, and structures are closed', () => {
    for (const kind of kindNames()) {
      expect(props(kind).lifecycle.properties).toHaveProperty('ignoreChanges');
      for (const key of ['onlyTargets', 'exceptTargets'])
        expect(props(kind)[key]).toMatchObject({ type: 'array', items: { type: 'string' }, minItems: 1 });
      for (const [at, s] of walk(buildKindSchema(kind)))
        if (s.type === 'object' && s.properties) expect(s.additionalProperties, at).toBe(false);
    }
  });

  it('descriptions are plain, short text', () => {
    expect(plainText('<p>Use the <a href="x">Rules &amp; Function</a> language.</p> <p>More.</p>')).toBe(
      'Use the Rules & Function language. More.',
    );
    expect(plainText(`<p>${'word '.repeat(100)}</p>`)!.length).toBeLessThanOrEqual(303);
    for (const kind of kindNames()) {
      for (const [at, s] of walk(buildKindSchema(kind))) {
        if (typeof s.description === 'string') expect(s.description, at).not.toMatch(/<\/?[a-z]+[^>]*>/);
      }
    }
  });

  it('the document schema lists targets, settings and the four kinds by relative $ref', () => {
    const doc = buildDocumentSchema() as S;
    expect(Object.keys(doc.properties)).toEqual([
      'targets',
      'settings',
      'rules',
      'taskTemplates',
      'customActions',
      'lexChannelAssociations',
    ]);
    expect(doc.properties.rules.items).toEqual({ $ref: 'rule.schema.json' });
    expect(doc.$id).toBe('https://connectform.dev/schemas/connectform.schema.json');
  });
});

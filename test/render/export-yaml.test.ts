/**
 * The export renderer on its own: it writes the data it is given (no kinds, no AWS), and every
 * text it returns reads back as that data.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ExportResult } from '../../src/engine/export.js';
import { EXPORT_MARKER, exportFileName, renderDocument, renderFiles } from '../../src/render/export-yaml.js';

const OPTIONS = { schemaRef: 'schemas/connectform.schema.json' };

function result(items: Record<string, unknown>[]): ExportResult {
  return {
    targets: ['prod'],
    kinds: [{ kind: 'rule', configKey: 'rules', items }],
    skipped: [{ kind: 'customAction', reason: 'AccessDenied\nmore' }],
    notes: [],
    vars: {},
  };
}

describe('export YAML', () => {
  it('starts with the editor line and the marker, and says what was skipped', () => {
    const lines = renderDocument(result([]), OPTIONS).split('\n');
    expect(lines[0]).toBe('# yaml-language-server: $schema=schemas/connectform.schema.json');
    expect(lines[1]).toBe(`${EXPORT_MARKER}. Live state of target "prod".`);
    expect(lines[2]).toBe('# Not exported: customAction (AccessDenied).');
  });

  it('writes short maps of scalars inside a resource on one line, resources and long maps as blocks', () => {
    const long = 'x'.repeat(60);
    const text = renderDocument(
      result([
        {
          Name: 'r',
          TriggerEventSource: { EventSourceName: 'OnMetricDataUpdate' },
          Actions: [{ ActionType: 'X', EventBridgeAction: { Name: 'e' } }],
          Tags: { note: long },
        },
      ]),
      OPTIONS,
    );
    expect(text).toContain('rules:\n  - Name: r\n    TriggerEventSource: { EventSourceName: OnMetricDataUpdate }\n');
    expect(text).toContain('    Actions:\n      - { ActionType: X, EventBridgeAction: { Name: e } }\n');
    expect(text).toContain(`    Tags:\n      note: ${long}\n`);
  });

  it('keeps a __proto__ key as data through the read-back check', () => {
    const tags = Object.fromEntries([
      ['__proto__', 'x'],
      ['team', 'care'],
    ]);
    const text = renderDocument(result([{ Name: 'r', Tags: tags }]), OPTIONS);
    const back = parse(text).rules[0].Tags;
    expect(Object.keys(back)).toEqual(['__proto__', 'team']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('names one file per kind plus targets.yaml, settings only when there are any', () => {
    const files = renderFiles(
      result([]),
      { targets: { prod: { region: 'us-east-2' } }, settings: {}, notes: [] },
      OPTIONS,
    );
    expect(files.map((f) => [f.name, f.kind, f.count])).toEqual([
      [exportFileName('rules'), 'rule', 0],
      ['targets.yaml', 'targets', 1],
    ]);
    expect(exportFileName('lexChannelAssociations')).toBe('lex-channel-associations.yaml');
    expect(parse(files[1].text)).toEqual({ targets: { prod: { region: 'us-east-2' } } });
  });
});

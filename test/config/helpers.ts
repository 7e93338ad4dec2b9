/** Shared by the config tests: temp config dirs, expected positions, fake kinds. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import type { KindLike } from '../../src/config/validate.js';
import { ConfigError, type Problem, type SourcePos } from '../../src/errors.js';
import { kindByName } from '../../src/kinds/index.js';
import type { Body, KindName } from '../../src/kinds/types.js';
import { fnMapping } from '../helpers/rule-function.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/config', import.meta.url));

/** A fresh directory holding `files`; returns its path. */
export function tempConfig(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectform-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** 1-based line/col of the `occurrence`-th `needle` in `text` (positions are tested exactly). */
export function at(file: string, text: string, needle: string, occurrence = 1): SourcePos {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' not found ${occurrence} times`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { file, line, col: index - before.lastIndexOf('\n') };
}

/** loadConfig must fail: the problems it threw. */
export async function loadFailure(path: string | string[]): Promise<Problem[]> {
  try {
    await loadConfig(path);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** Load a single-file config from text. */
export async function loadText(text: string, name = 'config.yaml'): Promise<{ config: LoadedConfig; file: string }> {
  const dir = tempConfig({ [name]: text });
  const file = join(dir, name);
  return { config: await loadConfig(file), file };
}

export const messages = (problems: Problem[]) => problems.map((p) => p.message);

/** Kinds with the real generated schemas and a toy audit, so these tests don't depend on src/kinds. */
function fakeKind(name: KindName, configKey: string, keyField: string): KindLike {
  return {
    name,
    configKey,
    schemaSpec: kindByName(name)!.schemaSpec,
    key: (b: Body) => String(b[keyField]),
    audit: (d) =>
      typeof d.body[keyField] === 'string' && (d.body[keyField] as string).startsWith('forbidden')
        ? [
            {
              severity: 'error',
              message: `${configKey}: names may not start with 'forbidden'`,
              pos: d.positionOf([keyField]),
            },
          ]
        : [],
  };
}

export const FAKE_KINDS: KindLike[] = [
  fakeKind('rule', 'rules', 'Name'),
  fakeKind('taskTemplate', 'taskTemplates', 'Name'),
  fakeKind('customAction', 'customActions', 'ActionName'),
  fakeKind('lexChannelAssociation', 'lexChannelAssociations', 'name'),
];

/** A minimal valid rule, as YAML lines indented for a `rules:` list item. */
export function ruleYaml(name: string, extra = ''): string {
  return `  - Name: ${name}
    TriggerEventSource:
      EventSourceName: OnPostCallAnalysisAvailable
    Function: ${fnMapping()}
    Actions:
      - ActionType: GENERATE_EVENTBRIDGE_EVENT
        EventBridgeAction:
          Name: ev
    PublishStatus: DRAFT
${extra}`;
}

export const TARGETS_YAML = `targets:
  dev:
    region: us-east-1
    instanceId: 11111111-2222-3333-4444-555555555555
`;

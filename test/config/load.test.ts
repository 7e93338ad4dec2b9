import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, MAX_ALIAS_BYTES, MAX_DEPTH } from '../../src/config/load.js';
import type { Problem } from '../../src/errors.js';
import { FIXTURE_DIR, at, loadFailure, loadText, messages, tempConfig, TARGETS_YAML, ruleYaml } from './helpers.js';
import { exampleFunctionJson, fnString } from '../helpers/rule-function.js';

describe('loadConfig: files and merging', () => {
  it('reads a directory of *.yaml and *.yml, sorted, and concatenates lists in file order', async () => {
    const config = await loadConfig(FIXTURE_DIR);
    expect(config.files.map((f) => f.slice(FIXTURE_DIR.length + 1))).toEqual([
      '00-targets.yaml',
      '10-rules.yaml',
      '20-task-templates.yaml',
      '30-chat.yml',
    ]);
    expect(config.targets.map((t) => t.name)).toEqual(['staging', 'prod']);
    expect(config.items.map((i) => `${i.label}@${i.file.slice(FIXTURE_DIR.length + 1)}`)).toEqual([
      'rules[0]@10-rules.yaml',
      'rules[1]@10-rules.yaml',
      'taskTemplates[0]@20-task-templates.yaml',
      'customActions[0]@30-chat.yml',
      'lexChannelAssociations[0]@30-chat.yml',
    ]);
    expect(config.declaredKinds).toEqual(['rule', 'taskTemplate', 'customAction', 'lexChannelAssociation']);
    expect(config.settings).toEqual({
      prune: ['rule', 'taskTemplate'],
      parallelism: 4,
      destroyThreshold: { percent: 25, minResources: 8 },
      quotas: { 'connect:*': { ratePerSecond: 2, burst: 5 }, 'connect:ListRules': { ratePerSecond: 1, burst: 1 } },
    });
    expect(config.problems).toEqual([]);
  });

  it('does not descend into subdirectories and merges several paths', async () => {
    const dir = tempConfig({ 'a.yaml': TARGETS_YAML, 'notes.txt': 'not: [yaml' });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.yaml'), `rules:\n${ruleYaml('sub')}`);
    const only = await loadConfig(dir);
    expect(only.items).toHaveLength(0);
    const both = await loadConfig([dir, join(dir, 'sub', 'b.yaml'), join(dir, 'a.yaml')]);
    expect(both.files).toHaveLength(2); // a.yaml named twice counts once
    expect(both.items.map((i) => i.body.Name)).toEqual(['sub']);
  });

  it('keeps the raw body without lifecycle, and the lifecycle as written', async () => {
    const { config } = await loadText(
      `rules:\n${ruleYaml('r1', '    lifecycle: { preventDestroy: true, ignoreChanges: [Function] }\n')}`,
    );
    const [item] = config.items;
    expect(item.kind).toBe('rule');
    expect(item.body).not.toHaveProperty('lifecycle');
    expect(item.body.Name).toBe('r1');
    expect(item.rawLifecycle).toEqual({ preventDestroy: true, ignoreChanges: ['Function'] });
  });

  it('maps paths to exact positions: values, keys, nearest parent for missing keys', async () => {
    const text = `${TARGETS_YAML}rules:\n${ruleYaml('first')}${ruleYaml('second')}`;
    const { config, file } = await loadText(text);
    const second = config.items[1];
    expect(second.pos).toEqual(at(file, text, 'Name: second'));
    expect(second.positionOf(['Name'])).toEqual(at(file, text, 'second'));
    expect(second.keyPositionOf(['Name'])).toEqual(at(file, text, 'Name: second'));
    const evKey = at(file, text, 'Name: ev', 2);
    expect(second.positionOf(['Actions', 0, 'EventBridgeAction', 'Name'])).toEqual({
      ...evKey,
      col: evKey.col + 'Name: '.length,
    });
    // a missing key: the parent mapping
    expect(second.positionOf(['Actions', 0, 'TaskAction', 'Name'])).toEqual(at(file, text, 'ActionType', 2));
    expect(second.positionOf(['Actions', 7])).toEqual(at(file, text, '- ActionType', 2));
    expect(config.targets[0].positionOf(['region'])).toEqual(at(file, text, 'us-east-1'));
    expect(config.targets[0].pos).toEqual(at(file, text, 'dev:'));
  });

  it('an empty or comment-only file is an empty config', async () => {
    const dir = tempConfig({ 'a.yaml': '', 'b.yaml': '# nothing yet\n' });
    const config = await loadConfig(dir);
    expect(config).toMatchObject({ targets: [], items: [], settings: {}, declaredKinds: [], problems: [] });
  });

  it('allows anchors and merge keys; explicit keys win over merged ones', async () => {
    const text = `rules:
  - &base
    Name: one
    Function: ${fnString()}
    PublishStatus: DRAFT
  - <<: *base
    Name: two
`;
    const { config, file } = await loadText(text);
    expect(config.items.map((i) => i.body)).toEqual([
      { Name: 'one', Function: exampleFunctionJson('OnPostCallAnalysisAvailable'), PublishStatus: 'DRAFT' },
      { Name: 'two', Function: exampleFunctionJson('OnPostCallAnalysisAvailable'), PublishStatus: 'DRAFT' },
    ]);
    // a merged value's position is where it is written (inside the anchor)
    expect(config.items[1].positionOf(['Function'])).toEqual(at(file, text, fnString()));
  });

  it('the same target in two files is an error at the second, naming the first', async () => {
    const dir = tempConfig({ 'a.yaml': TARGETS_YAML, 'b.yaml': TARGETS_YAML });
    const config = await loadConfig(dir);
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toMatchObject({
      severity: 'error',
      message: `target 'dev' is defined twice; first at ${join(dir, 'a.yaml')}:2:3`,
      pos: { file: join(dir, 'b.yaml'), line: 2, col: 3 },
    });
    expect(config.targets).toHaveLength(1);
  });

  it('settings in more than one file is an error at the second', async () => {
    const dir = tempConfig({
      'a.yaml': 'settings: { parallelism: 2 }\n',
      'b.yaml': '\nsettings: { parallelism: 3 }\n',
    });
    const config = await loadConfig(dir);
    expect(config.settings).toEqual({ parallelism: 2 });
    expect(config.problems).toMatchObject([
      {
        message: expect.stringMatching(/^settings are declared in more than one file; first at .*a\.yaml:1:1$/),
        pos: { file: join(dir, 'b.yaml'), line: 2, col: 1 },
      },
    ]);
  });

  it('reports document problems without throwing', async () => {
    const { config, file } = await loadText('targets:\n  dev: { region: us-east-1 }\nrule: []\n');
    expect(config.problems).toEqual([
      {
        severity: 'error',
        message: "targets.dev: missing required field 'instanceId'",
        pos: { file, line: 2, col: 8 },
        path: 'targets.dev',
      },
      {
        severity: 'error',
        message: "unknown top-level key 'rule'; did you mean 'rules'?",
        pos: { file, line: 3, col: 1 },
        path: 'rule',
      },
    ]);
  });
});

describe('loadConfig: hostile and broken input', () => {
  it('reports every YAML syntax error of every file at once, positioned', async () => {
    const dir = tempConfig({
      'a.yaml': 'rules: [1, 2\nb: : c\n',
      'b.yaml': 'targets:\n\tdev: 1\n',
      'c.yaml': TARGETS_YAML,
    });
    const problems = await loadFailure(dir);
    const files = new Set(problems.map((p) => p.pos?.file));
    expect(files).toEqual(new Set([join(dir, 'a.yaml'), join(dir, 'b.yaml')]));
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.every((p) => p.severity === 'error' && p.pos!.line >= 1 && p.pos!.col >= 1)).toBe(true);
    expect(problems.find((p) => p.pos!.file.endsWith('b.yaml'))).toMatchObject({
      pos: { line: 2, col: 1 },
      hint: 'indent with spaces, not tabs',
    });
  });

  it('rejects duplicate keys, also 1 next to "1"', async () => {
    const dir = tempConfig({ 'a.yaml': 'settings: {}\nsettings: {}\n', 'b.yaml': 'targets:\n  1: {}\n  "1": {}\n' });
    const problems = await loadFailure(dir);
    expect(problems).toMatchObject([
      { message: "duplicate key 'settings'", pos: { file: join(dir, 'a.yaml'), line: 2, col: 1 } },
      { message: "duplicate key '1'", pos: { file: join(dir, 'b.yaml'), line: 3, col: 3 } },
    ]);
  });

  it('rejects __proto__, constructor and prototype keys without polluting prototypes', async () => {
    const text =
      'rules:\n  - Name: x\n    __proto__: { polluted: true }\n    TriggerEventSource: { constructor: 1 }\n  - prototype: 2\n';
    const dir = tempConfig({ 'a.yaml': text });
    const file = join(dir, 'a.yaml');
    const problems = await loadFailure(dir);
    expect(problems).toEqual([
      {
        severity: 'error',
        message: "key '__proto__' is not allowed",
        hint: 'no connectform field has this name; remove it',
        pos: at(file, text, '__proto__'),
      },
      {
        severity: 'error',
        message: "key 'constructor' is not allowed",
        hint: 'no connectform field has this name; remove it',
        pos: at(file, text, 'constructor'),
      },
      {
        severity: 'error',
        message: "key 'prototype' is not allowed",
        hint: 'no connectform field has this name; remove it',
        pos: at(file, text, 'prototype'),
      },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stops an alias bomb at the expansion limit with a positioned error', async () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const text = `${levels.join('\n')}\n`;
    const dir = tempConfig({ 'bomb.yaml': text });
    // 10^10 values unexpanded: the message proves the loader stopped counting at the limit.
    const problems = await loadFailure(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('aliases expand to more than 100000 values (an alias bomb?)');
    expect(problems[0].pos!.file).toBe(join(dir, 'bomb.yaml'));
    expect(problems[0].pos!.line).toBeGreaterThan(1);
  });

  it('counts the bytes aliases repeat: up to MAX_ALIAS_BYTES loads, one byte more is refused at the alias', async () => {
    const chunk = 'y'.repeat(1024 * 1024);
    // Five aliases of 1 MiB repeat exactly MAX_ALIAS_BYTES; the key 's' of a merge counts too.
    const fits = `defaults:\n  s: &s "${chunk}"\n  l: [*s, *s, *s, *s, *s]\n`;
    expect(MAX_ALIAS_BYTES).toBe(5 * chunk.length);
    const loaded = await loadConfig(tempConfig({ 'fits.yaml': fits })).then(
      () => [],
      (err: { problems?: { message: string }[] }) => err.problems ?? [],
    );
    expect(messages(loaded as Problem[]).filter((m) => m.includes('bytes of text'))).toEqual([]);
    const over = `defaults:\n  s: &s "${chunk}"\n  t: &t "z"\n  l: [*s, *s, *s, *s, *s, *t]\n`;
    const dir = tempConfig({ 'over.yaml': over });
    const problems = await loadFailure(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('aliases and merge keys repeat more than 5242880 bytes of text (an alias bomb?)');
    // The alias that crossed the limit: the last one, at its line and column.
    expect(problems[0].pos).toMatchObject({
      file: join(dir, 'over.yaml'),
      line: 4,
      col: over.split('\n')[3].lastIndexOf('*t') + 1,
    });
  });

  it('counts keys and values that merge keys repeat', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}: "${'v'.repeat(40 * 1024)}"`).join(', ');
    const text = `defaults: &d { ${keys} }\nrules:\n${Array.from({ length: 2 }, (_, i) => `  - <<: *d\n    Name: r${i}\n`).join('')}`;
    // 100 × 40 KiB ≈ 4 MB per merge: the second merge crosses the limit.
    const problems = await loadFailure(tempConfig({ 'merge.yaml': text }));
    expect(problems.map((p) => [p.message, p.pos?.line])).toEqual([
      ['aliases and merge keys repeat more than 5242880 bytes of text (an alias bomb?)', 5],
    ]);
  });

  it('reports unknown anchors and aliases that contain themselves', async () => {
    const text = 'rules: *nope\nsettings: &s { quotas: *s }\n';
    const dir = tempConfig({ 'a.yaml': text });
    const file = join(dir, 'a.yaml');
    const problems = await loadFailure(dir);
    expect(problems).toMatchObject([
      { message: "unknown anchor '*nope'", pos: at(file, text, '*nope') },
      { message: "alias '*s' refers to a node that contains it", pos: at(file, text, '*s') },
    ]);
  });

  it.each([
    ['flow', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}\n`],
    ['block', (n: number) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')}\n`],
    ['compact sequence', (n: number) => `${'- '.repeat(n)}x\n`],
  ])('rejects %s nesting 1000 deep without overflowing the stack', async (_kind, make) => {
    const dir = tempConfig({ 'deep.yaml': make(1000) });
    const problems = await loadFailure(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      message: `nesting is deeper than ${MAX_DEPTH} levels`,
      pos: { file: join(dir, 'deep.yaml') },
    });
    // The parser still works afterwards (a stack overflow inside it could break later parses).
    const { config } = await loadText(TARGETS_YAML);
    expect(config.targets).toHaveLength(1);
  });

  it(`accepts ${MAX_DEPTH} levels and rejects ${MAX_DEPTH + 1}, also when reached through an alias`, async () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    await expect(loadConfig(tempConfig({ 'ok.yaml': `rules: ${nest(MAX_DEPTH - 1)}\n` }))).resolves.toBeDefined();
    const dir = tempConfig({ 'deep.yaml': `rules: ${nest(MAX_DEPTH)}\n` });
    expect(messages(await loadFailure(dir))).toEqual([`nesting is deeper than ${MAX_DEPTH} levels`]);
    const viaAlias = `a: &x ${nest(MAX_DEPTH - 2)}\nb: [[*x]]\n`;
    const aliasDir = tempConfig({ 'alias.yaml': viaAlias });
    expect(await loadFailure(aliasDir)).toMatchObject([{ message: `nesting is deeper than ${MAX_DEPTH} levels` }]);
  });

  it('rejects a 6 MiB file, naming it', async () => {
    const dir = tempConfig({ 'huge.yaml': `# ${'x'.repeat(6 * 1024 * 1024)}\n` });
    const problems = await loadFailure(dir);
    expect(problems).toEqual([
      {
        severity: 'error',
        message: 'file is 6.0 MiB; config files may be at most 5 MiB',
        hint: 'split it into several files in one directory',
        pos: { file: join(dir, 'huge.yaml'), line: 1, col: 1 },
      },
    ]);
  });

  it('rejects binary and non-UTF-8 files, naming them', async () => {
    const dir = tempConfig({
      'bin.yaml': new Uint8Array([0x61, 0x3a, 0x0a, 0x62, 0x00, 0x01]),
      'latin1.yaml': new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
      'ok.yaml': TARGETS_YAML,
    });
    expect(await loadFailure(dir)).toEqual([
      {
        severity: 'error',
        message: 'file is binary (it contains a NUL byte), not YAML text',
        hint: 'config files must be UTF-8 text',
        pos: { file: join(dir, 'bin.yaml'), line: 2, col: 2 },
      },
      {
        severity: 'error',
        message: 'file is not valid UTF-8',
        hint: 'save it as UTF-8',
        pos: { file: join(dir, 'latin1.yaml'), line: 1, col: 1 },
      },
    ]);
  });

  it('rejects missing paths, empty directories, several documents in one file', async () => {
    const empty = tempConfig({});
    const multi = tempConfig({ 'm.yaml': 'rules: []\n---\nrules: []\n' });
    const problems = await loadFailure([join(empty, 'missing.yaml'), empty, multi]);
    expect(messages(problems)).toEqual([
      `config path '${join(empty, 'missing.yaml')}' does not exist (ENOENT)`,
      `config directory '${empty}' has no *.yaml or *.yml files`,
      'file holds more than one YAML document',
    ]);
    expect(problems[2].pos).toEqual({ file: join(multi, 'm.yaml'), line: 2, col: 1 });
  });

  it('reports unknown tags as warnings and keeps going', async () => {
    const { config, file } = await loadText('targets:\n  dev: !custom { region: us-east-1, instanceId: i }\n');
    expect(config.problems).toMatchObject([{ severity: 'warning', pos: { file, line: 2, col: 8 } }]);
    expect(config.targets[0].raw).toEqual({ region: 'us-east-1', instanceId: 'i' });
  });
});

/**
 * `connectform export`, end to end through the CLI against an in-process sandbox (like the
 * battery): the export of a populated target plans empty, validates and bootstraps another
 * target; plus the engine's pieces that need no sandbox (skipping a kind that cannot be read,
 * flows kept as ids when a name is ambiguous, interpolation and merge-key escaping).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { interpolateString } from '../../src/config/interpolate.js';
import {
  DEFAULT_SCHEMA_REF,
  exportLive,
  exportedTargets,
  toConfigItems,
  type ExportSource,
} from '../../src/engine/export.js';
import { mergeTargets } from '../../src/engine/export-merge.js';
import { renderDocument, renderFiles } from '../../src/render/export-yaml.js';
import type { LoadedTarget } from '../../src/config/load.js';
import { lexChannelAssociationKind } from '../../src/kinds/lex-channel-association.js';
import { ruleKind } from '../../src/kinds/rule.js';
import { taskTemplateKind } from '../../src/kinds/task-template.js';
import type { Body, LiveResource, ResourceKind, TargetContext } from '../../src/kinds/types.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED, type FullSeed } from '../../src/sandbox/world.js';
import { INSTANCE, planOf, runCliInProcess as runCli, tempDir } from '../helpers/cli.js';
import { ruleFixture } from '../battery/fixtures/rule.js';
import { exampleFunction, exampleFunctionJson } from '../helpers/rule-function.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';
import { customActionFixture } from '../battery/fixtures/custom-action.js';

const INSTANCE_B = '8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e5f';
const QUOTA_SCALE = '25';
const PARALLELISM = '3';
/** Values of the seed's Lex secrets: never in any exported file. */
const SECRETS = ['sandbox-secret', 'sandbox-token', 'sandbox-page-token', 'sandbox-auth', 'sandbox-kik-key'];

/** The default instance (A) plus B: the same flow names under other ids. */
function seed(): FullSeed {
  const s = structuredClone(DEFAULT_SEED);
  const a = s.connect.instances[0];
  a.rules = [
    {
      Name: 'seeded-vip-task',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable', 4),
      PublishStatus: 'PUBLISHED',
      Actions: [
        {
          ActionType: 'CREATE_TASK',
          TaskAction: { Name: 'VIP follow-up', ContactFlowId: '3a9d7c2b-4e5f-4a6b-9ca3-d4e5f6a7b8c9' },
        },
      ],
    },
  ];
  a.taskTemplates = [
    {
      Name: 'Seeded escalation',
      ContactFlowId: '0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6',
      Fields: [{ Id: { Name: 'Subject' }, Type: 'NAME' }],
      Constraints: { RequiredFields: [{ Id: { Name: 'Subject' } }] },
    },
  ];
  s.connect.instances.push({
    id: INSTANCE_B,
    contactFlows: (a.contactFlows ?? []).map((f) => ({ ...f, id: `9${f.id.slice(1)}` })),
  });
  s.chatbot.customActions = [
    {
      ActionName: 'seeded-restart',
      AliasName: 'restart',
      Definition: { CommandText: 'lambda invoke --function-name restart' },
    },
  ];
  // A channel no custom action of the config names: export finds it through the account's list.
  const nightShift = `arn:aws:chatbot::${s.accountId}:chat-configuration/slack-channel/night-shift`;
  s.chatbot.chatConfigurations = [...s.chatbot.chatConfigurations, { arn: nightShift, name: 'night-shift' }];
  s.chatbot.associations = [
    {
      customAction: 'seeded-restart',
      chatConfiguration: `arn:aws:chatbot::${s.accountId}:chat-configuration/slack-channel/oncall`,
    },
    { customAction: 'seeded-restart', chatConfiguration: nightShift },
  ];
  return s;
}

/** The source config: targets A and B, and resources of three kinds (applied to A). */
function writeSource(dir: string, endpoint: string, extraTargets: Record<string, object> = {}): string {
  mkdirSync(dir, { recursive: true });
  const targets = {
    A: { region: 'us-east-2', instanceId: INSTANCE, endpoint },
    B: { region: 'us-east-2', instanceId: INSTANCE_B, endpoint },
    ...extraTargets,
  };
  const rules = structuredClone(ruleFixture.base) as Body[];
  // A literal `${...}` in a live value must come back literal (written `$${`).
  rules.push({
    Name: 'literal-dollar-brace',
    TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    Function: exampleFunction('OnPostCallAnalysisAvailable', 3),
    PublishStatus: 'DRAFT',
    Actions: [
      {
        ActionType: 'CREATE_TASK',
        TaskAction: {
          Name: 'Coach agent',
          Description: 'template text $${agent} stays as is',
          ContactFlowId: { name: 'Escalation' },
        },
      },
    ],
  });
  writeFileSync(join(dir, 'connectform.yaml'), stringify({ targets }));
  writeFileSync(
    join(dir, 'resources.yaml'),
    stringify({ rules, taskTemplates: taskTemplateFixture.base, customActions: customActionFixture.base }),
  );
  return dir;
}

describe('connectform export (CLI, sandbox)', () => {
  let sandbox: SandboxHandle;
  let root: string;
  let source: string;

  const cli = (...args: string[]) =>
    runCli([...args, '--parallelism', PARALLELISM, '--quota-scale', QUOTA_SCALE], { cwd: root });
  const cliOk = async (...args: string[]) => {
    const r = await cli(...args);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  const plan = async (dir: string, target: string) =>
    planOf(await cliOk('plan', dir, '--target', target, '--format', 'json'));
  const validate = (dir: string) => runCli(['validate', dir], { cwd: root });
  const files = (dir: string) =>
    Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));

  beforeAll(async () => {
    root = tempDir('export-');
    sandbox = await startSandbox({
      seed: seed(),
      quotas: { ratePerSecond: 2, burst: 5 },
      quotaScale: Number(QUOTA_SCALE),
      statePath: join(root, 'sandbox-state.json'),
      lexV1: 'available', // Lex V1 as it answered: its associations are exported too
    });
    source = writeSource(join(root, 'source'), sandbox.endpoint);
    await cliOk('apply', source, '--target', 'A', '--auto-approve');
  });
  afterAll(async () => sandbox?.stop());

  it('exports a populated target to a directory that validates and plans empty', async () => {
    const out = join(root, 'out-all');
    const r = await cliOk('export', source, '--target', 'A', '--out', out);
    expect(r.stdout).toContain('Exported target "A"');
    const written = files(out);
    expect(Object.keys(written).sort()).toEqual([
      'custom-actions.yaml',
      'lex-channel-associations.yaml',
      'rules.yaml',
      'targets.yaml',
      'task-templates.yaml',
    ]);
    for (const [name, text] of Object.entries(written)) {
      expect(text.split('\n')[0], name).toMatch(/^# yaml-language-server: \$schema=\S+connectform\.schema\.json$/);
      for (const secret of SECRETS) expect(text, `${name} leaks a secret`).not.toContain(secret);
    }

    const v = await validate(out);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr).not.toMatch(/error/);

    const p = await plan(out, 'A');
    expect(p.changes, JSON.stringify(p.changes, null, 1)).toEqual([]); // manual (Lex) included
    expect(p.unmanaged).toEqual([]);
    // seeded (unmanaged) and applied (managed) resources alike, every Lex association
    expect(p.summary.unchanged).toBe(
      ruleFixture.base.length + 2 + taskTemplateFixture.base.length + 1 + customActionFixture.base.length + 1 + 4,
    );

    // server fields gone, flows as names, sorted by identity, Name first, the marker tag dropped
    const rules = parse(written['rules.yaml']).rules as Body[];
    expect(rules.map((x) => x.Name)).toEqual([...rules.map((x) => x.Name as string)].sort());
    for (const rule of rules) {
      expect(Object.keys(rule)[0]).toBe('Name');
      expect(rule).not.toHaveProperty('RuleId');
      expect(rule).not.toHaveProperty('RuleArn');
      expect(JSON.stringify(rule)).not.toContain('connectform:managed');
    }
    const seeded = rules.find((x) => x.Name === 'seeded-vip-task')!;
    expect((seeded.Actions as Body[])[0].TaskAction).toMatchObject({ ContactFlowId: { name: 'VIP routing' } });
    expect(written['rules.yaml']).toContain('template text $${agent} stays as is');
    const templates = parse(written['task-templates.yaml']).taskTemplates as Body[];
    expect(templates.find((t) => t.Name === 'Seeded escalation')).toMatchObject({
      ContactFlowId: { name: 'Escalation' },
      Status: 'ACTIVE',
    });
    expect(templates.every((t) => !('Id' in t) && !('Arn' in t))).toBe(true);
    // custom actions keep their associations, by chat configuration name: those the config names,
    // and those it never mentions (the seeded action's channel, found through the account's list)
    const actions = parse(written['custom-actions.yaml']).customActions as Body[];
    expect(actions.find((a) => a.ActionName === 'describe-queue-alarm')?.ChatConfigurations).toHaveLength(2);
    expect(actions.find((a) => a.ActionName === 'seeded-restart')?.ChatConfigurations).toEqual([
      { name: 'night-shift' },
      { name: 'oncall' },
    ]);
    // secrets are digests
    const lex = parse(written['lex-channel-associations.yaml']).lexChannelAssociations as Body[];
    expect(lex).toHaveLength(4);
    for (const a of lex)
      for (const v of Object.values(a.botConfiguration as object))
        expect(v).toMatch(/^\(sensitive, sha256:[0-9a-f]{12}\)$/);
    // targets.yaml copies the targets as written
    expect(parse(written['targets.yaml']).targets).toEqual(
      parse(readFileSync(join(source, 'connectform.yaml'), 'utf8')).targets,
    );

    // a second export writes the very same files (and may overwrite its own)
    await cliOk('export', source, '--target', 'A', '--out', out);
    expect(files(out)).toEqual(written);
  });

  it('export from A, apply to an empty B, then B plans empty (flows resolved by name in B)', async () => {
    const out = join(root, 'out-a');
    await cliOk('export', source, '--target', 'A', '--kinds', 'rule', 'taskTemplate', '--out', out);
    expect(existsSync(join(out, 'custom-actions.yaml'))).toBe(false);
    expect((await validate(out)).code).toBe(0);

    const before = await plan(out, 'B');
    expect(before.changes.every((c) => c.action === 'create')).toBe(true);
    expect(before.changes).toHaveLength(ruleFixture.base.length + 2 + taskTemplateFixture.base.length + 1);

    await cliOk('apply', out, '--target', 'B', '--auto-approve');
    const after = await plan(out, 'B');
    expect(after.changes, JSON.stringify(after.changes, null, 1)).toEqual([]);
    expect(after.unmanaged).toEqual([]);
    expect((await plan(out, 'A')).changes).toEqual([]);

    // B's copies point at B's own flows
    const b = sandbox.world.connect.instances[INSTANCE_B];
    const flowIds = new Set(Object.keys(b.contactFlows));
    const templates = Object.values(b.taskTemplates);
    expect(templates.length).toBe(taskTemplateFixture.base.length + 1);
    for (const t of templates) if (t.ContactFlowId) expect(flowIds.has(t.ContactFlowId), t.Name).toBe(true);
    const seeded = Object.values(b.rules).find((r) => r.Name === 'seeded-vip-task')!;
    expect((seeded.Actions[0] as { TaskAction: { ContactFlowId: string } }).TaskAction.ContactFlowId).toBe(
      `9${'3a9d7c2b-4e5f-4a6b-9ca3-d4e5f6a7b8c9'.slice(1)}`,
    );
  });

  it('prints one YAML document (resource lists only) without --out', async () => {
    const r = await cliOk('export', source, '--target', 'A', '--kinds', 'rules');
    expect(r.stdout.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=/);
    const doc = parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['rules']);
    expect(doc.rules.map((x: Body) => x.Name)).toContain('escalate-negative-sentiment');

    // usable next to the targets: plan of source targets + exported resources is empty
    const dir = join(root, 'stdout-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'connectform.yaml'), readFileSync(join(source, 'connectform.yaml')));
    writeFileSync(join(dir, 'rules.yaml'), r.stdout);
    expect((await plan(dir, 'A')).changes).toEqual([]);
  });

  // Chatbot answers in four regions only (docs/FIDELITY.md): a chatbotRegion elsewhere is a config
  // error, so no Chatbot call (and no export of custom actions) is ever tried there.
  it('refuses a chatbotRegion where Chatbot does not answer, before reading anything', async () => {
    const dir = writeSource(join(root, 'source-c'), sandbox.endpoint, {
      C: { region: 'eu-central-1', chatbotRegion: 'eu-central-1', instanceId: INSTANCE, endpoint: sandbox.endpoint },
    });
    sandbox.resetStats();
    const r = await cli('export', dir, '--target', 'C');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /connectform\.yaml:\d+:\d+: .*chatbotRegion.*'eu-central-1': the AWS Chatbot API answers only in us-east-2, us-west-2, ap-southeast-1, eu-west-1/,
    );
    expect(r.stdout).toBe('');
    expect(sandbox.stats().calls).toBe(0);
  });

  it('refuses what it cannot do before reading anything', async () => {
    const handWritten = join(root, 'hand-written');
    mkdirSync(handWritten, { recursive: true });
    writeFileSync(join(handWritten, 'rules.yaml'), 'rules: []\n');
    sandbox.resetStats();
    const cases: [string[], RegExp][] = [
      [
        ['export', source, '--target', 'A', '--out', handWritten],
        /rules\.yaml exists and was not written by connectform export/,
      ],
      [['export', source, '--target', 'A', '--kinds', 'rulez'], /unknown kind "rulez"/],
      [['export', source, '--target', 'A', '--format', 'json'], /without --out/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(join(handWritten, 'rules.yaml'), 'utf8')).toBe('rules: []\n');
    expect(sandbox.stats().calls).toBe(0);
  });

  it('--format json summarises what --out wrote', async () => {
    const out = join(root, 'out-json');
    const r = await cliOk(
      'export',
      source,
      '--target',
      'A',
      '--kinds',
      'lexChannelAssociation',
      '--out',
      out,
      '--format',
      'json',
    );
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      targets: ['A'],
      skipped: [],
      files: [
        { file: 'lex-channel-associations.yaml', kind: 'lexChannelAssociation', count: 4 },
        { file: 'targets.yaml', kind: 'targets', count: 2 },
      ],
    });
  });
});

describe('export engine', () => {
  const ctx = (declared: TargetContext['declared'] = []): TargetContext =>
    ({
      target: { name: 't', region: 'us-east-2', instanceId: 'i', accountId: '' },
      flows: new ContactFlowDirectory(),
      cache: undefined,
      declared,
      log: () => {},
    }) as unknown as TargetContext;
  const lexLive: LiveResource = {
    kind: 'lexChannelAssociation',
    key: 'Bot/prod/slack',
    id: 'Bot/prod/slack',
    body: {
      name: 'slack',
      botName: 'Bot',
      botAlias: 'prod',
      type: 'Slack',
      botConfiguration: { clientSecret: 'top-secret-value' },
    },
    managed: false,
    version: '',
  };
  const okKind: ResourceKind = {
    ...lexChannelAssociationKind,
    async *read() {
      yield lexLive;
    },
  };
  const failingKind: ResourceKind = {
    ...ruleKind,
    capabilities: { ...ruleKind.capabilities, usesContactFlows: false },
    // biome-ignore lint/correctness/useYield: a reader whose first read fails, before any resource
    async *read() {
      throw new Error('AccessDeniedException: not allowed to list rules');
    },
  };
  const source = (kinds: ResourceKind[]): ExportSource => {
    const c = ctx();
    const readKind = async (kind: ResourceKind) => {
      const items = [];
      for await (const item of kind.read(c)) items.push(item);
      return items;
    };
    return { kinds, ctx: c, aws: { chatbotRegion: 'us-east-2' } as unknown as ExportSource['aws'], readKind };
  };

  it('skips a kind whose read fails (every kind by default), fails when the kinds were named', async () => {
    const result = mergeTargets([await exportLive(source([failingKind, okKind]), { explicitKinds: false })]);
    expect(result.skipped).toEqual([{ kind: 'rule', reason: 'AccessDeniedException: not allowed to list rules' }]);
    expect(result.kinds.map((k) => k.kind)).toEqual(['lexChannelAssociation']);
    const text = renderDocument(result, { schemaRef: DEFAULT_SCHEMA_REF });
    expect(text).toContain('# Not exported: rule (AccessDeniedException');
    expect(text).not.toContain('top-secret-value');
    expect(text).toMatch(/clientSecret: "\(sensitive, sha256:[0-9a-f]{12}\)"/);

    await expect(exportLive(source([failingKind, okKind]), { explicitKinds: true })).rejects.toThrow(/AccessDenied/);
    // nothing readable at all is an error, not an empty export
    await expect(exportLive(source([failingKind]), { explicitKinds: false })).rejects.toThrow(/AccessDenied/);
  });

  it('a list it cannot read leaves those ids as ids, with one note and no claim they do not exist', async () => {
    const template: LiveResource = {
      kind: 'taskTemplate',
      key: 't',
      id: 't',
      body: {
        Name: 't',
        ContactFlowId: 'f-1',
        Fields: [{ Id: { Name: 'T' }, Type: 'NAME' }],
        Constraints: { RequiredFields: [{ Id: { Name: 'T' } }] },
      },
      managed: true,
      version: '',
    };
    const templates: ResourceKind = {
      ...taskTemplateKind,
      async *read() {
        yield template;
      },
    };
    // The stub clients answer no list call: ListContactFlows fails.
    const result = await exportLive(source([templates]), { explicitKinds: false });
    expect(result.kinds[0].entries[0].body.ContactFlowId).toBe('f-1');
    expect(result.notes).toEqual([expect.stringMatching(/^contact flows not read, so their ids are written as ids: /)]);
  });

  it('writes flows as names only when the name is unique, and says why otherwise', () => {
    const flows = new ContactFlowDirectory([
      { id: 'f-1', name: 'Unique' },
      { id: 'f-2', name: 'Twice' },
      { id: 'f-3', name: 'Twice' },
    ]);
    const body = (name: string, flow: string): Body => ({
      Name: name,
      Fields: [{ Id: { Name: 'T' }, Type: 'NAME' }],
      Constraints: { RequiredFields: [{ Id: { Name: 'T' } }] },
      ContactFlowId: flow,
    });
    const live = (b: Body): LiveResource => ({
      kind: 'taskTemplate',
      key: String(b.Name),
      id: String(b.Name),
      body: b,
      managed: true,
      version: '',
    });
    const notes: string[] = [];
    const out = toConfigItems(
      taskTemplateKind,
      [live(body('b', 'f-2')), live(body('a', 'f-1')), live(body('c', 'gone'))],
      flows,
      notes,
    );
    expect(out.items.map((i) => [i.Name, i.ContactFlowId])).toEqual([
      ['a', { name: 'Unique' }],
      ['b', 'f-2'],
      ['c', 'gone'],
    ]);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /"b": ContactFlowId is written as the id f-2, because more than one contact flow has the name "Twice"/,
    );
    expect(notes[1]).toMatch(/"c": ContactFlowId refers to contact flow gone, which does not exist/);
    expect(Object.keys(out.items[0])).toEqual(['Name', 'ContactFlowId', 'Status', 'Fields', 'Constraints']);
  });

  it('escapes ${ and quotes a "<<" key, so the text reads back as the live values', () => {
    const rule: LiveResource = {
      kind: 'rule',
      key: 'r',
      id: 'r',
      body: {
        Name: 'r',
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: exampleFunctionJson('OnPostCallAnalysisAvailable'),
        PublishStatus: 'DRAFT',
        Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'e' } }],
        Tags: { '<<': 'merge-looking', note: 'costs ${amount} and $${more}' },
      },
      managed: true,
      version: '',
    };
    const result = {
      targets: ['t'],
      kinds: [toConfigItems(ruleKind, [rule], new ContactFlowDirectory())],
      skipped: [],
      notes: [],
      vars: {},
    };
    const text = renderDocument(result, { schemaRef: DEFAULT_SCHEMA_REF });
    expect(text).toContain('"<<": merge-looking');
    const tags = parse(text, { merge: true }).rules[0].Tags;
    expect(tags).toEqual({ '<<': 'merge-looking', note: 'costs $${amount} and $$${more}' });
    // ...which the config's interpolation turns back into the live value
    expect(interpolateString(tags.note, { env: {} })).toEqual({
      value: 'costs ${amount} and $${more}',
      issues: [],
      sources: [],
      shown: 'costs ${amount} and $${more}',
    });
  });

  it('targets.yaml copies targets as written and limits prune to the exported kinds', () => {
    const target = {
      name: 'prod',
      raw: { region: 'us-east-2', instanceId: '${env.PROD_INSTANCE}' },
    } as unknown as LoadedTarget;
    const result = {
      targets: ['prod'],
      kinds: [toConfigItems(ruleKind, [], new ContactFlowDirectory())],
      skipped: [],
      notes: [],
      vars: {},
    };
    const targets = exportedTargets(result, {
      targets: [target],
      settings: { prune: ['rule', 'customAction'], parallelism: 4 },
    });
    const files = renderFiles(result, targets, { schemaRef: DEFAULT_SCHEMA_REF });
    expect(files.map((f) => [f.name, f.count])).toEqual([
      ['rules.yaml', 0],
      ['targets.yaml', 1],
    ]);
    expect(parse(files[0].text)).toEqual({ rules: [] }); // declared empty: prune covers it
    expect(parse(files[1].text)).toEqual({
      targets: { prod: { region: 'us-east-2', instanceId: '${env.PROD_INSTANCE}' } },
      settings: { prune: ['rule'], parallelism: 4 },
    });
    expect(targets.notes).toEqual([expect.stringMatching(/settings\.prune: customAction left out/)]);
  });
});

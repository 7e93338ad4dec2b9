/**
 * Values from the environment are sensitive (connectform issue #9): a pull request controls the
 * config, not the CI environment, so a plan must never print what `${env.NAME}` read. Each case
 * goes through the real pipeline: YAML in a temp dir → loadConfig → resolveTarget with an env →
 * validation → buildPlan against a live body → every output (text, markdown, JSON, saved plan).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { resolveTarget, type ResolveOptions } from '../../src/config/resolve.js';
import { Redactor } from '../../src/sensitive.js';
import { validateResources } from '../../src/config/validate.js';
import { redactPlan } from '../../src/engine/redact.js';
import { processIO, scrubbedIO } from '../../src/cli/io.js';
import { buildPlan } from '../../src/engine/planner.js';
import type { Plan } from '../../src/engine/plan.js';
import { assertSamePlan, readSavedPlanIfAny, writeSavedPlan } from '../../src/engine/saved-plan.js';
import { SafetyError } from '../../src/errors.js';
import { TargetSession } from '../../src/engine/session.js';
import { validateFor } from '../../src/config/index.js';
import { allKinds } from '../../src/kinds/index.js';
import type { Body, KindName, LiveResource } from '../../src/kinds/types.js';
import { at, loadText, TARGETS_YAML } from '../config/helpers.js';
import { rendererFor } from '../../src/render/index.js';
import { phraseFunction } from '../helpers/cli.js';
import { exampleFunctionJson, fnMapping } from '../helpers/rule-function.js';

const SECRET = 'hunter2-xyz';
const OLD = 'old-phrase-123';
const env = { MY_PHRASE: SECRET };

/** One case per field the issue names: the YAML of one resource, and where the value sits. */
const CASES: { field: string; kind: KindName; yaml: string; live: (value: string) => Body }[] = [
  {
    field: 'rule Function',
    kind: 'rule',
    yaml: `rules:
  - Name: r1
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function:
      Version: '2022-11-25'
      RuleFunction:
        Operator: AND
        Operands:
          - Operator: CONTAINS_ANY
            Operands: ["\${env.MY_PHRASE}"]
            ComparisonValue: $.ContactLens.PostCall.ExactMatch.Transcript
            FilterClause: { LogicOperator: AND, Filters: [ { Type: ParticipantRole, Data: CUSTOMER } ] }
            Negate: false
    Actions:
      - ActionType: GENERATE_EVENTBRIDGE_EVENT
        EventBridgeAction: { Name: ev }
    PublishStatus: DRAFT
`,
    live: (v) => ({
      Name: 'r1',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: JSON.stringify(phraseFunction(v)),
      Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'ev' } }],
      PublishStatus: 'DRAFT',
    }),
  },
  {
    field: 'notification Subject',
    kind: 'rule',
    yaml: `rules:
  - Name: r2
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping()}
    Actions:
      - ActionType: GENERATE_EVENTBRIDGE_EVENT
        EventBridgeAction: { Name: ev }
      - ActionType: SEND_NOTIFICATION
        SendNotificationAction:
          DeliveryMethod: EMAIL
          Subject: "Alert \${env.MY_PHRASE}"
          Content: Look at it
          ContentType: PLAIN_TEXT
          Recipient: { UserTags: { role: supervisor } }
    PublishStatus: DRAFT
`,
    live: (v) => ({
      Name: 'r2',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: exampleFunctionJson('OnPostCallAnalysisAvailable'),
      Actions: [
        { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'ev' } },
        {
          ActionType: 'SEND_NOTIFICATION',
          SendNotificationAction: {
            DeliveryMethod: 'EMAIL',
            Subject: `Alert ${v}`,
            Content: 'Look at it',
            ContentType: 'PLAIN_TEXT',
            Recipient: { UserTags: { role: 'supervisor' } },
          },
        },
      ],
      PublishStatus: 'DRAFT',
    }),
  },
  {
    field: 'custom action CommandText',
    kind: 'customAction',
    yaml: `customActions:
  - ActionName: ca1
    Definition:
      CommandText: "lambda invoke --function-name \${env.MY_PHRASE}"
`,
    live: (v) => ({ ActionName: 'ca1', Definition: { CommandText: `lambda invoke --function-name ${v}` } }),
  },
  {
    field: 'Lex description',
    kind: 'lexChannelAssociation',
    yaml: `lexChannelAssociations:
  - name: orders_slack
    botName: OrderFlowers
    botAlias: prod
    type: Slack
    description: "\${env.MY_PHRASE}"
    botConfiguration: { clientId: "123.456" }
`,
    live: (v) => ({
      name: 'orders_slack',
      botName: 'OrderFlowers',
      botAlias: 'prod',
      type: 'Slack',
      description: v,
      botConfiguration: { clientId: '123.456' },
    }),
  },
];

const live = (kind: KindName, key: string, body: Body): LiveResource => ({
  kind,
  key,
  id: `id-${key}`,
  body,
  managed: true,
  version: 'v1',
});

/** Load, resolve, validate (must be clean), then plan against `lives`. */
async function planFor(
  yaml: string,
  lives: LiveResource[],
  runEnv: Record<string, string> = env,
  options: ResolveOptions = {},
  shownScope?: Plan['scope'],
) {
  const { config } = await loadText(`${TARGETS_YAML}${yaml}`);
  const resolved = resolveTarget(config, undefined, runEnv, options);
  expect(resolved.problems).toEqual([]);
  expect(validateResources(resolved.resources, allKinds()).filter((p) => p.severity === 'error')).toEqual([]);
  const kinds = allKinds().filter((k) => resolved.resources.some((r) => r.kind === k.name));
  const plan = buildPlan({
    target: 'dev',
    scope: { region: 'us-east-1', instanceId: 'i' },
    ...(shownScope ? { shownScope } : {}),
    configFingerprint: 'f',
    kinds,
    declared: resolved.resources,
    live: new Map(kinds.map((k) => [k.name, lives.filter((l) => l.kind === k.name)])),
    flows: new ContactFlowDirectory([]),
    prune: () => false,
    now: new Date(0),
  });
  return { plan, resolved };
}

/** Where the saved plans of these tests bind (engine/saved-plan.ts): nothing from a secret. */
const BINDING = {
  region: 'r',
  instanceId: 'i',
  accountId: '123456789012',
  endpoint: 'AWS',
  chatbotRegion: 'us-east-2',
  settings: 'x',
  configFiles: [],
};

/** Everything a run prints or saves for `plan`. */
function outputs(plan: Plan): Record<string, string> {
  const file = join(mkdtempSync(join(tmpdir(), 'connectform-redact-')), 'plan.json');
  writeSavedPlan(file, plan, ['connectform.yaml'], BINDING);
  return {
    text: rendererFor('text', { color: false }).plan([plan]),
    markdown: rendererFor('markdown', { color: false }).plan([plan]),
    json: rendererFor('json', { color: false }).plan([plan]),
    saved: readFileSync(file, 'utf8'),
  };
}

/** `hidden` appears in no output; `shown` in each (markdown cuts long cells: only if `inMarkdown`). */
function expectHidden(plan: Plan, hidden: string[], shown: string | RegExp, inMarkdown = true): void {
  for (const [format, text] of Object.entries(outputs(plan))) {
    for (const h of hidden) expect(text, `${format} shows ${h}`).not.toContain(h);
    if (format === 'markdown' && !inMarkdown) continue;
    if (typeof shown === 'string') expect(text, format).toContain(shown);
    else expect(text, format).toMatch(shown);
  }
}

describe('values from the environment are sensitive', () => {
  for (const c of CASES) {
    describe(c.field, () => {
      it('a create shows the marker, never the value', async () => {
        const { plan } = await planFor(c.yaml, []);
        expect(plan.changes).toHaveLength(1);
        // The in-memory plan keeps the real value: apply sends it.
        expect(JSON.stringify(plan.changes[0])).toContain(SECRET);
        // The notification's Subject is inside the whole `Actions` list, too long for a markdown cell.
        expectHidden(plan, [SECRET], '(sensitive: env.MY_PHRASE)', c.field !== 'notification Subject');
      });

      it('a changed value says changed without either value', async () => {
        const key = allKinds()
          .find((k) => k.name === c.kind)!
          .key(c.live(OLD));
        const { plan } = await planFor(c.yaml, [live(c.kind, key, c.live(OLD))]);
        expect(plan.changes).toHaveLength(1);
        expect(plan.changes[0].fields.filter((f) => f.sensitive)).toHaveLength(1);
        expectHidden(plan, [SECRET, OLD], '(sensitive: env.MY_PHRASE, changed)');
        const row = redactPlan(plan).changes[0].fields.find((f) => f.sensitive)!;
        expect(row).toMatchObject({
          before: '(sensitive: env.MY_PHRASE)',
          after: '(sensitive: env.MY_PHRASE, changed)',
          sensitive: ['env.MY_PHRASE'],
        });
      });

      it('an unchanged value is no change (comparison uses the real values)', async () => {
        const key = allKinds()
          .find((k) => k.name === c.kind)!
          .key(c.live(SECRET));
        // As an apply of this config leaves it: the marker records the field from the variable
        // (kinds/sensitive-marker.ts; a marker recording less is itself a change to make).
        const created = await planFor(c.yaml, []);
        const marker = created.plan.changes[0].marker;
        const { plan } = await planFor(c.yaml, [
          { ...live(c.kind, key, c.live(SECRET)), ...(marker ? { marker } : {}) },
        ]);
        expect(plan.changes).toEqual([]);
        expect(plan.summary.unchanged).toBe(1);
      });

      it('is shown when the run names the variable public (CONNECTFORM_PUBLIC_ENV, --public-env)', async () => {
        const viaEnv = await planFor(c.yaml, [], { ...env, CONNECTFORM_PUBLIC_ENV: 'OTHER, MY_PHRASE' });
        expect(outputs(viaEnv.plan).json).toContain(SECRET);
        const viaOption = await planFor(c.yaml, [], env, { publicEnv: ['MY_PHRASE'] });
        expect(outputs(viaOption.plan).text).toContain(SECRET);
        expect(viaOption.plan.changes[0].sensitive ?? []).toEqual(
          c.kind === 'lexChannelAssociation' ? [{ path: ['botConfiguration'], sources: [] }] : [],
        );
      });
    });
  }

  it('follows a value through a target var defined as ${env.NAME}', async () => {
    const { config } = await loadText(`targets:
  dev:
    region: us-east-1
    instanceId: 11111111-2222-3333-4444-555555555555
    vars: { phrase: "\${env.MY_PHRASE}" }
customActions:
  - ActionName: ca1
    Definition: { CommandText: "echo \${var.phrase}" }
`);
    const r = resolveTarget(config, undefined, env);
    expect(r.resources[0].sensitive).toEqual([
      { path: ['Definition', 'CommandText'], sources: ['env.MY_PHRASE'], shown: 'echo (sensitive: env.MY_PHRASE)' },
    ]);
    expect(r.sensitiveFields).toEqual({ 'vars.phrase': ['env.MY_PHRASE'] });
  });

  it('hides the value inside a whole list item that is added', async () => {
    const c = CASES[1];
    const withoutNotification = c.live(SECRET);
    withoutNotification.Actions = (withoutNotification.Actions as Body[]).slice(0, 1);
    const { plan } = await planFor(c.yaml, [live('rule', 'r2', withoutNotification)]);
    // The action's identity is its Subject, which holds the secret: the path shows the marker.
    expect(plan.changes[0].fields.map((f) => f.path)).toEqual([
      'Actions[ActionType="SEND_NOTIFICATION",SendNotificationAction.Subject=(sensitive: env.MY_PHRASE)]',
    ]);
    expectHidden(plan, [SECRET], /"?Subject"?: ?"\(sensitive: env\.MY_PHRASE\)"/, false);
    expect(outputs(plan).text).toContain('Look at it'); // the rest of the item still shows
  });
});

describe('credential names', () => {
  for (const name of [
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_ACCESS_KEY_ID',
    'GITHUB_TOKEN',
    'ACTIONS_RUNTIME_URL',
    'DB_PASSWORD',
    'my_api_key',
    'SLACK_SECRET_X',
  ]) {
    it(`refuses \${env.${name}} with its position, even when listed public`, async () => {
      const text = `${TARGETS_YAML}customActions:\n  - ActionName: ca1\n    Definition: { CommandText: "echo \${env.${name}}" }\n`;
      const { config, file } = await loadText(text);
      const r = resolveTarget(config, undefined, { [name]: 'AKIAVALUE', CONNECTFORM_PUBLIC_ENV: name });
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0].message).toMatch(
        new RegExp(`^customActions\\[0\\]\\.Definition\\.CommandText: \\$\\{env\\.${name}\\} is refused: `),
      );
      expect(r.problems[0].pos).toEqual(at(file, text, `"echo \${env.${name}}"`));
      expect(JSON.stringify(r)).not.toContain('AKIAVALUE');
    });
  }
});

describe('Lex botConfiguration (a kind secretPath)', () => {
  const yaml = `lexChannelAssociations:
  - name: orders_slack
    botName: OrderFlowers
    botAlias: prod
    type: Slack
    botConfiguration: { clientId: "123.456", clientSecret: plain-in-config }
`;
  const body = (secret: string) => ({
    name: 'orders_slack',
    botName: 'OrderFlowers',
    botAlias: 'prod',
    type: 'Slack',
    botConfiguration: { clientId: '123.456', clientSecret: secret },
  });

  it('a changed secret is a change, shown without value or digest', async () => {
    const { plan } = await planFor(yaml, [
      live('lexChannelAssociation', 'OrderFlowers/prod/orders_slack', body('live-secret-value')),
    ]);
    expect(plan.changes.map((c) => c.action)).toEqual(['manual']);
    expectHidden(plan, ['plain-in-config', 'live-secret-value', 'sha256', '123.456'], '(sensitive, changed)');
  });

  it('an equal secret is no change', async () => {
    const { plan } = await planFor(yaml, [
      live('lexChannelAssociation', 'OrderFlowers/prod/orders_slack', body('plain-in-config')),
    ]);
    expect(plan.changes).toEqual([]);
  });

  it('a pruned association shows no digest', async () => {
    const { config } = await loadText(`${TARGETS_YAML}settings: { prune: true }\nlexChannelAssociations: []\n`);
    const kind = allKinds().find((k) => k.name === 'lexChannelAssociation')!;
    const plan = buildPlan({
      target: 'dev',
      scope: { region: 'us-east-1', instanceId: 'i' },
      configFingerprint: 'f',
      kinds: [kind],
      declared: resolveTarget(config, undefined, {}).resources,
      live: new Map([
        [
          'lexChannelAssociation',
          [live('lexChannelAssociation', 'OrderFlowers/prod/orders_slack', body('live-secret-value'))],
        ],
      ]),
      flows: new ContactFlowDirectory([]),
      prune: () => true,
    });
    expect(plan.changes.map((c) => c.action)).toEqual(['delete']);
    expectHidden(plan, ['live-secret-value', 'sha256'], '(sensitive)');
  });
});

describe('errors quote a sensitive value by its marker', () => {
  it('target fields from env', async () => {
    const { config } = await loadText(
      `targets:\n  t:\n    region: \${env.MY_REGION}\n    instanceId: \${env.MY_INSTANCE}\n`,
    );
    const r = resolveTarget(config, 't', { MY_REGION: 'mars-central-9z', MY_INSTANCE: 'has space' });
    expect(r.problems.map((p) => p.message)).toEqual([
      'targets.t.region: (sensitive: env.MY_REGION) is not an AWS region',
      'targets.t.instanceId: (sensitive: env.MY_INSTANCE) is not a Connect instance id',
    ]);
    expect(r.sensitiveFields).toEqual({ region: ['env.MY_REGION'], instanceId: ['env.MY_INSTANCE'] });
  });

  it('schema messages (enum, pattern) do not print the value', async () => {
    const { config } = await loadText(`${TARGETS_YAML}rules:
  - Name: r1
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: ${fnMapping()}
    Actions:
      - ActionType: GENERATE_EVENTBRIDGE_EVENT
        EventBridgeAction: { Name: ev }
    PublishStatus: \${env.MY_STATUS}
`);
    const r = resolveTarget(config, undefined, { MY_STATUS: 'PUBLISHD' });
    const problems = validateResources(r.resources, allKinds());
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^rules\[0\]\.PublishStatus: must be one of .*\(got '\(sensitive: env\.MY_STATUS\)'\)$/),
    ]);
    expect(JSON.stringify(problems)).not.toContain('PUBLISHD');
  });
});

describe('Redactor (the last line of defence)', () => {
  const redactor = new Redactor([
    { source: 'env.LONG', value: 'hunter2-xyz' },
    { source: 'env.SHORT', value: '1' },
    { source: 'env.QUOTE', value: 'a"b\\c' },
  ]);

  it('replaces every occurrence, short values only as whole tokens', () => {
    expect(redactor.scrub('AccessDenied: hunter2-xyz is not allowed (hunter2-xyz)')).toBe(
      'AccessDenied: (sensitive: env.LONG) is not allowed ((sensitive: env.LONG))',
    );
    expect(redactor.scrub('retry 1 of 10, id x1')).toBe('retry (sensitive: env.SHORT) of 10, id x1');
  });

  it('finds the JSON-escaped form too, and scrubbing twice changes nothing more', () => {
    const once = redactor.scrub(JSON.stringify({ v: 'a"b\\c' }));
    expect(once).toBe('{"v":"(sensitive: env.QUOTE)"}');
    expect(redactor.scrub(once)).toBe(once);
  });

  it('merges the redactors of several targets; resolveTarget builds one from the values used', async () => {
    const { config } = await loadText(
      `${TARGETS_YAML}customActions:\n  - ActionName: ca1\n    Definition: { CommandText: "echo \${env.MY_PHRASE} \${env.SHOWN}" }\n`,
    );
    const r = resolveTarget(
      config,
      undefined,
      { MY_PHRASE: SECRET, SHOWN: 'visible', UNUSED: 'not-used-value' },
      { publicEnv: ['SHOWN'] },
    );
    const merged = Redactor.merge(r.redactor, new Redactor([{ source: 'env.OTHER', value: 'other-value' }]));
    expect(merged.scrub(`${SECRET} visible not-used-value other-value`)).toBe(
      '(sensitive: env.MY_PHRASE) visible not-used-value (sensitive: env.OTHER)',
    );
  });

  it('the CLI output streams remove what the plan itself cannot know (a resource name)', async () => {
    const { plan, resolved } = await planFor(
      'customActions:\n  - ActionName: "${env.MY_PHRASE}"\n    Definition: { CommandText: x }\n',
      [],
    );
    let written = '';
    const io = scrubbedIO(
      { ...processIO(), stdout: { write: (s: string) => (written += s) } },
      () => resolved.redactor,
    );
    io.stdout.write(rendererFor('text', { color: false }).plan([plan]));
    expect(written).not.toContain(SECRET);
  });
});

describe('config fingerprint', () => {
  it('moves with the config, not with a sensitive value (it is no digest of one)', async () => {
    const yaml = (command: string) => `targets:
  dev:
    region: \${env.MY_REGION}
    instanceId: 11111111-2222-3333-4444-555555555555
customActions:
  - ActionName: ca1
    Definition: { CommandText: "${command}" }
`;
    const fingerprint = async (text: string, runEnv: Record<string, string>) => {
      const { config } = await loadText(text);
      const session = TargetSession.create(validateFor(config, undefined, runEnv), {
        endpoint: 'http://127.0.0.1:9',
        cacheDir: false,
        pendingDir: false,
      });
      try {
        return session.configFingerprint();
      } finally {
        session.close();
      }
    };
    const a = await fingerprint(yaml('echo ${env.MY_PHRASE}'), { MY_REGION: 'us-east-1', MY_PHRASE: 'first-value' });
    expect(await fingerprint(yaml('echo ${env.MY_PHRASE}'), { MY_REGION: 'us-west-2', MY_PHRASE: 'other-value' })).toBe(
      a,
    );
    expect(
      await fingerprint(yaml('echo! ${env.MY_PHRASE}'), { MY_REGION: 'us-east-1', MY_PHRASE: 'first-value' }),
    ).not.toBe(a);
    // A public variable is plain data: its value counts.
    const pub = { MY_PHRASE: 'first-value', CONNECTFORM_PUBLIC_ENV: 'MY_REGION' };
    expect(await fingerprint(yaml('x'), { ...pub, MY_REGION: 'us-east-1' })).not.toBe(
      await fingerprint(yaml('x'), { ...pub, MY_REGION: 'us-west-2' }),
    );
  });
});

describe('saved plans', () => {
  it('the file holds markers; apply compares a fresh plan in printable form and refuses when it plans differently', async () => {
    const c = CASES[2];
    const { plan } = await planFor(c.yaml, [live('customAction', 'ca1', c.live(OLD))]);
    const file = join(mkdtempSync(join(tmpdir(), 'connectform-redact-')), 'plan.json');
    writeSavedPlan(file, plan, ['connectform.yaml'], BINDING);
    const saved = readSavedPlanIfAny(file)!;
    expect(saved.changes[0].desired).toEqual({
      ActionName: 'ca1',
      Definition: { CommandText: '(sensitive: env.MY_PHRASE)' },
    });

    // A fresh plan with the real values (what apply sends) equals the saved one once redacted.
    const fresh = await planFor(c.yaml, [live('customAction', 'ca1', c.live(OLD))]);
    expect(fresh.plan.changes[0].desired).toEqual({
      ActionName: 'ca1',
      Definition: { CommandText: `lambda invoke --function-name ${SECRET}` },
    });
    expect(() => assertSamePlan(saved, fresh.plan, file)).not.toThrow();

    const moved = await planFor(c.yaml, [live('customAction', 'ca1', c.live(SECRET))]); // now unchanged
    expect(() => assertSamePlan(saved, moved.plan, file)).toThrow(SafetyError);
  });

  it('a name and a scope from sensitive variables are saved as markers', async () => {
    const yaml = 'customActions:\n  - ActionName: "ops-${env.MY_PHRASE}"\n    Definition: { CommandText: new }\n';
    const name = `ops-${SECRET}`;
    const lives = [live('customAction', name, { ActionName: name, Definition: { CommandText: 'old' } })];
    const shownScope = { region: '(sensitive: env.MY_REGION)', instanceId: 'i' };
    const { plan } = await planFor(yaml, lives, env, {}, shownScope);
    const file = join(mkdtempSync(join(tmpdir(), 'connectform-redact-')), 'plan.json');
    writeSavedPlan(file, plan, ['connectform.yaml'], BINDING);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(file, 'utf8')).not.toContain('us-east-1');
    expectHidden(plan, [SECRET, 'us-east-1'], '(sensitive: env.MY_PHRASE)');
    expect(outputs(plan).text).toContain('Target dev ((sensitive: env.MY_REGION), instance i)');
    expect(outputs(plan).text).toContain('~ customAction "ops-(sensitive: env.MY_PHRASE)"');

    const saved = readSavedPlanIfAny(file)!;
    expect(saved.changes[0]).toMatchObject({
      name: 'ops-(sensitive: env.MY_PHRASE)',
      id: 'id-ops-(sensitive: env.MY_PHRASE)',
      liveVersion: '(sensitive)',
    });
    const again = (await planFor(yaml, lives, env, {}, shownScope)).plan;
    expect(() => assertSamePlan(saved, again, file)).not.toThrow();
    // Planned for another (printed) scope: refused.
    const elsewhere = (await planFor(yaml, lives, env, {}, { region: '(sensitive: env.OTHER)', instanceId: 'i' })).plan;
    expect(() => assertSamePlan(saved, elsewhere, file)).toThrow(/the plan was made for/);
  });
});

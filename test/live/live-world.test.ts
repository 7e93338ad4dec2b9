/**
 * The live battery's own parts, without a real account (this file is part of `npm test`; the
 * live run itself is `npm run test:live`, test/live/battery.live.ts):
 * - liveSetup: when the environment lets it run, and the reason it gives when not;
 * - `test:live` exists and `npm test` does not pick the live file up;
 * - a rehearsal: the live fixtures and world, pointed at the sandbox, pass the whole battery on
 *   prefixed names and leave nothing behind; the cleanup deletes only the run's resources, and
 *   the world refuses an instance where connectform already manages others.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { runBattery, type BatteryFixture } from '../battery/battery.js';
import { customActionFixture, OPS_CHANNEL } from '../battery/fixtures/custom-action.js';
import { lexChannelAssociationFixture } from '../battery/fixtures/lex-channel-association.js';
import { ruleFixture } from '../battery/fixtures/rule.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';
import { INSTANCE, postCallRule, planOf, ROOT, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { LIVE_DEFAULTS, liveSetup, runPrefix, type LiveTarget } from './live-env.js';
import { deleteOurs, liveFixture, liveKinds, liveWorld, targetSpec } from './live-world.js';

const FIXTURES = [
  ruleFixture,
  taskTemplateFixture,
  customActionFixture,
  lexChannelAssociationFixture,
] as unknown as BatteryFixture[];

describe('liveSetup', () => {
  it('skips, naming every missing variable, without an instance, a region or credentials', () => {
    const none = liveSetup({});
    expect(none).toEqual({
      configured: false,
      reason: expect.stringMatching(
        /^live battery skipped: set CONNECTFORM_LIVE_INSTANCE_ID .*, AWS_REGION, AWS_PROFILE/,
      ),
    });
    const noCredentials = liveSetup({ CONNECTFORM_LIVE_INSTANCE_ID: 'i-1', AWS_REGION: 'us-east-1' });
    expect(noCredentials.configured).toBe(false);
    expect(!noCredentials.configured && noCredentials.reason).toMatch(/set AWS_PROFILE \(or AWS_ACCESS_KEY_ID/);
    expect(liveSetup({ CONNECTFORM_LIVE_INSTANCE_ID: 'i-1', AWS_PROFILE: 'p' }).configured).toBe(false); // no region
  });

  it('runs with an instance, a region and a profile, keys or a web identity; names get a fresh prefix', () => {
    const base = { CONNECTFORM_LIVE_INSTANCE_ID: 'i-1', AWS_REGION: 'eu-west-2' };
    const withProfile = liveSetup({ ...base, AWS_PROFILE: 'cc-test' }, 0, () => 0);
    expect(withProfile).toEqual({
      configured: true,
      target: {
        instanceId: 'i-1',
        region: 'eu-west-2',
        profile: 'cc-test',
        prefix: 'cfl-000-',
        contactFlow: LIVE_DEFAULTS.contactFlow,
        selfAssignFlow: LIVE_DEFAULTS.selfAssignFlow,
        chatConfigurations: [],
      },
    });
    expect(liveSetup({ ...base, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }).configured).toBe(true);
    expect(liveSetup({ ...base, AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }).configured).toBe(true);
    const a = runPrefix(1_700_000_000_000, () => 0.5);
    expect(a).toMatch(/^cfl-[0-9a-z]{8}-$/);
    expect(runPrefix(1_700_000_000_001, () => 0.5)).not.toBe(a);
  });

  it('is `npm run test:live`, on its own config; `npm test` (vitest.config.ts) never includes the live file', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test:live']).toBe('vitest run --config vitest.live.config.ts');
    expect(pkg.scripts.test).not.toMatch(/live/);
    const main = readFileSync(join(ROOT, 'vitest.config.ts'), 'utf8');
    expect(main).toMatch(/include: \['test\/\*\*\/\*\.test\.ts'\]/);
    expect('battery.live.ts').not.toMatch(/\.test\.ts$/);
    expect(readFileSync(join(ROOT, 'vitest.live.config.ts'), 'utf8')).toMatch(
      /include: \['test\/live\/\*\*\/\*\.live\.ts'\]/,
    );
  });
});

describe('live fixtures', () => {
  const t: LiveTarget = {
    instanceId: 'i-1',
    region: 'us-east-1',
    prefix: 'cfl-x-',
    contactFlow: 'Inbound',
    selfAssignFlow: 'Transfer',
    chatConfigurations: [],
  };

  it('cover the kinds an API can create, with every created name under the prefix and the instance own references', () => {
    expect(liveKinds(FIXTURES).map((f) => f.kind)).toEqual(['rule', 'taskTemplate', 'customAction']);
    const rules = liveFixture(ruleFixture as unknown as BatteryFixture, t);
    // The Zendesk rule needs an integration the instance may not have: left out without one.
    expect(rules.base.map((b) => b.Name)).toEqual(['cfl-x-escalate-negative-sentiment', 'cfl-x-low-evaluation-score']);
    expect(JSON.stringify(rules.base)).toContain('{"name":"Inbound"}');
    expect(JSON.stringify(rules.base)).not.toContain('Escalation');
    expect(rules.oneFieldChange(rules.base)).toMatchObject({
      name: 'cfl-x-low-evaluation-score',
      expectPath: expect.stringMatching(/^Function\.RuleFunction\.Operands\[/),
    });
    const withIntegration = liveFixture(ruleFixture as unknown as BatteryFixture, {
      ...t,
      integrationAssociationId: 'ia-1',
    });
    expect(withIntegration.base).toHaveLength(3);
    expect(withIntegration.base[2].TriggerEventSource).toEqual({
      EventSourceName: 'OnZendeskTicketCreate',
      IntegrationAssociationId: 'ia-1',
    });

    const templates = liveFixture(taskTemplateFixture as unknown as BatteryFixture, t);
    expect(templates.base[0]).toMatchObject({
      ContactFlowId: { name: 'Inbound' },
      SelfAssignFlowId: { name: 'Transfer' },
    });

    const actions = liveFixture(customActionFixture as unknown as BatteryFixture, t);
    expect(actions.base[0]).toMatchObject({ ActionName: 'cfl-x-describe-queue-alarm', AliasName: 'cfl-x-queue-alarm' });
    expect(actions.base.some((b) => 'ChatConfigurations' in b)).toBe(false);
    const linked = liveFixture(customActionFixture as unknown as BatteryFixture, {
      ...t,
      chatConfigurations: ['arn:aws:chatbot::111122223333:chat-configuration/slack-channel/real'],
    });
    expect(linked.base[0].ChatConfigurations).toEqual([
      'arn:aws:chatbot::111122223333:chat-configuration/slack-channel/real',
    ]);
    expect(actions.replaceChange!(actions.base)).toMatchObject({
      name: 'cfl-x-describe-queue-alarm-v2',
      lifecycle: { index: 0, renamedFrom: 'cfl-x-describe-queue-alarm' },
    });
  });
});

describe('a rehearsal of the live world against the sandbox', () => {
  let sandbox: SandboxHandle;
  /** Made when the tests are collected (the fixtures need the prefix); the endpoint once the sandbox runs. */
  const target = (): LiveTarget => ({
    instanceId: INSTANCE,
    region: 'us-east-2',
    endpoint: sandbox?.endpoint,
    prefix: runPrefix(Date.now(), Math.random),
    contactFlow: 'Escalation',
    selfAssignFlow: 'Default agent transfer',
    chatConfigurations: [OPS_CHANNEL],
  });
  const rehearsal = target();
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
    rehearsal.endpoint = sandbox.endpoint;
  });
  afterAll(async () => sandbox?.stop());

  /** The names of what connectform manages in the sandbox instance, per kind, under `prefix`. */
  const managedUnder = async (prefix: string) => {
    const dir = writeConfig(
      tempDir('live-check-'),
      { t: { endpoint: sandbox.endpoint } },
      { prune: ['rule', 'taskTemplate', 'customAction'] },
      { rules: [], taskTemplates: [], customActions: [] },
    );
    return planOf(await run(['plan', dir, '-f', 'json', '--refresh'], { cwd: dir }))
      .changes.filter((c) => c.name.startsWith(prefix))
      .map((c) => c.name);
  };

  describe('the battery on live fixtures', () => {
    for (const fx of liveKinds(FIXTURES)) {
      // The live world at the sandbox's pace (a real account keeps quota scale 1).
      runBattery(liveFixture(fx, rehearsal), async (dir, f) => ({
        ...(await liveWorld(rehearsal)(dir, f)),
        quotaScale: '50',
      }));
    }
  });

  it('leaves nothing under the prefix once every kind has run', async () => {
    expect(await managedUnder(rehearsal.prefix)).toEqual([]);
  });

  it('cleanup deletes the run own resources only; the world refuses an instance holding others', async () => {
    const t = target();
    const dir = tempDir('live-mixed-');
    writeConfig(
      dir,
      { t: { endpoint: sandbox.endpoint } },
      {},
      { rules: [postCallRule(`${t.prefix}ours`), postCallRule('someone-elses')] },
    );
    expect((await run(['apply', dir, '--auto-approve'], { cwd: dir })).code).toBe(0);
    const rules = ruleFixture as unknown as BatteryFixture;
    await expect(liveWorld(t)(dir, rules)).rejects.toThrow(
      /already holds connectform-managed rule\(s\) \(someone-elses\): the battery prunes, so run it on an instance of its own/,
    );
    await deleteOurs(t, rules);
    expect(await managedUnder(t.prefix)).toEqual([]);
    expect(await managedUnder('someone-elses')).toEqual(['someone-elses']);
    expect(targetSpec(t)).toEqual({ region: 'us-east-2', instanceId: INSTANCE, endpoint: sandbox.endpoint });
  });
});

/**
 * TargetSession, the one path from a config to a plan and an apply: which kinds it reads, that a
 * broken config fails before any AWS call, and a plan/apply/plan round against the in-process
 * sandbox (the CLI's tests cover the same path with argv on top).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { openSession } from '../helpers/session.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import type { KindName } from '../../src/kinds/types.js';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { actionBody, ruleBody } from '../faults/helpers.js';

const OFFLINE = { cacheDir: false, pendingDir: false } as const;

describe('TargetSession', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => sandbox?.stop());

  /** A config dir for the sandbox target: `settings` and `resources` as given. */
  const configDir = (settings: object, resources: Record<string, unknown[]>) =>
    writeConfig(tempDir('session-'), { sandbox: { endpoint: sandbox.endpoint } }, settings, resources);

  async function kindsFor(
    settings: object,
    resources: Record<string, unknown[]>,
    only?: KindName[],
  ): Promise<string[]> {
    const session = await openSession(configDir(settings, resources), undefined, { ...OFFLINE, kinds: only });
    try {
      return session.kinds.map((k) => k.name);
    } finally {
      session.close();
    }
  }

  describe('the kinds a session reads (selectKinds)', () => {
    it('only the kinds the config declares resources of', async () => {
      expect(await kindsFor({}, { rules: [ruleBody('r')] })).toEqual(['rule']);
    });

    it('with prune on, also a kind declared empty (its managed resources may be deleted)', async () => {
      expect(await kindsFor({ prune: true }, { rules: [ruleBody('r')], customActions: [] })).toEqual([
        'rule',
        'customAction',
      ]);
      // Without prune an empty list asks for nothing.
      expect(await kindsFor({}, { rules: [ruleBody('r')], customActions: [] })).toEqual(['rule']);
    });

    it('a prune list adds exactly the kinds it names', async () => {
      expect(await kindsFor({ prune: ['taskTemplate'] }, { rules: [ruleBody('r')] })).toEqual(['rule', 'taskTemplate']);
    });

    it('--kinds replaces the choice, and an unknown kind is a usage error naming the known ones', async () => {
      expect(await kindsFor({}, { rules: [ruleBody('r')] }, ['customAction'])).toEqual(['customAction']);
      const err = await kindsFor({}, { rules: [ruleBody('r')] }, ['rules' as KindName]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(
        'unknown kind(s) rules; known: rule, taskTemplate, customAction, lexChannelAssociation',
      );
    });
  });

  it('a broken config fails with every problem before any AWS call; opening a valid one calls nothing either', async () => {
    sandbox.resetStats();
    const broken = configDir(
      {},
      {
        rules: [{ ...ruleBody('r'), PublishStatus: 'LIVE' }],
        customActions: [{ ...actionBody('a'), AliasName: undefined, Definition: undefined }],
      },
    );
    const err = await openSession(broken, undefined, OFFLINE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const paths = (err as ConfigError).problems.filter((p) => p.severity === 'error').map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\[0\]\.PublishStatus/),
        expect.stringMatching(/^customActions\[0\]/),
      ]),
    );

    const session = await openSession(configDir({}, { rules: [ruleBody('r')] }), undefined, OFFLINE);
    session.close();
    expect(sandbox.stats().calls).toBe(0);
  });

  it('plans, applies, and then plans nothing against the sandbox', async () => {
    const dir = configDir({}, { rules: [ruleBody('session-rule', { tags: { team: 'care' } })] });
    const open = () => openSession(dir, undefined, { ...OFFLINE, quotaScale: 100 });

    const first = await open();
    try {
      const plan = await first.plan();
      expect(plan.changes.map((c) => [c.action, c.kind, c.name])).toEqual([['create', 'rule', 'session-rule']]);
      expect(plan.scope).toEqual({ region: 'us-east-2', instanceId: first.target.instanceId });
      const report = await first.apply(plan);
      expect(report.summary).toMatchObject({ ok: 1, failed: 0 });
      // Every call went through the session's clients and was counted there.
      expect(first.callStats()['connect:CreateRule']).toMatchObject({ calls: 1, failed: 0 });
    } finally {
      first.close();
    }

    const rule = Object.values(Object.values(sandbox.world.connect.instances)[0].rules).find(
      (r) => r.Name === 'session-rule',
    );
    expect(rule?.Tags).toEqual({ team: 'care', 'connectform:managed': 'true' });

    const second = await open();
    try {
      const again = await second.plan();
      expect(again.changes).toEqual([]);
      expect(again.summary.unchanged).toBe(1);
    } finally {
      second.close();
    }
  });
});

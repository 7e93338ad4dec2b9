/**
 * Lex V1, honestly (issue #12 point 6, issue #11 point 8), through the CLI against the sandbox:
 * - an association declared without botConfiguration does not manage it: no row, no change;
 * - `prune: true` never deletes Lex associations (connectform cannot tell who made them and no
 *   API can re-create them); `prune: [lexChannelAssociation]` does, and the plan says the deletes
 *   are for good;
 * - past end of support: with the sandbox's `lexV1: 'retired'` (every Lex V1 call fails, as AWS
 *   announced for 2025-09-15), a config without Lex never calls it, and one with Lex gets one line
 *   naming the target, the operation and AWS's answer, with no stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { lexChannelAssociationFixture as fixture } from '../battery/fixtures/lex-channel-association.js';
import { postCallRule, planDocumentOf, planOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

const withoutSecrets = (b: Record<string, unknown>) => {
  const { botConfiguration: _omitted, ...rest } = b;
  return rest;
};

describe('Lex V1 associations while the API answers', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => sandbox?.stop());

  const plan = async (dir: string, settings: object, lex: object[]) => {
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, settings, { lexChannelAssociations: lex });
    const r = await run(['plan', dir, '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return planOf(r);
  };

  it('declared without botConfiguration: nothing to change (the secrets are not managed)', async () => {
    const p = await plan(tempDir('lex-omit-'), {}, fixture.base.map(withoutSecrets));
    expect(p.changes).toEqual([]);
    expect(p.summary.unchanged).toBe(fixture.base.length);
  });

  it('prune: true leaves undeclared associations alone and says why; listing the kind deletes them for good', async () => {
    const dir = tempDir('lex-prune-');
    const kept = fixture.base.slice(1);
    const all = await plan(dir, { prune: true }, kept);
    expect(all.changes).toEqual([]);
    expect(all.unmanaged).toEqual([{ kind: 'lexChannelAssociation', name: 'OrderFlowers/prod/orders_slack' }]);
    expect(all.notes).toContain(
      '1 Lex V1 bot channel association(s) not in the config are left alone: prune: true never deletes what no API can re-create; list lexChannelAssociation in settings.prune to delete them',
    );

    const listed = await plan(dir, { prune: ['lexChannelAssociation'] }, kept);
    expect(listed.changes.map((c) => [c.name, c.action, c.reason])).toEqual([
      [
        'OrderFlowers/prod/orders_slack',
        'delete',
        'not in the config, and settings.prune lists lexChannelAssociation; no API can re-create it',
      ],
    ]);
    expect(listed.notes).toContain(
      '1 Lex V1 bot channel association(s) not in the config will be deleted (settings.prune lists lexChannelAssociation); they cannot be re-created by any API',
    );
  });
});

describe('Lex V1 past end of support (sandbox lexV1: retired)', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false, lexV1: 'retired' });
  });
  afterAll(async () => sandbox?.stop());

  it('a config without Lex never calls it; one with Lex fails in one line naming the operation and what AWS said', async () => {
    const dir = tempDir('lex-retired-');
    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      { prune: true },
      { rules: [postCallRule('lex-retired-rule')] },
    );
    sandbox.resetStats();
    const rules = await run(['plan', dir, '-f', 'json'], { cwd: dir });
    expect(rules.code, rules.stderr).toBe(0);
    expect(Object.keys(sandbox.stats().operations).filter((op) => op.startsWith('lex'))).toEqual([]);

    writeConfig(
      dir,
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { lexChannelAssociations: fixture.base.map(withoutSecrets) },
    );
    const lex = await run(['plan', dir, '-f', 'json'], { cwd: dir });
    expect(lex.code).toBe(1);
    const line = /^Error: .*$/m.exec(lex.stderr)?.[0] ?? '';
    expect(line).toMatch(
      /target dev: lex:GetBots failed for Lex V1 bots: BadRequestException: Amazon Lex V1 reached end of support on 2025-09-15/,
    );
    expect(lex.stderr).not.toMatch(/\n\s+at /);
    expect(planDocumentOf(lex).errors).toEqual([
      { target: 'dev', message: expect.stringMatching(/lex:GetBots failed .*end of support/) },
    ]);
  });
});

/**
 * UpdateCustomAction has two readings for members left out: kept (AWS's own example for the
 * operation: "Updates the command text of a custom action without altering the existing alias
 * name or attachment criteria", sending only CustomActionArn and Definition) or cleared (nothing
 * in the API reference rules it out). connectform sends every member it manages on each update
 * (an empty Attachments list to remove them; removing AliasName is a replace), so either reading
 * converges. The sandbox keeps by default; `customActionUpdateOmitted: 'clear'` is the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { customActionFixture } from '../battery/fixtures/custom-action.js';
import { customActionArn } from '../../src/sandbox/world.js';
import type { Body } from '../../src/kinds/types.js';

describe.each(['keep', 'clear'] as const)('UpdateCustomAction, members left out: %s', (reading) => {
  let sandbox: SandboxHandle;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false, customActionUpdateOmitted: reading });
    dir = tempDir('custom-action-update-');
  });
  afterAll(async () => sandbox?.stop());

  const cli = (cmd: string, ...extra: string[]) =>
    runCliInProcess([cmd, dir, '--quota-scale', '50', ...extra], { cwd: dir });
  const stored = () => sandbox.world.chatbot.customActions[customActionArn('123456789012', 'describe-queue-alarm')];
  /** Declare `body`, apply, and check the second plan is empty; what the apply did comes back. */
  const converge = async (body: Body) => {
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, {}, { customActions: [body] });
    const a = await cli('apply', '--auto-approve');
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(planOf(await cli('plan', '--format', 'json')).changes).toEqual([]);
    // The plan apply showed: "Plan: 1 to create, 0 to update, 0 to replace, 0 to delete".
    const [, create, update, replace] = /Plan: (\d+) to create, (\d+) to update, (\d+) to replace/
      .exec(a.stdout)!
      .map(Number);
    return [...Array(create).fill('create'), ...Array(update).fill('update'), ...Array(replace).fill('replace')];
  };

  it('a new command text, a new alias, attachments removed, the alias removed: each converges in one apply', async () => {
    const base = structuredClone(customActionFixture.base[0]);
    expect(await converge(base)).toEqual(['create']);

    expect(
      await converge({
        ...base,
        Definition: { CommandText: 'cloudwatch describe-alarm-history --alarm-name $AlarmName' },
      }),
    ).toEqual(['update']);
    expect(stored().AliasName).toBe('queue-alarm');
    expect(stored().Attachments).toHaveLength(1);

    expect(await converge({ ...base, AliasName: 'alarm' })).toEqual(['update']);
    expect(stored().AliasName).toBe('alarm');

    const { Attachments: _dropped, ...withoutAttachments } = base;
    expect(await converge({ ...withoutAttachments, AliasName: 'alarm' })).toEqual(['update']);
    expect(stored().Attachments ?? []).toEqual([]);
    expect(stored().AliasName).toBe('alarm');

    // AliasName has min length 1: no update can clear it under the "keep" reading, so it is a replace.
    const { AliasName: _alias, ...withoutAlias } = withoutAttachments;
    expect(await converge({ ...withoutAlias, Attachments: base.Attachments })).toEqual(['replace']);
    expect(stored().AliasName).toBeUndefined();
  });
});

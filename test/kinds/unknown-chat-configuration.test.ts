/**
 * A declared chat configuration that does not exist is reported in the log and skipped, as
 * docs/KINDS.md documents, never the end of the whole plan. ListAssociations declares no errors,
 * so what AWS answers for an unknown configuration is not documented (docs/FIDELITY.md, known
 * unknowns): the sandbox answers the service's InvalidRequestException, and connectform takes
 * that or a not-found alike. The skipped configuration is never a difference (the plan converges)
 * and no write call names it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { OPS_CHANNEL } from '../battery/fixtures/custom-action.js';
import { customActionArn } from '../../src/sandbox/world.js';

const GONE = 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/gone';
let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

describe('an unknown chat configuration', () => {
  it('is logged and skipped: the plan goes on, the action is created and linked to the others, the second plan is empty', async () => {
    const dir = tempDir('unknown-chat-');
    const action = {
      ActionName: 'page-oncall',
      AliasName: 'page',
      Definition: { CommandText: 'sts get-caller-identity' },
      ChatConfigurations: [GONE, OPS_CHANNEL],
    };
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, {}, { customActions: [action] });
    const cli = (cmd: string, ...extra: string[]) =>
      runCliInProcess([cmd, dir, '--quota-scale', '50', ...extra], { cwd: dir });

    const p = await cli('plan', '--format', 'json', '--debug');
    expect(p.code, p.stderr).toBe(0);
    expect(planOf(p).changes.map((c) => [c.name, c.action])).toEqual([['page-oncall', 'create']]);
    expect(p.stderr).toContain(
      `chat configuration ${GONE} does not exist in this account (chatbot:ListAssociations: InvalidRequestException); skipped`,
    );

    sandbox.resetStats();
    const a = await cli('apply', '--auto-approve', '--debug');
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stderr).toContain(
      `custom action "page-oncall": chat configuration ${GONE} does not exist in this account; not linked`,
    );
    expect(sandbox.stats().operations['chatbot:AssociateToConfiguration']).toMatchObject({ calls: 1, errors: 0 });
    expect(sandbox.world.chatbot.chatConfigurations[OPS_CHANNEL].associations).toEqual([
      customActionArn('123456789012', 'page-oncall'),
    ]);

    const again = await cli('plan', '--format', 'json');
    expect(again.code, again.stderr).toBe(0);
    expect(planOf(again).changes).toEqual([]);
  });
});

/**
 * SIGTERM (what CI runners and `kill` send) during apply is handled like the first Ctrl-C
 * (issue 13, point 3): nothing new starts, the change under way finishes, the report says what
 * was not applied, exit 130, and a re-run converges. A real signal to a real process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess, tempDir, writeConfig, postCallRule } from '../helpers/cli.js';
import { until } from './helpers.js';
import { spawnCli } from './spawn-cli.js';

const NAMES = ['term-1', 'term-2', 'term-3', 'term-4', 'term-5'];

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false, latencyMs: 250 }); // slow, so the signal lands mid-apply
});
afterAll(async () => sandbox?.stop());

const creates = () => sandbox.stats().operations['connect:CreateRule']?.calls ?? 0;

describe('SIGTERM during apply', () => {
  it('finishes the change under way, starts nothing new, reports, exits 130; a re-run converges', async () => {
    const dir = tempDir('sigterm-');
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { rules: NAMES.map((n) => postCallRule(n)) });
    const { child, done } = spawnCli(['apply', dir, '--auto-approve', '--parallelism', '1'], dir);
    await until(() => creates() >= 1, 180_000, 'the first create');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGTERM: finishing the changes under way/);
    expect(r.stdout).toMatch(/NOT RUN +create rule "term-5"/);
    expect(creates()).toBeLessThan(NAMES.length);
    const again = await runCliInProcess(['apply', dir, '--auto-approve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(creates()).toBe(NAMES.length);
    expect(planOf(await runCliInProcess(['plan', dir, '--format', 'json'], { cwd: dir })).changes).toEqual([]);
  });
});

/**
 * Ctrl-C during apply, with a real signal to a real process (the point of spawning here): the
 * first SIGINT starts no new change, lets the ones under way finish, says what was and was not
 * applied and exits 130; a second one exits at once; re-running converges without duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess, tempDir, writeConfig, postCallRule } from '../helpers/cli.js';
import { KillProxy, until } from './helpers.js';
import { spawnCli } from './spawn-cli.js';

const rule = (name: string) => postCallRule(name);
const NAMES = ['sig-1', 'sig-2', 'sig-3', 'sig-4', 'sig-5', 'sig-6'];

let sandbox: SandboxHandle;
beforeAll(async () => {
  // Slow answers so the signal lands while changes remain.
  sandbox = await startSandbox({ quotas: false, latencyMs: 250 });
});
afterAll(async () => sandbox?.stop());

const creates = () => sandbox.stats().operations['connect:CreateRule']?.calls ?? 0;

describe('SIGINT during apply', () => {
  it('first signal: changes under way finish, nothing new starts, exit 130; a re-run converges', async () => {
    const dir = tempDir('sigint-');
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { rules: NAMES.map(rule) });
    sandbox.resetStats();
    const { child, done } = spawnCli(['apply', dir, '--auto-approve', '--parallelism', '1'], dir);
    await until(() => creates() >= 1, 180_000, 'the first create');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: finishing the changes under way/);
    expect(r.stderr).toMatch(
      /Interrupted: the changes under way finished, nothing new was started; run apply again to converge/,
    );
    expect(r.stdout).toMatch(/NOT RUN +create rule "sig-6"/);
    const started = creates();
    expect(started).toBeLessThan(NAMES.length);

    const again = await runCliInProcess(['apply', dir, '--auto-approve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(creates()).toBe(NAMES.length); // every rule created exactly once
    expect(planOf(await runCliInProcess(['plan', dir, '--format', 'json'], { cwd: dir })).changes).toEqual([]);
  });

  it('a second signal stops at once', async () => {
    const dir = tempDir('sigint2-');
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { rules: NAMES.map((n) => rule(`${n}-b`)) });
    sandbox.resetStats();
    const { child, done } = spawnCli(['apply', dir, '--auto-approve', '--parallelism', '1'], dir);
    await until(() => creates() >= 1, 180_000, 'the first create');
    let stderr = '';
    child.stderr!.on('data', (c: string) => (stderr += c));
    child.kill('SIGINT');
    // Two signals sent back to back may arrive as one (POSIX does not queue them): the second
    // goes once the first has been handled.
    await until(() => stderr.includes('finishing the changes under way'), 180_000, 'the first signal handled');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopped at once; changes under way may not have finished/);
    const again = await runCliInProcess(['apply', dir, '--auto-approve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(planOf(await runCliInProcess(['plan', dir, '--format', 'json'], { cwd: dir })).changes).toEqual([]);
  });
});

describe('a change under way that never finishes', () => {
  it('is waited for only the grace period (CONNECTFORM_INTERRUPT_GRACE_MS), then the process says so and exits 130; a re-run converges', async () => {
    // A sandbox of its own without the slow answers: here the hang is the proxy's, on one call.
    const fast = await startSandbox({ quotas: false });
    const proxy = new KillProxy(fast.endpoint);
    const endpoint = await proxy.start();
    try {
      const dir = tempDir('sigint-grace-');
      writeConfig(dir, { dev: { endpoint } }, {}, { rules: [rule('grace-1'), rule('grace-2')] });
      // The first CreateRule hangs (the proxy never answers): a call that outlives the grace.
      let held = false;
      proxy.arm(undefined, (r) => {
        if (r.api !== 'connect:CreateRule' || held) return 'forward';
        held = true;
        return 'hold';
      });
      const { child, done } = spawnCli(['apply', dir, '--auto-approve', '--parallelism', '1'], dir, {
        CONNECTFORM_INTERRUPT_GRACE_MS: '1500',
      });
      await until(() => proxy.held === 1, 180_000, 'the held create');
      child.kill('SIGINT');
      const r = await done;
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/finishing the changes under way \(at most 1\.5s\)/);
      expect(r.stderr).toMatch(/The changes under way did not finish in time; stopped\. Run apply again to converge\./);
      proxy.disarm();
      const again = await runCliInProcess(['apply', dir, '--auto-approve'], { cwd: dir });
      expect(again.code, again.stderr).toBe(0);
      expect(planOf(await runCliInProcess(['plan', dir, '--format', 'json'], { cwd: dir })).changes).toEqual([]);
    } finally {
      await proxy.stop();
      await fast.stop();
    }
  });
});

/**
 * Several targets in one run: each is planned and applied on its own, one failing target never
 * hides the others, apply reports each target as it finishes and ends with a per-target summary,
 * and an interrupt starts nothing new (the rest is reported as not started).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planOf, runCliInProcess as run, tempDir, writeConfig, postCallRule } from '../helpers/cli.js';

const OTHER_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';
const rule = (name: string) => postCallRule(name);

let sandbox: SandboxHandle;
beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: OTHER_INSTANCE });
  sandbox = await startSandbox({ seed, quotas: false });
});
afterAll(async () => sandbox?.stop());

/** staging works; broken points at a closed port (connection refused at once). */
function twoTargets(names: string[]) {
  const dir = tempDir('multi-');
  writeConfig(
    dir,
    {
      staging: { endpoint: sandbox.endpoint, vars: { env: 'staging' } },
      broken: { endpoint: 'http://127.0.0.1:1', instanceId: OTHER_INSTANCE, vars: { env: 'broken' } },
    },
    {},
    { rules: names.map((n) => rule(`${n}-\${var.env}`)) },
  );
  return dir;
}

describe('one failing target never hides the others', () => {
  it('plan prints every reachable target and names the failing one; exit 1', async () => {
    const dir = twoTargets(['mt-plan']);
    const r = await run(['plan', dir, '-t', 'all', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(planOf(r).changes.map((c) => c.name)).toEqual(['mt-plan-staging']);
    expect(r.stderr).toMatch(/^Error: target broken: .*ECONNREFUSED/m);
  });

  it('apply applies staging, reports broken as failed, and ends with a summary', async () => {
    const dir = twoTargets(['mt-apply']);
    const r = await run(['apply', dir, '-t', 'all', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Apply on staging:[\s\S]*ok +create rule "mt-apply-staging"/);
    expect(r.stderr).toMatch(
      /Summary:\n {2}staging: applied \(1 applied, 0 failed, 0 restored\)\n {2}broken: failed\n/,
    );
    const again = await run(['plan', dir, '-t', 'staging', '--format', 'json'], { cwd: dir });
    expect(planOf(again).changes).toEqual([]);
  });

  it('apply -f json prints one document: every target, its plan and its report', async () => {
    const dir = twoTargets(['mt-json']);
    const r = await run(['apply', dir, '-t', 'all', '--auto-approve', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout); // one document, or this throws
    expect(doc.targets).toEqual([
      { target: 'staging', status: 'applied' },
      { target: 'broken', status: 'failed' },
    ]);
    expect(doc.errors).toEqual([{ target: 'broken', message: expect.stringMatching(/ECONNREFUSED/) }]);
    expect(doc.plans.map((p: { target: string }) => p.target)).toEqual(['staging']);
    expect(doc.reports[0].summary).toMatchObject({ ok: 1, failed: 0 });
  });

  it('a "no" at the prompt is reported as not applied, and exits 1', async () => {
    const dir = twoTargets(['mt-no']);
    const r = await run(['apply', dir, '-t', 'staging'], { cwd: dir, tty: true, stdin: 'no\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Not applied to staging\.[\s\S]*apply cancelled/);
    expect(planOf(await run(['plan', dir, '-t', 'staging', '--format', 'json'], { cwd: dir })).changes).toHaveLength(1);
  });
});

describe('interrupt', () => {
  it('stops starting changes once interrupted, reports the rest as not started (exit 130), and a re-run converges', async () => {
    // Slow answers and one change at a time, so the interrupt lands while changes remain.
    const slow = await startSandbox({ quotas: false, latencyMs: 150 });
    try {
      const dir = tempDir('interrupt-');
      writeConfig(
        dir,
        { staging: { endpoint: slow.endpoint } },
        {},
        { rules: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'].map(rule) },
      );
      const controller = new AbortController();
      const interrupt = { signal: controller.signal, applying: false };
      const applying = run(['apply', dir, '--auto-approve', '--parallelism', '1'], { cwd: dir, interrupt });
      const creates = () => slow.stats().operations['connect:CreateRule']?.calls ?? 0;
      await vi.waitFor(() => expect(creates()).toBeGreaterThanOrEqual(1), { timeout: 5000 });
      expect(interrupt.applying).toBe(true);
      controller.abort();
      const r = await applying;
      expect(r.code).toBe(130);
      expect(creates()).toBeLessThan(5);
      expect(r.stdout).toMatch(/NOT RUN +create rule "i-5"/);
      expect(r.stdout).toMatch(/[1-4] not started \(interrupted\)/);
      expect(r.stderr).toMatch(
        /Interrupted: the changes under way finished, nothing new was started; run apply again to converge/,
      );
      const again = await run(['apply', dir, '--auto-approve'], { cwd: dir });
      expect(again.code, again.stderr).toBe(0);
      expect(planOf(await run(['plan', dir, '--format', 'json'], { cwd: dir })).changes).toEqual([]);
      expect(creates()).toBe(5); // each rule created once: no duplicate from the interrupted run
    } finally {
      await slow.stop();
    }
  });
});

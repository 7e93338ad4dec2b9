/**
 * Convergence after a change of tags only. TagResource does not move a rule's LastUpdatedTime
 * or a task template's LastModifiedTime (not in AWS, not in the sandbox), and the snapshot
 * cache trusts exactly that stamp. Found while building sigkill-a/-b.e2e.test.ts (whose variants now
 * change tags too).
 *
 * Regression: the plan that preceded the tag change saved the old tags in the cache and nothing
 * evicted them after the apply, so every later plan showed the same tag change again and every
 * later apply failed ("it changed since the plan read it from the snapshot cache"); only
 * `--refresh` got out. Apply now drops what it changes from the cache before its first write.
 * This proves the plan after the apply is empty, a second apply is a no-op, and `--refresh`
 * agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess as runCli, tempDir } from '../helpers/cli.js';
import { ruleBody, templateBody, writeDesired } from './helpers.js';

describe('a tag-only change converges', () => {
  let sandbox: SandboxHandle;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
    dir = tempDir('faults-tags-');
  });
  afterAll(async () => sandbox?.stop());

  const run = (cmd: string, ...extra: string[]) =>
    runCli([cmd, dir, '--format', 'json', '--quota-scale', '100', ...extra], { cwd: dir });
  const configure = (v: string) =>
    writeDesired(dir, sandbox.endpoint, {
      rules: [ruleBody('tagged-rule', { tags: { team: v } })],
      taskTemplates: [templateBody('Tagged template', { tags: { queue: v } })],
      customActions: [],
    });

  it('the plan after applying a tag change is empty, and apply stays a no-op', async () => {
    configure('a');
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    configure('b');
    let plan = await run('plan');
    expect(planOf(plan).changes.map((c) => [c.name, c.fields.map((f) => f.path)])).toEqual([
      ['tagged-rule', ['Tags.team']],
      ['Tagged template', ['Tags.queue']],
    ]);
    const applied = await run('apply', '--auto-approve');
    expect(applied.code, applied.stderr).toBe(0);

    // The world has the new tags...
    const inst = Object.values(sandbox.world.connect.instances)[0];
    expect(Object.values(inst.rules)[0].Tags.team).toBe('b');
    expect(Object.values(inst.taskTemplates)[0].Tags.queue).toBe('b');

    // ...so the next plan must be empty and the next apply a no-op.
    plan = await run('plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(
      planOf(plan).changes.map((c) => `${c.action} ${c.name}: ${c.fields.map((f) => f.path).join(', ')}`),
      'phantom changes after the apply',
    ).toEqual([]);
    sandbox.resetStats();
    const again = await run('apply', '--auto-approve');
    expect(again.code, `the second apply fails:\n${again.stderr}`).toBe(0);
    expect(sandbox.stats().writeCalls, 'the second apply wrote').toBe(0);

    // --refresh, reading everything again instead of trusting the cache, agrees.
    const refreshed = await run('plan', '--refresh');
    expect(planOf(refreshed).changes).toEqual([]);
  });
});

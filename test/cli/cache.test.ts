/**
 * Incremental plans: the snapshot cache skips describing what did not change, `--refresh`
 * reads everything, and a wrong cache can never make apply act on a wrong plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess as runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';
import { exampleFunction, exampleFunctionJson } from '../helpers/rule-function.js';

const rule = (i: number) => ({
  Name: `cached-${i}`,
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
  Function: exampleFunction('OnPostCallAnalysisAvailable', i),
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `cached-${i}` } }],
});
const RULES = Array.from({ length: 12 }, (_, i) => rule(i));

let sandbox: SandboxHandle;
let dir: string;
const cli = (...args: string[]) => runCli([...args, '--quota-scale', '50'], { cwd: dir });
const describes = () => sandbox.stats().operations['connect:DescribeRule']?.calls ?? 0;

beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
  dir = tempDir('cache-');
  writeConfig(dir, { t: { endpoint: sandbox.endpoint } }, {}, { rules: RULES });
  expect((await cli('apply', dir, '--auto-approve')).code).toBe(0);
});
afterAll(async () => sandbox?.stop());

describe('snapshot cache', () => {
  it('describes only what changed since the last run', async () => {
    await cli('plan', dir); // warms the cache
    sandbox.resetStats();
    const warm = await cli('plan', dir, '--format', 'json');
    expect(describes()).toBe(0);
    expect(planOf(warm).changes).toEqual([]);
    const log = planOf(warm).log ?? [];
    expect(log.join(' ')).toMatch(/12 resource\(s\) .* snapshot cache/);
    expect(log.filter((n) => n.length > 100)).toEqual([]); // printed on every plan: one short line

    // One rule changes out of band: only that one is described again.
    const other = tempDir('cache-other-');
    writeConfig(
      other,
      { t: { endpoint: sandbox.endpoint } },
      {},
      { rules: [{ ...RULES[3], Function: exampleFunction('OnPostCallAnalysisAvailable', 300) }] },
    );
    expect(
      (await runCli(['apply', other, '--auto-approve', '--quota-scale', '50', '--kinds', 'rule'], { cwd: other })).code,
    ).toBe(0);
    sandbox.resetStats();
    const p = planOf(await cli('plan', dir, '--format', 'json'));
    expect(describes()).toBe(1);
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([['cached-3', 'update']]);
    expect((await cli('apply', dir, '--auto-approve')).code).toBe(0);
  });

  it('--refresh describes everything', async () => {
    sandbox.resetStats();
    expect(planOf(await cli('plan', dir, '--format', 'json', '--refresh')).changes).toEqual([]);
    expect(describes()).toBe(12);
  });

  it('a wrong cache cannot make apply act: the cached resource is re-read and the change refused', async () => {
    await cli('plan', dir);
    const cacheDir = join(dir, '.connectform', 'cache');
    const [file] = readdirSync(cacheDir);
    const doc = JSON.parse(readFileSync(join(cacheDir, file), 'utf8'));
    const entry = doc.entries.find(([, e]: [string, { live: { key: string } }]) => e.live.key === 'cached-5')[1];
    entry.live.body.Function = exampleFunctionJson('OnPostCallAnalysisAvailable', 999); // the cache now lies about cached-5
    writeFileSync(join(cacheDir, file), JSON.stringify(doc));

    const lying = planOf(await cli('plan', dir, '--format', 'json'));
    expect(lying.changes.map((c) => c.name)).toEqual(['cached-5']); // the plan says it trusted the cache
    sandbox.resetStats();
    const apply = await cli('apply', dir, '--auto-approve');
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toMatch(/changed since the plan read it from the snapshot cache/);
    expect(sandbox.stats().operations['connect:UpdateRule']).toBeUndefined();
    expect(planOf(await cli('plan', dir, '--format', 'json', '--refresh')).changes).toEqual([]);
  });
});

describe('a run keeps the cache entries of the kinds it did not read', () => {
  const cacheKeys = (d: string) => {
    const cacheDir = join(d, '.connectform', 'cache');
    return readdirSync(cacheDir).flatMap((f) =>
      (JSON.parse(readFileSync(join(cacheDir, f), 'utf8')).entries as [string][]).map(([key]) => key),
    );
  };

  // A world of its own: pruning here must not see the rules of the tests above.
  let world: SandboxHandle;
  beforeAll(async () => {
    world = await startSandbox({ quotas: false });
  });
  afterAll(async () => world?.stop());

  it('plan --kinds rule leaves the task templates cached; a rule that is gone leaves the cache', async () => {
    const calls = (op: string) => world.stats().operations[op]?.calls ?? 0;
    const d = tempDir('cache-kinds-');
    const mixed = (rules: typeof RULES) =>
      writeConfig(
        d,
        { t: { endpoint: world.endpoint } },
        { prune: ['rule'] },
        { rules, taskTemplates: taskTemplateFixture.base },
      );
    mixed(RULES.slice(0, 4).map((r) => ({ ...r, Name: `kinds-${r.Name}` })));
    const run = (...args: string[]) => runCli([...args, '--quota-scale', '50'], { cwd: d });
    const applied = await run('apply', d, '--auto-approve');
    expect(applied.code, applied.stderr).toBe(0);
    expect(planOf(await run('plan', d, '--format', 'json')).changes).toEqual([]); // warms both kinds
    const templates = taskTemplateFixture.base.length;
    expect(cacheKeys(d).filter((k) => k.startsWith('taskTemplate|'))).toHaveLength(templates);

    expect(planOf(await run('plan', d, '--format', 'json', '--kinds', 'rule')).changes).toEqual([]);
    expect(planOf(await run('plan', d, '--format', 'json', '--kinds', 'rule', '--refresh')).changes).toEqual([]);
    world.resetStats();
    expect(planOf(await run('plan', d, '--format', 'json')).changes).toEqual([]);
    expect(calls('connect:GetTaskTemplate')).toBe(0); // before: every template described again
    expect(calls('connect:DescribeRule')).toBe(0);

    // A rule deleted out of band (another checkout, its own cache): the next read of rules drops
    // its entry; the unread kind's entries stay.
    const before = cacheKeys(d).filter((k) => k.startsWith('rule|'));
    const other = tempDir('cache-kinds-other-');
    writeConfig(
      other,
      { t: { endpoint: world.endpoint } },
      { prune: ['rule'] },
      { rules: RULES.slice(0, 3).map((r) => ({ ...r, Name: `kinds-${r.Name}` })) },
    );
    expect(
      (await runCli(['apply', other, '--auto-approve', '--kinds', 'rule', '--quota-scale', '50'], { cwd: other })).code,
    ).toBe(0);
    mixed(RULES.slice(0, 3).map((r) => ({ ...r, Name: `kinds-${r.Name}` })));
    expect(planOf(await run('plan', d, '--format', 'json', '--kinds', 'rule')).changes).toEqual([]);
    const after = cacheKeys(d);
    expect(after.filter((k) => k.startsWith('rule|'))).toHaveLength(3);
    expect(before.filter((k) => !after.includes(k))).toHaveLength(1);
    expect(after.filter((k) => k.startsWith('taskTemplate|'))).toHaveLength(templates);
  });
});

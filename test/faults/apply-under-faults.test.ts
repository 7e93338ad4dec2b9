/**
 * Apply under injected faults, through the CLI, against the sandbox:
 *   - 10% 500/503, 5% dropped connections and real throttling (the CLI paces for a quota 5x the
 *     sandbox's): two applies at most reach an empty plan, with no duplicates and every change made;
 *   - every write's answer lost once after the server acted (a proxy drops it): the retries must
 *     be idempotent (ClientToken, delete-as-done, associate twice).
 * Fixed seeds throughout (sandbox randomSeed; fixed config).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planOf, runCliInProcess as runCli, tempDir, type CliResult } from '../helpers/cli.js';
import {
  KillProxy,
  ONCALL,
  OPS,
  actionBody,
  duplicatesIn,
  liveView,
  names,
  ruleBody,
  templateBody,
  writeDesired,
  type Desired,
  type RuleSource,
} from './helpers.js';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';

const SOURCES: RuleSource[] = [
  'OnPostCallAnalysisAvailable',
  'OnContactEvaluationSubmit',
  'OnPostChatAnalysisAvailable',
];
const CHANNELS = [[OPS], [OPS, ONCALL], [ONCALL]];

/** 12 rules, 8 task templates, 10 custom actions. */
function thirty(): Desired {
  return {
    rules: Array.from({ length: 12 }, (_, i) =>
      ruleBody(`fault-rule-${String(i).padStart(2, '0')}`, {
        source: SOURCES[i % 3],
        threshold: i + 1,
        ...(i % 4 === 0 ? { tags: { team: 'care', idx: String(i) } } : {}),
      }),
    ),
    taskTemplates: Array.from({ length: 8 }, (_, i) =>
      templateBody(`Fault template ${i}`, { flow: i, ...(i % 3 === 0 ? { tags: { queue: `q${i}` } } : {}) }),
    ),
    customActions: Array.from({ length: 10 }, (_, i) =>
      actionBody(`fault-action-${i}`, {
        channels: CHANNELS[i % 3],
        ...(i % 2 ? { tags: [{ TagKey: 'team', TagValue: 'ops' }] } : {}),
      }),
    ),
  };
}

/** Links per chat configuration the desired state asks for: action ARN sets. */
function desiredLinks(d: Desired): Record<string, string[]> {
  const out: Record<string, string[]> = { [OPS]: [], [ONCALL]: [] };
  for (const a of d.customActions) {
    for (const c of a.ChatConfigurations as string[])
      out[c].push(`arn:aws:chatbot::123456789012:custom-action/${a.ActionName as string}`);
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

/** The world holds exactly the desired resources: each once, each managed, links as declared. */
function expectWorldIs(sandbox: SandboxHandle, d: Desired): void {
  const view = liveView(sandbox.world);
  expect(duplicatesIn(view), 'duplicates in the world').toEqual([]);
  expect(names(view.rules)).toEqual(d.rules.map((b) => String(b.Name)).sort());
  expect(names(view.taskTemplates)).toEqual(d.taskTemplates.map((b) => String(b.Name)).sort());
  expect(names(view.customActions)).toEqual(d.customActions.map((b) => String(b.ActionName)).sort());
  const unmanaged = [...view.rules, ...view.taskTemplates, ...view.customActions]
    .filter((x) => !x.managed)
    .map((x) => x.name);
  expect(unmanaged, 'created by connectform, yet without its marker tag').toEqual([]);
  const links = Object.fromEntries(Object.entries(view.associations).map(([c, arns]) => [c, [...arns].sort()]));
  expect(links).toEqual(desiredLinks(d));
  for (const b of d.rules) {
    expect(view.ruleSources[String(b.Name)]).toBe(
      (b.TriggerEventSource as { EventSourceName: string }).EventSourceName,
    );
  }
}

describe('apply under 10% 5xx, 5% connection resets and throttling', () => {
  let sandbox: SandboxHandle;
  let dir: string;
  const desired = thirty();

  beforeAll(async () => {
    dir = tempDir('faults-apply-');
    sandbox = await startSandbox({
      seed: structuredClone(DEFAULT_SEED),
      statePath: join(dir, 'sandbox-state.json'),
      quotas: { ratePerSecond: 2, burst: 5 },
      quotaScale: 10, // 20 requests/s per API on the server...
      errorRate: 0.1,
      resetRate: 0.05,
      randomSeed: 20240611,
    });
    writeDesired(dir, sandbox.endpoint, desired);
  });
  afterAll(async () => sandbox?.stop());

  // ...while the CLI paces for 100/s: the sandbox throttles for real.
  const cli = (cmd: string, ...extra: string[]) =>
    runCli([cmd, dir, '--format', 'json', '--parallelism', '8', '--quota-scale', '50', ...extra], { cwd: dir });

  it('converges in at most 2 applies, with no duplicates, and the plan is then empty', async () => {
    const runs: CliResult[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await cli('apply', '--auto-approve');
      runs.push(r);
      if (r.code === 0) break;
    }
    const last = runs[runs.length - 1];
    expect(last.code, `apply did not converge in 2 runs:\n${runs.map((r) => r.stderr).join('\n---\n')}`).toBe(0);
    for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);

    const plan = await cli('plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(planOf(plan).changes, JSON.stringify(planOf(plan).changes, null, 1)).toEqual([]);
    expect(planOf(plan).summary.unchanged).toBe(30);

    expectWorldIs(sandbox, desired);

    // Prove the faults were real, not configured and then missed.
    const s = sandbox.stats();
    expect(s.throttled, 'throttled answers').toBeGreaterThan(0);
    expect(s.faults, 'injected 500/503 answers').toBeGreaterThan(0);
    expect(s.resets, 'dropped connections').toBeGreaterThan(0);
    // Among them, writes: the retried creates are the interesting ones for duplicates.
    const writeFaults = Object.entries(s.operations).filter(
      ([api, o]) => o.write && /Create/.test(api) && o.faults + o.resets + o.throttled > 0,
    );
    expect(writeFaults.length, 'faults on create calls').toBeGreaterThan(0);
  });

  it('a second round of changes (replace, update, prune) under the same faults also converges', async () => {
    const next = thirty();
    // replaces: TriggerEventSource is immutable
    for (const i of [0, 3]) {
      next.rules[i].TriggerEventSource = { EventSourceName: 'OnPostChatAnalysisAvailable' };
      next.rules[i].Function = exampleFunction('OnPostChatAnalysisAvailable', i);
    }
    // updates
    next.rules[1].Function = exampleFunction('OnContactEvaluationSubmit', 39);
    next.taskTemplates[2].Description = 'Changed under faults';
    (next.customActions[4].Definition as { CommandText: string }).CommandText = 'lambda invoke --function-name changed';
    next.customActions[5].ChatConfigurations = [OPS];
    // prune deletes: two of each kind (below the destroy threshold)
    next.rules.splice(10, 2);
    next.taskTemplates.splice(6, 2);
    next.customActions.splice(8, 2);
    writeDesired(dir, sandbox.endpoint, next, { prune: true });

    const runs: CliResult[] = [];
    for (let i = 0; i < 2; i++) {
      // 4 of 12 managed rules go (2 replaced, 2 pruned): over the 30% threshold, on purpose.
      const r = await cli('apply', '--auto-approve', '--force');
      runs.push(r);
      if (r.code === 0) break;
    }
    expect(runs[runs.length - 1].code, runs.map((r) => r.stderr).join('\n---\n')).toBe(0);
    const plan = await cli('plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(planOf(plan).changes).toEqual([]);
    expectWorldIs(sandbox, next);
  });
});

describe('every write answer lost once after the server acted', () => {
  let sandbox: SandboxHandle;
  let proxy: KillProxy;
  let dir: string;
  let endpoint: string;

  beforeAll(async () => {
    dir = tempDir('faults-lost-');
    sandbox = await startSandbox({ seed: structuredClone(DEFAULT_SEED), quotas: false, randomSeed: 7 });
    proxy = new KillProxy(sandbox.endpoint);
    endpoint = await proxy.start();
    // Drop the answer of the first attempt of every write (the retry is the same request).
    const firstSeen = new Set<string>();
    proxy.arm(undefined, (r) => {
      if (/:(Get|List|Describe)/.test(r.api)) return 'forward';
      const key = `${r.method} ${r.path} ${r.body}`;
      if (firstSeen.has(key)) return 'forward';
      firstSeen.add(key);
      return 'dropAnswer';
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await sandbox?.stop();
  });

  // The sandbox has no quotas here; the client's own pacing is scaled up to match.
  const cli = (cmd: string, ...extra: string[]) =>
    runCli([cmd, dir, '--format', 'json', '--parallelism', '8', '--quota-scale', '50', ...extra], { cwd: dir });

  it('creates, then replaces/updates/deletes, once each, and converges in one apply', async () => {
    const first = thirty();
    writeDesired(dir, endpoint, first, { prune: true });
    let r = await cli('apply', '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.dropped).toBeGreaterThanOrEqual(30);
    expectWorldIs(sandbox, first);

    const next = thirty();
    next.rules[0].TriggerEventSource = { EventSourceName: 'OnPostChatAnalysisAvailable' };
    next.rules[0].Function = exampleFunction('OnPostChatAnalysisAvailable');
    next.rules[2].Tags = { team: 'renamed' };
    next.taskTemplates[1].Description = 'lost answers';
    next.customActions[1].ChatConfigurations = [ONCALL];
    next.rules.splice(11, 1);
    next.taskTemplates.splice(7, 1);
    next.customActions.splice(9, 1);
    writeDesired(dir, endpoint, next, { prune: true });
    const before = proxy.dropped;
    r = await cli('apply', '--auto-approve', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.dropped - before).toBeGreaterThanOrEqual(8);

    const plan = await cli('plan', '--refresh');
    expect(plan.code, plan.stderr).toBe(0);
    expect(planOf(plan).changes).toEqual([]);
    expectWorldIs(sandbox, next);
  });
});

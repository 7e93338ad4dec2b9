/**
 * The many-targets scenarios: N targets (Connect instances) in one account and region, planned
 * together as `plan --target all` plans them (one account-wide quota budget for the run, every
 * target's plan at once), against a sandbox enforcing the account's quotas:
 *
 *  - one account: the targets alone spend the account's quota; the floor is the combined floor
 *    (all targets' calls of an API through the one bucket the server keeps for it);
 *  - background load: a simulated other client spends a share of every API's quota meanwhile;
 *    the floor is that of the remaining capacity (rate × (1 − load)).
 *
 * Targets declare rules and task templates only: those live in each instance, while custom
 * actions belong to the account (twenty targets would declare the same ones).
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { QuotaTable } from '../aws/pacing.js';
import { QuotaBudget } from '../aws/quota-budget.js';
import type { CallStats } from '../aws/clients.js';
import { loadAndValidate } from '../config/index.js';
import { TargetSession } from '../engine/session.js';
import { startSandbox, type ServerQuota } from '../sandbox/index.js';
import { addCallStats, emptyCallStats, type Phase } from './floor.js';
import { BENCH_REGION, benchInstances, generate, seedWithInstances, writeConfigDir } from './generate.js';
import { summarize, type ScenarioLimits, type ScenarioResult } from './scenarios.js';

export interface ManyTargetsOptions {
  targets: number;
  /** Rules and task templates of each target. */
  counts: { rules: number; taskTemplates: number };
  /** Share of each API's quota the other client spends in the second scenario. */
  backgroundLoad: number;
  quota: ServerQuota;
  quotaScale: number;
  latencyMs: [number, number];
  parallelism: number;
  randomSeed: number;
  workDir: string;
  log: (line: string) => void;
}

const now = () => performance.now();

export async function runManyTargetsScenarios(o: ManyTargetsOptions): Promise<ScenarioResult[]> {
  const set = generate({ ...o.counts, customActions: 0 });
  const instances = benchInstances(o.targets);
  const names = instances.map((_, i) => `t${String(i + 1).padStart(2, '0')}`);
  const targets = Object.fromEntries(names.map((n, i) => [n, { region: BENCH_REGION, instanceId: instances[i] }]));
  const dir = writeConfigDir(join(o.workDir, 'config-many'), set, { parallelism: o.parallelism }, targets);
  const seed = seedWithInstances(set, instances);
  const each = `${o.counts.rules} rules and ${o.counts.taskTemplates} task templates each`;
  const load = Math.round(o.backgroundLoad * 100);
  return [
    await planAll(o, dir, names, seed, 0, {
      name: `${o.targets} targets, one account`,
      limits: { ratio: 1.15, throttledShare: 0.01 },
      description: `plan --target all of ${o.targets} instances in one account and region (${each}), cache bypassed; floor: all targets' calls through the account's one bucket per API`,
    }),
    await planAll(o, dir, names, seed, o.backgroundLoad, {
      name: `${o.targets} targets, ${load}% load`,
      limits: { ratio: 1.25 },
      description: `the same while another client spends ${load}% of every API's quota; floor: the remaining capacity`,
    }),
  ];
}

async function planAll(
  o: ManyTargetsOptions,
  dir: string,
  names: string[],
  seed: ReturnType<typeof seedWithInstances>,
  backgroundLoad: number,
  what: { name: string; description: string; limits: ScenarioLimits },
): Promise<ScenarioResult> {
  const sandbox = await startSandbox({
    seed,
    quotas: { ...o.quota },
    quotaScale: o.quotaScale,
    latencyMs: o.latencyMs,
    randomSeed: o.randomSeed,
    backgroundLoad,
  });
  const problems: string[] = [];
  const phases: Phase[] = [];
  const declared = o.counts.rules + o.counts.taskTemplates;
  let unchanged = 0;
  let changes = 0;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  try {
    let t = now();
    // One budget for the run, as `withSessions` gives the CLI's targets.
    const quotaBudget = new QuotaBudget();
    const sessions = await Promise.all(
      names.map(async (name) =>
        TargetSession.create(await loadAndValidate(dir, name), {
          endpoint: sandbox.endpoint,
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
          quotaScale: o.quotaScale,
          parallelism: o.parallelism,
          cacheDir: false,
          pendingDir: false,
          quotaBudget,
        }),
      ),
    );
    const loadSeconds = (now() - t) / 1000;
    o.log(`${what.name}: ${names.length} targets loaded and validated in ${loadSeconds.toFixed(2)} s; running`);
    try {
      sandbox.resetStats();
      delay.enable();
      t = now();
      const settled = await Promise.allSettled(sessions.map((s) => s.plan()));
      delay.disable();
      phases.push({
        name: 'plan',
        wallSeconds: (now() - t) / 1000,
        server: sandbox.stats(),
        client: mergeCallStats(sessions.map((s) => s.callStats())),
      });
      settled.forEach((r, i) => {
        if (r.status === 'rejected') problems.push(`${names[i]}: ${(r.reason as Error)?.message ?? String(r.reason)}`);
        else {
          unchanged += r.value.summary.unchanged;
          changes += r.value.changes.length;
        }
      });
    } finally {
      for (const s of sessions) s.close();
    }
    if (unchanged !== declared * names.length)
      problems.push(`expected ${declared * names.length} unchanged in all, the plans say ${unchanged}`);
    if (changes) problems.push(`expected no change, the plans hold ${changes}`);
    const other = sandbox.backgroundStats();
    if (backgroundLoad) o.log(`${what.name}: the other client made ${other.requests} requests, ${other.served} served`);
    // The floor of what is left to connectform: every quota's rate × (1 − load).
    const quotas = new QuotaTable({}, o.quotaScale * (1 - backgroundLoad), o.quota);
    const zero = { create: 0, update: 0, replace: 0, delete: 0, manual: 0, cacheHits: 0 };
    const eventLoopDelayMs = { p99: Math.round(delay.percentile(99) / 1e6), max: Math.round(delay.max / 1e6) };
    o.log(`${what.name}: event loop delay p99 ${eventLoopDelayMs.p99} ms, max ${eventLoopDelayMs.max} ms`);
    return {
      ...summarize(o.log, quotas, what, {
        phases,
        loadSeconds,
        plan: { ...zero, unchanged },
        applyFailed: 0,
        problems,
      }),
      eventLoopDelayMs,
    };
  } finally {
    await sandbox.stop();
  }
}

/** Per-API client counters summed over sessions (each target counts its own). */
export function mergeCallStats(all: Record<string, CallStats>[]): Record<string, CallStats> {
  const out: Record<string, CallStats> = {};
  for (const stats of all) {
    for (const [api, c] of Object.entries(stats)) {
      out[api] ??= emptyCallStats();
      addCallStats(out[api], c);
    }
  }
  return out;
}

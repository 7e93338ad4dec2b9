/**
 * The scenarios that talk to the sandbox, each driven through TargetSession exactly as the CLI
 * drives it: open (load + validate), plan, and for the apply scenarios apply.
 *
 *  World A (seeded with the resources, no API call): full plan (cache bypassed), incremental plan
 *  (cache warm), then the 5% change applied (plan + apply).
 *  World B (empty): apply from empty (plan + apply).
 *
 * Wall time covers plan (+ apply), the part the quota floor bounds; loading and validating the
 * config is timed apart (`loadSeconds`) and measured on its own by the validate scenario.
 */
import { join } from 'node:path';
import { QuotaTable } from '../aws/pacing.js';
import { loadAndValidate } from '../config/index.js';
import { TargetSession, type SessionOptions } from '../engine/session.js';
import type { Plan, Summary } from '../engine/plan.js';
import type { ApplyReport } from '../engine/apply.js';
import { DEFAULT_SERVER_QUOTA, startSandbox, type SandboxHandle, type ServerQuota } from '../sandbox/index.js';
import {
  BENCH_INSTANCE,
  BENCH_TARGET,
  changedCount,
  generate,
  seedWith,
  writeConfigDir,
  type Counts,
} from './generate.js';
import {
  operationRows,
  scenarioFloorSeconds,
  phaseFloorSeconds,
  subtractClient,
  type OperationRow,
  type Phase,
} from './floor.js';
import { UNSTAMPED_SLICES } from '../engine/cache.js';
import { canonicalJson } from '../kinds/common.js';
import { normalizeFunction } from '../kinds/rule-function/document.js';

/** The scenario of the hourly drift job (judged against the full plan). */
export const HOURLY_INCREMENTAL = 'incremental plan, cache 1 h old';

export interface NetworkOptions {
  counts: Counts;
  quotaScale: number;
  /** Sandbox answer latency, uniform in [min, max] ms. */
  latencyMs: [number, number];
  parallelism: number;
  changePercent: number;
  randomSeed: number;
  /** Scratch directory (configs, snapshot caches). */
  workDir: string;
  /** Also time an incremental plan of the Connect kinds only (informational). */
  connectOnlyIncremental?: boolean;
  log: (line: string) => void;
}

export interface ScenarioResult {
  name: string;
  description: string;
  wallSeconds: number;
  floorSeconds: number;
  /** wallSeconds / floorSeconds (null when the floor is 0). */
  ratio: number | null;
  /** Requests that reached the sandbox, every API. */
  calls: number;
  /** 429 answers (server side). */
  throttled: number;
  /** Calls given up on after retries, or refused for good (client side), plus failed changes' errors not from a call. */
  failed: number;
  client: { calls: number; attempts: number; throttled: number; transient: number; failed: number };
  server: { calls: number; throttled: number; errors: number; maxInFlight: number };
  /** Loading and validating the config before the plan (not in wallSeconds). */
  loadSeconds: number;
  phases: { name: string; wallSeconds: number; floorSeconds: number; calls: number }[];
  operations: Record<string, OperationRow>;
  /** The plan's summary (without unmanaged), and how many resources the cache answered. */
  plan: Omit<Summary, 'unmanaged'> & { cacheHits: number };
  apply?: { ok: number; failed: number; restored: number; skipped: number };
  /** Sanity checks that did not hold (the scenario did not do what it should have). */
  problems: string[];
  /** Informational rows are measured but judged against no target. */
  informational?: boolean;
  /** The scenario's own targets, where it carries them (the many-targets scenarios). */
  limits?: ScenarioLimits;
  /**
   * How late the process's timers fired during the run (ms): the client and the in-process
   * sandbox share one event loop, so a stall (a loaded machine) sends late calls together and the
   * sandbox sees them arrive together, throttles no real server would answer.
   */
  eventLoopDelayMs?: { p99: number; max: number };
  /** The directory look-ups a plan naming references made (the "full plan with names" scenario). */
  lookups?: LookupRow[];
  /**
   * The look-ups alone (identity, then every directory), timed in a session of their own after
   * the plan: the wall time a plan spends before its first list or describe of a kind.
   */
  lookupSeconds?: number;
}

/** One list operation reading a directory: the calls made, against one read of every page. */
export interface LookupRow {
  api: string;
  /** Entries the directory holds, and how many one call returns (the MaxResults sent). */
  entries: number;
  pageSize: number;
  /** Requests that reached the sandbox (throttled ones included), and the throttled ones. */
  calls: number;
  throttled: number;
  /** One read of every page: ceil(entries / pageSize), at least 1. */
  expected: number;
  /** This API's share of the floor (s): 0 while its pages fit in the burst. */
  floorSeconds: number;
}

/** Targets a scenario is judged against: wall/floor at most `ratio`, throttled calls at most `throttledShare` of all. */
export interface ScenarioLimits {
  ratio: number;
  throttledShare?: number;
}

export interface Step {
  name: string;
  description: string;
  sandbox: SandboxHandle;
  configDir: string;
  session: SessionOptions;
  apply: boolean;
  expect: { create?: number; update?: number; unchanged?: number; cacheHits?: number };
  informational?: boolean;
}

const CACHE_NOTE = /^(\d+) resource\(s\) from the snapshot cache/;
const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The quota the sandbox enforces; the client paces itself to the same numbers. */
export function sandboxQuota(): ServerQuota {
  return { ...DEFAULT_SERVER_QUOTA };
}

/** The sandbox's quotas, scale, latency and seed of the network scenarios (its world aside). */
export function sandboxOptions(o: Pick<NetworkOptions, 'quotaScale' | 'latencyMs' | 'randomSeed'>) {
  return { quotas: sandboxQuota(), quotaScale: o.quotaScale, latencyMs: o.latencyMs, randomSeed: o.randomSeed };
}

/** A session of the bench's target against `sandbox`, as the CLI would open it. */
export function sessionOptions(
  o: Pick<NetworkOptions, 'quotaScale' | 'parallelism'>,
  sandbox: SandboxHandle,
  cacheDir: string | false,
): SessionOptions {
  return {
    endpoint: sandbox.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    quotaScale: o.quotaScale,
    parallelism: o.parallelism,
    cacheDir,
  };
}

export async function runNetworkScenarios(o: NetworkOptions): Promise<ScenarioResult[]> {
  const quotas = new QuotaTable({}, o.quotaScale, sandboxQuota());
  const total = o.counts.rules + o.counts.taskTemplates + o.counts.customActions;
  const connectKinds = o.counts.rules + o.counts.taskTemplates;
  const changed = changedCount(o.counts, o.changePercent);
  const changedTotal = changed.rules + changed.taskTemplates + changed.customActions;
  const base = generate(o.counts);
  const edited = generate(o.counts, o.changePercent);
  const settings = { parallelism: o.parallelism };
  const results: ScenarioResult[] = [];
  const common = (sandbox: SandboxHandle, cacheDir: string) => sessionOptions(o, sandbox, cacheDir);

  // ---- world A: the resources exist (seeded), the config declares them ----
  const t = now();
  const a = await startSandbox({ ...sandboxOptions(o), seed: seedWith(base) });
  o.log(
    `sandbox A seeded with ${o.counts.rules} rules, ${o.counts.taskTemplates} task templates, ${o.counts.customActions} custom actions in ${((now() - t) / 1000).toFixed(1)} s`,
  );
  try {
    const dirA = writeConfigDir(join(o.workDir, 'config-a'), base, settings);
    const cacheA = join(o.workDir, 'cache-a');
    results.push(
      await runStep(o, quotas, {
        name: 'full plan',
        description: 'plan with the snapshot cache bypassed (--refresh): list and describe everything',
        sandbox: a,
        configDir: dirA,
        session: { ...common(a, cacheA), refresh: true },
        apply: false,
        expect: { unchanged: total, create: 0, update: 0 },
      }),
    );
    results.push(
      await runStep(o, quotas, {
        name: 'incremental plan',
        description: 'second plan, nothing changed, snapshot cache warm',
        sandbox: a,
        configDir: dirA,
        session: common(a, cacheA),
        apply: false,
        expect: { unchanged: total, create: 0, update: 0, cacheHits: total },
      }),
    );
    results.push(await runStep(o, quotas, hourlyIncrementalStep(a, dirA, common(a, cacheA), o.counts)));
    if (o.connectOnlyIncremental) {
      // A config of its own: this row measures exactly what a rules-and-templates config reads.
      const dirConnect = writeConfigDir(join(o.workDir, 'config-a-connect'), { ...base, customActions: [] }, settings);
      results.push(
        await runStep(o, quotas, {
          name: 'incremental plan, Connect kinds',
          description:
            'the same, rules and task templates only: what the cache does where the list gives a change stamp',
          sandbox: a,
          configDir: dirConnect,
          session: common(a, cacheA),
          apply: false,
          expect: { unchanged: connectKinds, create: 0, update: 0, cacheHits: connectKinds },
          informational: true,
        }),
      );
    }
    writeConfigDir(dirA, edited, settings);
    results.push(
      await runStep(o, quotas, {
        name: `apply ${o.changePercent}% changes`,
        description: `one field changed on ${changedTotal} resources (${changed.rules} rules, ${changed.taskTemplates} task templates, ${changed.customActions} custom actions): plan (cache warm) + apply`,
        sandbox: a,
        configDir: dirA,
        session: common(a, cacheA),
        apply: true,
        expect: { update: changedTotal, create: 0, unchanged: total - changedTotal },
      }),
    );
    const last = results[results.length - 1];
    last.problems.push(...checkEdited(a, o.counts, o.changePercent));
  } finally {
    await a.stop();
  }

  // ---- world B: nothing exists yet ----
  const b = await startSandbox({ ...sandboxOptions(o), seed: seedWith(undefined) });
  try {
    const dirB = writeConfigDir(join(o.workDir, 'config-b'), base, settings);
    results.push(
      await runStep(o, quotas, {
        name: 'apply from empty',
        description: `create all ${total} resources: plan + apply`,
        sandbox: b,
        configDir: dirB,
        session: common(b, join(o.workDir, 'cache-b')),
        apply: true,
        expect: { create: total, update: 0 },
      }),
    );
    results[results.length - 1].problems.push(...checkCreated(b, o.counts));
  } finally {
    await b.stop();
  }
  return results;
}

/** Lets the sandbox's buckets refill to their burst: the floor assumes every phase starts full. */
export async function refillBuckets(quotas: QuotaTable): Promise<void> {
  const refill = Math.max(...[quotas.for('connect:*'), quotas.for('chatbot:*')].map((q) => q.burst / q.ratePerSecond));
  await sleep(refill * 1000 + 50);
}

export async function runStep(o: NetworkOptions, quotas: QuotaTable, step: Step): Promise<ScenarioResult> {
  await refillBuckets(quotas);

  const problems: string[] = [];
  const phases: Phase[] = [];
  let plan: Plan | undefined;
  let report: ApplyReport | undefined;
  const t0 = now();
  const session = TargetSession.create(await loadAndValidate(step.configDir, BENCH_TARGET), step.session);
  const loadSeconds = (now() - t0) / 1000;
  o.log(`${step.name}: config loaded and validated in ${loadSeconds.toFixed(2)} s; running`);
  try {
    step.sandbox.resetStats();
    let t = now();
    try {
      plan = await session.plan();
    } finally {
      phases.push({
        name: 'plan',
        wallSeconds: (now() - t) / 1000,
        server: step.sandbox.stats(),
        client: session.callStats(),
      });
    }
    if (step.apply) {
      const before = session.callStats();
      step.sandbox.resetStats();
      t = now();
      try {
        report = await session.apply(plan);
      } finally {
        phases.push({
          name: 'apply',
          wallSeconds: (now() - t) / 1000,
          server: step.sandbox.stats(),
          client: subtractClient(session.callStats(), before),
        });
      }
    }
  } catch (err) {
    problems.push(`${step.name} failed: ${(err as Error).message}`);
  } finally {
    session.close();
  }

  const cacheHits = Number((plan?.log ?? []).map((n) => CACHE_NOTE.exec(n)?.[1]).find(Boolean) ?? 0);
  const summary = plan?.summary;
  const planRow = {
    create: summary?.create ?? 0,
    update: summary?.update ?? 0,
    replace: summary?.replace ?? 0,
    delete: summary?.delete ?? 0,
    manual: summary?.manual ?? 0,
    unchanged: summary?.unchanged ?? 0,
    cacheHits,
  };
  for (const [k, want] of Object.entries(step.expect)) {
    const got = planRow[k as keyof typeof planRow];
    if (want !== undefined && got !== want) problems.push(`expected ${k} = ${want}, the plan says ${got}`);
  }
  const applyFailed = report ? report.summary.failed + report.summary.restored : 0;
  if (report) {
    const expected = planRow.create + planRow.update + planRow.replace + planRow.delete;
    if (report.summary.ok !== expected) problems.push(`apply: ${report.summary.ok} of ${expected} changes ok`);
    for (const r of report.results.filter((x) => x.status !== 'ok').slice(0, 5))
      problems.push(`apply ${r.status}: ${r.kind} "${r.name}": ${r.message ?? ''}`);
  }
  return summarize(o.log, quotas, step, {
    phases,
    loadSeconds,
    plan: planRow,
    apply: report?.summary,
    applyFailed,
    problems,
  });
}

/** What a scenario measured, before it is summed up. */
export interface Measured {
  phases: Phase[];
  loadSeconds: number;
  plan: ScenarioResult['plan'];
  apply?: ScenarioResult['apply'];
  /** Changes that failed (apply), when more than the calls that did. */
  applyFailed: number;
  problems: string[];
}

/** One scenario's row: calls and throttles per API on both sides, the floor, the ratio. */
export function summarize(
  log: (line: string) => void,
  quotas: QuotaTable,
  what: { name: string; description: string; informational?: boolean; limits?: ScenarioLimits },
  m: Measured,
): ScenarioResult {
  const { phases, problems } = m;
  const operations = operationRows(quotas, phases);
  const rows = Object.values(operations);
  const sum = (f: (r: OperationRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  const clientFailed = sum((r) => r.client.failed);
  const wallSeconds = phases.reduce((n, p) => n + p.wallSeconds, 0);
  const floorSeconds = scenarioFloorSeconds(quotas, phases);
  const result: ScenarioResult = {
    name: what.name,
    description: what.description,
    wallSeconds,
    floorSeconds,
    ratio: floorSeconds > 0 ? wallSeconds / floorSeconds : null,
    calls: sum((r) => r.calls),
    throttled: sum((r) => r.throttled),
    // A failed change always carries a failed call, except when it failed before calling.
    failed: Math.max(clientFailed, m.applyFailed),
    client: {
      calls: sum((r) => r.client.calls),
      attempts: sum((r) => r.client.attempts),
      throttled: sum((r) => r.client.throttled),
      transient: sum((r) => r.client.transient),
      failed: clientFailed,
    },
    server: {
      calls: sum((r) => r.calls),
      throttled: sum((r) => r.throttled),
      errors: sum((r) => r.errors),
      maxInFlight: Math.max(0, ...phases.map((p) => p.server.maxInFlight)),
    },
    loadSeconds: m.loadSeconds,
    phases: phases.map((p) => ({
      name: p.name,
      wallSeconds: p.wallSeconds,
      floorSeconds: phaseFloorSeconds(quotas, p),
      calls: p.server.calls,
    })),
    operations,
    plan: m.plan,
    ...(m.apply ? { apply: m.apply } : {}),
    problems,
    ...(what.informational ? { informational: true } : {}),
    ...(what.limits ? { limits: what.limits } : {}),
  };
  log(
    `${what.name}: ${wallSeconds.toFixed(2)} s, floor ${floorSeconds.toFixed(2)} s, ${result.calls} calls, ${result.throttled} throttled, ${result.failed} failed` +
      (problems.length ? `\n  PROBLEM: ${problems.join('\n  PROBLEM: ')}` : ''),
  );
  return result;
}

/** The sandbox's world holds every resource the config declares (apply from empty). */
function checkCreated(sandbox: SandboxHandle, counts: Counts): string[] {
  const w = sandbox.world;
  const inst = w.connect.instances[BENCH_INSTANCE];
  const got = {
    rules: Object.keys(inst.rules).length,
    taskTemplates: Object.keys(inst.taskTemplates).length,
    customActions: Object.keys(w.chatbot.customActions).length,
  };
  return (Object.keys(counts) as (keyof Counts)[])
    .filter((k) => got[k] !== counts[k])
    .map((k) => `world holds ${got[k]} ${k}, expected ${counts[k]}`);
}

/** The edited fields reached the world (apply of the change). */
function checkEdited(sandbox: SandboxHandle, counts: Counts, percent: number): string[] {
  const edited = generate(counts, percent);
  const w = sandbox.world;
  const inst = w.connect.instances[BENCH_INSTANCE];
  const rules = new Map(Object.values(inst.rules).map((r) => [r.Name, r.Function]));
  const templates = new Map(Object.values(inst.taskTemplates).map((t) => [t.Name, t.Description]));
  const actions = new Map(
    Object.values(w.chatbot.customActions).map((x) => [
      x.ActionName,
      (x.Definition as { CommandText?: string }).CommandText,
    ]),
  );
  let wrong = 0;
  // Functions compare as documents (the live string against the config's mapping).
  const sameFunction = (live: unknown, config: unknown) =>
    canonicalJson(normalizeFunction(live)) === canonicalJson(normalizeFunction(config));
  for (const r of edited.rules) if (!sameFunction(rules.get(String(r.config.Name)), r.config.Function)) wrong++;
  for (const t of edited.taskTemplates) if (templates.get(String(t.config.Name)) !== t.config.Description) wrong++;
  for (const x of edited.customActions)
    if (actions.get(String(x.config.ActionName)) !== (x.config.Definition as { CommandText: string }).CommandText)
      wrong++;
  return wrong ? [`${wrong} resource(s) in the world differ from the config after apply`] : [];
}

/**
 * The hourly drift job: the same incremental plan with the cache's clock an hour on, past the
 * old 15-minute custom-action window. Custom actions carry no last-modified stamp, so this run
 * re-verifies its slice of them (src/engine/cache.ts); everything else still comes from the cache.
 */
function hourlyIncrementalStep(
  sandbox: SandboxHandle,
  configDir: string,
  session: SessionOptions,
  counts: Counts,
): Step {
  const total = counts.rules + counts.taskTemplates + counts.customActions;
  const slice = Math.ceil(counts.customActions / UNSTAMPED_SLICES);
  return {
    name: HOURLY_INCREMENTAL,
    description: `the incremental plan an hour later (cache older than the custom-action window): ${slice} custom actions re-verified`,
    sandbox,
    configDir,
    session: { ...session, cacheClock: () => Date.now() + 60 * 60 * 1000 },
    apply: false,
    expect: { unchanged: total, create: 0, update: 0, cacheHits: total - slice },
  };
}

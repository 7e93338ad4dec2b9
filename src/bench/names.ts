/**
 * "full plan with names": the full plan again, in a world holding a large contact center's
 * directories (lookups.ts), for a config that names references of every kind instead of writing
 * their ids: contact flows, queues, users, hierarchy groups, routing profiles, evaluation forms
 * and chat configurations. The plan reads each directory once, every page of it, through its own
 * list operation (its own quota bucket), then lists and describes everything (cache bypassed).
 * Its floor counts the look-ups like every other call; it is judged as the full plan is.
 */
import { join } from 'node:path';
import { QuotaTable } from '../aws/pacing.js';
import { loadAndValidate } from '../config/index.js';
import { TargetSession, type SessionOptions } from '../engine/session.js';
import { startSandbox } from '../sandbox/index.js';
import { BENCH_TARGET, generate, seedWith, writeConfigDir } from './generate.js';
import { expectedLookupCalls, LOOKUP_PAGES } from './lookups.js';
import {
  refillBuckets,
  runStep,
  sandboxOptions,
  sandboxQuota,
  sessionOptions,
  type LookupRow,
  type NetworkOptions,
  type ScenarioResult,
} from './scenarios.js';

export const FULL_PLAN_WITH_NAMES = 'full plan with names';

export async function runNamesScenario(o: NetworkOptions): Promise<ScenarioResult[]> {
  const quotas = new QuotaTable({}, o.quotaScale, sandboxQuota());
  const total = o.counts.rules + o.counts.taskTemplates + o.counts.customActions;
  const set = generate(o.counts, 0, { names: true });
  const sandbox = await startSandbox({ ...sandboxOptions(o), seed: seedWith(set, { directories: true }) });
  try {
    const dir = writeConfigDir(join(o.workDir, 'config-names'), set, { parallelism: o.parallelism });
    const result = await runStep(o, quotas, {
      name: FULL_PLAN_WITH_NAMES,
      description:
        'the full plan of a config naming references of every kind, in an instance with large directories: each directory read once (its pages), then list and describe everything',
      sandbox,
      configDir: dir,
      session: { ...sessionOptions(o, sandbox, join(o.workDir, 'cache-names')), refresh: true },
      apply: false,
      expect: { unchanged: total, create: 0, update: 0 },
    });
    result.lookups = lookupRows(result);
    result.problems.push(...lookupProblems(result.lookups));
    result.lookupSeconds = await timeLookups(o, quotas, dir, sessionOptions(o, sandbox, false));
    return [result];
  } finally {
    await sandbox.stop();
  }
}

/**
 * The look-ups alone, in a session of their own (not in the scenario's calls or wall time): how
 * much of the plan's time goes before the first describe, where no quota bucket is the limit.
 */
async function timeLookups(
  o: NetworkOptions,
  quotas: QuotaTable,
  dir: string,
  options: SessionOptions,
): Promise<number> {
  await refillBuckets(quotas);
  const session = TargetSession.create(await loadAndValidate(dir, BENCH_TARGET), { ...options, refresh: true });
  try {
    const t0 = performance.now();
    await session.resolveReferences();
    const seconds = (performance.now() - t0) / 1000;
    o.log(`${FULL_PLAN_WITH_NAMES}: the look-ups alone took ${seconds.toFixed(2)} s`);
    return seconds;
  } finally {
    session.close();
  }
}

/** Each directory's list operation: the calls the plan made against one read of every page. */
export function lookupRows(result: ScenarioResult): LookupRow[] {
  const expected = expectedLookupCalls();
  return Object.entries(LOOKUP_PAGES).map(([api, p]) => {
    const op = result.operations[api];
    return {
      api,
      entries: p.size,
      pageSize: p.pageSize,
      calls: op?.calls ?? 0,
      throttled: op?.throttled ?? 0,
      expected: expected[api],
      floorSeconds: op?.floorSeconds ?? 0,
    };
  });
}

/** A directory read twice, or not to its end, or not at all (a throttled call retried counts once). */
export function lookupProblems(rows: LookupRow[]): string[] {
  return rows
    .filter((r) => r.calls - r.throttled !== r.expected)
    .map(
      (r) =>
        `${r.api}: ${r.calls - r.throttled} call(s) answered, expected ${r.expected} (one read of ${r.entries} entries, ${r.pageSize} a page)`,
    );
}

/**
 * `npm run bench`: plan and apply against the sandbox under the quotas, each scenario's wall
 * time set against its quota floor, plus diff + render and validate measured in process.
 * See docs/PERFORMANCE.md.
 *
 *   npm run bench -- [--quota-scale X] [--json FILE] [--rules N] [--task-templates N]
 *                    [--custom-actions N] [--change-percent P] [--latency MIN-MAX]
 *                    [--parallelism N] [--diff-resources N] [--validate-resources N]
 *                    [--random-seed N] [--targets N] [--target-rules N]
 *                    [--target-task-templates N] [--background-load X]
 *                    [--cold-start-runs N]
 *                    [--scenario single-target|names|many-targets|in-process|cold-start]... [--strict]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PARALLELISM } from '../config/index.js';
import { runInChild, type InProcessResult } from './inprocess.js';
import {
  judge,
  machine,
  renderText,
  SCENARIO_GROUPS,
  type BenchReport,
  type BenchSettings,
  type ScenarioGroup,
} from './report.js';
import { runNetworkScenarios, sandboxQuota, type NetworkOptions, type ScenarioResult } from './scenarios.js';
import { runManyTargetsScenarios } from './many-targets.js';
import { runNamesScenario } from './names.js';
import { measureColdStart, type ColdStartResult } from './cold-start.js';

export { SCENARIO_GROUPS, type ScenarioGroup } from './report.js';

/**
 * Every quota (client and sandbox) and so the floor run this many times faster. At ×1 (the real
 * 2 req/s) the floors alone add up to ~20 minutes; at ×10 the whole bench takes about 2.5
 * minutes on 2 cores, while the requests in flight stay well under the parallelism (the scale
 * must not make concurrency, rather than the quotas, the limit: ratios to the floor then hold).
 */
export const DEFAULT_QUOTA_SCALE = 10;

export interface BenchOptions extends BenchSettings {
  json?: string;
  strict: boolean;
  log: (line: string) => void;
  /** Spawned runs of each cold-start command (not a setting of the scenarios themselves). */
  coldStartRuns: number;
}

const USAGE = `usage: npm run bench -- [options]

  --quota-scale X          multiply every quota and the floor by X (default ${DEFAULT_QUOTA_SCALE})
  --json FILE              also write the results as JSON
  --rules N                rules (default 1000)
  --task-templates N       task templates (default 300)
  --custom-actions N       custom actions (default 200)
  --change-percent P       share of resources changed by the change scenario (default 5)
  --latency MIN-MAX        sandbox answer latency in ms (default 20-60)
  --parallelism N          requests in flight at once (default ${DEFAULT_PARALLELISM})
  --diff-resources N       resources for the in-process diff + render (default 10000)
  --validate-resources N   resources for the in-process validate (default 1000)
  --random-seed N          seed of the sandbox's latency draws (default 1)
  --targets N              instances of one account for the many-targets scenarios (default 20)
  --target-rules N         rules of each of those targets (default 25)
  --target-task-templates N  task templates of each of those targets (default 8)
  --background-load X      share of each API's quota another client spends (default 0.5)
  --cold-start-runs N      spawned runs of each cold-start command (default 9)
  --scenario GROUP         run only GROUP: single-target, names (the full plan with
                           names), many-targets, in-process or cold-start (repeatable;
                           default all)
  --strict                 exit 1 when a target is missed
`;

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'quota-scale': { type: 'string' },
      json: { type: 'string' },
      rules: { type: 'string' },
      'task-templates': { type: 'string' },
      'custom-actions': { type: 'string' },
      'change-percent': { type: 'string' },
      latency: { type: 'string' },
      parallelism: { type: 'string' },
      'diff-resources': { type: 'string' },
      'validate-resources': { type: 'string' },
      'random-seed': { type: 'string' },
      targets: { type: 'string' },
      'target-rules': { type: 'string' },
      'target-task-templates': { type: 'string' },
      'background-load': { type: 'string' },
      'cold-start-runs': { type: 'string' },
      scenario: { type: 'string', multiple: true },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const num = (name: string, v: string | undefined, dflt: number, min: number, integer = true): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new Error(`--${name}: expected ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${v}"`);
    return n;
  };
  let latencyMs: [number, number] = [20, 60];
  if (values.latency !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(values.latency);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1])))
      throw new Error(`--latency: expected MS or MIN-MAX, got "${values.latency}"`);
    latencyMs = [Number(m[1]), Number(m[2] ?? m[1])];
  }
  const scale = num('quota-scale', values['quota-scale'], DEFAULT_QUOTA_SCALE, 0, false);
  if (scale <= 0) throw new Error('--quota-scale must be > 0');
  const backgroundLoad = num('background-load', values['background-load'], 0.5, 0, false);
  if (backgroundLoad >= 1) throw new Error('--background-load must be below 1 (at 1 nothing is left for connectform)');
  const unknown = (values.scenario ?? []).filter((g) => !(SCENARIO_GROUPS as readonly string[]).includes(g));
  if (unknown.length)
    throw new Error(`--scenario: unknown ${unknown.join(', ')}; known: ${SCENARIO_GROUPS.join(', ')}`);
  return {
    quotaScale: scale,
    quota: sandboxQuota(),
    latencyMs,
    parallelism: num('parallelism', values.parallelism, DEFAULT_PARALLELISM, 1),
    changePercent: num('change-percent', values['change-percent'], 5, 1, false),
    randomSeed: num('random-seed', values['random-seed'], 1, 0),
    counts: {
      rules: num('rules', values.rules, 1000, 1),
      taskTemplates: num('task-templates', values['task-templates'], 300, 1),
      customActions: num('custom-actions', values['custom-actions'], 200, 1),
    },
    diffResources: num('diff-resources', values['diff-resources'], 10_000, 3),
    validateResources: num('validate-resources', values['validate-resources'], 1000, 3),
    manyTargets: {
      targets: num('targets', values.targets, 20, 1),
      rules: num('target-rules', values['target-rules'], 25, 1),
      taskTemplates: num('target-task-templates', values['target-task-templates'], 8, 1),
      backgroundLoad,
    },
    coldStartRuns: num('cold-start-runs', values['cold-start-runs'], 9, 1),
    scenarioGroups: values.scenario?.length ? [...new Set(values.scenario as ScenarioGroup[])] : [...SCENARIO_GROUPS],
    json: values.json,
    strict: values.strict ?? false,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'connectform-bench-'));
  const scenarios: ScenarioResult[] = [];
  const inProcess: InProcessResult[] = [];
  let coldStart: ColdStartResult[] | undefined;
  try {
    o.log(
      `quota scale ${o.quotaScale}: ${o.quota.ratePerSecond * o.quotaScale} req/s, burst ${o.quota.burst} per API (client and sandbox); ` +
        `latency ${o.latencyMs[0]}-${o.latencyMs[1]} ms; parallelism ${o.parallelism}`,
    );
    const run = (group: ScenarioGroup) => o.scenarioGroups.includes(group);
    // The single-target scenarios and the full plan with names share their settings.
    const network: NetworkOptions = {
      counts: o.counts,
      quotaScale: o.quotaScale,
      latencyMs: o.latencyMs,
      parallelism: o.parallelism,
      changePercent: o.changePercent,
      randomSeed: o.randomSeed,
      workDir,
      log: o.log,
    };
    if (run('single-target'))
      scenarios.push(...(await runNetworkScenarios({ ...network, connectOnlyIncremental: true })));
    if (run('names')) {
      o.log('full plan with names: seeding the directories of a large instance');
      scenarios.push(...(await runNamesScenario(network)));
    }
    if (run('many-targets')) {
      const m = o.manyTargets;
      scenarios.push(
        ...(await runManyTargetsScenarios({
          targets: m.targets,
          counts: { rules: m.rules, taskTemplates: m.taskTemplates },
          backgroundLoad: m.backgroundLoad,
          quota: o.quota,
          quotaScale: o.quotaScale,
          latencyMs: o.latencyMs,
          parallelism: o.parallelism,
          randomSeed: o.randomSeed,
          workDir,
          log: o.log,
        })),
      );
    }
    if (run('in-process')) {
      o.log(`diff + render of ${o.diffResources} resources (child process)`);
      inProcess.push(await runInChild('diff-render', o.diffResources));
      o.log(`validate of ${o.validateResources} resources (child process)`);
      inProcess.push(await runInChild('validate', o.validateResources));
    }
    if (run('cold-start')) coldStart = await measureColdStart(workDir, o.coldStartRuns, o.log);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const { json: _json, strict: _strict, log: _log, coldStartRuns: _runs, ...settings } = o;
  return {
    format: 'connectform-bench/1',
    startedAt: startedAt.toISOString(),
    totalSeconds: (performance.now() - t0) / 1000,
    machine: machine(),
    settings,
    scenarios,
    inProcess,
    ...(coldStart ? { coldStart } : {}),
    targets: judge(scenarios, inProcess, coldStart),
  };
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const report = await runBench(options);
  process.stdout.write(renderText(report));
  if (options.json) {
    writeFileSync(resolve(options.json), `${JSON.stringify(report, null, 2)}\n`);
    options.log(`wrote ${options.json}`);
  }
  return options.strict && report.targets.some((t) => !t.met) ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

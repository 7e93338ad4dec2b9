/**
 * The bench's outputs: the targets of the issue judged against the measurements, a plain-text
 * table for the terminal (and for docs/PERFORMANCE.md), and the JSON document (`--json FILE`).
 */
import { cpus, totalmem } from 'node:os';
import type { InProcessResult } from './inprocess.js';
import { HOURLY_INCREMENTAL, type ScenarioResult } from './scenarios.js';
import { FULL_PLAN_WITH_NAMES } from './names.js';
import type { ColdStartResult } from './cold-start.js';
import type { Counts } from './generate.js';

/** Groups `--scenario` selects (default: all of them). */
export const SCENARIO_GROUPS = ['single-target', 'names', 'many-targets', 'in-process', 'cold-start'] as const;
export type ScenarioGroup = (typeof SCENARIO_GROUPS)[number];

export interface BenchSettings {
  quotaScale: number;
  /** The quota every API gets before scaling (the sandbox's and the client's). */
  quota: { ratePerSecond: number; burst: number };
  latencyMs: [number, number];
  parallelism: number;
  changePercent: number;
  randomSeed: number;
  counts: Counts;
  diffResources: number;
  validateResources: number;
  /** The many-targets scenarios: instances of one account, each one's resources, the other client's share. */
  manyTargets: { targets: number; rules: number; taskTemplates: number; backgroundLoad: number };
  /** The scenario groups run (`--scenario`). */
  scenarioGroups: string[];
}

export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchReport {
  format: 'connectform-bench/1';
  startedAt: string;
  totalSeconds: number;
  machine: { cpus: number; cpuModel: string; memoryMB: number; platform: string; arch: string; node: string };
  settings: BenchSettings;
  scenarios: ScenarioResult[];
  inProcess: InProcessResult[];
  /** Spawned `--help` and `validate` against bare `node -e 0` (absent when not selected). */
  coldStart?: ColdStartResult[];
  targets: TargetResult[];
}

export function machine(): BenchReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model?.trim() ?? 'unknown',
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  };
}

const x = (n: number) => `${n.toFixed(2)}×`;

/** The issue's targets. Missing measurements (a scenario that crashed) count as missed. */
export function judge(
  scenarios: ScenarioResult[],
  inProcess: InProcessResult[],
  coldStart: ColdStartResult[] = [],
): TargetResult[] {
  const out: TargetResult[] = [];
  const byName = (prefix: string) => scenarios.find((s) => s.name.startsWith(prefix) && !s.informational);
  const full = scenarios.find((s) => s.name === 'full plan');
  const inc = byName('incremental plan');
  // The full plan's target holds for a config naming its references too: the look-ups count.
  for (const s of [full, scenarios.find((s) => s.name === FULL_PLAN_WITH_NAMES)])
    if (s)
      out.push({
        name: s.name,
        target: '≤ 1.10× the quota floor',
        measured: s.ratio === null ? 'no floor' : x(s.ratio),
        met: s.ratio !== null && s.ratio <= 1.1,
      });
  if (full && inc) {
    const speedup = full.wallSeconds / Math.max(inc.wallSeconds, 1e-9);
    out.push({
      name: 'incremental plan',
      target: '≥ 20× faster than the full plan',
      measured: `${speedup.toFixed(1)}× faster`,
      met: speedup >= 20,
    });
  }
  const hourly = scenarios.find((s) => s.name === HOURLY_INCREMENTAL);
  if (full && hourly) {
    const speedup = full.wallSeconds / Math.max(hourly.wallSeconds, 1e-9);
    out.push({
      name: 'incremental, cache 1 h old',
      target: '≥ 20× faster than the full plan',
      measured: `${speedup.toFixed(1)}× faster`,
      met: speedup >= 20,
    });
  }
  for (const s of scenarios.filter((s) => s.name.startsWith('apply'))) {
    out.push({
      name: s.name,
      target: '≤ 1.15× the quota floor',
      measured: s.ratio === null ? 'no floor' : x(s.ratio),
      met: s.ratio !== null && s.ratio <= 1.15,
    });
  }
  for (const s of scenarios.filter((x) => x.limits)) {
    const { ratio, throttledShare } = s.limits!;
    out.push({
      name: s.name,
      target: `≤ ${ratio.toFixed(2)}× the quota floor`,
      measured: s.ratio === null ? 'no floor' : x(s.ratio),
      met: s.ratio !== null && s.ratio <= ratio,
    });
    if (throttledShare !== undefined) {
      const share = s.calls ? s.throttled / s.calls : 0;
      out.push({
        name: s.name,
        target: `≤ ${(throttledShare * 100).toFixed(0)}% throttled`,
        measured: `${(share * 100).toFixed(2)}% (${s.throttled} of ${s.calls})`,
        met: share <= throttledShare,
      });
    }
  }
  const failed = scenarios.reduce((n, s) => n + s.failed, 0);
  const problems = scenarios.reduce((n, s) => n + s.problems.length, 0);
  out.push({
    name: 'failed operations',
    target: '0',
    measured: `${failed}${problems ? ` (${problems} check(s) did not hold)` : ''}`,
    met: failed === 0 && problems === 0,
  });
  const dr = inProcess.find((r) => r.name === 'diff + render');
  if (dr) {
    out.push({
      name: `diff + render of ${dr.resources}`,
      target: '< 1 s CPU',
      measured: `${dr.cpuSeconds.toFixed(2)} s CPU`,
      met: dr.cpuSeconds < 1,
    });
    out.push({
      name: `diff + render of ${dr.resources}`,
      target: '< 300 MB peak RSS',
      measured: `${dr.peakRssMB.toFixed(0)} MB`,
      met: dr.peakRssMB < 300,
    });
  }
  for (const [name, limit] of [
    ['--help', 4],
    ['validate', 5],
  ] as const) {
    const c = coldStart.find((r) => r.name === name);
    if (c)
      out.push({
        name: `cold start ${name}`,
        target: `≤ ${limit}× node -e 0`,
        measured: x(c.ratioToNode),
        met: c.ratioToNode <= limit,
      });
  }
  return out;
}

function table(headers: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const secs = (n: number) => n.toFixed(2);

/** Short API names for the per-operation table: `connect:DescribeRule` → `DescribeRule`. */
function scenarioColumn(name: string): string {
  return name
    .replace('incremental plan, Connect kinds', 'incr. (Connect)')
    .replace(HOURLY_INCREMENTAL, 'incr. 1 h old')
    .replace('incremental plan', 'incremental')
    .replace(' changes', '');
}

export function renderText(r: BenchReport): string {
  const s = r.settings;
  const q = s.quota;
  const out: string[] = [];
  out.push(
    `connectform bench: ${s.counts.rules} rules, ${s.counts.taskTemplates} task templates, ${s.counts.customActions} custom actions`,
    `quota scale ${s.quotaScale}: every API ${q.ratePerSecond * s.quotaScale} req/s (${q.ratePerSecond} × ${s.quotaScale}), burst ${q.burst}; at the real quotas every time below is ${s.quotaScale}× longer`,
    `sandbox latency ${s.latencyMs[0]}-${s.latencyMs[1]} ms, parallelism ${s.parallelism}, random seed ${s.randomSeed}`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryMB} MB, ${r.machine.platform}/${r.machine.arch}, Node ${r.machine.node}`,
  );
  const m = s.manyTargets;
  if (m && r.scenarios.some((sc) => sc.limits)) {
    out.push(
      `many targets: ${m.targets} instances of one account and region, ${m.rules} rules and ${m.taskTemplates} task templates each; the other client spends ${m.backgroundLoad * 100}% of each quota`,
    );
  }
  if (s.scenarioGroups && s.scenarioGroups.length < SCENARIO_GROUPS.length)
    out.push(`scenarios: ${s.scenarioGroups.join(', ')} only`);
  out.push('');
  out.push(
    table(
      ['scenario', 'wall s', 'floor s', 'wall/floor', 'calls', 'throttled', 'failed', 'load s'],
      r.scenarios.map((sc) => [
        sc.informational ? `(${sc.name})` : sc.name,
        secs(sc.wallSeconds),
        secs(sc.floorSeconds),
        sc.ratio === null ? '-' : x(sc.ratio),
        String(sc.calls),
        sc.client.throttled === sc.throttled ? String(sc.throttled) : `${sc.throttled} (client ${sc.client.throttled})`,
        String(sc.failed),
        secs(sc.loadSeconds),
      ]),
      [false, true, true, true, true, true, true, true],
    ),
  );
  const delays = r.scenarios.filter((sc) => sc.eventLoopDelayMs);
  if (delays.length) {
    out.push('', 'event loop delay (client and sandbox share it; a stall sends late calls together):');
    for (const sc of delays)
      out.push(`  ${sc.name}: p99 ${sc.eventLoopDelayMs!.p99} ms, max ${sc.eventLoopDelayMs!.max} ms`);
  }
  for (const sc of r.scenarios.filter((x) => x.lookups?.length)) {
    const alone = sc.lookupSeconds === undefined ? '' : `; alone they take ${secs(sc.lookupSeconds)} s`;
    out.push('', `look-ups of ${sc.name} (each directory read once, every page; "/n" = n throttled${alone}):`, '');
    out.push(
      table(
        ['operation', 'entries', 'per page', 'calls', 'expected', 'floor s'],
        sc.lookups!.map((l) => [
          l.api,
          String(l.entries),
          String(l.pageSize),
          l.throttled ? `${l.calls}/${l.throttled}` : String(l.calls),
          String(l.expected),
          secs(l.floorSeconds),
        ]),
        [false, true, true, true, true, true],
      ),
    );
  }
  // Calls per operation: one row per API, one column per scenario ("calls" or "calls/throttled").
  const apis = [...new Set(r.scenarios.flatMap((sc) => Object.keys(sc.operations)))].sort();
  if (apis.length) {
    out.push('', 'calls per operation (server side; "/n" = n of them throttled):', '');
    out.push(
      table(
        ['operation', ...r.scenarios.map((sc) => scenarioColumn(sc.name))],
        apis.map((api) => [
          api,
          ...r.scenarios.map((sc) => {
            const o = sc.operations[api];
            if (!o) return '';
            return o.throttled ? `${o.calls}/${o.throttled}` : String(o.calls);
          }),
        ]),
        [false, ...r.scenarios.map(() => true)],
      ),
    );
  }
  if (r.inProcess.length) {
    out.push('', 'in process (each in a child process of its own):', '');
    out.push(
      table(
        ['measurement', 'resources', 'wall s', 'CPU s', 'peak RSS MB', 'baseline RSS MB'],
        r.inProcess.map((m) => [
          m.name,
          String(m.resources),
          secs(m.wallSeconds),
          secs(m.cpuSeconds),
          m.peakRssMB.toFixed(0),
          m.baselineRssMB.toFixed(0),
        ]),
        [false, true, true, true, true, true],
      ),
    );
  }
  if (r.coldStart?.length) {
    out.push('', 'cold start (spawned, median of the runs, interleaved):', '');
    out.push(
      table(
        ['command', 'median s', 'runs', '× node -e 0'],
        r.coldStart.map((c) => [c.command, c.medianSeconds.toFixed(3), String(c.runs.length), x(c.ratioToNode)]),
        [false, true, true, true],
      ),
    );
  }
  out.push('', 'targets:', '');
  out.push(
    table(
      ['', 'target', 'measured', ''],
      r.targets.map((t) => [t.name, t.target, t.measured, t.met ? 'met' : 'MISSED']),
      [false, false, true, false],
    ),
  );
  const problems = r.scenarios.flatMap((sc) => sc.problems.map((p) => `${sc.name}: ${p}`));
  if (problems.length) out.push('', 'problems:', ...problems.map((p) => `  ${p}`));
  out.push('', `total ${r.totalSeconds.toFixed(0)} s`);
  return `${out.join('\n')}\n`;
}

/**
 * Smoke test of the benchmark harness (`npm run bench`), at a tiny scale and a high quota scale:
 * it runs the compiled harness as `npm run bench` does and checks the JSON it writes. It never
 * asserts a timing: the numbers belong to docs/PERFORMANCE.md, not to a unit test.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli.js';

const MAIN = join(ROOT, 'dist', 'bench', 'main.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('bench harness', () => {
  it('runs every scenario at a tiny scale and writes the documented JSON', async () => {
    const file = join(tempDir('bench-smoke-'), 'bench.json');
    const r = await run([
      '--rules',
      '20',
      '--task-templates',
      '6',
      '--custom-actions',
      '4',
      '--quota-scale',
      '50',
      '--latency',
      '0-2',
      '--diff-resources',
      '200',
      '--validate-resources',
      '20',
      '--cold-start-runs',
      '1',
      '--targets',
      '3',
      '--target-rules',
      '4',
      '--target-task-templates',
      '2',
      '--json',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8'));

    expect(report.format).toBe('connectform-bench/1');
    expect(report.settings).toMatchObject({
      quotaScale: 50,
      counts: { rules: 20, taskTemplates: 6, customActions: 4 },
      latencyMs: [0, 2],
    });
    expect(report.machine.cpus).toBeGreaterThan(0);

    const names = report.scenarios.map((s: { name: string }) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'full plan',
        'incremental plan',
        'apply 5% changes',
        'apply from empty',
        'full plan with names',
      ]),
    );
    for (const s of report.scenarios) {
      for (const field of ['wallSeconds', 'floorSeconds', 'calls', 'throttled', 'failed'])
        expect(typeof s[field], `${s.name}.${field}`).toBe('number');
      expect(typeof s.name).toBe('string');
      expect(s.failed, s.name).toBe(0);
      expect(s.problems, s.name).toEqual([]);
      // Calls per operation, counted on both sides.
      for (const [api, o] of Object.entries(
        s.operations as Record<string, { calls: number; throttled: number; client: { calls: number } }>,
      )) {
        expect(api).toMatch(/^(connect|chatbot|sts):[A-Z]\w+$/);
        expect(o.calls).toBeGreaterThanOrEqual(o.throttled);
        expect(typeof o.client.calls).toBe('number');
      }
    }
    const byName = Object.fromEntries(report.scenarios.map((s: { name: string }) => [s.name, s]));
    // What each scenario did, not how fast: the world was planned, read, changed as intended.
    expect(byName['full plan'].plan).toMatchObject({ create: 0, update: 0, unchanged: 30 });
    expect(byName['full plan'].operations['connect:DescribeRule'].calls).toBeGreaterThanOrEqual(20);
    // Every resource from the cache: rules and templates by stamp, custom actions by age.
    expect(byName['incremental plan'].plan).toMatchObject({ unchanged: 30, cacheHits: 30 });
    expect(byName['incremental plan'].operations['connect:DescribeRule']).toBeUndefined();
    expect(byName['incremental plan'].operations['chatbot:GetCustomAction']).toBeUndefined();
    // An hour on, custom actions (no stamp) are re-verified a slice at a time: ceil(4 / 6) = 1.
    expect(byName['incremental plan, cache 1 h old'].plan).toMatchObject({ unchanged: 30, cacheHits: 29 });
    expect(byName['incremental plan, cache 1 h old'].operations['chatbot:GetCustomAction'].calls).toBe(1);
    expect(byName['incremental plan, cache 1 h old'].operations['connect:DescribeRule']).toBeUndefined();
    expect(byName['apply 5% changes'].apply).toMatchObject({ ok: byName['apply 5% changes'].plan.update, failed: 0 });
    expect(byName['apply from empty'].plan.create).toBe(30);
    expect(byName['apply from empty'].apply).toMatchObject({ ok: 30, failed: 0 });
    expect(byName['apply from empty'].phases.map((p: { name: string }) => p.name)).toEqual(['plan', 'apply']);
    // Names of every kind: each directory read once, every page (test/bench/names.test.ts has more).
    const named = byName['full plan with names'];
    expect(named.plan).toMatchObject({ create: 0, update: 0, unchanged: 30 });
    for (const l of named.lookups) expect(l.calls, l.api).toBe(l.expected);
    expect(named.operations['connect:ListUsers'].calls).toBe(3);
    expect(r.stdout).toContain('look-ups of full plan with names');

    // The many-targets scenarios: every target planned, through one account's quota.
    for (const name of ['3 targets, one account', '3 targets, 50% load']) {
      expect(byName[name], name).toBeDefined();
      expect(byName[name].plan.unchanged, name).toBe(3 * (4 + 2));
      expect(byName[name].operations['connect:DescribeRule'].calls, name).toBeGreaterThanOrEqual(12);
      expect(byName[name].limits.ratio, name).toBeGreaterThan(1);
    }
    expect(report.settings.manyTargets).toEqual({ targets: 3, rules: 4, taskTemplates: 2, backgroundLoad: 0.5 });
    expect(report.targets.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['3 targets, one account', '3 targets, 50% load']),
    );

    expect(report.inProcess.map((m: { name: string }) => m.name)).toEqual(['diff + render', 'validate']);
    for (const m of report.inProcess) {
      for (const field of ['wallSeconds', 'cpuSeconds', 'peakRssMB', 'resources'])
        expect(typeof m[field], `${m.name}.${field}`).toBe('number');
    }
    expect(report.inProcess[0].resources).toBe(200);
    expect(report.inProcess[1].resources).toBe(20);

    // Cold start: three spawned commands, each against bare node.
    expect(report.coldStart.map((c: { name: string }) => c.name)).toEqual(['node -e 0', '--help', 'validate']);
    for (const c of report.coldStart) expect(c.runs).toHaveLength(1);
    expect(report.targets.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining([
        'incremental, cache 1 h old',
        'cold start --help',
        'cold start validate',
        'full plan with names',
      ]),
    );
    for (const t of report.targets) expect(Object.keys(t).sort()).toEqual(['measured', 'met', 'name', 'target']);
    // The table names the scale it ran at.
    expect(r.stdout).toContain('quota scale 50');
  });

  it('--scenario runs only the groups named', async () => {
    // The cheapest group: the first test already ran every scenario at a tiny scale.
    const file = join(tempDir('bench-scenario-'), 'bench.json');
    const r = await run(['--scenario', 'cold-start', '--cold-start-runs', '1', '--json', file]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.scenarios).toEqual([]);
    expect(report.inProcess).toEqual([]);
    expect(report.coldStart).toHaveLength(3);
    expect(report.settings.scenarioGroups).toEqual(['cold-start']);
    const bad = await run(['--scenario', 'everything']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--scenario: unknown everything; known: single-target, names, many-targets, in-process, cold-start',
    );
  });

  it('rejects an unknown option with the usage', async () => {
    const r = await run(['--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: npm run bench');
  });
});

/**
 * The in-process measurements, each run in a child process of its own so that its peak RSS
 * (`process.resourceUsage().maxRSS`) is its own and not the sandbox's or another scenario's:
 *
 *  - diff-render N: N declared resources against N live ones (10% edited, 1% missing), through
 *    buildPlan (normalize + diff of every resource), then rendered as text and as JSON;
 *  - validate N: a generated config of N resources written as YAML, loaded and validated
 *    (loadAndValidate: parse, interpolate, schema, semantic audit), as `connectform validate` does.
 *
 * `node dist/bench/inprocess.js <diff-render|validate> N` prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContactFlowDirectory } from '../aws/contact-flows.js';
import { buildPlan } from '../engine/planner.js';
import { loadAndValidate } from '../config/index.js';
import { allKinds } from '../kinds/index.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../kinds/common.js';
import type { Body, DeclaredResource, KindName, LiveResource } from '../kinds/types.js';
import { rendererFor } from '../render/index.js';
import { DEFAULT_SEED } from '../sandbox/world.js';
import {
  BENCH_INSTANCE,
  BENCH_REGION,
  BENCH_TARGET,
  changedCount,
  generate,
  proportional,
  writeConfigDir,
  type Generated,
} from './generate.js';

export type InProcessMode = 'diff-render' | 'validate';

export interface InProcessResult {
  name: string;
  resources: number;
  wallSeconds: number;
  /** User + system CPU of the measured section. */
  cpuSeconds: number;
  /** Peak resident set of the whole child process (MB), data generation included. */
  peakRssMB: number;
  /** Resident set when the child started, before generating anything (MB). */
  baselineRssMB: number;
  details: Record<string, number | string>;
}

const MB = 1024 * 1024;
/** Share of resources edited (one field) and missing live (creates) in diff-render. */
const EDIT_PERCENT = 10;
const MISSING_PERCENT = 1;

function measure<T>(fn: () => T): { value: T; wallSeconds: number; cpuSeconds: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const cpu = process.cpuUsage(cpu0);
  return { value, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function measureAsync<T>(fn: () => Promise<T>): Promise<{ value: T; wallSeconds: number; cpuSeconds: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { value, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const peakRssMB = () => (process.resourceUsage().maxRSS * 1024) / MB; // maxRSS is in kilobytes

// ---------------------------------------------------------------------------------------------
// diff + render
// ---------------------------------------------------------------------------------------------

/** A declared resource as the config loader makes it (positions are not looked at here). */
function declared(kind: KindName, body: Body, i: number): DeclaredResource {
  const pos = { file: `${kind}.yaml`, line: 2 + i * 12, col: 5 };
  return { kind, body, lifecycle: {}, pos, positionOf: () => pos };
}

/** A live resource as the kind's read returns it: the API's fields, flow ids, the marker tag. */
function live(kind: KindName, g: Generated, i: number): LiveResource {
  const body = structuredClone(g.seed);
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  let key = '';
  let arn = '';
  if (kind === 'rule') {
    key = String(body.Name);
    arn = `arn:aws:connect:${BENCH_REGION}:123456789012:instance/${BENCH_INSTANCE}/rule/${id}`;
    body.Tags = { ...((body.Tags as Record<string, string> | undefined) ?? {}), [MARKER_TAG_KEY]: MARKER_TAG_VALUE };
  } else if (kind === 'taskTemplate') {
    key = String(body.Name);
    arn = `arn:aws:connect:${BENCH_REGION}:123456789012:instance/${BENCH_INSTANCE}/task-template/${id}`;
  } else {
    key = String(body.ActionName);
    arn = `arn:aws:chatbot::123456789012:custom-action/${key}`;
    body.Tags = [
      ...((body.Tags as unknown[] | undefined) ?? []),
      { TagKey: MARKER_TAG_KEY, TagValue: MARKER_TAG_VALUE },
    ];
    const channels = g.chatConfigurations;
    if (channels) body.ChatConfigurations = [...channels].sort();
  }
  return {
    kind,
    key,
    id: kind === 'customAction' ? arn : id,
    arn,
    body,
    managed: true,
    version: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
  };
}

function diffRender(n: number): InProcessResult {
  const baselineRssMB = process.memoryUsage().rss / MB;
  const counts = proportional(n);
  const desiredSet = generate(counts, EDIT_PERCENT);
  const liveSet = generate(counts);
  const kinds: [KindName, 'rules' | 'taskTemplates' | 'customActions'][] = [
    ['rule', 'rules'],
    ['taskTemplate', 'taskTemplates'],
    ['customAction', 'customActions'],
  ];
  const decl: DeclaredResource[] = [];
  const liveByKind = new Map<KindName, LiveResource[]>();
  for (const [kind, key] of kinds) {
    decl.push(...desiredSet[key].map((g, i) => declared(kind, g.config, i)));
    const missing = Math.max(1, Math.round(100 / MISSING_PERCENT));
    liveByKind.set(
      kind,
      liveSet[key].filter((_, i) => i % missing !== Math.floor(missing / 2)).map((g, i) => live(kind, g, i)),
    );
  }
  const flows = new ContactFlowDirectory(
    DEFAULT_SEED.connect.instances[0].contactFlows!.map((f) => ({ id: f.id, name: f.name, type: f.type })),
  );
  const usedKinds = allKinds().filter((k) => kinds.some(([name]) => name === k.name));

  const diff = measure(() =>
    buildPlan({
      target: BENCH_TARGET,
      scope: { region: BENCH_REGION, instanceId: BENCH_INSTANCE },
      configFingerprint: 'bench',
      kinds: usedKinds,
      declared: decl,
      live: liveByKind,
      flows,
      prune: () => false,
      // Many edits would trip nothing (no deletes), but be explicit.
      threshold: { percent: 100, minResources: Number.MAX_SAFE_INTEGER },
    }),
  );
  const plan = diff.value;
  const render = measure(() => {
    const text = rendererFor('text', { color: false }).plan([plan]);
    const json = rendererFor('json', { color: false }).plan([plan]);
    return { text: text.length, json: json.length };
  });
  const edited = Object.values(changedCount(counts, EDIT_PERCENT)).reduce((s, c) => s + c, 0);
  return {
    name: 'diff + render',
    resources: decl.length,
    wallSeconds: diff.wallSeconds + render.wallSeconds,
    cpuSeconds: diff.cpuSeconds + render.cpuSeconds,
    peakRssMB: peakRssMB(),
    baselineRssMB,
    details: {
      diffCpuSeconds: diff.cpuSeconds,
      renderCpuSeconds: render.cpuSeconds,
      editedResources: edited,
      creates: plan.summary.create,
      updates: plan.summary.update,
      unchanged: plan.summary.unchanged,
      textBytes: render.value.text,
      jsonBytes: render.value.json,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// validate
// ---------------------------------------------------------------------------------------------

async function validate(n: number): Promise<InProcessResult> {
  const baselineRssMB = process.memoryUsage().rss / MB;
  const dir = mkdtempSync(join(tmpdir(), 'connectform-bench-validate-'));
  try {
    const counts = proportional(n);
    writeConfigDir(dir, generate(counts));
    const run = await measureAsync(() => loadAndValidate(dir, BENCH_TARGET));
    return {
      name: 'validate',
      resources: run.value.resources.length,
      wallSeconds: run.wallSeconds,
      cpuSeconds: run.cpuSeconds,
      peakRssMB: peakRssMB(),
      baselineRssMB,
      details: {
        rules: counts.rules,
        taskTemplates: counts.taskTemplates,
        customActions: counts.customActions,
        warnings: run.value.warnings.length,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// parent side
// ---------------------------------------------------------------------------------------------

const SELF = fileURLToPath(import.meta.url);

/** Runs one measurement in a fresh child process and returns its result. */
export function runInChild(mode: InProcessMode, resources: number): Promise<InProcessResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SELF, mode, String(resources)], { maxBuffer: 16 * MB }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${mode} child failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as InProcessResult);
      } catch {
        reject(new Error(`${mode} child printed no result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

async function childMain(argv: string[]): Promise<void> {
  const [mode, count] = argv;
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1) throw new Error(`usage: inprocess.js <diff-render|validate> N`);
  const result = mode === 'diff-render' ? diffRender(n) : mode === 'validate' ? await validate(n) : undefined;
  if (!result) throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  childMain(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}

/**
 * Test helpers: run the real CLI against a sandbox started in this process, with a config written
 * to a temp directory. `runCliInProcess` calls `main(argv, io)` on captured streams. The spawned
 * CLI (`runCli`, the compiled `dist/`) is in spawn-cli.ts, for `*.e2e.test.ts` files only.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const INSTANCE = '6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'connectform-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TargetSpec {
  /** The sandbox's; none for a real account (test/live). */
  endpoint?: string;
  instanceId?: string;
  region?: string;
  profile?: string;
  chatbotRegion?: string;
  vars?: Record<string, unknown>;
}

/** Write a config directory: connectform.yaml (targets, settings) + resources.yaml. */
export function writeConfig(
  dir: string,
  targets: Record<string, TargetSpec>,
  settings: object,
  resources: Record<string, unknown[]> | string,
): string {
  mkdirSync(dir, { recursive: true });
  const t = Object.fromEntries(
    Object.entries(targets).map(([name, s]) => [
      name,
      {
        region: s.region ?? 'us-east-2',
        instanceId: s.instanceId ?? INSTANCE,
        ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}),
        ...(s.profile !== undefined ? { profile: s.profile } : {}),
        ...(s.chatbotRegion !== undefined ? { chatbotRegion: s.chatbotRegion } : {}),
        ...(s.vars ? { vars: s.vars } : {}),
      },
    ]),
  );
  writeFileSync(join(dir, 'connectform.yaml'), stringify({ targets: t, settings }));
  writeFileSync(join(dir, 'resources.yaml'), typeof resources === 'string' ? resources : stringify(resources));
  return dir;
}

/** One field row of a plan (docs/PLAN-FORMAT.md). */
export interface PlanField {
  path: string;
  op: string;
  impact?: string;
  from?: number;
  to?: number;
  before?: unknown;
  after?: unknown;
}

/** A plan as the JSON document carries it (the members tests read). */
export interface JsonPlan {
  target: string;
  changes: { kind: string; name: string; action: string; fields: PlanField[]; reason?: string }[];
  unmanaged: { kind: string; name: string }[];
  notes: string[];
  /** Lines for the run's log (the cache note); absent when there are none. */
  log?: string[];
  blocked: { rule: string; kind: string; name?: string; message: string }[];
  summary: Record<string, number>;
}

/** The document `plan` / `drift` / `show --format json` print: `{ version, plans, errors }`. */
export function planDocumentOf(r: CliResult): {
  version: number;
  plans: JsonPlan[];
  errors: { target: string; message: string }[];
} {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not a JSON plan document (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** The one plan of a one-target `plan --format json` run. */
export function planOf(r: CliResult): JsonPlan {
  const { plans } = planDocumentOf(r);
  if (plans?.length !== 1)
    throw new Error(
      `expected one plan in the document, got ${plans?.length} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`,
    );
  return plans[0];
}

/**
 * The real program in this process: argv, env and stdin are the test's, stdout/stderr are
 * captured. `cwd` switches the process's directory for the run (test files run in their own
 * worker, one test at a time). `tty` makes stdout/stderr/stdin claim to be terminals.
 */
export async function runCliInProcess(
  args: string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    stdin?: string;
    tty?: boolean;
    interrupt?: { signal: AbortSignal; applying: boolean };
  } = {},
): Promise<CliResult> {
  const { main } = await import('../../src/cli/program.js');
  const { Readable } = await import('node:stream');
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(Readable.from(opts.stdin === undefined ? [] : [opts.stdin]), {
    isTTY: opts.tty ?? false,
  });
  const io = {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
      isTTY: opts.tty ?? false,
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: opts.tty ?? false,
    },
    stdin,
    env: { NO_COLOR: '1', ...opts.env },
    ...(opts.interrupt ? { interrupt: opts.interrupt } : {}),
  };
  const before = process.cwd();
  if (opts.cwd) process.chdir(opts.cwd);
  try {
    const code = await main(args, io);
    return { code, stdout, stderr };
  } finally {
    if (opts.cwd) process.chdir(before);
  }
}

/** A documented post-call Function matching one phrase the customer says (any text, `${var.x}` too). */
export const phraseFunction = (phrase: string) => ({
  Version: '2022-11-25',
  RuleFunction: {
    Operator: 'AND',
    Operands: [
      {
        Operator: 'CONTAINS_ANY',
        Operands: [phrase],
        ComparisonValue: '$.ContactLens.PostCall.ExactMatch.Transcript',
        FilterClause: { LogicOperator: 'AND', Filters: [{ Type: 'ParticipantRole', Data: 'CUSTOMER' }] },
        Negate: false,
      },
    ],
  },
});

/**
 * A minimal valid rule for CLI tests: post-call analysis, one EventBridge action, a documented
 * Function (`fn`: a variant number of the example Function, or the Function itself).
 */
export const postCallRule = (name: string, fn: unknown = 0, extra: object = {}) => ({
  Name: name,
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
  Function: typeof fn === 'number' ? exampleFunction('OnPostCallAnalysisAvailable', fn) : fn,
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${name}-event` } }],
  ...extra,
});

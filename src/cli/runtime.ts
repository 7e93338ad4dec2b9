/**
 * What every command that talks to AWS shares: the target options, the in-process sandbox
 * behind `--sandbox`, and opening one session per target.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { listTargets, type ResolveOptions } from '../config/resolve.js';
import { allowedEndpoints } from '../config/endpoints.js';
import { TargetSession, validateFor, type SessionOptions } from '../engine/session.js';
import { FORMATS, type Format } from '../render/index.js';
import type { KindName } from '../kinds/types.js';
import { kindNames } from '../kinds/index.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import type { CliIO } from './io.js';

export interface TargetOptions {
  target?: string;
  sandbox?: boolean;
  sandboxState?: string;
  region?: string;
  profile?: string;
  parallelism?: number;
  quotaScale?: number;
  kinds?: string[];
  refresh?: boolean;
  format: Format;
  debug?: boolean;
  allowEndpoint?: string[];
}

/** The in-process sandbox runs the quotas this many times faster, so demos are quick. */
export const SANDBOX_QUOTA_SCALE = 10;

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('-t, --target <name>', 'target to use (optional when the config has one); "all" for every target')
    .option('--sandbox', 'run against an in-process sandbox (state in .connectform/sandbox-state.json); no AWS account needed')
    .option('--sandbox-state <file>', 'state file of the in-process sandbox')
    .option('--region <region>', 'override the target region')
    .option('--profile <profile>', 'AWS shared-config profile (default credential chain otherwise)')
    .option('--parallelism <n>', 'most AWS requests in flight at once', positiveInt)
    .option('--quota-scale <x>', 'multiply every client-side quota (tests, benchmarks)', positiveNumber)
    .option('--kinds <kinds...>', `only these kinds (${kindNames().join(', ')})`)
    .option(...ALLOW_ENDPOINT_OPTION)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS as unknown as string[]).default('text'));
}

/** Repeatable: each use adds one URL. Shared by every command that resolves targets. */
export const ALLOW_ENDPOINT_OPTION = [
  '--allow-endpoint <url>',
  'let targets use this non-loopback endpoint (repeatable; also CONNECTFORM_ALLOW_ENDPOINTS); a config alone may only name loopback endpoints',
  (value: string, previous: string[] = []) => [...previous, value],
] as const;

/** What the trusted side of the run (flags, environment) says to the config resolver. */
export function resolveOptions(opts: { allowEndpoint?: string[] }, env: NodeJS.ProcessEnv): ResolveOptions {
  return { allowedEndpoints: allowedEndpoints(opts.allowEndpoint, env) };
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

/** Names of the targets a command runs on ("all" → every one). */
function chooseTargets(config: LoadedConfig, target: string | undefined): (string | undefined)[] {
  return target === 'all' ? listTargets(config) : [target];
}

/**
 * Run `fn` with a session per chosen target; the in-process sandbox (when asked for) lives
 * exactly as long as the command and keeps its world in a state file between runs.
 */
export async function withSessions<T>(io: CliIO, configPaths: string[], opts: TargetOptions, fn: (sessions: TargetSession[]) => Promise<T>): Promise<T> {
  const config = await loadConfig(configPaths);
  const names = chooseTargets(config, opts.target);
  let sandbox: SandboxHandle | undefined;
  const sessions: TargetSession[] = [];
  try {
    const base: SessionOptions = {
      region: opts.region,
      profile: opts.profile,
      parallelism: opts.parallelism,
      quotaScale: opts.quotaScale,
      kinds: opts.kinds as KindName[] | undefined,
      refresh: opts.refresh,
      log: opts.debug ? (line) => void io.stderr.write(`${line}\n`) : undefined,
      env: io.env,
    };
    // Validate every target first: a broken config never starts anything or calls anything.
    const validated = names.map((n) => validateFor(config, n, io.env, resolveOptions(opts, io.env)));
    if (opts.sandbox) {
      const statePath = sandboxStatePath(opts);
      sandbox = await startInProcessSandbox(statePath, opts, validated.map((v) => v.target.instanceId));
      base.endpoint = sandbox.endpoint;
      base.cacheScope = `sandbox:${statePath}`; // the port changes every run; the world does not
      base.credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
      base.quotaScale = opts.quotaScale ?? SANDBOX_QUOTA_SCALE;
    }
    for (const v of validated) sessions.push(TargetSession.create(v, base));
    return await fn(sessions);
  } finally {
    if (opts.debug) for (const s of sessions) io.stderr.write(`calls per API for ${s.name}: ${JSON.stringify(s.callStats())}\n`);
    for (const s of sessions) s.close();
    await sandbox?.stop();
  }
}

/** The sandbox holds every target's instance (with the default seed's contact flows). */
function sandboxStatePath(opts: TargetOptions): string {
  return resolve(opts.sandboxState ?? join('.connectform', 'sandbox-state.json'));
}

async function startInProcessSandbox(statePath: string, opts: TargetOptions, instanceIds: string[]): Promise<SandboxHandle> {
  mkdirSync(resolve(statePath, '..'), { recursive: true });
  return startSandbox({
    statePath,
    ensureInstances: instanceIds,
    quotas: { ratePerSecond: 2, burst: 5 },
    quotaScale: opts.quotaScale ?? SANDBOX_QUOTA_SCALE,
  });
}

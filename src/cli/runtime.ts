/**
 * What every command that talks to AWS shares: the in-process sandbox behind `--sandbox`, and
 * opening one session per target. Loaded only by commands that talk to AWS (it brings the SDK;
 * the sandbox only with --sandbox).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, validateFor } from '../config/index.js';
import { TargetSession, type SessionOptions } from '../engine/session.js';
import { QuotaBudget } from '../aws/quota-budget.js';
import type { KindName } from '../kinds/types.js';
import type { SandboxHandle } from '../sandbox/index.js';
import type { CliRun } from './io.js';
import { Redactor } from '../sensitive.js';
import { refuseLinks } from '../util/no-links.js';
import { chooseTargets, resolveOptions, SANDBOX_QUOTA_SCALE, stateDirOf, type TargetOptions } from './options.js';

/**
 * Run `fn` with a session per chosen target; the in-process sandbox (when asked for) lives
 * exactly as long as the command and keeps its world in a state file between runs.
 */
export async function withSessions<T>(
  run: CliRun,
  configPaths: string[],
  opts: TargetOptions,
  fn: (sessions: TargetSession[]) => Promise<T>,
): Promise<T> {
  const { io } = run;
  const config = await loadConfig(configPaths);
  const names = chooseTargets(config, opts.target);
  let sandbox: SandboxHandle | undefined;
  const sessions: TargetSession[] = [];
  // One directory for everything a run leaves for the next: CI keeps it with one cache step.
  const stateDir = stateDirOf(opts, io.env);
  try {
    const base: SessionOptions = {
      cacheDir: join(stateDir, 'cache'),
      pendingDir: join(stateDir, 'pending'),
      region: opts.region,
      profile: opts.profile,
      parallelism: opts.parallelism,
      quotaScale: opts.quotaScale,
      kinds: opts.kinds as KindName[] | undefined,
      refresh: opts.refresh,
      connectTimeoutMs: opts.connectTimeout,
      requestTimeoutMs: opts.requestTimeout,
      log: opts.debug ? (line) => void io.stderr.write(`${line}\n`) : undefined,
      // One budget for the run: targets in one account and region share its quota.
      quotaBudget: new QuotaBudget(),
    };
    // Validate every target first: a broken config never starts anything or calls anything.
    const trust = resolveOptions(opts, io.env, config);
    const validated = names.map((n) => validateFor(config, n, io.env, trust));
    run.redactor = Redactor.merge(run.redactor, ...validated.map((v) => v.redactor));
    if (opts.sandbox) {
      const statePath = resolve(opts.sandboxState ?? join(stateDir, 'sandbox-state.json'));
      sandbox = await startInProcessSandbox(
        statePath,
        opts,
        validated.map((v) => v.target.instanceId),
      );
      base.endpoint = sandbox.endpoint;
      base.cacheScope = `sandbox:${statePath}`; // the port changes every run; the world does not
      base.credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
      base.quotaScale = opts.quotaScale ?? SANDBOX_QUOTA_SCALE;
    }
    for (const v of validated) sessions.push(TargetSession.create(v, base));
    return await fn(sessions);
  } finally {
    if (opts.debug)
      for (const s of sessions) io.stderr.write(`calls per API for ${s.name}: ${JSON.stringify(s.callStats())}\n`);
    for (const s of sessions) s.close();
    await sandbox?.stop();
  }
}

/** The sandbox holds every target's instance (with the default seed's contact flows). */
async function startInProcessSandbox(
  statePath: string,
  opts: TargetOptions,
  instanceIds: string[],
): Promise<SandboxHandle> {
  refuseLinks(statePath); // a committed link must not redirect the world's file (util/no-links.ts)
  mkdirSync(resolve(statePath, '..'), { recursive: true });
  const { startSandbox } = await import('../sandbox/index.js'); // loaded by --sandbox runs only
  return startSandbox({
    statePath,
    ensureInstances: instanceIds,
    quotas: { ratePerSecond: 2, burst: 5 },
    quotaScale: opts.quotaScale ?? SANDBOX_QUOTA_SCALE,
  });
}

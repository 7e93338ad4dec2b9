/**
 * In-process entry point of the sandbox: a local HTTP emulator of the Connect, Chatbot and Lex V1
 * operations connectform calls, speaking restJson1 so the real AWS SDK clients (and the AWS CLI)
 * talk to it through an endpoint override. See docs/SANDBOX.md.
 */
import { createHash } from 'node:crypto';
import { ApiError } from './protocol.js';
import { Faults, type ServerQuotaOptions } from './faults.js';
import { SandboxEngine, type SandboxStats } from './server.js';
import { connectOps } from './ops/connect.js';
import { chatbotOps } from './ops/chatbot.js';
import { lexOps } from './ops/lex.js';
import {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_SEED,
  DIRECTORY_COLLECTIONS,
  SeedError,
  customActionArn,
  loadSeedFile,
  worldFromSeed,
  type DirectoryRecord,
  type Seed,
  type World,
} from './world.js';
import { StateSaver, loadState, removeStaleTempFiles } from './persist.js';
import type { FidelityOptions } from './fidelity.js';

export {
  DEFAULT_SEED,
  DEFAULT_INSTANCE_ID,
  DEFAULT_ACCOUNT_ID,
  SeedError,
  type Seed,
  type FullSeed,
  type World,
} from './world.js';
export type { SandboxStats, OperationStats } from './server.js';
export type { ServerQuota, ServerQuotaOptions } from './faults.js';
export { DEFAULT_SERVER_QUOTA } from './faults.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export { DEFAULT_TOKEN_WINDOW_MS, type FidelityOptions } from './fidelity.js';

/** Fidelity options (token window, consistency delay, Lex V1 state, rule Function echo): see fidelity.ts and docs/FIDELITY.md. */
export interface SandboxOptions extends FidelityOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A seed object or the path of a YAML seed file; default DEFAULT_SEED. Ignored when the state file exists. */
  seed?: Seed | string;
  /**
   * Persist the world here; load it on start when it exists. Every write is answered only once a
   * save including it is durable (temp file, fsync, rename); concurrent writes share saves.
   */
  statePath?: string;
  /** Request bodies over this many bytes are answered 413 without being read; default 10 MiB. */
  maxBodyBytes?: number;
  /** Default: the seed's `accountId`, else 123456789012. */
  accountId?: string;
  /** Region for requests without a SigV4 scope; default us-east-1. */
  region?: string;
  /** Makes injected faults, latencies and server-generated ids reproducible. */
  randomSeed?: number;
  /** false disables throttling; default 2 requests/s with a burst of 5 per `service:Operation`. */
  quotas?: false | ServerQuotaOptions;
  /** Multiplies every quota rate (bursts unchanged). */
  quotaScale?: number;
  /**
   * 0..1: a simulated other client spends this share of every API's quota in each account and
   * region (needs quotas on); connectform gets what is left, as next to a busy integration.
   */
  backgroundLoad?: number;
  latencyMs?: number | [number, number];
  /** 0..1: fraction of requests answered 500 / 503. */
  errorRate?: number;
  /** 0..1: fraction of requests whose connection is dropped without an answer. */
  resetRate?: number;
  /**
   * Connect instance ids that must exist, even in a world loaded from a state file: missing ones
   * are added with the default seed's contact flows (`--sandbox` hosts every target's instance).
   */
  ensureInstances?: string[];
  /** Milliseconds since the epoch (default Date.now): tests move time by hand. */
  clock?: () => number;
  /**
   * Monotonic milliseconds the quota buckets refill by (default performance.now): a test moves it
   * to have the buckets full again instead of waiting for them.
   */
  quotaClock?: () => number;
}

export interface SandboxHandle {
  /** `http://127.0.0.1:PORT`, for the SDKs' `endpoint` and the AWS CLI's `--endpoint-url`. */
  endpoint: string;
  stats(): SandboxStats;
  resetStats(): void;
  /** Requests of the simulated other client (`backgroundLoad`) so far, and how many it was served. */
  backgroundStats(): { requests: number; served: number };
  /** Stops serving and writes the state file (when there is one). */
  stop(): Promise<void>;
  /** The live world (plain JSON data). */
  readonly world: World;
}

/** Same thing, shorter name. */
export type Sandbox = SandboxHandle;

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const faults = new Faults({
    quotas: options.quotas,
    quotaScale: options.quotaScale,
    backgroundLoad: options.backgroundLoad,
    latencyMs: options.latencyMs,
    errorRate: options.errorRate,
    resetRate: options.resetRate,
    randomSeed: options.randomSeed,
    now: options.quotaClock,
  });
  let saver: StateSaver | undefined;
  // A sandbox killed mid-save leaves its temp file behind.
  if (options.statePath) await removeStaleTempFiles(options.statePath);
  const loaded = options.statePath ? await loadState(options.statePath) : undefined;
  // The seed only matters for a fresh world; a state file already holds everything.
  const seed: Seed = loaded
    ? {}
    : typeof options.seed === 'string'
      ? loadSeedFile(options.seed)
      : (options.seed ?? DEFAULT_SEED);
  const accountId = options.accountId ?? seed.accountId ?? DEFAULT_ACCOUNT_ID;
  const engine = new SandboxEngine({
    world: loaded ?? worldFromSeed(seed, String(accountId)),
    handlers: { connect: connectOps, chatbot: chatbotOps, 'lex-models': lexOps },
    faults,
    onWrite: () => saver?.markDirty(),
    untilSaved: async () => saver?.untilSaved(),
    maxBodyBytes: options.maxBodyBytes,
    defaultRegion: options.region,
    clock: options.clock,
    fidelity: {
      tokenWindowMs: options.tokenWindowMs,
      forgetTokensOnDelete: options.forgetTokensOnDelete,
      consistencyDelayMs: options.consistencyDelayMs,
      lexV1: options.lexV1,
      taskTemplatesDefaultPage: options.taskTemplatesDefaultPage,
      customActionUpdateOmitted: options.customActionUpdateOmitted,
      ruleFunctionEcho: options.ruleFunctionEcho,
    },
  });
  if (!loaded) await seedResources(engine, seed);
  addMissingInstances(engine.world, options.ensureInstances ?? [], String(accountId));
  // What the seed or the state file holds was there long before: reads see it at once.
  engine.settle();
  if (options.statePath) {
    saver = new StateSaver(options.statePath, () => engine.world);
    // The file exists before the endpoint is announced (and an unwritable path fails here).
    if (!loaded) await saver.markDirty();
  }
  const endpoint = await engine.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return {
    endpoint,
    stats: () => engine.stats.snapshot(),
    resetStats: () => engine.stats.reset(),
    backgroundStats: () => faults.backgroundStats(),
    stop: async () => {
      await engine.close();
      await saver?.flush();
    },
    get world() {
      return engine.world;
    },
  };
}

function addMissingInstances(world: World, ids: string[], accountId: string): void {
  const missing = ids.filter((id) => !world.connect.instances[id]);
  if (!missing.length) return;
  const template = worldFromSeed({ connect: { instances: [DEFAULT_SEED.connect.instances[0]] } }, accountId);
  const seeded = Object.values(template.connect.instances)[0];
  for (const id of missing)
    world.connect.instances[id] = {
      Id: id,
      Tags: {},
      contactFlows: structuredClone(seeded.contactFlows),
      // The same names with this instance's own ids, as in AWS (ids are per instance).
      ...Object.fromEntries(DIRECTORY_COLLECTIONS.map((c) => [c, reissued(seeded[c] ?? {}, id)])),
      rules: {},
      taskTemplates: {},
    };
}

/** `records` under ids derived from `instanceId` and each old id: stable across restarts. */
function reissued(records: Record<string, DirectoryRecord>, instanceId: string): Record<string, DirectoryRecord> {
  return Object.fromEntries(
    Object.values(records).map((r) => {
      const h = createHash('sha256').update(`${instanceId}/${r.Id}`).digest('hex');
      const Id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
      return [Id, { ...r, Id }];
    }),
  );
}

/**
 * Seeded rules, task templates and custom actions go through their create operations, so they
 * are validated and filled (ids, ARNs, times) exactly like resources created over the wire.
 */
async function seedResources(engine: SandboxEngine, seed: Seed): Promise<void> {
  const run = async (where: string, api: string, input: Record<string, unknown>) => {
    try {
      return await engine.invoke(api, input);
    } catch (err) {
      if (err instanceof ApiError) throw new SeedError(`invalid seed: ${where}: ${err.code}: ${err.message}`);
      throw err;
    }
  };
  for (const [i, inst] of (seed.connect?.instances ?? []).entries()) {
    for (const [j, body] of (inst.rules ?? []).entries()) {
      await run(`connect.instances[${i}].rules[${j}]`, 'connect:CreateRule', { ...body, InstanceId: String(inst.id) });
    }
    for (const [j, body] of (inst.taskTemplates ?? []).entries()) {
      await run(`connect.instances[${i}].taskTemplates[${j}]`, 'connect:CreateTaskTemplate', {
        ...body,
        InstanceId: String(inst.id),
      });
    }
  }
  for (const [i, body] of (seed.chatbot?.customActions ?? []).entries()) {
    await run(`chatbot.customActions[${i}]`, 'chatbot:CreateCustomAction', body);
  }
  const account = engine.world.accountId;
  for (const [i, link] of (seed.chatbot?.associations ?? []).entries()) {
    const resource = link.customAction.startsWith('arn:')
      ? link.customAction
      : customActionArn(account, link.customAction);
    await run(`chatbot.associations[${i}]`, 'chatbot:AssociateToConfiguration', {
      Resource: resource,
      ChatConfiguration: link.chatConfiguration,
    });
  }
}

/**
 * Carries out a plan: the only module that writes. Order: creates, updates and replaces
 * (in parallel up to `parallelism`), then deletes, so a failed create never follows a delete
 * of something else. A replace is delete-then-create (names are unique, so both cannot exist);
 * its old body is journaled before the delete, and if the create fails (in this run, or in the
 * run recovering one that was killed in between) the old resource is created again from it.
 */
import pLimit from 'p-limit';
import { RemoteError, messageWithinTarget } from '../errors.js';
import { canonicalJson, idempotencyToken } from '../kinds/common.js';
import type { Body, KindName, LiveResource, ResourceKind, TargetContext } from '../kinds/types.js';
import { changedTopLevel } from './diff.js';
import { classifyFailure } from '../aws/retry.js';
import { rootCause } from '../aws/clients.js';
import { LagOutlasted, isNameTaken, untilNameFree } from '../aws/lag.js';
import type { Change, Plan } from './plan.js';
import { MARKER_PATH, liveKey, type ReplacedResource } from './planner.js';
import { raiseIfUnsafe } from './plan-passes/safety.js';
import { PendingCreates } from './pending.js';

/** `skipped`: a manual step, never applied; `interrupted`: not started because the run was interrupted. */
export type ResultStatus = 'ok' | 'failed' | 'restored' | 'skipped' | 'interrupted';

export interface ApplyResult {
  kind: KindName;
  name: string;
  action: Change['action'];
  status: ResultStatus;
  /** One line: what went wrong, or what was done to recover. */
  message?: string;
  /** When a replace failed and the restore failed too: the old body (also kept in the journal), so nothing is lost. */
  lostBody?: Body;
  /** The failure itself (not serialized): its stack and causes are printed with --debug. */
  error?: unknown;
}

export interface ApplyReport {
  target: string;
  results: ApplyResult[];
  summary: { ok: number; failed: number; restored: number; skipped: number; interrupted: number };
}

export type ApplyEvent = { type: 'start' | 'done'; change: Change; result?: ApplyResult };

export interface ApplyOptions {
  parallelism: number;
  /** The journal of creates and replaces in flight (pending.ts); in memory only when absent. */
  pending?: PendingCreates;
  force?: boolean;
  onEvent?: (e: ApplyEvent) => void;
  /**
   * Aborted on the first Ctrl-C / SIGTERM: no new change starts; changes under way finish (a
   * replace is never left half done), and the report marks the rest `interrupted`.
   */
  signal?: AbortSignal;
}

/**
 * The same create re-run after a crash sends the same token (no duplicates): the nonce comes from
 * the journal of creates in flight (pending.ts), which hands it back until the create is done;
 * a later create of the same name and body (deleted, then declared again) gets a new one.
 */
export function tokenFor(ctx: TargetContext, change: Change, desired: Body, nonce: string, replacing?: string): string {
  return idempotencyToken([
    ctx.target.region,
    ctx.target.instanceId,
    change.kind,
    change.name,
    canonicalJson(desired),
    replacing ?? '',
    nonce,
  ]);
}

export async function applyPlan(
  ctx: TargetContext,
  kinds: readonly ResourceKind[],
  plan: Plan,
  live: ReadonlyMap<string, LiveResource>,
  options: ApplyOptions,
): Promise<ApplyReport> {
  raiseIfUnsafe(plan, options.force);
  const kindOf = new Map(kinds.map((k) => [k.name, k]));
  const results: ApplyResult[] = [];

  const pending = options.pending ?? new PendingCreates();
  // What the journal holds about resources that exist again is done (see pending.ts `settle`).
  pending.settle(
    kinds.map((k) => k.name),
    live,
  );
  const run = async (change: Change) => {
    if (options.signal?.aborted) {
      results.push({
        kind: change.kind,
        name: change.name,
        action: change.action,
        status: 'interrupted',
        message: 'not started: the run was interrupted',
      });
      return;
    }
    options.onEvent?.({ type: 'start', change });
    const result = await applyChange(ctx, kindOf.get(change.kind)!, change, live, pending);
    results.push(result);
    options.onEvent?.({ type: 'done', change, result });
  };

  const actionable = plan.changes.filter((c) => c.action !== 'manual');
  const writes = actionable.filter((c) => c.action !== 'delete');
  const deletes = actionable.filter((c) => c.action === 'delete');
  await runByKind(writes, options.parallelism, run);
  await runByKind(deletes, options.parallelism, run);
  for (const c of plan.changes.filter((c) => c.action === 'manual')) {
    results.push({ kind: c.kind, name: c.name, action: 'manual', status: 'skipped', message: c.reason });
  }

  const order = new Map(plan.changes.map((c, i) => [liveKey(c.kind, c.name), i]));
  results.sort((a, b) => order.get(liveKey(a.kind, a.name))! - order.get(liveKey(b.kind, b.name))!);
  const summary = { ok: 0, failed: 0, restored: 0, skipped: 0, interrupted: 0 };
  for (const r of results) summary[r.status]++;
  return { target: plan.target, results, summary };
}

async function applyChange(
  ctx: TargetContext,
  kind: ResourceKind,
  change: Change,
  live: ReadonlyMap<string, LiveResource>,
  pending: PendingCreates,
): Promise<ApplyResult> {
  const base = { kind: change.kind, name: change.name, action: change.action };
  let current = live.get(liveKey(change.kind, change.renamedFrom ?? change.name));
  try {
    if (current?.fromCache) current = await reread(ctx, kind, current);
    switch (change.action) {
      case 'create': {
        // The resource is missing because a replace was cut after its delete: finish that replace.
        const replaced = pending.interruptedReplace(change.kind, change.name);
        if (replaced) return await createOrRestore(ctx, kind, change, replaced, pending, true);
        const made = await createTracked(kind, pending, change.name, (nonce, created) =>
          kind.create(ctx, change.desired!, tokenFor(ctx, change, change.desired!, nonce), created),
        );
        await writeMarker(ctx, kind, change, made);
        return { ...base, status: 'ok' };
      }
      case 'update': {
        const target = mustHave(current, change);
        const changed = changedTopLevel(change.fields.filter((f) => f.path !== MARKER_PATH));
        if (changed.length) await kind.update(ctx, target, change.desired!, changed);
        if (change.mark && kind.mark) {
          await kind.mark(ctx, target);
          pending.remove(change.kind, change.name);
        }
        await writeMarker(ctx, kind, change, target);
        return { ...base, status: 'ok' };
      }
      case 'delete':
        await kind.delete(ctx, mustHave(current, change));
        pending.forget(change.kind, change.name); // a later create of the name is a new one
        return { ...base, status: 'ok' };
      case 'replace':
        return await replace(ctx, kind, change, mustHave(current, change), pending);
      default:
        return { ...base, status: 'skipped', message: change.reason };
    }
  } catch (err) {
    // The error object rides along (not enumerable: the report stays plain data) for --debug.
    return Object.defineProperty({ ...base, status: 'failed' as const, message: messageWithinTarget(err) }, 'error', {
      value: err,
      enumerable: false,
    });
  }
}

/**
 * Delete, then create. The old body is journaled before the delete, so a run killed between the
 * two leaves it on disk: the next plan shows the create as a recovery (see `create` above).
 */
async function replace(
  ctx: TargetContext,
  kind: ResourceKind,
  change: Change,
  current: LiveResource,
  pending: PendingCreates,
): Promise<ApplyResult> {
  const old: ReplacedResource = { oldId: current.id, oldBody: kind.normalize(current.body, { flows: ctx.flows }) };
  pending.beginReplace(change.kind, change.name, old);
  try {
    await kind.delete(ctx, current);
  } catch (err) {
    // Refused: the old resource is untouched. An unknown outcome keeps the entry: the next plan
    // finds the resource there (the entry is settled) or gone (a recovery).
    if (refusedForGood(err)) pending.endReplace(change.kind, change.name);
    throw err;
  }
  return createOrRestore(ctx, kind, change, old, pending, current.key === change.name);
}

/**
 * The second half of a replace, in the run that deleted or in the one recovering it: create the
 * desired body (the same token either way: its nonce is journaled, the old id is in it), and if
 * that fails create the old one again. The journal keeps the old body until one of them exists.
 * `sameName`: the create reuses the name the delete just freed, which may still read as taken
 * for a while (eventual consistency): the create waits for it, for a bounded time (aws/lag.ts);
 * a name someone else took still fails after the bound.
 */
async function createOrRestore(
  ctx: TargetContext,
  kind: ResourceKind,
  change: Change,
  old: ReplacedResource,
  pending: PendingCreates,
  sameName: boolean,
): Promise<ApplyResult> {
  const base = { kind: change.kind, name: change.name, action: change.action };
  const freed = <T>(create: () => Promise<T>) => (sameName ? untilNameFree(ctx.aws.lag, create) : create());
  try {
    const made = await createTracked(kind, pending, change.name, (nonce, created) =>
      freed(() => kind.create(ctx, change.desired!, tokenFor(ctx, change, change.desired!, nonce, old.oldId), created)),
    );
    pending.endReplace(change.kind, change.name);
    await writeMarker(ctx, kind, change, made);
    return { ...base, status: 'ok' };
  } catch (createErr) {
    // Created, but AWS was too slow to show it to the call after (tags, links): nothing to
    // restore (the new one holds the name); the next apply settles the entry and finishes it.
    if (createdButLagging(createErr)) throw createErr;
    try {
      // The old resource's id is unique to this restore: a re-run restoring again is a new create.
      await untilNameFree(ctx.aws.lag, () =>
        kind.create(ctx, old.oldBody, tokenFor(ctx, change, old.oldBody, `restore:${old.oldId}`)),
      );
      pending.endReplace(change.kind, change.name);
      return {
        ...base,
        status: 'restored',
        message: `create failed (${messageWithinTarget(createErr)}); the previous ${kind.title} was restored: not converged`,
      };
    } catch (restoreErr) {
      return {
        ...base,
        status: 'failed',
        message: `create failed (${messageWithinTarget(createErr)}) and restoring the previous ${kind.title} failed too (${messageWithinTarget(restoreErr)}); its body is in this report and in the journal${pending.file ? ` (${pending.file})` : ''}, and the next apply tries again`,
        lostBody: old.oldBody,
      };
    }
  }
}

/**
 * After the resource is written: record on it which fields came from sensitive sources (the
 * marker tag's value, kinds/sensitive-marker.ts), so later plans mask them with the variable gone.
 */
async function writeMarker(
  ctx: TargetContext,
  kind: ResourceKind,
  change: Change,
  target: { id: string; arn?: string },
): Promise<void> {
  if (change.marker !== undefined && kind.writeMarker) await kind.writeMarker(ctx, target, change.marker);
}

/**
 * Kinds write through different APIs (each its own quota bucket): run them side by side, each
 * with up to `parallelism` changes under way; requests in flight stay capped by AwsClients.
 */
async function runByKind(changes: Change[], parallelism: number, run: (c: Change) => Promise<void>): Promise<void> {
  const groups = new Map<KindName, Change[]>();
  for (const c of changes) groups.set(c.kind, [...(groups.get(c.kind) ?? []), c]);
  await Promise.all(
    [...groups.values()].map((group) => {
      const limit = pLimit(Math.max(1, parallelism));
      return Promise.all(group.map((c) => limit(() => run(c))));
    }),
  );
}

/**
 * Journal a create until it has returned (kinds that mark in a second call: until the marker is
 * on, which `mark` clears), give it the journal's nonce for its token, and bind the entry to the
 * id the create reports as soon as it exists (before the marker's call).
 */
async function createTracked<T>(
  kind: ResourceKind,
  pending: PendingCreates,
  name: string,
  create: (nonce: string, created: (made: { id: string }) => void) => Promise<T>,
): Promise<T> {
  const nonce = pending.begin(kind.name, name);
  let out: T;
  try {
    out = await create(nonce, (made) => pending.created(kind.name, name, made.id));
  } catch (err) {
    // Refused for good (validation, access, a kind that undid its own half-done create): nothing
    // of this attempt lives on, so the next one gets a new token. An unknown outcome (timeout,
    // dropped connection, 5xx after retries) keeps the record: the re-run must replay the token.
    // A create that happened but whose follow-up outlasted AWS's lag is done for the journal
    // when its marker went with it (no `mark`); else the next plan marks it, clearing the record.
    if (refusedForGood(err) || (createdButLagging(err) && !kind.mark)) pending.remove(kind.name, name);
    throw err;
  }
  pending.remove(kind.name, name);
  return out;
}

/** Created, but AWS was too slow to show it to the call after it (tags, links): aws/lag.ts. */
function createdButLagging(err: unknown): boolean {
  return rootCause(err) instanceof LagOutlasted && !isNameTaken(err);
}

/** What AWS (or the network) said, under our wrapping; one of ours without a cause proves nothing. */
function refusedForGood(err: unknown): boolean {
  const e = rootCause(err);
  // Lag that outlasted its wait: a name still taken means nothing was created (refused); any
  // other (tags, links after the create) means the create happened (aws/lag.ts).
  if (e instanceof LagOutlasted) return isNameTaken(e);
  return !(e instanceof RemoteError) && classifyFailure(e) === 'permanent';
}

/** A cached resource is re-read before it is changed; a stale cache must not drive a write. */
async function reread(ctx: TargetContext, kind: ResourceKind, cached: LiveResource): Promise<LiveResource | undefined> {
  const fresh = await kind.describe?.(ctx, cached.id);
  if (!fresh) return undefined;
  const norm = (l: LiveResource) => canonicalJson(kind.normalize(l.body, { flows: ctx.flows }));
  if (norm(fresh) !== norm(cached)) {
    throw new Error(`it changed since the plan read it from the snapshot cache; run plan --refresh and review again`);
  }
  return fresh;
}

function mustHave(current: LiveResource | undefined, change: Change): LiveResource {
  if (!current) throw new Error(`${change.kind} "${change.name}" is no longer live; plan again`);
  return current;
}

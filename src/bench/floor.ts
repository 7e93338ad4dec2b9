/**
 * The quota floor: the least time the quotas allow for the calls a scenario made. Every API
 * (`service:Operation`) is its own token bucket, so APIs run in parallel and a phase's floor is
 * its slowest API's `max(0, calls - burst) / rate` (QuotaTable.floorSeconds). Calls are counted
 * server side, as they arrived at the sandbox; a throttled answer spends no token, so it does not
 * raise the floor (it shows in `throttled` instead).
 *
 * A scenario made of phases that cannot overlap (apply starts when its plan is done) has the sum
 * of its phases' floors: each phase is bounded separately, every bucket at most full at its start.
 */
import type { QuotaTable } from '../aws/pacing.js';
import type { CallStats } from '../aws/clients.js';
import type { SandboxStats } from '../sandbox/index.js';

/** One API's calls in a scenario, both sides. */
export interface OperationRow {
  /** Requests that reached the sandbox (throttled ones included). */
  calls: number;
  /** Answered 429 by the sandbox. */
  throttled: number;
  /** Other error answers (validation, not found, conflicts, injected faults). */
  errors: number;
  /** This API's own floor (s), summed over the scenario's phases. */
  floorSeconds: number;
  client: CallStats;
}

export interface Phase {
  name: string;
  wallSeconds: number;
  server: SandboxStats;
  client: Record<string, CallStats>;
}

export const emptyCallStats = (): CallStats => ({ calls: 0, attempts: 0, throttled: 0, transient: 0, failed: 0 });

export function addCallStats(into: CallStats, c: CallStats): void {
  into.calls += c.calls;
  into.attempts += c.attempts;
  into.throttled += c.throttled;
  into.transient += c.transient;
  into.failed += c.failed;
}

/** Requests per API that spent a token: what the floor is computed from. */
export function acceptedCalls(server: SandboxStats): Record<string, number> {
  return Object.fromEntries(Object.entries(server.operations).map(([api, o]) => [api, o.calls - o.throttled]));
}

/** The floor of one API for `calls` accepted requests. */
export function apiFloorSeconds(quotas: QuotaTable, api: string, calls: number): number {
  return quotas.floorSeconds({ [api]: calls });
}

export function phaseFloorSeconds(quotas: QuotaTable, phase: Phase): number {
  return quotas.floorSeconds(acceptedCalls(phase.server));
}

export function scenarioFloorSeconds(quotas: QuotaTable, phases: Phase[]): number {
  return phases.reduce((sum, p) => sum + phaseFloorSeconds(quotas, p), 0);
}

/** Client counters of a session after a phase minus before it (sessions count cumulatively). */
export function subtractClient(
  after: Record<string, CallStats>,
  before: Record<string, CallStats>,
): Record<string, CallStats> {
  const out: Record<string, CallStats> = {};
  for (const [api, a] of Object.entries(after)) {
    const b = before[api] ?? emptyCallStats();
    const d: CallStats = {
      calls: a.calls - b.calls,
      attempts: a.attempts - b.attempts,
      throttled: a.throttled - b.throttled,
      transient: a.transient - b.transient,
      failed: a.failed - b.failed,
    };
    if (d.calls || d.attempts) out[api] = d;
  }
  return out;
}

/** Per-API rows over all phases, server and client side side by side. */
export function operationRows(quotas: QuotaTable, phases: Phase[]): Record<string, OperationRow> {
  const rows: Record<string, OperationRow> = {};
  const row = (api: string) =>
    (rows[api] ??= { calls: 0, throttled: 0, errors: 0, floorSeconds: 0, client: emptyCallStats() });
  for (const p of phases) {
    for (const [api, o] of Object.entries(p.server.operations)) {
      const r = row(api);
      r.calls += o.calls;
      r.throttled += o.throttled;
      r.errors += o.errors;
      r.floorSeconds += apiFloorSeconds(quotas, api, o.calls - o.throttled);
    }
    for (const [api, c] of Object.entries(p.client)) addCallStats(row(api).client, c);
  }
  return Object.fromEntries(Object.entries(rows).sort(([a], [b]) => a.localeCompare(b)));
}

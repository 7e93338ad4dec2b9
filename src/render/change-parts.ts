/**
 * The parts of a plan both human outputs say the same way: a change's body (creates and
 * deletes), its attribution line, and the unmanaged resources, named and capped.
 */
import type { Action, Attribution, Change, FieldChange, Plan, ResourceRef } from '../engine/plan.js';

type KindName = ResourceRef['kind'];

/** Creates and deletes show their body, not field rows. */
export function showsBody(change: Change): boolean {
  return change.action === 'create' || change.action === 'delete';
}

/**
 * The body a create or delete shows, as field rows: the planner's own rows (each a whole value
 * added or removed), or for a create without rows the desired body it will send.
 */
export function bodyRows(change: Change): FieldChange[] {
  if (change.fields.length || !change.desired) return change.fields;
  return Object.entries(change.desired).map(([path, after]) => ({ path, op: 'add' as const, after }));
}

/**
 * `last changed 2026-11-29T10:00:00Z by arn:…`; `{}`: the API does not tell; absent: nothing;
 * `unattributed`: says so rather than name the editor of an earlier change.
 * The one wording of plans (text, markdown) and of `pull`'s report.
 */
export function attributionText(a: Attribution): string;
export function attributionText(a: Attribution | undefined): string | undefined;
export function attributionText(a: Attribution | undefined): string | undefined {
  if (!a) return undefined;
  if (a.unattributed) return `who made this change is not recorded: ${a.unattributed}`;
  if (!a.at && !a.by) return 'last change: not reported by this API';
  return `last changed${a.at ? ` ${a.at}` : ''}${a.by ? ` by ${a.by}` : ''}`;
}

/** Unmanaged resources named per kind, at most this many each. */
export const UNMANAGED_SHOWN = 20;

export interface UnmanagedGroup {
  kind: KindName;
  names: string[];
  more: number;
}

export function unmanagedGroups(unmanaged: ResourceRef[]): UnmanagedGroup[] {
  const byKind = new Map<KindName, string[]>();
  for (const u of unmanaged) {
    const names = byKind.get(u.kind);
    if (names) names.push(u.name);
    else byKind.set(u.kind, [u.name]);
  }
  return [...byKind].map(([kind, names]) => ({
    kind,
    names: names.slice(0, UNMANAGED_SHOWN),
    more: Math.max(0, names.length - UNMANAGED_SHOWN),
  }));
}

/** What pruning would and would not do to them (the rule lives in the planner's pruneFor). */
export const UNMANAGED_HINT =
  'settings.prune deletes only resources connectform marked as its own; Lex channel associations only when prune lists lexChannelAssociation';

/**
 * Which way a plan's rows read. `apply` (plan, show, apply): live → config, what apply would do.
 * `drift`: config → live, the change made outside connectform (a resource apply would create
 * was removed, one it would delete was added).
 */
export type Direction = 'apply' | 'drift';

/** How drift names what happened to a resource, by the action apply would take. */
export const DRIFT_VERB: Record<Action, 'changed' | 'removed' | 'added'> = {
  create: 'removed',
  update: 'changed',
  replace: 'changed',
  manual: 'changed',
  delete: 'added',
};

/** The heading over drift's rows (text and markdown). */
export const DRIFT_HEADING = 'Changed outside connectform (configured value → live value):';

/**
 * A change as drift shows it: the same data read the other way round. Each row's `before` is the
 * configured value and `after` the live one (`add` ↔ `remove`, a move's `from` ↔ `to`); a
 * create's body (the configured resource, gone from live) becomes `remove` rows, a delete's
 * (live only) `add` rows. The plan itself is never changed.
 */
export function driftChange(change: Change): Change {
  const fields = showsBody(change) ? bodyRows(change) : change.fields;
  return { ...change, fields: fields.map(reversedRow) };
}

function reversedRow(f: FieldChange): FieldChange {
  const op = f.op === 'add' ? 'remove' : f.op === 'remove' ? 'add' : f.op;
  const row: FieldChange = { ...f, op };
  delete row.impact; // apply's reading (which rows force a replace): the change's reason says it
  delete row.before;
  delete row.after;
  delete row.from;
  delete row.to;
  if (f.after !== undefined) row.before = f.after;
  if (f.before !== undefined) row.after = f.before;
  if (f.to !== undefined) row.from = f.to;
  if (f.from !== undefined) row.to = f.from;
  return row;
}

/** Drift's counts: changed (update, replace, manual), removed (create), added (delete) outside connectform. */
export function driftCounts(plan: Plan): Record<'changed' | 'removed' | 'added', number> {
  const counts = { changed: 0, removed: 0, added: 0 };
  for (const c of plan.changes) counts[DRIFT_VERB[c.action]]++;
  return counts;
}

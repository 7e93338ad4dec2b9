/**
 * The parts of a plan both human outputs say the same way: a change's body (creates and
 * deletes), its attribution line, and the unmanaged resources, named and capped.
 */
import type { Attribution, Change, FieldChange, ResourceRef } from '../engine/plan.js';

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
 * `last changed 2026-11-29T10:00:00Z by arn:…`; `{}`: the API does not tell; absent: nothing.
 * The one wording of plans (text, markdown) and of `pull`'s report.
 */
export function attributionText(a: Attribution): string;
export function attributionText(a: Attribution | undefined): string | undefined;
export function attributionText(a: Attribution | undefined): string | undefined {
  if (!a) return undefined;
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

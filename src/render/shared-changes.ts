/**
 * The same change on several targets, found once so a comment for every target can show it once
 * (markdown). "The same" is what a reviewer reads: kind, name, action, reason, rename and every
 * field row with its values. Ids, stamps and attribution differ per target and are not compared;
 * the group keeps each target's attribution.
 */
import type { Change, Plan } from '../engine/plan.js';

export interface SharedChange {
  /** The first target's change (the others equal it in what is shown). */
  change: Change;
  /** Each target's own change, in the plans' order. */
  byTarget: { target: string; change: Change }[];
}

export interface SharedGroup {
  /** The targets that share these changes, in the plans' order. */
  targets: string[];
  changes: SharedChange[];
}

/** Groups of changes that two or more plans share; `grouped` holds every change shown in one. */
export function sharedChanges(plans: Plan[]): { groups: SharedGroup[]; grouped: Set<Change> } {
  const byKey = new Map<string, { target: string; change: Change }[]>();
  for (const p of plans) {
    for (const c of p.changes) {
      const key = shownKey(c);
      const seen = byKey.get(key);
      if (seen) {
        if (!seen.some((s) => s.target === p.target)) seen.push({ target: p.target, change: c });
      } else byKey.set(key, [{ target: p.target, change: c }]);
    }
  }
  const groups = new Map<string, SharedGroup>();
  const grouped = new Set<Change>();
  for (const entries of byKey.values()) {
    if (entries.length < 2) continue;
    const targets = entries.map((e) => e.target);
    const id = JSON.stringify(targets);
    let group = groups.get(id);
    if (!group) {
      group = { targets, changes: [] };
      groups.set(id, group);
    }
    group.changes.push({ change: entries[0].change, byTarget: entries });
    for (const e of entries) grouped.add(e.change);
  }
  return { groups: [...groups.values()], grouped };
}

function shownKey(c: Change): string {
  return JSON.stringify([c.kind, c.name, c.action, c.reason ?? null, c.renamedFrom ?? null, c.fields]);
}

/**
 * Plan pass 3, journal notes: what the journal (pending.ts) knows that the plan cannot show as a
 * change. A replace interrupted after its delete, of a resource no longer declared, would be lost
 * silently otherwise. Pure.
 */
import type { LiveResource, ResourceKind } from '../../kinds/types.js';
import type { JournalView } from '../planner.js';

export function journalNotes(
  kind: ResourceKind,
  pending: JournalView | undefined,
  live: ReadonlyMap<string, LiveResource>,
  declaredKeys: ReadonlySet<string>,
): string[] {
  const notes: string[] = [];
  for (const { name } of pending?.interruptedReplaces(kind.name) ?? []) {
    if (live.has(name) || declaredKeys.has(name)) continue;
    notes.push(
      `an interrupted replace deleted ${kind.title} "${name}", which is no longer declared; its previous body is kept in the journal (declare it again to re-create it)`,
    );
  }
  return notes;
}

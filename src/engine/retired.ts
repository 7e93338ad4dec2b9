/**
 * Reading a kind whose API AWS has retired (Lex V1, ended 2025-09-15): when the kind says a read
 * failure means its API no longer answers (`ResourceKind.retiredApi`), the target goes on
 * without it. The kind is left out of the live state, so the planner plans nothing for it (no
 * change, no prune, no drift), and the plan carries one warning naming how many declared
 * resources could not be checked. Any other failure fails the target as before.
 */
import type { DeclaredResource, LiveResource, ResourceKind } from '../kinds/types.js';

export type KindRead = { items: LiveResource[] } | { retired: string };

export async function readUnlessRetired(
  kind: ResourceKind,
  declared: readonly DeclaredResource[],
  read: () => Promise<LiveResource[]>,
): Promise<KindRead> {
  try {
    return { items: await read() };
  } catch (err) {
    const why = kind.retiredApi?.(err);
    if (why === undefined) throw err;
    const count = declared.filter((d) => d.kind === kind.name).length;
    return {
      retired: `warning: ${count} declared ${kind.title}(s) could not be checked, and none is planned, changed or pruned: ${why}`,
    };
  }
}

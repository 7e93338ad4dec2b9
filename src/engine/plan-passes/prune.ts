/**
 * Plan pass 2, prune: each live resource no declared resource stands for is deleted (pruning on,
 * and ours) or reported unmanaged. Pure; declared keys are looked up in a Set.
 */
import type { ContactFlowDirectory } from '../../aws/contact-flows.js';
import type { KindName, LiveResource, ResourceKind } from '../../kinds/types.js';
import type { Change, ResourceRef } from '../plan.js';
import { markRow, recordedPathsOf, sensitivePathsOf } from '../redact.js';

export interface Pruned {
  deletes: Change[];
  unmanaged: ResourceRef[];
}

interface KindInput {
  kind: ResourceKind;
  live: readonly LiveResource[];
  /** Keys of the kind's declared resources. */
  declaredKeys: ReadonlySet<string>;
  /** Live keys classify matched to a declared resource (renames included). */
  claimed: ReadonlySet<string>;
  prune: (kind: KindName) => boolean;
  flows: ContactFlowDirectory;
}

export function pruneUndeclared(input: KindInput): Pruned {
  const { kind } = input;
  const out: Pruned = { deletes: [], unmanaged: [] };
  for (const l of input.live) {
    if (input.claimed.has(l.key) || input.declaredKeys.has(l.key)) continue;
    if (isPrunable(kind, l, input.prune)) out.deletes.push(deleteChange(kind, l, input.flows));
    else out.unmanaged.push({ kind: kind.name, name: l.key });
  }
  return out;
}

function deleteChange(kind: ResourceKind, l: LiveResource, flows: ContactFlowDirectory): Change {
  // Fields an earlier apply wrote from sensitive sources stay masked (sensitive-marker.ts).
  const sensitive = [...sensitivePathsOf(undefined, kind), ...recordedPathsOf(l)];
  return {
    kind: kind.name,
    name: l.key,
    action: 'delete',
    fields: Object.entries(kind.normalize(l.body, { flows }))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, before]) => {
        const row = { path, op: 'remove' as const, before };
        markRow(row, [path], sensitive);
        return row;
      }),
    id: l.id,
    liveVersion: l.version,
    ...(l.attribution ? { attribution: l.attribution } : {}),
    reason: kind.capabilities.create
      ? 'not in the config, and pruning is on'
      : `not in the config, and settings.prune lists ${kind.name}; no API can re-create it`,
    ...(sensitive.length ? { sensitive } : {}),
  };
}

/**
 * Whether an undeclared live resource is one pruning may delete: the kind can delete, and the
 * resource carries connectform's marker where the kind can carry one (never one made by hand).
 */
export function isPrunable(kind: ResourceKind, live: LiveResource, prune: (kind: KindName) => boolean): boolean {
  return prune(kind.name) && kind.capabilities.delete && isOurs(kind, live);
}

/** Carries connectform's marker, or belongs to a kind that cannot carry one. */
export function isOurs(kind: ResourceKind, live: LiveResource): boolean {
  return !kind.capabilities.marker || live.managed;
}

/**
 * What a plan must say about a kind no API can create (Lex V1 associations): its deletes are for
 * good, and `prune: true` leaves its undeclared resources alone.
 */
export function unrecreatableNotes(kind: ResourceKind, pruned: Pruned, pruneAll: boolean | undefined): string[] {
  const notes: string[] = [];
  if (kind.capabilities.create) return notes;
  const deletes = pruned.deletes.length;
  const left = pruned.unmanaged.length;
  if (deletes)
    notes.push(
      `${deletes} ${kind.title}(s) not in the config will be deleted (settings.prune lists ${kind.name}); they cannot be re-created by any API`,
    );
  if (left && pruneAll) {
    notes.push(
      `${left} ${kind.title}(s) not in the config are left alone: prune: true never deletes what no API can re-create; list ${kind.name} in settings.prune to delete them`,
    );
  }
  return notes;
}

/**
 * Desired × live → Plan. Pure: everything it needs (declared resources, live resources per
 * kind, contact flows) is passed in, so it is tested without AWS and re-run on a saved plan.
 * Built of small passes, each over one kind (src/engine/plan-passes/): classify the declared
 * resources, prune the undeclared live ones, the journal's notes, the safety rails; buildPlan
 * only indexes the inputs, runs the passes and assembles what they return.
 */
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import type { DestroyThreshold } from '../config/settings.js';
import type { Body, DeclaredResource, KindName, LiveResource, ResourceKind } from '../kinds/types.js';
import { classifyDeclared } from './plan-passes/classify.js';
import { journalNotes } from './plan-passes/journal-notes.js';
import { pruneUndeclared, unrecreatableNotes } from './plan-passes/prune.js';
import { thresholdBlockers } from './plan-passes/safety.js';
import {
  PLAN_VERSION,
  emptySummary,
  sortChanges,
  type Blocker,
  type Change,
  type Plan,
  type ResourceRef,
} from './plan.js';

export { MARKER_PATH } from './plan-passes/classify.js';
export { isPrunable } from './plan-passes/prune.js';

export interface PlanInput {
  target: string;
  scope: { region: string; instanceId: string };
  /** `scope` as a printed plan shows it, when a value came from a sensitive variable. */
  shownScope?: { region: string; instanceId: string };
  configFingerprint: string;
  kinds: readonly ResourceKind[];
  declared: readonly DeclaredResource[];
  /** Live resources of each kind that was read; kinds absent here are not planned. */
  live: ReadonlyMap<KindName, readonly LiveResource[]>;
  flows: ContactFlowDirectory;
  prune: (kind: KindName) => boolean;
  /** `settings.prune: true` was written (which never covers a kind no API can create). */
  pruneAll?: boolean;
  /** What an earlier apply was in the middle of when it stopped (the journal, pending.ts). */
  pending?: JournalView;
  threshold?: DestroyThreshold;
  notes?: string[];
  /** Plan.log: lines for the run's log (the cache note). */
  log?: string[];
  now?: Date;
}

/** A replace's old resource, as the journal keeps it from before the delete until the name exists again. */
export interface ReplacedResource {
  oldId: string;
  /** Normalized live body: enough to create it again. */
  oldBody: Body;
}

/** Whether an unmarked resource is the one an interrupted create made, and why (or why not). */
export interface Adoption {
  adopt: boolean;
  why: string;
}

/** The journal as the planner reads it (src/engine/pending.ts); pure lookups. */
export interface JournalView {
  /** undefined when no create of this name is journaled. */
  adoption(kind: KindName, name: string, live: LiveResource): Adoption | undefined;
  interruptedReplace(kind: KindName, name: string): ReplacedResource | undefined;
  interruptedReplaces(kind: KindName): { name: string; replaced: ReplacedResource }[];
}

export function liveKey(kind: KindName, name: string): string {
  return `${kind}\u0000${name}`;
}

export function buildPlan(input: PlanInput): Plan {
  const changes: Change[] = [];
  const unmanaged: ResourceRef[] = [];
  const blocked: Blocker[] = [];
  const notes = [...(input.notes ?? [])];
  const summary = emptySummary();
  const declaredByKind = groupByKind(input.declared);

  for (const kind of input.kinds) {
    const live = input.live.get(kind.name);
    if (!live) continue;
    const declared = declaredByKind.get(kind.name) ?? [];
    const liveByKey = new Map(live.map((l) => [l.key, l]));
    const declaredKeys = new Set(declared.map((d) => kind.key(d.body)));
    const { flows, pending } = input;

    const classified = classifyDeclared({ kind, declared, live: liveByKey, flows, pending });
    const pruned = pruneUndeclared({
      kind,
      live,
      declaredKeys,
      claimed: classified.claimed,
      prune: input.prune,
      flows,
    });
    const kindChanges = [...classified.changes, ...pruned.deletes];

    changes.push(...kindChanges);
    unmanaged.push(...pruned.unmanaged);
    summary.unchanged += classified.unchanged;
    notes.push(
      ...classified.notes,
      ...journalNotes(kind, pending, liveByKey, declaredKeys),
      ...unrecreatableNotes(kind, pruned, input.pruneAll),
    );
    blocked.push(...classified.blocked, ...thresholdBlockers(kind, live, kindChanges, input.threshold));
  }

  for (const c of changes) summary[c.action]++;
  summary.unmanaged = unmanaged.length;
  const order = input.kinds.map((k) => k.name);
  return {
    version: PLAN_VERSION,
    target: input.target,
    scope: input.scope,
    ...(input.shownScope &&
    (input.shownScope.region !== input.scope.region || input.shownScope.instanceId !== input.scope.instanceId)
      ? { shownScope: input.shownScope }
      : {}),
    createdAt: (input.now ?? new Date()).toISOString(),
    configFingerprint: input.configFingerprint,
    changes: sortChanges(changes, order),
    unmanaged: unmanaged.sort(
      (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    ),
    blocked,
    notes,
    ...(input.log?.length ? { log: input.log } : {}),
    summary,
  };
}

function groupByKind(declared: readonly DeclaredResource[]): Map<KindName, DeclaredResource[]> {
  const out = new Map<KindName, DeclaredResource[]>();
  for (const d of declared) {
    const list = out.get(d.kind);
    if (list) list.push(d);
    else out.set(d.kind, [d]);
  }
  return out;
}

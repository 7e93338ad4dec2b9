/**
 * Desired × live → Plan. Pure: everything it needs (declared resources, live resources per
 * kind, contact flows) is passed in, so it is tested without AWS and re-run on a saved plan.
 */
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import { DEFAULT_DESTROY_THRESHOLD, type DestroyThreshold } from '../config/settings.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../kinds/common.js';

/** The row a `mark` change carries (connectform's marker, not a body field). */
export const MARKER_PATH = `Tags.${MARKER_TAG_KEY}`;
import type { Body, DeclaredResource, KindName, LiveResource, ResourceKind } from '../kinds/types.js';
import { changedTopLevel, diffDetailed, type PathSegment } from './diff.js';
import { ignoredDepth, keepLiveValues } from './ignore-changes.js';
import {
  PLAN_VERSION,
  emptySummary,
  sortChanges,
  type Blocker,
  type Change,
  type FieldChange,
  type Plan,
  type ResourceRef,
  type SensitivePath,
} from './plan.js';
import { markLiveRow, markRow, printableBody, recordedPathsOf, sensitiveMarkerAt, sensitivePathsOf } from './redact.js';
import { encodeMarker, nextMarker, recordedFrom } from '../kinds/sensitive-marker.js';

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

/** `row` marked sensitive (or holding sensitive places) per `sensitive`; see redact.ts. */
function marked(row: FieldChange, segments: readonly PathSegment[], sensitive: SensitivePath[]): FieldChange {
  markRow(row, segments, sensitive);
  return row;
}

function withSensitive(sensitive: SensitivePath[]): Pick<Change, 'sensitive'> {
  return sensitive.length ? { sensitive } : {};
}

/**
 * What a plan must say about a kind no API can create (Lex V1 associations): its deletes are for
 * good, and `prune: true` leaves its undeclared resources alone.
 */
function unrecreatableNotes(
  kind: ResourceKind,
  changes: Change[],
  unmanaged: ResourceRef[],
  pruneAll: boolean | undefined,
): string[] {
  const deletes = changes.filter((c) => c.kind === kind.name && c.action === 'delete').length;
  const left = unmanaged.filter((u) => u.kind === kind.name).length;
  const notes: string[] = [];
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

/**
 * Whether an undeclared live resource is one pruning may delete: the kind can delete, and the
 * resource carries connectform's marker where the kind can carry one (never one made by hand).
 */
export function isPrunable(kind: ResourceKind, live: LiveResource, prune: (kind: KindName) => boolean): boolean {
  return prune(kind.name) && kind.capabilities.delete && isOurs(kind, live);
}

/** Carries connectform's marker, or belongs to a kind that cannot carry one. */
function isOurs(kind: ResourceKind, live: LiveResource): boolean {
  return !kind.capabilities.marker || live.managed;
}

export function liveKey(kind: KindName, name: string): string {
  return `${kind}\u0000${name}`;
}

/**
 * Rows of a replace: those under a field the kind says forces it are `replace`, the rest
 * `update`. A kind that asks for a replace without naming a field (or naming none that changed)
 * gets every row marked: no row may look harmless in a change that deletes the resource.
 */
function markImpact(fields: FieldChange[], forcing: readonly string[]): void {
  const forces = (f: FieldChange) => forcing.includes(changedTopLevel([f])[0]);
  const any = fields.some(forces);
  for (const f of fields) f.impact = !any || forces(f) ? 'replace' : 'update';
}

export function buildPlan(input: PlanInput): Plan {
  const changes: Change[] = [];
  const unmanaged: ResourceRef[] = [];
  const blocked: Blocker[] = [];
  const summary = emptySummary();
  const notes = [...(input.notes ?? [])];
  const normCtx = { flows: input.flows };

  for (const kind of input.kinds) {
    const live = input.live.get(kind.name);
    if (!live) continue;
    const byKey = new Map(live.map((l) => [l.key, l]));
    const claimed = new Set<string>();
    const declared = input.declared.filter((d) => d.kind === kind.name);

    for (const d of declared) {
      const sensitive = sensitivePathsOf(d, kind);
      const key = kind.key(d.body);
      // A name built from a sensitive value is shown with a marker in place of that part.
      const shownKey = d.sensitive?.length ? kind.key(printableBody(d, undefined)) : key;
      const named = shownKey !== key ? { shownName: shownKey } : {};
      const desired = kind.normalize(d.body, normCtx);
      let current = byKey.get(key);
      let renamedFrom: string | undefined;
      if (!current && d.lifecycle.renamedFrom && byKey.has(d.lifecycle.renamedFrom)) {
        renamedFrom = d.lifecycle.renamedFrom;
        current = byKey.get(renamedFrom);
      }
      if (current) claimed.add(current.key);

      if (!current) {
        const fields = Object.keys(desired)
          .sort()
          .map((path) => marked({ path, op: 'add', after: desired[path] }, [path], sensitive));
        const change: Change = {
          kind: kind.name,
          name: key,
          action: 'create',
          fields,
          desired,
          lifecycle: d.lifecycle,
          ...withSensitive(sensitive),
          ...named,
        };
        // Which fields came from sensitive sources: remembered on the resource (sensitive-marker.ts).
        const marker = kind.capabilities.marker ? encodeMarker(recordedFrom(d.sensitive)) : MARKER_TAG_VALUE;
        if (marker !== MARKER_TAG_VALUE) change.marker = marker;
        // Apply creates it as declared and, should that fail, the journaled old body again.
        if (input.pending?.interruptedReplace(kind.name, key))
          change.reason = `recovering an interrupted replace of ${kind.title} "${shownKey}"; previous body kept in the journal`;
        if (!kind.capabilities.create) {
          change.action = 'manual';
          change.reason = `the ${kind.title} API cannot create it: create it by hand, then re-run`;
          delete change.desired;
        }
        changes.push(change);
        continue;
      }

      // Fields an earlier apply wrote from sensitive sources: their live side stays masked (sensitive-marker.ts).
      const recorded = recordedPathsOf(current);
      const sensitiveNow = [...sensitive, ...recorded];
      const before = kind.normalize(current.body, normCtx);
      // A field the kind manages only when declared, and the config omits: left as it is.
      for (const field of kind.managedWhenDeclared ?? []) if (!(field in desired)) delete before[field];
      const detailed = diffDetailed(before, desired, kind.lists, (at) => sensitiveMarkerAt(at, sensitiveNow));
      // Each hidden row's root: the part of the body whose live value update must keep.
      const ignoredRoots: PathSegment[][] = [];
      const shown = detailed.filter((x) => {
        const depth = ignoredDepth(x.segments, d.lifecycle.ignoreChanges);
        if (depth !== undefined) ignoredRoots.push(x.segments.slice(0, depth));
        return depth === undefined;
      });
      const fields = shown.map((x) => {
        const row = marked({ ...x.field, impact: 'update' }, x.segments, sensitive);
        markLiveRow(row, x.segments, recorded);
        return row;
      });
      // Marked (so prunable) only when the journal proves an interrupted create of ours made it.
      const adoption = kind.mark && !current.managed ? input.pending?.adoption(kind.name, key, current) : undefined;
      const unmarked = adoption?.adopt === true;
      if (adoption && !adoption.adopt)
        notes.push(
          `${kind.title} "${shownKey}" is not marked as managed, so prune will never delete it: ${adoption.why}`,
        );
      if (unmarked) fields.push({ path: MARKER_PATH, op: 'add', impact: 'update', after: MARKER_TAG_VALUE });
      // Which fields came from sensitive sources, as the marker will record them (sensitive-marker.ts).
      const marker =
        kind.capabilities.marker && (current.managed || unmarked)
          ? nextMarker(current.marker, d.body, d.sensitive)
          : undefined;
      const markerMoves = marker !== undefined && marker !== (current.marker ?? MARKER_TAG_VALUE);
      // Nothing else to write, but the record is not what it should be (an apply cut before the
      // marker's call, a resource applied by an older connectform): the marker alone converges.
      if (fields.length === 0 && markerMoves)
        fields.push({ path: MARKER_PATH, op: 'change', impact: 'update', before: current.marker, after: marker });
      if (fields.length === 0) {
        summary.unchanged++;
        continue;
      }
      const changed = changedTopLevel(fields);
      const change: Change = {
        kind: kind.name,
        name: key,
        action: 'update',
        fields,
        id: current.id,
        liveVersion: current.version,
        ...(current.attribution ? { attribution: current.attribution } : {}),
        desired: keepLiveValues(desired, before, ignoredRoots),
        lifecycle: d.lifecycle,
        ...withSensitive(sensitive),
        ...named,
      };
      if (markerMoves) change.marker = marker;
      if (renamedFrom) change.renamedFrom = renamedFrom;
      if (unmarked) {
        change.mark = true;
        change.reason = 'an earlier apply created it but was interrupted before marking it as managed';
      }
      const replace = kind.replaceReason(before, desired, changed);
      if (!kind.capabilities.update) {
        change.action = 'manual';
        change.reason = `the ${kind.title} API cannot change it: fix it by hand (or delete it and re-create it as declared)`;
        delete change.desired;
        for (const f of fields) delete f.impact;
      } else if (replace) {
        change.action = 'replace';
        change.reason = replace;
        markImpact(fields, kind.replaceFields?.(before, desired) ?? []);
        if (d.lifecycle.preventDestroy) {
          blocked.push({
            rule: 'preventDestroy',
            kind: kind.name,
            name: shownKey,
            message: `${kind.title} "${shownKey}" has lifecycle.preventDestroy and would be replaced (${change.reason})`,
          });
        }
      }
      changes.push(change);
    }

    for (const l of live) {
      if (claimed.has(l.key) || declared.some((d) => kind.key(d.body) === l.key)) continue;
      if (isPrunable(kind, l, input.prune)) {
        const sensitive = [...sensitivePathsOf(undefined, kind), ...recordedPathsOf(l)];
        changes.push({
          kind: kind.name,
          name: l.key,
          action: 'delete',
          fields: Object.entries(kind.normalize(l.body, normCtx))
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([path, before]) => marked({ path, op: 'remove', before }, [path], sensitive)),
          id: l.id,
          liveVersion: l.version,
          ...(l.attribution ? { attribution: l.attribution } : {}),
          reason: kind.capabilities.create
            ? 'not in the config, and pruning is on'
            : `not in the config, and settings.prune lists ${kind.name}; no API can re-create it`,
          ...withSensitive(sensitive),
        });
      } else {
        unmanaged.push({ kind: kind.name, name: l.key });
      }
    }

    const declaredKeys = new Set(declared.map((d) => kind.key(d.body)));
    for (const { name } of input.pending?.interruptedReplaces(kind.name) ?? []) {
      if (byKey.has(name) || declaredKeys.has(name)) continue;
      notes.push(
        `an interrupted replace deleted ${kind.title} "${name}", which is no longer declared; its previous body is kept in the journal (declare it again to re-create it)`,
      );
    }
    if (!kind.capabilities.create) notes.push(...unrecreatableNotes(kind, changes, unmanaged, input.pruneAll));

    const threshold = input.threshold ?? DEFAULT_DESTROY_THRESHOLD;
    const existing = live.filter((l) => isOurs(kind, l)).length;
    const destroys = changes.filter(
      (c) => c.kind === kind.name && (c.action === 'delete' || c.action === 'replace'),
    ).length;
    if (existing >= threshold.minResources && destroys > (existing * threshold.percent) / 100) {
      blocked.push({
        rule: 'threshold',
        kind: kind.name,
        message: `${destroys} of ${existing} managed ${kind.configKey} would be deleted or replaced (more than ${threshold.percent}%); re-run with --force if that is intended`,
      });
    }
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
    summary,
  };
}

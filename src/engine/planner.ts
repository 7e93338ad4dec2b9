/**
 * Desired × live → Plan. Pure: everything it needs (declared resources, live resources per
 * kind, contact flows) is passed in, so it is tested without AWS and re-run on a saved plan.
 */
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import { DEFAULT_DESTROY_THRESHOLD, type DestroyThreshold } from '../config/settings.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../kinds/common.js';

/** The row a `mark` change carries (connectform's marker, not a body field). */
export const MARKER_PATH = `Tags.${MARKER_TAG_KEY}`;
import type { DeclaredResource, KindName, LiveResource, ResourceKind } from '../kinds/types.js';
import { changedTopLevel, diffDetailed, isIgnored, keepLiveValues } from './diff.js';
import { PLAN_VERSION, emptySummary, sortChanges, type Blocker, type Change, type FieldChange, type Plan, type ResourceRef, type SensitivePath } from './plan.js';
import { markRow, printableBody, sensitivePathsOf } from './redact.js';

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
  /** Creates an earlier apply started but may not have finished marking (see pending.ts). */
  pending?: { has(kind: KindName, name: string): boolean };
  threshold?: DestroyThreshold;
  notes?: string[];
  now?: Date;
}

/** `row` marked sensitive (or holding sensitive places) per `sensitive`; see redact.ts. */
function marked(row: FieldChange, segments: (string | number)[], sensitive: SensitivePath[]): FieldChange {
  markRow(row, segments, sensitive);
  return row;
}

function withSensitive(sensitive: SensitivePath[]): Pick<Change, 'sensitive'> {
  return sensitive.length ? { sensitive } : {};
}

export function liveKey(kind: KindName, name: string): string {
  return `${kind}\u0000${name}`;
}

export function buildPlan(input: PlanInput): Plan {
  const changes: Change[] = [];
  const unmanaged: ResourceRef[] = [];
  const blocked: Blocker[] = [];
  const summary = emptySummary();
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
        const fields = Object.keys(desired).sort().map((path) => marked({ path, op: 'add', after: desired[path] }, [path], sensitive));
        const change: Change = { kind: kind.name, name: key, action: 'create', fields, desired, lifecycle: d.lifecycle, ...withSensitive(sensitive), ...named };
        if (!kind.capabilities.create) {
          change.action = 'manual';
          change.reason = `the ${kind.title} API cannot create it: create it by hand, then re-run`;
          delete change.desired;
        }
        changes.push(change);
        continue;
      }

      const before = kind.normalize(current.body, normCtx);
      const detailed = diffDetailed(before, desired);
      const ignored = detailed.filter((x) => isIgnored(x.field.path, d.lifecycle.ignoreChanges));
      const fields = detailed.filter((x) => !ignored.includes(x)).map((x) => marked(x.field, x.segments, sensitive));
      const unmarked = Boolean(kind.mark) && !current.managed && input.pending?.has(kind.name, key) === true;
      if (unmarked) fields.push({ path: MARKER_PATH, op: 'add', impact: 'update', after: MARKER_TAG_VALUE });
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
        desired: keepLiveValues(desired, before, ignored),
        lifecycle: d.lifecycle,
        ...withSensitive(sensitive),
        ...named,
      };
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
      } else if (replace) {
        change.action = 'replace';
        change.reason = replace;
        if (d.lifecycle.preventDestroy) {
          blocked.push({ rule: 'preventDestroy', kind: kind.name, name: shownKey, message: `${kind.title} "${shownKey}" has lifecycle.preventDestroy and would be replaced (${change.reason})` });
        }
      }
      changes.push(change);
    }

    for (const l of live) {
      if (claimed.has(l.key) || declared.some((d) => kind.key(d.body) === l.key)) continue;
      const prunable = input.prune(kind.name) && kind.capabilities.delete && (!kind.capabilities.marker || l.managed);
      if (prunable) {
        const sensitive = sensitivePathsOf(undefined, kind);
        changes.push({
          kind: kind.name,
          name: l.key,
          action: 'delete',
          fields: Object.entries(kind.normalize(l.body, normCtx)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, before]) => marked({ path, op: 'remove', before }, [path], sensitive)),
          id: l.id,
          liveVersion: l.version,
          ...(l.attribution ? { attribution: l.attribution } : {}),
          reason: 'not in the config, and pruning is on',
          ...withSensitive(sensitive),
        });
      } else {
        unmanaged.push({ kind: kind.name, name: l.key });
      }
    }

    const threshold = input.threshold ?? DEFAULT_DESTROY_THRESHOLD;
    const existing = live.filter((l) => !kind.capabilities.marker || l.managed).length;
    const destroys = changes.filter((c) => c.kind === kind.name && (c.action === 'delete' || c.action === 'replace')).length;
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
    ...(input.shownScope && (input.shownScope.region !== input.scope.region || input.shownScope.instanceId !== input.scope.instanceId) ? { shownScope: input.shownScope } : {}),
    createdAt: (input.now ?? new Date()).toISOString(),
    configFingerprint: input.configFingerprint,
    changes: sortChanges(changes, order),
    unmanaged: unmanaged.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    blocked,
    notes: input.notes ?? [],
    summary,
  };
}

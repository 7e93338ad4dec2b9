/**
 * Plan pass 1, classify: each declared resource against the live one of its name (or of its
 * `renamedFrom`) becomes a create, an update, a replace, a manual change, or nothing. Pure.
 */
import type { ContactFlowDirectory } from '../../aws/contact-flows.js';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../../kinds/common.js';
import { type WrittenReferences, writtenReferences } from '../../kinds/references.js';
import type { Body, DeclaredResource, LiveResource, ResourceKind } from '../../kinds/types.js';
import { changedTopLevel, diffDetailed, type PathSegment } from '../diff.js';
import { ignoredDepth, keepLiveValues } from '../ignore-changes.js';
import type { Attribution, Blocker, Change, FieldChange, SensitivePath } from '../plan.js';
import type { JournalView } from '../planner.js';
import {
  markLiveRow,
  markRow,
  printableBody,
  recordedPathsOf,
  sensitiveMarkerAt,
  sensitivePathsOf,
} from '../redact.js';
import { encodeMarker, nextMarker, recordedFrom } from '../../kinds/sensitive-marker.js';

/** The row a `mark` change carries (connectform's marker, not a body field). */
export const MARKER_PATH = `Tags.${MARKER_TAG_KEY}`;

export interface Classified {
  /** Creates, updates, replaces and manual changes, in declaration order. */
  changes: Change[];
  /** preventDestroy on a resource that would be replaced. */
  blocked: Blocker[];
  /** A journaled create whose resource the journal cannot prove ours. */
  notes: string[];
  unchanged: number;
  /** Live keys a declared resource stands for (its name, or the `renamedFrom` it takes over). */
  claimed: Set<string>;
}

interface KindInput {
  kind: ResourceKind;
  declared: readonly DeclaredResource[];
  /** The kind's live resources by key. */
  live: ReadonlyMap<string, LiveResource>;
  flows: ContactFlowDirectory;
  pending?: JournalView;
}

/** One declared resource as the rest of the pass sees it. */
interface Declared {
  d: DeclaredResource;
  key: string;
  /** The key as a plan may show it (a marker in place of a sensitive part). */
  shownKey: string;
  desired: Body;
  /** How it writes its references: both sides of its diff show a literal id as written. */
  written: WrittenReferences | undefined;
  sensitive: SensitivePath[];
}

export function classifyDeclared(input: KindInput): Classified {
  const out: Classified = { changes: [], blocked: [], notes: [], unchanged: 0, claimed: new Set() };
  const { kind } = input;
  for (const d of input.declared) {
    const key = kind.key(d.body);
    // A name built from a sensitive value is shown with a marker in place of that part.
    const shownKey = d.sensitive?.length ? kind.key(printableBody(d, undefined)) : key;
    const written = writtenReferences(kind.name, d.body, input.flows);
    const one: Declared = {
      d,
      key,
      shownKey,
      desired: kind.normalize(d.body, { flows: input.flows, written }),
      written,
      sensitive: sensitivePathsOf(d, kind),
    };
    let current = input.live.get(key);
    let renamedFrom: string | undefined;
    if (!current && d.lifecycle.renamedFrom && input.live.has(d.lifecycle.renamedFrom)) {
      renamedFrom = d.lifecycle.renamedFrom;
      current = input.live.get(renamedFrom);
    }
    if (!current) {
      out.changes.push(createChange(kind, one, input.pending));
      continue;
    }
    out.claimed.add(current.key);
    const changed = changeOf(kind, one, current, renamedFrom, input, out);
    if (changed) out.changes.push(changed);
    else out.unchanged++;
  }
  return out;
}

/** `row` marked sensitive (or holding sensitive places) per `sensitive`; see redact.ts. */
function marked(row: FieldChange, segments: readonly PathSegment[], sensitive: SensitivePath[]): FieldChange {
  markRow(row, segments, sensitive);
  return row;
}

function withSensitive(sensitive: SensitivePath[]): Pick<Change, 'sensitive'> {
  return sensitive.length ? { sensitive } : {};
}

function shownName({ key, shownKey }: Declared): Pick<Change, 'shownName'> {
  return shownKey !== key ? { shownName: shownKey } : {};
}

/** Declared, not live: a create (a manual change for a kind no API can create). */
function createChange(kind: ResourceKind, one: Declared, pending: JournalView | undefined): Change {
  const { d, key, desired, sensitive } = one;
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
    ...shownName(one),
  };
  // Which fields came from sensitive sources: remembered on the resource (sensitive-marker.ts).
  const marker = kind.capabilities.marker ? encodeMarker(recordedFrom(d.sensitive)) : MARKER_TAG_VALUE;
  if (marker !== MARKER_TAG_VALUE) change.marker = marker;
  // Apply creates it as declared and, should that fail, the journaled old body again.
  if (pending?.interruptedReplace(kind.name, key))
    change.reason = `recovering an interrupted replace of ${kind.title} "${one.shownKey}"; previous body kept in the journal`;
  if (!kind.capabilities.create) {
    change.action = 'manual';
    change.reason = `the ${kind.title} API cannot create it: create it by hand, then re-run`;
    delete change.desired;
  }
  return change;
}

/**
 * Declared and live: the rows that differ (ignoreChanges hidden), as an update, a replace or a
 * manual change; undefined when nothing differs. A preventDestroy blocker and an adoption note
 * go to `out`.
 */
function changeOf(
  kind: ResourceKind,
  one: Declared,
  current: LiveResource,
  renamedFrom: string | undefined,
  input: KindInput,
  out: Pick<Classified, 'blocked' | 'notes'>,
): Change | undefined {
  const { d, key, shownKey, desired, written, sensitive } = one;
  // Fields an earlier apply wrote from sensitive sources: their live side stays masked (sensitive-marker.ts).
  const recorded = recordedPathsOf(current);
  const sensitiveNow = [...sensitive, ...recorded];
  const before = kind.normalize(current.body, { flows: input.flows, written });
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
    out.notes.push(
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
  if (fields.length === 0) return undefined;
  const changed = changedTopLevel(fields);
  const change: Change = {
    kind: kind.name,
    name: key,
    action: 'update',
    fields,
    id: current.id,
    liveVersion: current.version,
    ...(current.attribution ? { attribution: attributionOf(kind, current.attribution, fields) } : {}),
    desired: keepLiveValues(desired, before, ignoredRoots),
    lifecycle: d.lifecycle,
    ...withSensitive(sensitive),
    ...shownName(one),
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
      out.blocked.push({
        rule: 'preventDestroy',
        kind: kind.name,
        name: shownKey,
        message: `${kind.title} "${shownKey}" has lifecycle.preventDestroy and would be replaced (${change.reason})`,
      });
    }
  }
  return change;
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

/**
 * The live stamp's attribution, unless every row is in a field whose change moves no stamp
 * (tags): then `at`/`by` name an earlier edit, and the change says it cannot be attributed.
 */
function attributionOf(kind: ResourceKind, attribution: Attribution, fields: FieldChange[]): Attribution {
  const unstamped = kind.unstampedFields;
  if (!unstamped || !fields.length) return attribution;
  const top = (path: string) => /^[^.[]*/.exec(path)?.[0] ?? path;
  return fields.every((f) => unstamped.fields.includes(top(f.path)))
    ? { ...attribution, unattributed: unstamped.why }
    : attribution;
}

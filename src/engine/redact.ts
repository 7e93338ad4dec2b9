/**
 * The printable plan. The planner works on real values (apply sends them, comparison needs them)
 * and records where they are sensitive: values from a non-public `${env.NAME}` and a kind's
 * `secretPaths`. `redactPlan` turns that in-memory plan into the only form that is ever printed
 * or saved: sensitive values become `(sensitive: env.NAME)` markers, a changed one says so
 * without either value, and nothing derived from a secret (no digest) is left.
 */
import { changedMarker, sensitiveMarker, type SensitiveValue } from '../sensitive.js';
import type { Body, DeclaredResource, LiveResource, ResourceKind } from '../kinds/types.js';
import { decodeMarker, recordedSources } from '../kinds/sensitive-marker.js';
import type { Change, FieldChange, Plan, SensitivePath } from './plan.js';
import type { PathSegment } from './diff.js';

export { Redactor } from '../sensitive.js';

/**
 * The fields the live resource's marker records as applied from sensitive sources: masked in
 * every plan, drift, show, export and pull of it, whatever the config says now.
 */
export function recordedPathsOf(live: Pick<LiveResource, 'marker'> | undefined): SensitivePath[] {
  return decodeMarker(live?.marker).map((r) => ({ path: r.path, sources: recordedSources(r) }));
}

/** A member name, or a list element (by position, or by identity in a plan row's path). */
type Segment = PathSegment;

/**
 * Where `d`'s bodies are sensitive. List indexes become wildcards: normalization sorts sets, so
 * an item may sit at another index in the normalized (and the live) body, and plan rows address
 * elements by identity, not index; hiding the same field of every item errs on the side of hiding.
 */
export function sensitivePathsOf(
  d: Pick<DeclaredResource, 'sensitive'> | undefined,
  kind: Pick<ResourceKind, 'secretPaths'>,
): SensitivePath[] {
  const fromEnv = (d?.sensitive ?? []).map((s: SensitiveValue) => ({
    path: s.path.map((p) => (typeof p === 'number' ? null : p)),
    sources: s.sources,
  }));
  const secrets = (kind.secretPaths ?? []).map((p) => ({ path: [p], sources: [] }));
  return [...fromEnv, ...secrets];
}

/** `null` (any element) matches a list element however it is addressed; a name only itself. */
function segmentMatches(pattern: string | number | null, actual: Segment): boolean {
  return pattern === null ? typeof actual !== 'string' : pattern === actual;
}

/** True when `at` is `pattern`'s place or inside it. */
function isUnder(at: readonly Segment[], pattern: SensitivePath['path']): boolean {
  return at.length >= pattern.length && pattern.every((p, i) => segmentMatches(p, at[i]));
}

/** `pattern` relative to `at` when `at` strictly contains it, else undefined. */
function inside(at: readonly Segment[], pattern: SensitivePath['path']): SensitivePath['path'] | undefined {
  return at.length < pattern.length && at.every((s, i) => segmentMatches(pattern[i], s))
    ? pattern.slice(at.length)
    : undefined;
}

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

/** The marker for the value at `segments` when it is sensitive (a list identity in a row's path), else undefined. */
export function sensitiveMarkerAt(
  segments: readonly Segment[],
  patterns: readonly SensitivePath[],
): string | undefined {
  const covering = patterns.filter((p) => isUnder(segments, p.path));
  return covering.length ? sensitiveMarker(union(covering.map((p) => p.sources))) : undefined;
}

/** Record on `row` (at `segments`) whether it is sensitive or holds sensitive places; in place. */
export function markRow(row: FieldChange, segments: readonly Segment[], patterns: readonly SensitivePath[]): void {
  const covering = patterns.filter((p) => isUnder(segments, p.path));
  if (covering.length) {
    row.sensitive = union(covering.map((p) => p.sources));
    return;
  }
  const within = patterns.flatMap((p) => {
    const rest = inside(segments, p.path);
    return rest ? [{ path: rest, sources: p.sources }] : [];
  });
  if (within.length) row.sensitiveInside = within;
}

/** A copy of `value` with the value at every `patterns` place replaced by its marker (or `shown`). */
export function redactValue<T>(value: T, patterns: readonly SensitivePath[], shown?: unknown): T {
  if (!patterns.length) return value;
  const walk = (v: unknown, at: Segment[]): unknown => {
    const covering = patterns.filter((p) => isUnder(at, p.path));
    if (covering.length) return v === undefined ? v : (shown ?? sensitiveMarker(union(covering.map((p) => p.sources))));
    if (!patterns.some((p) => inside(at, p.path))) return v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...at, i]));
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v))
        Object.defineProperty(out, k, {
          value: walk(item, [...at, k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    return v;
  };
  return walk(value, []) as T;
}

/**
 * Record on `row` (at `segments`) that its live side is, or holds, a value an earlier apply wrote
 * from a sensitive source (recordedPathsOf): only the old side is hidden; the new one is the
 * config's, shown or hidden by its own sources. In place.
 */
export function markLiveRow(row: FieldChange, segments: readonly Segment[], recorded: readonly SensitivePath[]): void {
  if (!recorded.length || row.before === undefined) return;
  const covering = recorded.filter((p) => isUnder(segments, p.path));
  if (covering.length) {
    row.sensitiveBefore = union(covering.map((p) => p.sources));
    return;
  }
  const within = recorded.flatMap((p) => {
    const rest = inside(segments, p.path);
    return rest ? [{ path: rest, sources: p.sources }] : [];
  });
  if (within.length) row.sensitiveBeforeInside = within;
}

function redactRow(row: FieldChange): FieldChange {
  const { sensitiveInside, sensitiveBefore, sensitiveBeforeInside, ...out } = row;
  if (row.sensitive) {
    const marker = sensitiveMarker(row.sensitive);
    if (row.before !== undefined) out.before = marker;
    if (row.after !== undefined) out.after = row.before !== undefined ? changedMarker(row.sensitive) : marker;
  } else if (sensitiveInside) {
    if (row.before !== undefined) out.before = redactValue(row.before, sensitiveInside);
    if (row.after !== undefined) out.after = redactValue(row.after, sensitiveInside);
  }
  if (!row.sensitive && out.before !== undefined) {
    if (sensitiveBefore) out.before = sensitiveMarker(sensitiveBefore);
    else if (sensitiveBeforeInside) out.before = redactValue(out.before, sensitiveBeforeInside);
  }
  return out;
}

function redactChange(change: Change): Change {
  const { shownName, marker: _marker, ...rest } = change;
  const out: Change = { ...rest, name: shownName ?? change.name, fields: change.fields.map(redactRow) };
  if (change.desired && change.sensitive) out.desired = redactValue(change.desired, change.sensitive);
  // A server id can embed the name (a custom action's ARN does).
  if (shownName !== undefined && out.id?.includes(change.name)) out.id = out.id.split(change.name).join(shownName);
  // Some versions are hashes of the live body (custom actions): derived from its secrets. A
  // saved plan's apply takes the fresh change, whose version is current (restoreSecrets).
  if (change.sensitive?.length && out.liveVersion !== undefined) out.liveVersion = sensitiveMarker([]);
  return out;
}

/**
 * The printable, saveable form of `plan`. Renderers and the saved-plan writer call it
 * themselves; it is idempotent, so calling it again is harmless.
 */
export function redactPlan(plan: Plan): Plan {
  if (plan.redacted) return plan;
  const { shownScope, ...rest } = plan;
  return { ...rest, scope: shownScope ?? plan.scope, changes: plan.changes.map(redactChange), redacted: true };
}

/**
 * A body with each sensitive value in its shown form (the config's text, a marker in place of
 * each sensitive part) and each kind secret as a marker: what a fingerprint may be computed over.
 */
export function printableBody(d: DeclaredResource, kind: Pick<ResourceKind, 'secretPaths'> | undefined): Body {
  const secrets = (kind?.secretPaths ?? []).map((p) => ({ path: [p], sources: [] }));
  let body = redactValue(d.body, secrets);
  for (const s of d.sensitive ?? []) {
    if (secrets.some((p) => isUnder(s.path, p.path))) continue;
    body = redactValue(body, [{ path: s.path, sources: s.sources }], s.shown);
  }
  return body;
}

/**
 * Field-level differences between two normalized bodies. Pure: no I/O, no kind knowledge
 * beyond what is passed in. deep-diff finds the edits; this turns them into sorted
 * `{ path, before, after }` rows and applies `lifecycle.ignoreChanges`.
 */
import deepDiff from 'deep-diff';
import type { Body } from '../kinds/types.js';
import type { FieldChange } from './plan.js';

type DeepDiffFn = (lhs: unknown, rhs: unknown) => deepDiff.Diff<unknown, unknown>[] | undefined;
const diffFn: DeepDiffFn = ((deepDiff as unknown as { diff?: DeepDiffFn }).diff ?? (deepDiff as unknown as DeepDiffFn));

/**
 * A plan row's field path: dots for every member, never quoted (docs/PLAN-FORMAT.md, and what
 * `ignoreChanges` entries are matched against). Problems name places with src/problem-path.ts,
 * which quotes odd keys; the plan document's format stays as published.
 */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** A field change plus its path as segments (kept out of the plan document). */
export interface DetailedChange {
  field: FieldChange;
  segments: (string | number)[];
}

/** Differences from `before` (live) to `after` (desired), sorted by path. */
export function diffDetailed(before: Body, after: Body): DetailedChange[] {
  const edits = diffFn(before, after) ?? [];
  const rows: DetailedChange[] = [];
  for (const e of edits) {
    const base = (e.path ?? []) as (string | number)[];
    const segments = e.kind === 'A' ? [...base, e.index] : base;
    rows.push({ segments, field: row(segments, e.kind === 'A' ? (e.item as deepDiff.Diff<unknown, unknown>) : e) });
  }
  return rows.sort((a, b) => (a.field.path < b.field.path ? -1 : a.field.path > b.field.path ? 1 : 0));
}

/**
 * Put the live value back at each ignored path of `desired`, so a whole-document update
 * (UpdateTaskTemplate, UpdateRule) keeps what `ignoreChanges` told us to leave alone.
 */
export function keepLiveValues(desired: Body, live: Body, ignored: DetailedChange[]): Body {
  if (!ignored.length) return desired;
  const out = structuredClone(desired);
  for (const { segments } of ignored) {
    const value = getPath(live, segments);
    setPath(out, segments, value === undefined ? undefined : structuredClone(value));
  }
  return out;
}

function getPath(body: unknown, segments: (string | number)[]): unknown {
  let cur = body as Record<string | number, unknown> | undefined;
  for (const s of segments) cur = cur?.[s] as Record<string | number, unknown> | undefined;
  return cur;
}

function setPath(body: Record<string | number, unknown>, segments: (string | number)[], value: unknown): void {
  let cur = body;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = segments[i];
    if (cur[s] === undefined || cur[s] === null || typeof cur[s] !== 'object') cur[s] = typeof segments[i + 1] === 'number' ? [] : {};
    cur = cur[s] as Record<string | number, unknown>;
  }
  const last = segments[segments.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
  } else {
    cur[last] = value;
  }
}

function row(path: (string | number)[], e: deepDiff.Diff<unknown, unknown>): FieldChange {
  const op = e.kind === 'N' ? 'add' : e.kind === 'D' ? 'remove' : 'change';
  const out: FieldChange = { path: formatPath(path), op, impact: 'update' };
  if (e.kind === 'E' || e.kind === 'D') out.before = (e as { lhs: unknown }).lhs;
  if (e.kind === 'E' || e.kind === 'N') out.after = (e as { rhs: unknown }).rhs;
  return out;
}

/** Top-level fields touched by any change (what decides update vs replace). */
export function changedTopLevel(fields: FieldChange[]): string[] {
  return [...new Set(fields.map((f) => f.path.split(/[.[]/)[0]))].sort();
}

/**
 * `ignoreChanges` entries are dotted paths; array indices may be left out
 * (`Fields.Description` ignores `Fields[3].Description`) or written (`Actions[0]`).
 */
export function isIgnored(path: string, ignore: readonly string[] | undefined): boolean {
  if (!ignore?.length) return false;
  const withIndex = path;
  const withoutIndex = path.replace(/\[\d+\]/g, '');
  return ignore.some((p) => startsWithPath(withIndex, p) || startsWithPath(withoutIndex, p));
}

function startsWithPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

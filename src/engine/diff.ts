/**
 * Field-level differences between two normalized bodies, addressed by identity. Pure: no I/O;
 * what it knows of a kind is the `ListSpec`s passed in.
 *
 * Members are compared by name; a list the kind declares is compared element by element, each
 * element found by its identity (a task template field by `Id.Name`, a rule action by its type and
 * own name), never by position. So inserting one field is one `add` row, a reordered set is no
 * row, and a moved element of an ordered list is one `move` row. A list with no declaration, or
 * one where two elements share an identity, is compared by position (`[3]` paths), as before.
 * See docs/PLAN-FORMAT.md for the path grammar.
 */
import { cmp, isRecord } from '../kinds/common.js';
import type { Body, ElementIdentity, ListSpec } from '../kinds/types.js';
import type { FieldChange } from './plan.js';

/** A list element addressed by identity: the segment of a row's path that stands for it. */
export interface ElementSegment {
  /** The identity as printed between the brackets (the live element's, unless only desired has it). */
  readonly id: string;
  readonly identity: ElementIdentity;
  /** Positions in the live and the desired list (absent on the side that lacks the element). */
  readonly live?: number;
  readonly desired?: number;
  /** A paired element (its identifying member changed): the desired element's identity. */
  readonly desiredIdentity?: ElementIdentity;
}

/** A member name, a list position (lists diffed positionally) or an element by identity. */
export type PathSegment = string | number | ElementSegment;

/** A field change plus its path as segments (kept out of the plan document). */
export interface DetailedChange {
  field: FieldChange;
  segments: PathSegment[];
}

// ---------------------------------------------------------------------------------------------
// Printing paths
// ---------------------------------------------------------------------------------------------

/** Member names that need no quoting: nothing the path grammar gives a meaning to. */
const PLAIN_MEMBER = /^[^\s.[\]"=,\\]+$/;

/**
 * `k="v",k2="v2"` or `="v"`: JSON string quoting, so any value stays one token. `shown` gives
 * the text printed in place of a member's value (a sensitive marker, unquoted), if any.
 */
export function formatIdentity(
  identity: ElementIdentity,
  shown: (member: string | undefined) => string | undefined = () => undefined,
): string {
  if (typeof identity === 'string') return `=${shown(undefined) ?? JSON.stringify(identity)}`;
  return Object.entries(identity)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${shown(k) ?? JSON.stringify(v)}`)
    .join(',');
}

/**
 * The text to print instead of the value at `segments` (any list element there is a placeholder
 * segment), when that value must not be printed: sensitive values used as identities.
 */
export type HiddenValue = (segments: readonly PathSegment[]) => string | undefined;

/**
 * A plan row's field path (docs/PLAN-FORMAT.md): members joined by dots (a member the grammar
 * could misread, such as a tag key with a dot, as `["a.b"]`), elements as `[identity]`, and
 * positions, where a list has no identity, as `[3]`.
 */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'object') out += `[${p.id}]`;
    else if (!PLAIN_MEMBER.test(p)) out += `[${JSON.stringify(p)}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

/** `Fields[].SingleSelectOptions`: the pattern a ListSpec names, any element as `[]`. */
function patternOf(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'string' ? (out ? `.${p}` : p) : '[]';
  return out;
}

// ---------------------------------------------------------------------------------------------
// Diffing
// ---------------------------------------------------------------------------------------------

type Json = unknown;

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

class Differ {
  readonly rows: DetailedChange[] = [];
  private readonly specs: Map<string, ListSpec>;

  constructor(
    lists: readonly ListSpec[],
    private readonly hidden: HiddenValue,
  ) {
    this.specs = new Map(lists.map((l) => [l.path, l]));
  }

  private push(segments: PathSegment[], field: Omit<FieldChange, 'path'>): void {
    this.rows.push({ segments, field: { path: formatPath(segments), ...field } });
  }

  value(before: Json, after: Json, at: PathSegment[]): void {
    if (deepEqual(before, after)) return;
    if (before === undefined) this.push(at, { op: 'add', after });
    else if (after === undefined) this.push(at, { op: 'remove', before });
    else if (isRecord(before) && isRecord(after)) this.object(before, after, at);
    else if (Array.isArray(before) && Array.isArray(after)) this.list(before, after, at);
    else this.push(at, { op: 'change', before, after });
  }

  private object(before: Record<string, Json>, after: Record<string, Json>, at: PathSegment[]): void {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(cmp);
    for (const k of keys) this.value(before[k], after[k], [...at, k]);
  }

  private list(before: Json[], after: Json[], at: PathSegment[]): void {
    const spec = this.specs.get(patternOf(at));
    const shown = (member: string | undefined) =>
      this.hidden([...at, -1, ...(member === undefined ? [] : member.split('.'))]);
    const liveIds = spec && identities(spec, before, shown);
    const desiredIds = spec && identities(spec, after, shown);
    if (!spec || !liveIds || !desiredIds) this.positional(before, after, at);
    else this.keyed(spec, before, after, liveIds, desiredIds, at);
  }

  /** Lists without identity: element i against element i, the surplus added or removed. */
  private positional(before: Json[], after: Json[], at: PathSegment[]): void {
    for (let i = 0; i < Math.max(before.length, after.length); i++) this.value(before[i], after[i], [...at, i]);
  }

  private keyed(
    spec: ListSpec,
    before: Json[],
    after: Json[],
    liveIds: Keyed[],
    desiredIds: Keyed[],
    at: PathSegment[],
  ): void {
    const desiredAt = new Map(desiredIds.map((k, i) => [k.key, i]));
    const liveAt = new Map(liveIds.map((k, i) => [k.key, i]));
    // Pairs of (live index, desired index) for the same element: same identity, or paired below.
    const pairs: { live: number; desired: number; segment: ElementSegment }[] = [];
    const removed: number[] = [];
    const added = new Set(desiredIds.map((_, i) => i).filter((i) => !liveAt.has(desiredIds[i].key)));
    liveIds.forEach((k, li) => {
      const di = desiredAt.get(k.key);
      if (di === undefined) removed.push(li);
      else pairs.push({ live: li, desired: di, segment: { id: k.text, identity: k.identity, live: li, desired: di } });
    });
    // An element whose identifying member changed: within a group (spec.pairBy), exactly one
    // element gone and one new are the same element edited, not a remove plus an add.
    const leftover = new Set(removed);
    if (spec.pairBy) {
      const groups = new Map<string, { gone: number[]; born: number[] }>();
      const groupOf = (element: Json) => {
        const g = spec.pairBy!(element);
        if (g === undefined) return undefined;
        if (!groups.has(g)) groups.set(g, { gone: [], born: [] });
        return groups.get(g);
      };
      for (const li of removed) groupOf(before[li])?.gone.push(li);
      for (const di of added) groupOf(after[di])?.born.push(di);
      for (const { gone, born } of groups.values()) {
        if (gone.length !== 1 || born.length !== 1) continue;
        const [li, di] = [gone[0], born[0]];
        leftover.delete(li);
        added.delete(di);
        const k = liveIds[li];
        pairs.push({
          live: li,
          desired: di,
          segment: {
            id: k.text,
            identity: k.identity,
            live: li,
            desired: di,
            desiredIdentity: desiredIds[di].identity,
          },
        });
      }
    }

    // Rows in the desired list's order; a removed element where it stood in the live list.
    const entries: { order: number; rank: number; emit: () => void }[] = [];
    const moved = spec.ordered ? movedPairs(pairs) : new Set<number>();
    for (const p of pairs) {
      entries.push({
        order: p.desired,
        rank: 1,
        emit: () => {
          if (moved.has(p.live)) this.push([...at, p.segment], { op: 'move', from: p.live, to: p.desired });
          this.value(before[p.live], after[p.desired], [...at, p.segment]);
        },
      });
    }
    for (const li of leftover) {
      const k = liveIds[li];
      entries.push({
        order: li,
        rank: 0,
        emit: () =>
          this.push([...at, { id: k.text, identity: k.identity, live: li }], { op: 'remove', before: before[li] }),
      });
    }
    for (const di of added) {
      const k = desiredIds[di];
      entries.push({
        order: di,
        rank: 1,
        emit: () =>
          this.push([...at, { id: k.text, identity: k.identity, desired: di }], { op: 'add', after: after[di] }),
      });
    }
    entries.sort((a, b) => a.order - b.order || a.rank - b.rank);
    for (const e of entries) e.emit();
  }
}

interface Keyed {
  identity: ElementIdentity;
  /** The identity's own text: what tells elements apart. */
  key: string;
  /** As printed in paths (sensitive members as markers). */
  text: string;
}

/** Each element's identity, or undefined when one lacks it or two share it (positional diff then). */
function identities(
  spec: ListSpec,
  list: Json[],
  shown: (member: string | undefined) => string | undefined,
): Keyed[] | undefined {
  const out: Keyed[] = [];
  const seen = new Set<string>();
  for (const el of list) {
    const identity = spec.identity(el);
    if (identity === undefined) return undefined;
    const key = formatIdentity(identity);
    if (!key || seen.has(key)) return undefined;
    seen.add(key);
    out.push({ identity, key, text: formatIdentity(identity, shown) });
  }
  return out;
}

/**
 * The elements of an ordered list that moved: all but a longest run that kept its relative order
 * (a longest increasing subsequence of desired positions in live order), so inserting or moving
 * one element shows as that element alone. Returns their live positions.
 */
function movedPairs(pairs: readonly { live: number; desired: number }[]): Set<number> {
  const seq = [...pairs].sort((a, b) => a.live - b.live);
  const len: number[] = [];
  const prev: number[] = [];
  seq.forEach((p, i) => {
    len[i] = 1;
    prev[i] = -1;
    for (let j = 0; j < i; j++) {
      if (seq[j].desired < p.desired && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = j;
      }
    }
  });
  const kept = new Set<number>();
  let i = len.length ? len.indexOf(Math.max(...len)) : -1;
  for (; i >= 0; i = prev[i]) kept.add(seq[i].live);
  return new Set(seq.map((p) => p.live).filter((li) => !kept.has(li)));
}

/**
 * Differences from `before` (live) to `after` (desired), in body order: members alphabetically,
 * list elements in the desired list's order (a removed one where it stood).
 */
export function diffDetailed(
  before: Body,
  after: Body,
  lists: readonly ListSpec[] = [],
  hidden: HiddenValue = () => undefined,
): DetailedChange[] {
  const differ = new Differ(lists, hidden);
  differ.value(before, after, []);
  return differ.rows;
}

/** Top-level fields touched by any change (what decides update vs replace). */
export function changedTopLevel(fields: FieldChange[]): string[] {
  return [...new Set(fields.map((f) => f.path.split(/[.[]/)[0]))].sort();
}

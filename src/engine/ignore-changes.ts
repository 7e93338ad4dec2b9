/**
 * `lifecycle.ignoreChanges`: which plan rows an entry hides, and the desired body with the live
 * value put back wherever a row was hidden (a whole-document update must not undo what the user
 * told connectform to leave alone). Pure.
 *
 * An entry is a path in the grammar of plan rows (docs/PLAN-FORMAT.md), with list elements either
 * left out (`Fields.Description`: that member of every element; `Actions`: the whole list) or
 * selected by identity (`Fields[Id.Name="Policy number"].Description`; a selector may name only
 * some identity members, `Actions[ActionType="CREATE_TASK"]`, and then selects every element that
 * has them). Positions (`Actions[0]`) select elements only of lists compared by position; on a
 * list with identity they are refused by validation (src/kinds/lists.ts `ignoreEntryProblem`), since the position
 * in a normalized set says nothing about which element the user meant.
 */
import { parseEntry, type EntryToken } from '../kinds/lists.js';
import type { Body, ElementIdentity } from '../kinds/types.js';
import type { ElementSegment, PathSegment } from './diff.js';

function tryParse(entry: string): EntryToken[] | undefined {
  try {
    return parseEntry(entry);
  } catch {
    return undefined;
  }
}

function selects(t: Extract<EntryToken, { kind: 'element' }>, identity: ElementIdentity | undefined): boolean {
  if (identity === undefined) return false;
  if (t.scalar !== undefined) return identity === t.scalar;
  return typeof identity === 'object' && Object.entries(t.pairs).every(([k, v]) => identity[k] === v);
}

/** How many of `segments` the entry covers (the hidden subtree's root), or undefined. */
function coveredDepth(tokens: readonly EntryToken[], segments: readonly PathSegment[]): number | undefined {
  const walk = (i: number, j: number): number | undefined => {
    if (i === tokens.length) return j;
    if (j === segments.length) return undefined;
    const t = tokens[i];
    const s = segments[j];
    if (typeof s === 'string') return t.kind === 'member' && t.name === s ? walk(i + 1, j + 1) : undefined;
    if (t.kind === 'member') return walk(i, j + 1); // the entry leaves the element out: any element
    if (t.kind === 'any') return walk(i + 1, j + 1);
    if (t.kind === 'index') return s === t.n ? walk(i + 1, j + 1) : undefined;
    return typeof s === 'object' && (selects(t, s.identity) || selects(t, s.desiredIdentity))
      ? walk(i + 1, j + 1)
      : undefined;
  };
  return walk(0, 0);
}

/**
 * Whether `ignore` hides the row at `segments`: the length of the shortest prefix of `segments`
 * an entry covers (the root of what is kept live), else undefined.
 */
export function ignoredDepth(
  segments: readonly PathSegment[],
  ignore: readonly string[] | undefined,
): number | undefined {
  let best: number | undefined;
  for (const entry of ignore ?? []) {
    const tokens = tryParse(entry);
    const depth = tokens && coveredDepth(tokens, segments);
    if (depth !== undefined && (best === undefined || depth < best)) best = depth;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Putting live values back
// ---------------------------------------------------------------------------------------------

type Container = Record<string | number, unknown>;

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === 'object';
}

/** The value at `segments`, elements found by their position on `side`. */
function resolve(body: unknown, segments: readonly PathSegment[], side: 'live' | 'desired'): unknown {
  let cur: unknown = body;
  for (const s of segments) {
    if (!isContainer(cur)) return undefined;
    const at = typeof s === 'object' ? s[side] : s;
    if (at === undefined) return undefined;
    cur = cur[at];
  }
  return cur;
}

/** The container at `segments` in `body`, creating missing mappings on the way. */
function containerAt(body: Container, segments: readonly PathSegment[]): Container | undefined {
  let cur: Container = body;
  for (const s of segments) {
    const at = typeof s === 'object' ? s.desired : s;
    if (at === undefined) return undefined;
    if (!isContainer(cur[at])) {
      if (typeof s === 'object') return undefined;
      cur[at] = typeof s === 'number' ? [] : {};
    }
    cur = cur[at] as Container;
  }
  return cur;
}

/** A root's place in the bodies: positions, not printed identities (which may be markers). */
function placeOf(segments: readonly PathSegment[]): string {
  return JSON.stringify(segments.map((s) => (typeof s === 'object' ? [s.live ?? null, s.desired ?? null] : s)));
}

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/**
 * Put the live value back at each of `roots` (the hidden subtrees, see ignoredDepth) of
 * `desired`, so a whole-document update (UpdateTaskTemplate, UpdateRule) keeps what
 * `ignoreChanges` told us to leave alone. A hidden element goes back as it is live (a hidden
 * addition is dropped); in an ordered list it goes back to its live position, or the end when
 * the list is now shorter.
 */
export function keepLiveValues(desired: Body, live: Body, roots: readonly PathSegment[][]): Body {
  if (!roots.length) return desired;
  const out = structuredClone(desired);
  // A root inside another root is already covered by it.
  const byLength = [...roots].sort((a, b) => a.length - b.length);
  const kept: PathSegment[][] = [];
  for (const r of byLength) {
    if (!kept.some((k) => k.length <= r.length && placeOf(r.slice(0, k.length)) === placeOf(k))) kept.push(r);
  }
  // Deepest first: element positions along a path stay valid until their own list is rebuilt.
  const elementGroups = new Map<string, { container: PathSegment[]; elements: ElementSegment[] }>();
  const steps: { depth: number; run: () => void }[] = [];
  for (const root of kept) {
    const last = root[root.length - 1];
    const parent = root.slice(0, -1);
    if (typeof last === 'object') {
      const key = placeOf(parent);
      const group = elementGroups.get(key);
      if (group) group.elements.push(last);
      else {
        const fresh = { container: parent, elements: [last] };
        elementGroups.set(key, fresh);
        steps.push({ depth: root.length, run: () => restoreElements(out, live, fresh.container, fresh.elements) });
      }
      continue;
    }
    steps.push({
      depth: root.length,
      run: () => {
        const value = resolve(live, root, 'live');
        const target = containerAt(out, parent);
        if (!target) return;
        if (value !== undefined) target[last] = clone(value);
        else if (Array.isArray(target) && typeof last === 'number') target.splice(last, 1);
        else delete target[last];
      },
    });
  }
  steps.sort((a, b) => b.depth - a.depth);
  for (const s of steps) s.run();
  return out;
}

function restoreElements(out: Body, live: Body, container: PathSegment[], elements: ElementSegment[]): void {
  const list = resolve(out, container, 'desired');
  const liveList = resolve(live, container, 'live');
  if (!Array.isArray(list)) return;
  const touched = new Set(elements.flatMap((e) => (e.desired === undefined ? [] : [e.desired])));
  const rest = list.filter((_, i) => !touched.has(i));
  const back = elements
    .filter((e) => e.live !== undefined && Array.isArray(liveList))
    .sort((a, b) => a.live! - b.live!);
  for (const e of back) rest.splice(Math.min(e.live!, rest.length), 0, clone((liveList as unknown[])[e.live!]));
  list.splice(0, list.length, ...rest);
}

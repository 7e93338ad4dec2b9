/**
 * Small pure helpers shared by the kinds' normalize/read/write code. Normalization is where
 * false positives die (octoDNS's lesson): each kind states what is a set, what is a server
 * default and what is a reference, using these pieces.
 */
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import type { AwsClients } from '../aws/clients.js';
import { isNotFound } from '../aws/call-errors.js';
import { refProblem, refToName, refToWire } from './references.js';
import type { Body, Listing } from './types.js';

/** JSON with object keys sorted at every depth: equal data → equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => cmp(a, b))) out[k] = sortKeysDeep(v);
    return out;
  }
  return value;
}

/** A JSON object (not an array, not null): what audits test before reading members. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

/**
 * The one cast from a plain JSON body to a kind's typed normal form (RuleBody, ...). Sound where
 * kinds call it: in normalize/create/update/replaceReason, whose bodies are either declared ones
 * the config's JSON Schema (generated from the same SDK model) accepted, or live ones a kind's
 * read built from the SDK's own output types. The audit runs on bodies the schema may have
 * rejected, so it reads plain JSON through guards instead.
 */
export function typedBody<T extends object>(body: Body): T {
  return body as T;
}

/**
 * Drop undefined/null members, empty objects and empty arrays at every depth (AWS omits them).
 * Typed as returning T (the casts below): the result only lacks members that were empty, which
 * the SDK shapes the kinds prune (every member `| undefined`) allow.
 */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(prune).filter((v) => v !== undefined) as T;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === undefined || p === null) continue;
      if (Array.isArray(p) && p.length === 0) continue;
      if (p && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      out[k] = p;
    }
    return out as T;
  }
  return value;
}

/** A list AWS treats as a set: sorted by canonical JSON so order never shows as a diff. */
export function asSet<T>(list: T[] | undefined): T[] | undefined {
  if (!list) return list;
  return [...list].sort((a, b) => cmp(canonicalJson(a), canonicalJson(b)));
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Keep only `keys` of an object that are defined (drops server-filled fields such as RuleArn,
 * CreatedTime). Typed: picking from an SDK shape gives that shape's members.
 */
export function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  // Every member of Pick<T, K> that `obj` defines is copied; undefined ones stay absent, which
  // the (all `| undefined`) SDK shapes allow.
  return out as Pick<T, K>;
}

/** Secrets are compared by digest and shown as one; the value itself never leaves the process. */
export function secretDigest(value: unknown): string {
  return `(sensitive, sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12)})`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A contact flow reference as configs and normal forms hold it: its id (or ARN), or `{ name }`. */
export type FlowRef = string | { name: string };

// The flow helpers below are the generic reference mechanism (./references.ts) for one kind.

/** Normal form of a flow reference: `{ name }` when the flow is known, otherwise as written. */
export function flowRefToName(ref: FlowRef, flows: ContactFlowDirectory): FlowRef {
  return refToName(ref, 'contactFlow', flows) as FlowRef;
}

/** Wire form of a flow reference: the id. Unknown names were rejected by validation earlier. */
export function flowRefToId(ref: FlowRef, flows: ContactFlowDirectory): string;
export function flowRefToId(ref: FlowRef | undefined, flows: ContactFlowDirectory): string | undefined;
export function flowRefToId(ref: FlowRef | undefined, flows: ContactFlowDirectory): string | undefined {
  if (ref === undefined || ref === null) return undefined;
  return refToWire(ref, 'contactFlow', 'id', flows) as string;
}

/** Validation message for a flow reference that does not resolve, with the nearest names. */
export function unknownFlowMessage(ref: unknown, flows: ContactFlowDirectory): string | undefined {
  return refProblem(ref, 'contactFlow', flows);
}

/** Deterministic idempotency token (UUID-shaped, fits every ClientToken constraint we call). */
export function idempotencyToken(parts: unknown[]): string {
  const h = sha256(canonicalJson(parts));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** connectform's management marker: a tag on what it created, the only things prune may delete. */
export const MARKER_TAG_KEY = 'connectform:managed';
export const MARKER_TAG_VALUE = 'true';

/** Tags as the user sees them: the marker removed (it is ours, never a diff). */
export function userTags(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(tags).sort()) if (k !== MARKER_TAG_KEY) out[k] = tags[k];
  return Object.keys(out).length ? out : undefined;
}

/** Pages through a NextToken API, yielding each page's items. */
export async function* pages<P extends { NextToken?: string; nextToken?: string }, T>(
  fetchPage: (token: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
): AsyncIterable<T> {
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    for (const item of items(page) ?? []) yield item;
    token = page.NextToken ?? page.nextToken;
  } while (token);
}

/**
 * Run `fn` over `items` with at most `n` in flight (p-limit, as everywhere), yielding results in
 * the order of `items`. Reading `items` (list pages) stays at most 2n ahead of what was yielded,
 * unless a `listing` wants totals: then the list is read to its end at its own pace (its API has
 * its own quota bucket, so describes are not slowed) and each item counted as it arrives, so
 * progress can say "120/1000" long before the last describe.
 */
export async function* mapConcurrent<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  n: number,
  fn: (item: T) => Promise<R>,
  listing?: Listing,
): AsyncIterable<R> {
  const width = Math.max(1, n);
  const limit = pLimit(width);
  const ahead: Promise<R>[] = [];
  const source = listing ? readAhead(items, listing) : (items as AsyncIterable<T>);
  for await (const item of source) {
    const result = limit(() => fn(item));
    // Awaited when its turn comes; a failure before then must not count as unhandled.
    result.catch(() => {});
    ahead.push(result);
    if (ahead.length >= 2 * width) yield await ahead.shift()!;
  }
  while (ahead.length) yield await ahead.shift()!;
}

/** `items` read to the end in the background, counted on `listing`, handed out in order. */
async function* readAhead<T>(items: AsyncIterable<T> | Iterable<T>, listing: Listing): AsyncIterable<T> {
  const queue: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  const reading = (async () => {
    try {
      for await (const item of items as AsyncIterable<T>) {
        if (stopped) return; // the consumer gave up (an error): no more list calls
        queue.push(item);
        listing.found();
        wake?.();
      }
      listing.complete();
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (queue.length) {
        yield queue.shift()!;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stopped = true;
    await reading.catch(() => {});
  }
}

/** A delete call where "not found" means already gone: what we wanted (re-runs converge). */
export async function deleteIfPresent(
  aws: AwsClients,
  api: string,
  what: string,
  send: () => Promise<unknown>,
): Promise<void> {
  try {
    await aws.call(api, send, { resource: what });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err; // names the target, the API and `what` (AwsClients.call)
  }
}

/**
 * The snapshot cache behind incremental plans: described resources keyed by kind + id, valid
 * while the list call reports the same last-modified stamp. Kept as one JSON file per target
 * scope (region, instance, endpoint) under `<state dir>/cache/` (`--state-dir`, default
 * `.connectform/`), next to the journal (`pending/`), so CI keeps both with one cache step.
 *
 * A cache can be wrong (a tag change does not move LastUpdatedTime), so: the plan says how much
 * it trusted the cache, `--refresh` bypasses it, and apply re-reads every cached resource it is
 * about to change and refuses the change if it is not what the plan saw.
 */
import { writeFileAtomically } from '../util/write-file.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../kinds/common.js';
import { schemaProblem } from '../util/json-schema.js';
import type { DescribeCache, KindName, LiveResource } from '../kinds/types.js';

interface Entry {
  /** The list call's stamp; '' for kinds whose list gives none (re-verified by age, see below). */
  version: string;
  live: LiveResource;
  /** When it was last described (ms since the epoch). */
  savedAt: number;
}

/**
 * Resources with no last-modified stamp (a custom action: ListCustomActions returns only ARNs,
 * GetCustomAction no modification time) are re-verified by age, a slice at a time:
 *
 *  - none is taken from the cache once it is UNSTAMPED_MAX_AGE_MS old (the bound on how stale a
 *    plan can be about one, whatever the schedule);
 *  - each run also re-describes the oldest-verified ones of a kind that are at least
 *    max age / UNSTAMPED_SLICES old, at most ceil(cached / UNSTAMPED_SLICES) of them: with hourly
 *    runs every one is re-verified within the max age and a run reads a sixth of them rather than
 *    all at once; within an hour of a full read (a developer re-planning) a run reads none.
 *
 * docs/PERFORMANCE.md ("The snapshot cache") states the rule for users.
 */
export const UNSTAMPED_MAX_AGE_MS = 6 * 60 * 60 * 1000;
export const UNSTAMPED_SLICES = 6;

export interface SnapshotCacheOptions {
  /** --refresh: take nothing from the cache, but write what this run described. */
  refresh?: boolean;
  maxAgeMs?: number;
  slices?: number;
  /** Wall clock (ms since the epoch): entries carry their age across runs. */
  now?: () => number;
}

/**
 * The file's format. 3: rule Functions are compared as Rules Function documents (a cache written
 * before is dropped, not read: it is only ever an optimisation).
 */
const FORMAT = 3;

const ENTRY_SCHEMA = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    savedAt: { type: 'number' },
    live: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        key: { type: 'string' },
        id: { type: 'string' },
        arn: { type: 'string' },
        body: { type: 'object' },
        managed: { type: 'boolean' },
        version: { type: 'string' },
        extra: { type: 'object' },
        createdAt: { type: 'string' },
        attribution: { type: 'object' },
      },
      required: ['kind', 'key', 'id', 'body', 'managed', 'version'],
    },
  },
  required: ['version', 'live', 'savedAt'],
};

const CACHE_SCHEMA = {
  type: 'object',
  properties: {
    format: { const: FORMAT },
    entries: {
      type: 'array',
      items: { type: 'array', items: [{ type: 'string' }, ENTRY_SCHEMA], minItems: 2, maxItems: 2 },
    },
  },
  required: ['format', 'entries'],
};

/**
 * The entries of the cache file; none, with why, when it is damaged or foreign (a cache is only
 * ever an optimisation: the run reads everything afresh and rewrites it). No file: no entries, silently.
 */
function readCache(file: string): { entries: [string, Entry][]; ignored?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { entries: [], ...(code === 'ENOENT' ? {} : { ignored: `cannot be read (${code ?? 'error'})` }) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { entries: [], ignored: 'not JSON (damaged)' };
  }
  const format = doc !== null && typeof doc === 'object' ? (doc as { format?: unknown }).format : undefined;
  if (format !== FORMAT)
    return {
      entries: [],
      ignored:
        format === undefined
          ? 'not a snapshot cache'
          : `written by another version of connectform (cache format ${JSON.stringify(format).slice(0, 20)}; this one reads ${FORMAT})`,
    };
  const problem = schemaProblem(CACHE_SCHEMA, doc);
  if (problem) return { entries: [], ignored: `not a snapshot cache (${problem})` };
  return { entries: (doc as { entries: [string, Entry][] }).entries };
}

/** Always describes; remembers nothing. */
export const NO_CACHE: DescribeCache = { through: (_k, _id, _v, describe) => describe() };

const kindOfKey = (key: string) => key.slice(0, key.indexOf('|')) as KindName;

export class SnapshotCache implements DescribeCache {
  hits = 0;
  misses = 0;
  private entries = new Map<string, Entry>();
  private readonly seen = new Map<string, Entry>();
  /** Kinds this run read to the end: their entries are exactly what it saw. */
  private readonly readKinds = new Set<KindName>();
  /** Per unstamped kind, the keys this run re-describes (chosen on the kind's first lookup). */
  private readonly dueByKind = new Map<KindName, Set<string>>();
  private readonly refresh: boolean;
  /** The file holds what the entries do not (forget() dropped one, or it was ignored): save must write. */
  private dirty = false;
  /** One line for the plan's notes when the file was there but could not be used. */
  notice: string | undefined;
  private readonly maxAgeMs: number;
  private readonly slices: number;
  private readonly now: () => number;

  constructor(
    private readonly file: string,
    options: SnapshotCacheOptions = {},
  ) {
    this.refresh = options.refresh ?? false;
    this.maxAgeMs = options.maxAgeMs ?? UNSTAMPED_MAX_AGE_MS;
    this.slices = Math.max(1, options.slices ?? UNSTAMPED_SLICES);
    this.now = options.now ?? Date.now;
    // Read even with --refresh: the entries of kinds this run does not read are kept.
    const read = readCache(file);
    if (read.ignored) {
      this.notice = `ignored the snapshot cache ${file}: ${read.ignored}; read every resource afresh (this run rewrites it)`;
      this.dirty = true;
    }
    this.entries = new Map(read.entries);
  }

  static fileFor(dir: string, scope: { region: string; instanceId: string; endpoint?: string }): string {
    return join(dir, `${sha256(`${scope.region}|${scope.instanceId}|${scope.endpoint ?? ''}`).slice(0, 16)}.json`);
  }

  async through(
    kind: KindName,
    id: string,
    version: string | undefined,
    describe: () => Promise<LiveResource | undefined>,
  ): Promise<LiveResource | undefined> {
    const key = `${kind}|${id}`;
    const hit = this.refresh ? undefined : this.entries.get(key);
    const fresh = hit && (version ? hit.version === version : hit.version === '' && !this.dueFor(kind).has(key));
    if (hit && fresh) {
      this.hits++;
      this.seen.set(key, hit);
      return { ...structuredClone(hit.live), fromCache: true };
    }
    this.misses++;
    const live = await describe();
    if (live)
      this.seen.set(key, { version: version ?? '', live: { ...live, fromCache: undefined }, savedAt: this.now() });
    return live;
  }

  /** The unstamped entries of `kind` this run re-describes (see UNSTAMPED_MAX_AGE_MS). */
  private dueFor(kind: KindName): Set<string> {
    let due = this.dueByKind.get(kind);
    if (due) return due;
    const now = this.now();
    const cached = [...this.entries].filter(([key, e]) => e.version === '' && kindOfKey(key) === kind);
    const byAge = cached
      .map(([key, e]) => ({ key, age: now - e.savedAt }))
      .sort((a, b) => b.age - a.age || (a.key < b.key ? -1 : 1));
    const slice = Math.ceil(cached.length / this.slices);
    const sliceAge = this.maxAgeMs / this.slices;
    due = new Set(byAge.filter((e, i) => e.age >= this.maxAgeMs || (i < slice && e.age >= sliceAge)).map((e) => e.key));
    this.dueByKind.set(kind, due);
    return due;
  }

  /**
   * `kind` was read to the end: what it did not list is gone and leaves the cache on save. Kinds
   * this run did not read keep their entries (`plan --kinds rule` must not cost the next full
   * plan every task template).
   */
  completed(kind: KindName): void {
    this.readKinds.add(kind);
  }

  /**
   * Forget one resource: this run is about to change it, and not every change moves the stamp
   * the cache trusts (TagResource does not), so the next run must describe it again.
   */
  forget(kind: KindName, id: string): void {
    const key = `${kind}|${id}`;
    this.entries.delete(key);
    this.seen.delete(key);
    this.dirty = true;
  }

  /**
   * What this run listed, plus the entries of the kinds it did not read; atomic replace. A run
   * that only took entries from the cache changes nothing and writes nothing (an incremental
   * plan of 1,500 resources spends a third of its own CPU on writing the same file again).
   */
  save(): void {
    const kept = [...this.entries].filter(([key]) => !this.seen.has(key) && !this.readKinds.has(kindOfKey(key)));
    const next = [...kept, ...this.seen];
    const unchanged = next.length === this.entries.size && next.every(([key, e]) => this.entries.get(key) === e);
    if (unchanged && !this.dirty) return;
    writeFileAtomically(this.file, JSON.stringify({ format: FORMAT, entries: next }));
    this.entries = new Map(next);
    this.dirty = false;
  }
}

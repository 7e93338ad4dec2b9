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
import type { DescribeCache, KindName, LiveResource } from '../kinds/types.js';

interface Entry {
  /** The list call's stamp; '' for kinds whose list gives none (trusted for a while only). */
  version: string;
  live: LiveResource;
  /** When it was described (ms since the epoch). */
  savedAt: number;
}

/**
 * How long a resource with no last-modified stamp (a custom action: ListCustomActions returns
 * only ARNs) is taken from the cache. Short: drift jobs and applies should use --refresh.
 */
export const UNSTAMPED_TTL_MS = 15 * 60 * 1000;

const FORMAT = 2;

/** Always describes; remembers nothing. */
export const NO_CACHE: DescribeCache = { through: (_k, _id, _v, describe) => describe() };

export class SnapshotCache implements DescribeCache {
  hits = 0;
  misses = 0;
  private entries = new Map<string, Entry>();
  private readonly seen = new Map<string, Entry>();

  constructor(
    private readonly file: string,
    /** --refresh: read nothing from the cache, but write what this run described. */
    refresh = false,
    private readonly unstampedTtlMs = UNSTAMPED_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (refresh) return;
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { format: number; entries: [string, Entry][] };
      if (doc.format === FORMAT) this.entries = new Map(doc.entries);
    } catch {
      // no cache yet, or unreadable: start empty (a cache is only ever an optimisation)
    }
  }

  static fileFor(dir: string, scope: { region: string; instanceId: string; endpoint?: string }): string {
    return join(dir, `${sha256(`${scope.region}|${scope.instanceId}|${scope.endpoint ?? ''}`).slice(0, 16)}.json`);
  }

  async through(kind: KindName, id: string, version: string | undefined, describe: () => Promise<LiveResource | undefined>): Promise<LiveResource | undefined> {
    const key = `${kind}|${id}`;
    const hit = this.entries.get(key);
    const fresh = hit && (version ? hit.version === version : hit.version === '' && this.now() - hit.savedAt < this.unstampedTtlMs);
    if (hit && fresh) {
      this.hits++;
      this.seen.set(key, hit);
      return { ...structuredClone(hit.live), fromCache: true };
    }
    this.misses++;
    const live = await describe();
    if (live) this.seen.set(key, { version: version ?? '', live: { ...live, fromCache: undefined }, savedAt: this.now() });
    return live;
  }

  /**
   * Forget one resource: this run is about to change it, and not every change moves the stamp
   * the cache trusts (TagResource does not), so the next run must describe it again.
   */
  forget(kind: KindName, id: string): void {
    const key = `${kind}|${id}`;
    this.entries.delete(key);
    this.seen.delete(key);
  }

  /** Keep only what this run listed (deleted resources drop out); atomic replace. */
  save(): void {
    writeFileAtomically(this.file, JSON.stringify({ format: FORMAT, entries: [...this.seen] }));
  }
}

/**
 * The journal of creates in flight. Apply records each create before making it, with a fresh
 * nonce that goes into the create's idempotency token, and clears it once the create is done (for
 * kinds whose marker tag follows in a second call — a task template: CreateTaskTemplate takes no
 * tags — once the marker is on). So:
 *   - a process killed mid-create leaves the record: the re-run sends the same token, and AWS
 *     answers with what the first attempt made instead of making a second one (no duplicates);
 *   - a create that finished is forgotten: a resource deleted later (pruned, or by hand) and then
 *     declared again gets a new token, so it really is created again — AWS keeps tokens after
 *     their resource is gone, and replaying one would "succeed" and create nothing;
 *   - a kind that marks in a second call and was killed in between is finished by the next plan
 *     (an explicit "mark" update) rather than left unmanaged for good.
 * Entries expire after TOKEN_RECORD_TTL_MS: AWS's own replay window, past which a stale record
 * proves nothing. Written synchronously and atomically: it must survive SIGKILL.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomically } from '../util/write-file.js';
import type { KindName } from '../kinds/types.js';
import { liveKey } from './planner.js';

/** How long an unfinished create is remembered (the replay window AWS documents for tokens). */
export const TOKEN_RECORD_TTL_MS = 7 * 24 * 3600 * 1000;

interface Entry {
  /** Goes into the create's idempotency token; new for every create that is not a re-run. */
  nonce: string;
  /** When the create was first attempted (ms since the epoch), for expiry. */
  at: number;
}

export class PendingCreates {
  private readonly entries: Map<string, Entry>;

  constructor(
    private readonly file?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new Map(file ? read(file, now()) : []);
  }

  has(kind: KindName, name: string): boolean {
    return this.entries.has(liveKey(kind, name));
  }

  /**
   * Record a create about to be made; the nonce for its token. A re-run of a create that never
   * finished gets the recorded nonce back, so its token is the one AWS already knows.
   */
  begin(kind: KindName, name: string): string {
    const key = liveKey(kind, name);
    const existing = this.entries.get(key);
    if (existing) return existing.nonce;
    const entry = { nonce: randomUUID(), at: this.now() };
    this.entries.set(key, entry);
    this.save();
    return entry.nonce;
  }

  remove(kind: KindName, name: string): void {
    if (this.entries.delete(liveKey(kind, name))) this.save();
  }

  private save(): void {
    if (!this.file) return;
    writeFileAtomically(this.file, JSON.stringify(Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : 1)))));
  }
}

function read(file: string, now: number): [string, Entry][] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return []; // none yet
  }
  // An older journal was a plain list of keys: their creates get a fresh nonce (the old token
  // had none, so nothing can be replayed against it anyway).
  if (Array.isArray(doc)) return doc.filter((k): k is string => typeof k === 'string').map((k) => [k, { nonce: randomUUID(), at: now }]);
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc as Record<string, Partial<Entry>>).flatMap(([k, e]) =>
    typeof e?.nonce === 'string' && typeof e.at === 'number' && now - e.at < TOKEN_RECORD_TTL_MS ? [[k, { nonce: e.nonce, at: e.at }] as [string, Entry]] : [],
  );
}

/**
 * The journal: what an apply was in the middle of, in one file per target scope under the state
 * directory (`--state-dir`, default `.connectform/`, `pending/`). Written synchronously and
 * atomically before the call it guards, so it survives SIGKILL. Two kinds of entry:
 *
 * Creates in flight. Apply records each create before making it, with a fresh nonce that goes into
 * the create's idempotency token, binds the entry to the id the create returned as soon as it
 * returns it, and clears the entry once the create is done (for kinds whose marker tag follows in
 * a second call — a task template: CreateTaskTemplate takes no tags — once the marker is on). So:
 *   - a process killed mid-create leaves the entry: the re-run sends the same token, and AWS
 *     answers with what the first attempt made instead of making a second one (no duplicates);
 *   - a create that finished is forgotten: a resource deleted later (pruned, or by hand) and then
 *     declared again gets a new token, so it really is created again — AWS keeps tokens after
 *     their resource is gone, and replaying one would "succeed" and create nothing;
 *   - a kind that marks in a second call and was killed in between is finished by the next plan
 *     (an explicit "mark" update), but only when the resource is provably the one our create made
 *     (see `adoption`): a same-named resource someone made by hand is never marked, so never
 *     pruned.
 *
 * Replaces in flight. Before a replace deletes the old resource, its normalized body (enough to
 * create it again) is journaled. A run killed between the delete and the create leaves the entry:
 * the next plan shows the create as a recovery, and apply creates the desired body or, if that
 * fails, the old one again. The entry stays until the resource exists again, so the old body is
 * never only in a process that died.
 *
 * Entries expire after TOKEN_RECORD_TTL_MS: AWS's own replay window for tokens, past which a stale
 * create entry proves nothing; a replace entry's old body goes with it (the plan showed it a week
 * of runs long). A delete of the resource (prune) clears both.
 *
 * The file is checked against its schema when read; one that cannot be read is refused, never
 * skipped (see `refuse`), unlike the snapshot cache, which is only an optimisation.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConnectformError } from '../errors.js';
import { schemaProblem } from '../util/json-schema.js';
import { writeFileAtomically } from '../util/write-file.js';
import { DEFAULT_CALL_BUDGET_MS } from '../aws/timeouts.js';
import type { KindName, LiveResource } from '../kinds/types.js';
import { liveKey, type Adoption, type JournalView, type ReplacedResource } from './planner.js';

/** How long an unfinished create or replace is remembered (the replay window AWS documents for tokens). */
export const TOKEN_RECORD_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * How far the server's clock may be from ours when a creation time is compared with the time we
 * sent the create: the AWS SDK corrects its signing clock once the skew reaches 5 minutes
 * (smithy `isClockSkewed`), and NTP keeps real machines far closer.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

interface CreateEntry {
  /** Goes into the create's idempotency token; new for every create that is not a re-run. */
  nonce: string;
  /** When the create was first attempted (ms since the epoch), for expiry. */
  at: number;
  /** When the latest attempt was sent: only it can have made a resource (earlier ones found none). */
  attemptAt: number;
  /** The id the create returned, once it did: the one resource this entry may adopt. */
  id?: string;
}

interface ReplaceEntry extends ReplacedResource {
  /** When the delete was about to be sent (ms since the epoch), for expiry. */
  at: number;
}

/**
 * The journal's format. 3: a replaced rule's body holds its Function as a document; format 2
 * held it as a string, which create still sends as it is, so a format-2 journal is read as one
 * of format 3 (migrated on its next save).
 */
const FORMAT = 3;
const FORMAT_STRING_FUNCTIONS = 2;

export class Journal implements JournalView {
  private readonly creates: Map<string, CreateEntry>;
  private readonly replaces: Map<string, ReplaceEntry>;

  constructor(
    /** The journal file; none keeps it in memory only. */
    readonly file?: string,
    private readonly now: () => number = Date.now,
  ) {
    const doc = file ? read(file, now()) : { creates: [], replaces: [] };
    this.creates = new Map(doc.creates);
    this.replaces = new Map(doc.replaces);
  }

  /** Whether a create of this name is journaled (unfinished, or not yet marked). */
  has(kind: KindName, name: string): boolean {
    return this.creates.has(liveKey(kind, name));
  }

  /**
   * Record a create about to be sent; the nonce for its token. A re-run of a create that never
   * returned gets the recorded nonce back, so its token is the one AWS already knows. One that
   * did return made a resource that is gone now: a new nonce, or AWS would replay the old answer.
   */
  begin(kind: KindName, name: string): string {
    const key = liveKey(kind, name);
    const existing = this.creates.get(key);
    const entry =
      existing && !existing.id
        ? { ...existing, attemptAt: this.now() }
        : { nonce: randomUUID(), at: this.now(), attemptAt: this.now() };
    this.creates.set(key, entry);
    this.save();
    return entry.nonce;
  }

  /** The create returned this id (before any follow-up call, such as the marker's). */
  created(kind: KindName, name: string, id: string): void {
    const entry = this.creates.get(liveKey(kind, name));
    if (!entry || !id) return;
    entry.id = id;
    this.save();
  }

  /** The create is done (marked, where the kind marks in a second call). */
  remove(kind: KindName, name: string): void {
    if (this.creates.delete(liveKey(kind, name))) this.save();
  }

  /** Before a replace's delete: the old resource, enough to create it again. */
  beginReplace(kind: KindName, name: string, old: ReplacedResource): void {
    this.replaces.set(liveKey(kind, name), { oldId: old.oldId, oldBody: old.oldBody, at: this.now() });
    this.save();
  }

  /** The resource exists again (the desired body, or the old one restored). */
  endReplace(kind: KindName, name: string): void {
    if (this.replaces.delete(liveKey(kind, name))) this.save();
  }

  /** The resource was deleted on purpose (prune): nothing about it is in flight any more. */
  forget(kind: KindName, name: string): void {
    const key = liveKey(kind, name);
    const had = this.creates.delete(key);
    if (this.replaces.delete(key) || had) this.save();
  }

  interruptedReplace(kind: KindName, name: string): ReplacedResource | undefined {
    const entry = this.replaces.get(liveKey(kind, name));
    return entry && { oldId: entry.oldId, oldBody: entry.oldBody };
  }

  /** Every interrupted replace of `kind` (the plan names those whose resource is no longer declared). */
  interruptedReplaces(kind: KindName): { name: string; replaced: ReplacedResource }[] {
    const prefix = liveKey(kind, '');
    return [...this.replaces]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, e]) => ({ name: k.slice(prefix.length), replaced: { oldId: e.oldId, oldBody: e.oldBody } }));
  }

  /**
   * Whether `live` (unmarked, named like a journaled create) is what that create made. Only
   * something our create alone could have produced counts: the id it returned; or, when it never
   * returned one (killed while the call was out), a creation time inside the window of its latest
   * attempt — the API echoes no client token, so nothing else is ours alone. A resource outside
   * the window was made by someone else (or by an attempt we cannot prove was ours): not adopted.
   */
  adoption(kind: KindName, name: string, live: LiveResource): Adoption | undefined {
    const entry = this.creates.get(liveKey(kind, name));
    if (!entry) return undefined;
    if (entry.id) {
      return entry.id === live.id
        ? { adopt: true, why: `its id is the one an interrupted create of connectform returned` }
        : {
            adopt: false,
            why: `an interrupted create of connectform returned id ${entry.id}, this one is ${live.id}: someone else made it`,
          };
    }
    const created = live.createdAt ? Date.parse(live.createdAt) : NaN;
    if (Number.isNaN(created))
      return {
        adopt: false,
        why: 'its creation time is unknown, so nothing proves an interrupted create of connectform made it',
      };
    const from = entry.attemptAt - CLOCK_SKEW_MS;
    const to = entry.attemptAt + DEFAULT_CALL_BUDGET_MS + CLOCK_SKEW_MS;
    return created >= from && created <= to
      ? {
          adopt: true,
          why: `created while an interrupted create of connectform was under way (${iso(entry.attemptAt)})`,
        }
      : {
          adopt: false,
          why: `created at ${live.createdAt}, not while the interrupted create of connectform was under way (${iso(entry.attemptAt)}): someone else made it`,
        };
  }

  /**
   * At the start of an apply, with the live state its plan read (`kinds`: the kinds read): entries
   * whose resource exists again have done their work. A create whose resource carries the marker
   * is done; one whose resource is not ours will never make one (the name is taken). A replace
   * whose resource exists has converged (or was never deleted).
   */
  settle(kinds: readonly KindName[], live: ReadonlyMap<string, LiveResource>): void {
    let changed = false;
    for (const key of this.creates.keys()) {
      const l = live.get(key);
      if (l && kinds.includes(l.kind) && (l.managed || this.adoption(l.kind, l.key, l)?.adopt === false))
        changed = this.creates.delete(key) || changed;
    }
    for (const key of this.replaces.keys()) {
      const l = live.get(key);
      if (l && kinds.includes(l.kind)) changed = this.replaces.delete(key) || changed;
    }
    if (changed) this.save();
  }

  private save(): void {
    if (!this.file) return;
    const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileAtomically(
      this.file,
      JSON.stringify({ format: FORMAT, creates: sorted(this.creates), replaces: sorted(this.replaces) }),
    );
  }
}

/** The name other modules and tests have always imported. */
export { Journal as PendingCreates };

const iso = (ms: number) => new Date(ms).toISOString();

/** One create entry as written (format 2) or by the version before (creates alone). */
const CREATE_ENTRY_SCHEMA = {
  type: 'object',
  properties: {
    nonce: { type: 'string', minLength: 1 },
    at: { type: 'number' },
    attemptAt: { type: 'number' },
    id: { type: 'string' },
  },
  required: ['nonce', 'at'],
  additionalProperties: false,
};

const REPLACE_ENTRY_SCHEMA = {
  type: 'object',
  properties: { oldId: { type: 'string' }, oldBody: { type: 'object' }, at: { type: 'number' } },
  required: ['oldId', 'oldBody', 'at'],
  additionalProperties: false,
};

/** The journal as this version writes it. */
const JOURNAL_SCHEMA = {
  type: 'object',
  properties: {
    format: { enum: [FORMAT, FORMAT_STRING_FUNCTIONS] },
    creates: { type: 'object', additionalProperties: CREATE_ENTRY_SCHEMA },
    replaces: { type: 'object', additionalProperties: REPLACE_ENTRY_SCHEMA },
  },
  required: ['format', 'creates', 'replaces'],
  additionalProperties: false,
};

/** The journals of earlier versions: a plain list of keys; then the creates alone, keyed by resource. */
const KEY_LIST_SCHEMA = { type: 'array', items: { type: 'string' } };
const CREATES_ALONE_SCHEMA = { type: 'object', additionalProperties: CREATE_ENTRY_SCHEMA };

interface JournalFile {
  creates: Record<string, CreateEntry>;
  replaces: Record<string, ReplaceEntry>;
}

/**
 * A journal that cannot be read is refused, never skipped: it may hold the only record of a
 * create in flight (whose token prevents a duplicate) or of a deleted resource's old body.
 */
function refuse(file: string, why: string): never {
  throw new ConnectformError(
    `${file}: ${why}; this journal records what an interrupted apply left in flight, so connectform will not guess: restore it from where CI keeps .connectform/, or delete it if no apply was interrupted`,
  );
}

function read(file: string, now: number): { creates: [string, CreateEntry][]; replaces: [string, ReplaceEntry][] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { creates: [], replaces: [] }; // none yet
    refuse(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    refuse(file, 'is not JSON (damaged)');
  }
  const fresh = ([, e]: [string, { at: number }]) => now - e.at < TOKEN_RECORD_TTL_MS;
  // The first journal was a plain list of keys: their creates get a fresh nonce (the old token
  // had none, so nothing can be replayed against it anyway).
  if (Array.isArray(doc)) {
    const problem = schemaProblem(KEY_LIST_SCHEMA, doc);
    if (problem) refuse(file, `is not a journal (${problem})`);
    return {
      creates: (doc as string[]).map((k) => [k, { nonce: randomUUID(), at: now, attemptAt: now }]),
      replaces: [],
    };
  }
  const format = doc !== null && typeof doc === 'object' ? (doc as { format?: unknown }).format : undefined;
  if (format !== undefined && format !== FORMAT && format !== FORMAT_STRING_FUNCTIONS)
    refuse(
      file,
      `was written by another version of connectform (journal format ${JSON.stringify(format).slice(0, 20)}; this one reads ${FORMAT})`,
    );
  const problem = schemaProblem(format === undefined ? CREATES_ALONE_SCHEMA : JOURNAL_SCHEMA, doc);
  if (problem) refuse(file, `is not a journal (${problem})`);
  const { creates, replaces }: JournalFile =
    format === undefined ? { creates: doc as Record<string, CreateEntry>, replaces: {} } : (doc as JournalFile);
  return {
    creates: Object.entries(creates)
      .filter(fresh)
      .map(([k, e]) => [k, { ...e, attemptAt: e.attemptAt ?? e.at }]),
    replaces: Object.entries(replaces).filter(fresh),
  };
}

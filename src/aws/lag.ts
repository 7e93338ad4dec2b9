/**
 * AWS is eventually consistent: "changes to Amazon Connect resources might not be immediately
 * visible to the subsequent commands you run … It typically takes less than a few seconds … in
 * some cases it can take several minutes. You might get unexpected errors, such as a
 * ResourceNotFoundException or an InvalidRequestException"
 * (https://docs.aws.amazon.com/connect/latest/APIReference/eventual-consistency.html).
 *
 * So a call that names a resource connectform has just created (its tags, its marker, a chat
 * configuration link) may be told the resource does not exist, and a create right after the
 * delete of the same name (a replace) may be told the name is taken. Both are waited out here,
 * for a bounded time, with backoff: the one place that says how long.
 */
import { describeAwsError, isNotFound, rootCause } from './call-errors.js';
import { RemoteError } from '../errors.js';
import { sleep } from './pacing.js';

/** The bounds of every lag wait (docs/FIDELITY.md, "connectform under lag"). */
export const LAG_BOUNDS = {
  /** How long a resource connectform just created may stay invisible to calls that name it. */
  visibleWithinMs: 60_000,
  /** How long a replace waits for the name it just freed (by deleting) to be free for its create. */
  nameFreeWithinMs: 60_000,
  /** First wait; each further one doubles, up to maxWaitMs. */
  firstWaitMs: 250,
  maxWaitMs: 5_000,
} as const;

/** Time for lag waits: the process's own, or a test's (which moves time instead of sleeping). */
export interface LagClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LagClock = { now: () => performance.now(), sleep };
let processClock: LagClock = realClock;

/** The clock new AwsClients wait with (unless given one). */
export function lagClock(): LagClock {
  return processClock;
}

/**
 * Tests that run the CLI in this process against a sandbox on a clock of their own make the
 * client's lag waits move that clock too, so a 1.5 s consistency delay costs no wall time.
 * Returns the function that puts the previous clock back.
 */
export function useLagClock(clock: LagClock): () => void {
  const previous = processClock;
  processClock = clock;
  return () => {
    processClock = previous;
  };
}

/** Thrown when the bound passed and the lag did not: the last answer is its cause. */
export class LagOutlasted extends Error {
  // Shown as "EventualConsistency: <the last answer> (…)" by the error messages.
  override name = 'EventualConsistency';
  constructor(
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} (still so after waiting ${Math.round(waitedMs / 1000)}s for AWS's eventual consistency)`,
    );
  }
}

/**
 * A wait that outlasted its bound, told as the failure of the call it retried (its API and
 * target), of `resource` as the kind can now name it ("created as 12, not tagged yet"). The
 * LagOutlasted stays the cause: apply tells "created but AWS was slow" by it.
 */
export function outlastedError(err: LagOutlasted, resource: string): RemoteError {
  const call = err.cause instanceof RemoteError ? err.cause : undefined;
  const waited = `still so after waiting ${Math.round(err.waitedMs / 1000)}s for AWS's eventual consistency`;
  return new RemoteError(
    { api: call?.api ?? 'unknown', target: call?.target, resource },
    `${describeAwsError(err.cause)} (${waited})`,
    err,
  );
}

/**
 * Run `attempt`; while it fails with what `isLag` calls lag, wait (250 ms, doubling, at most
 * 5 s between tries) and try again, for at most `budgetMs` in all. Any other failure is thrown
 * at once; lag that outlasts the budget is thrown as LagOutlasted.
 */
export async function waitOutLag<T>(
  clock: LagClock,
  budgetMs: number,
  isLag: (err: unknown) => boolean,
  attempt: () => Promise<T>,
): Promise<T> {
  const start = clock.now();
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isLag(err)) throw err;
      const waited = clock.now() - start;
      const wait = Math.min(LAG_BOUNDS.maxWaitMs, LAG_BOUNDS.firstWaitMs * 2 ** i);
      if (waited + wait > budgetMs) throw new LagOutlasted(waited, err);
      await clock.sleep(wait);
    }
  }
}

/** A call naming a resource connectform just created: its not-found is lag for a while. */
export function untilVisible<T>(
  clock: LagClock,
  attempt: () => Promise<T>,
  isLag: (err: unknown) => boolean = isNotFoundAnswer,
): Promise<T> {
  return waitOutLag(clock, LAG_BOUNDS.visibleWithinMs, isLag, attempt);
}

/** A create under a name connectform just freed: "name taken" is lag for a while. */
export function untilNameFree<T>(clock: LagClock, attempt: () => Promise<T>): Promise<T> {
  return waitOutLag(clock, LAG_BOUNDS.nameFreeWithinMs, isNameTaken, attempt);
}

/**
 * What AWS said, under our wrapping: rootCause stops at a LagOutlasted (apply tells "created
 * but AWS was slow" by it); here the answer behind it is what counts.
 */
export function answerOf(err: unknown): { name?: string; message?: string; PropertyList?: { Reason?: string }[] } {
  let e = rootCause(err);
  for (let i = 0; i < 3 && e instanceof LagOutlasted; i++) e = rootCause(e.cause);
  return (e ?? {}) as { name?: string };
}

export function isNotFoundAnswer(err: unknown): boolean {
  return isNotFound(answerOf(err));
}

/**
 * A create refused because the name is in use: Connect's CreateRule ResourceConflictException,
 * CreateTaskTemplate's PropertyValidationException with reason RESOURCE_NAME_ALREADY_EXISTS,
 * Chatbot's CreateCustomAction ConflictException.
 */
export function isNameTaken(err: unknown): boolean {
  const e = answerOf(err);
  if (e.name === 'ResourceConflictException' || e.name === 'ConflictException') return true;
  return (
    e.name === 'PropertyValidationException' &&
    (e.PropertyList ?? []).some((p) => p.Reason === 'RESOURCE_NAME_ALREADY_EXISTS')
  );
}

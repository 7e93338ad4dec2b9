/**
 * Which failures are worth another attempt. Every call we make is safe to repeat: creates carry
 * a deterministic ClientToken, updates send the whole document, deletes treat "not found" as done.
 */

export type FailureClass = 'throttled' | 'transient' | 'permanent';

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'LimitExceededException', // Lex V1 answers 429 LimitExceededException when throttled
  'RequestLimitExceeded',
  'Throttling',
]);

// ECONNREFUSED is left out on purpose: nothing listens there (a wrong endpoint), so fail fast.
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export function classifyFailure(err: unknown): FailureClass {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  const status = e?.$metadata?.httpStatusCode;
  if (
    e?.$retryable?.throttling ||
    status === 429 ||
    (e?.name && THROTTLE_NAMES.has(e.name) && (status === undefined || status === 429 || status === 400))
  ) {
    // Lex's LimitExceededException is also used for real limits; only the 429 form is a throttle.
    if (e?.name === 'LimitExceededException' && status !== 429) return 'permanent';
    return 'throttled';
  }
  if (status !== undefined && status >= 500) return 'transient';
  if (e?.code && NETWORK_CODES.has(e.code)) return 'transient';
  if (e?.name === 'TimeoutError' || /socket hang up|ECONNRESET|other side closed|EPIPE/i.test(e?.message ?? ''))
    return 'transient';
  return 'permanent';
}

/** Exponential backoff with full jitter, capped; deterministic when `random` is seeded. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

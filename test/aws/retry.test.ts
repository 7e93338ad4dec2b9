/**
 * Which failures are retried (classifyFailure) and how long between attempts (backoffMs). The
 * error shapes are the SDK's: `name`, `$metadata.httpStatusCode`, `$retryable`, Node's `code`;
 * clients.test.ts checks the same classes on errors the real SDK raises against the sandbox.
 */
import { describe, expect, it } from 'vitest';
import { backoffMs, classifyFailure } from '../../src/aws/retry.js';

const sdkError = (name: string, status?: number, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    ...extra,
  });

describe('classifyFailure', () => {
  it.each([
    ['ThrottlingException', 429],
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
    ['TooManyRequestsException', undefined],
    ['RequestLimitExceeded', 400],
    ['Throttling', 400],
    // Lex V1 throttles with 429 LimitExceededException.
    ['LimitExceededException', 429],
    // Any 429, whatever its name.
    ['SomethingNew', 429],
  ])('%s (HTTP %s) is throttling', (name, status) => {
    expect(classifyFailure(sdkError(name, status))).toBe('throttled');
  });

  it('the SDK marking an error as throttling is enough', () => {
    expect(classifyFailure(sdkError('Whatever', 400, { $retryable: { throttling: true } }))).toBe('throttled');
  });

  it('LimitExceededException without 429 is a real limit, not a throttle: permanent', () => {
    expect(classifyFailure(sdkError('LimitExceededException', 400))).toBe('permanent');
    expect(classifyFailure(sdkError('LimitExceededException'))).toBe('permanent');
  });

  it.each([
    ['InternalServiceException', 500],
    ['InternalServerException', 500],
    ['ServiceUnavailableException', 503],
    ['BadGateway', 502],
  ])('%s (HTTP %s) is transient', (name, status) => {
    expect(classifyFailure(sdkError(name, status))).toBe('transient');
  });

  it.each(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'])(
    'a dropped connection (%s) is transient',
    (code) => {
      expect(classifyFailure(Object.assign(new Error('network'), { code }))).toBe('transient');
    },
  );

  it('timeouts and hang-ups by message are transient', () => {
    expect(classifyFailure(sdkError('TimeoutError'))).toBe('transient');
    expect(classifyFailure(new Error('socket hang up'))).toBe('transient');
    expect(classifyFailure(new Error('other side closed'))).toBe('transient');
  });

  it('nothing listening (ECONNREFUSED: a wrong endpoint) fails fast', () => {
    expect(
      classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })),
    ).toBe('permanent');
  });

  it.each([
    ['ValidationException', 400],
    ['InvalidParameterException', 400],
    ['AccessDeniedException', 403],
    ['ResourceNotFoundException', 404],
    ['ResourceConflictException', 409],
    ['DuplicateResourceException', 409],
  ])('%s (HTTP %s) is permanent', (name, status) => {
    expect(classifyFailure(sdkError(name, status))).toBe('permanent');
  });

  it('anything that is not an error object is permanent', () => {
    expect(classifyFailure(undefined)).toBe('permanent');
    expect(classifyFailure('boom')).toBe('permanent');
  });
});

describe('backoffMs', () => {
  const base = 100;
  const cap = 5000;

  it('full jitter over the upper half: attempt n waits within [c/2, c], c = min(cap, base * 2^n)', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(cap, base * 2 ** attempt);
      expect(
        backoffMs(attempt, base, cap, () => 0),
        `attempt ${attempt}, lowest draw`,
      ).toBe(ceiling / 2);
      expect(
        backoffMs(attempt, base, cap, () => 0.999999),
        `attempt ${attempt}, highest draw`,
      ).toBe(ceiling);
    }
  });

  it('doubles until the cap, then stays there', () => {
    const ceilings = Array.from({ length: 9 }, (_, n) => backoffMs(n, base, cap, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });

  it('with Math.random, every draw stays within the bounds', () => {
    for (let i = 0; i < 500; i++) {
      const attempt = i % 10;
      const ceiling = Math.min(cap, base * 2 ** attempt);
      const ms = backoffMs(attempt, base, cap);
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    }
  });
});

/**
 * Bounded AWS calls. An endpoint that accepts connections but never answers must become a clear
 * error, not a hang: every client gets a connection timeout and a request timeout, and a call's
 * retries together get a time budget (AwsClients.call), so a silent endpoint fails within
 * two minutes whatever the retry policy.
 */
import { RemoteError, type RemoteWhere } from '../errors.js';

export interface TimeoutOptions {
  /** Most time to establish a TCP connection (ms). */
  connectTimeoutMs?: number;
  /** Most time one request may wait for its answer, and its socket may stay silent (ms). */
  requestTimeoutMs?: number;
  /** Most time one call may spend in its attempts and backoffs, all retries included (ms). */
  callBudgetMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * An attempt lasts at most connect + request timeout (40 s by default); a retry is only started
 * when it can finish within the budget, so a silent endpoint gets two attempts by default and a
 * call never exceeds max(budget, one attempt).
 */
export const DEFAULT_CALL_BUDGET_MS = 110_000;
/** Without an explicit budget, a call gets this many attempts' worth of time (at most the default). */
const ATTEMPTS_PER_BUDGET = 3;

export function resolveTimeouts(options: TimeoutOptions): Required<TimeoutOptions> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Shorter timeouts mean the run wants to hear sooner: the budget shrinks with them.
  const callBudgetMs =
    options.callBudgetMs ??
    Math.min(DEFAULT_CALL_BUDGET_MS, ATTEMPTS_PER_BUDGET * (connectTimeoutMs + requestTimeoutMs));
  return { connectTimeoutMs, requestTimeoutMs, callBudgetMs };
}

/** Longest one attempt can take before a timeout ends it. */
export const attemptCeilingMs = (t: Required<TimeoutOptions>) => t.connectTimeoutMs + t.requestTimeoutMs;

/**
 * The clients' `requestHandler` settings (@smithy/node-http-handler 4.x): `requestTimeout` is a
 * whole-request timer that only warns unless `throwOnRequestTimeout`, and `socketTimeout` is the
 * socket's idle timeout.
 */
export function requestHandlerOptions(t: Required<TimeoutOptions>) {
  return {
    connectionTimeout: t.connectTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    socketTimeout: t.requestTimeoutMs,
    throwOnRequestTimeout: true,
  };
}

/** What the SDK's HTTP handlers throw when a timeout fires (both generations). */
export function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string };
  // The SDK's handler also names a dropped connection TimeoutError (code ECONNRESET, "socket hang
  // up"): that is an answer cut short, retried like a 5xx, not an endpoint that stays silent.
  return (
    e?.name === 'TimeoutError' && e.code !== 'ECONNRESET' && e.code !== 'EPIPE' && !/hang up/i.test(e.message ?? '')
  );
}

const isConnectTimeout = (err: unknown) =>
  /establish(ing)? a connection/i.test((err as { message?: string })?.message ?? '');

const HOST = Symbol('connectform.host');

/** Any SDK client; its stack's typings differ between the installed SDK generations. */
interface StackOwner {
  middlewareStack: object;
}

/**
 * Remembers on a failed request's error which host it went to, so the message can name it.
 * Only the host and port: the path and query of an endpoint could carry secrets.
 */
export function rememberHost(client: StackOwner): void {
  (client.middlewareStack as { add(mw: unknown, options: object): void }).add(
    (next: (args: { request?: { hostname?: string; port?: number } }) => Promise<unknown>) =>
      async (args: { request?: { hostname?: string; port?: number } }) => {
        try {
          return await next(args);
        } catch (err) {
          const r = args.request;
          throw r?.hostname ? markHost(err, r.hostname, r.port) : err;
        }
      },
    { step: 'finalizeRequest', name: 'connectformRememberHost' },
  );
}

/** Records on `err` the host it came from (see rememberHost); returns `err`. */
export function markHost(err: unknown, hostname: string, port?: number): unknown {
  if (err && typeof err === 'object') (err as Record<symbol, string>)[HOST] = port ? `${hostname}:${port}` : hostname;
  return err;
}

export function hostOf(err: unknown, fallback: string): string {
  return (err as Record<symbol, string> | undefined)?.[HOST] ?? fallback;
}

export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The one-line error for a call that timed out on every attempt it was allowed. */
export function noAnswerError(
  where: RemoteWhere,
  err: unknown,
  host: string,
  t: Required<TimeoutOptions>,
): RemoteError {
  const detail = isConnectTimeout(err)
    ? `could not connect to ${host} within ${formatMs(t.connectTimeoutMs)}; check the endpoint or network, or raise --connect-timeout`
    : `no answer from ${host} within ${formatMs(t.requestTimeoutMs)}; check the endpoint or network, or raise --request-timeout`;
  return new RemoteError(where, detail, err);
}

/** `sts.us-east-1.amazonaws.com`, or the override's host: what a message may show. */
export function endpointHost(endpoint: string | undefined, prefix: string, region: string): string {
  if (endpoint) {
    try {
      return new URL(endpoint).host;
    } catch {
      return '<endpoint>';
    }
  }
  return `${prefix}.${region}.amazonaws.com`;
}

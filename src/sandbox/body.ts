/**
 * Request bodies with a size limit, the way AWS's front door treats them: a body over the limit
 * is answered 413 without being buffered. A Content-Length over the limit is refused before a
 * byte of the body is read; a chunked (or unannounced) body is counted while it is read and
 * refused the moment it passes the limit. The server keeps at most `limit` bytes of any request.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireResponse } from './protocol.js';

/** API Gateway's payload limit (10 MiB), which cannot be raised: the front door's limit we copy. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** How long the rest of a refused body is read (and discarded) before the connection is dropped. */
const LINGER_MS = 2000;

export type BodyResult = { body: string } | { tooLarge: true };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      req.off('data', onData);
      chunks.length = 0;
      resolve({ tooLarge: true });
    };
    req.on('data', onData);
    req.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}

/**
 * The 413 as AWS's front door sends it (see test/sandbox/body-limit.test.ts for the sources):
 * API Gateway's message, in a JSON error with `x-amzn-ErrorType` so the SDKs raise a named
 * error (`RequestTooLargeException`, AWS's own name for a 413) instead of failing to parse.
 */
export function tooLargeResponse(limit: number): WireResponse {
  return {
    status: 413,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'RequestTooLargeException' },
    body: JSON.stringify({ message: `HTTP content length exceeded ${limit} bytes.` }),
  };
}

/**
 * Answers 413 while the client may still be sending, and discards (never keeps) what it sends.
 * The whole answer is written at once, but the response is ended only when the request body has
 * ended, or LINGER_MS later by dropping the connection: Node closes a `Connection: close`
 * socket as soon as the response ends, and closing with unread input would reset the
 * connection before the client reads the 413 (hence servers "linger" before closing).
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const wire = tooLargeResponse(limit);
  req.removeAllListeners('data');
  req.resume();
  res.writeHead(wire.status, {
    ...wire.headers,
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(wire.body!)),
  });
  res.write(wire.body);
  if (req.complete) return void res.end();
  const timer = setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  req.once('end', () => {
    clearTimeout(timer);
    res.end();
  });
  req.socket.once('close', () => clearTimeout(timer));
}

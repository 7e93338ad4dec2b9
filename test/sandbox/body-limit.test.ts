/**
 * Request bodies over the limit are answered 413 without being buffered, and the sandbox keeps
 * serving. Before, one 600 MB body crashed it (connectform issue #9, point 7).
 *
 * What the answer looks like, from AWS's front ends:
 *  - API Gateway's REST front door answers a body over its 10 MiB payload limit with 413 and
 *    `HTTP content length exceeded 10485760 bytes.`; the same front door in Lambda-proxy mode
 *    answers 413 with a JSON `{"message": ...}` and an `x-amzn-ErrorType` header (both responses
 *    captured in https://github.com/koki-develop/lgtm-generator/issues/10). The REQUEST_TOO_LARGE
 *    gateway response is 413 and cannot be customized
 *    (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 *  - AWS's own error code for a 413 request body is Lambda's `RequestTooLargeException`
 *    (https://docs.aws.amazon.com/botocore/latest/reference/services/lambda/client/exceptions/RequestTooLargeException.html).
 * So: 413, JSON body with API Gateway's message, `x-amzn-ErrorType: RequestTooLargeException`,
 * which the SDK v3 raises as an error of that name carrying the message (no parse failure).
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { CreateRuleCommand, ListRulesCommand } from '@aws-sdk/client-connect';
import { DEFAULT_MAX_BODY_BYTES, startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { registerSandboxCommand, sandboxOptionsFrom } from '../../src/cli/sandbox.js';
import { processIO } from '../../src/cli/io.js';
import { Redactor } from '../../src/sensitive.js';
import { UsageError } from '../../src/errors.js';
import { INSTANCE, clients, failure, functionOfLength, ruleInput } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIGNED = {
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00`,
};

interface Streamed {
  status: number;
  errorType: string | undefined;
  body: { message?: string };
  /** Bytes the lazy source had produced when the answer came. */
  produced: number;
}

/**
 * PUTs a body produced lazily, `chunk` bytes at a time up to `total` (so a buffering server
 * would have to hold all of it), chunked unless `declaredLength` is given; stops sending as soon
 * as the answer arrives.
 */
function streamBody(
  endpoint: string,
  total: number,
  opts: { declaredLength?: number; chunk?: number } = {},
): Promise<Streamed> {
  const chunkSize = opts.chunk ?? 64 * KiB;
  const chunk = Buffer.alloc(chunkSize, 0x61);
  let produced = 0;
  const source = new Readable({
    read() {
      if (produced >= total) return void this.push(null);
      const n = Math.min(chunkSize, total - produced);
      produced += n;
      this.push(n === chunkSize ? chunk : chunk.subarray(0, n));
    },
  });
  const url = new URL(`/rules/${INSTANCE}`, endpoint);
  const headers: Record<string, string> = { ...SIGNED, 'content-type': 'application/json' };
  if (opts.declaredLength !== undefined) headers['content-length'] = String(opts.declaredLength);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers, agent: false }, (res) => {
      const at = produced;
      source.unpipe(req);
      source.destroy();
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        req.destroy();
        resolve({
          status: res.statusCode!,
          errorType: res.headers['x-amzn-errortype'] as string | undefined,
          body: JSON.parse(text),
          produced: at,
        });
      });
    });
    // Errors after the answer (our destroy, the server dropping the connection) change nothing.
    req.on('error', reject);
    source.pipe(req);
  });
}

/** A normal SDK round trip: the sandbox is still serving. */
async function stillServes(sandbox: SandboxHandle): Promise<void> {
  const { connect } = clients(sandbox.endpoint);
  const created = await connect.send(new CreateRuleCommand(ruleInput('after-413')));
  const listed = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE }));
  expect(listed.RuleSummaryList!.map((r) => r.RuleId)).toContain(created.RuleId);
  connect.destroy();
}

describe('request body limit', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('the SDK surfaces the 413 as a named error with the message, and nothing was created', async () => {
    sandbox = await startSandbox({ quotas: false, maxBodyBytes: 64 * KiB });
    const { connect } = clients(sandbox.endpoint);
    const err = await failure(
      connect.send(new CreateRuleCommand(ruleInput('huge', { Function: functionOfLength(256 * KiB) }))),
    );
    expect(err.name).toBe('RequestTooLargeException');
    expect(err.message).toBe(`HTTP content length exceeded ${64 * KiB} bytes.`);
    expect(err.$metadata.httpStatusCode).toBe(413);
    expect(sandbox.stats().writeCalls).toBe(0);
    connect.destroy();
    await stillServes(sandbox);
  });

  it('a body of unannounced length is counted as it arrives and refused at the limit (64 KiB of a lazily made 1 GiB)', async () => {
    sandbox = await startSandbox({ quotas: false, maxBodyBytes: 64 * KiB });
    const answer = await streamBody(sandbox.endpoint, 1024 * MiB);
    expect(answer).toMatchObject({
      status: 413,
      errorType: 'RequestTooLargeException',
      body: { message: `HTTP content length exceeded ${64 * KiB} bytes.` },
    });
    // The answer came long before the source ran dry: nothing waited for the whole body.
    expect(answer.produced).toBeLessThan(256 * MiB);
    await stillServes(sandbox);
  });

  it('a Content-Length over the limit is refused before the body is sent at all', async () => {
    sandbox = await startSandbox({ quotas: false, maxBodyBytes: 64 * KiB });
    // 600 MB announced, 1 KiB sent: the answer can only come from the header.
    const answer = await streamBody(sandbox.endpoint, KiB, { declaredLength: 600 * 1000 * 1000 });
    expect(answer).toMatchObject({ status: 413, errorType: 'RequestTooLargeException' });
    expect(answer.produced).toBe(KiB);
    await stillServes(sandbox);
  });

  it('the default limit is 10 MiB: a 20 MiB streamed body and a 20 MiB SDK request are refused', async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(10 * MiB);
    sandbox = await startSandbox({ quotas: false });
    const streamed = await streamBody(sandbox.endpoint, 20 * MiB);
    expect(streamed).toMatchObject({ status: 413, body: { message: 'HTTP content length exceeded 10485760 bytes.' } });

    const { connect } = clients(sandbox.endpoint);
    const err = await failure(
      connect.send(new CreateRuleCommand(ruleInput('huge', { Function: functionOfLength(20 * MiB) }))),
    );
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['RequestTooLargeException', 413]);
    connect.destroy();
    // A megabyte body is well within the limit (RuleFunction has no length constraint).
    const { connect: again } = clients(sandbox.endpoint);
    const big = await again.send(new CreateRuleCommand(ruleInput('big', { Function: functionOfLength(MiB) })));
    expect(sandbox.world.connect.instances[INSTANCE].rules[big.RuleId!].Function).toHaveLength(MiB);
    again.destroy();
    await stillServes(sandbox);
  });

  it('connectform sandbox --max-body-bytes N sets the limit', () => {
    expect(sandboxOptionsFrom({ maxBodyBytes: '65536' }).maxBodyBytes).toBe(65536);
    expect(sandboxOptionsFrom({}).maxBodyBytes).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', 'ten'])
      expect(() => sandboxOptionsFrom({ maxBodyBytes: bad })).toThrow(UsageError);
    const program = new Command();
    registerSandboxCommand(program, { io: processIO(), exitCode: 0, redactor: new Redactor() });
    expect(program.commands.find((c) => c.name() === 'sandbox')!.options.map((o) => o.long)).toContain(
      '--max-body-bytes',
    );
  });
});

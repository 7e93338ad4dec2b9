/**
 * An endpoint that accepts connections and never answers: every call ends in one clear
 * RemoteError naming the target, the API and what to do, after a bounded number of attempts.
 * The silent endpoint is an in-process TCP server; timeouts are made small. Assertions are on
 * the errors and attempt counts, never on elapsed time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListRulesCommand } from '@aws-sdk/client-connect';
import { AwsClients } from '../../src/aws/clients.js';
import { QuotaTable } from '../../src/aws/pacing.js';
import {
  DEFAULT_CALL_BUDGET_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  attemptCeilingMs,
  noAnswerError,
  resolveTimeouts,
} from '../../src/aws/timeouts.js';
import { loadConfig } from '../../src/config/load.js';
import { TargetSession } from '../../src/engine/session.js';
import { validateFor } from '../../src/config/index.js';
import { RemoteError } from '../../src/errors.js';

let silent: Server;
let port: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  // Accepts, reads, never writes a byte.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

const SMALL = { connectTimeoutMs: 200, requestTimeoutMs: 150 };

function clients(extra: Partial<ConstructorParameters<typeof AwsClients>[0]> = {}) {
  return new AwsClients({
    target: 'slow',
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
    parallelism: 4,
    quotas: new QuotaTable({}, 1000),
    retryBaseMs: 1,
    retryCapMs: 2,
    ...SMALL,
    ...extra,
  });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('a silent endpoint', () => {
  it('is a RemoteError naming the target, the API, the host and what to do, after the allowed attempts', async () => {
    const aws = clients({ maxAttempts: 3, callBudgetMs: 60_000 });
    try {
      const err = await rejection(
        aws.call('connect:ListRules', () =>
          aws.connect.send(
            new ListRulesCommand({
              InstanceId: 'i-1',
              PublishStatus: 'DRAFT',
              EventSourceName: 'OnPostCallAnalysisAvailable',
            }),
          ),
        ),
      );
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.message).toBe(
        `target slow: connect:ListRules failed: no answer from 127.0.0.1:${port} within 150ms; check the endpoint or network, or raise --request-timeout`,
      );
      expect((err as RemoteError).api).toBe('connect:ListRules');
      expect((err as RemoteError).target).toBe('slow');
      expect(aws.stats()['connect:ListRules']).toMatchObject({ calls: 1, attempts: 3, transient: 3, failed: 1 });
    } finally {
      aws.destroy();
    }
  });

  it('the older client generation (Chatbot) times out the same way', async () => {
    const aws = clients({ maxAttempts: 2, callBudgetMs: 60_000 });
    try {
      const arn = 'arn:aws:chatbot::123456789012:custom-action/a';
      const err = await rejection(
        aws.call('chatbot:ListTagsForResource', () => aws.chatbot.send('ListTagsForResource', { ResourceARN: arn })),
      );
      expect(err.message).toBe(
        `target slow: chatbot:ListTagsForResource failed: no answer from 127.0.0.1:${port} within 150ms; check the endpoint or network, or raise --request-timeout`,
      );
      expect(aws.stats()['chatbot:ListTagsForResource'].attempts).toBe(2);
    } finally {
      aws.destroy();
    }
  });

  it('the call budget stops retries that could not finish within it', async () => {
    // One attempt can take up to connect + request timeout (350 ms): a 100 ms budget allows no retry.
    const aws = clients({ maxAttempts: 8, callBudgetMs: 100 });
    try {
      const err = await rejection(
        aws.call('connect:ListRules', () =>
          aws.connect.send(
            new ListRulesCommand({
              InstanceId: 'i-1',
              PublishStatus: 'DRAFT',
              EventSourceName: 'OnPostCallAnalysisAvailable',
            }),
          ),
        ),
      );
      expect(err).toBeInstanceOf(RemoteError);
      expect(aws.stats()['connect:ListRules'].attempts).toBe(1);
    } finally {
      aws.destroy();
    }
  });

  it('shows the host only, never the path or query of the endpoint', async () => {
    const aws = clients({ endpoint: `http://127.0.0.1:${port}/private-path?token=s3cr3t`, maxAttempts: 1 });
    try {
      const err = await rejection(
        aws.call('connect:ListRules', () =>
          aws.connect.send(
            new ListRulesCommand({
              InstanceId: 'i-1',
              PublishStatus: 'DRAFT',
              EventSourceName: 'OnPostCallAnalysisAvailable',
            }),
          ),
        ),
      );
      expect(err.message).toContain(`no answer from 127.0.0.1:${port} `);
      expect(err.message).not.toMatch(/private-path|s3cr3t/);
    } finally {
      aws.destroy();
    }
  });

  it('plan no longer hangs: the session fails at its first call (the identity check), and so does AssumeRole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectform-timeouts-'));
    const endpoint = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'connectform.yaml'),
      `targets:\n  quiet:\n    region: us-east-1\n    instanceId: i-1\n    endpoint: ${endpoint}\n  quiet-role:\n    region: us-east-1\n    instanceId: i-1\n    endpoint: ${endpoint}\n    roleArn: arn:aws:iam::111111111111:role/r\n`,
    );
    const config = await loadConfig(dir);
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' };
    const options = {
      kinds: ['rule' as const],
      cacheDir: false as const,
      pendingDir: false as const,
      credentials,
      ...SMALL,
      callBudgetMs: 1,
    };
    for (const [target, api] of [
      ['quiet', 'sts:GetCallerIdentity'],
      ['quiet-role', 'sts:AssumeRole'],
    ]) {
      const session = TargetSession.create(validateFor(config, target), options);
      try {
        const err = await rejection(session.plan());
        expect(err).toBeInstanceOf(RemoteError);
        // Named once: the target, the API, the credentials (or role) it was for, and what to do.
        expect(err.message).toMatch(
          new RegExp(
            `^target ${target}: ${api} failed for (credentials from|role) .+: no answer from 127\\.0\\.0\\.1:${port} within 150ms; check the endpoint or network, or raise --request-timeout$`,
          ),
        );
      } finally {
        session.close();
      }
    }
  });
});

describe('defaults', () => {
  it('a silent endpoint becomes an error within two minutes, retries included', () => {
    const t = resolveTimeouts({});
    expect(t).toEqual({
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      callBudgetMs: DEFAULT_CALL_BUDGET_MS,
    });
    // call() never exceeds max(budget, one attempt): the first attempt always runs.
    expect(Math.max(t.callBudgetMs, attemptCeilingMs(t))).toBeLessThanOrEqual(120_000);
    // ... and still leaves room for a retry of a dropped connection.
    expect(t.callBudgetMs).toBeGreaterThanOrEqual(2 * attemptCeilingMs(t));
  });

  it('a connection that cannot be established points at --connect-timeout', () => {
    // The message @smithy/node-http-handler 4.x gives a connection timeout.
    const cause = Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 10000 ms.',
      ),
      { name: 'TimeoutError' },
    );
    expect(
      noAnswerError(
        { api: 'connect:ListRules', target: 'prod' },
        cause,
        'connect.eu-west-2.amazonaws.com',
        resolveTimeouts({}),
      ).message,
    ).toBe(
      'target prod: connect:ListRules failed: could not connect to connect.eu-west-2.amazonaws.com within 10s; check the endpoint or network, or raise --connect-timeout',
    );
  });
});

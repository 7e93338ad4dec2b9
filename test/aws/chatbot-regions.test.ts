/**
 * AWS Chatbot answers in the regions its model's documentation names (us-east-2, us-west-2,
 * ap-southeast-1, eu-west-1; its endpoint rules name none): the sandbox answers nowhere else,
 * and connectform never sends a Chatbot call elsewhere (config validation refuses such a
 * chatbotRegion: test/corpus/cases/target-chatbot-region.yaml, export.test.ts; the client
 * refuses to send, below). docs/FIDELITY.md, "Chatbot regions".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatbotClient, ChatbotRegionError, chatbotEndpoint } from '../../src/aws/chatbot.js';
import { CHATBOT_REGIONS } from '../../src/aws/chatbot-regions.js';
import { AwsClients } from '../../src/aws/clients.js';
import { loadModel } from '../../src/aws/models.js';
import { QuotaTable } from '../../src/aws/pacing.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { documentedRegions } from '../../src/sandbox/protocol.js';

let sb: SandboxHandle;
beforeAll(async () => {
  sb = await startSandbox({ quotas: false });
});
afterAll(() => sb.stop());

const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/** A ListCustomActions signed (by scope only: the sandbox reads it) for `region`. */
const listIn = (region: string) =>
  fetch(`${sb.endpoint}/list-custom-actions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/chatbot/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: '{}',
  });

describe('Chatbot regions', () => {
  it("are the model documentation's four", () => {
    expect(documentedRegions(loadModel('chatbot'))).toEqual(['us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-west-1']);
    expect([...CHATBOT_REGIONS]).toEqual(documentedRegions(loadModel('chatbot')));
    // Connect's and Lex's models name none: they answer wherever they are called.
    expect(documentedRegions(loadModel('connect'))).toBeUndefined();
  });

  it('the sandbox answers Chatbot in those regions only', async () => {
    for (const region of CHATBOT_REGIONS) expect((await listIn(region)).status, region).toBe(200);
    for (const region of ['us-east-1', 'eu-central-1']) {
      const res = await listIn(region);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(((await res.json()) as { message: string }).message).toBe(
        `chatbot does not answer in ${region}, only in us-east-2, us-west-2, ap-southeast-1, eu-west-1`,
      );
    }
  });

  it('the client sends nothing outside them, and uses the regional endpoint of the model', async () => {
    sb.resetStats();
    const client = new ChatbotClient({ region: 'us-east-1', endpoint: sb.endpoint, credentials });
    const err = await client.send('ListCustomActions', {}).catch((e: unknown) => e);
    client.destroy();
    expect(err).toBeInstanceOf(ChatbotRegionError);
    expect((err as Error).message).toBe(
      'AWS Chatbot does not answer in us-east-1, only in us-east-2, us-west-2, ap-southeast-1, eu-west-1: nothing was sent',
    );
    expect(sb.stats().calls).toBe(0);
    expect(chatbotEndpoint('eu-west-1')).toBe('https://chatbot.eu-west-1.amazonaws.com');
  });

  it("a target elsewhere calls Chatbot in its chatbotRegion, else us-east-2; a Chatbot region is the target's own", () => {
    const make = (region: string, chatbotRegion?: string) =>
      new AwsClients({ region, chatbotRegion, credentials, parallelism: 1, quotas: new QuotaTable() });
    for (const [aws, expected] of [
      [make('eu-central-1'), 'us-east-2'],
      [make('eu-west-1'), 'eu-west-1'],
      [make('us-east-1', 'us-west-2'), 'us-west-2'],
    ] as const) {
      expect(aws.chatbotRegion).toBe(expected);
      expect(aws.chatbot.region).toBe(expected);
      aws.destroy();
    }
  });
});

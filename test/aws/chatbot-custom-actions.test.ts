/**
 * Our Chatbot client (src/aws/chatbot.ts) sending to a local HTTP server that records each raw
 * request and answers a canned response: checks the wire format against the model (method, path,
 * JSON body, status codes) and the client's own machinery (endpoint override, SigV4 with the
 * configured region/credentials, errors). The model has no timestamp members in these shapes, so
 * there is nothing date-like to deserialize. rest-json.test.ts checks every operation's serde.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceError, ChatbotClient, type ChatbotOutput } from '../../src/aws/chatbot.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const ARN = 'arn:aws:chatbot::123456789012:custom-action/my-action';
const CHANNEL = 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: Server;
let client: ChatbotClient;
let requests: Recorded[] = [];
let responses: Canned[] = [];

/** Queue the responses for the next requests, in order. */
const answer = (...canned: Canned[]) => responses.push(...canned);
const bodyOf = (i: number) => JSON.parse(requests[i]!.body) as unknown;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const r = responses.shift() ?? { status: 500, body: { Message: 'no canned response' } };
      const payload = r.body === undefined ? '' : JSON.stringify(r.body);
      res.writeHead(r.status, {
        'x-amzn-RequestId': `req-${requests.length}`,
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...r.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new ChatbotClient({
    region: 'us-east-2',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  responses = [];
});

describe('the Chatbot client on the wire', () => {
  it('CreateCustomAction: POST /create-custom-action, model wire body, auto ClientToken, 201', async () => {
    answer({ status: 201, body: { CustomActionArn: ARN } });
    const out = await client.send('CreateCustomAction', {
      ActionName: 'my-action',
      AliasName: 'restart',
      Definition: { CommandText: 'lambda invoke $name' },
      Attachments: [
        {
          NotificationType: 'CloudWatch',
          ButtonText: 'Restart',
          Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'name' }],
          Variables: { name: 'event.detail.name' },
        },
      ],
      Tags: [{ TagKey: 'team', TagValue: 'ops' }],
      // not a model member: must not reach the wire
      ...({ Stray: 1 } as object),
    });
    expect(out.CustomActionArn).toBe(ARN);
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.$metadata.requestId).toBe('req-1');

    const [req] = requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/create-custom-action');
    expect(req!.headers['content-type']).toBe('application/json');
    // signed by the client's SigV4 signer with its credentials, region and signing name
    expect(req!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=x\/\d{8}\/us-east-2\/chatbot\/aws4_request,/,
    );
    const body = bodyOf(0) as Record<string, unknown>;
    expect(body.ClientToken).toMatch(UUID);
    expect(body).toEqual({
      ActionName: 'my-action',
      AliasName: 'restart',
      Definition: { CommandText: 'lambda invoke $name' },
      Attachments: [
        {
          NotificationType: 'CloudWatch',
          ButtonText: 'Restart',
          Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'name' }],
          Variables: { name: 'event.detail.name' },
        },
      ],
      Tags: [{ TagKey: 'team', TagValue: 'ops' }],
      ClientToken: body.ClientToken,
    });
  });

  it('CreateCustomAction: keeps a caller ClientToken, and a fresh one per omitted send', async () => {
    answer({ status: 201, body: { CustomActionArn: ARN } }, { status: 201, body: { CustomActionArn: ARN } });
    answer({ status: 201, body: { CustomActionArn: ARN } });
    const token = 'my-own-idempotency-token-0123456789abcdef';
    await client.send('CreateCustomAction', { ActionName: 'a', Definition: { CommandText: 'x' }, ClientToken: token });
    await client.send('CreateCustomAction', { ActionName: 'a', Definition: { CommandText: 'x' } });
    await client.send('CreateCustomAction', { ActionName: 'a', Definition: { CommandText: 'x' } });
    expect(bodyOf(0)).toEqual({ ActionName: 'a', Definition: { CommandText: 'x' }, ClientToken: token });
    const [t1, t2] = [1, 2].map((i) => (bodyOf(i) as { ClientToken: string }).ClientToken);
    expect(t1).toMatch(UUID);
    expect(t2).toMatch(UUID);
    expect(t1).not.toBe(t2);
  });

  it('GetCustomAction: POST /get-custom-action, nested CustomAction deserializes', async () => {
    const customAction = {
      CustomActionArn: ARN,
      ActionName: 'my-action',
      AliasName: 'restart',
      Definition: { CommandText: 'lambda invoke $name' },
      Attachments: [
        {
          NotificationType: 'CloudWatch',
          ButtonText: 'Restart',
          Criteria: [
            { Operator: 'EQUALS', VariableName: 'state', Value: 'ALARM' },
            { Operator: 'HAS_VALUE', VariableName: 'name' },
          ],
          Variables: { name: 'event.detail.name', state: 'event.detail.state.value' },
        },
      ],
    };
    answer({ status: 200, body: { CustomAction: customAction } });
    const out = await client.send('GetCustomAction', { CustomActionArn: ARN });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/get-custom-action' });
    expect(bodyOf(0)).toEqual({ CustomActionArn: ARN });
    expect(out.CustomAction).toEqual(customAction);
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it('UpdateCustomAction: POST /update-custom-action, 200', async () => {
    answer({ status: 200, body: { CustomActionArn: ARN } });
    const out = await client.send('UpdateCustomAction', {
      CustomActionArn: ARN,
      Definition: { CommandText: 'y' },
      Attachments: [],
    });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/update-custom-action' });
    expect(bodyOf(0)).toEqual({ CustomActionArn: ARN, Definition: { CommandText: 'y' }, Attachments: [] });
    expect(out.CustomActionArn).toBe(ARN);
  });

  it('DeleteCustomAction: POST /delete-custom-action, empty 204', async () => {
    answer({ status: 204 });
    const out = await client.send('DeleteCustomAction', { CustomActionArn: ARN });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/delete-custom-action' });
    expect(bodyOf(0)).toEqual({ CustomActionArn: ARN });
    expect(out).toEqual({ $metadata: expect.objectContaining({ httpStatusCode: 204 }) });
  });

  it('ListCustomActions follows NextToken with MaxResults as page size', async () => {
    answer({ status: 200, body: { CustomActions: [ARN] } });
    const one = await client.send('ListCustomActions', {});
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/list-custom-actions' });
    expect(bodyOf(0)).toEqual({});
    expect(one.CustomActions).toEqual([ARN]);
    expect(one.NextToken).toBeUndefined();

    requests = [];
    answer({ status: 200, body: { CustomActions: [ARN], NextToken: 'page-2' } });
    answer({ status: 200, body: { CustomActions: [`${ARN}-2`] } });
    const pages: ChatbotOutput<'ListCustomActions'>[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send('ListCustomActions', { MaxResults: 1, NextToken });
      pages.push(page);
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pages.map((p) => p.CustomActions)).toEqual([[ARN], [`${ARN}-2`]]);
    expect(bodyOf(0)).toEqual({ MaxResults: 1 });
    expect(bodyOf(1)).toEqual({ MaxResults: 1, NextToken: 'page-2' });
  });

  it('AssociateToConfiguration (201) and DisassociateFromConfiguration (204)', async () => {
    answer({ status: 201 }, { status: 204 });
    const a = await client.send('AssociateToConfiguration', { Resource: ARN, ChatConfiguration: CHANNEL });
    const d = await client.send('DisassociateFromConfiguration', { Resource: ARN, ChatConfiguration: CHANNEL });
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/associate-to-configuration'],
      ['POST', '/disassociate-from-configuration'],
    ]);
    expect(bodyOf(0)).toEqual({ Resource: ARN, ChatConfiguration: CHANNEL });
    expect(bodyOf(1)).toEqual({ Resource: ARN, ChatConfiguration: CHANNEL });
    expect(a.$metadata.httpStatusCode).toBe(201);
    expect(d.$metadata.httpStatusCode).toBe(204);
  });

  it('ListAssociations and its NextToken', async () => {
    answer({ status: 200, body: { Associations: [{ Resource: ARN }] } });
    const one = await client.send('ListAssociations', { ChatConfiguration: CHANNEL, MaxResults: 10 });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/list-associations' });
    expect(bodyOf(0)).toEqual({ ChatConfiguration: CHANNEL, MaxResults: 10 });
    expect(one.Associations).toEqual([{ Resource: ARN }]);

    requests = [];
    answer({ status: 200, body: { Associations: [{ Resource: ARN }], NextToken: 't2' } });
    answer({ status: 200, body: { Associations: [] } });
    const pages: ChatbotOutput<'ListAssociations'>[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send('ListAssociations', { ChatConfiguration: CHANNEL, NextToken });
      pages.push(page);
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pages.map((p) => p.Associations)).toEqual([[{ Resource: ARN }], []]);
    expect(bodyOf(0)).toEqual({ ChatConfiguration: CHANNEL });
    expect(bodyOf(1)).toEqual({ ChatConfiguration: CHANNEL, NextToken: 't2' });
  });

  it('404 + x-amzn-ErrorType ResourceNotFoundException becomes an error named after the shape', async () => {
    answer({
      status: 404,
      headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException' },
      body: { Message: 'no such custom action' },
    });
    const err = await client.send('GetCustomAction', { CustomActionArn: ARN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsServiceError);
    const e = err as AwsServiceError;
    expect(e.name).toBe('ResourceNotFoundException');
    expect(e.$fault).toBe('client');
    // as the SDK's errors do, the model's `Message` becomes `message`
    expect(e.message).toBe('no such custom action');
    expect(e.$metadata.httpStatusCode).toBe(404);
    expect(e.$metadata.requestId).toBe('req-1');
  });

  it('UnauthorizedException (x-amzn-ErrorType with a namespace suffix) and unknown codes (__type)', async () => {
    answer({
      status: 403,
      headers: { 'x-amzn-ErrorType': 'UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.chatbot/' },
      body: { message: 'not allowed' },
    });
    answer({ status: 400, body: { __type: 'com.amazonaws.chatbot#SomethingNewException', message: 'huh' } });
    const unauthorized = await client.send('ListCustomActions', {}).catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AwsServiceError);
    expect(unauthorized).toMatchObject({
      name: 'UnauthorizedException',
      message: 'not allowed',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });

    const unknown = await client.send('ListCustomActions', {}).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AwsServiceError);
    expect(unknown).toMatchObject({ name: 'SomethingNewException', message: 'huh', $fault: 'client' });
  });
});

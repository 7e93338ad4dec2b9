/**
 * The restJson1 serde (src/aws/rest-json.ts) against the Chatbot model itself: for every operation
 * in src/aws/models/chatbot.json a request built from a sample of its input shape has the model's
 * method, path, query and body, an answer with the model's responseCode parses back to the output
 * sample, and every error shape parses to its name, fault and message. A small model of our own
 * covers the bindings Chatbot does not use (URI labels, query string, headers).
 */
import { describe, expect, it } from 'vitest';
import { loadModel, type ServiceModel } from '../../src/aws/models.js';
import { classifyFailure } from '../../src/aws/retry.js';
import { AwsServiceError, errorCodeOf, parseError, parseResponse, serializeRequest } from '../../src/aws/rest-json.js';

const model = loadModel('chatbot');

/** A value of every member of `shape`, as a caller would pass it. */
function sample(m: ServiceModel, shapeName: string): unknown {
  const shape = m.shapes[shapeName]!;
  switch (shape.type) {
    case 'structure':
      return Object.fromEntries(Object.entries(shape.members ?? {}).map(([k, v]) => [k, sample(m, v.shape)]));
    case 'list':
      return [sample(m, shape.member!.shape)];
    case 'map':
      return { key: sample(m, shape.value!.shape) };
    case 'integer':
    case 'long':
      return shape.min ?? 1;
    case 'boolean':
      return true;
    default:
      return shape.enum?.[0] ?? `${shapeName}-value`;
  }
}

const TOKEN = 'fixed-idempotency-token-0123456789abcdef';

describe('restJson1 serde against the Chatbot model', () => {
  const operations = Object.entries(model.operations);

  it('covers every operation connectform calls', () => {
    expect(operations.map(([name]) => name).sort()).toEqual(
      [
        'AssociateToConfiguration',
        'CreateCustomAction',
        'DeleteCustomAction',
        'DescribeChimeWebhookConfigurations',
        'DescribeSlackChannelConfigurations',
        'DisassociateFromConfiguration',
        'GetCustomAction',
        'ListAssociations',
        'ListCustomActions',
        'ListMicrosoftTeamsChannelConfigurations',
        'ListTagsForResource',
        'TagResource',
        'UntagResource',
        'UpdateCustomAction',
      ].sort(),
    );
  });

  it.each(operations)('%s: method, path, query and body as the model says', (name, operation) => {
    const input = operation.input ? (sample(model, operation.input.shape) as Record<string, unknown>) : {};
    const request = serializeRequest(model, name, { ...input, NotAMember: 'dropped' }, () => TOKEN);
    expect(request.method).toBe(operation.http.method);
    expect(request.path).toBe(operation.http.requestUri);
    expect(request.query).toEqual({});
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
    // Every member is a body member in this model: all of them, and nothing else, in the body.
    expect(JSON.parse(request.body!)).toEqual(input);
  });

  it.each(operations)('%s: an answer with its responseCode parses to the output members', (name, operation) => {
    const output = operation.output ? (sample(model, operation.output.shape) as Record<string, unknown>) : {};
    const status = operation.http.responseCode ?? 200;
    const parsed = parseResponse(model, name, {
      status,
      headers: { 'x-amzn-requestid': 'req-1' },
      body: status === 204 ? '' : JSON.stringify({ ...output, NotAMember: 1 }),
    });
    expect(parsed).toEqual({ ...output, $metadata: { httpStatusCode: status, requestId: 'req-1' } });
  });

  it('fills the idempotency token only when the caller left it out', () => {
    const input = { ActionName: 'a', Definition: { CommandText: 'x' } };
    const body = (i: object) => JSON.parse(serializeRequest(model, 'CreateCustomAction', i, () => TOKEN).body!);
    expect(body(input).ClientToken).toBe(TOKEN);
    expect(body({ ...input, ClientToken: 'mine'.repeat(10) }).ClientToken).toBe('mine'.repeat(10));
    // An empty input still sends `{}`, as the SDK does for an input with body members.
    expect(serializeRequest(model, 'ListCustomActions', {}).body).toBe('{}');
  });

  const errorShapes = Object.entries(model.shapes).filter(([, s]) => s.exception);

  it.each(errorShapes)('%s: named, faulted and worded as the model declares', (code, shape) => {
    const status = shape.error!.httpStatusCode;
    const messageKey = shape.members?.Message ? 'Message' : 'message';
    const fault = shape.fault || status >= 500 ? 'server' : 'client';
    const variants = [
      { headers: { 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.chatbot/` }, body: {} },
      { headers: {}, body: { __type: `com.amazonaws.chatbot#${code}` } },
      { headers: {}, body: { code } },
    ];
    for (const v of variants) {
      const err = parseError(model, {
        status,
        headers: { ...v.headers, 'x-amzn-requestid': 'r' },
        body: JSON.stringify({ ...v.body, [messageKey]: 'what happened' }),
      });
      expect(err).toBeInstanceOf(AwsServiceError);
      expect(err).toMatchObject({
        name: code,
        message: 'what happened',
        $fault: fault,
        $metadata: { httpStatusCode: status, requestId: 'r' },
      });
    }
    // A non-2xx answer to an operation is thrown as that error.
    expect(() =>
      parseResponse(model, 'ListCustomActions', { status, headers: { 'x-amzn-errortype': code }, body: '' }),
    ).toThrow(expect.objectContaining({ name: code, $fault: fault }));
  });

  it('an error the model does not know keeps its code; without any code, the status decides the fault', () => {
    expect(errorCodeOf({ status: 400, headers: {}, body: '' }, { __type: 'aws.protocols#ThrottlingException' })).toBe(
      'ThrottlingException',
    );
    expect(
      parseError(model, { status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: '' }),
    ).toMatchObject({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
    // Throttling under both readings (the sandbox's declared shape, AWS's common error) is retried as such.
    for (const code of ['ServiceUnavailableException', 'ThrottlingException'])
      expect(classifyFailure(parseError(model, { status: 429, headers: { 'x-amzn-errortype': code }, body: '' }))).toBe(
        'throttled',
      );
    expect(
      classifyFailure(
        parseError(model, { status: 500, headers: { 'x-amzn-errortype': 'InternalServiceError' }, body: '' }),
      ),
    ).toBe('transient');
    expect(parseError(model, { status: 502, headers: {}, body: '<html>bad gateway</html>' })).toMatchObject({
      name: 'UnknownServerError',
      $fault: 'server',
      $metadata: { httpStatusCode: 502 },
    });
  });
});

describe('restJson1 bindings Chatbot does not use', () => {
  const mini = {
    _source: 'test',
    metadata: { serviceId: 'mini', endpointPrefix: 'mini', signingName: 'mini', protocol: 'rest-json' },
    operations: {
      PutThing: {
        name: 'PutThing',
        http: { method: 'PUT', requestUri: '/things/{ThingId}/parts/{Key+}?mode=fast', responseCode: 200 },
        input: { shape: 'PutThingRequest' },
        output: { shape: 'PutThingResponse' },
      },
    },
    shapes: {
      PutThingRequest: {
        type: 'structure',
        required: ['ThingId', 'Key'],
        members: {
          ThingId: { shape: 'String', location: 'uri', locationName: 'ThingId' },
          Key: { shape: 'String', location: 'uri', locationName: 'Key' },
          Names: { shape: 'StringList', location: 'querystring', locationName: 'name' },
          Limit: { shape: 'Integer', location: 'querystring', locationName: 'limit' },
          Trace: { shape: 'String', location: 'header', locationName: 'X-Trace-Id' },
          Meta: { shape: 'StringMap', location: 'headers', locationName: 'x-meta-' },
          Value: { shape: 'String' },
        },
      },
      PutThingResponse: {
        type: 'structure',
        members: {
          Etag: { shape: 'String', location: 'header', locationName: 'ETag' },
          Status: { shape: 'Integer', location: 'statusCode' },
          Value: { shape: 'String' },
        },
      },
      String: { type: 'string' },
      Integer: { type: 'integer' },
      StringList: { type: 'list', member: { shape: 'String' } },
      StringMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    },
  } satisfies ServiceModel;

  it('fills and escapes labels (greedy keeps its slashes), adds query, headers and the body', () => {
    const request = serializeRequest(mini, 'PutThing', {
      ThingId: 'a b/c',
      Key: 'x/y z',
      Names: ['n1', 'n2'],
      Limit: 5,
      Trace: 't-1',
      Meta: { Owner: 'ops' },
      Value: 'v',
    });
    expect(request).toEqual({
      method: 'PUT',
      path: '/things/a%20b%2Fc/parts/x/y%20z',
      query: { mode: 'fast', name: ['n1', 'n2'], limit: '5' },
      headers: { 'x-trace-id': 't-1', 'x-meta-owner': 'ops', 'content-type': 'application/json' },
      body: JSON.stringify({ Value: 'v' }),
    });
    expect(() => serializeRequest(mini, 'PutThing', { Key: 'k' })).toThrow(/URI label ThingId has no value/);
  });

  it('reads header and status-code members of the output', () => {
    expect(parseResponse(mini, 'PutThing', { status: 200, headers: { etag: '"e1"' }, body: '{"Value":"v"}' })).toEqual({
      Etag: '"e1"',
      Status: 200,
      Value: 'v',
      $metadata: { httpStatusCode: 200 },
    });
  });
});

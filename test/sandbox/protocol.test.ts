import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/aws/models.js';
import { compilePattern, patternReport, validateShape } from '../../src/sandbox/validate.js';
import {
  ApiError,
  buildRoutes,
  credentialScope,
  decodePageToken,
  defaultPageSize,
  encodePageToken,
  errorCodes,
  matchRoute,
  paginatorFor,
  parseRequest,
  serializeError,
  serializeOutput,
  services,
} from '../../src/sandbox/protocol.js';

const routes = buildRoutes(services());
const noQuery = new URLSearchParams();

describe('patterns', () => {
  it('every model pattern compiles (the u flag first, annex-B syntax as fallback)', () => {
    for (const service of ['connect', 'chatbot', 'lex-models'] as const) {
      for (const { shape, compiled } of patternReport(loadModel(service))) {
        expect(compiled.error, `${service} ${shape}`).toBeUndefined();
      }
    }
  });

  it('matches whole values, including Unicode classes', () => {
    // botocore's RuleName pattern has only `^`: a trailing bad character must still fail.
    expect(compilePattern('^[0-9a-zA-Z._-]+').regex!.test('ok-name')).toBe(true);
    expect(compilePattern('^[0-9a-zA-Z._-]+').regex!.test('ok name')).toBe(false);
    const tagKey = compilePattern('^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$').regex!;
    expect(tagKey.test('Équipe 1')).toBe(true);
    expect(tagKey.test('aws:reserved')).toBe(false);
    expect(tagKey.test('p{L}')).toBe(false);
    // Annex-B-only syntax falls back to no flag instead of failing.
    expect(compilePattern('[\\w-\\d]+').regex).toBeDefined();
  });
});

describe('validation', () => {
  const connect = loadModel('connect');
  it('reports required, length, range, enum, pattern and type violations with paths', () => {
    const v = validateShape(connect, 'CreateRuleRequest', {
      InstanceId: '',
      Name: 'bad name',
      TriggerEventSource: {},
      Function: 5,
      Actions: [{ ActionType: 'NOPE', TaskAction: { Name: 'x'.repeat(513), ContactFlowId: 'f' } }],
      PublishStatus: 'DRAFT',
      Ignored: 'unknown members are ignored',
    });
    const byPath = Object.fromEntries(v.map((x) => [x.path, x.message]));
    expect(Object.keys(byPath).sort()).toEqual([
      'Actions[0].ActionType',
      'Actions[0].TaskAction.Name',
      'Function',
      'InstanceId',
      'Name',
      'TriggerEventSource.EventSourceName',
    ]);
    expect(byPath.InstanceId).toMatch(/length greater than or equal to 1/);
    expect(byPath['TriggerEventSource.EventSourceName']).toMatch(/must not be null/);
    expect(byPath['Actions[0].ActionType']).toMatch(/enum value set/);
  });

  it('counts list and map entries, checks number ranges and unions', () => {
    expect(validateShape(connect, 'UntagResourceRequest', { resourceArn: 'a', tagKeys: [] })[0].message).toMatch(
      /length greater than or equal to 1/,
    );
    expect(validateShape(connect, 'ListRulesRequest', { InstanceId: 'i', MaxResults: 0 })[0].message).toMatch(
      /greater than or equal to 1/,
    );
    // Only shapes botocore marks `union` (FieldValueUnion is not one) get the one-member rule.
    expect(validateShape(connect, 'InvalidRequestExceptionReason', {})[0].message).toMatch(/exactly one member/);
    expect(validateShape(connect, 'FieldValue', { Id: 'f', Value: { StringValue: 's', BooleanValue: true } })).toEqual(
      [],
    );
  });

  it('redacts sensitive values', () => {
    const lex = loadModel('lex-models');
    const v = validateShape(lex, 'ChannelConfigurationMap', {});
    expect(v[0].message).toMatch(/Sensitive Data Redacted/);
  });
});

describe('routing', () => {
  it('routes every modelled operation from its requestUri', () => {
    for (const r of routes) {
      const path = r.operation.http.requestUri.split('?')[0].replace(/\{[^}]+\}/g, 'x');
      expect(matchRoute(routes, r.method, path, noQuery, r.service.signingName)?.route.api).toBe(r.api);
    }
  });

  it('takes a percent-encoded ARN as one label and ignores trailing-slash differences', () => {
    const arn = 'arn:aws:connect:us-east-1:123456789012:instance/i/rule/r';
    const m = matchRoute(routes, 'POST', `/tags/${encodeURIComponent(arn)}`, noQuery)!;
    expect(m.route.api).toBe('connect:TagResource');
    expect(m.labels.resourceArn).toBe(arn);
    expect(matchRoute(routes, 'GET', '/bots', noQuery)!.route.api).toBe('lex:GetBots');
    expect(matchRoute(routes, 'GET', '/bots/B/aliases', noQuery)!.route.api).toBe('lex:GetBotAliases');
    expect(matchRoute(routes, 'GET', '/bots/B/aliases/A/channels/', noQuery)!.route.api).toBe(
      'lex:GetBotChannelAssociations',
    );
    expect(matchRoute(routes, 'GET', '/bots/B/aliases/A/channels/N', noQuery)!.route.api).toBe(
      'lex:GetBotChannelAssociation',
    );
    expect(matchRoute(routes, 'GET', '/nothing', noQuery)).toBeUndefined();
  });

  it('restricts candidates to the SigV4 scope service', () => {
    expect(
      credentialScope(
        'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/chatbot/aws4_request, SignedHeaders=host, Signature=x',
      ),
    ).toEqual({
      region: 'eu-west-1',
      service: 'chatbot',
    });
    expect(matchRoute(routes, 'POST', '/tag-resource', noQuery, 'chatbot')!.route.api).toBe('chatbot:TagResource');
    expect(matchRoute(routes, 'POST', '/tag-resource', noQuery, 'connect')).toBeUndefined();
    // A scope naming some other service does not hide ours.
    expect(matchRoute(routes, 'POST', '/tag-resource', noQuery, 's3')!.route.api).toBe('chatbot:TagResource');
  });

  it('reads labels, repeated query values and integers into input members', () => {
    const connect = loadModel('connect');
    const q = new URLSearchParams('contactFlowTypes=CONTACT_FLOW&contactFlowTypes=AGENT_HOLD&maxResults=7');
    const parsed = parseRequest(connect, connect.operations.ListContactFlows, { InstanceId: 'i' }, q, {}, '');
    expect(parsed).toEqual({
      input: { InstanceId: 'i', ContactFlowTypes: ['CONTACT_FLOW', 'AGENT_HOLD'], MaxResults: 7 },
      violations: [],
    });
    const bad = parseRequest(
      connect,
      connect.operations.ListContactFlows,
      { InstanceId: 'i' },
      new URLSearchParams('maxResults=many'),
      {},
      '',
    );
    expect(bad.violations[0].message).toMatch(/integer/);
    const body = parseRequest(connect, connect.operations.CreateRule, { InstanceId: 'i' }, noQuery, {}, '{not json');
    expect(body.violations[0].message).toMatch(/json/);
  });
});

describe('responses', () => {
  it('writes timestamps as epoch seconds and drops unmodelled members', () => {
    const connect = loadModel('connect');
    const res = serializeOutput(connect, connect.operations.DescribeRule, {
      Rule: { Name: 'n', CreatedTime: '2024-01-01T00:00:00.500Z', secret: 'x' },
      bookkeeping: 1,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ Rule: { Name: 'n', CreatedTime: 1704067200.5 } });
  });

  it('sends 204 without a body and the modelled status codes', () => {
    const chatbot = loadModel('chatbot');
    expect(serializeOutput(chatbot, chatbot.operations.DeleteCustomAction, {})).toEqual({ status: 204, headers: {} });
    expect(serializeOutput(chatbot, chatbot.operations.CreateCustomAction, { CustomActionArn: 'a' }).status).toBe(201);
  });

  it('writes errors with the shape status, x-amzn-ErrorType and the shape message casing', () => {
    const connect = loadModel('connect');
    const chatbot = loadModel('chatbot');
    const lex = loadModel('lex-models');
    const notFound = serializeError(connect, new ApiError('ResourceNotFoundException', 'gone'));
    expect(notFound).toMatchObject({ status: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' } });
    expect(JSON.parse(notFound.body!)).toEqual({ Message: 'gone' });
    expect(JSON.parse(serializeError(chatbot, new ApiError('ConflictException', 'taken')).body!)).toEqual({
      message: 'taken',
    });
    const limit = serializeError(lex, new ApiError('LimitExceededException', 'slow down', { retryAfterSeconds: '2' }));
    expect(limit).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
    expect(JSON.parse(limit.body!)).toEqual({ message: 'slow down' });
    const unmodelled = serializeError(chatbot, new ApiError('ThrottlingException', 'Rate exceeded', {}, 429));
    expect(unmodelled.status).toBe(429);
  });

  it('picks each operation error kind from what it declares', () => {
    const connect = loadModel('connect');
    const chatbot = loadModel('chatbot');
    const lex = loadModel('lex-models');
    expect(errorCodes(connect, connect.operations.CreateRule)).toMatchObject({
      validation: 'InvalidRequestException',
      conflict: 'ResourceConflictException',
      idempotency: 'ResourceConflictException',
    });
    expect(errorCodes(connect, connect.operations.CreateTaskTemplate)).toMatchObject({
      validation: 'InvalidParameterException',
      idempotency: 'InvalidParameterException',
    });
    expect(errorCodes(chatbot, chatbot.operations.TagResource)).toMatchObject({
      validation: 'InvalidRequestException',
      notFound: 'ResourceNotFoundException',
      throttling: 'ServiceUnavailableException',
    });
    expect(errorCodes(chatbot, chatbot.operations.AssociateToConfiguration)).toMatchObject({
      notFound: 'InvalidRequestException',
      // Not declared by the custom-action operations: the service's only 429 shape.
      throttling: 'ServiceUnavailableException',
    });
    expect(errorCodes(lex, lex.operations.GetBots)).toMatchObject({
      validation: 'BadRequestException',
      notFound: 'NotFoundException',
      throttling: 'LimitExceededException',
      internal: 'InternalFailureException',
    });
  });
});

describe('pagination', () => {
  it('binds tokens to the request fingerprint', () => {
    const t = encodePageToken(4, 'abc');
    expect(decodePageToken(t, 'abc')).toBe(4);
    expect(decodePageToken(t, 'abd')).toBeUndefined();
    expect(decodePageToken('%%%', 'abc')).toBeUndefined();
  });

  it('uses documented default page sizes, else the model maximum', () => {
    const connect = loadModel('connect');
    const lex = loadModel('lex-models');
    const size = (model: typeof connect, op: string) =>
      defaultPageSize(model, model.operations[op], paginatorFor(model, op)?.limit_key);
    expect(size(connect, 'ListContactFlows')).toBe(100);
    expect(size(connect, 'ListRules')).toBe(200);
    expect(size(lex, 'GetBots')).toBe(10);
    expect(size(lex, 'GetBotChannelAssociations')).toBe(50);
  });
});

describe('routing ambiguity', () => {
  it('needs the SigV4 scope when two services have the same path', () => {
    // A synthetic second service sharing Connect's /tags/{resourceArn}.
    const real = services();
    const twin = { ...real[0], name: 'chatbot' as const, signingName: 'twin' };
    const table = buildRoutes([real[0], twin]);
    const path = `/tags/${encodeURIComponent('arn:aws:connect:us-east-1:123456789012:instance/i')}`;
    expect(matchRoute(table, 'GET', path, noQuery)).toBeUndefined();
    expect(matchRoute(table, 'GET', path, noQuery, 'twin')!.route.api).toBe('twin:ListTagsForResource');
    expect(matchRoute(table, 'GET', path, noQuery, 'connect')!.route.api).toBe('connect:ListTagsForResource');
  });
});

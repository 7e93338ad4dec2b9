/**
 * Table-driven conformance against the models (src/aws/models.ts): every operation of the three
 * services must be routed and implemented, answer a valid request with its modelled status and
 * an output that satisfies the output shape, and refuse a request missing any required member
 * (at any depth) or carrying a value outside an enum with the operation's validation error.
 *
 * Requests are built here from the model's bindings (path labels, query, headers, JSON body),
 * independently of the sandbox's own parser. An operation added to a model fails this file until
 * it has a handler and a fixture below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRuleCommand, CreateTaskTemplateCommand } from '@aws-sdk/client-connect';
import { loadModel, type ModelOperation, type ServiceModel, type ServiceName } from '../../src/aws/models.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { buildRoutes, errorCodes, matchRoute, services } from '../../src/sandbox/protocol.js';
import { validateShape } from '../../src/sandbox/validate.js';
import { connectOps } from '../../src/sandbox/ops/connect.js';
import { chatbotOps } from '../../src/sandbox/ops/chatbot.js';
import { lexOps } from '../../src/sandbox/ops/lex.js';
import { ACCOUNT, CHAT_OPS, FLOW_ESCALATION, INSTANCE, clients, ruleInput, templateInput } from './helpers.js';

type Input = Record<string, unknown>;

const HANDLERS: Record<ServiceName, Record<string, unknown>> = {
  connect: connectOps,
  chatbot: chatbotOps,
  'lex-models': lexOps,
};
const SIGNING: Record<ServiceName, string> = { connect: 'connect', chatbot: 'chatbot', 'lex-models': 'lex' };

/** Resources the fixtures point at, made in beforeAll. */
const ids = {
  rule: '',
  ruleToDelete: '',
  ruleArn: '',
  template: '',
  templateToDelete: '',
  action: '',
  actionToDelete: '',
};

const FIXTURES: Record<string, () => Input> = {
  'connect:CreateRule': () => ({
    ...ruleInput('conformance-create', { ClientToken: 'conformance-token' }),
    Actions: [
      {
        ActionType: 'CREATE_TASK',
        TaskAction: {
          Name: 'n',
          ContactFlowId: FLOW_ESCALATION,
          References: { r: { Type: 'URL', Value: 'https://example.com' } },
        },
      },
      {
        ActionType: 'SEND_NOTIFICATION',
        SendNotificationAction: {
          DeliveryMethod: 'EMAIL',
          Content: 'c',
          ContentType: 'PLAIN_TEXT',
          Recipient: { UserIds: ['u'] },
        },
      },
    ],
  }),
  'connect:UpdateRule': () => {
    const { InstanceId, Name, Function: fn, Actions, PublishStatus } = ruleInput('conformance-rule');
    return { InstanceId, RuleId: ids.rule, Name, Function: fn, Actions, PublishStatus };
  },
  'connect:DescribeRule': () => ({ InstanceId: INSTANCE, RuleId: ids.rule }),
  'connect:ListRules': () => ({ InstanceId: INSTANCE, PublishStatus: 'DRAFT', MaxResults: 10 }),
  'connect:DeleteRule': () => ({ InstanceId: INSTANCE, RuleId: ids.ruleToDelete }),
  'connect:CreateTaskTemplate': () =>
    templateInput('Conformance create', { Status: 'INACTIVE', ClientToken: 'conformance-token' }),
  'connect:GetTaskTemplate': () => ({ InstanceId: INSTANCE, TaskTemplateId: ids.template }),
  'connect:UpdateTaskTemplate': () => ({
    ...templateInput('Conformance template', { Status: 'ACTIVE' }),
    TaskTemplateId: ids.template,
  }),
  'connect:ListTaskTemplates': () => ({ InstanceId: INSTANCE, Status: 'ACTIVE' }),
  'connect:DeleteTaskTemplate': () => ({ InstanceId: INSTANCE, TaskTemplateId: ids.templateToDelete }),
  'connect:TagResource': () => ({ resourceArn: ids.ruleArn, tags: { a: 'b' } }),
  'connect:UntagResource': () => ({ resourceArn: ids.ruleArn, tagKeys: ['a'] }),
  'connect:ListTagsForResource': () => ({ resourceArn: ids.ruleArn }),
  'connect:ListContactFlows': () => ({ InstanceId: INSTANCE, ContactFlowTypes: ['CONTACT_FLOW'], MaxResults: 5 }),
  'connect:ListQueues': () => ({ InstanceId: INSTANCE, QueueTypes: ['STANDARD'], MaxResults: 5 }),
  'connect:ListUsers': () => ({ InstanceId: INSTANCE, MaxResults: 5 }),
  'connect:ListUserHierarchyGroups': () => ({ InstanceId: INSTANCE, MaxResults: 5 }),
  'connect:ListRoutingProfiles': () => ({ InstanceId: INSTANCE, MaxResults: 5 }),
  'connect:ListEvaluationForms': () => ({ InstanceId: INSTANCE, MaxResults: 5 }),
  'chatbot:DescribeSlackChannelConfigurations': () => ({ MaxResults: 5 }),
  'chatbot:DescribeChimeWebhookConfigurations': () => ({ MaxResults: 5 }),
  'chatbot:ListMicrosoftTeamsChannelConfigurations': () => ({ MaxResults: 5 }),
  'chatbot:CreateCustomAction': () => ({
    ActionName: 'conformance-create',
    Definition: { CommandText: 'x' },
    Attachments: [{ Criteria: [{ Operator: 'EQUALS', VariableName: 'v', Value: '1' }] }],
    Tags: [{ TagKey: 'k', TagValue: 'v' }],
  }),
  'chatbot:GetCustomAction': () => ({ CustomActionArn: ids.action }),
  'chatbot:UpdateCustomAction': () => ({
    CustomActionArn: ids.action,
    Definition: { CommandText: 'y' },
    Attachments: [{ Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'v' }] }],
  }),
  'chatbot:DeleteCustomAction': () => ({ CustomActionArn: ids.actionToDelete }),
  'chatbot:ListCustomActions': () => ({ MaxResults: 10 }),
  'chatbot:AssociateToConfiguration': () => ({ Resource: ids.action, ChatConfiguration: CHAT_OPS }),
  'chatbot:DisassociateFromConfiguration': () => ({ Resource: ids.action, ChatConfiguration: CHAT_OPS }),
  'chatbot:ListAssociations': () => ({ ChatConfiguration: CHAT_OPS, MaxResults: 5 }),
  'chatbot:TagResource': () => ({ ResourceARN: ids.action, Tags: [{ TagKey: 'k', TagValue: 'v' }] }),
  'chatbot:UntagResource': () => ({ ResourceARN: ids.action, TagKeys: ['k'] }),
  'chatbot:ListTagsForResource': () => ({ ResourceARN: ids.action }),
  'lex:GetBots': () => ({ nameContains: 'Order', maxResults: 5 }),
  'lex:GetBotAliases': () => ({ botName: 'OrderFlowers', maxResults: 5 }),
  'lex:GetBotChannelAssociations': () => ({ botName: 'OrderFlowers', botAlias: '-', maxResults: 5 }),
  'lex:GetBotChannelAssociation': () => ({ botName: 'OrderFlowers', botAlias: 'prod', name: 'orders_slack' }),
  'lex:DeleteBotChannelAssociation': () => ({ botName: 'OrderFlowers', botAlias: 'staging', name: 'orders_sms' }),
};

// ------------------------------------------------------------------------------------------
// Requests from the model's bindings
// ------------------------------------------------------------------------------------------

interface Built {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body?: string;
}

function build(model: ServiceModel, op: ModelOperation, input: Input): Built {
  const shape = model.shapes[op.input!.shape];
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  const body: Input = {};
  let path = op.http.requestUri;
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const wire = member.locationName ?? name;
    const value = input[name];
    if (member.location === 'uri') {
      const text = value === undefined ? '' : String(value);
      path = path
        .replace(`{${wire}+}`, text.split('/').map(encodeURIComponent).join('/'))
        .replace(`{${wire}}`, encodeURIComponent(text));
    } else if (value === undefined) {
    } else if (member.location === 'querystring') {
      for (const v of Array.isArray(value) ? value : [value]) query.append(wire, String(v));
    } else if (member.location === 'header') {
      headers[wire] = String(value);
    } else {
      body[wire] = value;
    }
  }
  const hasBody = Object.values(shape.members ?? {}).some((m) => !m.location);
  return { method: op.http.method, path, query, headers, body: hasBody ? JSON.stringify(body) : undefined };
}

async function send(endpoint: string, signingName: string, req: Built) {
  const qs = req.query.toString();
  const res = await fetch(`${endpoint}${req.path}${qs ? `?${qs}` : ''}`, {
    method: req.method,
    headers: {
      ...req.headers,
      ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      // Chatbot answers in four regions only (not us-east-1).
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/${signingName === 'chatbot' ? 'us-east-2' : 'us-east-1'}/${signingName}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: req.body,
  });
  const text = await res.text();
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    body: text ? (JSON.parse(text) as unknown) : undefined,
    text,
  };
}

// ------------------------------------------------------------------------------------------
// Walking fixtures alongside their shapes
// ------------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Paths (in the fixture) of every required member present, at any depth. */
function requiredPaths(model: ServiceModel, shapeName: string, value: unknown, at: Path = []): Path[] {
  const shape = model.shapes[shapeName];
  const out: Path[] = [];
  if (value === undefined || value === null) return out;
  if (shape.type === 'structure') {
    for (const [name, member] of Object.entries(shape.members ?? {})) {
      const v = (value as Input)[name];
      if (v === undefined) continue;
      if (shape.required?.includes(name)) out.push([...at, name]);
      out.push(...requiredPaths(model, member.shape, v, [...at, name]));
    }
  } else if (shape.type === 'list') {
    for (const [i, v] of (value as unknown[]).entries())
      out.push(...requiredPaths(model, shape.member!.shape, v, [...at, i]));
  } else if (shape.type === 'map') {
    for (const [k, v] of Object.entries(value as Input))
      out.push(...requiredPaths(model, shape.value!.shape, v, [...at, k]));
  }
  return out;
}

/** The first enum-typed value in the fixture. */
function enumPath(model: ServiceModel, shapeName: string, value: unknown, at: Path = []): Path | undefined {
  const shape = model.shapes[shapeName];
  if (value === undefined || value === null) return undefined;
  if (shape.enum) return at;
  const children: [string | number, string, unknown][] =
    shape.type === 'structure'
      ? Object.entries(shape.members ?? {}).map(([n, m]) => [n, m.shape, (value as Input)[n]])
      : shape.type === 'list'
        ? (value as unknown[]).map((v, i) => [i, shape.member!.shape, v])
        : shape.type === 'map'
          ? Object.entries(value as Input).map(([k, v]) => [k, shape.value!.shape, v])
          : [];
  for (const [key, child, v] of children) {
    const found = enumPath(model, child, v, [...at, key]);
    if (found) return found;
  }
  return undefined;
}

/** Whether any enum is reachable from a shape (then the fixture must exercise one). */
function hasEnum(model: ServiceModel, shapeName: string, seen = new Set<string>()): boolean {
  if (seen.has(shapeName)) return false;
  seen.add(shapeName);
  const s = model.shapes[shapeName];
  if (s.enum) return true;
  const kids = [...Object.values(s.members ?? {}).map((m) => m.shape), s.member?.shape, s.value?.shape].filter(
    (x): x is string => !!x,
  );
  return kids.some((k) => hasEnum(model, k, seen));
}

function edit(input: Input, path: Path, change: (parent: any, key: string | number) => void): Input {
  const copy = structuredClone(input);
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  change(parent, path[path.length - 1]);
  return copy;
}

// ------------------------------------------------------------------------------------------

let sb: SandboxHandle;
const routes = buildRoutes(services());

beforeAll(async () => {
  sb = await startSandbox({ quotas: false, lexV1: 'available' }); // Lex V1 as it answered
  const { connect, chatbot } = clients(sb.endpoint);
  const rule = await connect.send(new CreateRuleCommand(ruleInput('conformance-rule')));
  ids.rule = rule.RuleId!;
  ids.ruleArn = rule.RuleArn!;
  ids.ruleToDelete = (await connect.send(new CreateRuleCommand(ruleInput('conformance-delete')))).RuleId!;
  ids.template = (await connect.send(new CreateTaskTemplateCommand(templateInput('Conformance template')))).Id!;
  ids.templateToDelete = (await connect.send(new CreateTaskTemplateCommand(templateInput('Conformance delete')))).Id!;
  ids.action = (
    await chatbot.send('CreateCustomAction', { ActionName: 'conformance-action', Definition: { CommandText: 'x' } })
  ).CustomActionArn;
  ids.actionToDelete = (
    await chatbot.send('CreateCustomAction', { ActionName: 'conformance-delete', Definition: { CommandText: 'x' } })
  ).CustomActionArn;
  await chatbot.send('AssociateToConfiguration', { Resource: ids.action, ChatConfiguration: CHAT_OPS });
});
afterAll(() => sb.stop());

for (const service of ['connect', 'chatbot', 'lex-models'] as ServiceName[]) {
  const model = loadModel(service);
  const signingName = SIGNING[service];

  describe(`${service} conformance`, () => {
    it('has no handler for an operation the model lacks', () => {
      expect(Object.keys(HANDLERS[service]).filter((name) => !(name in model.operations))).toEqual([]);
    });

    for (const [name, op] of Object.entries(model.operations)) {
      const api = `${signingName}:${name}`;
      const validation = errorCodes(model, op).validation;

      it(`${api}: implemented, routed, answers ${op.http.responseCode ?? 200} with a conforming output`, async () => {
        expect(HANDLERS[service][name], `no handler for ${api}`).toBeTypeOf('function');
        expect(FIXTURES[api], `no fixture for ${api} in conformance.test.ts`).toBeTypeOf('function');
        // The validation error is declared by the operation, or the operation declares none.
        const declared = (op.errors ?? []).map((e) => e.shape);
        const validationLike = declared.filter((c) =>
          /Invalid(Request|Parameter)Exception|BadRequestException|ValidationException/.test(c),
        );
        expect(validationLike.length === 0 || validationLike.includes(validation)).toBe(true);
        expect(model.shapes[validation]?.exception).toBe(true);

        const req = build(model, op, FIXTURES[api]());
        expect(matchRoute(routes, req.method, req.path, req.query, signingName)?.route.api).toBe(api);
        const res = await send(sb.endpoint, signingName, req);
        expect(res.errorType, res.text).toBeNull();
        expect(res.status).toBe(op.http.responseCode ?? 200);
        if (op.output && res.body !== undefined) expect(validateShape(model, op.output.shape, res.body)).toEqual([]);
      });

      it(`${api}: each missing required member → ${validation}`, async () => {
        const fixture = FIXTURES[api]();
        const inputShape = model.shapes[op.input!.shape];
        const paths = requiredPaths(model, op.input!.shape, fixture);
        // Every top-level required member is in the fixture, so each one gets tested.
        expect(
          paths
            .filter((p) => p.length === 1)
            .map(String)
            .sort(),
        ).toEqual([...(inputShape.required ?? [])].sort());
        for (const path of paths) {
          const req = build(
            model,
            op,
            edit(fixture, path, (parent, key) => delete parent[key]),
          );
          const routed = matchRoute(routes, req.method, req.path, req.query, signingName)?.route.api;
          // An empty trailing label can turn into another operation's path (GET .../channels/
          // is GetBotChannelAssociations): then the request is not this operation's to refuse.
          if (routed !== api) {
            expect(path.length === 1 && inputShape.members![path[0] as string].location === 'uri').toBe(true);
            continue;
          }
          const res = await send(sb.endpoint, signingName, req);
          expect(res.errorType, `without ${path.join('.')}: ${res.text}`).toBe(validation);
          expect(res.status).toBe(model.shapes[validation].error!.httpStatusCode);
        }
      });

      it(`${api}: a value outside an enum → ${validation}`, async () => {
        const fixture = FIXTURES[api]();
        const path = enumPath(model, op.input!.shape, fixture);
        if (!path) {
          expect(hasEnum(model, op.input!.shape), `the ${api} fixture should set an enum member`).toBe(false);
          return;
        }
        const req = build(
          model,
          op,
          edit(fixture, path, (parent, key) => (parent[key] = 'NOT_AN_ENUM_VALUE')),
        );
        const res = await send(sb.endpoint, signingName, req);
        expect(res.errorType, `${path.join('.')}: ${res.text}`).toBe(validation);
        expect(res.body).toMatchObject({
          [model.shapes[validation].members?.Message ? 'Message' : 'message']: expect.stringMatching(/enum value set/),
        });
      });
    }
  });
}

it('fixtures only name operations that exist', () => {
  const all = new Set(services().flatMap((s) => Object.keys(s.model.operations).map((n) => `${s.signingName}:${n}`)));
  expect(Object.keys(FIXTURES).filter((k) => !all.has(k))).toEqual([]);
  expect(ACCOUNT).toBe(sb.world.accountId);
});

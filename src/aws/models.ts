/**
 * The trimmed AWS models (botocore service-2.json format) as data, plus the overlay of what the
 * installed @aws-sdk/client-connect already has but botocore 1.43.67 lacks (see models/README.md).
 * Both the sandbox (routing, parsing, validation) and the schema generator read models from here,
 * so the two can never disagree about a constraint.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export type ServiceName = 'connect' | 'chatbot' | 'lex-models';
/** Every model file: the managed services, plus STS (credentials, the sandbox's identity answers). */
export type ModelName = ServiceName | 'sts';

export interface ModelMember {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  idempotencyToken?: boolean;
  box?: boolean;
  documentation?: string;
}

export interface ModelShape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'boolean'
    | 'timestamp'
    | 'double'
    | 'float'
    | 'blob';
  members?: Record<string, ModelMember>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  sensitive?: boolean;
  exception?: boolean;
  /** A server fault (an error shape's `fault: true`). */
  fault?: boolean;
  error?: { httpStatusCode: number; senderFault?: boolean; code?: string };
  timestampFormat?: string;
  documentation?: string;
  union?: boolean;
}

export interface ModelOperation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
  idempotent?: boolean;
  deprecated?: boolean;
  documentation?: string;
}

export interface ServiceModel {
  _source: string;
  metadata: Record<string, unknown> & {
    serviceId: string;
    endpointPrefix: string;
    signingName: string;
    protocol: string;
  };
  operations: Record<string, ModelOperation>;
  shapes: Record<string, ModelShape>;
  /** The service's documentation (HTML); Chatbot's lists the regions its API answers in. */
  documentation?: string;
  /** paginators-1.json entries, keyed by operation name. */
  _paginators?: Record<
    string,
    { input_token: string; output_token: string; limit_key?: string; result_key: string | string[] }
  >;
}

const here = dirname(fileURLToPath(import.meta.url));
// Compiled code runs from dist/aws; the JSON data stays in src/aws/models.
const modelDir = [join(here, 'models'), join(here, '..', '..', 'src', 'aws', 'models')].find((d) => {
  try {
    readFileSync(join(d, 'connect.json'));
    return true;
  } catch {
    return false;
  }
})!;

const cache = new Map<ModelName, ServiceModel>();

/**
 * The prefix of an API's name everywhere (quotas, call counters, sandbox stats):
 * `connect:ListRules`, `chatbot:GetCustomAction`, `lex:GetBots`: the service's signing name.
 */
export function apiName(service: ServiceName, operation: string): string {
  return `${loadModel(service).metadata.signingName}:${operation}`;
}

export function loadModel(service: ModelName): ServiceModel {
  let model = cache.get(service);
  if (!model) {
    model = JSON.parse(readFileSync(join(modelDir, `${service}.json`), 'utf8')) as ServiceModel;
    if (service === 'connect') applyConnectSdkOverlay(model);
    cache.set(service, model);
  }
  return model;
}

/** Shapes the installed SDK (3.1136.0) has beyond botocore 1.43.67; lengths unknown, so none set. */
function applyConnectSdkOverlay(model: ServiceModel): void {
  const s = model.shapes;
  const addEnum = (shape: string, values: string[]) => {
    const e = s[shape].enum!;
    for (const v of values) if (!e.includes(v)) e.push(v);
  };
  addEnum('EventSourceName', ['OnAfterCallWorkAvailable', 'OnAfterChatWorkAvailable']);
  addEnum('ActionType', ['EXTRACT_INFORMATION']);
  s.RulesExtractionDefinitionIdentifierString = { type: 'string', min: 1 };
  s.RulesExtractionDefinitionIdentifier = {
    type: 'structure',
    required: ['Identifier'],
    members: { Identifier: { shape: 'RulesExtractionDefinitionIdentifierString' } },
  };
  s.RulesExtractionDefinitionIdentifierList = {
    type: 'list',
    member: { shape: 'RulesExtractionDefinitionIdentifier' },
  };
  s.ExtractInformationActionDefinition = {
    type: 'structure',
    required: ['RulesExtractionDefinitions'],
    members: { RulesExtractionDefinitions: { shape: 'RulesExtractionDefinitionIdentifierList' } },
  };
  s.RuleAction.members!.ExtractInformationAction = { shape: 'ExtractInformationActionDefinition' };
  s.PreEvaluationFilterResourceType = { type: 'string', enum: ['CONTACT'] };
  s.PreEvaluationFilterType = { type: 'string', enum: ['TAG'] };
  s.PreEvaluationFilterOperator = { type: 'string', enum: ['EQUALS'] };
  s.PreEvaluationFilterString = { type: 'string', min: 1 };
  s.PreEvaluationFilter = {
    type: 'structure',
    required: ['ResourceType', 'FilterType', 'FilterKey', 'FilterValue', 'Operator'],
    members: {
      ResourceType: { shape: 'PreEvaluationFilterResourceType' },
      FilterType: { shape: 'PreEvaluationFilterType' },
      FilterKey: { shape: 'PreEvaluationFilterString' },
      FilterValue: { shape: 'PreEvaluationFilterString' },
      Operator: { shape: 'PreEvaluationFilterOperator' },
    },
  };
  s.PreEvaluationFilterList = { type: 'list', member: { shape: 'PreEvaluationFilter' } };
  s.PreEvaluationFilters = { type: 'structure', members: { AndConditions: { shape: 'PreEvaluationFilterList' } } };
  for (const shape of ['CreateRuleRequest', 'UpdateRuleRequest', 'Rule']) {
    s[shape].members!.PreEvaluationFilters = { shape: 'PreEvaluationFilters' };
  }
  s.CreateRuleRequest.members!.Tags = { shape: 'TagMap' };
}

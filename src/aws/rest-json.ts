/**
 * The restJson1 wire format of one operation, read from its model (botocore service-2.json, see
 * models/README.md): method, URI labels, query string and headers from the members' `location`,
 * every other member in a JSON body; errors named by the X-Amzn-ErrorType header or the body's
 * `code` / `__type`, as the SDK's own restJson1 protocol does. Pure functions: the Chatbot
 * client (chatbot.ts) signs and sends what they build, and the serde is tested against the model.
 *
 * Not supported, because no operation we call has them: a structure or blob `payload` member,
 * document types, event streams.
 */
import { randomUUID } from 'node:crypto';
import type { ModelMember, ModelOperation, ServiceModel } from './models.js';

export interface RestJsonRequest {
  method: string;
  /** The operation's path with its labels filled in and percent-encoded. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** The JSON body, when the input has body members (`{}` when none is set, as the SDK sends). */
  body?: string;
}

export interface RestJsonResponse {
  status: number;
  /** Header names in lower case (as Node gives them). */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface ResponseMetadata {
  httpStatusCode: number;
  requestId?: string;
  extendedRequestId?: string;
  cfId?: string;
}

/**
 * An error the service answered: `name` is the model's error shape (or the code AWS sent when the
 * model does not know it), `$fault` as the model declares it, `$metadata` as the SDK's errors
 * carry it, so retry.ts and call-errors.ts read it as they read any SDK error.
 */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: ResponseMetadata;
  /** The error shape's other members (for example the model's capitalised `Message`). */
  readonly fields: Record<string, unknown>;

  constructor(
    name: string,
    message: string,
    $fault: 'client' | 'server',
    $metadata: ResponseMetadata,
    fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = name;
    this.$fault = $fault;
    this.$metadata = $metadata;
    this.fields = fields;
  }
}

export function operationOf(model: ServiceModel, name: string): ModelOperation {
  const operation = model.operations[name];
  if (!operation) throw new Error(`${model.metadata.serviceId} has no operation ${name} in its model`);
  return operation;
}

const membersOf = (model: ServiceModel, shape: string | undefined): Record<string, ModelMember> =>
  shape ? (model.shapes[shape]?.members ?? {}) : {};

/** The request of `operation` for `input`; members the model does not declare are not sent. */
export function serializeRequest(
  model: ServiceModel,
  operationName: string,
  input: object,
  newToken: () => string = randomUUID,
): RestJsonRequest {
  const operation = operationOf(model, operationName);
  const values = input as Record<string, unknown>;
  const [uri, staticQuery = ''] = operation.http.requestUri.split('?');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(staticQuery)) query[k] = v;
  const headers: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  let hasBody = false;
  let path = uri!;
  for (const [name, member] of Object.entries(membersOf(model, operation.input?.shape))) {
    let value = values[name];
    if (value === undefined && member.idempotencyToken) value = newToken();
    const wire = member.locationName ?? name;
    switch (member.location) {
      case 'uri':
        path = fillLabel(path, wire, value, operationName);
        break;
      case 'querystring':
        if (value !== undefined && value !== null) addQuery(model, member, wire, value, query);
        break;
      case 'header':
        if (value !== undefined && value !== null) headers[wire.toLowerCase()] = headerValue(model, member, value);
        break;
      case 'headers':
        if (value && typeof value === 'object')
          for (const [k, v] of Object.entries(value)) headers[`${wire}${k}`.toLowerCase()] = String(v);
        break;
      default:
        hasBody = true;
        if (value !== undefined && value !== null) body[wire] = toJson(model, member.shape, value);
    }
  }
  if (hasBody) headers['content-type'] = 'application/json';
  return { method: operation.http.method, path, query, headers, ...(hasBody ? { body: JSON.stringify(body) } : {}) };
}

function fillLabel(path: string, label: string, value: unknown, operation: string): string {
  if (value === undefined || value === null || value === '')
    throw new Error(`${operation}: the URI label ${label} has no value`);
  const text = String(value);
  return path
    .replace(`{${label}+}`, text.split('/').map(encodeURIComponent).join('/'))
    .replace(`{${label}}`, encodeURIComponent(text));
}

function scalarText(model: ServiceModel, shape: string, value: unknown, timestamps: 'iso' | 'http'): string {
  if (model.shapes[shape]?.type === 'timestamp') {
    const date = value instanceof Date ? value : new Date(value as string | number);
    return timestamps === 'iso' ? date.toISOString().replace('.000Z', 'Z') : date.toUTCString();
  }
  return String(value);
}

function addQuery(
  model: ServiceModel,
  member: ModelMember,
  wire: string,
  value: unknown,
  query: Record<string, string | string[]>,
): void {
  const shape = model.shapes[member.shape];
  if (shape?.type === 'list' && Array.isArray(value))
    query[wire] = value.map((v) => scalarText(model, shape.member!.shape, v, 'iso'));
  else if (shape?.type === 'map' && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      query[k] = Array.isArray(v) ? v.map(String) : String(v);
  else query[wire] = scalarText(model, member.shape, value, 'iso');
}

function headerValue(model: ServiceModel, member: ModelMember, value: unknown): string {
  const shape = model.shapes[member.shape];
  if (shape?.type === 'list' && Array.isArray(value))
    return value.map((v) => scalarText(model, shape.member!.shape, v, 'http')).join(', ');
  return scalarText(model, member.shape, value, 'http');
}

/** A value as the JSON body carries it: only declared members, timestamps as epoch seconds. */
function toJson(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (value === null || value === undefined || !shape) return value;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const v = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members ?? {}))
        if (v[name] !== undefined && v[name] !== null)
          out[member.locationName ?? name] = toJson(model, member.shape, v[name]);
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toJson(model, shape.member!.shape, v));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJson(model, shape.value!.shape, v)]),
      );
    case 'timestamp':
      return (value instanceof Date ? value.getTime() : new Date(value as string | number).getTime()) / 1000;
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return value;
  }
}

/** A value as the body gives it: declared members only, timestamps as Dates. */
function fromJson(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (value === null || value === undefined || !shape) return value ?? undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      const v = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const item = v[member.locationName ?? name];
        if (item !== undefined && item !== null) out[name] = fromJson(model, member.shape, item);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => fromJson(model, shape.member!.shape, v)) : value;
    case 'map':
      return typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [
              k,
              fromJson(model, shape.value!.shape, v),
            ]),
          )
        : value;
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
    default:
      return value;
  }
}

export function metadataOf(response: RestJsonResponse): ResponseMetadata {
  const h = response.headers;
  const metadata: ResponseMetadata = { httpStatusCode: response.status };
  const requestId = h['x-amzn-requestid'] ?? h['x-amzn-request-id'] ?? h['x-amz-request-id'];
  if (requestId) metadata.requestId = requestId;
  if (h['x-amz-id-2']) metadata.extendedRequestId = h['x-amz-id-2'];
  if (h['x-amz-cf-id']) metadata.cfId = h['x-amz-cf-id'];
  return metadata;
}

function parseBody(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The output of `operation` from a 2xx answer (any 2xx, as the SDK accepts, not only the model's
 * responseCode); any other status is thrown as its AwsServiceError.
 */
export function parseResponse(
  model: ServiceModel,
  operationName: string,
  response: RestJsonResponse,
): Record<string, unknown> & { $metadata: ResponseMetadata } {
  if (response.status < 200 || response.status >= 300) throw parseError(model, response);
  const operation = operationOf(model, operationName);
  const out: Record<string, unknown> = {};
  const body = parseBody(response.body);
  for (const [name, member] of Object.entries(membersOf(model, operation.output?.shape))) {
    const wire = member.locationName ?? name;
    let value: unknown;
    if (member.location === 'header') value = response.headers[wire.toLowerCase()];
    else if (member.location === 'statusCode') value = response.status;
    else if (!member.location) value = fromJson(model, member.shape, body[wire]);
    if (value !== undefined) out[name] = value;
  }
  return { ...out, $metadata: metadataOf(response) };
}

/**
 * The error code as the SDK reads it (loadRestJsonErrorCode): the header, else the body's `code`,
 * else its `__type`; `aws.protocols#Name:http://...` and `com.amazonaws.chatbot#Name` become `Name`.
 */
export function errorCodeOf(response: RestJsonResponse, body: Record<string, unknown>): string | undefined {
  const raw = [response.headers['x-amzn-errortype'], body.code, body.__type].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  if (!raw) return undefined;
  const code = raw.split(':')[0]!;
  return code.slice(code.lastIndexOf('#') + 1) || undefined;
}

export function parseError(model: ServiceModel, response: RestJsonResponse): AwsServiceError {
  const body = parseBody(response.body);
  const code = errorCodeOf(response, body);
  const shape = code ? model.shapes[code] : undefined;
  const declared = shape?.exception === true ? shape : undefined;
  const server = declared
    ? declared.fault === true || (declared.error?.httpStatusCode ?? 400) >= 500
    : response.status >= 500;
  const fields: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(declared?.members ?? {})) {
    if (name === 'message') continue;
    const value = body[member.locationName ?? name];
    if (value !== undefined) fields[name] = value;
  }
  const message = [body.message, body.Message, body.errorMessage].find((m) => typeof m === 'string') as
    | string
    | undefined;
  const name = code ?? (server ? 'UnknownServerError' : 'UnknownError');
  return new AwsServiceError(
    name,
    message ?? `${name} (HTTP ${response.status})`,
    server ? 'server' : 'client',
    metadataOf(response),
    fields,
  );
}

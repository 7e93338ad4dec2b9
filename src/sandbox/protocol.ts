/**
 * The restJson1 wire protocol, driven by the models: routing a (method, path) to an operation,
 * reading its input from path labels, query string, headers and JSON body per each member's
 * `location`, and writing outputs and errors the way the AWS SDK deserializers expect them.
 * Nothing here is specific to one operation.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { loadModel, type ModelOperation, type ModelShape, type ServiceModel, type ServiceName } from '../aws/models.js';
import type { Violation } from './validate.js';

export interface ServiceInfo {
  name: ServiceName;
  /** SigV4 signing name: `connect`, `chatbot`, `lex`; also the prefix of API keys and IAM actions. */
  signingName: string;
  model: ServiceModel;
}

export const SERVICE_NAMES: ServiceName[] = ['connect', 'chatbot', 'lex-models'];

export function services(): ServiceInfo[] {
  return SERVICE_NAMES.map((name) => {
    const model = loadModel(name);
    return { name, signingName: model.metadata.signingName, model };
  });
}

/** `connect:CreateRule`: how quotas, stats and idempotency records name an operation. */
export const apiKey = (service: ServiceInfo, operation: string) => `${service.signingName}:${operation}`;

/** Thrown by handlers (and the pipeline) to answer with one of the service's error shapes. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Other members of the error shape (e.g. PropertyList, retryAfterSeconds). */
    readonly fields: Record<string, unknown> = {},
    /** Only for codes the model lacks (e.g. Chatbot throttling); otherwise from the shape. */
    readonly status?: number,
  ) {
    super(message);
  }
}

// ------------------------------------------------------------------------------------------
// Routing
// ------------------------------------------------------------------------------------------

type Segment = { kind: 'literal'; value: string } | { kind: 'label'; name: string } | { kind: 'greedy'; name: string };

export interface Route {
  service: ServiceInfo;
  name: string;
  operation: ModelOperation;
  api: string;
  method: string;
  segments: Segment[];
  /** Literal query parameters of a requestUri like `/x?versioning` (none in the current models). */
  query: [string, string][];
}

export function buildRoutes(all: ServiceInfo[]): Route[] {
  const routes: Route[] = [];
  for (const service of all) {
    for (const [name, operation] of Object.entries(service.model.operations)) {
      const [path, qs = ''] = operation.http.requestUri.split('?');
      const segments: Segment[] = path
        .split('/')
        .slice(1)
        .map((s) => {
          const m = /^\{([^}]+?)(\+)?\}$/.exec(s);
          if (!m) return { kind: 'literal', value: s };
          return m[2] ? { kind: 'greedy', name: m[1] } : { kind: 'label', name: m[1] };
        });
      const query = qs ? [...new URLSearchParams(qs).entries()] : [];
      routes.push({
        service,
        name,
        operation,
        api: apiKey(service, name),
        method: operation.http.method,
        segments,
        query,
      });
    }
  }
  return routes;
}

/**
 * The regions a service answers in, when its model's documentation names them: Chatbot's says
 * "AWS Chatbot APIs are currently available in the following Regions" and lists them (us-east-2,
 * us-west-2, ap-southeast-1, eu-west-1). Undefined: the model names none (every region).
 */
export function documentedRegions(model: ServiceModel): string[] | undefined {
  const list = /available in the following Regions:(.*?)<\/ul>/s.exec(model.documentation ?? '')?.[1];
  if (!list) return undefined;
  return [...list.matchAll(/<code>([a-z]{2}(?:-[a-z]+)+-\d)<\/code>/g)].map((m) => m[1]!);
}

/** The service named in a SigV4 `Authorization` header's credential scope, and its region. */
export function credentialScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return m ? { region: m[1], service: m[2] } : undefined;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function matchSegments(route: Route, parts: string[], trimTrailing: boolean): Record<string, string> | undefined {
  let segs = route.segments;
  if (trimTrailing) {
    while (
      segs.length &&
      segs[segs.length - 1].kind === 'literal' &&
      (segs[segs.length - 1] as { value: string }).value === ''
    )
      segs = segs.slice(0, -1);
  }
  const labels: Record<string, string> = {};
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (seg.kind === 'greedy') {
      if (i >= parts.length) return undefined;
      labels[seg.name] = parts.slice(i).map(decode).join('/');
      return labels;
    }
    if (i >= parts.length) return undefined;
    if (seg.kind === 'literal') {
      if (decode(parts[i]) !== seg.value) return undefined;
    } else {
      // Labels may be empty here so that a request missing one reaches its operation and
      // fails validation (as AWS answers), rather than a 404.
      labels[seg.name] = decode(parts[i]);
    }
  }
  return parts.length === segs.length ? labels : undefined;
}

/**
 * Finds the operation for a request. Paths are compared segment by segment (a label takes one
 * percent-encoded segment, so `/tags/arn%3Aaws%3A...` is one ARN); trailing slashes are
 * compared exactly first, then ignored (botocore writes `/bots/`, the JS SDK sends `/bots`).
 * Among matches the one with most literal segments wins; the SigV4 scope's service name
 * restricts the candidates when it names one of the three services, and without it a tie
 * between two services matches nothing.
 */
export function matchRoute(
  routes: Route[],
  method: string,
  rawPath: string,
  query: URLSearchParams,
  signingName?: string,
): { route: Route; labels: Record<string, string> } | undefined {
  const known = signingName !== undefined && routes.some((r) => r.service.signingName === signingName);
  const candidates = routes.filter(
    (r) =>
      r.method === method &&
      (!known || r.service.signingName === signingName) &&
      r.query.every(([k, v]) => query.get(k) === v),
  );
  let parts = rawPath.split('/').slice(1);
  for (const trim of [false, true]) {
    if (trim) while (parts.length && parts[parts.length - 1] === '') parts = parts.slice(0, -1);
    let best: { route: Route; labels: Record<string, string>; score: number } | undefined;
    let tied = false;
    for (const route of candidates) {
      const labels = matchSegments(route, parts, trim);
      if (!labels) continue;
      const score = route.segments.filter((s) => s.kind === 'literal').length;
      if (!best || score > best.score) [best, tied] = [{ route, labels, score }, false];
      else if (score === best.score && route.service !== best.route.service) tied = true;
    }
    // Two services with equally good paths and no scope to choose: no unique match, no answer.
    if (best && !tied) return { route: best.route, labels: best.labels };
    if (best) return undefined;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------
// Requests
// ------------------------------------------------------------------------------------------

/** Converts a string from the path, query or a header to the member's type. */
function fromText(shape: ModelShape, text: string, path: string, out: Violation[]): unknown {
  const bad = (what: string) => {
    out.push({ path, message: `Value '${text}' at '${path}' failed to satisfy constraint: Member must be ${what}` });
    return undefined;
  };
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(text)) return bad('an integer');
      return Number(text);
    }
    case 'double':
    case 'float': {
      const n = Number(text);
      return Number.isFinite(n) && text.trim() !== '' ? n : bad('a number');
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : bad('a boolean');
    default:
      return text;
  }
}

export interface ParsedRequest {
  input: Record<string, unknown>;
  /** Type errors found while reading (validation of values happens in validate.ts). */
  violations: Violation[];
}

export function parseRequest(
  model: ServiceModel,
  operation: ModelOperation,
  labels: Record<string, string>,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: string,
): ParsedRequest {
  const input: Record<string, unknown> = {};
  const violations: Violation[] = [];
  const shape = operation.input ? model.shapes[operation.input.shape] : undefined;
  let json: Record<string, unknown> = {};
  if (body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      json = parsed as Record<string, unknown>;
    } catch {
      violations.push({ path: '', message: 'Could not parse request body into json: the body must be a JSON object' });
    }
  }
  for (const [name, member] of Object.entries(shape?.members ?? {})) {
    const target = model.shapes[member.shape];
    const wire = member.locationName ?? name;
    switch (member.location) {
      case 'uri':
        if (wire in labels) input[name] = fromText(target, labels[wire], name, violations);
        break;
      case 'querystring': {
        const values = query.getAll(wire);
        if (!values.length) break;
        input[name] =
          target.type === 'list'
            ? values.map((v, i) => fromText(model.shapes[target.member!.shape], v, `${name}[${i}]`, violations))
            : fromText(target, values[0], name, violations);
        break;
      }
      case 'header': {
        const raw = headers[wire.toLowerCase()];
        if (raw === undefined) break;
        const text = Array.isArray(raw) ? raw.join(',') : raw;
        input[name] =
          target.type === 'list' ? text.split(',').map((s) => s.trim()) : fromText(target, text, name, violations);
        break;
      }
      case 'headers': {
        const prefix = wire.toLowerCase();
        const found = Object.entries(headers).filter(([h]) => h.startsWith(prefix));
        if (found.length) input[name] = Object.fromEntries(found.map(([h, v]) => [h.slice(prefix.length), String(v)]));
        break;
      }
      case 'statusCode':
        break;
      default:
        // Unknown body members are ignored, as AWS does; only modelled ones are read.
        if (json[wire] !== undefined) input[name] = json[wire];
    }
  }
  return { input, violations };
}

// ------------------------------------------------------------------------------------------
// Responses
// ------------------------------------------------------------------------------------------

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : typeof value === 'number' ? new Date(value) : new Date(String(value));
}

/**
 * restJson1 timestamps: epoch seconds (fractional) in bodies, HTTP dates in headers, ISO 8601 in
 * query strings, unless the shape says otherwise. The SDKs parse exactly these defaults.
 */
function formatTimestamp(shape: ModelShape, value: unknown, where: 'body' | 'header'): unknown {
  const date = toDate(value);
  const format = shape.timestampFormat ?? (where === 'header' ? 'rfc822' : 'unixTimestamp');
  if (format === 'iso8601') return date.toISOString();
  if (format === 'rfc822') return date.toUTCString();
  return date.getTime() / 1000;
}

/** Keeps only modelled members (the record may hold sandbox bookkeeping) in wire form. */
function toWire(model: ServiceModel, shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = model.shapes[shapeName];
  switch (shape?.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        if (member.location) continue;
        const v = toWire(model, member.shape, (value as Record<string, unknown>)[name]);
        if (v !== undefined) out[member.locationName ?? name] = v;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toWire(model, shape.member!.shape, v));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toWire(model, shape.value!.shape, v)]),
      );
    case 'timestamp':
      return formatTimestamp(shape, value, 'body');
    default:
      return value;
  }
}

/** Serializes a structure whose members may be bound to headers or the status code. */
function serializeStructure(
  model: ServiceModel,
  shapeName: string | undefined,
  value: Record<string, unknown> | undefined,
  status: number,
): WireResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!shapeName || !value) return { status, headers, body: '{}' };
  const shape = model.shapes[shapeName];
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const target = model.shapes[member.shape];
    if (member.location === 'header') {
      headers[(member.locationName ?? name).toLowerCase()] =
        target.type === 'timestamp' ? String(formatTimestamp(target, v, 'header')) : String(v);
    } else if (member.location === 'headers') {
      for (const [k, hv] of Object.entries(v as Record<string, unknown>))
        headers[`${member.locationName ?? ''}${k}`.toLowerCase()] = String(hv);
    } else if (member.location === 'statusCode') {
      status = Number(v);
    }
  }
  return { status, headers, body: JSON.stringify(toWire(model, shapeName, value)) };
}

export function serializeOutput(model: ServiceModel, operation: ModelOperation, output: unknown): WireResponse {
  const status = operation.http.responseCode ?? 200;
  const res = serializeStructure(model, operation.output?.shape, output as Record<string, unknown> | undefined, status);
  // A 204 carries no body at all; the SDKs just drain it.
  if (res.status === 204) {
    delete res.body;
    delete res.headers['content-type'];
  }
  return res;
}

/**
 * AWS's restJson1 error: the shape's HTTP status, `x-amzn-ErrorType: Code`, and a JSON body with
 * the message under the member name the shape declares (`message` or `Message`: the services
 * mix both, and the SDKs read the one the shape names).
 */
export function serializeError(model: ServiceModel, err: ApiError): WireResponse {
  const shape = model.shapes[err.code];
  const isShape = shape?.exception === true;
  const status = err.status ?? (isShape ? shape.error?.httpStatusCode : undefined) ?? 400;
  const members = isShape ? (shape.members ?? {}) : {};
  const messageKey = 'Message' in members && !('message' in members) ? 'Message' : 'message';
  const res = serializeStructure(
    model,
    isShape ? err.code : undefined,
    isShape ? { ...err.fields, [messageKey]: err.message } : undefined,
    status,
  );
  if (!isShape) res.body = JSON.stringify({ message: err.message, ...err.fields });
  res.headers['x-amzn-errortype'] = err.code;
  return res;
}

// ------------------------------------------------------------------------------------------
// Declared errors: which of an operation's errors answers which kind of failure
// ------------------------------------------------------------------------------------------

const VALIDATION = [
  'InvalidParameterException',
  'InvalidRequestException',
  'BadRequestException',
  'ValidationException',
];
const NOT_FOUND = ['ResourceNotFoundException', 'NotFoundException'];
const CONFLICT = ['ResourceConflictException', 'ConflictException'];
const IDEMPOTENCY = ['IdempotencyException'];
const THROTTLING = ['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException'];
const INTERNAL = ['InternalServiceException', 'InternalServiceError', 'InternalFailureException'];

export interface ErrorCodes {
  validation: string;
  notFound: string;
  conflict: string;
  idempotency: string;
  throttling: string;
  internal: string;
}

/**
 * Picks, per failure kind, the first preferred code the operation declares. When it declares
 * none, validation falls back to the service's own validation shape (serviceValidation) (Chatbot's tag operations
 * declare no validation error at all), and not-found / conflict / idempotency fall back to the
 * validation error: the SDK still raises a class the caller's error handling already expects.
 * Throttling answers the service's error shape at 429 (Chatbot's is ServiceUnavailableException,
 * declared by its tag operations only, used for all of them); a service with none would answer
 * `ThrottlingException` 429, which every SDK classifies as throttling by code.
 */
/**
 * The service's own validation shape: the one most of its operations declare (ties: VALIDATION's
 * order). Counting, not "the first the model has", keeps the answer the same when more of the
 * service's operations are trimmed into the model (Chatbot's Describe operations brought
 * InvalidParameterException; its custom action operations all declare InvalidRequestException).
 */
function serviceValidation(model: ServiceModel): string | undefined {
  const count = (c: string) =>
    Object.values(model.operations).filter((o) => (o.errors ?? []).some((e) => e.shape === c)).length;
  const declared = VALIDATION.filter((c) => model.shapes[c]?.exception === true);
  return declared.sort((a, b) => count(b) - count(a) || VALIDATION.indexOf(a) - VALIDATION.indexOf(b))[0];
}

export function errorCodes(model: ServiceModel, operation: ModelOperation): ErrorCodes {
  const declared = new Set((operation.errors ?? []).map((e) => e.shape));
  const serviceHas = (c: string) => model.shapes[c]?.exception === true;
  const pick = (prefs: string[], ...fallbacks: (string | undefined)[]) =>
    prefs.find((c) => declared.has(c)) ?? fallbacks.find((f) => f !== undefined);
  const validation = pick(VALIDATION, serviceValidation(model), 'ValidationException')!;
  const conflict = pick(CONFLICT, validation)!;
  // A throttle answers with an error shape the service declares at 429: the operation's own, else
  // the service's (Connect ThrottlingException, Lex LimitExceededException, Chatbot
  // ServiceUnavailableException: Chatbot's model has no ThrottlingException, docs/FIDELITY.md).
  const throttles = [...THROTTLING, ...Object.keys(model.shapes)].filter(
    (c) => serviceHas(c) && model.shapes[c].error?.httpStatusCode === 429,
  );
  return {
    validation,
    notFound: pick(NOT_FOUND, validation)!,
    conflict,
    idempotency: pick(IDEMPOTENCY, conflict)!,
    throttling: pick(throttles, throttles[0], 'ThrottlingException')!,
    internal: pick(INTERNAL, INTERNAL.find(serviceHas), 'InternalFailure')!,
  };
}

// ------------------------------------------------------------------------------------------
// Pagination tokens
// ------------------------------------------------------------------------------------------

/**
 * Opaque NextToken: base64url of the next offset and a fingerprint of the request's filters, so
 * a token replayed with other filters (or to another operation) is refused as AWS refuses it.
 */
export function encodePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

export function decodePageToken(token: string, fingerprint: string): number | undefined {
  try {
    const { o, f } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    return f === fingerprint && typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Stable JSON (sorted keys) hashed: equal requests give equal fingerprints. */
export function fingerprint(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canon(value)))
    .digest('base64url')
    .slice(0, 22);
}

export interface Paginator {
  input_token: string;
  output_token: string;
  limit_key?: string;
  result_key: string | string[];
}

/**
 * The operation's paginator. The model files hold the paginators-1.json entries directly under
 * `_paginators` (no `pagination` level, whatever models.ts's type says), so accept both.
 */
export function paginatorFor(model: ServiceModel, operation: string): Paginator | undefined {
  const table = model._paginators as unknown as
    | ({ pagination?: Record<string, Paginator> } & Record<string, Paginator>)
    | undefined;
  return table?.pagination?.[operation] ?? (table?.[operation] as Paginator | undefined);
}

/** The page size an operation uses when MaxResults is absent: its documented default, else its max. */
export function defaultPageSize(model: ServiceModel, operation: ModelOperation, limitKey: string | undefined): number {
  const member = limitKey && operation.input ? model.shapes[operation.input.shape].members?.[limitKey] : undefined;
  const documented = /default(?: MaxResult size)? is (\d+)/i.exec(member?.documentation ?? '');
  if (documented) return Number(documented[1]);
  return (member && model.shapes[member.shape].max) ?? 100;
}

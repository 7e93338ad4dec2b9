/**
 * The sandbox's HTTP front door and request pipeline. One port serves Connect, Chatbot and Lex
 * V1: a request is routed by the models (protocol.ts), put through the fault injector (quota,
 * latency, injected errors, resets), parsed, validated against the model (validate.ts), checked
 * for a replayed idempotency token, and only then handed to the operation's handler (ops/*),
 * which implements nothing but the operation's effect on the world.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '../aws/models.js';
import {
  ApiError,
  buildRoutes,
  credentialScope,
  decodePageToken,
  defaultPageSize,
  documentedRegions,
  encodePageToken,
  errorCodes,
  fingerprint,
  matchRoute,
  paginatorFor,
  parseRequest,
  serializeError,
  serializeOutput,
  services,
  type ErrorCodes,
  type Route,
  type WireResponse,
} from './protocol.js';
import { describeViolations, validateShape } from './validate.js';
import type { Faults } from './faults.js';
import { DEFAULT_MAX_BODY_BYTES, readBody, refuseTooLarge } from './body.js';
import { SandboxSts, isStsRequest } from './sts.js';
import type { World } from './world.js';
import {
  ConsistencyView,
  DEFAULT_TOKEN_WINDOW_MS,
  allowedByDocs,
  retiredService,
  type FidelityOptions,
} from './fidelity.js';

// ------------------------------------------------------------------------------------------
// What handlers see
// ------------------------------------------------------------------------------------------

export interface OpContext {
  /** `connect:CreateRule`. */
  readonly api: string;
  /** The fidelity options the sandbox runs with (defaults where unset). */
  readonly fidelity: Readonly<FidelityOptions>;
  /** From the request's SigV4 scope; us-east-1 when unsigned. */
  readonly region: string;
  readonly accountId: string;
  /** Who "made" the call, for LastUpdatedBy. */
  readonly callerArn: string;
  /** The current time as an ISO string (records store ISO; the wire gets epoch seconds). */
  now(): string;
  /** A fresh UUID; reproducible under randomSeed. */
  newId(): string;
  /** Fail with the operation's declared validation error. */
  invalid(message: string): never;
  notFound(message: string): never;
  conflict(message: string): never;
  /** Fail with a specific error shape (e.g. PropertyValidationException with its PropertyList). */
  fail(code: string, message: string, fields?: Record<string, unknown>): never;
  /** One page of `items` per the operation's paginator (NextToken, MaxResults and defaults). */
  paginate<T>(items: T[]): { page: T[]; nextToken?: string };
  /** Record what an idempotent create made (its token outlives it: see fidelity.ts). */
  created(resource: string): void;
  /** A resource is gone (its create's token is forgotten only under forgetTokensOnDelete). */
  deleted(resource: string): void;
  /**
   * The world as reads see it now: the live one, or under a consistency delay an older state.
   * Name checks look at both, so a name just freed or just taken still conflicts.
   */
  readonly visible: World;
}

/** Inputs are validated against the model before a handler runs, hence the loose type. */
// biome-ignore lint/suspicious/noExplicitAny: the input's shape is the operation's AWS model, checked at run time (validateShape) before any handler runs; no static type exists for it
export type Handler = (world: World, input: any, ctx: OpContext) => unknown;
export type Handlers = Record<string, Handler>;

// ------------------------------------------------------------------------------------------
// Stats
// ------------------------------------------------------------------------------------------

export interface OperationStats {
  calls: number;
  throttled: number;
  /** Error answers other than throttling (validation, not found, injected 500/503, ...). */
  errors: number;
  /** Injected 500/503 answers (also counted in errors). */
  faults: number;
  /** Connections dropped on purpose. */
  resets: number;
  inFlight: number;
  maxInFlight: number;
  /** Not a Get/List/Describe. */
  write: boolean;
}

export interface SandboxStats {
  startedAt: string;
  calls: number;
  writeCalls: number;
  throttled: number;
  errors: number;
  faults: number;
  resets: number;
  /** Requests that matched no operation (answered 404 UnknownOperationException). */
  unrouted: number;
  inFlight: number;
  maxInFlight: number;
  /** Keyed `service:Operation` (`connect:CreateRule`, `chatbot:TagResource`, `lex:GetBots`, `sts:AssumeRole`). */
  operations: Record<string, OperationStats>;
  /** Calls per signing access key, then per `service:Operation`: which identity made each call. */
  byAccessKey: Record<string, Record<string, number>>;
}

export const isWrite = (operation: string) => !/^(Get|List|Describe)/.test(operation);

class StatsRecorder {
  private s!: SandboxStats;

  constructor() {
    this.reset();
  }

  reset(): void {
    const inFlight = this.s?.inFlight ?? 0;
    const ops = this.s?.operations ?? {};
    this.s = {
      startedAt: new Date().toISOString(),
      calls: 0,
      writeCalls: 0,
      throttled: 0,
      errors: 0,
      faults: 0,
      resets: 0,
      unrouted: 0,
      inFlight,
      maxInFlight: inFlight,
      operations: {},
      byAccessKey: {},
    };
    // Requests still running keep their in-flight counts so the gauges stay truthful.
    for (const [api, o] of Object.entries(ops)) if (o.inFlight) this.op(api, o.write).inFlight = o.inFlight;
  }

  private op(api: string, write: boolean): OperationStats {
    this.s.operations[api] ??= {
      calls: 0,
      throttled: 0,
      errors: 0,
      faults: 0,
      resets: 0,
      inFlight: 0,
      maxInFlight: 0,
      write,
    };
    return this.s.operations[api];
  }

  begin(api: string, write: boolean, accessKeyId?: string): void {
    if (accessKeyId) {
      this.s.byAccessKey[accessKeyId] ??= {};
      const byKey = this.s.byAccessKey[accessKeyId];
      byKey[api] = (byKey[api] ?? 0) + 1;
    }
    const o = this.op(api, write);
    o.calls++;
    this.s.calls++;
    if (write) this.s.writeCalls++;
    o.maxInFlight = Math.max(o.maxInFlight, ++o.inFlight);
    this.s.maxInFlight = Math.max(this.s.maxInFlight, ++this.s.inFlight);
  }

  end(api: string, outcome: 'ok' | 'throttled' | 'error' | 'fault' | 'reset'): void {
    const o = this.s.operations[api];
    if (o) {
      o.inFlight = Math.max(0, o.inFlight - 1);
      if (outcome === 'throttled') o.throttled++;
      if (outcome === 'error' || outcome === 'fault') o.errors++;
      if (outcome === 'fault') o.faults++;
      if (outcome === 'reset') o.resets++;
    }
    this.s.inFlight = Math.max(0, this.s.inFlight - 1);
    if (outcome === 'throttled') this.s.throttled++;
    if (outcome === 'error' || outcome === 'fault') this.s.errors++;
    if (outcome === 'fault') this.s.faults++;
    if (outcome === 'reset') this.s.resets++;
  }

  unrouted(): void {
    this.s.unrouted++;
  }

  snapshot(): SandboxStats {
    return structuredClone(this.s);
  }
}

// ------------------------------------------------------------------------------------------
// The engine
// ------------------------------------------------------------------------------------------

export interface EngineOptions {
  world: World;
  handlers: Record<ServiceName, Handlers>;
  faults: Faults;
  /**
   * Called after every successful write (persistence); the answer waits for the promise, so a
   * write is acknowledged only once it is saved. A rejection answers the service's internal error.
   */
  onWrite?: () => Promise<void> | void;
  /** Resolves once earlier writes are saved: a replayed idempotent create waits for it too. */
  untilSaved?: () => Promise<void>;
  /** Request bodies over this many bytes are answered 413 unread (default 10 MiB). */
  maxBodyBytes?: number;
  defaultRegion?: string;
  /** Milliseconds since the epoch; injectable so tests move time without sleeping. */
  clock?: () => number;
  fidelity?: FidelityOptions;
}

/**
 * Writes that name an existing resource and must find it where reads look: tags, and linking a
 * custom action to a chat configuration. AWS documents that a resource just created can answer
 * "not found" to the calls that follow (Connect's eventual-consistency page); updates and
 * deletes act on the live state (docs/FIDELITY.md, known unknowns).
 */
const NEEDS_VISIBLE_TARGET = new Set(['TagResource', 'UntagResource', 'AssociateToConfiguration']);

export class SandboxEngine {
  readonly routes: Route[];
  readonly stats = new StatsRecorder();
  /** Credentials and identities (awsQuery; outside the managed services' pipeline and faults). */
  readonly sts = new SandboxSts(() => this.world.accountId);
  private server: Server | undefined;
  private readonly view: ConsistencyView;
  private readonly clock: () => number;
  world: World;

  constructor(private readonly options: EngineOptions) {
    this.world = options.world;
    this.routes = buildRoutes(services());
    this.clock = options.clock ?? Date.now;
    this.view = new ConsistencyView(options.fidelity?.consistencyDelayMs ?? 0);
    this.settle();
  }

  /** Makes the world as it stands visible to reads at once (after seeding). */
  settle(): void {
    this.view.settle(this.world);
  }

  route(api: string): Route | undefined {
    return this.routes.find((r) => r.api === api);
  }

  /** Runs one operation in-process (no HTTP, no faults): used for seeding. */
  async invoke(
    api: string,
    input: Record<string, unknown>,
    region = this.options.defaultRegion ?? 'us-east-1',
  ): Promise<unknown> {
    const route = this.route(api);
    if (!route) throw new Error(`no operation ${api}`);
    // A copy: the world must not share objects with the caller's seed.
    return this.execute(route, structuredClone(input), [], region);
  }

  private async execute(
    route: Route,
    input: Record<string, unknown>,
    parseViolations: ReturnType<typeof parseRequest>['violations'],
    region: string,
    callerArn?: string,
  ): Promise<unknown> {
    const { service, operation, name, api } = route;
    const model = service.model;
    const codes = errorCodes(model, operation);
    const retired = retiredService(service.name, this.options.fidelity?.lexV1);
    if (retired) throw retired;
    const violations = [
      ...parseViolations,
      ...(operation.input ? validateShape(model, operation.input.shape, input) : []),
    ].filter((v) => !allowedByDocs(api, input, v));
    if (violations.length) throw new ApiError(codes.validation, describeViolations(violations));

    const handler = this.options.handlers[service.name][name];
    if (!handler) throw new ApiError('UnknownOperationException', `${api} is not implemented by the sandbox`, {}, 404);

    // Idempotency: same token + same request = the first answer, no new resource.
    const tokenMember = Object.entries(operation.input ? (model.shapes[operation.input.shape].members ?? {}) : {}).find(
      ([, m]) => m.idempotencyToken,
    )?.[0];
    const token = tokenMember ? (input[tokenMember] as string | undefined) : undefined;
    const tokenKey = token ? `${api}|${token}` : undefined;
    const requestPrint = tokenMember ? fingerprint({ ...input, [tokenMember]: undefined }) : '';
    const now = this.clock();
    if (tokenKey) {
      const prior = this.liveToken(tokenKey, now);
      if (prior && prior.fingerprint === requestPrint) {
        // The first call may still be waiting for its save: its answer is not ours to give sooner.
        await this.persisted(codes, this.options.untilSaved);
        return structuredClone(prior.output);
      }
      if (prior)
        throw new ApiError(
          codes.idempotency,
          `The client token ${token} was already used with different request parameters.`,
        );
    }

    let createdResource: string | undefined;
    const visible = this.view.at(now, this.world);
    const ctx = this.context(route, codes, input, region, visible, (r) => (createdResource = r), callerArn);
    const write = isWrite(name);
    // A tag call on a resource reads cannot see yet fails as it would on reads (on a scratch copy).
    if (write && visible !== this.world && NEEDS_VISIBLE_TARGET.has(name))
      await handler(structuredClone(visible), structuredClone(input), ctx);
    const output = await handler(write ? this.world : visible, input, ctx);
    if (tokenKey)
      this.world.idempotency[tokenKey] = {
        fingerprint: requestPrint,
        output: structuredClone(output),
        resource: createdResource,
        at: now,
      };
    if (write) {
      this.forgetExpiredTokens(now);
      this.view.record(now, this.world);
      await this.persisted(codes, this.options.onWrite);
    }
    return output;
  }

  private get tokenWindowMs(): number {
    return this.options.fidelity?.tokenWindowMs ?? DEFAULT_TOKEN_WINDOW_MS;
  }

  /** A token's record while inside its window (records from before windows count from now). */
  private liveToken(key: string, now: number) {
    const rec = this.world.idempotency[key];
    if (rec && rec.at === undefined) rec.at = now;
    if (rec && now - rec.at! >= this.tokenWindowMs) {
      delete this.world.idempotency[key];
      return undefined;
    }
    return rec;
  }

  private forgetExpiredTokens(now: number): void {
    for (const key of Object.keys(this.world.idempotency)) this.liveToken(key, now);
  }

  /** Waits for persistence; a failed save is the sandbox's internal error (and told on stderr). */
  private async persisted(codes: ErrorCodes, save: (() => Promise<void> | void) | undefined): Promise<void> {
    try {
      await save?.();
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      process.stderr.write(`sandbox: cannot save the state file: ${reason}\n`);
      throw new ApiError(
        codes.internal,
        `The sandbox could not save its state file (${reason}), so this call is not acknowledged; the change may still be in memory.`,
        {},
        500,
      );
    }
  }

  private context(
    route: Route,
    codes: ErrorCodes,
    input: Record<string, unknown>,
    region: string,
    visible: World,
    onCreated: (r: string) => void,
    callerArn?: string,
  ): OpContext {
    const { model } = route.service;
    const world = this.world;
    const faults = this.options.faults;
    const paginator = paginatorFor(model, route.name);
    return {
      api: route.api,
      region,
      accountId: world.accountId,
      callerArn: callerArn ?? `arn:aws:iam::${world.accountId}:user/sandbox`,
      fidelity: this.options.fidelity ?? {},
      now: () => new Date(this.clock()).toISOString(),
      newId: () => {
        // Under randomSeed the stream starts over with each process, while a world loaded from a
        // state file holds ids drawn from it before: never hand out an id that is in use.
        for (;;) {
          const id = faults.seeded ? seededUuid(faults.random('ids')) : randomUUID();
          if (!idInUse(world, id)) return id;
        }
      },
      invalid: (m) => {
        throw new ApiError(codes.validation, m);
      },
      notFound: (m) => {
        throw new ApiError(codes.notFound, m);
      },
      conflict: (m) => {
        throw new ApiError(codes.conflict, m);
      },
      fail: (code, m, fields) => {
        throw new ApiError(code, m, fields);
      },
      paginate: <T>(items: T[]) => {
        if (!paginator) return { page: items };
        const limitKey = paginator.limit_key;
        const size =
          (limitKey ? (input[limitKey] as number | undefined) : undefined) ??
          defaultPageSize(model, route.operation, limitKey);
        const filters = fingerprint({
          api: route.api,
          ...input,
          [paginator.input_token]: undefined,
          ...(limitKey ? { [limitKey]: undefined } : {}),
        });
        const token = input[paginator.input_token] as string | undefined;
        let offset = 0;
        if (token !== undefined) {
          const decoded = decodePageToken(token, filters);
          if (decoded === undefined)
            throw new ApiError(codes.validation, 'The NextToken is not valid for this request.');
          offset = decoded;
        }
        const page = items.slice(offset, offset + size);
        return { page, nextToken: offset + size < items.length ? encodePageToken(offset + size, filters) : undefined };
      },
      created: onCreated,
      deleted: (resource) => {
        if (!this.options.fidelity?.forgetTokensOnDelete) return;
        for (const [k, rec] of Object.entries(world.idempotency))
          if (rec.resource === resource) delete world.idempotency[k];
      },
      visible,
    };
  }

  // ---------------------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------------------

  async listen(host: string, port: number): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the sandbox itself: answer like a 500 rather than hang the client.
        if (!res.headersSent)
          send(res, {
            status: 500,
            headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' },
            body: JSON.stringify({ message: String(err) }),
          });
      });
    });
    server.keepAliveTimeout = 5000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${shownHost}:${addr.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const read = await readBody(req, limit);
    if ('tooLarge' in read) return refuseTooLarge(req, res, limit);
    const { body } = read;
    if (rawPath.startsWith('/_sandbox/')) return this.control(req.method ?? 'GET', rawPath, res);

    const scope = credentialScope(req.headers.authorization);
    if (isStsRequest(req.method ?? 'GET', req.headers, scope?.service)) return this.answerSts(req, res, body);
    const signer = this.sts.signer(req.headers);
    const match = matchRoute(this.routes, req.method ?? 'GET', rawPath, query, scope?.service);
    if (!match) {
      this.stats.unrouted();
      return send(res, {
        status: 404,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
        body: JSON.stringify({ message: `No operation matches ${req.method} ${rawPath}` }),
      });
    }

    const { route, labels } = match;
    const { api, service, operation } = route;
    // Chatbot answers only in the regions its model names: elsewhere no operation of it exists.
    const served = documentedRegions(service.model);
    const signedRegion = scope?.region ?? this.options.defaultRegion ?? 'us-east-1';
    if (served && !served.includes(signedRegion)) {
      this.stats.unrouted();
      return send(res, {
        status: 404,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
        body: JSON.stringify({
          message: `${service.model.metadata.serviceId} does not answer in ${signedRegion}, only in ${served.join(', ')}`,
        }),
      });
    }
    const faults = this.options.faults;
    const codes = errorCodes(service.model, operation);
    this.stats.begin(api, isWrite(route.name), signer.accessKeyId);
    let outcome: 'ok' | 'throttled' | 'error' | 'fault' | 'reset' = 'ok';
    res.once('close', () => this.stats.end(api, outcome));

    // Draw before anything time-dependent so each API's random stream advances once per request.
    const verdict = faults.verdict(api);
    const latency = faults.latency(api);
    // Quotas are per account and region: the caller's account (an assumed role's), the signed region.
    const region = signedRegion;
    const throttleMs = faults.throttle(api, { account: signer.identity?.account ?? this.world.accountId, region });
    await faults.delay(latency);

    if (verdict.kind === 'reset') {
      outcome = 'reset';
      req.socket.destroy();
      return;
    }
    let wire: WireResponse;
    if (throttleMs > 0) {
      outcome = 'throttled';
      const retryAfterSeconds = String(Math.max(1, Math.ceil(throttleMs / 1000)));
      const modelled = service.model.shapes[codes.throttling]?.exception === true;
      // Lex's LimitExceededException carries Retry-After (a header member); others have no such member.
      wire = serializeError(
        service.model,
        new ApiError(
          codes.throttling,
          'Rate exceeded',
          modelled ? { retryAfterSeconds } : {},
          modelled ? undefined : 429,
        ),
      );
    } else if (verdict.kind === 'error') {
      outcome = 'fault';
      wire =
        verdict.status === 500
          ? serializeError(
              service.model,
              new ApiError(
                codes.internal,
                'Internal service error (injected by the sandbox)',
                {},
                service.model.shapes[codes.internal] ? undefined : 500,
              ),
            )
          : serializeError(
              service.model,
              new ApiError('ServiceUnavailableException', 'Service unavailable (injected by the sandbox)', {}, 503),
            );
    } else {
      try {
        const parsed = parseRequest(service.model, operation, labels, query, req.headers, body);
        const output = await this.execute(route, parsed.input, parsed.violations, region, signer.identity?.arn);
        wire = serializeOutput(service.model, operation, output);
      } catch (err) {
        outcome = 'error';
        if (err instanceof ApiError) wire = serializeError(service.model, err);
        else {
          // A sandbox bug: answer as the service's internal error rather than hang the client.
          process.stderr.write(`sandbox: ${api} failed: ${(err as Error)?.stack ?? String(err)}\n`);
          wire = serializeError(
            service.model,
            new ApiError(
              codes.internal,
              `sandbox internal error: ${String(err)}`,
              {},
              service.model.shapes[codes.internal] ? undefined : 500,
            ),
          );
        }
      }
    }
    send(res, wire);
  }

  /** STS changes nothing in the world: never a write, never faulted. */
  private answerSts(req: IncomingMessage, res: ServerResponse, body: string): void {
    const answer = this.sts.answer(req.headers, body);
    this.stats.begin(answer.api, false, this.sts.signer(req.headers).accessKeyId);
    res.once('close', () => this.stats.end(answer.api, answer.ok ? 'ok' : 'error'));
    send(res, answer.wire);
  }

  private control(method: string, path: string, res: ServerResponse): void {
    const json = (status: number, value: unknown) =>
      send(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    if (method === 'GET' && path === '/_sandbox/stats') json(200, this.stats.snapshot());
    else if (method === 'POST' && path === '/_sandbox/reset-stats') {
      this.stats.reset();
      json(200, {});
    } else if (method === 'GET' && path === '/_sandbox/world') json(200, this.world);
    else if (method === 'GET' && path === '/_sandbox/health') json(200, { ok: true });
    else json(404, { message: `unknown sandbox endpoint ${method} ${path}` });
  }
}

function send(res: ServerResponse, wire: WireResponse): void {
  const body = wire.body ?? '';
  res.writeHead(wire.status, {
    ...wire.headers,
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** Whether a server-generated id (rule, task template, contact flow) already names something. */
function idInUse(world: World, id: string): boolean {
  return Object.values(world.connect.instances).some(
    (i) => id in i.rules || id in i.taskTemplates || id in i.contactFlows,
  );
}

/** A version-4-shaped UUID from a seeded stream, so ids repeat across runs under randomSeed. */
function seededUuid(rnd: () => number): string {
  const b = Array.from({ length: 16 }, () => Math.floor(rnd() * 256));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Shared pieces of the fault suite: realistic resource bodies (valid against the default sandbox
 * seed), a view of the sandbox world by kind and name, and an intercepting proxy that can SIGKILL
 * the CLI at an exact API call (the CLI spawned as that killable child: spawn-cli.ts, e2e only).
 */
import { mulberry32 } from '../../src/sandbox/faults.js';
import type { ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Body } from '../../src/kinds/types.js';
import type { World } from '../../src/sandbox/index.js';
import { buildRoutes, credentialScope, matchRoute, services } from '../../src/sandbox/protocol.js';
import { INSTANCE } from '../helpers/cli.js';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';

export const OPS = 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops';
export const ONCALL = 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/oncall';
export const MARKER = 'connectform:managed';

// ---------------------------------------------------------------------------------------------
// Bodies

export type RuleSource = 'OnPostCallAnalysisAvailable' | 'OnPostChatAnalysisAvailable' | 'OnContactEvaluationSubmit';

/** A Connect rule; analysis sources get a task + category + event, evaluation ones a notification. */
export function ruleBody(
  name: string,
  o: { source?: RuleSource; threshold?: number; tags?: Record<string, string> } = {},
): Body {
  const source = o.source ?? 'OnPostCallAnalysisAvailable';
  const threshold = o.threshold ?? 2;
  const body: Body =
    source === 'OnContactEvaluationSubmit'
      ? {
          Name: name,
          TriggerEventSource: { EventSourceName: source },
          Function: exampleFunction('OnContactEvaluationSubmit', threshold * 10),
          PublishStatus: 'PUBLISHED',
          Actions: [
            {
              ActionType: 'SEND_NOTIFICATION',
              SendNotificationAction: {
                DeliveryMethod: 'EMAIL',
                Subject: `Low evaluation score (${name})`,
                Content: `An evaluation scored ${40 + threshold * 10}% or less.`,
                ContentType: 'PLAIN_TEXT',
                Recipient: { UserTags: { role: 'supervisor' } },
              },
            },
            { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${name}-event` } },
          ],
        }
      : {
          Name: name,
          TriggerEventSource: { EventSourceName: source },
          Function: exampleFunction(source, threshold),
          PublishStatus: 'PUBLISHED',
          Actions: [
            {
              ActionType: 'CREATE_TASK',
              TaskAction: { Name: `Follow up (${name})`, ContactFlowId: { name: 'Escalation' } },
            },
            { ActionType: 'ASSIGN_CONTACT_CATEGORY', AssignContactCategoryAction: {} },
            { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${name}-event` } },
          ],
        };
  if (o.tags) body.Tags = o.tags;
  return body;
}

const FLOWS = ['Task routing', 'Callback', 'Escalation', 'VIP routing'];

/** A Connect task template with a NAME field, a few typed fields, constraints and defaults. */
export function templateBody(
  name: string,
  o: { flow?: number; description?: string; tags?: Record<string, string> } = {},
): Body {
  const body: Body = {
    Name: name,
    Description: o.description ?? `Work item: ${name}`,
    ContactFlowId: { name: FLOWS[(o.flow ?? 0) % FLOWS.length] },
    Fields: [
      { Id: { Name: 'Title' }, Type: 'NAME' },
      { Id: { Name: 'Account number' }, Type: 'TEXT', Description: 'Customer account number' },
      { Id: { Name: 'Priority' }, Type: 'SINGLE_SELECT', SingleSelectOptions: ['Low', 'Normal', 'High'] },
      { Id: { Name: 'Details' }, Type: 'DESCRIPTION' },
    ],
    Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }, { Id: { Name: 'Account number' } }] },
    Defaults: { DefaultFieldValues: [{ Id: { Name: 'Priority' }, DefaultValue: 'Normal' }] },
  };
  if (o.tags) body.Tags = o.tags;
  return body;
}

/** A Chatbot custom action with an alias, a CloudWatch button and chat configuration links. */
export function actionBody(
  name: string,
  o: { version?: number; channels?: string[]; tags?: { TagKey: string; TagValue: string }[] } = {},
): Body {
  const body: Body = {
    ActionName: name,
    AliasName: `${name}-alias`.slice(0, 30),
    Definition: { CommandText: `lambda invoke --function-name ${name}-v${o.version ?? 1}` },
    Attachments: [
      {
        NotificationType: 'CloudWatch',
        ButtonText: 'Run',
        Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'AlarmName' }],
        Variables: { AlarmName: '$.detail.alarmName' },
      },
    ],
    ChatConfigurations: o.channels ?? [OPS],
  };
  if (o.tags) body.Tags = o.tags;
  return body;
}

export interface Desired {
  rules: Body[];
  taskTemplates: Body[];
  customActions: Body[];
}

/** One directory: connectform.yaml (target + settings) and resources.yaml. */
export function writeDesired(dir: string, endpoint: string, desired: Desired, settings: object = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'connectform.yaml'),
    stringify({ targets: { sandbox: { region: 'us-east-2', instanceId: INSTANCE, endpoint } }, settings }),
  );
  writeFileSync(join(dir, 'resources.yaml'), stringify(desired));
}

// ---------------------------------------------------------------------------------------------
// The world, by kind and name

export interface LiveItem {
  name: string;
  id: string;
  managed: boolean;
}

export interface LiveView {
  rules: LiveItem[];
  taskTemplates: LiveItem[];
  customActions: LiveItem[];
  /** Chat configuration ARN → custom action ARNs linked to it (in link order, repeats kept). */
  associations: Record<string, string[]>;
  ruleSources: Record<string, string>;
}

export function liveView(world: World): LiveView {
  const inst = world.connect.instances[INSTANCE];
  return {
    rules: Object.values(inst.rules).map((r) => ({ name: r.Name, id: r.RuleId, managed: r.Tags?.[MARKER] === 'true' })),
    taskTemplates: Object.values(inst.taskTemplates).map((t) => ({
      name: t.Name,
      id: t.Id,
      managed: t.Tags?.[MARKER] === 'true',
    })),
    customActions: Object.values(world.chatbot.customActions).map((a) => ({
      name: a.ActionName,
      id: a.CustomActionArn,
      managed: a.Tags?.[MARKER] === 'true',
    })),
    associations: Object.fromEntries(
      Object.values(world.chatbot.chatConfigurations).map((c) => [c.Arn, [...c.associations]]),
    ),
    ruleSources: Object.fromEntries(
      Object.values(inst.rules).map((r) => [
        r.Name,
        String((r.TriggerEventSource as { EventSourceName?: string }).EventSourceName),
      ]),
    ),
  };
}

/** Names seen more than once. */
export function repeated(names: string[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const n of names) (seen.has(n) ? out : seen).add(n);
  return [...out].sort();
}

/** Every way the world can hold something twice: names per kind, and links per channel. */
export function duplicatesIn(view: LiveView): string[] {
  return [
    ...repeated(view.rules.map((r) => r.name)).map((n) => `rule ${n}`),
    ...repeated(view.taskTemplates.map((t) => t.name)).map((n) => `taskTemplate ${n}`),
    ...repeated(view.customActions.map((a) => a.name)).map((n) => `customAction ${n}`),
    ...Object.entries(view.associations).flatMap(([c, arns]) => repeated(arns).map((a) => `association ${a} → ${c}`)),
  ];
}

export const names = (items: LiveItem[]) => items.map((i) => i.name).sort();

/** Resolves once `check()` holds (polling), or rejects after `ms` (a bound against hangs, not a budget). */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// Intercepting proxy

/**
 * What to do with one request, by API (`connect:TagResource`) and its decoded path:
 *   forward: pass it on; killBefore: SIGKILL the CLI and drop the request unsent (the server never
 *   sees it); killAfter: let the server act, then SIGKILL the CLI before it reads the answer;
 *   dropAnswer: let the server act, then drop the connection (the answer is lost, the CLI lives);
 *   deny: answer 403 AccessDeniedException without asking the server (a missing IAM permission);
 *   hold: never answer (a call that hangs; the request stays open until the client gives up).
 */
export type Verdict = 'forward' | 'killBefore' | 'killAfter' | 'dropAnswer' | 'deny' | 'hold';

export interface ProxyRequest {
  api: string;
  method: string;
  path: string;
  body: string;
}

/**
 * A plain HTTP proxy in front of the sandbox that recognises each request's API with the
 * sandbox's own router (models + SigV4 scope), so a test can kill the CLI at an exact call.
 */
export class KillProxy {
  private server: Server | undefined;
  private readonly routes = buildRoutes(services());
  /** Set per run: who to kill, and what to do with each request. */
  victim: ChildProcess | undefined;
  decide: (r: ProxyRequest) => Verdict = () => 'forward';
  readonly seen: ProxyRequest[] = [];
  killedAt: ProxyRequest | undefined;
  /** Answers thrown away after the server acted. */
  dropped = 0;
  /** Requests never answered (`hold`). */
  held = 0;

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    const up = new URL(this.upstream);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://x');
        const scope = credentialScope(req.headers.authorization);
        const match = matchRoute(this.routes, req.method ?? 'GET', url.pathname, url.searchParams, scope?.service);
        const info: ProxyRequest = {
          api: match?.route.api ?? '?',
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          body: body.toString('utf8'),
        };
        this.seen.push(info);
        const verdict = this.killedAt ? 'killBefore' : this.decide(info);
        if (verdict === 'deny') {
          const body = JSON.stringify({ Message: `User is not authorized to perform: ${info.api}` });
          res.writeHead(403, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'AccessDeniedException',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
          return;
        }
        if (verdict === 'killBefore') {
          this.kill(info);
          req.socket.destroy();
          return;
        }
        if (verdict === 'hold') {
          this.held++;
          return;
        }
        const out = request(
          { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
          (answer: IncomingMessage) => {
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () => {
              if (verdict === 'killAfter') this.kill(info);
              if (verdict === 'killAfter' || verdict === 'dropAnswer') {
                this.dropped++;
                req.socket.destroy();
                return;
              }
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(parts));
            });
          },
        );
        out.on('error', () => req.socket.destroy());
        out.end(body);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Arm for one CLI run (no victim: nothing to kill, e.g. only dropping answers). */
  arm(victim: ChildProcess | undefined, decide: (r: ProxyRequest) => Verdict): void {
    this.victim = victim;
    this.decide = decide;
    this.killedAt = undefined;
    this.seen.length = 0;
  }

  disarm(): void {
    this.victim = undefined;
    this.decide = () => 'forward';
    this.killedAt = undefined;
    this.seen.length = 0;
  }

  private kill(at: ProxyRequest): void {
    if (!this.killedAt) this.killedAt = at;
    this.victim?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** Deterministic PRNG for kill delays and config variants: the sandbox's own. */
export const prng = mulberry32;

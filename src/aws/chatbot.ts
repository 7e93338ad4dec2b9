/**
 * The AWS Chatbot client: the operations of ./models/chatbot.json (custom actions, their
 * associations with chat configurations, tags), serialized from the model by rest-json.ts,
 * signed with SigV4 and sent by the same HTTP handler as the other clients, on the current SDK
 * core's public packages. The newest published @aws-sdk/client-chatbot (3.670.0) lacks the
 * custom-action operations and pins an SDK core two generations old, hence this client.
 *
 *   await chatbot.send('CreateCustomAction', { ActionName, Definition });
 *
 * It makes one attempt per send: AwsClients.call() paces and retries, as for the SDK clients.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CHATBOT_REGIONS } from './chatbot-regions.js';
import { loadModel } from './models.js';
import { parseResponse, type ResponseMetadata, serializeRequest } from './rest-json.js';
import { markHost } from './timeouts.js';

export { AwsServiceError } from './rest-json.js';

// ---------------------------------------------------------------------------------------------
// Shapes (names, required members and enums as in the model)
// ---------------------------------------------------------------------------------------------

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export type CustomActionAttachmentCriteriaOperator = 'HAS_VALUE' | 'EQUALS';

export interface CustomActionDefinition {
  CommandText: string;
}

export interface CustomActionAttachmentCriteria {
  Operator: CustomActionAttachmentCriteriaOperator;
  VariableName: string;
  Value?: string;
}

export interface CustomActionAttachment {
  NotificationType?: string;
  ButtonText?: string;
  /** 1 to 5 entries. */
  Criteria?: CustomActionAttachmentCriteria[];
  /** 1 to 5 entries. */
  Variables?: Record<string, string>;
}

export interface CustomAction {
  CustomActionArn: string;
  Definition: CustomActionDefinition;
  AliasName?: string;
  Attachments?: CustomActionAttachment[];
  ActionName?: string;
}

export interface CreateCustomActionRequest {
  Definition: CustomActionDefinition;
  AliasName?: string;
  Attachments?: CustomActionAttachment[];
  Tags?: Tag[];
  /** Idempotency token; a random UUID is sent when omitted. */
  ClientToken?: string;
  ActionName: string;
}

export interface UpdateCustomActionRequest {
  CustomActionArn: string;
  Definition: CustomActionDefinition;
  AliasName?: string;
  Attachments?: CustomActionAttachment[];
}

interface Page {
  /** 1 to 100. */
  MaxResults?: number;
  NextToken?: string;
}

type Empty = Record<string, never>;

/** Each operation we call: its input and output members. */
export interface ChatbotOperations {
  CreateCustomAction: { input: CreateCustomActionRequest; output: { CustomActionArn: string } };
  GetCustomAction: { input: { CustomActionArn: string }; output: { CustomAction?: CustomAction } };
  UpdateCustomAction: { input: UpdateCustomActionRequest; output: { CustomActionArn: string } };
  DeleteCustomAction: { input: { CustomActionArn: string }; output: Empty };
  ListCustomActions: { input: Page; output: { CustomActions: string[]; NextToken?: string } };
  AssociateToConfiguration: { input: { Resource: string; ChatConfiguration: string }; output: Empty };
  DisassociateFromConfiguration: { input: { Resource: string; ChatConfiguration: string }; output: Empty };
  ListAssociations: {
    input: Page & { ChatConfiguration: string };
    output: { Associations: { Resource: string }[]; NextToken?: string };
  };
  TagResource: { input: { ResourceARN: string; Tags: Tag[] }; output: Empty };
  UntagResource: { input: { ResourceARN: string; TagKeys: string[] }; output: Empty };
  ListTagsForResource: { input: { ResourceARN: string }; output: { Tags?: Tag[] } };
  // Chat configurations, listed for their names (configs may name them: kinds/references.ts).
  DescribeSlackChannelConfigurations: {
    input: Page;
    output: { SlackChannelConfigurations?: ChatConfigurationSummary[]; NextToken?: string };
  };
  DescribeChimeWebhookConfigurations: {
    input: Page;
    output: { WebhookConfigurations?: ChatConfigurationSummary[]; NextToken?: string };
  };
  ListMicrosoftTeamsChannelConfigurations: {
    input: Page;
    output: { TeamChannelConfigurations?: ChatConfigurationSummary[]; NextToken?: string };
  };
}

/** What connectform reads of a Slack, Chime or Teams chat configuration. */
export interface ChatConfigurationSummary {
  ChatConfigurationArn: string;
  ConfigurationName?: string;
}

export type ChatbotOperation = keyof ChatbotOperations;
export type ChatbotInput<O extends ChatbotOperation> = ChatbotOperations[O]['input'];
export type ChatbotOutput<O extends ChatbotOperation> = ChatbotOperations[O]['output'] & {
  $metadata: ResponseMetadata;
};

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

export interface ChatbotClientOptions {
  /** One of CHATBOT_REGIONS: the client refuses to send anywhere else. */
  region: string;
  /** Endpoint override (the sandbox, a VPC endpoint); else the model's regional endpoint. */
  endpoint?: string;
  /** Keys or a provider; when absent the SDK's default chain (env, profile, SSO, IMDS...). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The same handler settings as the SDK clients (timeouts.ts requestHandlerOptions). */
  requestHandler?: NodeHttpHandlerOptions;
}

/** Refresh credentials this long before they expire (as the SDK's own memoization does). */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * The model's endpoint rule without FIPS or dual-stack: `https://chatbot.{Region}.{dnsSuffix}`
 * (smithy/chatbot.json endpointRuleSet and its tests); every region Chatbot serves is in the
 * `aws` partition.
 */
export const chatbotEndpoint = (region: string) =>
  `https://${loadModel('chatbot').metadata.endpointPrefix}.${region}.amazonaws.com`;

export class ChatbotRegionError extends Error {
  override readonly name = 'ChatbotRegionError';
}

export class ChatbotClient {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly handler: NodeHttpHandler;
  private cached?: Promise<AwsCredentialIdentity>;
  private expiresAt = Number.POSITIVE_INFINITY;

  constructor(private readonly options: ChatbotClientOptions) {
    this.endpoint = new URL(options.endpoint ?? chatbotEndpoint(options.region));
    const credentials = options.credentials;
    const provider: AwsCredentialIdentityProvider =
      typeof credentials === 'function' ? credentials : credentials ? async () => credentials : defaultProvider();
    this.signer = new SignatureV4({
      service: loadModel('chatbot').metadata.signingName,
      region: options.region,
      credentials: () => this.identity(provider),
      sha256: Sha256,
    });
    this.handler = new NodeHttpHandler(options.requestHandler);
  }

  get region(): string {
    return this.options.region;
  }

  async send<O extends ChatbotOperation>(operation: O, input: ChatbotInput<O>): Promise<ChatbotOutput<O>> {
    if (!CHATBOT_REGIONS.includes(this.options.region))
      throw new ChatbotRegionError(
        `AWS Chatbot does not answer in ${this.options.region}, only in ${CHATBOT_REGIONS.join(', ')}: nothing was sent`,
      );
    const model = loadModel('chatbot');
    const wire = serializeRequest(model, operation, input);
    const url = this.endpoint;
    const base = url.pathname.replace(/\/$/, '');
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      method: wire.method,
      path: `${base}${wire.path}`,
      query: wire.query,
      headers: {
        ...wire.headers,
        host: url.host,
        ...(wire.body !== undefined ? { 'content-length': String(Buffer.byteLength(wire.body)) } : {}),
      },
      body: wire.body,
    });
    try {
      const signed = await this.signer.sign(request);
      const { response } = await this.handler.handle(HttpRequest.clone(signed));
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(response.headers)) headers[k.toLowerCase()] = v;
      const body = await readBody(response.body);
      // The model's output members are what the operation answers (ChatbotOperations mirrors them).
      return parseResponse(model, operation, { status: response.statusCode, headers, body }) as ChatbotOutput<O>;
    } catch (err) {
      throw markHost(err, url.hostname, url.port ? Number(url.port) : undefined);
    }
  }

  destroy(): void {
    this.handler.destroy();
  }

  /** One identity shared by all sends until it is about to expire. */
  private identity(provider: AwsCredentialIdentityProvider): Promise<AwsCredentialIdentity> {
    if (!this.cached || Date.now() >= this.expiresAt) {
      const pending = provider().then((c) => {
        this.expiresAt = c.expiration ? c.expiration.getTime() - REFRESH_BEFORE_MS : Number.POSITIVE_INFINITY;
        return c;
      });
      pending.catch(() => {
        if (this.cached === pending) this.cached = undefined;
      });
      this.cached = pending;
    }
    return this.cached;
  }
}

async function readBody(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Shared test plumbing: the real SDK clients pointed at a sandbox, and a raw HTTP helper for the
 * cases no SDK can send (missing path labels, bad enums in the query, garbage tokens).
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { LexModelBuildingServiceClient } from '@aws-sdk/client-lex-model-building-service';
import { ChatbotClient } from '../../src/aws/chatbot.js';
import { CHATBOT_REGIONS } from '../../src/aws/chatbot-regions.js';
import { DEFAULT_INSTANCE_ID } from '../../src/sandbox/world.js';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';

export const INSTANCE = DEFAULT_INSTANCE_ID;
export const ACCOUNT = '123456789012';
export const FLOW_ESCALATION = '0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6';
export const CHAT_OPS = `arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/ops`;
export const CHAT_ONCALL = `arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/oncall`;

const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/**
 * SDK retries off, so every error surfaces as the class the sandbox answered with. Chatbot answers
 * in four regions only: its client gets `region` when it is one of them, else us-east-2.
 */
export function clients(endpoint: string, region = 'us-east-1') {
  const common = { endpoint, region, credentials, maxAttempts: 1 };
  const chatbotRegion = CHATBOT_REGIONS.includes(region) ? region : 'us-east-2';
  return {
    connect: new ConnectClient(common),
    chatbot: new ChatbotClient({ endpoint, region: chatbotRegion, credentials }),
    lex: new LexModelBuildingServiceClient(common),
  };
}

/** Awaits a rejection and returns the error, failing if the promise resolves. */
export async function failure(p: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, any>;
  }
  throw new Error('expected the call to fail, it succeeded');
}

export interface RawResponse {
  status: number;
  headers: Headers;
  errorType: string | null;
  body: any;
}

/**
 * A request with a SigV4-shaped Authorization header (the sandbox reads the scope, it does not
 * check signatures), built by hand.
 */
export async function raw(
  endpoint: string,
  signingName: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const h: Record<string, string> = { ...headers };
  if (signingName) {
    // Chatbot answers in four regions only (not us-east-1).
    const region = signingName === 'chatbot' ? 'us-east-2' : 'us-east-1';
    h.authorization = `AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20260101/${region}/${signingName}/aws4_request, SignedHeaders=host, Signature=00`;
  }
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(endpoint + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    errorType: res.headers.get('x-amzn-errortype'),
    body: text ? JSON.parse(text) : undefined,
  };
}

/**
 * A documented OnPostCallAnalysisAvailable Function (the "PostCall queue condition" of
 * https://docs.aws.amazon.com/connect/latest/APIReference/OnPostCallAnalysisAvailable.html),
 * optionally matching other queue ids.
 */
export const postCallFunction = (...queueIds: string[]) =>
  JSON.stringify({
    Version: '2022-11-25',
    RuleFunction: {
      Operator: 'AND',
      Operands: [
        {
          Operator: 'CONTAINS_ANY',
          Operands: queueIds.length ? queueIds : ['11111111-1234-5678-9123-123456789012'],
          ComparisonValue: '$.ContactLens.PostCall.Queue.QueueId',
          Negate: false,
        },
      ],
    },
  });

/**
 * One documented condition per event source, from its page under
 * https://docs.aws.amazon.com/connect/latest/APIReference/ (the first condition each page lists
 * that takes a plain string operand).
 */
const DOCUMENTED_CONDITION: Record<string, [operator: string, comparisonValue: string, operand: string]> = {
  OnPostCallAnalysisAvailable: ['CONTAINS_ANY', '$.ContactLens.PostCall.Queue.QueueId', 'queue-1'],
  OnRealTimeCallAnalysisAvailable: ['CONTAINS_ANY', '$.ContactLens.RealTimeCall.Queue.QueueId', 'queue-1'],
  OnPostChatAnalysisAvailable: ['CONTAINS_ANY', '$.ContactLens.PostChat.Queue.QueueId', 'queue-1'],
  OnEmailAnalysisAvailable: ['CONTAINS_ANY', '$.ContactLens.Email.InitiationMethod', 'INBOUND'],
  OnContactEvaluationSubmit: ['EQUALS', '$.ContactLens.ContactEvaluation.Form.FormId', 'form-1'],
  OnZendeskTicketCreate: ['EQUALS', '$.ThirdParty.Zendesk.TicketCreate.Type', 'incident'],
  OnZendeskTicketStatusUpdate: ['EQUALS', '$.ThirdParty.Zendesk.StatusUpdate.Status', 'solved'],
  OnSalesforceCaseCreate: ['EQUALS', '$.ThirdParty.Salesforce.CaseCreate.AccountId', 'account-1'],
  OnCaseCreate: ['EQUALS', '$.Case.Fields.status', 'open'],
  OnCaseUpdate: ['EQUALS', '$.Case.Fields.status', 'open'],
  OnSlaBreach: ['CONTAINS_ANY', '$.RelatedItem.SlaConfiguration.Name', 'highPrioritySla'],
};

/** A Function with one documented condition of `source`. */
export const functionFor = (source: keyof typeof DOCUMENTED_CONDITION | string) => {
  const [Operator, ComparisonValue, operand] = DOCUMENTED_CONDITION[source];
  return JSON.stringify({
    Version: '2022-11-25',
    RuleFunction: { Operator: 'AND', Operands: [{ Operator, Operands: [operand], ComparisonValue, Negate: false }] },
  });
};

/**
 * A documented Function whose JSON text is exactly `length` characters long (one long phrase),
 * for body-size tests.
 */
export function functionOfLength(length: number): string {
  const withPhrase = (phrase: string) => {
    const doc = exampleFunction('OnPostCallAnalysisAvailable');
    doc.RuleFunction.Operands[0].Operands = [phrase];
    return JSON.stringify(doc);
  };
  return withPhrase('x'.repeat(Math.max(1, length - withPhrase('').length)));
}

/** One documented condition of `source` where the table has it, else the post-call one. */
const functionOfSource = (source: string | undefined) =>
  source !== undefined && source in DOCUMENTED_CONDITION ? functionFor(source) : postCallFunction();

/** A rule's input; its Function is one documented condition of the event source `extra` names. */
export const ruleInput = (name: string, extra: Record<string, unknown> = {}) => ({
  InstanceId: INSTANCE,
  Name: name,
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' as const },
  Function: functionOfSource((extra.TriggerEventSource as { EventSourceName?: string } | undefined)?.EventSourceName),
  Actions: [
    {
      ActionType: 'CREATE_TASK' as const,
      TaskAction: { Name: 'Follow up', ContactFlowId: FLOW_ESCALATION },
    },
  ],
  PublishStatus: 'DRAFT' as const,
  ...extra,
});

export const templateInput = (name: string, extra: Record<string, unknown> = {}) => ({
  InstanceId: INSTANCE,
  Name: name,
  ContactFlowId: FLOW_ESCALATION,
  Fields: [
    { Id: { Name: 'Name' }, Type: 'NAME' as const },
    { Id: { Name: 'Customer' }, Type: 'TEXT' as const, Description: 'Who called' },
  ],
  // The model: Constraints is required, and RequiredFields lists the NAME field.
  Constraints: { RequiredFields: [{ Id: { Name: 'Name' } }] },
  ...extra,
});

/**
 * AWS Chatbot custom-action operations, which the newest published @aws-sdk/client-chatbot
 * (3.670.0) predates; the wire contract follows ./models/chatbot.json (botocore 1.43.67).
 *
 * The commands are built exactly the way 3.670.0 builds its own (Command.classBuilder + the
 * serde and endpoint plugins, restJson1 helpers from the same @smithy / @aws-sdk packages), so a
 * plain `new ChatbotClient({...})` sends them with its own credentials, region, endpoint
 * resolution (incl. an `endpoint` override), retries, SigV4 signing and middleware:
 *
 *   await client.send(new CreateCustomActionCommand({ ActionName, Definition }));
 *
 * TagResource / UntagResource / ListTagsForResource are not redefined: 3.670.0's commands
 * already match the model (same paths, `ResourceARN`, Tags as [{TagKey, TagValue}], `TagKeys`,
 * 200 responses, same error shapes), so use those from @aws-sdk/client-chatbot.
 *
 * Every import below is a package @aws-sdk/client-chatbot itself depends on, resolved to the very
 * copies the client loads, so `instanceof` checks and middleware contracts line up.
 */
import { randomUUID } from 'node:crypto';
import {
  ChatbotClient,
  ChatbotServiceException,
  ConflictException,
  InternalServiceError,
  InvalidRequestException,
  LimitExceededException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  TagResourceCommand,
  TooManyTagsException,
  type ChatbotClientResolvedConfig,
  type ChatbotPaginationConfiguration,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type Tag,
} from '@aws-sdk/client-chatbot';
import { loadRestJsonErrorCode, parseJsonBody, parseJsonErrorBody } from '@aws-sdk/core';
import { createPaginator, requestBuilder } from '@smithy/core';
import { getEndpointPlugin } from '@smithy/middleware-endpoint';
import { getSerdePlugin } from '@smithy/middleware-serde';
import {
  Command as $Command,
  _json,
  collectBody,
  decorateServiceException,
  expectNonNull,
  expectObject,
  expectString,
  map,
  take,
  withBaseException,
  type ExceptionOptionType,
} from '@smithy/smithy-client';
import type {
  HttpRequest,
  HttpResponse,
  MetadataBearer,
  Paginator,
  ResponseMetadata,
  SerdeContext,
} from '@smithy/types';

export type { Tag };

// ---------------------------------------------------------------------------------------------
// Shapes (names, required members and enums as in the model)
// ---------------------------------------------------------------------------------------------

export const CustomActionAttachmentCriteriaOperator = {
  HAS_VALUE: 'HAS_VALUE',
  EQUALS: 'EQUALS',
} as const;
export type CustomActionAttachmentCriteriaOperator =
  (typeof CustomActionAttachmentCriteriaOperator)[keyof typeof CustomActionAttachmentCriteriaOperator];

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

export interface AssociationListing {
  Resource: string;
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
export interface CreateCustomActionResult {
  CustomActionArn: string;
}

export interface GetCustomActionRequest {
  CustomActionArn: string;
}
export interface GetCustomActionResult {
  CustomAction?: CustomAction;
}

export interface UpdateCustomActionRequest {
  CustomActionArn: string;
  Definition: CustomActionDefinition;
  AliasName?: string;
  Attachments?: CustomActionAttachment[];
}
export interface UpdateCustomActionResult {
  CustomActionArn: string;
}

export interface DeleteCustomActionRequest {
  CustomActionArn: string;
}
export type DeleteCustomActionResult = {};

export interface ListCustomActionsRequest {
  /** 1 to 100. */
  MaxResults?: number;
  NextToken?: string;
}
export interface ListCustomActionsResult {
  CustomActions: string[];
  NextToken?: string;
}

export interface AssociateToConfigurationRequest {
  /** The custom action ARN. */
  Resource: string;
  /** The channel configuration ARN. */
  ChatConfiguration: string;
}
export type AssociateToConfigurationResult = {};

export interface DisassociateFromConfigurationRequest {
  Resource: string;
  ChatConfiguration: string;
}
export type DisassociateFromConfigurationResult = {};

export interface ListAssociationsRequest {
  ChatConfiguration: string;
  /** 1 to 100. */
  MaxResults?: number;
  NextToken?: string;
}
export interface ListAssociationsResult {
  Associations: AssociationListing[];
  NextToken?: string;
}

export interface CreateCustomActionCommandInput extends CreateCustomActionRequest {}
export interface CreateCustomActionCommandOutput extends CreateCustomActionResult, MetadataBearer {}
export interface GetCustomActionCommandInput extends GetCustomActionRequest {}
export interface GetCustomActionCommandOutput extends GetCustomActionResult, MetadataBearer {}
export interface UpdateCustomActionCommandInput extends UpdateCustomActionRequest {}
export interface UpdateCustomActionCommandOutput extends UpdateCustomActionResult, MetadataBearer {}
export interface DeleteCustomActionCommandInput extends DeleteCustomActionRequest {}
export interface DeleteCustomActionCommandOutput extends DeleteCustomActionResult, MetadataBearer {}
export interface ListCustomActionsCommandInput extends ListCustomActionsRequest {}
export interface ListCustomActionsCommandOutput extends ListCustomActionsResult, MetadataBearer {}
export interface AssociateToConfigurationCommandInput extends AssociateToConfigurationRequest {}
export interface AssociateToConfigurationCommandOutput extends AssociateToConfigurationResult, MetadataBearer {}
export interface DisassociateFromConfigurationCommandInput extends DisassociateFromConfigurationRequest {}
export interface DisassociateFromConfigurationCommandOutput
  extends DisassociateFromConfigurationResult,
    MetadataBearer {}
export interface ListAssociationsCommandInput extends ListAssociationsRequest {}
export interface ListAssociationsCommandOutput extends ListAssociationsResult, MetadataBearer {}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The one error shape of these operations that 3.670.0 does not export (403, client fault). */
export class UnauthorizedException extends ChatbotServiceException {
  override readonly name = 'UnauthorizedException' as const;
  override readonly $fault = 'client' as const;
  constructor(opts: ExceptionOptionType<UnauthorizedException, ChatbotServiceException>) {
    super({ name: 'UnauthorizedException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, UnauthorizedException.prototype);
  }
}

type ErrorCtor = new (opts: any) => ChatbotServiceException;

/**
 * Every error shape in the model, with the casing of its message member: the model mixes
 * `message` (becomes Error.message) and `Message` (a property of its own), and the client's
 * classes expect exactly that casing.
 */
const ERRORS: Record<string, [ErrorCtor, 'message' | 'Message']> = {
  ConflictException: [ConflictException, 'message'],
  InternalServiceError: [InternalServiceError, 'Message'],
  InvalidRequestException: [InvalidRequestException, 'message'],
  LimitExceededException: [LimitExceededException, 'message'],
  ResourceNotFoundException: [ResourceNotFoundException, 'Message'],
  ServiceUnavailableException: [ServiceUnavailableException, 'message'],
  TooManyTagsException: [TooManyTagsException, 'message'],
  UnauthorizedException: [UnauthorizedException, 'message'],
};

// Unknown codes still surface as a ChatbotServiceException named after the code.
const throwDefaultError = withBaseException(ChatbotServiceException);

const deserializeMetadata = (output: HttpResponse): ResponseMetadata => ({
  httpStatusCode: output.statusCode,
  requestId:
    output.headers['x-amzn-requestid'] ?? output.headers['x-amzn-request-id'] ?? output.headers['x-amz-request-id'],
  extendedRequestId: output.headers['x-amz-id-2'],
  cfId: output.headers['x-amz-cf-id'],
});

const de_CommandError = async (output: HttpResponse, context: SerdeContext): Promise<never> => {
  const body = await parseJsonErrorBody(output.body, context);
  const errorCode = loadRestJsonErrorCode(output, body);
  const known = errorCode === undefined ? undefined : ERRORS[errorCode];
  if (!known) return throwDefaultError({ output, parsedBody: body, errorCode }) as never;
  const [Ctor, messageKey] = known;
  const exception = new Ctor({
    $metadata: deserializeMetadata(output),
    ...take(body, { [messageKey]: expectString }),
  });
  throw decorateServiceException(exception, body);
};

// ---------------------------------------------------------------------------------------------
// restJson1 serde: every operation is a POST of a JSON body to an RPC-style path
// ---------------------------------------------------------------------------------------------

type Instructions = Parameters<typeof take>[1];

/** `members` lists the wire members, so stray keys on the input are never sent (as in the SDK). */
const se =
  <I extends object>(path: string, members: Instructions) =>
  async (input: I, context: SerdeContext): Promise<HttpRequest> => {
    const b = requestBuilder(input, context);
    b.bp(path);
    b.m('POST')
      .h({ 'content-type': 'application/json' })
      .b(JSON.stringify(take(input, members)));
    return b.build();
  };

/**
 * `status` is the model's http.responseCode; like the SDK, any other 2xx is accepted too.
 * Without `members` the output has no body members and the body is only drained.
 */
const de =
  <O extends MetadataBearer>(status: number, members?: Instructions) =>
  async (output: HttpResponse, context: SerdeContext): Promise<O> => {
    if (output.statusCode !== status && output.statusCode >= 300) return de_CommandError(output, context);
    const contents = map({ $metadata: deserializeMetadata(output) });
    if (members) {
      const data = expectNonNull(expectObject(await parseJsonBody(output.body, context)), 'body');
      Object.assign(contents, take(data, members));
    } else {
      await collectBody(output.body, context);
    }
    return contents as O;
  };

// The client's own endpoint parameter instructions (region, FIPS, dual-stack, endpoint override);
// taken from a sibling command because the client does not export them.
const commonParams = TagResourceCommand.getEndpointParameterInstructions();

/** The same builder chain as each command of 3.670.0, for an operation it lacks. */
const command = <I extends ServiceInputTypes, O extends ServiceOutputTypes>(
  operation: string,
  serialize: (input: I, context: SerdeContext) => Promise<HttpRequest>,
  deserialize: (output: HttpResponse, context: SerdeContext) => Promise<O>,
) =>
  $Command
    .classBuilder<I, O, ChatbotClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes>()
    .ep(commonParams)
    .m(function (this: any, Command: any, _cs: any, config: ChatbotClientResolvedConfig, _o: any) {
      return [
        getSerdePlugin(config, this.serialize, this.deserialize),
        getEndpointPlugin(config, Command.getEndpointParameterInstructions()),
      ];
    })
    .s('WheatleyOrchestration_20171011', operation, {})
    .n('ChatbotClient', `${operation}Command`)
    .f(undefined, undefined)
    .ser(serialize)
    .de(deserialize)
    .build();

const definitionAndAttachments = {
  AliasName: [],
  Attachments: (_: unknown) => _json(_),
  Definition: (_: unknown) => _json(_),
} satisfies Instructions;

export class CreateCustomActionCommand extends command(
  'CreateCustomAction',
  se<CreateCustomActionCommandInput>('/create-custom-action', {
    ...definitionAndAttachments,
    ActionName: [],
    // idempotencyToken: filled only when the caller left it out, so a retried create is a no-op.
    ClientToken: [true, (_: string | undefined) => _ ?? randomUUID()],
    Tags: (_: unknown) => _json(_),
  }),
  de<CreateCustomActionCommandOutput>(201, { CustomActionArn: expectString }),
) {}

export class GetCustomActionCommand extends command(
  'GetCustomAction',
  se<GetCustomActionCommandInput>('/get-custom-action', { CustomActionArn: [] }),
  de<GetCustomActionCommandOutput>(200, { CustomAction: _json }),
) {}

export class UpdateCustomActionCommand extends command(
  'UpdateCustomAction',
  se<UpdateCustomActionCommandInput>('/update-custom-action', {
    ...definitionAndAttachments,
    CustomActionArn: [],
  }),
  de<UpdateCustomActionCommandOutput>(200, { CustomActionArn: expectString }),
) {}

export class DeleteCustomActionCommand extends command(
  'DeleteCustomAction',
  se<DeleteCustomActionCommandInput>('/delete-custom-action', { CustomActionArn: [] }),
  de<DeleteCustomActionCommandOutput>(204),
) {}

export class ListCustomActionsCommand extends command(
  'ListCustomActions',
  se<ListCustomActionsCommandInput>('/list-custom-actions', { MaxResults: [], NextToken: [] }),
  de<ListCustomActionsCommandOutput>(200, { CustomActions: _json, NextToken: expectString }),
) {}

export class AssociateToConfigurationCommand extends command(
  'AssociateToConfiguration',
  se<AssociateToConfigurationCommandInput>('/associate-to-configuration', { ChatConfiguration: [], Resource: [] }),
  de<AssociateToConfigurationCommandOutput>(201),
) {}

export class DisassociateFromConfigurationCommand extends command(
  'DisassociateFromConfiguration',
  se<DisassociateFromConfigurationCommandInput>('/disassociate-from-configuration', {
    ChatConfiguration: [],
    Resource: [],
  }),
  de<DisassociateFromConfigurationCommandOutput>(204),
) {}

export class ListAssociationsCommand extends command(
  'ListAssociations',
  se<ListAssociationsCommandInput>('/list-associations', { ChatConfiguration: [], MaxResults: [], NextToken: [] }),
  de<ListAssociationsCommandOutput>(200, { Associations: _json, NextToken: expectString }),
) {}

// ---------------------------------------------------------------------------------------------
// Paginators (the model's _paginators: NextToken in and out, MaxResults as page size)
// ---------------------------------------------------------------------------------------------

export const paginateListCustomActions: (
  config: ChatbotPaginationConfiguration,
  input: ListCustomActionsCommandInput,
  ...rest: any[]
) => Paginator<ListCustomActionsCommandOutput> = createPaginator<
  ChatbotPaginationConfiguration,
  ListCustomActionsCommandInput,
  ListCustomActionsCommandOutput
>(ChatbotClient, ListCustomActionsCommand, 'NextToken', 'NextToken', 'MaxResults');

export const paginateListAssociations: (
  config: ChatbotPaginationConfiguration,
  input: ListAssociationsCommandInput,
  ...rest: any[]
) => Paginator<ListAssociationsCommandOutput> = createPaginator<
  ChatbotPaginationConfiguration,
  ListAssociationsCommandInput,
  ListAssociationsCommandOutput
>(ChatbotClient, ListAssociationsCommand, 'NextToken', 'NextToken', 'MaxResults');

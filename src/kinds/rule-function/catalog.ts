/**
 * The conditions of AWS's Rules Function language, per TriggerEventSource, as data: what the
 * API Reference pages "Conditions in Amazon Connect Rules Function language" and one page per
 * event source document (each entry cites its page). `validate` checks every rule's Function
 * against it offline (./check.ts); the plan keys conditions by their ComparisonValue (../rule.ts).
 *
 * Read from the pages, not guessed: a condition the pages show is here with their operators,
 * operand types, counts, ranges and enums; what a page's text leaves open is said so next to the
 * entry (`partialEnum`), and checked loosely (a warning, not an error). Event sources the model
 * lists but no page documents are in UNDOCUMENTED_SOURCES (docs/FIDELITY.md, known unknowns).
 */

const API_REF = 'https://docs.aws.amazon.com/connect/latest/APIReference/';
/** Pages of the language itself (cited by structural checks). */
export const LANGUAGE_PAGE = `${API_REF}connect-rules-language.html`;
export const CONCEPTS_PAGE = `${API_REF}rules-language-concepts.html`;
export const EXAMPLE_PAGE = `${API_REF}example-rule-function.html`;
export const CONDITIONS_PAGE = `${API_REF}rule-function-conditions.html`;
export const PATTERN_MATCH_PAGE = `${API_REF}patternmatch-operands.html`;

/** "Currently the only supported version is 2022-11-25" (Example rule function page). */
export const RULE_FUNCTION_VERSION = '2022-11-25';
/** "The very top Operator has to be either AND or OR" (Concepts page). */
export const TOP_OPERATORS = ['AND', 'OR'] as const;

/** Instance resources whose ids or ARNs a condition's operands are (a config may name them). */
export type ResourceRef = 'queue' | 'user' | 'hierarchyGroup' | 'routingProfile' | 'evaluationForm';

/** What each operand of a condition is. */
export type OperandSpec =
  | {
      type: 'string';
      /** The documented values ('low' | 'normal' …). */
      enum?: readonly string[];
      /** The page's list is cut short or says "such as": other values are warned about, not refused. */
      partialEnum?: boolean;
      /** Ids or ARNs of an instance resource (a config may name them: ../references.ts). */
      resource?: ResourceRef;
      /** The page says the operands are ARNs ("Agent hierarchy ARNs"), not ids: names resolve to ARNs. */
      arn?: boolean;
    }
  | { type: 'number'; integer?: boolean; min?: number; max?: number }
  /** An array of PatternMatch objects ("PatternMatch Operands" page). */
  | { type: 'patternMatch' };

/** One `Filters` entry a FilterClause may hold. */
export interface FilterSpec {
  /** The filter's Data: one of these strings, or an object with exactly one of these number members. */
  data: { oneOf: readonly string[] } | { exactlyOneOf: readonly string[] };
  /** Whether the page marks it optional ("If omitted, the rule applies to the full contact"). */
  optional: boolean;
}

export interface FilterClauseSpec {
  /** "Only "AND" is supported". */
  logicOperators: readonly string[];
  filters: Readonly<Record<string, FilterSpec>>;
}

/** A condition: one ComparisonValue the pages document for an event source. */
export interface ConditionSpec {
  /** The page's heading for it ("PostCall words or phrases - Exact match"). */
  title: string;
  /** The ComparisonValue; `<key>` stands for any attribute key the user chooses. */
  comparisonValue: string;
  operators: readonly string[];
  operands: OperandSpec;
  /** Exact number of operands ("array length can only be 1"); otherwise at least one. */
  count?: number;
  /** Whether Negate may be true (pages say "Negate - false" for those that may not). */
  negatable: boolean;
  /** The FilterClause the page shows, if any (then it is accepted, required when `filterRequired`). */
  filterClause?: FilterClauseSpec;
  filterRequired?: boolean;
  /** The page it comes from (anchor-less: pages' anchors are not stable). */
  page: string;
}

/** A compound condition: `{ Operator: AND, Operands: [conditions] }` holding exactly these ComparisonValues. */
export interface CompoundSpec {
  title: string;
  operator: 'AND';
  /** The ComparisonValues of its parts, each documented in `conditions` of the same source. */
  parts: readonly string[];
  page: string;
}

export interface EventSourceSpec {
  page: string;
  conditions: readonly ConditionSpec[];
  /** Conditions documented only as parts of a compound (may not stand alone). */
  compoundOnly?: readonly string[];
  compounds?: readonly CompoundSpec[];
}

const PARTICIPANT_ROLE: FilterSpec = { data: { oneOf: ['CUSTOMER', 'AGENT', 'ANY'] }, optional: false };
const period = (type: string): Record<string, FilterSpec> => ({
  [type]: { data: { exactlyOneOf: ['First', 'Last'] }, optional: true },
});
const transcriptFilter = (periodType?: string): FilterClauseSpec => ({
  logicOperators: ['AND'],
  filters: { ...(periodType ? period(periodType) : {}), ParticipantRole: PARTICIPANT_ROLE },
});
const PATTERN_LANGUAGES = ['EN', 'ES', 'AR', 'DE', 'FR', 'HI', 'IT', 'PT', 'KO', 'JA', 'ZH'];

const INITIATION_METHODS = ['INBOUND', 'OUTBOUND', 'TRANSFER', 'QUEUE_TRANSFER', 'CALLBACK', 'API', 'DISCONNECT'];
/** The page's list as far as the stored copy shows it (it is cut after AGENT_COMPLETED). */
const DISCONNECT_REASONS = [
  'TELECOM_BUSY',
  'TELECOM_NUMBER_INVALID',
  'TELECOM_POTENTIAL_BLOCKING',
  'TELECOM_UNANSWERED',
  'TELECOM_TIMEOUT',
  'TELECOM_ORIGINATOR_CANCEL',
  'TELECOM_PROBLEM',
  'CUSTOMER_NEVER_ARRIVED',
  'THIRD_PARTY_DISCONNECT',
  'CUSTOMER_DISCONNECT',
  'AGENT_DISCONNECT',
  'BARGED',
  'CONTACT_FLOW_DISCONNECT',
  'OTHER',
  'OUTBOUND_DESTINATION_ENDPOINT_ERROR',
  'OUTBOUND_RESOURCE_ERROR',
  'OUTBOUND_ATTEMPT_FAILED',
  'EXPIRED',
  'AGENT_NETWORK_DISCONNECT',
  'CUSTOMER_CONNECTION_NOT_ESTABLISHED',
  'API',
  'IDLE_DISCONNECT',
  'SYSTEM_ERROR',
  'AGENT_COMPLETED',
];

const strings: OperandSpec = { type: 'string' };
const percent: OperandSpec = { type: 'number', integer: true, min: 0, max: 100 };
const NUMBER_BOUNDS = ['NumberLessOrEqualTo', 'NumberGreaterOrEqualTo'] as const;

/** The conditions Contact Lens post-call and post-chat pages share, with their prefix. */
function contactLensAnalysis(
  prefix: 'PostCall' | 'PostChat',
  page: string,
  extra: readonly ConditionSpec[],
): ConditionSpec[] {
  const cv = (rest: string) => `$.ContactLens.${prefix}.${rest}`;
  const filter = transcriptFilter(`${prefix}ContactPeriodSeconds`);
  return [
    {
      title: `${prefix} words or phrases - Exact match`,
      comparisonValue: cv('ExactMatch.Transcript'),
      operators: ['CONTAINS_ANY'],
      operands: strings,
      negatable: true,
      filterClause: filter,
      page,
    },
    {
      title: `${prefix} words or phrases - Semantic match`,
      comparisonValue: cv('SemanticMatch.Transcript'),
      operators: ['CONTAINS_ANY'],
      operands: strings,
      negatable: true,
      filterClause: filter,
      page,
    },
    {
      title: 'Agent Hierarchy',
      comparisonValue: cv('Agent.HierarchyGroup.ARN'),
      operators: ['CONTAINS_ANY'],
      operands: { type: 'string', resource: 'hierarchyGroup', arn: true },
      negatable: false,
      page: page.replace('/APIReference/', '/devguide/'),
    },
    {
      title: 'Initiation Method',
      comparisonValue: cv('InitiationMethod'),
      operators: ['CONTAINS_ANY'],
      operands: { type: 'string', enum: INITIATION_METHODS },
      negatable: false,
      page: page.replace('/APIReference/', '/devguide/'),
    },
    {
      title: 'DisconnectReason',
      comparisonValue: cv('DisconnectReason'),
      operators: ['CONTAINS_ANY'],
      operands: { type: 'string', enum: DISCONNECT_REASONS, partialEnum: true },
      negatable: false,
      page: page.replace('/APIReference/', '/devguide/'),
    },
    ...extra,
  ];
}

const POST_CALL_PAGE = `${API_REF}OnPostCallAnalysisAvailable.html`;
const REALTIME_CALL_PAGE = `${API_REF}OnRealTimeCallAnalysisAvailable.html`;
const POST_CHAT_PAGE = `${API_REF}OnPostChatAnalysisAvailable.html`;
const EVALUATION_PAGE = `${API_REF}OnContactEvaluationSubmit.html`;
const ZENDESK_CREATE_PAGE = `${API_REF}OnZendeskTicketCreate.html`;
const ZENDESK_UPDATE_PAGE = `${API_REF}OnZendeskTicketStatusUpdate.html`;
const SALESFORCE_PAGE = `${API_REF}OnSalesforceCaseCreate.html`;
const CASE_CREATE_PAGE = `${API_REF}OnCaseCreate.html`;
const CASE_UPDATE_PAGE = `${API_REF}OnCaseUpdate.html`;
const SLA_PAGE = `${API_REF}OnSlaBreach.html`;
/** Read in the developer guide's copy (its Markdown): the API Reference page's text was not stored. */
const EMAIL_PAGE = 'https://docs.aws.amazon.com/connect/latest/devguide/OnEmailAnalysisAvailable.html';

/** Zendesk's four ticket conditions, identical on both Zendesk pages but for the path segment. */
function zendesk(segment: 'TicketCreate' | 'StatusUpdate', page: string): ConditionSpec[] {
  const one = (field: string, values?: string[]): ConditionSpec => ({
    title: `${field} condition`,
    comparisonValue: `$.ThirdParty.Zendesk.${segment}.${field}`,
    operators: ['EQUALS'],
    operands: values ? { type: 'string', enum: values } : strings,
    count: 1,
    negatable: true,
    page,
  });
  return [
    one('Type', ['question', 'incident', 'problem', 'task']),
    one('Priority', ['low', 'normal', 'high', 'urgent']),
    one('Status', ['open', 'pending', 'solved', 'close', 'hold']),
    one('RequesterId'),
  ];
}

/** Amazon Connect Cases field conditions: OnCaseCreate and OnCaseUpdate show the same four. */
function caseFields(page: string): ConditionSpec[] {
  return [
    {
      title: 'Assigned queue condition',
      comparisonValue: '$.Case.Fields.assigned_queue',
      operators: ['CONTAINS_ANY'],
      operands: { type: 'string', resource: 'queue' },
      negatable: false,
      page,
    },
    {
      title: 'Assigned user condition',
      comparisonValue: '$.Case.Fields.assigned_user',
      operators: ['CONTAINS_ANY'],
      operands: { type: 'string', resource: 'user' },
      negatable: false,
      page,
    },
    {
      title: 'Case reason condition',
      comparisonValue: '$.Case.Fields.case_reason',
      operators: ['EQUALS'],
      operands: strings,
      count: 1,
      negatable: true,
      page,
    },
    {
      title: 'Case status condition',
      comparisonValue: '$.Case.Fields.status',
      operators: ['EQUALS'],
      operands: strings,
      count: 1,
      negatable: false,
      page,
    },
  ];
}

export const EVENT_SOURCES: Readonly<Record<string, EventSourceSpec>> = {
  OnPostCallAnalysisAvailable: {
    page: POST_CALL_PAGE,
    conditions: contactLensAnalysis('PostCall', POST_CALL_PAGE, [
      {
        title: 'NonTalkTimePct',
        comparisonValue: '$.ContactLens.PostCall.Agent.NonTalkTimePct',
        operators: NUMBER_BOUNDS,
        operands: percent,
        count: 1,
        negatable: false,
        page: POST_CALL_PAGE.replace('/APIReference/', '/devguide/'),
      },
      {
        title: 'Customer Hold Duration Pct',
        comparisonValue: '$.ContactLens.PostCall.Agent.CustomerHoldDurationPct',
        operators: NUMBER_BOUNDS,
        operands: percent,
        count: 1,
        negatable: false,
        page: POST_CALL_PAGE.replace('/APIReference/', '/devguide/'),
      },
      {
        // Named in the and the Example page's form for real-time calls; the post-call
        // page's queue condition follows the same shape.
        title: 'PostCall queue condition',
        comparisonValue: '$.ContactLens.PostCall.Queue.QueueId',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', resource: 'queue' },
        negatable: true,
        page: POST_CALL_PAGE,
      },
    ]),
  },
  OnPostChatAnalysisAvailable: {
    page: POST_CHAT_PAGE,
    conditions: contactLensAnalysis('PostChat', POST_CHAT_PAGE, [
      {
        title: 'PostChat queue condition',
        comparisonValue: '$.ContactLens.PostChat.Queue.QueueId',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', resource: 'queue' },
        negatable: true,
        page: POST_CHAT_PAGE,
      },
    ]),
  },
  OnRealTimeCallAnalysisAvailable: {
    page: REALTIME_CALL_PAGE,
    conditions: [
      {
        title: 'RealTimeCall words or phrases - Exact match',
        comparisonValue: '$.ContactLens.RealTimeCall.ExactMatch.Transcript',
        operators: ['CONTAINS_ANY'],
        operands: strings,
        negatable: false,
        filterClause: transcriptFilter(),
        page: REALTIME_CALL_PAGE,
      },
      {
        title: 'RealTimeCall words or phrases - Pattern match',
        comparisonValue: '$.ContactLens.RealTimeCall.PatternMatch.Transcript',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'patternMatch' },
        negatable: false,
        filterClause: {
          logicOperators: ['AND'],
          filters: {
            ParticipantRole: PARTICIPANT_ROLE,
            PatternMatchLanguageFilter: { data: { oneOf: PATTERN_LANGUAGES }, optional: true },
          },
        },
        page: REALTIME_CALL_PAGE,
      },
      {
        title: 'RealTimeCall agent condition',
        comparisonValue: '$.ContactLens.RealTimeCall.Agent.AgentId',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', resource: 'user' },
        negatable: false,
        page: REALTIME_CALL_PAGE,
      },
      {
        title: 'RealTimeCall queue condition',
        comparisonValue: '$.ContactLens.RealTimeCall.Queue.QueueId',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', resource: 'queue' },
        negatable: true,
        page: REALTIME_CALL_PAGE,
      },
    ],
  },
  OnEmailAnalysisAvailable: {
    // The stored copy of the page is cut inside its sixth condition ("Custom User-Defined Segment
    // Attribute"): the five before it are here; the rest are known unknowns (docs/FIDELITY.md).
    page: EMAIL_PAGE,
    conditions: [
      {
        title: 'Agent Hierarchy',
        comparisonValue: '$.ContactLens.Email.Agent.HierarchyGroup.ARN',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', resource: 'hierarchyGroup', arn: true },
        negatable: false,
        page: EMAIL_PAGE,
      },
      {
        title: 'Initiation Method',
        comparisonValue: '$.ContactLens.Email.InitiationMethod',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', enum: ['INBOUND', 'OUTBOUND', 'AGENT_REPLY', 'FLOW'] },
        negatable: false,
        page: EMAIL_PAGE,
      },
      {
        title: 'DisconnectReason',
        comparisonValue: '$.ContactLens.Email.DisconnectReason',
        operators: ['CONTAINS_ANY'],
        operands: {
          type: 'string',
          enum: ['AGENT_DISCONNECT', 'CONTACT_FLOW_DISCONNECT', 'EXPIRED', 'DISCARDED', 'OTHER', 'API', 'TRANSFERRED'],
        },
        negatable: false,
        page: EMAIL_PAGE,
      },
      {
        title: 'After Contact Work Duration',
        comparisonValue: '$.ContactLens.Email.Agent.AfterContactWorkDurationSecs',
        operators: ['NumberGreaterOrEqualTo', 'NumberLessOrEqualTo'],
        // "A positive integer or zero."
        operands: { type: 'number', integer: true, min: 0 },
        negatable: false,
        page: EMAIL_PAGE,
      },
      {
        // The one condition any page documents on a routing profile: "Operands - Routing profile
        // ARNs", ComparisonValue "$.ContactLens.Email.Agent.RoutingProfile" (no ".ARN" suffix).
        title: 'Routing Profile',
        comparisonValue: '$.ContactLens.Email.Agent.RoutingProfile',
        operators: ['CONTAINS_ANY'],
        operands: { type: 'string', resource: 'routingProfile', arn: true },
        negatable: false,
        page: EMAIL_PAGE,
      },
    ],
  },
  OnContactEvaluationSubmit: {
    page: EVALUATION_PAGE,
    conditions: [
      {
        title: 'ContactEvaluation - Results available condition',
        comparisonValue: '$.ContactLens.ContactEvaluation.Form.FormId',
        operators: ['EQUALS'],
        operands: { type: 'string', resource: 'evaluationForm' },
        count: 1,
        negatable: false,
        page: EVALUATION_PAGE,
      },
      {
        title: 'ContactEvaluation - Form score (score part)',
        comparisonValue: '$.ContactLens.ContactEvaluation.Form.Score',
        operators: NUMBER_BOUNDS,
        // The form score is a percentage (EvaluationScore.Percentage: 0 to 100).
        operands: { type: 'number', min: 0, max: 100 },
        count: 1,
        negatable: false,
        page: EVALUATION_PAGE,
      },
    ],
    compoundOnly: ['$.ContactLens.ContactEvaluation.Form.Score'],
    compounds: [
      {
        title: 'ContactEvaluation - Form score condition',
        operator: 'AND',
        parts: ['$.ContactLens.ContactEvaluation.Form.FormId', '$.ContactLens.ContactEvaluation.Form.Score'],
        page: EVALUATION_PAGE,
      },
    ],
  },
  OnZendeskTicketCreate: { page: ZENDESK_CREATE_PAGE, conditions: zendesk('TicketCreate', ZENDESK_CREATE_PAGE) },
  OnZendeskTicketStatusUpdate: {
    page: ZENDESK_UPDATE_PAGE,
    conditions: zendesk('StatusUpdate', ZENDESK_UPDATE_PAGE),
  },
  OnSalesforceCaseCreate: {
    page: SALESFORCE_PAGE,
    conditions: [
      {
        title: 'AccountId condition',
        comparisonValue: '$.ThirdParty.Salesforce.CaseCreate.AccountId',
        operators: ['EQUALS'],
        operands: strings,
        count: 1,
        negatable: true,
        page: SALESFORCE_PAGE,
      },
      ...['Name', 'Email', 'Phone'].map(
        (field): ConditionSpec => ({
          title: `${field} condition`,
          comparisonValue: `$.ThirdParty.Salesforce.CaseCreate.${field}`,
          operators: ['EQUALS', 'CONTAINS'],
          operands: strings,
          count: 1,
          negatable: true,
          page: SALESFORCE_PAGE,
        }),
      ),
    ],
  },
  OnCaseCreate: { page: CASE_CREATE_PAGE, conditions: caseFields(CASE_CREATE_PAGE) },
  OnCaseUpdate: { page: CASE_UPDATE_PAGE, conditions: caseFields(CASE_UPDATE_PAGE) },
  OnSlaBreach: {
    page: SLA_PAGE,
    conditions: [
      {
        title: 'Cases SLA name condition',
        comparisonValue: '$.RelatedItem.SlaConfiguration.Name',
        operators: ['CONTAINS_ANY'],
        operands: strings,
        negatable: false,
        page: SLA_PAGE,
      },
    ],
  },
};

/**
 * Event sources the model's EventSourceName lists whose condition pages connectform could not
 * read (the stored copies of the docs hold no page, or only its title): structural checks only,
 * and one warning that the conditions are unverified. Known unknowns in docs/FIDELITY.md.
 */
export const UNDOCUMENTED_SOURCES: Readonly<Record<string, string>> = {
  OnRealTimeChatAnalysisAvailable:
    'no conditions page for it is listed under "Conditions in Amazon Connect Rules Function language"',
  OnMetricDataUpdate: 'listed under "Conditions", but its page could not be read',
  OnAlertUpdate: 'no conditions page',
  OnSchedulePublish: 'no conditions page',
  OnScheduleUpdate: 'no conditions page',
  OnScheduleTimeOffRequestActivity: 'no conditions page',
};

/** Every operator any page names (for did-you-mean on an operator no condition of the source takes). */
export const ALL_OPERATORS: readonly string[] = [
  ...new Set([
    ...TOP_OPERATORS,
    ...Object.values(EVENT_SOURCES).flatMap((s) => s.conditions.flatMap((c) => c.operators)),
  ]),
];

/** The documented condition with this ComparisonValue on `source`, if any (`<key>` patterns match any key). */
export function conditionFor(source: string, comparisonValue: string): ConditionSpec | undefined {
  return EVENT_SOURCES[source]?.conditions.find((c) => matchesPath(c.comparisonValue, comparisonValue));
}

function matchesPath(pattern: string, value: string): boolean {
  if (!pattern.includes('<key>')) return pattern === value;
  const [head, tail] = pattern.split('<key>');
  return value.startsWith(head) && value.endsWith(tail) && value.length > head.length + tail.length;
}

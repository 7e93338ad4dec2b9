/**
 * One documented Function per event source the catalog covers, for the bench generators, the
 * tests and the docs' examples: each is valid for its source (test/kinds/rule-function.test.ts
 * checks every one), so nothing connectform ships shows a condition AWS does not document.
 * `n` varies an operand, so callers can make many distinct rules or change one.
 */
import { RULE_FUNCTION_VERSION } from './catalog.js';

export interface RuleFunctionDocument {
  Version: string;
  RuleFunction: { Operator: 'AND' | 'OR'; Operands: Record<string, unknown>[] };
}

const doc = (...conditions: Record<string, unknown>[]): RuleFunctionDocument => ({
  Version: RULE_FUNCTION_VERSION,
  RuleFunction: { Operator: 'AND', Operands: conditions },
});

const customer = { LogicOperator: 'AND', Filters: [{ Type: 'ParticipantRole', Data: 'CUSTOMER' }] };
/** A UUID-shaped id that varies with n (queue, form and user ids in examples). */
export const exampleId = (prefix: string, n: number): string =>
  `${prefix.padEnd(8, '1').slice(0, 8)}-1234-5678-9123-${String(n).padStart(12, '0')}`;

const BUILDERS: Record<string, (n: number) => RuleFunctionDocument> = {
  OnPostCallAnalysisAvailable: (n) =>
    doc({
      Operator: 'CONTAINS_ANY',
      Operands: [n ? `refund ${n}` : 'refund'],
      ComparisonValue: '$.ContactLens.PostCall.ExactMatch.Transcript',
      FilterClause: customer,
      Negate: false,
    }),
  OnRealTimeCallAnalysisAvailable: (n) =>
    doc({
      Operator: 'CONTAINS_ANY',
      Operands: [n ? `cancel my service ${n}` : 'cancel my service'],
      ComparisonValue: '$.ContactLens.RealTimeCall.ExactMatch.Transcript',
      FilterClause: customer,
      Negate: false,
    }),
  OnPostChatAnalysisAvailable: (n) =>
    doc({
      Operator: 'CONTAINS_ANY',
      Operands: [n ? `order issue ${n}` : 'order issue'],
      ComparisonValue: '$.ContactLens.PostChat.ExactMatch.Transcript',
      FilterClause: customer,
      Negate: false,
    }),
  OnEmailAnalysisAvailable: (n) =>
    doc({
      Operator: 'NumberGreaterOrEqualTo',
      Operands: [300 + n],
      ComparisonValue: '$.ContactLens.Email.Agent.AfterContactWorkDurationSecs',
      Negate: false,
    }),
  OnContactEvaluationSubmit: (n) =>
    doc({
      Operator: 'AND',
      Operands: [
        {
          Operator: 'EQUALS',
          Operands: [exampleId('eval', 1)],
          ComparisonValue: '$.ContactLens.ContactEvaluation.Form.FormId',
          Negate: false,
        },
        {
          Operator: 'NumberLessOrEqualTo',
          Operands: [40 + (n % 60)],
          ComparisonValue: '$.ContactLens.ContactEvaluation.Form.Score',
          Negate: false,
        },
      ],
    }),
  OnZendeskTicketCreate: (n) =>
    doc({
      Operator: 'EQUALS',
      Operands: [['low', 'normal', 'high', 'urgent'][(n + 3) % 4]],
      ComparisonValue: '$.ThirdParty.Zendesk.TicketCreate.Priority',
      Negate: false,
    }),
  OnZendeskTicketStatusUpdate: (n) =>
    doc({
      Operator: 'EQUALS',
      Operands: [['open', 'pending', 'solved', 'hold'][n % 4]],
      ComparisonValue: '$.ThirdParty.Zendesk.StatusUpdate.Status',
      Negate: false,
    }),
  OnSalesforceCaseCreate: (n) =>
    doc({
      Operator: 'CONTAINS',
      Operands: [n ? `example-${n}.com` : 'example.com'],
      ComparisonValue: '$.ThirdParty.Salesforce.CaseCreate.Email',
      Negate: false,
    }),
  OnCaseCreate: (n) =>
    doc({
      Operator: 'EQUALS',
      Operands: [n ? `Refund ${n}` : 'Refund'],
      ComparisonValue: '$.Case.Fields.case_reason',
      Negate: false,
    }),
  OnCaseUpdate: (n) =>
    doc({
      Operator: 'EQUALS',
      Operands: [n ? `closed-${n}` : 'closed'],
      ComparisonValue: '$.Case.Fields.status',
      Negate: false,
    }),
  OnSlaBreach: (n) =>
    doc({
      Operator: 'CONTAINS_ANY',
      Operands: [n ? `high-priority-resolution-${n}` : 'high-priority-resolution'],
      ComparisonValue: '$.RelatedItem.SlaConfiguration.Name',
      Negate: false,
    }),
};

/** The event sources exampleFunction has a documented Function for. */
export const EXAMPLE_SOURCES: readonly string[] = Object.keys(BUILDERS);

/** A documented Function for a rule on `source` (varied by `n`); throws for a source with none. */
export function exampleFunction(source: string, n = 0): RuleFunctionDocument {
  const build = BUILDERS[source];
  if (!build) throw new Error(`no documented example Function for ${source}`);
  return build(n);
}

/** The same, as the JSON string DescribeRule returns (the string form a config may use too). */
export function exampleFunctionJson(source: string, n = 0): string {
  return JSON.stringify(exampleFunction(source, n));
}

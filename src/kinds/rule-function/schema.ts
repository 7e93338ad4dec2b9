/**
 * The JSON Schema of a rule's `Function`: the Rules Function document (a mapping) or a string
 * holding its JSON. It describes the members so editors complete them; what is right or wrong
 * inside the document is the audit's (./check.ts), which says it once, with the position and a
 * did-you-mean, instead of the schema's generic messages.
 */
import type { JsonSchema } from '../schema.js';
import { EVENT_SOURCES, LANGUAGE_PAGE, PATTERN_MATCH_PAGE, RULE_FUNCTION_VERSION } from './catalog.js';

export function functionSchema(): JsonSchema {
  const comparisonValues = [
    ...new Set(Object.values(EVENT_SOURCES).flatMap((s) => s.conditions.map((c) => c.comparisonValue))),
  ].sort();
  const operators = [
    ...new Set(Object.values(EVENT_SOURCES).flatMap((s) => s.conditions.flatMap((c) => c.operators))),
  ].sort();
  const condition: JsonSchema = {
    description: 'A condition (or a compound condition: Operator AND with conditions as Operands).',
    properties: {
      Operator: { description: 'The condition operator.', examples: operators },
      Operands: {
        description: `What the condition compares with: strings, numbers or PatternMatch objects (${PATTERN_MATCH_PAGE}), by condition; where a condition takes ids or ARNs of queues, users, hierarchy groups, routing profiles or evaluation forms, { name } of one (resolved per target).`,
      },
      ComparisonValue: {
        description: "A JSON path valid for the rule's TriggerEventSource.",
        examples: comparisonValues,
      },
      FilterClause: {
        description: 'Additional criteria (transcript conditions: { LogicOperator: AND, Filters: [{ Type, Data }] }).',
        properties: { LogicOperator: { examples: ['AND'] }, Filters: {} },
      },
      Negate: { description: 'Whether the condition is negated (false unless the condition allows true).' },
    },
  };
  return {
    description: `The conditions of the rule in the Rules Function language (${LANGUAGE_PAGE}): a mapping (preferred) or a string holding its JSON. connectform checks it against the documented conditions of the TriggerEventSource.`,
    type: ['object', 'string'],
    minLength: 1,
    properties: {
      Version: { description: 'The language version.', examples: [RULE_FUNCTION_VERSION] },
      RuleFunction: {
        description: 'Operator AND or OR over a list of conditions.',
        properties: {
          Operator: { examples: ['AND', 'OR'] },
          Operands: { description: 'The conditions.', items: condition },
        },
      },
    },
  };
}
